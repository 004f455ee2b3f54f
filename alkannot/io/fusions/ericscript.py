"""EricScript ``*.results.filtered.tsv``.

Tab-separated: ``GeneName1 GeneName2 chr1 Breakpoint1 strand1 chr2 Breakpoint2 strand2
EnsemblGene1 EnsemblGene2 crossingreads spanningreads ... fusiontype ... EricScore``. GeneName1
is the 5' partner; breakpoints are 1-based and the strands those of the fused transcript.
Supporting reads = crossing + spanning reads.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData
from alkannot.io.fusions.pairs import Pair, both_ends, read_pairs, reads_sum

REQUIRED = ("genename1", "genename2", "chr1", "breakpoint1", "strand1", "chr2", "breakpoint2",
            "strand2")  # fmt: skip
SPEC = ("EricScript", "\t", REQUIRED, "")


def is_ericscript(columns: set[str]) -> bool:
    """EricScript's header (lower case)."""
    return {"genename1", "genename2", "breakpoint1", "crossingreads"} <= columns


def _pair(get, record: str, build: str) -> Pair:
    c5, p5, c3, p3, note = both_ends(
        build, (get("chr1"), get("breakpoint1")), (get("chr2"), get("breakpoint2"))
    )
    return Pair(
        record, get("genename1"), get("genename2"), c5, p5, c3, p3,
        strand5=get("strand1"),
        strand3=get("strand2"),
        reads=reads_sum(get("crossingreads"), get("spanningreads")),
        note=note,
    )  # fmt: skip


def read_ericscript(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of an EricScript results table (one sample per file)."""
    return read_pairs(path, build, sample, SPEC, _pair)
