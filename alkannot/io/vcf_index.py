"""Check that a tabix (``.tbi``) or CSI index belongs to its bgzipped VCF before trusting it.

An index from another file (a copy left next to a re-made VCF, a newer mtime included) would make
region queries return fewer records, silently. Each chunk of the index points at a BGZF block
(compressed offset) and a byte inside it (uncompressed offset): every pointer must land on a
BGZF block header in this file, inside that block's uncompressed size, at the start of a record
line on the contig the index files it under; and the index must share contig names with the
header.
Any miss means the index is not this file's.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
#: at most this many chunk pointers are checked (an even spread and the last): a few ms
MAX_BLOCKS = 256


_BIN = struct.Struct("<Ii")
_U64 = struct.Struct("<Q")
_I32 = struct.Struct("<i")


class IndexMismatch(ValueError):
    """The index does not describe this file (the message says how)."""


def _read_tbi(raw: bytes) -> tuple[list[str], list[tuple[int, int]]]:
    if raw[:4] != b"TBI\x01":
        raise IndexMismatch("not a tabix index (bad magic)")
    n_ref, _fmt, _cs, _cb, _ce, _meta, _skip, l_nm = struct.unpack_from("<8i", raw, 4)
    names = [n.decode(errors="replace") for n in raw[36 : 36 + l_nm].split(b"\x00") if n]
    off = 36 + l_nm
    voffsets = []
    add = voffsets.append
    bin_chunks, first, count = _BIN.unpack_from, _U64.unpack_from, _I32.unpack_from
    for ref in range(n_ref):
        (n_bin,) = count(raw, off)
        off += 4
        for _ in range(n_bin):
            bin_, n_chunk = bin_chunks(raw, off)
            off += 8
            if bin_ != 37450:  # the pseudo-bin holds counts, not record pointers
                if n_chunk == 1:  # the usual case, without building a tuple of chunks
                    add((ref, first(raw, off)[0]))
                else:
                    chunks = struct.unpack_from(f"<{2 * n_chunk}Q", raw, off)
                    voffsets += [(ref, v) for v in chunks[::2]]
            off += 16 * n_chunk
        (n_intv,) = count(raw, off)
        off += 4 + 8 * n_intv
    return names, voffsets


def _read_csi(raw: bytes) -> tuple[list[str], list[tuple[int, int]]]:
    if raw[:4] != b"CSI\x01":
        raise IndexMismatch("not a CSI index (bad magic)")
    _min_shift, depth, l_aux = struct.unpack_from("<3i", raw, 4)
    pseudo = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1
    aux = raw[16 : 16 + l_aux]
    names = []
    if l_aux >= 28:  # tabix-style header in aux: format, columns, meta, skip, l_nm, names
        (l_nm,) = struct.unpack_from("<i", aux, 24)
        names = [n.decode(errors="replace") for n in aux[28 : 28 + l_nm].split(b"\x00") if n]
    off = 16 + l_aux
    (n_ref,) = struct.unpack_from("<i", raw, off)
    off += 4
    voffsets = []
    for ref in range(n_ref):
        (n_bin,) = struct.unpack_from("<i", raw, off)
        off += 4
        for _ in range(n_bin):
            bin_, _loffset, n_chunk = struct.unpack_from("<IQi", raw, off)
            off += 16
            chunks = struct.unpack_from(f"<{2 * n_chunk}Q", raw, off)
            if bin_ != pseudo:  # the pseudo-bin holds counts, not record pointers
                voffsets += [(ref, v) for v in chunks[::2]]
            off += 16 * n_chunk
    return names, voffsets


def _block(fh, size: int, coffset: int) -> bytes | None:
    """The inflated BGZF block at ``coffset``, or None when no block starts there."""
    if coffset + 18 > size:
        return None
    fh.seek(coffset)
    head = fh.read(18)
    if head[:4] != _BGZF_MAGIC or head[12:14] != b"BC":
        return None
    (bsize,) = struct.unpack_from("<H", head, 16)
    if coffset + bsize + 1 > size:
        return None
    data = fh.read(bsize + 1 - 18)
    try:
        return zlib.decompress(data[:-8], -15)
    except zlib.error:
        return None


def check_index(vcf: str | Path, index: str | Path, contigs: list[str]) -> None:
    """Raise :class:`IndexMismatch` when ``index`` does not belong to the bgzipped ``vcf``.

    ``contigs`` are the file's contig names (header ``##contig`` lines; may be empty). A pass is
    remembered in the per-user cache (:mod:`alkannot.cache`) under the index's bytes, the VCF's
    size and modification time and the contig names, so an unchanged pair is checked once (a
    re-made VCF has a new modification time and is checked again).
    """
    from alkannot.cache import content_key, load_json, store_json

    index_bytes = Path(index).read_bytes()
    st = os.stat(vcf)
    key = content_key(
        index_bytes,
        f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode(),
        "\0".join(contigs).encode(),
        Path(__file__).read_bytes(),  # the check's own code
    )
    if load_json("index-checked", key) is True:
        return
    _check_index(vcf, index_bytes, str(index), contigs)
    store_json("index-checked", key, True)


def _check_index(vcf: str | Path, index_bytes: bytes, index: str, contigs: list[str]) -> None:
    try:
        raw = gzip.decompress(index_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        raise IndexMismatch(f"the index does not inflate ({exc})") from None
    try:
        names, voffsets = _read_tbi(raw) if str(index).endswith(".tbi") else _read_csi(raw)
    except struct.error:
        raise IndexMismatch("the index is truncated") from None
    if contigs and names and not set(names) & set(contigs):
        # records may sit on undeclared contigs, but an index sharing no name with the header is
        # another file's
        raise IndexMismatch(f"none of its contigs ({', '.join(names[:3])}) is in the VCF header")
    # (block, offset in block, contig) sorted as one number each (sorting ints is faster than
    # tuples); only the sampled ones are unpacked. A contig number is an int32: 31 bits.
    packed = sorted({v << 31 | ref for ref, v in voffsets})
    if len(packed) > MAX_BLOCKS:
        step = len(packed) / MAX_BLOCKS
        packed = [packed[int(i * step)] for i in range(MAX_BLOCKS)] + [packed[-1]]
    pointers = [(p >> 47, (p >> 31) & 0xFFFF, p & 0x7FFFFFFF) for p in packed]
    size = Path(vcf).stat().st_size
    blocks: dict[int, bytes | None] = {}
    with open(vcf, "rb") as fh:
        for coffset, uoffset, ref in pointers:
            if coffset not in blocks:
                blocks = {coffset: _block(fh, size, coffset)}  # one block in memory at a time
            block = blocks[coffset]
            name = names[ref].encode() if ref < len(names) else b""
            at_line = block is not None and (uoffset == 0 or block[uoffset - 1 : uoffset] == b"\n")
            if not at_line or block[uoffset : uoffset + len(name) + 1] != name + b"\t":  # type: ignore[index]
                raise IndexMismatch(
                    f"it points at byte {coffset}+{uoffset}, which is not the start of a "
                    f"{names[ref] if ref < len(names) else '?'} record in this file"
                )
