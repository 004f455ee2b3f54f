"""The per-sample drug matrix: one call per drug over all findings, its level, and the ranking.

Each rule here is written out, with its source, in ``resources/catalogue/README.md``. In short:

1. **Which findings count.** Only findings that drive calls (:attr:`Finding.drives_calls`):
   catalogued mechanisms that pass the filters (FILTER, VAF, depth, alt reads), are not subclonal
   and are present now. Observations (copy-number gains, variants of unknown significance, "fusion
   not detected", low support) are shown and never change a call.
2. **Mechanism calls.** Every counted finding gives each drug a reason: the entry's curated call;
   for an ALK inhibitor not named by a bypass entry, the entry's monotherapy rule (a source says
   both pathways must be blocked); otherwise ``unknown``. For a combination, on-target findings
   are judged on its ALK part (fixed, or chosen from the on-target profile) and bypass findings on
   the combination itself. The combined call is the worst reason: ``resistant`` > ``reduced`` >
   ``unknown`` > ``sensitive``. A compound entry replaces its parts' reasons for the drugs it names.
3. **Treatment setting.** When every counted finding is silent on a drug (or none was found), the
   treatment-history statements that apply to this patient (after crizotinib, after ceritinib,
   after a second-generation inhibitor; chemotherapy in ALK-positive NSCLC) supply the call.
4. **History.** A drug the tumour progressed on is called ``resistant`` for this patient (the
   tumour's own history), flagged ``progressed_on`` and never offered, unless a source reports
   activity after progression on it (crizotinib for C1156Y+L1198F; crizotinib + imatinib).
5. **Level.** A call carries the strongest level behind it, per finding; a ``sensitive`` call over
   several findings carries the weakest of those (each finding must be covered).
6. **Ranking.** Only ``sensitive`` calls are ranked. Approved (and guideline) drugs first, then
   combinations whose ALK part is an approved inhibitor; investigational agents alone are never
   ranked (their own block). Within a block: level, then status (approval), then support from a
   finding of this sample before the treatment setting alone, then sourced activity in this
   patient's setting, then CNS activity when CNS is involved (and other context
   statements); options still tied go by name, case-insensitively, never by their position in
   the catalogue file. The fallback (chemotherapy) is ranked only when no ALK-directed option has
   a positive call.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from alkannot.catalogue import LEVEL_RANK, STATUSES, Catalogue, Drug, DrugEntry, strongest_level
from alkannot.models import DrugCall, DrugReason, Evidence, Finding, SampleMetadata

_WORST = {"sensitive": 0, "unknown": 1, "reduced": 2, "resistant": 3}
_STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
#: Generic component names of combinations that stand for "an ALK inhibitor".
_ALK_ANY = "ALK inhibitor"


@dataclass
class _Reason:
    label: str
    catalogue_id: str
    call: str
    evidence: tuple[Evidence, ...]
    level: str
    counted: bool = True
    after_progression: bool = False
    conflicting: bool = False


@dataclass
class _Context:
    """What the history and the findings say about the setting of this patient."""

    settings: list = field(default_factory=list)  # applicable setting entries
    boosts: dict[str, int] = field(default_factory=dict)  # context rank: lower first (CNS order)
    notes: dict[str, list[str]] = field(default_factory=dict)  # context wording per drug

    def setting_support(self, drug: str) -> tuple[int, int]:
        """Ranking key of the settings that support ``drug``: strongest level, then count."""
        levels = [
            LEVEL_RANK[de.level]
            for e in self.settings
            if (de := e.drugs.get(drug)) is not None and de.call == "sensitive"
        ]
        return (min(levels), -len(levels)) if levels else (len(LEVEL_RANK), 0)


def counted_findings(findings: list[Finding]) -> list[Finding]:
    """The findings that drive drug calls (see rule 1)."""
    return [f for f in findings if f.drives_calls]


def build_drug_matrix(
    findings: list[Finding], catalogue: Catalogue, metadata: SampleMetadata
) -> list[DrugCall]:
    """Return one :class:`DrugCall` per drug, ranked (1 = first to consider, None = unranked).

    Parameters
    ----------
    findings
        The sample's findings (any order).
    catalogue
        A loaded :class:`~alkannot.catalogue.Catalogue`.
    metadata
        Treatment history (prior therapy, in order; what was progressed on) and CNS involvement.
    """
    counted = [
        f
        for f in counted_findings(findings)
        # prognostic markers and lines of therapy never change a call (catalogue 3.0.0)
        if catalogue.entries[f.catalogue_id].kind
        not in ("context", "setting", "prognostic", "line")
    ]
    entries = {f.catalogue_id: catalogue.entries[f.catalogue_id] for f in counted}
    superseded = _superseded(counted, entries)
    progressed = set(
        metadata.progressed_on if metadata.progressed_on is not None else metadata.prior_therapy
    )
    ctx = _context(counted, catalogue, metadata)
    named = {d for e in entries.values() for d in e.drugs}
    named |= {d for e in ctx.settings for d in e.drugs}
    drugs = [d for d in catalogue.drugs if d.alk_inhibitor or d.id in named]
    on_target = [f for f in counted if entries[f.catalogue_id].mechanism.startswith("on_target")]
    calls: dict[str, DrugCall] = {}
    # ALK inhibitors first: combinations choose their ALK part from these calls
    for drug in sorted(drugs, key=lambda d: not d.alk_inhibitor):
        calls[drug.id] = _call_for(
            drug, counted, entries, superseded, on_target, ctx, progressed, catalogue, calls
        )
    vus = [
        f
        for f in findings
        if f.significance.startswith("kinase-domain variant of unknown") and f.passed_filters
    ]
    out = []
    for drug in drugs:
        dc = calls[drug.id]
        note = list(ctx.notes.get(drug.id, ()))
        if dc.note:
            note.insert(0, dc.note)
        if not counted:
            note.insert(0, "no catalogued resistance mechanism found in the assessed inputs")
        if vus:
            note.append(
                "kinase-domain variant(s) of unknown significance present (no effect on calls): "
                + ", ".join(f.alteration for f in vus)
            )
        out.append(replace(dc, note="; ".join(dict.fromkeys(note))))
    return _rank(out, catalogue, ctx)


def _superseded(counted: list[Finding], entries: dict) -> dict[str, set[str]]:
    """Drug -> part alterations whose reasons a compound entry replaces."""
    out: dict[str, set[str]] = {}
    for f in counted:
        e = entries[f.catalogue_id]
        if e.kind == "compound":
            parts = set(e.parts) - {"*"}
            if "*" in e.parts:
                parts |= {x for x in f.alteration.split("+")}
            for drug in e.drugs:
                out.setdefault(drug, set()).update(parts)
    return out


def _alk_part_kind(drug: Drug) -> str:
    """``choose`` for "ALK inhibitor + X", the fixed ALK component's id, or "" (not ALK-directed)."""
    for c in drug.components:
        if c == _ALK_ANY:
            return "choose"
    return drug.components[0] if drug.components else ""


