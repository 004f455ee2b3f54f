"""Generic BEDPE (``chrom1 start1 end1 chrom2 start2 end2 [name score strand1 strand2 ...]``).

Each end is a 0-based half-open interval: a 1-bp interval gives the 1-based breakpoint ``end``;
a wider one (a caller's confidence interval) gives no position, and the call says so. BEDPE names
no genes: an end lying in a bundled gene span (ALK, EML4, ...) is named by it, any other by its
locus; the file gives no 5'/3' order, so ALK is taken as the 3' partner. A header line starting
with ``#chrom1`` is optional.
"""

from __future__ import annotations

import re

from alkannot.genome.build import canonical_contig
from alkannot.genome.models import gene_spans
from alkannot.io.fusions.base import FusionData, count_other, integer, lines_of
from alkannot.io.fusions.pairs import Pair, add_pair
from alkannot.models import SkippedRecord

COLUMNS = ("chrom1", "start1", "end1", "chrom2", "start2", "end2")


def is_bedpe_row(cells: list[str]) -> bool:
    """Six or more cells with whole-number starts and ends (start <= end) in BEDPE's places."""
    if len(cells) < 6:
        return False
    nums = [integer(cells[i]) for i in (1, 2, 4, 5)]
    return None not in nums and nums[0] <= nums[1] and nums[2] <= nums[3]  # type: ignore[operator]


#: BEDPE header cells: ``chrom1 start1 end1 chrom2 start2 end2`` (bedtools) or ``CHROM_A START_A
#: END_A CHROM_B START_B END_B`` (LUMPY, svtools)
_HEADER = re.compile(
    r"^chr(om)?_?(1|a)\tstart_?(1|a)\tend_?(1|a)\tchr(om)?_?(2|b)\tstart_?(2|b)\tend_?(2|b)(\t|$)"
)


def is_bedpe(lines: list[str]) -> bool:
    """A BEDPE header (see :data:`_HEADER`), or a first row of BEDPE's shape."""
    first = next((x for x in lines if x.strip() and not x.startswith("##")), "")
    cells = [c.strip().lstrip("#").strip().lower() for c in first.split("\t")]
    return bool(_HEADER.match("\t".join(cells))) or (
        not first.startswith("#") and is_bedpe_row(cells)
    )


def interval_end(build: str, chrom: str, start: str, end: str) -> tuple[str, int | None, str]:
    """(contig, 1-based breakpoint or None, the bundled gene the interval overlaps or "")."""
    s, e = integer(start), integer(end)
    contig = canonical_contig(chrom, build)
    if s is None or e is None:
        return contig, None, ""
    gene = next(
        (
            g
            for g, sp in gene_spans(build).items()
            if sp.chrom == contig and s < sp.end and e > sp.start
        ),
        "",
    )
    return contig, (e if e - s == 1 else None), gene


def read_bedpe(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK joins of a generic BEDPE file (one sample per file)."""
    out = FusionData(path, "BEDPE")
    lines = lines_of(path)
    head = next((x for x in lines if x.strip() and not x.startswith("##")), "")
    names = [c.strip().lstrip("#").lower() for c in head.split("\t")] if head[:1] == "#" else []
    ifilter = names.index("filter") if "filter" in names else None  # LUMPY/svtools FILTER
    rows = [(n, x.split("\t")) for n, x in enumerate(lines, start=1)]
    rows = [(n, r) for n, r in rows if "".join(r).strip() and not r[0].startswith("#")]
    out.data_rows = len(rows)
    other = 0
    for n, row in rows:
        if not is_bedpe_row(row):
            reason = "not a BEDPE row (chrom, start, end twice; whole numbers, start <= end)"
            out.skipped.append(SkippedRecord(path, f"line {n}", reason, "malformed"))
            continue
        ends = [interval_end(build, *row[i : i + 3]) for i in (0, 3)]
        notes = []
        if any(p is None for _, p, _ in ends):
            notes.append("a breakpoint given as an interval: no position kept, junction not typed")
        # a partner outside the bundled genes is named by its locus (1-based, as the report)
        spans = [f"{row[i].strip()}:{int(row[i + 1]) + 1}-{row[i + 2].strip()}" for i in (0, 3)]
        genes = [g or (f"{c}:{p}" if p else s) for (c, p, g), s in zip(ends, spans, strict=True)]
        # BEDPE strands are the SV's orientation, not the strand a transcript is read from: unused
        flt = row[ifilter].strip() if ifilter is not None and ifilter < len(row) else "PASS"
        pair = Pair(
            f"line {n}", genes[0], genes[1], ends[0][0], ends[0][1], ends[1][0], ends[1][1],
            ordered=False, note="; ".join(notes), filter=tuple((flt or ".").split(";")),
        )  # fmt: skip
        other += add_pair(out, build, pair) is False
    count_other(out, other)
    return out
