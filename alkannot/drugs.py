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
3. **Treatment setting.** A finding's silence on a drug is filled by the treatment-history
   statements that apply (after crizotinib, after ceritinib, after a second-generation inhibitor;
   chemotherapy in ALK-positive NSCLC) only at population level ("no data for <alteration>",
   ``basis`` ``population``, no tier), never for an investigational agent or a class the allele's
   sources call resistant, never raising an allele-specific level. With no counted finding the
   settings give the call alone (``basis`` ``setting``).
4. **History.** A drug the tumour progressed on is called ``resistant`` for this patient (the
   tumour's own history), flagged ``progressed_on`` and never offered, unless a source reports
   activity after progression on it (crizotinib for C1156Y+L1198F; crizotinib + imatinib).
5. **Level.** A call carries the strongest level behind it, per finding; a ``sensitive`` call over
   several findings carries the weakest of those (each finding must be covered). The tier is the
   deciding reason's (none for the history or a population-level fill).
6. **Ranking.** Only ``sensitive`` calls are ranked. Approved (and guideline) drugs first, then
   combinations whose ALK part is an approved inhibitor; investigational agents alone are never
   ranked (their own block). Within a block: the strongest support of either kind (the call's
   level or an applicable setting statement), allele-specific before population-level at equal
   strength, then the call's level, status (approval), support from a finding of this sample
   before the treatment setting alone, sourced activity in this patient's setting, CNS activity
   when CNS is involved (and other context statements); options still tied go by name,
   case-insensitively, never by their position in the catalogue file. The fallback
   (chemotherapy) is ranked only when no ALK-directed option has a positive call. Reduced calls
   whose sources disagree form the ``discuss`` group.
7. **Explanation.** For each drug progressed on: do the counted findings explain it
   (:func:`explain_progression`)?
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from alkannot import trace
from alkannot.catalogue import (
    LEVEL_RANK,
    STATUSES,
    Catalogue,
    Drug,
    DrugEntry,
    strongest_level,
    tier_for,
)
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
    population: bool = False  # a treatment-setting statement, not evidence about the allele
    no_data: str = ""  # the found alteration(s) the statement fills in for ("no data for ...")


@dataclass
class _Context:
    """What the history and the findings say about the setting of this patient."""

    settings: list = field(default_factory=list)  # applicable setting entries
    current_alk: str = ""  # the last ALK inhibitor received (the one the tumour is on now)
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
            drug, counted, entries, superseded, on_target, ctx, progressed, catalogue, calls,
            _unstudied(findings),
        )  # fmt: skip
    out = [_with_notes(calls[d.id], findings, counted, ctx, catalogue) for d in drugs]
    return _rank(out, catalogue, ctx)


def _with_notes(
    dc: DrugCall, findings: list[Finding], counted: list[Finding], ctx: _Context, catalogue
) -> DrugCall:
    """The call with its notes (caveats, cautions, context, VUS) and whether the counted
    findings explain progression on the drug (first in the note when they do not)."""
    held_back = _held_back(findings, catalogue)
    note = list(ctx.notes.get(dc.drug, ()))
    if dc.note:
        note.insert(0, dc.note)
    note[:0] = _caveats(dc, held_back, catalogue)
    note += _compound_cautions(dc, counted, catalogue)
    if not counted:
        note.insert(
            0,
            "no catalogued resistance mechanism passed the support rules in the assessed inputs"
            if held_back
            else "no catalogued resistance mechanism found in the assessed inputs",
        )
    # a part of a counted compound (L1198H in I1171N+L1198H) has an effect: through the compound
    in_compound = {
        p for f in counted if f.consequence == "compound" for p in f.alteration.split("+")
    }
    vus = [
        f
        for f in findings
        if f.significance.startswith("kinase-domain")
        and f.passed_filters
        and f.alteration not in in_compound
    ]
    if vus:
        note.append(
            "kinase-domain variant(s) of unknown significance present (no effect on calls): "
            + ", ".join(f.alteration for f in vus)
        )
    explains = explain_progression(dc, counted, catalogue)
    if explains.startswith("no:"):
        part = _part_explains(dc, catalogue)
        note.insert(0, f"the findings do not explain progression on {dc.drug}{part}")
    steps = dc.trace + trace.matrix_steps(
        findings, dc.drug, catalogue.entries, ctx.notes.get(dc.drug, ())
    )
    return replace(
        dc, note="; ".join(dict.fromkeys(note)), explains_progression=explains, trace=steps
    )


