"""What the report's first screen says: what next, how sure, what was not seen.

Pure functions of a :class:`SampleResult`, shared by the HTML page, the spreadsheet and the tests.
The drug blocks are the decision layer's ``group`` of each drug (``next_option``, ``avoid``,
``investigational``, ``unranked``; see resources/catalogue/README.md, "Ranking"). For a result
without groups (an older JSON) the same rule is applied to its fields, read with ``getattr``:

- **next options**: ranked drugs with a positive call (``sensitive``), not progressed on, not
  investigational or discontinued, in rank order;
- **avoid**: ``resistant`` or ``reduced`` calls and drugs the tumour progressed on;
- **investigational / discontinued**: their own block, never above an approved option;
- **other**: everything else (``unknown``, unranked), never numbered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alkannot.fusion import keeps_alk_kinase
from alkannot.models import DrugCall, Finding, SampleResult

POSITIVE_CALLS = ("sensitive",)
_OFF_LIST = ("investigational", "discontinued")


def _first(obj, *names):
    for n in names:
        v = getattr(obj, n, None)
        if v not in (None, "", (), []):
            return v
    return None


def drug_rank(d: DrugCall) -> int | None:
    """The drug's rank for the next line, or None when it is unranked (``0``/``None``/blank)."""
    r = getattr(d, "rank", None)
    return r if isinstance(r, int) and not isinstance(r, bool) and r > 0 else None


def drug_status(d: DrugCall) -> tuple[str, str]:
    """(kind, details): ``approved``/``investigational``/``discontinued``/"" and approval text."""
    status = getattr(d, "status", None)
    if status is None or status == "":
        return "", ""
    if isinstance(status, str):
        kind = status.split()[0].strip(",;:").lower()
        details = _first(d, "approval", "approval_details", "status_detail") or ""
        return kind, str(details) if details != status else ""
    kind = str(_first(status, "status", "kind", "value") or "").lower()
    parts = [
        str(v)
        for v in (_first(status, "agency"), _first(status, "year"), _first(status, "line"))
        if v
    ]
    return kind, " ".join(parts) or str(_first(status, "details", "text") or "")


def drug_level(d: DrugCall) -> dict[str, str]:
    """The evidence level and its mappings to recognised scales, when the result carries them."""
    return {
        "level": str(_first(d, "level") or ""),
        "amp": str(_first(d, "amp_tier", "amp_asco_cap", "amp_asco_cap_tier", "tier") or ""),
        "oncokb": str(_first(d, "oncokb_level", "oncokb", "oncokb_style_level") or ""),
    }


def progressed_on(d: DrugCall) -> bool:
    """The tumour progressed on this drug (decision-layer flag)."""
    return bool(getattr(d, "progressed_on", False))


def reason_line(d: DrugCall) -> dict[str, str]:
    """One line why: the finding behind the call and the first citation of its evidence."""
    reasons = [r for r in d.reasons if r.call == d.call] or list(d.reasons)
    if not reasons:
        return {"text": "no catalogued finding states a call", "citation": "", "pmid": ""}
    r = reasons[0]
    text = f"{r.finding}: {r.call}"
    history = [x for x in reasons if x.finding.startswith("treatment history")]
    if getattr(d, "basis", "") == "history" and history:
        # the history decides (its level is the call's): said first, a finding that agrees after
        others = [x for x in reasons if x is not history[0] and x.evidence]
        r = others[0] if others else history[0]
        text = f"{history[0].finding}: {d.call}"
        if others:
            text += f" (and {r.finding}: {r.call})"
    ev = next((e for e in r.evidence if e.call == d.call), r.evidence[0] if r.evidence else None)
    return {"text": text, "citation": ev.citation if ev else "", "pmid": ev.pmid if ev else ""}


@dataclass
class DrugBlocks:
    """The drug matrix split as the first screen shows it."""

    next_options: list[DrugCall] = field(default_factory=list)
    guideline: list[DrugCall] = field(default_factory=list)
    avoid: list[DrugCall] = field(default_factory=list)
    discuss: list[DrugCall] = field(default_factory=list)  # reduced, sources disagree (issue 20)
    investigational: list[DrugCall] = field(default_factory=list)
    other: list[DrugCall] = field(default_factory=list)


