"""The per-sample drug matrix: one combined call per drug over all findings, every reason kept.

Rules (also in ``resources/catalogue/README.md``):

- Only passing, catalogued findings that are present now count (a finding lost since baseline, or
  below the quality flags, is not a reason).
- For each drug every counted finding gives a reason: the entry's curated call, or ``unknown``
  when its entry says nothing about the drug.
- The combined call is the worst reason: ``resistant`` > ``reduced`` > ``unknown`` > ``sensitive``,
  so a drug is ``sensitive`` only when every finding is known to leave it active, and a
  resistance call is never overridden by a sensitivity elsewhere.
- A compound entry (e.g. C1156Y+L1198F) is its own entity: for the drugs it makes a call on, it
  replaces its parts' reasons, which stay visible but do not count.
- Prior therapy and CNS involvement change the ranking and the wording (review section 6), never a
  call; the clinical-context entries say how.
"""

from __future__ import annotations

from alkannot.models import DrugCall, DrugReason, Finding, SampleMetadata

_WORST = {"sensitive": 0, "unknown": 1, "reduced": 2, "resistant": 3}
_RANK = {"sensitive": 0, "reduced": 1, "unknown": 2, "resistant": 3}


def _counted(findings: list[Finding]) -> list[Finding]:
    return [
        f
        for f in findings
        if f.catalogue_id
        and f.passed_filters
        and not (f.baseline_status == "lost" and f.kind != "fusion_loss")
    ]


def build_drug_matrix(
    findings: list[Finding], catalogue, metadata: SampleMetadata
) -> list[DrugCall]:
    """Return one :class:`DrugCall` per drug, ranked (1 = first to consider).

    Parameters
    ----------
    findings
        The sample's findings (any order).
    catalogue
        A loaded :class:`~alkannot.catalogue.Catalogue`.
    metadata
        Prior therapy and CNS involvement (ranking and wording only).
    """
    counted = [f for f in _counted(findings) if catalogue.entries[f.catalogue_id].kind != "context"]
    entries = {f.catalogue_id: catalogue.entries[f.catalogue_id] for f in counted}
    superseded: dict[str, set[str]] = {}  # drug -> finding alterations replaced by a compound
    for f in counted:
        e = entries[f.catalogue_id]
        if e.kind == "compound":
            named = set(e.parts) - {"*"}
            for drug in e.drugs:
                superseded.setdefault(drug, set()).update(named)
    vus = [
        f
        for f in findings
        if f.significance.startswith("kinase-domain variant of unknown") and f.passed_filters
    ]
    called = {d for e in entries.values() for d in e.drugs}
    drugs = [d for d in catalogue.drugs if d.alk_inhibitor or d.id in called]
    boosts, notes = _context(counted, entries, catalogue, metadata)
    out = []
    for drug in drugs:
        reasons, counted_calls = [], []
        for f in counted:
            e = entries[f.catalogue_id]
            label = f"{f.gene} {f.alteration}"
            de = e.drugs.get(drug.id)
            call = de.call if de else "unknown"
            evidence = de.evidence if de else ()
            if (
                f.gene == e.gene
                and e.kind != "compound"
                and f.alteration in superseded.get(drug.id, ())
            ):
                reasons.append(
                    DrugReason(f"{label} (superseded by its compound entry)", e.id, call, evidence)
                )
                continue
            reasons.append(DrugReason(label, e.id, call, evidence))
            counted_calls.append((call, de.conflicting if de else False))
        if counted_calls:
            call = max((c for c, _ in counted_calls), key=_WORST.get)
            # sources disagree: within an entry, or between findings that both state a call
            # (a finding whose entry is silent on the drug is unknown, not a disagreement)
            stated = {c for c, _ in counted_calls} - {"unknown"}
            conflicting = any(conf for _, conf in counted_calls) or len(stated) > 1
        else:
            call, conflicting = "unknown", False
        note = list(notes.get(drug.id, ()))
        if not counted:
            note.insert(0, "no catalogued resistance mechanism found in the assessed inputs")
        if vus:
            note.append(
                "kinase-domain variant(s) of unknown significance present: "
                + ", ".join(f.alteration for f in vus)
            )
        if drug.id in metadata.prior_therapy:
            note.append(f"the patient has received {drug.id}")
        # resistance reasons first within the drug's reasons
        reasons.sort(key=lambda r: (-_WORST[r.call], r.finding))
        out.append((drug, DrugCall(drug.id, call, tuple(reasons), 0, "; ".join(note), conflicting)))
    prior = set(metadata.prior_therapy)
    ordered = sorted(
        out,
        key=lambda t: (
            _RANK[t[1].call],
            -boosts.get(t[0].id, 0),
            t[0].id in prior,
            not t[0].alk_inhibitor,
            t[0].id.lower(),
        ),
    )
    return [
        DrugCall(dc.drug, dc.call, dc.reasons, i, dc.note, dc.conflicting)
        for i, (_, dc) in enumerate(ordered, start=1)
    ]


def _context(counted: list[Finding], entries: dict, catalogue, metadata: SampleMetadata):
    """Ranking boosts and wording from the review's clinical-context statements (section 6)."""
    boosts: dict[str, int] = {}
    notes: dict[str, list[str]] = {}
    alterations = {(f.gene, f.alteration) for f in counted}
    genes_bypass = {e.gene for e in entries.values() if e.mechanism == "bypass"}
    prior = set(metadata.prior_therapy)
    applicable = []
    if metadata.cns_metastases:
        applicable.append("CONTEXT_CNS")
    if "crizotinib" in prior and ("ALK", "L1196M") in alterations:
        applicable.append("CONTEXT_CRIZOTINIB_REFRACTORY_L1196M")
    if "alectinib" in prior and (
        ("MET", "amplification") in alterations
        or alterations & {("ALK", "V1180L"), ("ALK", "I1171T")}
    ):
        applicable.append("CONTEXT_ALECTINIB_REFRACTORY")
    if genes_bypass & {"EGFR", "IGF1R"}:
        applicable.append("CONTEXT_EGFR_IGF1R")
    for cid in applicable:
        entry = catalogue.entries.get(cid)
        if entry is None:
            continue
        for drug, de in entry.drugs.items():
            ev = de.evidence[0]
            if de.call == "sensitive":
                boosts[drug] = boosts.get(drug, 0) + 1
            notes.setdefault(drug, []).append(
                f'{entry.summary.rstrip(".")}: "{ev.statement}" [{ev.citation}]'
            )
    return boosts, notes


def drug_matrix_rows(drugs: list[DrugCall]) -> list[dict]:
    """Rows for the drugs TSV (see :mod:`alkannot.report.tsv`)."""
    from alkannot.report.tsv import _drug_row

    return [_drug_row(d) for d in drugs]