def _unstudied(findings: list[Finding]) -> str:
    """ALK kinase-domain variants without sourced calls (VUS): a setting statement made for
    ALK-positive NSCLC is not evidence about them."""
    return ", ".join(
        f"ALK {f.alteration}"
        for f in findings
        if f.gene == "ALK" and f.kind == "mutation" and f.passed_filters
        and f.significance.startswith("kinase-domain")
    )  # fmt: skip


def _held_back(findings: list[Finding], catalogue: Catalogue) -> list[Finding]:
    """Catalogued resistance findings kept out of the calls (below the support rules, subclonal,
    read evidence only): shown, and a caveat on every call they contradict."""
    return [
        f
        for f in findings
        if f.catalogue_id in catalogue.entries
        and not f.drives_calls
        and f.kind == "mutation"
        and f.baseline_status != "lost"
        and catalogue.entries[f.catalogue_id].kind in ("mutation", "compound")
    ]


def _caveats(dc: DrugCall, held_back: list[Finding], catalogue: Catalogue) -> list[str]:
    """A held-back allele whose sources call the drug reduced/resistant caveats a positive call."""
    if dc.call != "sensitive":
        return []
    out = []
    for f in held_back:
        de = catalogue.entries[f.catalogue_id].drugs.get(dc.drug)
        if de is None or de.call not in ("reduced", "resistant"):
            continue
        vaf = f" at VAF {f.vaf:.2%}" if f.vaf is not None else ""
        why = "subclonal" if f.subclonal else "below the support rules"
        out.append(
            f"CAVEAT: {f.gene} {f.alteration}{vaf} was found {why} (shown, not a call); its "
            f"sources call {dc.drug} {de.call} [{_citations(de)}]: confirm before relying on "
            "this call"
        )
    return out


def _compound_cautions(dc: DrugCall, counted: list[Finding], catalogue: Catalogue) -> list[str]:
    """A found single mutation that is part of a sourced compound reported reduced/resistant to
    the drug: a caution to look for the other part (E1210K and brigatinib, Lin 2017)."""
    found = {f.alteration for f in counted if f.gene == "ALK"}
    compounds = {f.catalogue_id for f in counted}
    out = []
    for e in catalogue.entries.values():
        de = e.drugs.get(dc.drug)
        if e.kind != "compound" or e.id in compounds or de is None:
            continue
        if de.call not in ("reduced", "resistant"):
            continue
        named = [p for p in e.parts if p != "*"]
        present = [p for p in named if p in found]
        missing = [p for p in named if p not in found] + (
            ["a second ALK mutation"] if "*" in e.parts else []
        )
        if present and missing:
            out.append(
                f"caution: {e.alteration} is reported {de.call} to {dc.drug} "
                f"[{_citations(de)}]; {', '.join(present)} was found: look for "
                f"{', '.join(missing)}"
            )
    return out


def _citations(de: DrugEntry) -> str:
    return "; ".join(dict.fromkeys(ev.citation for ev in de.evidence if ev.call == de.call))


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


def _general_rule(entry, drug: Drug, catalogue: Catalogue | None):
    """The general compound rule ("G1202R + a second ALK mutation") a named compound containing
    its named parts falls back to for a drug the named compound is silent on."""
    if catalogue is None or entry.kind != "compound" or "*" in entry.parts:
        return None
    for e in catalogue.entries.values():
        named = set(e.parts) - {"*"}
        if (
            e.kind == "compound"
            and "*" in e.parts
            and named <= set(entry.parts)
            and drug.id in e.drugs
        ):
            return e
    return None


