"""The latest sample decided again with the patient's history (issue 25, point 3).

From the stored results only (no raw input is read again):

- **baseline per data type**: the earliest earlier sample that assessed mutations, copy number
  or the fusion is that data type's baseline; a type no earlier sample assessed is ``no_baseline``;
- **pre-existing** means seen at any earlier time point (below the filters too, with a note);
  otherwise ``acquired``; catalogued mechanisms seen earlier and gone now are ``lost`` only where
  the latest sample can show a loss (tissue with adequate tumour content), and never drive a call;
- **fusion not detected** now is decided by the sample's own rule (``fusion_absent_finding``:
  a plasma negative or a filtered call is never a loss) against the fusion baseline;
- **treatment history** from the timeline: the drugs started before the latest collection date,
  in order; progressed on = those stopped for progression (a drug stopped for toxicity stays
  eligible; one still running is not counted as progressed on); months on each drug.

The stored findings carry what the decision needs (catalogue ids, mechanisms, support, VAFs,
compounds, purity, thresholds); the catalogue must be the one the samples were annotated with
(version and SHA-256), else the decision is not re-run and the note says why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alkannot.models import Finding, SampleResult, TherapyPeriod, Thresholds
from alkannot.patient.lanes import Observed, lane_key

DATA_TYPES = ("mutation", "copy_number", "fusion")
_KIND_TYPE = {"mutation": "mutation", "copy_number": "copy_number", "fusion": "fusion"}


def catalogue_mismatch(result: SampleResult, cat) -> str:
    """ "" when ``cat`` is the catalogue the result was decided with, else why not."""
    from alkannot.checksums import file_checksum

    stored = result.settings.get("catalogue", {}) if isinstance(result.settings, dict) else {}
    sha = file_checksum(cat.path).sha256
    if result.catalogue_version != cat.version or (
        stored.get("sha256") and stored["sha256"] != sha
    ):
        return (
            f"not decided again: {result.sample} was annotated with catalogue "
            f"{result.catalogue_version or '?'} ({str(stored.get('sha256', '?'))[:12]}), this run "
            f"has {cat.version} ({sha[:12]}); annotate the sample again or pass its --catalogue"
        )
    return ""


def baselines(earlier: list[Observed]) -> dict[str, str]:
    """Data type -> the earliest earlier sample that assessed it ("" when none did)."""
    return {t: next((o.sample for o in earlier if t in o.assessed), "") for t in DATA_TYPES}


def _earlier_findings(earlier: list[Observed]) -> list[Finding]:
    """Every finding seen at an earlier time point, one per identity (a passing one first)."""
    by_key: dict[str, Finding] = {}
    for o in earlier:
        for key, f in o.found.items():
            if key not in by_key or (f.passed_filters and not by_key[key].passed_filters):
                by_key[key] = f
    return list(by_key.values())


def adequate_for_loss(obs: Observed) -> bool:
    """Tissue with a stated tumour content at or above the sample's ``min_fusion_purity``."""
    purity = obs.result.metadata.purity
    floor = float(obs.result.settings.get("min_fusion_purity", Thresholds().min_fusion_purity))
    return obs.specimen == "tissue" and purity is not None and purity >= floor


def _not_before_treatment(findings: list[Finding], earlier: list[Observed], first_start: str):
    """The baseline comparison calls a KRAS mutation seen at baseline intrinsic ("present before
    treatment", review 2.6); over a history that holds only when a sample collected before the
    first treatment showed it."""
    before = {k for o in earlier if o.date < first_start for k in o.found}
    out = []
    for f in findings:
        if f.gene == "KRAS" and f.baseline_status == "pre-existing" and lane_key(f) not in before:
            notes = tuple(n for n in f.notes if not n.startswith("present before treatment"))
            f = replace(f, notes=notes + ("seen earlier, after treatment had started",))
        out.append(f)
    return out


def history_findings(
    latest: Observed, earlier: list[Observed], cat, first_start: str = ""
) -> list[Finding]:
    """The latest sample's findings with their status against the whole history
    (``first_start``: the first treatment's start date, "" when no treatment is given)."""
    from alkannot.baseline import compare_with_baseline

    own = [
        f for f in latest.result.findings if f.kind != "fusion_loss" and f.baseline_status != "lost"
    ]
    # a compound is compared like any alteration here: seen before or not
    own = [
        replace(f, baseline_status="no_baseline") if f.baseline_status == "not_compared" else f
        for f in own
    ]
    assessed = {t for o in earlier for t in o.assessed}
    out = compare_with_baseline(own, _earlier_findings(earlier), assessed)
    if not adequate_for_loss(latest):
        out = [f for f in out if f.baseline_status != "lost"]
    out = [
        f for f in out if f.baseline_status != "lost" or _KIND_TYPE.get(f.kind) in latest.assessed
    ]
    if first_start:
        out = _not_before_treatment(out, earlier, first_start)
    absent = _fusion_not_detected(latest, earlier, out, cat)
    return out + ([absent] if absent is not None else [])


