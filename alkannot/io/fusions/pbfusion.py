"""pbfusion (PacBio long reads) ``*.breakpoints.groups.bed``.

BEDPE-like: ``##`` meta lines, a ``#chr1 start1 end1 chr2 start2 end2 id score strand1 strand2
info extra`` header, one row per fusion. Each end is a 1-bp, 0-based half-open interval, so the
1-based breakpoint is ``end``; ``info`` holds ``GN=GENE5,GENE3`` (in transcript order),
``RC`` (reads) and ``CL`` (class, e.g. ``FUSION:68``). The 5'-first order is pbfusion's own:
the SeraCare control lists ``KIF5B,RET``, ``FGFR3,TACC3``, ``TMPRSS2,ERG``, ``CCDC6,RET``,
``SLC34A2,ROS1``. A chain of three or more genes is skipped with its reason when it involves
ALK.
"""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, count, integer
from alkannot.io.fusions.pairs import Pair, both_ends, read_pairs

REQUIRED = ("chr1", "start1", "end1", "chr2", "start2", "end2", "id", "score", "strand1",
            "strand2", "info")  # fmt: skip
SPEC = ("pbfusion", "\t", REQUIRED, "")


def is_pbfusion(lines: list[str]) -> bool:
    """pbfusion's meta lines (``##COMMAND=pbfusion``, or ``##VERSION`` and ``##SAMPLE``), or,
    without them, its header (``#chr1 ... strand2 info``) above rows whose info has ``GN=``."""
    head = [x for x in lines[:40] if x.startswith("##")]
    if any(x.startswith("##COMMAND=pbfusion") for x in head) or (
        any(x.startswith("##VERSION=") for x in head)
        and any(x.startswith("##SAMPLE=") for x in head)
    ):
        return True
    body = [x for x in lines[:40] if x.strip() and not x.startswith("##")]
    cols = tuple(c.strip().lstrip("#").lower() for c in body[0].split("\t")) if body else ()
    return cols[: len(REQUIRED)] == REQUIRED and any("GN=" in x for x in body[1:])


def _end(get, side: str) -> tuple[str, str]:
    start, end = integer(get(f"start{side}")), integer(get(f"end{side}"))
    point = str(end) if start is not None and end is not None and end - start == 1 else "?"
    return get(f"chr{side}"), point


def _pair(get, record: str, build: str) -> Pair | tuple[str, str]:
    info = dict(kv.split("=", 1) for kv in get("info").split(";") if "=" in kv)
    genes = [g for g in info.get("GN", "").split(",") if g]
    if len(genes) > 2 and "ALK" in genes:
        return f"pbfusion chain of {len(genes)} genes (GN={info['GN']}): not one partner", "chain"
    g5, g3 = (genes[0], genes[-1]) if genes else ("", "")
    c5, p5, c3, p3, note = both_ends(build, _end(get, "1"), _end(get, "2"))
    notes = [f"pbfusion {get('score')} {info.get('CL', '')}".strip(), note]
    return Pair(
        record, g5, g3, c5, p5, c3, p3,
        strand5=get("strand1"),
        strand3=get("strand2"),
        reads=count(info.get("RC", ""), "INFO/RC"),
        note="; ".join(x for x in notes if x),
    )  # fmt: skip


def read_pbfusion(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK rows of a pbfusion breakpoints table (one sample per file)."""
    return read_pairs(path, build, sample, SPEC, _pair)