def _reason_for(f: Finding, entry, drug: Drug, catalogue: Catalogue | None = None) -> _Reason:
    label = f"{f.gene} {f.alteration}".strip()
    de: DrugEntry | None = entry.drugs.get(drug.id)
    if de is None and entry.monotherapy is not None and drug.alk_inhibitor:
        de = entry.monotherapy
        label += " (ALK inhibitor alone)"
    if de is None and (general := _general_rule(entry, drug, catalogue)) is not None:
        # a specific compound silent on the drug does not erase what the general rule says
        de = general.drugs[drug.id]
        label += f" (general rule: {general.alteration})"
        entry = general
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
    unstudied: str = "",
) -> DrugCall:
    part_kind = _alk_part_kind(drug) if drug.components else ""
    alk_part = part_kind
    if part_kind == "choose":
        alk_part = _choose_alk_part(done, catalogue, ctx, bool(on_target))
    reasons = _finding_reasons(
        drug, counted, entries, superseded, on_target, alk_part, done, catalogue
    )
    steps = [trace.evidence_step(reasons)]
    _fill_from_settings(reasons, drug, ctx, entries, catalogue)
    steps += [s for s in (trace.setting_step(reasons),) if s]
    call, level, conflicting, combined, setting_only = _combine(
        reasons, bool(counted), drug, ctx, unstudied
    )
    steps.append(trace.combine_step(call, level, combined, setting_only=setting_only))
    progressed_on = drug.id in progressed
    prior = call
    call, level, note = _history(drug, progressed_on, reasons, call, level)
    if progressed_on:
        again = any(r.after_progression for r in reasons if r.call == prior)
        steps.append(trace.history_step(drug.id, offered_again=again))
    if part_kind == "choose":
        note = _alk_part_note(note, alk_part, bool(on_target))
    basis = _basis([r for r in reasons if r.counted and r.call == call], call)
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
        basis=basis,
        trace=tuple(steps),
    )


def _finding_reasons(
    drug: Drug,
    counted: list[Finding],
    entries: dict,
    superseded: dict[str, set[str]],
    on_target: list[Finding],
    alk_part: str,
    done: dict[str, DrugCall],
    catalogue: Catalogue,
) -> list[_Reason]:
    """One reason per counted finding: a part superseded by its compound entry is shown but
    not counted; a combination is judged on its ALK part for on-target findings."""
    reasons: list[_Reason] = []
    for f in counted:
        e = entries[f.catalogue_id]
        if e.kind != "compound" and f.alteration in superseded.get(drug.id, ()):
            r = _reason_for(f, e, drug)
            r.label += " (superseded by its compound entry)"
            r.counted = False
            reasons.append(r)
        elif drug.components and f in on_target and drug.id not in e.drugs:
            reasons.append(_part_reason(f, e, alk_part, done))
        else:
            reasons.append(_reason_for(f, e, drug, catalogue))
    return reasons


def _combine(
    reasons: list[_Reason], any_counted: bool, drug: Drug, ctx: _Context, unstudied: str
) -> tuple[str, str, bool, list[_Reason], bool]:
    """The call and level the counted reasons give (the worst call wins; two stated calls are a
    conflict); with no counted finding the treatment setting speaks, at population level.

    Returns the call, level, conflict flag, the reasons combined and whether they are the
    setting's only (setting reasons are appended to ``reasons``)."""
    counted_r = [r for r in reasons if r.counted]
    if counted_r and any(r.call != "unknown" for r in counted_r):
        call = max((r.call for r in counted_r), key=_WORST.get)
        stated = {r.call for r in counted_r} - {"unknown"}
        conflicting = any(r.conflicting for r in counted_r) or len(stated) > 1
        return call, _combined_level(call, counted_r), conflicting, counted_r, False
    if any_counted:
        return "unknown", "", False, counted_r, False
    # no counted finding: beside a kinase-domain variant no source has studied, only at
    # population level ("no data for ...")
    setting_r = _setting_reasons(drug, ctx, unstudied)
    reasons += setting_r
    if not setting_r:
        return "unknown", "", False, setting_r, True
    call = max((r.call for r in setting_r), key=_WORST.get)
    level = _combined_level(call, setting_r) or min(
        (r.level for r in setting_r), key=LEVEL_RANK.get
    )
    return call, level, False, setting_r, True


