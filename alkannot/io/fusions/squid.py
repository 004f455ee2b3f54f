"""SQUID ``*_sv.txt`` fusion output (BEDPE-like, with the fused genes named).

``# chrom1 start1 end1 chrom2 start2 end2 name score strand1 strand2 Type FusedGenes``: each end
is an aligned segment (0-based half-open, several bases long), not a single base, so a call
keeps no genomic breakpoint and its junction is not typed. ``FusedGenes`` (``GENE5:GENE3``)
names the 5' partner first; ``score`` is the number of supporting reads. Rows whose ``Type``
is not a fusion (SQUID also reports other rearrangements) are counted as not involving ALK
unless they name it.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, count, split_pair
from alkannot.io.fusions.pairs import Pair, read_pairs

REQUIRED = ("chrom1", "start1", "end1", "chrom2", "start2", "end2", "score", "fusedgenes")
SPEC = ("SQUID", "\t", REQUIRED, "")


def is_squid(columns: set[str]) -> bool:
    """SQUID's header (lower case, ``#`` stripped)."""
    return {"chrom1", "start1", "fusedgenes"} <= columns


def _pair(get, record: str, build: str) -> Pair:
    g5, g3 = split_pair(get("fusedgenes").replace(":", "::"))
    return Pair(
        record,
        g5,
        g3,
        reads=count(get("score"), "score"),
        note="SQUID gives aligned segments, not breakpoints: junction not typed",
    )


def read_squid(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of a SQUID fusion table (one sample per file)."""
    return read_pairs(path, build, sample, SPEC, _pair)
