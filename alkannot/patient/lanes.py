"""One lane per alteration: its state at every time point and the named transitions.

Built from stored sample results only. An alteration is identified across samples as the
baseline comparison identifies it (:func:`alkannot.baseline.finding_key`: the allele for a
mutation, the gene for copy number, partner and gene for a fusion, the name for a compound).

States: ``detected`` (with VAF and its 95 % Clopper-Pearson interval from the supporting and
total reads; a copy-number change with its fold change), ``not_detected`` (the sample assessed
the data type and did not find it; the detection limit where the reads gave one) and
``not_assessed``. Transitions, against the earlier time points:

- ``first_seen``: detected, and no earlier sample assessed it;
- ``acquired``: detected for the first time after an earlier sample assessed it;
- ``persistent`` / ``increased`` / ``decreased``: detected again; increased or decreased only
  when each VAF lies outside the other's interval (copy number: the call rose or fell, gain <
  amplification);
- ``lost``: not detected after a detection, in a sample that could show a loss: tissue with a
  stated tumour content at or above the sample's ``min_fusion_purity`` (20 % by default, review
  2.3 [47]) and, where the reads gave a detection limit, a limit below the earlier VAF;
- ``not_detected``: the same negative where a loss cannot be called (plasma: a cell-free DNA
  negative does not rule out; tissue without adequate tumour content; limit too high);
- ``re-emerged``: detected after a ``lost``.

A compound mutation first detected where one of its parts was already detected "emerged from"
that part (``AlterationLane.emerged_from``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from alkannot.baseline import finding_key
from alkannot.models import AlterationLane, Finding, SampleResult, TimelinePoint

KIND_ORDER = {"mutation": 0, "copy_number": 1, "fusion": 2}
_CN_RANK = {"gain": 1, "broad gain": 1, "amplification": 2}


@dataclass
class Observed:
    """What one sample says about one data type: assessed?, and its findings by lane key."""

    sample: str
    date: str
    specimen: str
    result: SampleResult
    assessed: set[str] = field(default_factory=set)
    found: dict[str, Finding] = field(default_factory=dict)


def lane_key(f: Finding) -> str:
    """The identity of a finding across time points, as text."""
    return ":".join(str(x) for x in finding_key(f))


def assessed_types(result: SampleResult) -> set[str]:
    """Data types the sample assessed: ``mutation`` (VCF/MAF or reads), ``copy_number``,
    ``fusion`` (fusion calls, or the fusion search in the reads)."""
    roles = {i.role for i in result.inputs}
    out = set()
    if roles & {"vcf", "maf", "bam"}:
        out.add("mutation")
    if "cnv" in roles:
        out.add("copy_number")
    reads_fusion = result.reads.fusion_status if result.reads is not None else "not_assessed"
    if result.fusion_status != "not_assessed" or reads_fusion != "not_assessed":
        out.add("fusion")
    return out


def observe(sample: str, date: str, specimen: str, result: SampleResult) -> Observed:
    """The sample's own findings by lane key (a finding its own baseline reported ``lost``
    was not seen in this sample and is left out)."""
    obs = Observed(sample, date, specimen, result, assessed_types(result))
    for f in result.findings:
        if f.kind not in KIND_ORDER or (f.baseline_status == "lost" and f.kind != "fusion_loss"):
            continue
        key = lane_key(f)
        if key not in obs.found or (f.passed_filters and not obs.found[key].passed_filters):
            obs.found[key] = f
    return obs


def _vaf_interval(f: Finding, result: SampleResult) -> tuple[float | None, float | None]:
    """95 % Clopper-Pearson interval of the VAF from the supporting and total reads."""
    from alkannot.reads.stats import clopper_pearson

    if f.source == "reads" and result.reads is not None:
        for g in result.reads.genotypes:
            if g.catalogue_id == f.catalogue_id and g.alteration == f.alteration:
                return g.ci_low, g.ci_high
    if not f.depth or f.vaf is None:
        return None, None
    k = f.alt_reads if f.alt_reads is not None else round(f.vaf * f.depth)
    return clopper_pearson(min(k, f.depth), f.depth)


def _limit(lane: AlterationLane, result: SampleResult) -> float | None:
    """The detection limit the reads gave for this alteration, if they looked it up."""
    if result.reads is None or lane.kind != "mutation":
        return None
    for g in result.reads.genotypes:
        same = (g.catalogue_id and g.catalogue_id == lane.catalogue_id) or (
            g.gene == lane.gene and g.alteration == lane.alteration
        )
        if same and g.status == "not_detected":
            return g.detection_limit
    return None


def _fold(gene: str, result: SampleResult) -> float | None:
    return next((c.fold_change for c in result.copy_number if c.gene == gene), None)


def _gene_assessed(lane: AlterationLane, obs: Observed) -> bool:
    if lane.kind not in obs.assessed:
        return False
    if lane.kind == "copy_number":  # a gene no segment covered was not assessed
        calls = {c.gene: c.call for c in obs.result.copy_number}
        return calls.get(lane.gene, "not_assessed") != "not_assessed"
    return True


def state_at(lane: AlterationLane, obs: Observed) -> TimelinePoint:
    """The lane's state in one sample, without its transition."""
    base = TimelinePoint(obs.sample, obs.date, obs.specimen, "not_assessed")
    f = obs.found.get(lane.key)
    if f is not None:
        low, high = _vaf_interval(f, obs.result) if lane.kind == "mutation" else (None, None)
        fold = _fold(f.gene, obs.result) if lane.kind == "copy_number" else None
        note = f.alteration if lane.kind == "copy_number" else ""
        return replace(
            base,
            state="detected",
            vaf=f.vaf,
            ci_low=low,
            ci_high=high,
            fold_change=fold,
            passed_filters=f.passed_filters,
            note=note if f.passed_filters else "; ".join(x for x in (note, _unconfirmed(f)) if x),
        )
    if not _gene_assessed(lane, obs):
        return base
    fold = _fold(lane.gene, obs.result) if lane.kind == "copy_number" else None
    return replace(base, state="not_detected", limit=_limit(lane, obs.result), fold_change=fold)