def _alk_part_note(note: str, alk_part: str, on_target: bool) -> str:
    """The call's note with how a combination's ALK part was chosen."""
    why = (
        f"ALK part chosen from the on-target profile: {alk_part}"
        if on_target
        else f"ALK part: the current ALK inhibitor, {alk_part}, with the other inhibitor added"
    )
    part = why if alk_part else "no ALK inhibitor with a positive call for the ALK part"
    return "; ".join(x for x in (note, part) if x)


def _part_reason(f: Finding, e, alk_part: str, done: dict[str, DrugCall]) -> _Reason:
    """A combination's reason for an on-target finding: its ALK part's reason."""
    part = done.get(alk_part)
    if part is None:
        return _Reason(f"{f.gene} {f.alteration}", e.id, "unknown", (), "")
    src = next((x for x in part.reasons if x.catalogue_id == e.id), None)
    return _Reason(
        f"{f.gene} {f.alteration} (ALK part: {alk_part})",
        e.id,
        src.call if src else "unknown",
        src.evidence if src else (),
        strongest_level(src.evidence, src.call) if src else "",
    )


def _history(
    drug: Drug, progressed_on: bool, reasons: list[_Reason], call: str, level: str
) -> tuple[str, str, str]:
    """Rule 4: a drug progressed on is resistant for this patient (level clinical, no tier)
    unless a source reports activity after progression on it. Returns call, level and note."""
    if not progressed_on:
        return call, level, ""
    if any(r.after_progression for r in reasons if r.call == call):
        return (
            call,
            level,
            f"progressed on {drug.id}; a source reports activity after progression on it",
        )
    reasons.append(
        _Reason(f"treatment history: progressed on {drug.id}", "", "resistant", (), "clinical")
    )
    note = f"progressed on {drug.id}: not offered again (no source reports activity after it)"
    return "resistant", "clinical", note


def _basis(deciding: list[_Reason], call: str) -> str:
    """What the call rests on: ``history``; ``population`` (a setting statement filling in for a
    found alteration with no data); ``setting`` (no alteration found: the statement is about
    ALK-positive NSCLC in this setting, the patient's own population); or ``allele``."""
    if call == "unknown" or not deciding:
        return ""
    if any(r.label.startswith("treatment history") for r in deciding):
        return "history"
    if all(r.population for r in deciding):
        return "population" if any(r.no_data for r in deciding) else "setting"
    if call == "sensitive" and any(r.no_data for r in deciding):
        # a sensitive call must cover every finding: one covered only by a setting statement
        # leaves the call at population level for that finding
        return "population"
    return "allele"


def _setting_reasons(drug: Drug, ctx: _Context, unstudied: str = "") -> list[_Reason]:
    """The applicable treatment-setting statements on ``drug``, as population-level reasons."""
    out = []
    label = f" (no data for {unstudied}; population level)" if unstudied else ""
    for e in ctx.settings:
        de = e.drugs.get(drug.id)
        if de is None or de.call == "unknown":
            continue
        out.append(
            _Reason(
                f"setting: {_setting_name(e)}{label}",
                e.id,
                de.call,
                de.evidence,
                de.level,
                after_progression=de.after_progression,
                population=True,
                no_data=unstudied,
            )
        )
    return out


