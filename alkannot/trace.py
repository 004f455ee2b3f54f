"""The trace of a drug call: which statements it weighed and which rule changed it, in order.

:mod:`alkannot.drugs` records, it does not decide here: each function turns what a rule just did
into a :class:`~alkannot.models.TraceStep`. The rules are numbered as in ``drugs.py`` and
``resources/catalogue/README.md``; a reader (or ``tests/test_trace.py``) can re-derive the call
from the steps alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from alkannot.models import Evidence, Finding, TraceItem, TraceStep

#: the order of the combination rule (rule 2): the worst stated call wins
WORST_FIRST = ("resistant", "reduced", "unknown", "sensitive")


class _ReasonLike(Protocol):
    label: str
    catalogue_id: str
    call: str
    level: str
    counted: bool
    after_progression: bool
    evidence: tuple[Evidence, ...]


def _evidence(ev: Evidence) -> str:
    ids = " ".join(
        x for x in (f"PMID {ev.pmid}" if ev.pmid else "", ev.civic_eid) if x and x != "PMID "
    )
    return f"{ev.citation}{f' [{ids}]' if ids else ''}: {ev.call}, {ev.level or 'no level'}"


def item(r: _ReasonLike) -> TraceItem:
    """Snapshot of a reason (reasons are changed in place by later rules)."""
    return TraceItem(
        label=r.label,
        catalogue_id=r.catalogue_id,
        call=r.call,
        level=r.level,
        counted=r.counted,
        after_progression=r.after_progression,
        evidence=tuple(dict.fromkeys(_evidence(e) for e in r.evidence)),
    )


def evidence_step(reasons: Iterable[_ReasonLike]) -> TraceStep:
    """Rule 2, first half: what each counted finding's catalogue entry says about the drug."""
    items = tuple(item(r) for r in reasons)
    rule = (
        "each counted finding gives the drug its catalogue entry's call (a combination is judged "
        "on its ALK part for on-target findings; a compound entry supersedes its parts)"
        if items
        else "no counted finding: no finding speaks for or against the drug"
    )
    return TraceStep("evidence", rule, items=items)


def setting_step(reasons: Iterable[_ReasonLike]) -> TraceStep | None:
    """Rule 3 within findings: the reasons a treatment-setting statement filled or supported."""
    changed = tuple(item(r) for r in reasons if "setting:" in r.label)
    if not changed:
        return None
    return TraceStep(
        "setting",
        "a treatment-setting statement that applies to this patient covers the findings whose "
        "sources are silent on the drug and supports positive calls (it holds whatever the "
        "mechanism)",
        items=changed,
    )


def combine_step(call: str, level: str, combined: Iterable[_ReasonLike], setting_only: bool):
    """Rule 2 (or 3) and rule 5: the combined call over ``combined`` and its level."""
    rule = (
        "no counted finding: the applicable treatment-setting statements (population level) "
        "give the call, the worst of them (resistant > reduced > unknown > sensitive)"
        if setting_only
        else "the worst counted call wins (resistant > reduced > unknown > sensitive)"
    )
    rule += (
        "; level: a sensitive call carries the weakest level of its supporting items (each must "
        "be covered), any other call the strongest level behind it"
    )
    return TraceStep("combine", rule, call=call, level=level, items=tuple(map(item, combined)))


def history_step(drug: str, offered_again: bool) -> TraceStep:
    """Rule 4: the tumour progressed on the drug."""
    if offered_again:
        return TraceStep(
            "history",
            f"progressed on {drug}, and a source reports activity after progression on it: "
            "the call stands",
        )
    return TraceStep(
        "history",
        f"progressed on {drug}: resistant for this patient (the tumour's own history), "
        "not offered again",
        call="resistant",
        level="clinical",
    )


def held_back_step(findings: Iterable[Finding], drug: str, entries: dict) -> TraceStep | None:
    """Findings whose catalogue entry names the drug but that were kept out of the calls."""
    items = []
    for f in findings:
        entry = entries.get(f.catalogue_id)
        de = entry.drugs.get(drug) if entry is not None else None
        if de is None or f.drives_calls:
            continue
        why = (
            "subclonal"
            if f.subclonal
            else "lost since baseline"
            if f.baseline_status == "lost"
            else "below the support rules (filter, VAF, depth, alt reads; plasma has its own)"
        )
        items.append(
            TraceItem(f"{f.gene} {f.alteration}: {why}", f.catalogue_id, de.call, de.level, False)
        )
    if not items:
        return None
    return TraceStep(
        "caveat",
        "catalogued findings that did not pass the support rules are shown and never change a "
        "call (rule 1)",
        items=tuple(items),
    )


def matrix_steps(
    findings: Iterable[Finding], drug: str, entries: dict, context_notes: Iterable[str]
) -> tuple[TraceStep, ...]:
    """The steps of the matrix as a whole: held-back findings, and context statements (CNS and
    the like: ranking and wording, never the call)."""
    steps = [held_back_step(findings, drug, entries)]
    notes = tuple(context_notes)
    if notes:
        steps.append(
            TraceStep(
                "context",
                "context statements (CNS involvement, the treatment setting) change the ranking "
                "and the wording, never the call: " + " | ".join(notes),
            )
        )
    return tuple(s for s in steps if s)


def rank_step(rank: int | None, group: str, key: Iterable[tuple[str, object]]) -> TraceStep:
    """Rule 6: the ranking block and key, and the rank given."""
    rule = (
        "only sensitive calls are ranked: approved drugs first, then combinations with an "
        "approved ALK part; within a block by level, status, support from a finding of this "
        "sample before a setting statement alone, sourced activity in this setting, CNS and "
        "other context, then the drug's name"
    )
    return TraceStep(
        "rank",
        rule + f" -> {group.replace('_', ' ')}",
        key=tuple(f"{k}={v!r}" for k, v in key),
        rank=rank,
    )