_GROUPS = {
    "next_option": "next_options",
    "avoid": "avoid",
    "investigational": "investigational",
    "unranked": "other",
    "discuss": "discuss",
}


def drug_blocks(drugs: list[DrugCall]) -> DrugBlocks:
    """Split the drug matrix into next options, avoid, investigational and other (see module)."""
    out = DrugBlocks()
    for d in drugs:
        kind, _ = drug_status(d)
        group = _GROUPS.get(getattr(d, "group", "") or "")
        if group:
            getattr(out, group).append(d)
        elif d.call in ("resistant", "reduced") or progressed_on(d):
            out.avoid.append(d)
        elif kind in _OFF_LIST:
            out.investigational.append(d)
        elif d.call in POSITIVE_CALLS and drug_rank(d) is not None:
            out.next_options.append(d)
        else:
            out.other.append(d)
    # a guideline option with a positive call (chemotherapy while an ALK inhibitor is ranked) is
    # an option under its own heading, never among "no source supports them"
    out.guideline = [d for d in out.other if _guideline_option(d)]
    out.other = [d for d in out.other if not _guideline_option(d)]
    # a ranked drug outside the next options keeps no number; the options go by rank; names are
    # sorted case-insensitively (a code name in capitals does not jump ahead of a drug name)
    out.next_options.sort(key=lambda d: (drug_rank(d) or 10**6, d.drug.casefold()))
    out.avoid.sort(key=lambda d: (d.call != "resistant", d.drug.casefold()))
    out.discuss.sort(key=lambda d: d.drug.casefold())
    out.investigational.sort(key=lambda d: (_CALL_ORDER[d.call], d.drug.casefold()))
    out.other.sort(key=lambda d: (_CALL_ORDER[d.call], d.drug.casefold()))
    return out


def _guideline_option(d: DrugCall) -> bool:
    return d.call in POSITIVE_CALLS and drug_status(d)[0] == "guideline" and not progressed_on(d)


#: Statuses named one by one in the compact avoid list; other agents are counted.
NAMED_STATUSES = ("approved", "guideline")


@dataclass
class AvoidLine:
    """Drugs of the avoid list that share one reason (the reason is printed once)."""

    drugs: list[DrugCall]
    text: str
    citation: str
    pmid: str


def explanations(result: SampleResult) -> list[tuple[str, str]]:
    """(drug, explanation) for each drug the tumour progressed on whose call says whether the
    findings explain that progression (the decision layer's ``explains_progression``)."""
    return [
        (d.drug, str(getattr(d, "explains_progression", "") or ""))
        for d in result.drugs
        if progressed_on(d) and getattr(d, "explains_progression", "")
    ]


def avoid_summary(avoid: list[DrugCall]) -> tuple[list[AvoidLine], list[DrugCall]]:
    """The compact avoid list: approved and guideline drugs with one reason each (drugs sharing a
    reason on one line), sorted by name case-insensitively; and the other agents, to be counted."""
    named = sorted(
        (d for d in avoid if drug_status(d)[0] in NAMED_STATUSES), key=lambda d: d.drug.casefold()
    )
    lines: dict[tuple[str, str, str], AvoidLine] = {}
    for d in named:
        why = reason_line(d)
        key = (why["text"], why["citation"], why["pmid"])
        if key not in lines:
            lines[key] = AvoidLine([], *key)
        lines[key].drugs.append(d)
    others = sorted(
        (d for d in avoid if drug_status(d)[0] not in NAMED_STATUSES),
        key=lambda d: d.drug.casefold(),
    )
    return list(lines.values()), others


