"""Fast scan of an unindexed VCF (bgzipped, gzipped or plain) for the records of target regions.

Parsing every record of a whole-genome VCF with htslib costs seconds per million records, while
a re-biopsy needs a few thousand records in seven genes. This module finds those records on the
raw text and hands only them to htslib (cyvcf2) for real parsing:

1. BGZF blocks are inflated in worker threads (isal and zlib release the GIL) a few batches
   ahead of the main thread, which works on the text meanwhile; other files are read in large
   pieces. Memory stays bounded: a few batches of blocks at a time.
2. In each decompressed chunk, the line starts come from one vectorised newline search (numpy);
   lines are grouped by contig by comparing their first bytes with each contig name in turn (a
   sorted file has one or two contigs per chunk), so lines on other contigs cost nothing more.
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
_MAX_CONTIG_GROUPS = 32  # contig groups per chunk before falling back to a per-line pass
_POS_DIGITS = 12  # longer POS values are not positions htslib accepts

try:  # isal inflates about twice as fast as zlib
    from isal import isal_zlib as _inflate_mod
except ImportError:  # pragma: no cover - isal is a dependency; zlib keeps odd platforms working
    _inflate_mod = zlib


class MalformedRecordError(ValueError):
    """A record on a target contig whose POS is not a number."""


def _inflate_batch(payloads: list[bytes]) -> bytes:
    return b"".join([_inflate_mod.decompress(p, -15) for p in payloads])


def _bgzf_payloads(fh) -> Iterator[bytes]:
    """Yield the raw deflate payload of each BGZF block (file read in large pieces)."""
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
        if block_end > len(buf):
            raise ValueError("truncated BGZF block")
        yield buf[end : block_end - 8]  # the deflate payload, without CRC32 and ISIZE
        off = block_end


def _is_bgzf(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


def decompressed_chunks(path: str, threads: int = 2) -> Iterator[bytes]:
    """Yield the file's text in large chunks (arbitrary boundaries), in file order."""
    if _is_bgzf(path):
        with open(path, "rb") as fh, ThreadPoolExecutor(max_workers=threads) as pool:
            ahead: deque = deque()
            batch: list[bytes] = []
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
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        while chunk := fh.read(16 << 20):
            yield chunk


def line_chunks(path: str, threads: int = 2) -> Iterator[bytes]:
    """Yield ``\\n`` + complete lines, chunk by chunk (a cut line is carried to the next chunk)."""
    tail = b""
    for chunk in decompressed_chunks(path, threads):
        cut = chunk.rfind(b"\n")
        if cut < 0:
            tail += chunk
            continue
        yield b"".join((b"\n", tail, chunk[: cut + 1]))
        tail = chunk[cut + 1 :]
    if tail:
        yield b"\n" + tail + b"\n"


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


def _lines_by_contig(text: bytes, arr: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """Yield ``(contig, line indices)`` for every contig of the chunk."""
    remaining = np.arange(len(starts))
    groups = 0
    while remaining.size and groups < _MAX_CONTIG_GROUPS:
        first = remaining[0]
        s, e = int(starts[first]), int(ends[first])
        tab = text.find(b"\t", s, e)
        name = text[s:e] if tab < 0 else text[s:tab]
        # the exact bytes "name\t" hold no newline, so a match never runs into the next line
        same = _starting_with(arr, starts[remaining], name + b"\t")
        same[0] = True  # a line without a tab is its own group
        yield name, remaining[same]
        remaining = remaining[~same]
        groups += 1
    if remaining.size:  # many contigs interleaved (unsorted file): one line at a time
        by_name: dict[bytes, list[int]] = {}
        for i in remaining.tolist():
            s, e = int(starts[i]), int(ends[i])
            tab = text.find(b"\t", s, e)
            by_name.setdefault(text[s:e] if tab < 0 else text[s:tab], []).append(i)
        for name, rows in by_name.items():
            yield name, np.array(rows, dtype=np.int64)


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
    header_parts: list[bytes] = []
    in_header = True
    out: list[bytes] = []
    for text in line_chunks(path):
        begin = 0  # offset of the "\n" before the first record line of the chunk
        if in_header:
            pos = 1
            while pos < len(text) and text[pos] == 35:  # "#"
                pos = text.find(b"\n", pos) + 1
            header_parts.append(text[1:pos])
            if pos >= len(text):
                continue
            in_header = False
            begin = pos - 1
        arr = np.frombuffer(text, dtype=np.uint8)
        newlines = np.flatnonzero(arr[begin:] == 10) + begin
        starts, ends = newlines[:-1] + 1, newlines[1:]
        kept: list[np.ndarray] = []
        for name, rows in _lines_by_contig(text, arr, starts, ends):
            spans = wanted.get(name)
            if spans is None:
                continue
            pos = _positions(text, arr, starts[rows] + len(name) + 1, ends[rows])
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