def _reason_for(f: Finding, entry, drug: Drug) -> _Reason:
    label = f"{f.gene} {f.alteration}".strip()
    de: DrugEntry | None = entry.drugs.get(drug.id)
    if de is None and entry.monotherapy is not None and drug.alk_inhibitor:
        de = entry.monotherapy
        label += " (ALK inhibitor alone)"
    if de is None:
        return _Reason(label, entry.id, "unknown", (), "")
    return _Reason(
        label,
        entry.id,
        de.call,
        de.evidence,
        de.level,
        after_progression=de.after_progression,
        conflicting=de.conflicting,
    )


def _call_for(
    drug: Drug,
    counted: list[Finding],
    entries: dict,
    superseded: dict[str, set[str]],
    on_target: list[Finding],
    ctx: _Context,
    progressed: set[str],
    catalogue: Catalogue,
    done: dict[str, DrugCall],
) -> DrugCall:
    reasons: list[_Reason] = []
    alk_part = ""
    part_kind = _alk_part_kind(drug) if drug.components else ""
    if part_kind == "choose":
        alk_part = _choose_alk_part(done, catalogue, ctx, bool(on_target))
    elif part_kind:
        alk_part = part_kind
    for f in counted:
        e = entries[f.catalogue_id]
        if e.kind != "compound" and f.alteration in superseded.get(drug.id, ()):
            r = _reason_for(f, e, drug)
            r.label += " (superseded by its compound entry)"
            r.counted = False
            reasons.append(r)
            continue
        if drug.components and f in on_target and drug.id not in e.drugs:
            # a combination is judged on its ALK part for on-target findings
            part = done.get(alk_part)
            if part is None:
                r = _Reason(f"{f.gene} {f.alteration}", e.id, "unknown", (), "")
            else:
                src = next((x for x in part.reasons if x.catalogue_id == e.id), None)
                r = _Reason(
                    f"{f.gene} {f.alteration} (ALK part: {alk_part})",
                    e.id,
                    src.call if src else "unknown",
                    src.evidence if src else (),
                    strongest_level(src.evidence, src.call) if src else "",
                )
            reasons.append(r)
            continue
        reasons.append(_reason_for(f, e, drug))
    # a finding whose sources are silent on the drug is covered by a treatment-setting statement
    # that holds "whatever the mechanism" (review: second-generation inhibitors after crizotinib)
    setting_calls = [
        (e, e.drugs[drug.id])
        for e in ctx.settings
        if drug.id in e.drugs and e.drugs[drug.id].call != "unknown"
    ]
    setting_calls.sort(key=lambda t: LEVEL_RANK[t[1].level])
    if setting_calls and any(r.call != "unknown" for r in reasons if r.counted):
        e, de = setting_calls[0]
        for r in reasons:
            if r.counted and r.call == "unknown":
                r.label += f" (no source on this finding; setting: {_setting_name(e)})"
                r.call, r.evidence, r.level = de.call, de.evidence, de.level
                r.catalogue_id = e.id
            elif r.counted and r.call == "sensitive" == de.call and not r.conflicting:
                # (a conflicting call keeps its own, low level: sources disagree on this finding)
                # the setting's statement holds whatever the mechanism: it supports this too
                if LEVEL_RANK[de.level] < LEVEL_RANK.get(r.level, 9):
                    r.level = de.level
                    r.label += f" (and setting: {_setting_name(e)})"
                r.evidence = r.evidence + de.evidence
    counted_r = [r for r in reasons if r.counted]
    call, level, conflicting, note = "unknown", "", False, ""
    if counted_r and any(r.call != "unknown" for r in counted_r):
        call = max((r.call for r in counted_r), key=_WORST.get)
        stated = {r.call for r in counted_r} - {"unknown"}
        conflicting = any(r.conflicting for r in counted_r) or len(stated) > 1
        level = _combined_level(call, counted_r)
    else:
        # every counted finding is silent on this drug: the treatment setting speaks
        for e in ctx.settings:
            de = e.drugs.get(drug.id)
            if de is None or de.call == "unknown":
                continue
            reasons.append(
                _Reason(
                    f"setting: {_setting_name(e)}",
                    e.id,
                    de.call,
                    de.evidence,
                    de.level,
                    after_progression=de.after_progression,
                )
            )
        setting_r = [r for r in reasons if r.catalogue_id in {e.id for e in ctx.settings}]
        if setting_r:
            call = max((r.call for r in setting_r), key=_WORST.get)
            level = _combined_level(call, setting_r) or min(
                (r.level for r in setting_r), key=LEVEL_RANK.get
            )
    progressed_on = drug.id in progressed
    if progressed_on and not any(r.after_progression for r in reasons if r.call == call):
        reasons.append(
            _Reason(
                f"treatment history: progressed on {drug.id}",
                "",
                "resistant",
                (),
                "clinical",
            )
        )
        call, level = "resistant", "clinical"
        note = f"progressed on {drug.id}: not offered again (no source reports activity after it)"
    elif progressed_on:
        note = f"progressed on {drug.id}; a source reports activity after progression on it"
    if part_kind == "choose":
        note = "; ".join(
            x
            for x in (
                note,
                f"ALK part chosen from the on-target profile: {alk_part}"
                if alk_part
                else "no ALK inhibitor with a positive call for the ALK part",
            )
            if x
        )
    reasons.sort(key=lambda r: (not r.counted, -_WORST[r.call], r.label))
    return DrugCall(
        drug=drug.id,
        call=call,
        reasons=tuple(DrugReason(r.label, r.catalogue_id, r.call, r.evidence) for r in reasons),
        rank=None,
        note=note,
        conflicting=conflicting,
        level=level if call != "unknown" else "",
        status=drug.status,
        approval=drug.approval_text,
        progressed_on=progressed_on,
        alk_part=alk_part,
    )