def read_line(result: SampleResult) -> str:
    """The read evidence in one line: detections, how many catalogued sites were not detected and
    their detection limits, sites not evaluable, and the fusion search in the reads."""
    reads = getattr(result, "reads", None)
    if reads is None:
        return ""
    rows = [g for g in reads.genotypes if getattr(g, "source", "dna") == "dna"]
    det = [g for g in rows if g.status == "detected"]
    nd = [g for g in rows if g.status == "not_detected"]
    ne = [g for g in rows if g.status == "not_evaluable"]
    parts = []
    for g in det:
        name = g.alteration if g.gene == "ALK" else f"{g.gene} {g.alteration}"
        parts.append(f"{name} detected: {g.alt_fragments}/{g.fragments} fragments")
    if nd:
        sites = "site" if len(nd) == 1 else "sites"
        parts.append(f"{len(nd)} catalogued {sites} not detected, limits {limit_span(nd)}")
    if ne:
        parts.append(f"{len(ne)} not evaluable (too few fragments)")
    if reads.fusion_check:
        parts.append(reads.fusion_check)
    return "; ".join(parts)


_CALL_ORDER = {"sensitive": 0, "reduced": 1, "unknown": 2, "resistant": 3}


def drives_calls(f: Finding) -> bool:
    """The finding is a mechanism that may change a drug call (the decision layer's rule)."""
    rule = getattr(type(f), "drives_calls", None)
    if rule is not None:
        return bool(f.drives_calls)
    return bool(f.catalogue_id and f.passed_filters and f.baseline_status != "lost")


def key_findings(result: SampleResult) -> list[Finding]:
    """The findings that drive the calls."""
    return [f for f in result.findings if drives_calls(f)]


def support(f: Finding, result: SampleResult | None = None) -> str:
    """How well a finding is supported, in words: VAF and reads, or the copy-number fold; FILTER,
    baseline status. ``result`` supplies the copy number of a copy-number finding."""
    parts = []
    if f.kind == "copy_number" and result is not None:
        c = next((c for c in result.copy_number if c.gene == f.gene), None)
        if c is not None and c.fold_change is not None:
            parts.append(f"fold {c.fold_change:.2f}")
        if c is not None and c.copy_number is not None:
            parts.append(f"copy number {c.copy_number:.1f}")
    if f.vaf is not None:
        parts.append(f"VAF {f.vaf:.1%}" if f.vaf >= 0.001 else f"VAF {f.vaf:.2g}")
    alt = getattr(f, "alt_reads", None)
    if alt is not None and f.depth is not None:
        parts.append(f"{alt}/{f.depth} reads")
    elif f.depth is not None:
        parts.append(f"depth {f.depth}")
    if getattr(f, "subclonal", False):
        parts.append("subclonal: does not drive a call")
    reads = getattr(result, "reads", None) if result is not None else None
    me = f"{f.gene} {f.alteration}"
    for p in reads.phases if reads is not None else ():
        names = (p.variant_a, p.variant_b)
        if me in names or f.alteration in names:
            other = names[1] if names[0] in (me, f.alteration) else names[0]
            other = other.removeprefix(f"{f.gene} ")
            if p.phase == "not_phaseable":
                detail = f"{p.distance} bp apart" if p.distance else "see the phase table"
            else:
                detail = f"{p.both}/{p.spanning_fragments} spanning fragments carry both"
            parts.append(f"{p.phase.replace('_', ' ')} with {other} ({detail})")
    if f.filter and f.filter not in (("PASS",), (".",)):
        parts.append("FILTER " + ";".join(f.filter))
    if f.baseline_status and f.baseline_status != "no_baseline":
        parts.append(f.baseline_status.replace("_", " "))
    return ", ".join(parts)


@dataclass(frozen=True)
class Seen:
    """One line of "what was (not) seen": a mechanism, its state and the basis for it."""

    mechanism: str
    state: str  # "detected", "not detected", "not detected (unconfirmed)", "lost", "not assessed"
    basis: str
    short: str = ""  # the basis in a few words, for the first screen's compact table


_NO_CNV = "no copy-number input (--cnv)"
_NO_SEGMENT = "no copy-number segment covers "


