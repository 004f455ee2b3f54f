"""FusionSeeker (long reads) ``confident_genefusion.txt``.

Tab-separated: ``ID Gene1 Gene2 NumSupp Chrom1 Breakpoint1 Chrom2 Breakpoint2
SupportingReads``. The two genes come in no fixed order (the SeraCare control writes ``ALK
EML4``, ``RET CCDC6``, ``TACC3 FGFR3`` but ``LMNA NTRK1``, ``SLC34A2 ROS1``), so ALK is taken
as the 3' partner and the call says so; breakpoints are 1-based.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, count
from alkannot.io.fusions.pairs import Pair, both_ends, read_pairs

REQUIRED = ("id", "gene1", "gene2", "numsupp", "chrom1", "breakpoint1", "chrom2", "breakpoint2")
SPEC = ("FusionSeeker", "\t", REQUIRED, "")


def is_fusionseeker(columns: set[str]) -> bool:
    """FusionSeeker's header (lower case)."""
    return {"gene1", "gene2", "numsupp", "breakpoint1", "breakpoint2"} <= columns


def _pair(get, record: str, build: str) -> Pair:
    c1, p1, c2, p2, note = both_ends(
        build, (get("chrom1"), get("breakpoint1")), (get("chrom2"), get("breakpoint2"))
    )
    return Pair(
        record, get("gene1"), get("gene2"), c1, p1, c2, p2,
        reads=count(get("numsupp"), "NumSupp"),
        ordered=False,
        note=note,
    )  # fmt: skip


def read_fusionseeker(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of a FusionSeeker gene-fusion table (one sample per file)."""
    return read_pairs(path, build, sample, SPEC, _pair)
