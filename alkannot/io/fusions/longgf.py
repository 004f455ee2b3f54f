"""LongGF (long reads) standard output: the ``SumGF`` summary lines.

LongGF writes its log and its results to one stream; each fusion ends with a line
``SumGF<TAB>GENE1:GENE2 <reads> <chr:pos of GENE1> <chr:pos of GENE2>`` (space-separated after
the tab). The genes come in no fixed order (the SeraCare KIF5B-RET is written ``RET:KIF5B``),
so ALK is taken as the 3' partner and the call says so. A LongGF log without ``SumGF`` lines
called no fusion.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, count_other, integer, lines_of, split_pair
from alkannot.io.fusions.pairs import Pair, add_pair, both_ends
from alkannot.models import SkippedRecord


def is_longgf(lines: list[str]) -> bool:
    """``SumGF``/``GF`` result lines, or LongGF's "Open sam file (" log line near the top."""
    return any(x.startswith(("SumGF\t", "GF\t")) for x in lines) or any(
        x.startswith("Open sam file (") for x in lines[:5]
    )


def read_longgf(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK fusions of a LongGF output (one sample per file)."""
    out = FusionData(path, "LongGF")
    rows = [(n, x) for n, x in enumerate(lines_of(path), start=1) if x.startswith("SumGF\t")]
    out.data_rows = len(rows)
    other = 0
    for n, line in rows:
        cells = line.split("\t", 1)[1].split()
        # later LongGF versions may add fields after these four
        if len(cells) < 4 or ":" not in cells[0] or integer(cells[1]) is None:
            reason = "SumGF line is not 'GENE1:GENE2 reads chr:pos chr:pos'"
            out.skipped.append(SkippedRecord(path, f"line {n}", reason, "malformed"))
            continue
        g1, g2 = split_pair(cells[0].replace(":", "::"))
        ends = [tuple(c.rsplit(":", 1)) if ":" in c else (c, "") for c in cells[2:]]
        c1, p1, c2, p2, note = both_ends(build, ends[0], ends[1])  # type: ignore[arg-type]
        pair = Pair(f"line {n}", g1, g2, c1, p1, c2, p2, reads=integer(cells[1]), ordered=False,
                    note=note)  # fmt: skip
        other += add_pair(out, build, pair) is False
    count_other(out, other)
    return out
