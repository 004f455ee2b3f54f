"""The row loop of the partner-pair fusion formats: one row names two genes, their breakpoints
(or none), strands and supporting reads (JAFFA, pbfusion, FusionSeeker, LongGF, EricScript,
pizzly, SQUID, BEDPE). Each format's module says how its row reads; this module turns a row into
a call or a skipped row, the same way for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from alkannot.bounds import OutOfRange
from alkannot.errors import InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.io.fusions.base import (
    INTRAGENIC,
    WHAT,
    FusionData,
    antisense,
    bypass_kinase_pair,
    count,
    count_other,
    integer,
    lines_of,
    orient,
    within_alk,
)
from alkannot.io.tables import NULL_TOKENS, choose_sample
from alkannot.models import FusionCall, SkippedRecord


@dataclass
class Pair:
    """One fusion row of a partner-pair format, before it becomes a call."""

    record: str
    gene5: str
    gene3: str
    chrom5: str = ""
    pos5: int | None = None
    chrom3: str = ""
    pos3: int | None = None
    strand5: str = ""  # the strand the partner is read from at the junction, "+"/"-"/""
    strand3: str = ""
    reads: int | None = None
    #: False when the tool lists the two genes in no fixed order (FusionSeeker, LongGF)
    ordered: bool = True
    note: str = ""
    filter: tuple[str, ...] = ("PASS",)


def add_pair(out: FusionData, build: str, pair: Pair) -> bool:
    """Turn one partner pair into a call or a skipped row; False when neither ALK nor a bypass
    kinase (MET, 3') is involved.

    Unordered pairs are written with the kinase as the 3' partner, and say so. A strand that
    differs from the bundled gene's own strand (ALK, EML4) means the fusion transcript runs
    antisense to that gene: the orientation is then not kept.
    """
    out.records += 1
    g5, g3 = ("" if g in NULL_TOKENS else g for g in (pair.gene5, pair.gene3))
    bypass = "ALK" not in (g5, g3)
    if bypass and bypass_kinase_pair(g5, g3, not pair.ordered) is None:
        return False
    c5, p5, s5, c3, p3, s3 = (
        pair.chrom5, pair.pos5, pair.strand5, pair.chrom3, pair.pos3, pair.strand3
    )  # fmt: skip
    notes = [pair.note] if pair.note else []
    kinase = "MET" if bypass else "ALK"
    if not pair.ordered and g5 == kinase and g3 and g3 != kinase:
        g5, g3, c5, p5, s5, c3, p3, s3 = g3, g5, c3, p3, s3, c5, p5, s5
    if not pair.ordered:
        notes.append(
            f"{out.format} lists the genes in no fixed order: {kinase} taken as 3' partner"
        )
    partner = g3 if g5 == "ALK" else g5
    if not bypass and partner in INTRAGENIC and within_alk(out, build, pair.record, c5, p5, c3, p3):
        return True
    against = antisense(build, (g5, s5), (g3, s3))
    notes += against
    # the orientation rule is ALK's (its kinase kept 3')
    ok = None if bypass else (False if against else orient(g5, g3))
    out.calls.append(
        FusionCall(
            gene5=g5,
            gene3=g3,
            chrom5=c5,
            pos5=p5,
            chrom3=c3,
            pos3=p3,
            orientation_ok=ok,
            supporting_reads=pair.reads,
            source_format=out.format,
            record=pair.record,
            filter=pair.filter,
            note="; ".join(notes),
        )
    )
    return True


def delimited(lines: list[str], sep: str, path: str) -> tuple[dict[str, int], list]:
    """Header columns (lower case, ``#`` stripped) and numbered data rows of a delimited table.

    ``##`` lines (pbfusion's meta lines) come before the header; blank lines are left out.
    """
    h = next((i for i, x in enumerate(lines) if x.strip() and not x.startswith("##")), None)
    if h is None:
        raise InputFormatError("no header row found; expected a fusion table", path=path)
    names = [c.strip().lstrip("#").strip().lower() for c in lines[h].split(sep)]
    rows = [(n, x.split(sep)) for n, x in enumerate(lines[h + 1 :], start=h + 2) if x.strip()]
    return {c: i for i, c in enumerate(names)}, rows


def read_pairs(
    path: str,
    build: str,
    sample: str | None,
    spec: tuple[str, str, tuple[str, ...], str],
    to_pair,
) -> FusionData:
    """The row loop of the partner-pair formats (JAFFA, EricScript, pizzly, FusionSeeker, ...).

    ``spec`` is (format name, separator, required columns, sample column or ""); ``to_pair(get,
    record, build)`` turns a row (``get(column)`` gives a cell) into a :class:`Pair`, a reason
    string for a row it cannot read (skipped as malformed), or (reason, category) for a row read
    but not usable (skipped so). A row with fewer cells than the header, or a
    header without the required columns, is refused or skipped, never half-read.
    """
    fmt, sep, required, sample_col = spec
    out = FusionData(path, fmt)
    lines = [x.replace('"', "") for x in lines_of(path)]
    cols, rows = delimited(lines, sep, path)
    missing = [c for c in required if c not in cols]
    if missing:
        raise InputFormatError(
            f"expected a {fmt} header with {', '.join(required)}; missing {', '.join(missing)} "
            f"(found: {' '.join(list(cols)[:6])[:80]!r}); is this the right --fusion-format?",
            path=path,
        )
    out.data_rows = len(rows)
    width = max(cols[c] for c in required) + 1

    def cell(row: list[str], name: str) -> str:
        i = cols.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    chosen = None
    if sample_col:
        names = dict.fromkeys(cell(r, sample_col) for _, r in rows if cell(r, sample_col))
        chosen = choose_sample(list(names), sample, path, WHAT)
    out.sample = chosen or ""
    other = 0
    for n, row in rows:
        if chosen is not None and cell(row, sample_col) != chosen:
            continue
        reason = f"{len(row)} columns, the header has {len(cols)}" if len(row) < width else ""
        try:
            pair = reason or to_pair(lambda name, row=row: cell(row, name), f"line {n}", build)
        except OutOfRange as e:  # a negative or NaN count is not support: the row is skipped
            out.skipped.append(SkippedRecord(path, f"line {n}", str(e), "out_of_range"))
            continue
        if isinstance(pair, str):
            out.skipped.append(SkippedRecord(path, f"line {n}", pair, "malformed"))
            continue
        if isinstance(pair, tuple):  # (reason, category): an ALK row of a shape not supported
            out.records += 1
            out.skipped.append(SkippedRecord(path, f"line {n}", *pair))
            continue
        other += add_pair(out, build, pair) is False
    count_other(out, other)
    return out


def both_ends(
    build: str, end5: tuple[str, str], end3: tuple[str, str]
) -> tuple[str, int | None, str, int | None, str]:
    """Breakpoints from (chromosome, 1-based position) cells: chrom5, pos5, chrom3, pos3, note.

    Never half-used: when either end is malformed neither position is kept, and the note says so.
    """
    ends = []
    for chrom, pos in (end5, end3):
        p = integer(pos)
        if not chrom or chrom in NULL_TOKENS or p is None or p < 1:
            return (
                "",
                None,
                "",
                None,
                (f"malformed breakpoint '{chrom}:{pos}': no position kept, junction not typed"),
            )
        ends += [canonical_contig(chrom, build), p]
    return ends[0], ends[1], ends[2], ends[3], ""


def reads_sum(*cells: str) -> int | None:
    """The sum of read-count cells (None when none is a number)."""
    values = [count(c) for c in cells]
    return sum(v for v in values if v is not None) if any(v is not None for v in values) else None
