"""What the copy-number readers share: the result record, header finding, the segment-table loop."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from alkannot.bounds import POSITION, require_in_file
from alkannot.errors import InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.io.tables import NULL_TOKENS, choose_sample, read_lines, split_row
from alkannot.models import Segment, SkippedRecord

WHAT = "copy-number file"
_CONTIG = re.compile(r"^(chr)?([0-9]{1,2}|X|Y|M|MT)$", re.I)


@dataclass
class CnvData:
    """What a copy-number file yielded."""

    path: str
    format: str
    sample: str
    segments: list[Segment] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    value_kind: str = "log2"  # "log2" | "absolute" | "discrete"
    #: the build the file itself declares (header, @SQ lengths, meta file), and how it says so
    declared_build: str = ""
    build_evidence: str = ""
    #: (record, chrom, start, end, genes named on the row): checked against the gene spans
    named: list[tuple[str, str, int, int, tuple[str, ...]]] = field(default_factory=list)


def lines_of(path: str) -> list[str]:
    """The file's text lines (see :func:`alkannot.io.tables.read_lines`)."""
    return read_lines(path, WHAT)


def header(lines: list[str], path: str | None = None) -> tuple[int, list[str], list[str]]:
    """Index of the header row, its columns, and warnings for skipped leading lines."""
    warnings = []
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("@") or line.startswith("##"):
            continue
        if line.startswith("#SAMPLE_NAME") or line.upper().startswith("WARNING"):
            warnings.append(f"line {i + 1} ignored: {line[:60]!r}")
            continue
        return i, [c.lstrip("#") for c in split_row(line)], warnings
    raise InputFormatError("no header row found; expected a copy-number table", path=path)


def num(value: str, path: str, line: int, what: str) -> float:
    """``value`` as a float, or a one-line error naming the line."""
    try:
        return float(value)
    except ValueError:
        raise InputFormatError(
            f"{what} {value!r} is not a number", path=path, record=f"line {line}"
        ) from None


def position(value: str, path: str, line: int, what: str) -> int:
    """A coordinate in :data:`~alkannot.bounds.POSITION` (before any 0-based shift is
    applied, so 0 is accepted as a 0-based start), or a one-line error naming the line."""
    v = num(value, path, line, what)
    if v != 0:
        require_in_file(v, POSITION, path, f"line {line}", what)
    return int(v)


def contig(raw: str, build: str, path: str, line: int, out: CnvData) -> str | None:
    """The canonical contig, or None (and a skipped record) for a non-primary one."""
    if not _CONTIG.match(raw.strip()):
        out.skipped.append(
            SkippedRecord(
                path,
                f"line {line}",
                f"contig {raw!r} is not a primary {build} chromosome",
                "unknown_contig",
            )
        )
        return None
    return canonical_contig(raw, build)


def sample_column_values(lines: list[str], start: int, column: int | None) -> list[str]:
    """The distinct values of a sample column, in file order."""
    if column is None:
        return []
    seen: dict[str, None] = {}
    for line in lines[start:]:
        if not line.strip() or line.startswith("#"):
            continue
        row = split_row(line)
        if column < len(row) and row[column]:
            seen.setdefault(row[column], None)
    return list(seen)


def sample_rows(
    lines: list[str], h: int, ncols: int, s_col: int | None, chosen: str | None, path: str
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of the data rows below header line ``h`` of the ``chosen`` sample.

    Blank and ``#`` lines are passed over; a row with fewer cells than the header is an error.
    """
    for n, line in enumerate(lines[h + 1 :], start=h + 2):
        if not line.strip() or line.startswith("#"):
            continue
        row = split_row(line)
        if len(row) < ncols:
            raise InputFormatError(
                f"{len(row)} columns, the header has {ncols}", path=path, record=f"line {n}"
            )
        s = row[s_col] if s_col is not None else ""
        if chosen is not None and s != chosen:
            continue
        yield n, row


def table_segments(
    path: str,
    build: str,
    out: CnvData,
    cols_map: dict[str, str],
    zero_based: bool,
    kind: str,
    sample: str | None = None,
) -> None:
    """Read a segment table (one row per segment) into ``out``; one sample only."""
    lines = lines_of(path)
    h, cols, warnings = header(lines, path)
    out.warnings += warnings
    idx = {c: i for i, c in enumerate(cols)}
    missing = [
        v
        for k, v in cols_map.items()
        if v and v not in idx and k in ("chrom", "start", "end", "value")
    ]
    if missing:
        raise InputFormatError(
            f"missing required column(s) {', '.join(missing)}; is this the right --cnv-format?",
            path=path,
            record=f"line {h + 1}",
        )
    s_col = idx.get(cols_map.get("sample") or "\0")
    chosen = choose_sample(sample_column_values(lines, h + 1, s_col), sample, path, WHAT)
    gene_col = idx.get(cols_map.get("genes") or "\0")
    for n, row in sample_rows(lines, h, len(cols), s_col, chosen, path):
        s = row[s_col] if s_col is not None else ""
        chrom = contig(row[idx[cols_map["chrom"]]], build, path, n, out)
        if chrom is None:
            continue
        start = position(row[idx[cols_map["start"]]], path, n, "start")
        end = position(row[idx[cols_map["end"]]], path, n, "end")
        raw_value = row[idx[cols_map["value"]]]
        if raw_value in NULL_TOKENS:
            out.skipped.append(
                SkippedRecord(path, f"line {n}", "no copy-number value", "missing_value")
            )
            continue
        value = num(raw_value, path, n, "copy-number value")
        if not math.isfinite(value):
            out.skipped.append(
                SkippedRecord(path, f"line {n}", f"copy-number value {raw_value}", "missing_value")
            )
            continue
        if zero_based:
            start += 1
        if end < start:
            out.skipped.append(
                SkippedRecord(path, f"line {n}", f"end {end} before start {start}", "malformed")
            )
            continue
        if gene_col is not None and gene_col < len(row):
            genes = tuple(g for g in re.split(r"[,;]", row[gene_col]) if g)
            out.named.append((f"line {n}", chrom, start, end, genes))
        cn = None
        cn_col = idx.get(cols_map.get("cn") or "\0")
        if cn_col is not None and row[cn_col] not in NULL_TOKENS:
            cn = num(row[cn_col], path, n, "cn")
        call_col = idx.get(cols_map.get("call") or "\0")
        call = row[call_col] if call_col is not None else ""
        if kind == "log2":
            seg = Segment(
                chrom,
                start,
                end,
                log2=value,
                copy_number=cn,
                sample=s,
                record=f"line {n}",
                call=call,
            )
        else:
            seg = Segment(chrom, start, end, copy_number=value, sample=s, record=f"line {n}")
        out.segments.append(seg)
    out.sample = chosen or ""
