"""Fast scan of an unindexed VCF (bgzipped, gzipped or plain) for the records of target regions.

Parsing every record of a whole-genome VCF with htslib costs seconds per million records, while
a re-biopsy needs a few thousand records in seven genes. This module finds those records on the
raw text and hands only them to htslib (:mod:`alkannot.io.htsvcf`) for real parsing:

1. BGZF blocks are inflated in worker threads (isal and zlib release the GIL) a few batches
   ahead of the main thread, which works on the text meanwhile; other files are read in large
   pieces. Memory stays bounded: a few batches of blocks at a time.
2. In each decompressed chunk, the line starts come from one vectorised newline search (numpy);
   the first 8 bytes of every line are read as one 64-bit number and compared, under a mask, with
   each target contig name + tab, so a shuffled file costs what a sorted one does.
3. On target contigs, POS is parsed for all lines at once (numpy) and tested against the target
   intervals, with a margin for long REF alleles; only the lines that can overlap are kept.

Nothing relies on the file being sorted, so unsorted files and records on unexpected contigs
give exactly what a full parse gives.
"""

from __future__ import annotations

import gzip
import os
import struct
import tempfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

Regions = dict[str, list[tuple[int, int]]]
#: Records whose POS lies this far before a target can still overlap it through a long REF.
REF_MARGIN = 1000
_BATCH_BLOCKS = 32  # ~2 MiB of decompressed text per batch (bounded memory)
_RAW_READ = 4 << 20  # compressed bytes read at a time
_TEXT_READ = 2 << 20  # text read at a time from a plain or gzip file (bounded memory)
_KEY_WIDTH = 8  # leading bytes of a line compared at once, as one 64-bit number
_POS_DIGITS = 12  # longer POS values are not positions htslib accepts

try:  # isal inflates about twice as fast as zlib
    from isal import igzip as _gzip_mod
    from isal import isal_zlib as _inflate_mod
except ImportError:  # pragma: no cover - isal is a dependency; zlib keeps odd platforms working
    _inflate_mod, _gzip_mod = zlib, gzip
_INFLATE_ERRORS = (EOFError, OSError, zlib.error, _inflate_mod.error)


class MalformedRecordError(ValueError):
    """A record on a target contig whose POS is not a number."""


class CorruptInputError(ValueError):
    """The compressed file cannot be read to its end (truncated or damaged)."""


_crc32 = getattr(_inflate_mod, "crc32", zlib.crc32)


def _inflate_batch(blocks: list[tuple[bytes, int, int]]) -> bytes:
    """Inflate BGZF payloads, each checked against its CRC32 and ISIZE as htslib does (SAM
    specification 4.1: a block's CRC32 and ISIZE are of its uncompressed data)."""
    out = []
    for payload, crc, isize in blocks:
        data = _inflate_mod.decompress(payload, -15)
        if len(data) != isize or _crc32(data) != crc:
            raise ValueError(
                "a BGZF block fails its CRC32/size check (the file is damaged); re-create it "
                "from the source, e.g. bgzip, and check it with bgzip -t"
            )
        out.append(data)
    return b"".join(out)


def _bgzf_payloads(fh) -> Iterator[tuple[bytes, int, int]]:
    """Yield each BGZF block's raw deflate payload, CRC32 and ISIZE (file read in large pieces)."""
    buf = b""
    off = 0
    while True:
        if len(buf) - off < 65536 + 26:  # a whole block (at most 64 KiB) may not be buffered
            more = fh.read(_RAW_READ)
            buf = buf[off:] + more
            off = 0
            if not buf:
                return
        if len(buf) - off < 18 or buf[off : off + 4] != b"\x1f\x8b\x08\x04":
            raise ValueError("not a BGZF block")
        xlen = struct.unpack_from("<H", buf, off + 10)[0]
        bsize = None
        i, end = off + 12, off + 12 + xlen
        while i + 4 <= end:
            slen = struct.unpack_from("<H", buf, i + 2)[0]
            if buf[i] == 66 and buf[i + 1] == 67 and slen == 2:
                bsize = struct.unpack_from("<H", buf, i + 4)[0]
            i += 4 + slen
        if bsize is None:
            raise ValueError("BGZF block without BC field")
        block_end = off + bsize + 1
        if bsize + 1 < end - off + 8:
            raise ValueError("BGZF block size (BSIZE) smaller than its header")
        if block_end > len(buf):
            raise ValueError("truncated BGZF block")
        crc, isize = struct.unpack_from("<II", buf, block_end - 8)
        yield buf[end : block_end - 8], crc, isize  # the deflate payload, CRC32, ISIZE
        off = block_end