def _class_contradicts(entry, drug: Drug, catalogue: Catalogue) -> bool:
    """The allele's own sources call every other named inhibitor of the drug's generation
    reduced/resistant: a population statement about that class does not fit this allele."""
    if drug.generation is None:
        return False
    peers = [
        de.call
        for d, de in entry.drugs.items()
        if d != drug.id
        and (peer := catalogue.drug_by_id.get(d)) is not None
        and peer.generation == drug.generation
        and peer.alk_inhibitor
    ]
    return bool(peers) and all(c in ("reduced", "resistant") for c in peers)


def _no_fill(entry, drug: Drug, catalogue: Catalogue) -> str:
    """Why a setting statement may not fill this allele's silence on ``drug`` ("" when it may).

    Not when the allele's sources call the drug's class (generation) reduced or resistant, and
    not for an investigational or discontinued agent: its early-phase series are not extended to
    an allele it was not tested against (TSR-011 for G1202R, issue 20 point 7).
    """
    if drug.status in ("investigational", "discontinued"):
        return f"{drug.status} agent, not tested against this alteration in the sources"
    if entry is not None and _class_contradicts(entry, drug, catalogue):
        return (
            f"its sources call the other generation-{drug.generation} inhibitors reduced or "
            "resistant"
        )
    return ""


def _fill_from_settings(
    reasons: list[_Reason], drug: Drug, ctx: _Context, entries: dict, catalogue: Catalogue
) -> None:
    """Fill a finding's silence on ``drug`` from the treatment setting, at population level.

    Not where :func:`_no_fill` says why not. A setting statement never raises an
    allele-specific reason's level; it is listed beside it.
    """
    settings = _setting_reasons(drug, ctx)
    if not settings:
        return
    settings.sort(key=lambda r: LEVEL_RANK[r.level])
    best = settings[0]
    beside = False
    for r in list(reasons):
        if not r.counted:
            continue
        if r.call == "unknown":
            _fill_one(r, reasons, best, _no_fill(entries.get(r.catalogue_id), drug, catalogue))
        elif r.call == "sensitive" == best.call and not r.conflicting and not beside:
            beside = True  # listed once, however many findings it stands beside
            reasons.append(
                replace(
                    best,
                    counted=False,
                    label=f"{best.label} (population level, beside the allele's own evidence)",
                )
            )