def not_seen(result: SampleResult) -> list[Seen]:
    """Per mechanism: detected, not detected (with what was looked at) or not assessed (why)."""
    has_cnv = any(i.role == "cnv" for i in result.inputs)
    # the calls were a MAF's rows when the variant input was one (role "vcf" either way)
    kind = next(
        ("MAF" for i in result.inputs if i.role == "vcf" and i.format.startswith("MAF")), "VCF"
    )
    found = {m: [f for f in key_findings(result) if f.mechanism == m] for m in result.mechanisms}
    cn = {c.gene: c for c in result.copy_number}
    rows = []
    if "on_target_mutation" in found:
        n = ", ".join(f"{f.gene} {f.alteration}" for f in found["on_target_mutation"])
        rows.append(Seen("ALK secondary mutation", "detected", n, n))
    elif _read_rows(result, "ALK"):
        rows.append(_from_reads("ALK secondary mutation", _read_rows(result, "ALK")))
    elif unplaced := _unplaced(result, "ALK"):
        rows.append(unplaced_seen("ALK secondary mutation", "ALK", unplaced))
    else:
        rows.append(
            Seen(
                "ALK secondary mutation",
                "not detected",
                f"no catalogued ALK resistance mutation passing the filters in the {kind}; a "
                f"{kind} lists what was called, so the depth at each ALK residue is not known "
                "from it (give --bam for detection limits)",
                f"{kind} calls only: no detection limit",
            )
        )
    alk_amp = found.get("on_target_amplification", [])
    rows.append(_amplification_row("ALK amplification", "ALK", alk_amp, has_cnv, cn))
    rows.append(_fusion_row(result))
    for gene in ("MET", "KIT"):
        hit = [f for f in found.get("bypass", []) if f.gene == gene and f.kind == "copy_number"]
        rows.append(_amplification_row(f"{gene} amplification (bypass)", gene, hit, has_cnv, cn))
    for gene in ("EGFR", "KRAS"):
        label = f"{gene} mutation (bypass)"
        hit = [f for f in found.get("bypass", []) if f.gene == gene and f.kind == "mutation"]
        if hit:
            n = ", ".join(f"{gene} {f.alteration}" for f in hit)
            rows.append(Seen(label, "detected", n, n))
        elif other := [
            f
            for f in result.findings
            if f.gene == gene and f.kind == "mutation" and f.alteration and not f.mechanism
        ]:
            # found, but not a counted mechanism: never "not detected" (issue 20 point 7)
            n = ", ".join(f"{gene} {f.alteration}" for f in other)
            rows.append(
                Seen(label, "found (not a call)", "; ".join(
                    f"{gene} {f.alteration}: {f.significance}" for f in other
                ), f"{n}: found, not a call")
            )  # fmt: skip
        elif _read_rows(result, gene):
            rows.append(_from_reads(label, _read_rows(result, gene)))
        elif unplaced := _unplaced(result, gene):
            rows.append(unplaced_seen(label, gene, unplaced))
        else:
            rows.append(
                Seen(
                    label,
                    "not detected",
                    f"no catalogued {gene} variant in the {kind} calls",
                    f"{kind} calls only: no detection limit",
                )
            )
    return rows


def _unplaced(result: SampleResult, gene: str) -> list[str]:
    """The skipped MAF rows that name ``gene`` but give no coordinates (``line 18 (EGFR T790M)``).

    Such a row may be the very mutation looked for: the gene is then not ruled out.
    """
    return [
        s.record
        for s in result.skipped
        if s.category == "no_coordinates" and (f"({gene} " in s.record or f"({gene})" in s.record)
    ]


def unplaced_seen(label: str, gene: str, records: list[str]) -> Seen:
    """A mutation row "not assessed": rows naming the gene were skipped for want of coordinates."""
    named = ", ".join(records[:4]) + (", ..." if len(records) > 4 else "")
    return Seen(
        label,
        "not assessed",
        f"{len(records)} row(s) naming {gene} have no genomic coordinates and were skipped "
        f"({named}); alkannot names changes from coordinates only, so {gene} is not ruled out",
        f"{len(records)} {gene} row(s) without coordinates",
    )


