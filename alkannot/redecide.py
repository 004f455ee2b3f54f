"""Re-decide a stored result with another catalogue: the decision layer alone, no input read.

A sample's ``{sample}.json`` holds everything the decision uses: every finding with its support
(VAF, depth, alt reads, FILTER, whether it passed the support rules, subclonal, baseline status),
the read-backed phase of ALK mutation pairs (``reads.phases``), the specimen, the treatment
history and clinical context (``metadata``) and the thresholds the support was judged with
(``settings``). :func:`redecide` re-matches the findings against the new catalogue (a protein
change the new catalogue names, or no longer names; compounds redone from the passing parts and
the stored phase), then rebuilds the drug matrix, the mechanisms and the board notes exactly as
annotation does (:func:`alkannot.drugs.build_drug_matrix`, :func:`alkannot.lines.board_context`).

What it does not redo, because it needs the raw inputs: calling copy number from segments (a
changed amplification threshold is not applied to stored gene calls) and reading variants again.
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.annotate import compound_findings, mechanisms_found, sort_findings
from alkannot.catalogue import Catalogue
from alkannot.drugs import build_drug_matrix
from alkannot.lines import board_context
from alkannot.models import Finding, SampleResult


def _phases(result: SampleResult) -> dict[frozenset[str], str] | None:
    if result.reads is None or not result.reads.phases:
        return None
    from alkannot.reads.integrate import phase_verdicts

    return phase_verdicts(result.reads.phases)


def rematch(f: Finding, catalogue: Catalogue) -> Finding:
    """A finding matched against ``catalogue``: its entry, mechanism and significance.

    Mutations are looked up by gene and protein change (any spelling); other findings keep
    their entry when the catalogue still has it, else become observations.
    """
    if f.kind == "mutation" and f.alteration:
        from alkannot.annotate import loss_of_function_entry

        entry = catalogue.match_mutation(f.gene, f.alteration) or loss_of_function_entry(
            f.gene, f.consequence, catalogue
        )
        if (entry.id if entry else "") == f.catalogue_id:
            return f
        if entry is None:
            why = f"not in catalogue {catalogue.version}"
            return replace(f, catalogue_id="", mechanism="", significance=why)
        significance = (
            "known resistance mutation" if f.gene == "ALK" else "catalogued bypass-track alteration"
        )
        return replace(
            f, catalogue_id=entry.id, mechanism=entry.mechanism, significance=significance
        )
    if f.catalogue_id and f.catalogue_id not in catalogue.entries:
        return replace(
            f, catalogue_id="", mechanism="", significance=f"not in catalogue {catalogue.version}"
        )
    return f


def redecide(result: SampleResult, catalogue: Catalogue, source: str = "") -> SampleResult:
    """Return ``result`` decided again with ``catalogue`` (``result`` itself is not changed).

    Parameters
    ----------
    result
        A stored result (:func:`alkannot.io.results.read_result_json`).
    catalogue
        The catalogue to decide with.
    source
        Where the stored result was read from, recorded in the new result's settings.

    Returns
    -------
    SampleResult
        Same sample, inputs, findings' support and context; findings re-matched, compounds,
        mechanisms, drug matrix and board notes decided again; ``settings["catalogue"]`` is the
        new catalogue's provenance and ``settings["previous_catalogue"]`` the stored one's.
    """
    singles = [rematch(f, catalogue) for f in result.findings if f.consequence != "compound"]
    compounds, warnings = compound_findings(singles, catalogue, _phases(result))
    findings = sort_findings(singles + compounds)
    settings = dict(result.settings)
    settings["previous_catalogue"] = result.settings.get("catalogue", {})
    settings["catalogue"] = catalogue.provenance(catalogue.path != _bundled())
    if source:
        settings["redecided_from"] = source
    return replace(
        result,
        findings=findings,
        mechanisms=mechanisms_found(findings),
        drugs=build_drug_matrix(findings, catalogue, result.metadata),
        board_context=board_context(findings, result.metadata, catalogue),
        warnings=list(dict.fromkeys([*result.warnings, *warnings])),
        catalogue_version=catalogue.version,
        settings=settings,
    )


def _bundled() -> str:
    from alkannot.resources import resource_path

    return str(resource_path("catalogue", "catalogue.yaml"))


def _ranked(result: SampleResult) -> list[str]:
    return [d.drug for d in sorted((d for d in result.drugs if d.rank), key=lambda d: d.rank)]


def _reasons(result: SampleResult) -> dict[str, dict[str, str]]:
    return {d.drug: {r.catalogue_id or r.finding: r.call for r in d.reasons} for d in result.drugs}


def decision_changes(old: SampleResult, new: SampleResult) -> dict[str, object]:
    """What differs between two decisions of one sample: first option, ranked options, calls.

    ``why`` names, per changed drug, the catalogue entries whose reason changed (``entry: old
    -> new``), or the treatment-history setting when no finding's reason did.
    """
    ranked_old, ranked_new = _ranked(old), _ranked(new)
    calls_old = {d.drug: d.call for d in old.drugs}
    calls_new = {d.drug: d.call for d in new.drugs}
    changed, why = [], []
    ro, rn = _reasons(old), _reasons(new)
    for drug in dict.fromkeys([*calls_old, *calls_new]):
        a, b = calls_old.get(drug, "not listed"), calls_new.get(drug, "not listed")
        if a == b:
            continue
        changed.append(f"{drug}: {a} -> {b}")
        ra, rb = ro.get(drug, {}), rn.get(drug, {})
        moved = [
            f"{k}: {ra.get(k, 'none')} -> {rb.get(k, 'none')}"
            for k in dict.fromkeys([*ra, *rb])
            if ra.get(k) != rb.get(k)
        ]
        why.append(f"{drug}: " + (", ".join(moved) or "treatment setting or ranking rule"))
    first_old = ranked_old[0] if ranked_old else "none"
    first_new = ranked_new[0] if ranked_new else "none"
    return {
        "first_option_old": first_old,
        "first_option_new": first_new,
        "first_option_changed": "yes" if first_old != first_new else "no",
        "ranked_old": ", ".join(ranked_old) or "none",
        "ranked_new": ", ".join(ranked_new) or "none",
        "ranked_changed": ranked_old != ranked_new,
        "calls_changed": "; ".join(changed),
        "why": "; ".join(why),
    }