def _is_bgzf(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


def decompressed_chunks(path: str, threads: int = 2) -> Iterator[bytes]:
    """Yield the file's text in large chunks (arbitrary boundaries), in file order.

    Raises
    ------
    CorruptInputError
        When a compressed file is truncated or damaged.
    """
    try:
        yield from _decompressed_chunks(path, threads)
    except (ValueError, *_INFLATE_ERRORS) as exc:
        raise CorruptInputError(str(exc)) from None


def _decompressed_chunks(path: str, threads: int) -> Iterator[bytes]:
    if _is_bgzf(path):
        with open(path, "rb") as fh, ThreadPoolExecutor(max_workers=threads) as pool:
            ahead: deque = deque()
            batch: list[tuple[bytes, int, int]] = []
            for payload in _bgzf_payloads(fh):
                batch.append(payload)
                if len(batch) >= _BATCH_BLOCKS:
                    ahead.append(pool.submit(_inflate_batch, batch))
                    batch = []
                    if len(ahead) > threads:  # bounded look-ahead
                        yield ahead.popleft().result()
            if batch:
                ahead.append(pool.submit(_inflate_batch, batch))
            while ahead:
                yield ahead.popleft().result()
        return
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = _gzip_mod.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        while chunk := fh.read(_TEXT_READ):
            yield chunk


_PAD = b"\0" * _KEY_WIDTH


def line_chunks(path: str, threads: int = 2) -> Iterator[bytes]:
    """Yield ``\\n`` + complete lines + 8 NUL bytes, chunk by chunk.

    A line cut by a chunk boundary is carried to the next chunk. The padding lets the first 8
    bytes of every line be read at once (:func:`_line_keys`); it is not part of the text.
    """
    tail = b""
    for chunk in decompressed_chunks(path, threads):
        cut = chunk.rfind(b"\n")
        if cut < 0:
            tail += chunk
            continue
        # the one copy of the text
        yield b"".join((b"\n", tail, memoryview(chunk)[: cut + 1], _PAD))
        tail = chunk[cut + 1 :]
    if tail:
        yield b"\n" + tail + b"\n" + _PAD


def _wanted_contigs(
    regions: Regions, contig_alias: Callable[[str], str], file_contigs: list[str] | None
) -> dict[bytes, np.ndarray]:
    """File contig spelling -> sorted target spans ``[[start, end], ...]``."""
    wanted: dict[bytes, np.ndarray] = {}
    names = set(file_contigs or [])
    for canon in regions:  # and the usual spellings, for records on undeclared contigs
        bare = canon.removeprefix("chr")
        names |= {canon, bare, f"chr{bare}", f"CHR{bare}", f"Chr{bare}"}
    for name in names:
        try:
            canon = contig_alias(name)
        except Exception:  # noqa: BLE001 - an odd contig name is simply not a target
            continue
        if canon in regions:
            spans = sorted(regions[canon])
            wanted[name.encode()] = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return wanted


def _column(arr: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``arr[at]``, reading past the end as NUL (only a chunk's last lines can get there)."""
    if at.size and at[-1] >= len(arr):
        return np.where(at < len(arr), arr[np.minimum(at, len(arr) - 1)], 0)
    return arr[at]


def _starting_with(arr: np.ndarray, starts: np.ndarray, prefix: bytes) -> np.ndarray:
    """Which lines begin with ``prefix``: one vectorised comparison per byte."""
    same = np.ones(len(starts), dtype=bool)
    for k, byte in enumerate(prefix):
        same &= _column(arr, starts + k) == byte
    return same


def _key(data: bytes) -> int:
    """The little-endian number of up to 8 leading bytes (the rest zero)."""
    return int.from_bytes(data[:_KEY_WIDTH].ljust(_KEY_WIDTH, b"\0"), "little")


def _prefix_matchers(names: list[bytes]) -> list[tuple[int, np.ndarray, list[tuple[bytes, bytes]]]]:
    """Per prefix width: its mask, the sorted keys of ``name\t`` and ``name\n``, and who they are.

    A line belongs to a contig when it starts with ``name\t``; ``name\n`` (a line with no other
    column) counts too, so that a malformed target record is reported, not skipped.
    """
    by_mask: dict[int, dict[int, tuple[bytes, bytes]]] = {}
    for name in names:
        for end in (b"\t", b"\n"):
            prefix = name + end
            mask = (1 << (8 * min(len(prefix), _KEY_WIDTH))) - 1
            by_mask.setdefault(mask, {})[_key(prefix)] = (name, prefix)
    out = []
    for mask, entries in sorted(by_mask.items()):
        keys = sorted(entries)
        out.append((mask, np.array(keys, dtype=np.uint64), [entries[k] for k in keys]))
    return out


def _line_keys(text: bytes, starts: np.ndarray) -> np.ndarray:
    """The first 8 bytes of each line as a little-endian 64-bit number (one gather)."""
    # a uint64 view starting at every byte (the chunk carries 8 bytes of padding at its end)
    view = np.ndarray((len(text) - _KEY_WIDTH + 1,), dtype="<u8", buffer=text, strides=(1,))
    return view[starts]


def _target_lines(
    text: bytes, arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, matchers
) -> Iterator[tuple[bytes, np.ndarray]]:
    """Yield ``(contig, line indices)`` for the target contigs present in the chunk.

    The first 8 bytes of every line are read as one number and looked up, under each prefix
    width's mask, among the target names + tab: the cost is the same for a sorted or a shuffled
    file. A chunk whose lines all share the first line's contig (a sorted file) is settled by one
    comparison.
    """
    keys = _line_keys(text, starts)
    s0, e0 = int(starts[0]), int(ends[0])
    tab = text.find(b"\t", s0, e0)
    if 0 <= tab - s0 < _KEY_WIDTH:
        first = text[s0 : tab + 1]
        mask = np.uint64((1 << (8 * len(first))) - 1)
        if np.all((keys & mask) == np.uint64(_key(first))):
            for _mask, _keys, entries in matchers:
                if any(name + b"\t" == first for name, _ in entries):
                    yield first[:-1], np.arange(len(starts))
                    break
            return
    found: dict[bytes, list[np.ndarray]] = {}
    for mask, group_keys, entries in matchers:
        masked = keys & np.uint64(mask)
        at = np.searchsorted(group_keys, masked)
        np.minimum(at, len(group_keys) - 1, out=at)
        rows = np.flatnonzero(group_keys[at] == masked)
        if not rows.size:
            continue
        which = at[rows]
        for j in np.unique(which).tolist():
            name, prefix = entries[j]
            hit = rows[which == j]
            if len(prefix) > _KEY_WIDTH:  # a long name: check the rest
                hit = hit[_starting_with(arr, starts[hit], prefix)]
            if hit.size:
                found.setdefault(name, []).append(hit)
    for name, parts in found.items():
        yield name, np.sort(np.concatenate(parts)) if len(parts) > 1 else parts[0]


def _positions(text: bytes, arr: np.ndarray, first: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """POS of lines whose POS field starts at ``first``; raises on a POS that is not a number."""
    value = np.zeros(len(first), dtype=np.int64)
    open_ = np.ones(len(first), dtype=bool)  # still reading digits
    ok = np.zeros(len(first), dtype=bool)
    for k in range(_POS_DIGITS + 1):
        at = first + k
        byte = _column(arr, at)
        digit = byte - np.uint8(48)  # wraps around for bytes below "0"
        is_digit = open_ & (digit <= 9)
        value = np.where(is_digit, value * 10 + digit, value)
        ok |= open_ & ~is_digit & (byte == 9) & (k > 0) & (at < ends)  # digits, then a tab
        open_ &= is_digit
        if not open_.any():
            break
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        line_start = text.rfind(b"\n", 0, min(int(first[i]), int(ends[i]))) + 1
        raise MalformedRecordError(text[line_start : int(ends[i])][:80].decode("utf-8", "replace"))
    return value


def scan_regions(
    path: str,
    regions: Regions,
    contig_alias: Callable[[str], str],
    file_contigs: list[str] | None = None,
) -> tuple[bytes, list[bytes]]:
    """Return ``(header, record_lines)``: the header text and the raw lines that can overlap a region.

    Parameters
    ----------
    path
        VCF, bgzipped, gzipped or plain.
    regions
        Canonical contig -> ``[(start, end)]`` (1-based inclusive).
    contig_alias
        Maps a contig name of the file to its canonical name.
    file_contigs
        Contig names that may occur in the file (from the header); other spellings of the target
        contigs (``2``, ``chr2``, ``CHR2``) are always searched too.
    """
    wanted = _wanted_contigs(regions, contig_alias, file_contigs)
    if not wanted:
        return b"", []
    matchers = _prefix_matchers(list(wanted))
    header_parts: list[bytes] = []
    in_header = True
    out: list[bytes] = []
    for text in line_chunks(path):
        real = len(text) - len(_PAD)
        begin = 0  # offset of the "\n" before the first record line of the chunk
        if in_header:
            pos = 1
            while pos < real and text[pos] == 35:  # "#"
                pos = text.find(b"\n", pos) + 1
            header_parts.append(text[1:pos])
            if pos >= real:
                continue
            in_header = False
            begin = pos - 1
        arr = np.frombuffer(text, dtype=np.uint8)
        newlines = np.flatnonzero(arr[begin:real] == 10) + begin
        starts, ends = newlines[:-1] + 1, newlines[1:]
        found = list(_target_lines(text, arr, starts, ends, matchers))
        if not found:
            continue
        # POS of every target line of the chunk in one pass (a shuffled chunk has several
        # target contigs: one call each would cost more in numpy overhead than in work)
        all_rows = np.concatenate([rows for _, rows in found]) if len(found) > 1 else found[0][1]
        first = np.concatenate([starts[rows] + len(name) + 1 for name, rows in found])
        all_pos = _positions(text, arr, first, ends[all_rows])
        kept: list[np.ndarray] = []
        offset = 0
        for name, rows in found:
            spans = wanted[name]
            pos = all_pos[offset : offset + len(rows)]
            offset += len(rows)
            # spans are sorted and disjoint: the first span ending at or after pos is the only
            # one pos can precede or fall into; keep pos if it is within the margin of its start
            j = np.searchsorted(spans[:, 1], pos, side="left")
            inside = j < len(spans)
            keep = np.zeros(len(pos), dtype=bool)
            keep[inside] = pos[inside] >= spans[j[inside], 0] - REF_MARGIN
            kept.append(rows[keep])
        if kept:  # in file order, as a full parse would see them
            for i in np.sort(np.concatenate(kept)).tolist():
                out.append(text[starts[i] : ends[i]])
    return b"".join(header_parts), out


def write_subset(header: bytes, lines: list[bytes]) -> str:
    """Write header + lines to a temporary plain VCF for htslib; the caller deletes it."""
    fd, tmp = tempfile.mkstemp(prefix="alkannot-scan-", suffix=".vcf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            for line in lines:
                # non-UTF-8 bytes (latin-1 text in INFO) become U+FFFD so htslib's text is decodable
                fh.write(line.rstrip(b"\r").decode("utf-8", "replace").encode("utf-8") + b"\n")
    except BaseException:  # a signal or a full disk mid-write leaves no temporary file
        os.unlink(tmp)
        raise
    return tmp