def _can_show_loss(p: TimelinePoint, obs: Observed, earlier_vaf: float | None) -> str:
    """ "" when this negative can be a loss, else why not."""
    if obs.specimen == "plasma":
        return "plasma negative: cell-free DNA does not rule it out (not a loss)"
    if obs.specimen != "tissue":
        return "specimen type not given: not called lost"
    purity = obs.result.metadata.purity
    floor = float(obs.result.settings.get("min_fusion_purity", 0.2))
    if purity is None:
        return "tumour content not given: not called lost"
    if purity < floor:
        return f"tumour content {purity:.0%} below {floor:.0%}: not called lost"
    if p.limit is not None and earlier_vaf is not None and p.limit >= earlier_vaf:
        return f"detection limit {p.limit:.3g} not below the earlier VAF {earlier_vaf:.3g}"
    return ""


def _change(kind: str, now: TimelinePoint, before: TimelinePoint) -> str:
    if kind == "copy_number":
        a, b = _CN_RANK.get(now.note, 0), _CN_RANK.get(before.note, 0)
        return "increased" if a > b else "decreased" if a < b else "persistent"
    if None in (now.vaf, before.vaf, now.ci_low, now.ci_high, before.ci_low, before.ci_high):
        return "persistent"
    if now.vaf > before.ci_high and before.vaf < now.ci_low:
        return "increased"
    if now.vaf < before.ci_low and before.vaf > now.ci_high:
        return "decreased"
    return "persistent"


def with_transitions(lane: AlterationLane, observed: list[Observed]) -> AlterationLane:
    """The lane's points over the samples (in time order), each with its transition."""
    points, last, assessed_before, lost = [], None, False, False
    for obs in observed:
        p = state_at(lane, obs)
        if p.state == "detected":
            if not assessed_before:
                t = "first_seen"
            elif last is None:
                t = "acquired"
            else:
                t = "re-emerged" if lost else _change(lane.kind, p, last)
            p, last, lost = replace(p, transition=t), p, False
        elif p.state == "not_detected" and last is not None and not lost:
            why = _can_show_loss(p, obs, last.vaf)
            lost = not why
            p = replace(p, transition="not_detected" if why else "lost", note=why)
        assessed_before = assessed_before or p.state != "not_assessed"
        points.append(p)
    return replace(lane, points=tuple(points))


def build_lanes(observed: list[Observed]) -> list[AlterationLane]:
    """Every alteration seen at any time point, one lane each, in a stable order."""
    first: dict[str, tuple[int, Finding]] = {}
    ids: dict[str, str] = {}  # a gene's gain is uncatalogued, its amplification catalogued
    for i, obs in enumerate(observed):
        for key, f in obs.found.items():
            first.setdefault(key, (i, f))
            ids[key] = ids.get(key) or f.catalogue_id
    lanes = []
    for key, (_, f) in first.items():
        lane = with_transitions(
            AlterationLane(key, f.kind, f.gene, f.alteration, ids[key]), observed
        )
        if lane.kind == "copy_number":  # one gene's lane: named by its highest call
            calls = [p.note.split(";")[0] for p in lane.points if p.state == "detected"]
            lane = replace(lane, alteration=max(calls, key=lambda c: _CN_RANK.get(c, 0)))
        lanes.append(lane)
    lanes = [_emerged_from(lane, lanes) for lane in lanes]
    lanes.sort(
        key=lambda ln: (
            KIND_ORDER[ln.kind],
            not ln.catalogue_id,
            ln.gene,
            first[ln.key][0],
            ln.alteration,
        )
    )
    return lanes


def _emerged_from(lane: AlterationLane, lanes: list[AlterationLane]) -> AlterationLane:
    """A compound's parts that were detected at the time point before its first detection
    (the last earlier sample that assessed them): the mutation it emerged from."""
    if lane.kind != "mutation" or "+" not in lane.alteration:
        return lane
    first = next(i for i, p in enumerate(lane.points) if p.state == "detected")
    parts = lane.alteration.split("+")
    earlier = []
    for other in lanes:
        if other.kind != "mutation" or other.gene != lane.gene or other.alteration not in parts:
            continue
        before = [p for p in other.points[:first] if p.state != "not_assessed"]
        if before and before[-1].state == "detected":
            earlier.append(other.alteration)
    if not earlier:
        return lane
    points = list(lane.points)
    note = f"compound emerged from {' + '.join(earlier)}"
    points[first] = replace(
        points[first], note="; ".join(x for x in (points[first].note, note) if x)
    )
    return replace(lane, emerged_from=tuple(earlier), points=tuple(points))


def _unconfirmed(f: Finding) -> str:
    """Why a detected alteration does not count: a fusion call that failed the caller's filters
    (not confirmed, not evidence of absence), or a variant below the support rules."""
    if f.kind == "fusion":
        return f"called, failed the caller's filters (FILTER {';'.join(f.filter)}): not confirmed"
    return "below the support rules"