def _fusion_not_detected(
    latest: Observed, earlier: list[Observed], findings: list[Finding], cat
) -> Finding | None:
    """The latest sample assessed the fusion and did not detect a passing ALK fusion: the
    sample's own rule (:func:`alkannot.annotate.fusion_absent_finding`, specimen-aware, filtered
    calls never evidence of absence) judged against the fusion baseline of the history (the
    earliest sample that assessed it). With no earlier sample that assessed the fusion, the
    sample's own stored finding stands."""
    from alkannot.annotate import fusion_absent_finding

    if "fusion" not in latest.assessed or _passing_fusion(findings):
        return None
    base = next((o for o in earlier if "fusion" in o.assessed), None)
    stored = next((f for f in latest.result.findings if f.kind == "fusion_loss"), None)
    if base is None and stored is not None:
        return stored
    base_status = "not_assessed"
    if base is not None:
        base_status = "present" if _passing_fusion(base.found.values()) else "absent"
    kd = [
        f
        for f in findings
        if f.kind == "mutation" and f.gene == "ALK" and f.mechanism == "on_target_mutation"
        and f.baseline_status != "lost"
    ]  # fmt: skip
    filtered = [f for f in findings if f.kind == "fusion" and f.gene == "ALK"]
    th = Thresholds(min_fusion_purity=float(latest.result.settings.get("min_fusion_purity", 0.2)))
    return fusion_absent_finding(
        cat,
        base_status,
        purity=latest.result.metadata.purity,
        thresholds=th,
        kinase_domain_mutations=kd,
        specimen=latest.specimen,
        filtered_calls=filtered,
    )


def _passing_fusion(findings) -> bool:
    return any(f.kind == "fusion" and f.gene == "ALK" and f.passed_filters for f in findings)


def therapy_periods(treatments, until: date, cat) -> list[TherapyPeriod]:
    """Each period with its time on drug (to its stop, or to ``until`` while ongoing), marked
    whether the drug is an ALK inhibitor of the catalogue ``cat``."""
    out = []
    for t in sorted(treatments, key=lambda t: (t.start, t.row)):
        end = t.stop or until
        days = max(0, (end - t.start).days)
        out.append(
            TherapyPeriod(
                t.drug,
                t.start.isoformat(),
                t.stop.isoformat() if t.stop else "",
                t.reason or "",
                days,
                round(days / 30.4375, 1),
                _is_alk_inhibitor(cat, t.drug),
            )
        )
    return out


def _is_alk_inhibitor(cat, drug: str) -> bool:
    found = cat.drug_by_id.get(drug)
    return found is not None and found.alk_inhibitor


def history_metadata(result: SampleResult, periods: list[TherapyPeriod], when: str, cat):
    """The latest sample's metadata with the treatment history of the timeline: the catalogue's
    drugs only (a therapy the catalogue does not name stays on the timeline, never in the
    history the drug matrix reads)."""
    before = [p for p in periods if p.start < when and p.drug in cat.drug_by_id]
    prior = tuple(dict.fromkeys(p.drug for p in before))
    progressed = tuple(dict.fromkeys(p.drug for p in before if p.reason == "progression"))
    months: dict[str, float] = {}
    for p in before:
        months[p.drug] = round(months.get(p.drug, 0.0) + p.months, 1)
    return replace(
        result.metadata, prior_therapy=prior, progressed_on=progressed, time_on_therapy=months
    )


def decide_with_history(
    observed: list[Observed], periods: list[TherapyPeriod], cat
) -> tuple[SampleResult | None, dict, str]:
    """(the latest result decided again, what it was based on, why not when it was not)."""
    from alkannot.annotate import fusion_status_of, mechanisms_found
    from alkannot.drugs import build_drug_matrix
    from alkannot.lines import board_context

    latest, earlier = observed[-1], observed[:-1]
    why = catalogue_mismatch(latest.result, cat)
    if why:
        return None, {}, why
    findings = history_findings(latest, earlier, cat, min((p.start for p in periods), default=""))
    metadata = history_metadata(latest.result, periods, latest.date, cat)
    basis = {
        "sample": latest.sample,
        "baselines": baselines(earlier),
        "prior_therapy": list(metadata.prior_therapy),
        "progressed_on": list(metadata.progressed_on or ()),
        "ongoing": [p.drug for p in periods if not p.stop and p.start < latest.date],
    }
    result = replace(
        latest.result,
        metadata=metadata,
        findings=findings,
        mechanisms=mechanisms_found(findings),
        drugs=build_drug_matrix(findings, cat, metadata),
        # the board notes (line of therapy first) follow the timeline's history, not the sample's
        board_context=board_context(findings, metadata, cat),
        fusion_status=fusion_status_of(latest.result.fusion_status, findings),
        # the sample's own "no baseline" sentence no longer holds when the history gives one
        not_assessed=[
            x
            for x in latest.result.not_assessed
            if not (basis["baselines"]["mutation"] and x.startswith("Acquired versus pre-existing"))
        ],
        warnings=[
            *latest.result.warnings,
            "decided again over the patient's history: baselines per data type "
            + ", ".join(f"{t} {s or 'none'}" for t, s in basis["baselines"].items()),
        ],
    )
    return result, basis, ""