def _setting_name(e) -> str:
    return e.summary.split(":")[0].split(" (")[0].rstrip(".")


def _combined_level(call: str, reasons: list[_Reason]) -> str:
    if call == "sensitive":
        # every finding must be covered: the weakest of the per-finding levels
        levels = [r.level for r in reasons if r.call == "sensitive" and r.level]
        return max(levels, key=LEVEL_RANK.get) if levels else ""
    levels = [r.level for r in reasons if r.call == call and r.level]
    if not levels and call == "reduced":
        levels = [r.level for r in reasons if r.call != "unknown" and r.level]
    return min(levels, key=LEVEL_RANK.get) if levels else ""


def _choose_alk_part(
    done: dict[str, DrugCall], catalogue: Catalogue, ctx: _Context, has_on_target: bool
) -> str:
    """The approved ALK inhibitor (not progressed on) that the on-target profile supports best.

    With on-target findings: one that every on-target finding leaves ``sensitive``; without:
    one the patient's treatment setting supports. "" when there is none.
    """
    candidates: list[DrugCall] = []
    for dc in done.values():
        drug = catalogue.drug_by_id[dc.drug]
        if not (drug.alk_inhibitor and drug.status == "approved") or dc.progressed_on:
            continue
        on_target = [r for r in dc.reasons if _is_on_target(r, catalogue)]
        if has_on_target:
            if not on_target or any(r.call != "sensitive" for r in on_target):
                continue
        elif ctx.setting_support(dc.drug)[1] == 0:  # no applicable setting names it
            continue
        candidates.append(dc)
    if not candidates:
        return ""
    order = {d.id: i for i, d in enumerate(catalogue.drugs)}
    best = min(
        candidates,
        key=lambda dc: (
            LEVEL_RANK.get(_on_target_level(dc, catalogue), 9),
            ctx.setting_support(dc.drug),
            ctx.boosts.get(dc.drug, len(order)),
            order[dc.drug],
        ),
    )
    return best.drug


