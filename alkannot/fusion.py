"""Type ALK fusions by exon junction and summarise the fusion status of a sample.

EML4-ALK variants are named by the EML4 exon kept and the first ALK exon (always 20 for the
canonical variants): E13;A20 = v1, E20;A20 = v2, E6;A20 = v3 (v3a and v3b differ by a 33-bp
cryptic exon 6b that the bundled exon table does not hold, so they are reported together).
A DNA breakpoint in an intron keeps the exons before it; an RNA breakpoint lies on an exon end.
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.genome.models import transcripts
from alkannot.models import FusionCall

NAMED_VARIANTS = {"E13;A20": "v1", "E20;A20": "v2", "E6;A20": "v3a/v3b"}


def _exon_at(build: str, gene: str, pos: int, side: str) -> str:
    """The exon a breakpoint keeps: the last one of a 5' partner or the first one of a 3' partner.

    A breakpoint inside an exon (RNA callers) names that exon; one in an intron keeps the exon
    before it (5' side) or after it (3' side), in transcript order.
    """
    tx = transcripts(build)[gene]
    exons = tx.exons
    for e in exons:
        if e.start <= pos <= e.end:
            return str(e.number)
    for a, b in zip(exons, exons[1:], strict=False):
        lo, hi = (a.end, b.start) if tx.strand == "+" else (b.end, a.start)
        if lo < pos < hi:
            return str(a.number if side == "5prime" else b.number)
    return ""


def type_alk_fusion(call: FusionCall, build: str) -> FusionCall:
    """Fill the exon junction, the named EML4-ALK variant and the orientation check."""
    exon3 = exon5 = ""
    alk = transcripts(build)["ALK"]
    if call.gene3 == "ALK" and call.pos3 and call.chrom3 == alk.chrom:
        exon3 = _exon_at(build, "ALK", call.pos3, "3prime")
    if call.gene5 in transcripts(build) and call.pos5 and call.gene5 != "ALK":
        exon5 = _exon_at(build, call.gene5, call.pos5, "5prime")
    junction = f"E{exon5};A{exon3}" if exon5 and exon3 else ""
    variant = NAMED_VARIANTS.get(junction, "") if call.gene5 == "EML4" else ""
    if call.junction and (not junction or (call.exon5.rstrip("ab"), call.exon3) == (exon5, exon3)):
        # the file named the junction itself (cBioPortal Event_Info "E6bA20"), in agreement with
        # the breakpoints: keep its exons, which may tell 6a from 6b
        exon5, exon3, junction, variant = call.exon5, call.exon3, call.junction, call.variant
    elif call.junction:
        note = f"the file names the junction {call.junction}, the breakpoints give {junction}"
        call = replace(call, note="; ".join(x for x in (call.note, note) if x))
    ok = call.orientation_ok
    if ok is None and call.gene5 == "EML4" and call.gene3 == "ALK":
        ok = True  # gene order given by the caller: EML4 5', ALK 3'
    if exon3 and int(exon3) > 20:
        note = f"ALK breakpoint after exon 20 (first exon kept: {exon3})"
        call = replace(call, note="; ".join(x for x in (call.note, note) if x))
    return replace(
        call, exon5=exon5, exon3=exon3, junction=junction, variant=variant, orientation_ok=ok
    )


def summarise_fusion_status(data) -> str:
    """``present`` (a passing ALK fusion), ``absent`` (assessed, none) or ``not_assessed``.

    A call whose orientation keeps no ALK kinase domain 3' (ALK the 5' partner, or a partner read
    antisense) is not an ALK fusion: it never makes the fusion present.
    """
    if data is None:
        return "not_assessed"
    for c in data.calls:
        if not keeps_alk_kinase(c):
            continue
        if "ALK" in (c.gene5, c.gene3) and c.passed:
            return "present"
    return "absent"


def keeps_alk_kinase(call: FusionCall) -> bool:
    """False when the call's orientation is known to keep no ALK kinase domain 3'."""
    return call.orientation_ok is not False
