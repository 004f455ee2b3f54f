"""Allele-specific segments: ASCAT (``sample chr startpos endpos nMajor nMinor``) and PCGR
(``Chromosome Start End nMajor nMinor``, 1-based). Total copy number = nMajor + nMinor."""

from __future__ import annotations

from alkannot.errors import InputFormatError
from alkannot.io.cnv.base import (
    WHAT,
    CnvData,
    contig,
    header,
    lines_of,
    num,
    position,
    sample_column_values,
    sample_rows,
)
from alkannot.io.tables import NULL_TOKENS, choose_sample
from alkannot.models import Segment, SkippedRecord

_ROLES = {
    "sample": ("sample", "sample_id"),
    "chrom": ("chr", "chromosome", "chrom"),
    "start": ("startpos", "start"),
    "end": ("endpos", "end"),
    "major": ("nmajor",),
    "minor": ("nminor",),
}


def _columns(cols: list[str], path: str, line: int) -> dict[str, int | None]:
    low = [c.lower() for c in cols]
    found: dict[str, int | None] = {
        role: next((low.index(n) for n in names if n in low), None)
        for role, names in _ROLES.items()
    }
    missing = [r for r, i in found.items() if i is None and r != "sample"]
    if missing:
        raise InputFormatError(
            f"missing allele-specific column(s) for {', '.join(missing)} (need chromosome, "
            "start, end, nMajor, nMinor); is this the right --cnv-format?",
            path=path,
            record=f"line {line}",
        )
    return found


def read_ascat(path: str, build: str, sample: str | None) -> CnvData:
    """Read ASCAT or PCGR allele-specific segments (1-based inclusive)."""
    lines = lines_of(path)
    h, cols, _ = header(lines, path)
    c = _columns(cols, path, h + 1)
    fmt = "ASCAT" if "startpos" in [x.lower() for x in cols] else "allele-specific (PCGR)"
    out = CnvData(path, fmt, "", value_kind="absolute")
    chosen = choose_sample(sample_column_values(lines, h + 1, c["sample"]), sample, path, WHAT)
    for n, row in sample_rows(lines, h, len(cols), c["sample"], chosen, path):
        s = row[c["sample"]] if c["sample"] is not None else ""
        chrom = contig(row[c["chrom"]], build, path, n, out)  # type: ignore[index]
        if chrom is None:
            continue
        major, minor = row[c["major"]], row[c["minor"]]  # type: ignore[index]
        if major in NULL_TOKENS or minor in NULL_TOKENS:
            out.skipped.append(
                SkippedRecord(path, f"line {n}", "no nMajor/nMinor value", "missing_value")
            )
            continue
        cn = num(major, path, n, "nMajor") + num(minor, path, n, "nMinor")
        start = position(row[c["start"]], path, n, "start")  # type: ignore[index]
        end = position(row[c["end"]], path, n, "end")  # type: ignore[index]
        if end < start:
            out.skipped.append(
                SkippedRecord(path, f"line {n}", f"end {end} before start {start}", "malformed")
            )
            continue
        out.segments.append(
            Segment(chrom, start, end, copy_number=cn, sample=s, record=f"line {n}")
        )
    out.sample = chosen or ""
    return out
