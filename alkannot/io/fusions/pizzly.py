"""pizzly ``*.flt.tsv`` (from its ``flatten_json.py``).

Tab-separated: ``geneA.name geneA.id geneB.name geneB.id paircount splitcount
transcripts.list``. geneA is the 5' partner. pizzly reports transcript coordinates only, so a
call has no genomic breakpoint and its junction is not typed. Supporting reads = pairs + splits.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, Pair, read_pairs, reads_sum

REQUIRED = ("genea.name", "geneb.name", "paircount", "splitcount")
SPEC = ("pizzly", "\t", REQUIRED, "")


def is_pizzly(columns: set[str]) -> bool:
    """pizzly's flattened header (lower case)."""
    return set(REQUIRED) <= columns


def _pair(get, record: str, build: str) -> Pair:
    return Pair(
        record,
        get("genea.name"),
        get("geneb.name"),
        reads=reads_sum(get("paircount"), get("splitcount")),
        note="pizzly gives transcript coordinates only: junction not typed",
    )


def read_pizzly(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of a pizzly table (one sample per file)."""
    return read_pairs(path, build, sample, SPEC, _pair)