def _amplification_row(label: str, gene: str, hits: list, has_cnv: bool, cn: dict) -> Seen:
    """A gene's amplification: detected, not detected (its fold and the sourced threshold), or
    not assessed (no copy-number input, or no segment covers the gene)."""
    if hits:
        n = ", ".join(f"{f.gene} {f.alteration}" for f in hits)
        return Seen(label, "detected", n, n)
    if not has_cnv:
        return Seen(label, "not assessed", _NO_CNV, "no copy-number input")
    c = cn.get(gene)
    if c is None or c.call == "not_assessed":
        return Seen(label, "not assessed", _NO_SEGMENT + gene, f"no segment covers {gene}")
    level = (c.thresholds or {}).get("amplification_fold")
    since = f" (amplification from {level:g})" if level else ""
    fold = f"fold {c.fold_change:.2f}" if c.fold_change is not None else c.call
    return Seen(label, "not detected", f"{gene} {fold}{since}", fold + since)


_FUSION_STATES = {
    "present": "present",
    "lost": "lost",
    "not_detected": "not detected (unconfirmed)",
    "absent": "not detected (nor at baseline)",
    "not_assessed": "not assessed",
}
#: status -> (basis, basis in a few words)
_FUSION_BASIS = {
    "lost": ("detected at baseline, not in the re-biopsy", "in the baseline, not now"),
    "not_detected": (
        "the fusion caller found no ALK fusion; this is not proof of loss",
        "not proof of loss",
    ),
    "absent": (
        "no ALK fusion in the baseline or the re-biopsy calls: check the assay",
        "nor at baseline: check the assay",
    ),
    "not_assessed": ("no fusion/SV input (--fusions)", "no fusion/SV input"),
}


def _fusion_row(result: SampleResult) -> Seen:
    """The ALK fusion: present (partner, variant, reads), lost, unconfirmed or not assessed."""
    status = result.fusion_status
    state = _FUSION_STATES.get(status, status.replace("_", " "))
    if status == "present":
        alk = [c for c in result.fusions if c.gene3 == "ALK" and keeps_alk_kinase(c)]
        basis = "; ".join(_fusion_fact(c) for c in alk) or "ALK fusion"
        short = "; ".join(_fusion_fact(c, short=True) for c in alk) or "ALK fusion"
        return Seen("ALK fusion", state, basis, short)
    basis, short = _FUSION_BASIS.get(status, ("", ""))
    filtered = [c for c in result.fusions if "ALK" in (c.gene5, c.gene3) and not c.passed]
    if status == "not_detected" and filtered:
        # a called fusion that failed the caller's filters is not "no fusion found"
        basis = (
            "ALK fusion called but failed the caller's filters ("
            + "; ".join(f"{c.name} FILTER {';'.join(c.filter)}" for c in filtered)
            + "): not evidence of absence, not a loss"
        )
        short = "called, filtered: not a loss"
    return Seen("ALK fusion", state, basis, short)


def _read_rows(result: SampleResult, gene: str) -> list:
    reads = getattr(result, "reads", None)
    if reads is None:
        return []
    return [g for g in reads.genotypes if g.gene == gene and getattr(g, "source", "dna") == "dna"]