def _fill_one(r: _Reason, reasons: list[_Reason], best: _Reason, why: str) -> None:
    """Fill one finding's ``unknown`` from the setting statement ``best`` (``why``: why not).

    A finding with no source on the drug takes the statement in its place ("no data for").
    A finding whose own source gives the drug as unknown keeps that reason, listed with its
    evidence; the statement is added beside it as the population-level reason that decides.
    """
    alteration = r.label.split(" (")[0]
    name = best.label.split(" (")[0]
    sourced = bool(r.evidence)
    gap = (
        f"its source gives no direction for {alteration}"
        if sourced
        else f"no data for {alteration}"
    )
    if why:
        r.label += f" ({gap}; {name} not applied: {why})"
        return
    if sourced:
        # listed with its evidence; the statement beside it decides (an unknown reason counted
        # beside it would keep the call unknown)
        r.label += f" (its source gives no direction; {name} applied at population level)"
        r.counted = False
        reasons.append(replace(best, label=f"{name} ({gap}; population level)", no_data=alteration))
        return
    r.label += f" ({gap}; {name}, population level)"
    r.call, r.evidence, r.level = best.call, best.evidence, best.level
    r.catalogue_id, r.population, r.no_data = best.catalogue_id, True, alteration


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
    """The ALK part of "ALK inhibitor + X" (issue 20 point 7).

    Without on-target findings (a bypass track alone): the current, last ALK inhibitor, kept
    with the bypass inhibitor added (the sources name "ALK TKI + MET inhibitor" without a
    particular ALK inhibitor: Dagogo-Jack 2020, bypass row); the progressed-on rule does not
    exclude it here. Without a history: one the patient's treatment setting supports. With
    on-target findings: the approved ALK inhibitor, not progressed on, that every on-target
    finding leaves ``sensitive``, strongest level first. "" when there is none.
    """
    current = catalogue.drug_by_id.get(ctx.current_alk)
    if not has_on_target and current is not None and current.status == "approved":
        return current.id
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
    ctx.current_alk = last
    applies = {
        # ALK-positive NSCLC at relapse: only with a treatment history (without one, "no ALK
        # inhibitor supported" would mean "nothing known", not "none works")
        "any": bool(alk_prior),
        # a stated treatment-naive patient (never an unstated history): first-line statements
        "first_line": metadata.treatment_naive and not alk_prior,
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
            for rank, group in enumerate((e.preference or {}).get("order", ())):
                for drug in group:  # a sourced order of preference (first line: NCCN)
                    ctx.boosts[drug] = min(ctx.boosts.get(drug, rank), rank)
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

    def key(d: str) -> tuple:
        return (
            blocks[d],
            # the strongest support of either kind, and at equal strength allele-specific
            # support before a treatment-setting statement alone (README "ranking")
            min(LEVEL_RANK.get(by_drug[d].level, 9), ctx.setting_support(d)[0]),
            by_drug[d].basis == "population",
            LEVEL_RANK.get(by_drug[d].level, 9),
            _STATUS_RANK.get(catalogue.drug_by_id[d].status, 9),
            not _finding_specific(by_drug[d], catalogue),
            ctx.setting_support(d),
            ctx.boosts.get(d, len(order)),
            d.casefold(),  # a documented tie rule, never the catalogue file's order
        )

    ranked = sorted(blocks, key=key)
    rank = {d: i for i, d in enumerate(ranked, start=1)}
    out = []
    for dc in calls:
        drug = catalogue.drug_by_id[dc.drug]
        r = rank.get(dc.drug)
        if r is not None:
            group = "next_option"
        elif dc.call == "reduced" and _sources_disagree(dc) and not dc.progressed_on:
            group = "discuss"  # sources disagree: for the board to weigh, not to avoid outright
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
        named = zip(_KEY_NAMES, key(dc.drug), strict=True) if dc.drug in blocks else ()
        steps = dc.trace + (trace.rank_step(r, group, named),)
        out.append(
            replace(
                dc, rank=r, group=group, note=note, amp_tier=amp, oncokb_level=oncokb, trace=steps
            )
        )
    out.sort(key=lambda dc: (dc.rank is None, dc.rank or 0, _GROUP_ORDER[dc.group], order[dc.drug]))
    return out


def _sources_disagree(dc: DrugCall) -> bool:
    """A ``reduced`` call whose every reduced reason is a finding whose own sources disagree
    (sensitive against reduced/resistant items); one agreed reduced reason (a bypass track that
    needs both pathways blocked) makes it "avoid"."""
    reduced = [r for r in dc.reasons if r.call == "reduced" and "superseded" not in r.finding]
    return bool(reduced) and all(
        any(ev.call == "sensitive" for ev in r.evidence)
        and any(ev.call in ("reduced", "resistant") for ev in r.evidence)
        for r in reduced
    )


def _finding_specific(dc: DrugCall, catalogue: Catalogue) -> bool:
    """A finding of this sample (not the treatment setting alone) supports the positive call."""
    for r in dc.reasons:
        entry = catalogue.entries.get(r.catalogue_id)
        if r.call == "sensitive" and entry is not None and entry.kind not in ("setting", "context"):
            return True
    return False


#: the ranking key's parts, as the trace names them (lower sorts first)
_KEY_NAMES = (
    "block",
    "strongest_support",
    "population_only",
    "level",
    "status",
    "not_finding_specific",
    "setting_support",
    "context",
    "name",
)
_GROUP_ORDER = {"next_option": 0, "discuss": 1, "avoid": 2, "investigational": 3, "unranked": 4}


def evidence_tiers(dc: DrugCall, drug: Drug) -> tuple[str, str]:
    """The AMP/ASCO/CAP tier and alkannot's OncoKB-style level of a call (:func:`tier_for`).

    The tier is the deciding reason's: a call decided by the treatment history or resting on a
    treatment-setting statement that fills in for an alteration without data (``basis``
    ``history``/``population``: no sourced alteration-drug pair) gets none, so never Tier I or
    level 1. The levels are alkannot's mapping, not OncoKB's own published levels.
    """
    if dc.basis in ("history", "population"):
        return "", ""
    return tier_for(dc.call, dc.level, drug.status)


def _part_explains(dc: DrugCall, catalogue: Catalogue) -> str:
    """A part of a compound whose own sources call ``dc.drug`` reduced or resistant may explain an
    earlier progression on it, though the compound is judged on its own (C1156Y on crizotinib,
    then C1156Y+L1198F re-sensitised to crizotinib: Shaw 2016 NEJM); "" when none does."""
    parts = [
        r
        for r in dc.reasons
        if "superseded" in r.finding
        and r.call in ("reduced", "resistant")
        and r.catalogue_id in catalogue.entries
        and catalogue.entries[r.catalogue_id].kind == "mutation"
    ]
    if not parts:
        return ""
    names = ", ".join(dict.fromkeys(r.finding.split(" (")[0] for r in parts))
    return (
        f" as a compound, though its part {names} alone is reported {parts[0].call} to {dc.drug} "
        f"and may explain the earlier progression on {dc.drug}"
    )


def explain_progression(dc: DrugCall, counted: list[Finding], catalogue: Catalogue) -> str:
    """Do the counted findings explain progression on ``dc.drug``? ``yes``/``no``/``unknown``.

    ``no`` when every counted finding's own sources call the drug ``sensitive``: the findings
    are not why the tumour progressed on it, and the sentence names what to look for next
    (compound mutations and their phase, bypass tracks, histologic transformation) and the
    mechanisms DNA sequencing cannot show. ``yes`` when a finding's sources call it reduced or
    resistant; ``unknown`` otherwise (nothing found, or no source on the finding and the drug).
    """
    if not dc.progressed_on:
        return ""
    allele = [
        r
        for r in dc.reasons
        if r.catalogue_id in catalogue.entries
        and catalogue.entries[r.catalogue_id].kind not in ("setting", "context")
        and "superseded" not in r.finding
    ]
    unseen = ", ".join(
        " ".join(x for x in (e.gene, e.alteration) if x) for e in catalogue.not_detectable_in_dna()
    )
    look = (
        "look for a compound ALK mutation (and its phase), a bypass track (MET, EGFR, KRAS, KIT) "
        f"and histologic transformation; not assessed from DNA: {unseen}"
    )
    against = [r for r in allele if r.call in ("reduced", "resistant")]
    if against:
        names = ", ".join(dict.fromkeys(r.finding.split(" (")[0] for r in against))
        return f"yes: {names} (sources: {dc.drug} {against[0].call})"
    if not counted:
        return f"unknown: no catalogued mechanism found to explain progression on {dc.drug}; {look}"
    silent = [r.finding.split(" (")[0] for r in allele if r.call == "unknown"]
    if allele and not silent:
        names = ", ".join(dict.fromkeys(r.finding.split(" (")[0] for r in allele))
        return (
            f"no: the sources report {dc.drug} active against {names}; these findings do not "
            f"explain progression on {dc.drug}{_part_explains(dc, catalogue)}: {look}"
        )
    undirected = [r.finding.split(" (")[0] for r in allele if r.call == "unknown" and r.evidence]
    if undirected:
        names = ", ".join(dict.fromkeys(undirected))
        return f"unknown: the sources on {names} give no direction for {dc.drug}; {look}"
    names = ", ".join(dict.fromkeys(silent)) or ", ".join(
        f"{f.gene} {f.alteration}" for f in counted
    )
    return f"unknown: no source on {names} with {dc.drug}; {look}"
