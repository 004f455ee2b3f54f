"""JAFFA and JAFFAL (long reads) ``jaffa_results.csv``.

Comma-separated, one row per fusion and sample: ``sample, fusion genes (GENE5:GENE3), chrom1,
base1, strand1, chrom2, base2, strand2, gap (kb), spanning pairs, spanning reads, inframe,
aligns, rearrangement, contig, contig break, classification, known``. The 5' gene is named
first; ``base1/base2`` are 1-based breakpoints and the strands those the fusion transcript is
read from. Supporting reads = spanning pairs + spanning reads; the classification
(HighConfidence ... PotentialTransSplicing) is kept in the call's note.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, split_pair
from alkannot.io.fusions.pairs import Pair, both_ends, read_pairs, reads_sum

REQUIRED = ("sample", "fusion genes", "chrom1", "base1", "strand1", "chrom2", "base2", "strand2")
SPEC = ("JAFFA", ",", REQUIRED, "sample")


def is_jaffa(columns: set[str]) -> bool:
    """A JAFFA/JAFFAL header (its comma-separated column names, lower case)."""
    return {"fusion genes", "base1", "base2", "spanning reads"} <= columns


def _pair(get, record: str, build: str) -> Pair:
    g5, g3 = split_pair(get("fusion genes").replace(":", "::"))
    c5, p5, c3, p3, note = both_ends(
        build, (get("chrom1"), get("base1")), (get("chrom2"), get("base2"))
    )
    label = f"JAFFA {get('classification')}" if get("classification") else ""
    return Pair(
        record, g5, g3, c5, p5, c3, p3,
        strand5=get("strand1"),
        strand3=get("strand2"),
        reads=reads_sum(get("spanning pairs"), get("spanning reads")),
        note="; ".join(x for x in (label, note) if x),
    )  # fmt: skip


def read_jaffa(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of one sample of a JAFFA/JAFFAL results table."""
    data = read_pairs(path, build, sample, SPEC, _pair)
    if sample and data.sample and data.sample != sample:
        # one sample in the file, named after JAFFA's input (a reads file or folder), seldom the
        # sample id: read as the requested sample, and said so
        data.warnings.append(
            f"the JAFFA sample column names {data.sample!r} (its input reads), not {sample!r}; "
            "read as this sample"
        )
        data.sample = ""
    return data
