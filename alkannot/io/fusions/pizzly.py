"""pizzly: its JSON output, or the table its ``flatten_json.py`` makes of it.

The table is tab-separated: ``geneA.name geneA.id geneB.name geneB.id paircount splitcount
transcripts.list``; the JSON ``{"genes": [{"geneA": {"id", "name"}, "geneB": {...},
"paircount", "splitcount", "transcripts": [...]}, ...]}``. geneA is the 5' partner. pizzly
reports transcript coordinates only, so a call has no genomic breakpoint and its junction is not
typed. Supporting reads = pairs + splits.
"""

from __future__ import annotations

import json

from alkannot.bounds import OutOfRange
from alkannot.errors import InputFormatError
from alkannot.io.fusions.base import FusionData, count_other, lines_of
from alkannot.io.fusions.pairs import Pair, add_pair, read_pairs, reads_sum
from alkannot.models import SkippedRecord

REQUIRED = ("genea.name", "geneb.name", "paircount", "splitcount")
SPEC = ("pizzly", "\t", REQUIRED, "")
NOTE = "pizzly gives transcript coordinates only: junction not typed"


def is_pizzly(columns: set[str]) -> bool:
    """pizzly's flattened header (lower case)."""
    return set(REQUIRED) <= columns


def is_pizzly_json(lines: list[str]) -> bool:
    """pizzly's JSON: an object whose first key is ``genes``, holding ``geneA`` records."""
    head = "".join(lines[:20]).replace(" ", "")
    return head.startswith('{"genes":') and '"geneA"' in "".join(lines[:200])


def read_pizzly_json(path: str, build: str) -> FusionData:
    """Read the ALK fusions of a pizzly JSON file."""
    out = FusionData(path, "pizzly")
    try:
        genes = json.loads("\n".join(lines_of(path)))["genes"]
        assert isinstance(genes, list)
    except (ValueError, KeyError, TypeError, AssertionError, RecursionError) as exc:
        raise InputFormatError(
            f'not pizzly JSON ({type(exc).__name__}): expected {{"genes": [...]}}', path=path
        ) from None
    out.data_rows, other = len(genes), 0
    for i, g in enumerate(genes, start=1):
        try:
            names = (g["geneA"]["name"], g["geneB"]["name"])
            reads = reads_sum(str(g.get("paircount", "")), str(g.get("splitcount", "")))
        except OutOfRange as e:  # a negative or NaN count is not support: the row is skipped
            out.skipped.append(SkippedRecord(path, f"genes[{i}]", str(e), "out_of_range"))
            continue
        except (KeyError, TypeError):
            reason = "gene record without geneA/geneB names"
            out.skipped.append(SkippedRecord(path, f"genes[{i}]", reason, "malformed"))
            continue
        pair = Pair(f"genes[{i}]", str(names[0]), str(names[1]), reads=reads, note=NOTE)
        other += add_pair(out, build, pair) is False
    count_other(out, other)
    return out


def _pair(get, record: str, build: str) -> Pair:
    return Pair(
        record,
        get("genea.name"),
        get("geneb.name"),
        reads=reads_sum(get("paircount"), get("splitcount")),
        note=NOTE,
    )


def read_pizzly(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK fusions of a pizzly table or JSON file (one sample per file)."""
    if is_pizzly_json(lines_of(path)):
        return read_pizzly_json(path, build)
    return read_pairs(path, build, sample, SPEC, _pair)