def _from_reads(label: str, rows: list) -> Seen:
    """A mechanism not called from the VCF, as the reads see it: detected (read evidence only),
    not detected with the detection limits, or not evaluable."""
    det = [g for g in rows if g.status == "detected"]
    nd = [g for g in rows if g.status == "not_detected"]
    ne = [g for g in rows if g.status == "not_evaluable"]
    if det:
        named = ", ".join(f"{g.alteration} {g.alt_fragments}/{g.fragments} fragments" for g in det)
        return Seen(
            label,
            "detected in reads only",
            named + "; not in the calls, so it drives no drug call",
            named + "; drives no call",
        )
    parts, short = [], []
    if nd:
        span = limit_span(nd)
        short.append(f"limit {span} at {len(nd)} site(s)")
        depth = sorted(g.fragments for g in nd)
        frags = f"{depth[0]}" if depth[0] == depth[-1] else f"{depth[0]}-{depth[-1]}"
        parts.append(
            f"not in the reads at {len(nd)} catalogued site(s): {frags} fragments, "
            f"detectable from {span}"
        )
    if ne:
        short.append(f"{len(ne)} not evaluable")
        parts.append(
            f"{len(ne)} site(s) not evaluable ({', '.join(g.alteration for g in ne[:4])}"
            + (", ..." if len(ne) > 4 else "")
            + ")"
        )
    return Seen(label, "not detected" if nd else "not assessed", "; ".join(parts), "; ".join(short))


def limit_span(rows: list) -> str:
    """Detection limits of not-detected sites as one range: ``1.4%–3.7%`` (or one value)."""
    limits = sorted(g.detection_limit for g in rows if g.detection_limit is not None)
    if not limits:
        return "not computed"
    if limits[0] == limits[-1]:
        return f"{limits[0]:.1%}"
    return f"{limits[0]:.1%}–{limits[-1]:.1%}"


def _fusion_fact(c, short: bool = False) -> str:
    """``EML4::ALK v1, junction E13;A20, 25 supporting reads`` (``short``: ``EML4::ALK v1, 25
    reads``): partner, variant, junction, reads."""
    count = c.supporting_reads
    if short:
        reads = f", {count} reads" if count is not None else ""
        return c.name + (f" {c.variant}" if c.variant else "") + reads
    extra = ", ".join(x for x in (c.variant, c.junction and f"junction {c.junction}") if x)
    reads = f", {count} supporting reads" if count is not None else ""
    return c.name + (f" {extra}" if extra else "") + reads


def fusion_caution_applies(result: SampleResult) -> bool:
    """The review's 2.3 caution belongs in the headline: the fusion was not found or called lost."""
    return result.fusion_status in ("absent", "lost", "not_detected") or any(
        f.kind == "fusion_loss" for f in result.findings
    )


SUMMARY_COLUMNS = ("section", "item", "detail")


def summary_rows(result: SampleResult) -> list[dict[str, str]]:
    """The first screen as rows (``section, item, detail``), for the spreadsheet."""
    rows = []
    for f in result.findings:
        if f.mechanism in result.mechanisms and drives_calls(f):
            rows.append(
                {
                    "section": "mechanism",
                    "item": f"{f.gene} {f.alteration}",
                    "detail": support(f, result),
                }
            )
    seen = not_seen(result)
    for drug, text in explanations(result):
        rows.append({"section": "explains progression", "item": drug, "detail": text})
    line = read_line(result)
    if line:
        rows.append({"section": "reads", "item": "read evidence", "detail": line})
    for c in caveats(result, seen):
        rows.append({"section": "caveat", "item": "", "detail": c})
    blocks = drug_blocks(result.drugs)
    for section, drugs in (
        ("next option", blocks.next_options),
        ("guideline option", blocks.guideline),
        ("avoid", blocks.avoid),
        ("discuss: sources disagree", blocks.discuss),
        ("not ranked", blocks.other),
        ("investigational or discontinued", blocks.investigational),
    ):
        for d in drugs:
            level, (status, details) = drug_level(d), drug_status(d)
            why = reason_line(d)
            detail = "; ".join(
                x
                for x in (
                    d.call,
                    f"rank {drug_rank(d)}" if section == "next option" else "",
                    level["level"] and f"level {level['level']}",
                    level["amp"] and f"AMP/ASCO/CAP {level['amp']}",
                    level["oncokb"] and f"OncoKB-style {level['oncokb']} (alkannot mapping)",
                    " ".join(x for x in (status, details) if x),
                    "progressed on" if progressed_on(d) else "",
                    f"{why['text']} ({why['citation']})" if why["citation"] else why["text"],
                )
                if x
            )
            rows.append({"section": section, "item": d.drug, "detail": detail})
    for s in seen:
        rows.append(
            {"section": "seen / not seen", "item": s.mechanism, "detail": f"{s.state}: {s.basis}"}
        )
    return rows