def _is_on_target(r: DrugReason, catalogue: Catalogue) -> bool:
    e = catalogue.entries.get(r.catalogue_id)
    return bool(e and e.mechanism.startswith("on_target"))


def _on_target_level(dc: DrugCall, catalogue: Catalogue) -> str:
    levels = [
        strongest_level(r.evidence, "sensitive")
        for r in dc.reasons
        if _is_on_target(r, catalogue) and r.call == "sensitive"
    ]
    levels = [lv for lv in levels if lv]
    return max(levels, key=LEVEL_RANK.get) if levels else "inferential"


def _context(counted: list[Finding], catalogue: Catalogue, metadata: SampleMetadata) -> _Context:
    """Settings that apply to this patient's history, and ranking boosts with their wording."""
    ctx = _Context()
    prior = [catalogue.drug_by_id[d] for d in metadata.prior_therapy if d in catalogue.drug_by_id]
    alk_prior = [d for d in prior if d.alk_inhibitor]
    alterations = {(f.gene, f.alteration) for f in counted}
    last = alk_prior[-1].id if alk_prior else ""
    applies = {
        # ALK-positive NSCLC at relapse: only with a treatment history (without one, "no ALK
        # inhibitor supported" would mean "nothing known", not "none works")
        "any": bool(alk_prior),
        "after_crizotinib": bool(alk_prior) and {d.id for d in alk_prior} == {"crizotinib"},
        "after_ceritinib": last == "ceritinib",
        "after_second_generation": any(d.generation == 2 for d in alk_prior),
        "after_alectinib_met_or_v1180l_i1171t": any(d.id == "alectinib" for d in alk_prior)
        and bool(alterations & {("MET", "amplification"), ("ALK", "V1180L"), ("ALK", "I1171T")}),
        "after_crizotinib_l1196m": any(d.id == "crizotinib" for d in alk_prior)
        and ("ALK", "L1196M") in alterations,
    }
    for e in catalogue.setting_entries():
        if applies.get(e.setting):
            ctx.settings.append(e)
    context_ids = [e.id for e in ctx.settings if e.id.startswith("CONTEXT_")]
    if metadata.cns_metastases:
        context_ids.append("CONTEXT_CNS")
    for cid in context_ids:
        entry = catalogue.entries.get(cid)
        if entry is None:
            continue
        if entry.kind == "context":
            # the entry's drugs in the order of their strongest source (CNS: ESMO 2020 grades),
            # then as listed
            favoured = [d for d, de in entry.drugs.items() if de.call == "sensitive"]
            favoured.sort(key=lambda d: LEVEL_RANK[entry.drugs[d].level])
            for i, drug in enumerate(favoured):
                ctx.boosts[drug] = min(ctx.boosts.get(drug, i), i)
        for drug, de in entry.drugs.items():
            quotes = "; ".join(
                f'"{ev.statement}" [{ev.citation}; {ev.level}]' for ev in de.evidence
            )
            ctx.notes.setdefault(drug, []).append(f"{entry.summary.rstrip('.')}: {quotes}")
    return ctx


