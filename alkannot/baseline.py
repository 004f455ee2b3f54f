"""Compare a re-biopsy with its pre-treatment (baseline) sample, one data type at a time.

Mutations, copy number and fusions are compared separately: a data type the baseline did not
assess gives ``no_baseline``, never ``acquired``. Each re-biopsy finding of an assessed type
becomes ``acquired`` or ``pre-existing`` (a baseline record below the filters is still
``pre-existing``, with a note); catalogued baseline findings no longer seen become ``lost``.
Derived findings (compounds) are ``not_compared``. A KRAS mutation already present before treatment
is intrinsic resistance (review section 2.6: "harbored a KRAS G12C mutation ab initio, this case
was considered to be intrinsic resistance"). Loss of the ALK fusion itself is decided by
:func:`alkannot.annotate.fusion_absent_finding` from the two fusion statuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from alkannot.models import Finding, SkippedRecord

_INTRINSIC = "present before treatment: intrinsic rather than acquired resistance (review 2.6 [32])"
#: Finding kinds by the baseline input that assesses them.
KIND_OF_INPUT = {"vcf": "mutation", "cnv": "copy_number", "fusions": "fusion"}


def finding_key(f: Finding) -> tuple:
    """Identity of a finding across time points: the allele for mutations, else gene + alteration."""
    if f.kind == "mutation" and f.pos is not None and f.ref:
        return ("mutation", f.chrom, f.pos, f.ref, f.alt)
    if f.kind == "copy_number":
        # a gain at baseline and an amplification now are the same gene's copy-number change
        return ("copy_number", f.gene)
    return (f.kind, f.gene, f.alteration)


def compare_with_baseline(
    current: list[Finding],
    baseline: list[Finding],
    assessed: Iterable[str] = ("mutation", "copy_number", "fusion"),
) -> list[Finding]:
    """Return the re-biopsy findings with their baseline status, plus the lost ones.

    Parameters
    ----------
    current
        Findings of the re-biopsy.
    baseline
        Findings of the pre-treatment sample (same build).
    assessed
        Finding kinds the baseline assessed (``mutation`` with a baseline VCF, ``copy_number``
        with baseline copy number, ``fusion`` with baseline fusion calls).
    """
    assessed = set(assessed)
    base_by_key = {}
    for f in baseline:
        if f.kind == "mutation" and f.alt_reads == 0:
            # a record of a VCF holding both time points, without one ALT read in the baseline's
            # column: not present at baseline
            continue
        k = finding_key(f)
        if k not in base_by_key or (f.passed_filters and not base_by_key[k].passed_filters):
            base_by_key[k] = f
    out = []
    for f in current:
        if f.kind == "fusion_loss" or f.baseline_status == "not_compared":
            out.append(f)
            continue
        if f.kind not in assessed:
            out.append(replace(f, baseline_status="no_baseline"))
            continue
        base = base_by_key.get(finding_key(f))
        if base is None:
            out.append(replace(f, baseline_status="acquired"))
            continue
        notes = f.notes
        if not base.passed_filters:
            notes += (
                "present at baseline below the filters"
                + (f" (VAF {base.vaf:.3g})" if base.vaf is not None else ""),
            )
        if f.kind == "copy_number" and base.alteration != f.alteration:
            level = "; ".join(n for n in base.notes if n.startswith(("copy number", "fold")))
            notes += (
                f"baseline: {base.gene} {base.alteration}" + (f" ({level})" if level else ""),
            )
            if f.alteration == "amplification" and not base.mechanism:
                # a gain before treatment that is an amplification now: acquired (increased)
                out.append(replace(f, baseline_status="acquired", notes=notes + ("increased",)))
                continue
        if f.gene == "KRAS" and f.catalogue_id:
            notes += (_INTRINSIC,)
        out.append(replace(f, baseline_status="pre-existing", notes=notes))
    now_keys = {finding_key(f) for f in current}
    for f in baseline:
        if f.kind in ("fusion", "fusion_loss") or not f.passed_filters or not f.mechanism:
            continue
        if f.kind not in assessed or f.baseline_status == "not_compared":
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


def compare_timepoints(
    now, base, assessed: Iterable[str]
) -> tuple[list[Finding], list[SkippedRecord], list[str]]:
    """The baseline stage: the re-biopsy's findings compared with the baseline's.

    ``now`` and ``base`` are the time points' parsed inputs (:class:`alkannot.timepoint.
    TimePointData`); ``assessed`` the data types both time points assessed (see
    :func:`compare_with_baseline`). Returns the findings with their baseline status, the
    baseline's skipped records (their source prefixed ``baseline``) and its warnings.
    """
    skipped = [
        SkippedRecord(f"baseline {s.source}", s.record, s.reason, s.category, s.vaf, s.depth)
        for s in base.skipped
    ]
    return compare_with_baseline(now.findings, base.findings, assessed), skipped, base.warnings


def assessed_at_both(now_files: dict, base_files: dict) -> set[str]:
    """The data types compared: mutations always (both time points have variant calls), copy
    number and fusions only when both time points have that file."""
    assessed = {"mutation"}
    if now_files.get("cnv") and base_files.get("cnv"):
        assessed.add("copy_number")
    if now_files.get("fusions") and base_files.get("fusions"):
        assessed.add("fusion")
    return assessed