def caveats(result: SampleResult, seen: list[Seen]) -> list[str]:
    """Specimen-aware limits of the negatives, for the first screen: a plasma negative, low tumour
    content, and the mechanisms no input could assess (with what input would)."""
    out = [str(c) for c in getattr(result, "caveats", None) or ()]
    negative = [s.mechanism for s in seen if s.state.startswith("not detected")]
    meta = result.metadata
    if (meta.specimen_type or "").lower() == "plasma" and negative:
        line = (
            "Plasma (cell-free DNA): a negative result does not rule out a resistance mechanism "
            "(tumour DNA may be too scarce to show it); consider a tissue re-biopsy."
        )
        if "ALK fusion" in negative:
            from alkannot.annotate import PLASMA_FUSION_AGREEMENT

            line += f" ALK fusion: {PLASMA_FUSION_AGREEMENT}."
        out.append(line)
    floor = result.settings.get("min_fusion_purity", 0.2)
    if meta.purity is not None and meta.purity < floor and negative:
        out.append(
            f"Tumour content {meta.purity:.0%} (below {floor:.0%}): a negative may reflect too "
            "few cancer cells in the specimen (review 2.3 [47])."
        )
    missing: dict[str, list[str]] = {}
    for s in seen:
        if s.state == "not assessed":
            missing.setdefault(s.short or s.basis, []).append(s.mechanism)
    if missing:
        out.append(
            "Not assessed, so not ruled out: "
            + "; ".join(f"{', '.join(m)} ({why})" for why, m in missing.items())
            + "."
        )
    return list(dict.fromkeys(out))


_NCT = re.compile(r"\bNCT\d{8}\b")


@dataclass
class WhereNext:
    """What the page says when no approved drug has a positive call."""

    agents: list[tuple[DrugCall, list[tuple[str, str]]]]  # drug, [(trial id, citation)]


def where_next(result: SampleResult, blocks: DrugBlocks) -> WhereNext | None:
    """None when an approved drug has a positive call; else the investigational agents not called
    resistant or reduced here, each with the trial identifiers its catalogue sources name (trial
    ids are read from the sources' statements only: no trial without a source, no lookup)."""
    if any(drug_status(d)[0] == "approved" for d in blocks.next_options):
        return None
    trials = _trials_by_drug(str(result.settings.get("catalogue", {}).get("path", "bundled")))
    agents = []
    for d in sorted(result.drugs, key=lambda d: (_CALL_ORDER[d.call], d.drug.casefold())):
        if drug_status(d)[0] not in _OFF_LIST or d.call in ("resistant", "reduced"):
            continue
        if progressed_on(d) or d in blocks.next_options:
            continue
        named = dict(trials.get(d.drug, {}))
        for r in d.reasons:
            for e in r.evidence:
                for nct in _NCT.findall(e.statement):
                    named.setdefault(nct, e.citation)
        agents.append((d, sorted(named.items())))
    return WhereNext(agents)


def _trials_by_drug(path: str = "bundled") -> dict[str, dict[str, str]]:
    """Trial identifiers the catalogue's sources name, per drug: {drug: {NCT: citation}}.

    ``path``: the catalogue the result was made with (``bundled`` or a local file); a local file
    no longer there gives none, so only the trials in the result's own evidence are named.
    """
    from alkannot.catalogue import load_catalogue
    from alkannot.errors import CatalogueError

    try:
        catalogue = load_catalogue(None if path in ("", "bundled") else path)
    except CatalogueError:
        return {}
    out: dict[str, dict[str, str]] = {}
    for entry in catalogue.entries.values():
        for drug, de in entry.drugs.items():
            for e in de.evidence:
                for nct in _NCT.findall(e.statement):
                    out.setdefault(drug, {}).setdefault(nct, e.citation)
    return out