def _rankable(dc: DrugCall, drug: Drug, catalogue: Catalogue) -> int | None:
    """The block a positive call is ranked in (0 approved, 1 combination), or None."""
    if dc.call != "sensitive":
        return None
    if drug.status in ("approved", "guideline") and not drug.components:
        return 0
    if drug.components:
        part = catalogue.drug_by_id.get(dc.alk_part)
        if part is not None and part.status == "approved":
            return 1
    return None


def _rank(calls: list[DrugCall], catalogue: Catalogue, ctx: _Context) -> list[DrugCall]:
    order = {d.id: i for i, d in enumerate(catalogue.drugs)}
    blocks = {}
    for dc in calls:
        drug = catalogue.drug_by_id[dc.drug]
        block = _rankable(dc, drug, catalogue)
        if block is not None and not drug.fallback:
            blocks[dc.drug] = block
    alk_directed = bool(blocks)
    for dc in calls:
        drug = catalogue.drug_by_id[dc.drug]
        if drug.fallback and not alk_directed and _rankable(dc, drug, catalogue) is not None:
            blocks[dc.drug] = 0
    by_drug = {c.drug: c for c in calls}
    ranked = sorted(
        blocks,
        key=lambda d: (
            blocks[d],
            LEVEL_RANK.get(by_drug[d].level, 9),
            _STATUS_RANK.get(catalogue.drug_by_id[d].status, 9),
            not _finding_specific(by_drug[d], catalogue),
            ctx.setting_support(d),
            ctx.boosts.get(d, len(order)),
            d.casefold(),  # a documented tie rule, never the catalogue file's order
        ),
    )
    rank = {d: i for i, d in enumerate(ranked, start=1)}
    out = []
    for dc in calls:
        drug = catalogue.drug_by_id[dc.drug]
        r = rank.get(dc.drug)
        if r is not None:
            group = "next_option"
        elif dc.call in ("resistant", "reduced") or dc.progressed_on:
            group = "avoid"
        elif dc.call == "sensitive" and drug.status in ("investigational", "discontinued"):
            group = "investigational"
        else:
            group = "unranked"
        note = dc.note
        if drug.fallback and r is None and dc.call == "sensitive":
            note = "; ".join(
                x for x in (note, "offered when no ALK-directed option has a positive call") if x
            )
        amp, oncokb = evidence_tiers(dc, drug)
        out.append(replace(dc, rank=r, group=group, note=note, amp_tier=amp, oncokb_level=oncokb))
    out.sort(key=lambda dc: (dc.rank is None, dc.rank or 0, _GROUP_ORDER[dc.group], order[dc.drug]))
    return out


def _finding_specific(dc: DrugCall, catalogue: Catalogue) -> bool:
    """A finding of this sample (not the treatment setting alone) supports the positive call."""
    for r in dc.reasons:
        entry = catalogue.entries.get(r.catalogue_id)
        if r.call == "sensitive" and entry is not None and entry.kind not in ("setting", "context"):
            return True
    return False


_GROUP_ORDER = {"next_option": 0, "avoid": 1, "investigational": 2, "unranked": 3}


def evidence_tiers(dc: DrugCall, drug: Drug) -> tuple[str, str]:
    """Map a call's level to the AMP/ASCO/CAP tier and an OncoKB-style level.

    The mapping (resources/catalogue/README.md): guideline -> Tier I, Level A and OncoKB 1
    (approved drug) or 2 (guideline); clinical -> Tier I, Level B and 3A (R2 for resistance);
    an investigational agent with clinical evidence -> Tier II, Level C; case -> Tier II, Level D
    and 4 (no resistance level: OncoKB's R2 asks for compelling clinical evidence);
    preclinical -> Tier II, Level D and 4; inferential, unknown or treatment history -> none.
    """
    if dc.call == "unknown" or not dc.level or dc.level == "inferential":
        return "", ""
    if dc.progressed_on and dc.call == "resistant" and not dc.reasons[-1].catalogue_id:
        return "", ""
    positive = dc.call == "sensitive"
    investigational = drug.status in ("investigational", "discontinued")
    if dc.level == "guideline":
        amp = "Tier I, Level A"
        onc = ("1" if drug.status == "approved" else "2") if positive else "R1"
    elif dc.level == "clinical":
        amp = "Tier II, Level C" if investigational else "Tier I, Level B"
        onc = "3A" if positive else "R2"
    else:  # case, preclinical
        amp = "Tier II, Level D"
        onc = "4" if positive else ""
    return amp, onc
