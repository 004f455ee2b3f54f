"""Check that a ``.bai`` belongs to its BAM before any region is fetched through it.

A foreign index (another BAM's, left beside a re-made file) makes region fetches return other
reads, fewer reads or an htslib crash. Each chunk of a BAI points at a BGZF block (compressed
offset) and a byte inside it (SAM specification 5.2): every sampled pointer must land on a BGZF
block header of this BAM, inside that block's uncompressed data, at an alignment record whose
``refID`` is the reference the index files it under.
"""

from __future__ import annotations

import struct
from pathlib import Path

from alkannot.io.vcf_index import _block

#: at most this many chunk pointers are checked (an even spread and the last)
MAX_POINTERS = 256
_PSEUDO_BIN = 37450


class ForeignIndex(ValueError):
    """The index does not describe this BAM (the message says how)."""


def bai_pointers(raw: bytes) -> tuple[list[tuple[int, int]], int]:
    """``(reference index, chunk-start virtual offset)`` of every chunk of a BAI, and the end
    of the last placed record (the largest ``off_end`` of the pseudo-bins, 0 without them)."""
    if raw[:4] != b"BAI\x01":
        raise ForeignIndex("not a BAI index (bad magic)")
    try:
        (n_ref,) = struct.unpack_from("<i", raw, 4)
        off, out, last = 8, [], 0
        for ref in range(n_ref):
            (n_bin,) = struct.unpack_from("<i", raw, off)
            off += 4
            for _ in range(n_bin):
                bin_, n_chunk = struct.unpack_from("<Ii", raw, off)
                off += 8
                chunks = struct.unpack_from(f"<{2 * n_chunk}Q", raw, off)
                if bin_ != _PSEUDO_BIN:
                    out += [(ref, v) for v in chunks[::2]]
                elif n_chunk:  # (off_beg, off_end) of the reference, then counts
                    last = max(last, chunks[1])
                off += 16 * n_chunk
            (n_intv,) = struct.unpack_from("<i", raw, off)
            off += 4 + 8 * n_intv
    except struct.error:
        raise ForeignIndex("the index is truncated") from None
    return out, last


def check_bai(bam: str | Path, bai: str | Path) -> None:
    """Raise :class:`ForeignIndex` when ``bai`` does not belong to ``bam``."""
    found, last = bai_pointers(Path(bai).read_bytes())
    pointers = sorted(set(found), key=lambda p: p[1])
    if len(pointers) > MAX_POINTERS:
        step = len(pointers) / MAX_POINTERS
        pointers = [pointers[int(i * step)] for i in range(MAX_POINTERS)] + [pointers[-1]]
    size = Path(bam).stat().st_size
    with open(bam, "rb") as fh:
        cached: dict[int, bytes | None] = {}
        for ref, voffset in pointers:
            coffset, uoffset = voffset >> 16, voffset & 0xFFFF
            if coffset not in cached:
                cached = {coffset: _block(fh, size, coffset)}
            block = cached[coffset]
            if block is None or uoffset >= len(block):
                raise ForeignIndex(f"it points at byte {coffset}+{uoffset}, not into this BAM")
            if uoffset + 8 <= len(block):  # block_size, refID: the record's reference
                (ref_id,) = struct.unpack_from("<i", block, uoffset + 4)
                if ref_id != ref:
                    raise ForeignIndex(
                        f"it files the record at byte {coffset}+{uoffset} under reference "
                        f"{ref}, but the record is on reference {ref_id}"
                    )
        _check_last(fh, size, last)


def _check_last(fh, size: int, last: int) -> None:
    """After the last placed record comes the end of the file or an unplaced read (refID -1):
    an index of a shorter or longer file points elsewhere."""
    if not last:
        return
    coffset, uoffset = last >> 16, last & 0xFFFF
    block = _block(fh, size, coffset)
    if block is None or uoffset > len(block):
        raise ForeignIndex(f"its last record ends at byte {coffset}+{uoffset}, not in this BAM")
    if uoffset + 8 <= len(block) and struct.unpack_from("<i", block, uoffset + 4)[0] != -1:
        raise ForeignIndex(
            f"its last placed record ends at byte {coffset}+{uoffset}, where this BAM has more "
            "placed records"
        )
