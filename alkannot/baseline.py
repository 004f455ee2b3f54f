"""Compare a re-biopsy with its pre-treatment (baseline) sample.

Each re-biopsy finding becomes ``acquired`` or ``pre-existing``; catalogued baseline findings no
longer seen become ``lost`` findings. A KRAS mutation already present before treatment is marked
as intrinsic resistance (review section 2.6: "harbored a KRAS G12C mutation ab initio, this case
was considered to be intrinsic resistance"). Loss of the ALK fusion itself is added by the API from
the two fusion statuses (it needs the catalogue entry).
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.models import Finding

_INTRINSIC = "present before treatment: intrinsic rather than acquired resistance (review 2.6 [32])"


def finding_key(f: Finding) -> tuple:
    """Identity of a finding across time points: the allele for mutations, else gene + alteration."""
    if f.kind == "mutation" and f.pos is not None and f.ref:
        return ("mutation", f.chrom, f.pos, f.ref, f.alt)
    return (f.kind, f.gene, f.alteration)


def compare_with_baseline(current: list[Finding], baseline: list[Finding]) -> list[Finding]:
    """Return the re-biopsy findings with their baseline status, plus the lost ones.

    Parameters
    ----------
    current
        Findings of the re-biopsy.
    baseline
        Findings of the pre-treatment sample (same build).
    """
    base_keys = {finding_key(f) for f in baseline if f.passed_filters}
    out = []
    for f in current:
        if f.kind == "fusion_loss":
            out.append(f)
            continue
        if finding_key(f) in base_keys:
            notes = f.notes + ((_INTRINSIC,) if f.gene == "KRAS" and f.catalogue_id else ())
            out.append(replace(f, baseline_status="pre-existing", notes=notes))
        else:
            out.append(replace(f, baseline_status="acquired"))
    now_keys = {finding_key(f) for f in current}
    for f in baseline:
        if f.kind in ("fusion", "fusion_loss") or not f.passed_filters or not f.catalogue_id:
            continue
        if finding_key(f) not in now_keys:
            out.append(
                replace(
                    f,
                    baseline_status="lost",
                    notes=f.notes + ("present at baseline, not found at re-biopsy",),
                )
            )
    return out
