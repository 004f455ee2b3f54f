"""``{patient}.html``: one self-contained page (inline CSS and SVG, no script, no load).

Left: the timeline on one date axis — treatment bars (ending in P for progression, T for
toxicity, an arrow while ongoing), specimen markers (square tissue, circle plasma) linking to
each sample's report, then one lane per alteration: a mutation's VAF with its 95 % interval, a
copy-number change's fold change, a fusion's presence; a not-detected sample is an open triangle
at its detection limit (at the lane's floor, marked "no limit", when the reads gave none); a
sample that did not assess the alteration is a grey dash. Right: the first screen of the latest
sample decided over the history. Below: samples, treatments and the transitions as tables.

Every mark carries its values as ``data-`` attributes and each lane its scale (``data-top``,
``data-height``, ``data-ymax``), so a test can check that a mark sits where the TSV says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from alkannot.models import AlterationLane, PatientTimeline, TimelinePoint
from alkannot.report.atomic import write_text
from alkannot.report.patient_tsv import lane_label
from alkannot.report.plots import esc

LEFT, WIDTH, LANE_H, LANE_GAP = 190, 740, 56, 16
SPECIMEN_Y, TREAT_Y = 62, 30


@dataclass(frozen=True)
class Axis:
    """Dates to x: ``start``..``end`` onto ``LEFT``..``LEFT + WIDTH``."""

    start: date
    end: date

    def x(self, when: str) -> float:
        span = max(1, (self.end - self.start).days)
        return round(LEFT + WIDTH * (date.fromisoformat(when) - self.start).days / span, 2)


def axis_of(t: PatientTimeline) -> Axis:
    """The date range of samples and treatments, padded by 5 % (at least 15 days) each side."""
    dates = [date.fromisoformat(s.date) for s in t.samples]
    dates += [date.fromisoformat(p.start) for p in t.treatments]
    dates += [date.fromisoformat(p.stop) for p in t.treatments if p.stop]
    lo, hi = min(dates), max(dates)
    from datetime import timedelta

    pad = timedelta(days=max(15, (hi - lo).days // 20))
    return Axis(lo - pad, hi + pad)


def _ymax(lane: AlterationLane) -> float:
    if lane.kind == "fusion":
        return 1.0
    if lane.kind == "copy_number":
        vals = [p.fold_change for p in lane.points if p.fold_change is not None]
        return max([2.0, *vals]) * 1.15
    vals = [v for p in lane.points for v in (p.vaf, p.ci_high, p.limit) if v is not None]
    return min(1.0, max([0.05, *vals]) * 1.15)


def _value(lane: AlterationLane, p: TimelinePoint) -> float | None:
    if lane.kind == "copy_number":
        return p.fold_change
    if lane.kind == "fusion":
        return 0.5 if p.state == "detected" else None
    return p.vaf if p.state == "detected" else p.limit


def _mark(lane: AlterationLane, p: TimelinePoint, x: float, y) -> str:
    data = (
        f'data-sample="{esc(p.sample)}" data-date="{p.date}" data-state="{p.state}" '
        f'data-transition="{esc(p.transition)}"'
    )
    title = f"<title>{esc(p.sample)} {p.date}: {esc(_point_text(lane, p))}</title>"
    if p.state == "not_assessed":
        return f'<line class="na-mark" {data} x1="{x - 5}" x2="{x + 5}" y1="{y(0)}" y2="{y(0)}" stroke="#9aa3ad" stroke-width="2">{title}</line>'
    v = _value(lane, p)
    if p.state == "not_detected":
        # a mutation at its detection limit; a copy-number gene at the fold change measured
        yy = y(v if v is not None and lane.kind != "fusion" else 0)
        limit = f'data-limit="{p.limit}"' if p.limit is not None else 'data-limit=""'
        return (
            f'<path class="nd-mark" {data} {limit} d="M{x - 6},{yy - 5} L{x + 6},{yy - 5} L{x},{yy + 5} Z" '
            f'fill="#fff" stroke="#5b6470" stroke-width="1.5">{title}</path>'
        )
    ci = ""
    if p.ci_low is not None and p.ci_high is not None and lane.kind == "mutation":
        ci = (
            f'<line class="ci" {data} data-ci-low="{p.ci_low}" data-ci-high="{p.ci_high}" x1="{x}" x2="{x}" '
            f'y1="{y(p.ci_low)}" y2="{y(p.ci_high)}" stroke="#1b1f24" stroke-width="1.5"/>'
        )
    fill = "#b3261e" if p.passed_filters is not False else "#fff"
    value = f'data-value="{v}"' if v is not None else ""
    return ci + (
        f'<circle class="det-mark" {data} {value} cx="{x}" cy="{y(v or 0)}" r="4.5" fill="{fill}" '
        f'stroke="#b3261e" stroke-width="1.5">{title}</circle>'
    )


def _point_text(lane: AlterationLane, p: TimelinePoint) -> str:
    if p.state == "not_assessed":
        return "not assessed"
    if p.state == "not_detected":
        if lane.kind == "copy_number":
            lim = f" (fold {p.fold_change:.2f})" if p.fold_change is not None else ""
        elif lane.kind == "mutation" and p.limit is not None:
            lim = f" (limit {p.limit:.2%})"
        else:
            lim = " (no detection limit from reads)" if lane.kind == "mutation" else ""
        return "not detected" + lim + (f"; {p.note}" if p.note else "")
    parts = ["detected"]
    if p.vaf is not None:
        parts.append(f"VAF {p.vaf:.1%}")
    if p.ci_low is not None and p.ci_high is not None:
        parts.append(f"95% CI {p.ci_low:.1%}-{p.ci_high:.1%}")
    if p.fold_change is not None:
        parts.append(f"fold {p.fold_change:.2f}")
    return (
        " ".join(parts)
        + (f"; {p.transition.replace('_', ' ')}" if p.transition else "")
        + (f"; {p.note}" if p.note else "")
    )


def _joins(lane: AlterationLane, axis: Axis, y) -> str:
    """Lines between consecutive assessed time points that are both detections (a negative
    between two detections breaks the line)."""
    assessed = [p for p in lane.points if p.state != "not_assessed"]
    out = []
    for a, b in zip(assessed, assessed[1:], strict=False):
        if a.state == b.state == "detected":
            out.append(
                f"M{axis.x(a.date)},{y(_value(lane, a) or 0)} L{axis.x(b.date)},{y(_value(lane, b) or 0)}"
            )
    return " ".join(out)


def _transition_labels(lane: AlterationLane, axis: Axis, top: float) -> str:
    """Each transition's word right of its point, in rows so that no two overlap."""
    from alkannot.report.plots import place_in_rows, text_width

    marked = [p for p in lane.points if p.transition]
    words = [p.transition.replace("_", " ") for p in marked]
    lefts = [axis.x(p.date) + 7 for p in marked]
    rows = place_in_rows([(x, x + text_width(w, 10)) for x, w in zip(lefts, words, strict=True)])
    return "".join(
        f'<text class="transition" x="{x}" y="{top + 10 + 13 * r}" font-size="10" fill="#5b6470">{esc(w)}</text>'
        for x, w, r in zip(lefts, words, rows, strict=True)
    )


def _lane_svg(lane: AlterationLane, top: float, axis: Axis) -> str:
    ymax = _ymax(lane)

    def y(v: float) -> float:
        return round(top + LANE_H - LANE_H * min(v, ymax) / ymax, 2)

    unit = {"mutation": "VAF", "copy_number": "fold", "fusion": ""}[lane.kind]
    scale = f"{ymax:.0%}" if lane.kind == "mutation" else (f"{ymax:.1f}" if unit else "")
    label = lane_label(lane)
    sub = unit
    if "+" in lane.alteration:
        sub = "compound" + (f", from {' + '.join(lane.emerged_from)}" if lane.emerged_from else "")
    path = _joins(lane, axis, y)
    marks = "".join(_mark(lane, p, axis.x(p.date), y) for p in lane.points)
    words = _transition_labels(lane, axis, top)
    return (
        f'<g class="lane" data-alteration="{esc(label)}" data-kind="{lane.kind}" '
        f'data-top="{top}" data-height="{LANE_H}" data-ymax="{ymax}">'
        f'<rect x="{LEFT}" y="{top}" width="{WIDTH}" height="{LANE_H}" fill="#f7f8f9"/>'
        f'<line x1="{LEFT}" x2="{LEFT + WIDTH}" y1="{top + LANE_H}" y2="{top + LANE_H}" stroke="#d5dae0"/>'
        f'<text x="{LEFT - 8}" y="{top + 18}" text-anchor="end" font-size="12" font-weight="600">{esc(label)}</text>'
        f'<text x="{LEFT - 8}" y="{top + 32}" text-anchor="end" font-size="10" fill="#5b6470">{esc(sub)}</text>'
        + (
            f'<text x="{LEFT - 8}" y="{top + 46}" text-anchor="end" font-size="9" fill="#5b6470">max {scale}</text>'
            if scale
            else ""
        )
        + (f'<path d="{path}" fill="none" stroke="#b3261e" stroke-opacity="0.5"/>' if path else "")
        + marks
        + words
        + "</g>"
    )


def _treatments_svg(t: PatientTimeline, axis: Axis) -> str:
    out = []
    for p in t.treatments:
        x1 = axis.x(p.start)
        x2 = axis.x(p.stop) if p.stop else LEFT + WIDTH
        end = {"progression": "P", "toxicity": "T"}.get(p.reason, "→")
        out.append(
            f'<g class="treatment" data-drug="{esc(p.drug)}" data-start="{p.start}" data-stop="{p.stop}" data-reason="{p.reason}">'
            f'<rect x="{x1}" y="{TREAT_Y - 9}" width="{max(2.0, round(x2 - x1, 2))}" height="18" rx="3" fill="#cdebd3" stroke="#1e6b34"/>'
            f'<text x="{x1 + 4}" y="{TREAT_Y + 4}" font-size="11">{esc(p.drug)}{"" if p.alk_inhibitor else " (other therapy)"} · {_span(p, short=True)}</text>'
            f'<text x="{x2 + 3}" y="{TREAT_Y + 4}" font-size="11" font-weight="700">{end}</text>'
            f"<title>{esc(p.drug)} {p.start} to {p.stop or 'ongoing'}{' (' + p.reason + ')' if p.reason else ''}, {_span(p)}</title></g>"
        )
    return (
        f'<text x="{LEFT - 8}" y="{TREAT_Y + 4}" text-anchor="end" font-size="12" font-weight="600">treatment</text>'
        + "".join(out)
    )


def _specimens_svg(t: PatientTimeline, axis: Axis) -> tuple[str, int]:
    """The specimen markers with their sample labels (in rows that never overlap), and the
    number of label rows."""
    from alkannot.report.plots import place_in_rows, text_width

    out = [
        f'<text x="{LEFT - 8}" y="{SPECIMEN_Y + 4}" text-anchor="end" font-size="12" font-weight="600">samples</text>'
    ]
    xs = [axis.x(s.date) for s in t.samples]
    half = [text_width(s.sample, 10) / 2 for s in t.samples]
    rows = place_in_rows([(x - h, x + h) for x, h in zip(xs, half, strict=True)])
    for s, x, row in zip(t.samples, xs, rows, strict=True):
        shape = (
            f'<circle cx="{x}" cy="{SPECIMEN_Y}" r="6" fill="#fde7b0" stroke="#8a5a00"/>'
            if s.specimen == "plasma"
            else f'<rect x="{x - 6}" y="{SPECIMEN_Y - 6}" width="12" height="12" fill="#e8eaed" stroke="#1b1f24"/>'
        )
        out.append(
            f'<a class="specimen" href="{esc(s.report)}" data-sample="{esc(s.sample)}" data-specimen="{esc(s.specimen)}">{shape}'
            f'<text class="sample-label" x="{x}" y="{SPECIMEN_Y + 18 + 13 * row}" text-anchor="middle" font-size="10">{esc(s.sample)}</text>'
            f"<title>{esc(s.sample)} {s.date} {esc(s.specimen or 'specimen not given')} {esc(s.timepoint)}</title></a>"
        )
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{SPECIMEN_Y + 22 + 13 * max(rows)}" y2="100%" stroke="#d5dae0" stroke-dasharray="2,3"/>'
        )
    return "".join(out), max(rows, default=0) + 1


def _axis_svg(axis: Axis, y: float) -> str:
    out = [f'<line x1="{LEFT}" x2="{LEFT + WIDTH}" y1="{y}" y2="{y}" stroke="#1b1f24"/>']
    for year in range(axis.start.year, axis.end.year + 2):
        for month in (1, 7):
            d = date(year, month, 1)
            if axis.start <= d <= axis.end:
                x = axis.x(d.isoformat())
                out.append(
                    f'<line x1="{x}" x2="{x}" y1="{y}" y2="{y + 5}" stroke="#1b1f24"/>'
                    f'<text class="tick" x="{x}" y="{y + 17}" text-anchor="middle" font-size="10">{d:%b %Y}</text>'
                )
    return "".join(out)


def timeline_svg(t: PatientTimeline) -> str:
    """The whole timeline figure."""
    axis = axis_of(t)
    specimens, label_rows = _specimens_svg(t, axis)
    top = SPECIMEN_Y + 29 + 13 * label_rows
    lanes = []
    for lane in t.lanes:
        lanes.append(_lane_svg(lane, top, axis))
        top += LANE_H + LANE_GAP
    height = top + 30
    return (
        f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 30}" height="{height}" '
        f'viewBox="0 0 {LEFT + WIDTH + 30} {height}" role="img" aria-label="Timeline of patient {esc(t.patient)}" '
        f'data-start="{axis.start}" data-end="{axis.end}" data-left="{LEFT}" data-width="{WIDTH}" font-family="sans-serif">'
        + _treatments_svg(t, axis)
        + specimens
        + "".join(lanes)
        + _axis_svg(axis, top)
        + "</svg>"
    )


def _decision_html(t: PatientTimeline) -> str:
    """The latest decision's first screen: why, next options, avoid, and what it rests on."""
    from alkannot.report.firstscreen import drug_blocks, drug_level, key_findings, reason_line

    if t.decision is None:
        return f'<section class="summary" id="decision"><h2 class="first">Latest decision</h2><p>{esc(t.decision_note)}</p></section>'
    r = t.decision
    link = next((s.report for s in t.samples if s.sample == r.sample), "")
    keys = key_findings(r)
    why = (
        "".join(
            f"<li><b>{esc(f.gene)} {esc(f.alteration)}</b> <span class=small>{esc(f.baseline_status.replace('_', ' '))}"
            + (f", VAF {f.vaf:.1%}" if f.vaf is not None else "")
            + _latest_change(t, f)
            + "</span></li>"
            for f in keys
        )
        or "<li>no catalogued resistance mechanism found in the assessed inputs</li>"
    )
    blocks = drug_blocks(r.drugs)

    def drug_li(d) -> str:
        lv, rl = drug_level(d), reason_line(d)
        cite = (
            f" [{esc(rl['citation'])}{', PMID ' + esc(rl['pmid']) if rl['pmid'] else ''}]"
            if rl["citation"]
            else ""
        )
        return f"<li><b>{esc(d.drug)}</b> <span class=small>{esc(lv['level'])}</span> — {esc(rl['text'])}<span class=small>{cite}</span></li>"

    nxt = "".join(drug_li(d) for d in blocks.next_options) or "<li>no ranked option</li>"
    avoid = (
        "".join(
            f"<li>{esc(d.drug)}: {esc(d.call)}{' (progressed on)' if d.progressed_on else ''}</li>"
            for d in blocks.avoid
        )
        or "<li>none</li>"
    )
    return (
        f'<section class="summary" id="decision" data-sample="{esc(r.sample)}"><h2 class="first">Latest decision: '
        f'<a href="{esc(link)}">{esc(r.sample)}</a>, decided over the history</h2>'
        f"<h3>Why did it progress?</h3><ul class=why>{why}</ul>"
        f'<h3>Next options</h3><ol id="next-options">{nxt}</ol>'
        f'<h3>Avoid</h3><ul id="avoid">{avoid}</ul>{_basis_html(t)}</section>'
    )


def _latest_change(t: PatientTimeline, f) -> str:
    """ ", increased on the timeline": the finding's transition at the latest sample."""
    for lane in t.lanes:
        if lane.gene == f.gene and lane.alteration == f.alteration and lane.points:
            word = lane.points[-1].transition.replace("_", " ")
            return f"; on the timeline: {word}" if word else ""
    return ""


def _basis_html(t: PatientTimeline) -> str:
    """What the decision rests on: baselines, treatment history, time on drug."""
    basis = t.decision_basis
    bases = ", ".join(
        f"{k.replace('_', ' ')}: {esc(v) or 'none earlier'}"
        for k, v in basis.get("baselines", {}).items()
    )
    months = "; ".join(
        f"{esc(p.drug)} {p.months:g} mo{' (ongoing)' if not p.stop else ''}" for p in t.treatments
    )
    ongoing = ", ".join(basis.get("ongoing", []))
    return (
        f'<p class="small">Baselines (earliest sample that assessed each data type): {bases}. '
        f"Prior therapy from the timeline: {esc(', '.join(basis.get('prior_therapy', [])) or 'none')}; "
        f"progressed on: {esc(', '.join(basis.get('progressed_on', [])) or 'none')}"
        + (f"; ongoing, not counted as progressed on: {esc(ongoing)}" if ongoing else "")
        + f". Time on drug: {months or 'no treatment given'}.</p>"
    )


def _span(p, short: bool = False, table: bool = False) -> str:
    """Time on a drug; an ongoing one's is counted to the latest sample, and said so (a drug
    started after it has no time yet: "0 mo" read as a drug given for no time)."""
    if short:
        ongoing = "" if p.stop else ", ongoing"
        return "ongoing" if not p.stop and p.days == 0 else f"{p.months:g} mo{ongoing}"
    if not p.stop and p.days == 0:
        return "started after the latest sample"
    text = f"{p.days} d ({p.months:g} mo)" if table else f"{p.days} days"
    return text if p.stop else f"{text} to the latest sample"


def _tables_html(t: PatientTimeline) -> str:
    samples = "".join(
        f'<tr><td><a href="{esc(s.report)}">{esc(s.sample)}</a></td><td class=v>{s.date}</td><td>{esc(s.timepoint)}</td>'
        f"<td>{esc(s.specimen or 'not given')}</td><td>{esc(', '.join(a.replace('_', ' ') for a in s.assessed))}</td>"
        f"<td class=v>{'' if s.purity is None else f'{s.purity:.0%}'}</td></tr>"
        for s in t.samples
    )
    treats = (
        "".join(
            f"<tr><td>{esc(p.drug)}{'' if p.alk_inhibitor else ' (other therapy)'}</td><td class=v>{p.start}</td><td class=v>{p.stop or 'ongoing'}</td>"
            f"<td>{esc(p.reason)}</td><td class=v>{_span(p, table=True)}</td></tr>"
            for p in t.treatments
        )
        or '<tr><td colspan="5">no treatment given</td></tr>'
    )
    head = "".join(
        f'<th scope="col">{esc(s.sample)}<br><span class=small>{s.date}</span></th>'
        for s in t.samples
    )
    rows = "".join(
        f'<tr><th scope="row">{esc(lane_label(lane))}</th>'
        + "".join(f"<td>{esc(_point_text(lane, p))}</td>" for p in lane.points)
        + "</tr>"
        for lane in t.lanes
    )
    return (
        '<h2>Samples</h2><table id="samples"><thead><tr><th>Sample</th><th>Date</th><th>Time point</th>'
        f"<th>Specimen</th><th>Assessed</th><th>Tumour content</th></tr></thead><tbody>{samples}</tbody></table>"
        '<h2>Treatments</h2><table id="treatments"><thead><tr><th>Drug</th><th>Start</th><th>Stop</th>'
        f"<th>Reason</th><th>Time on drug</th></tr></thead><tbody>{treats}</tbody></table>"
        f'<h2>Alterations over time</h2><div style="overflow-x:auto"><table id="transitions"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


LEGEND = (
    "Filled circle: detected (VAF, line: 95% Clopper-Pearson interval; open circle: below the "
    "support rules). Open triangle: not detected, drawn at the detection limit the reads gave "
    "(at the floor when they gave none). Grey dash: not assessed. Square: tissue; round: plasma. "
    "Bars: time on each drug, ending P (progression), T (toxicity) or → (ongoing). "
    "Lost is called only in tissue with adequate tumour content; a plasma negative is not detected."
)


def render_patient_html(t: PatientTimeline, report_date: str | None = None) -> str:
    """The page text."""
    from alkannot.report.html import _asset
    from alkannot.report.html import report_date as check_date

    date_text = check_date(report_date) or "not given"
    warn = "".join(
        f"<li>{esc(w)}</li>" for w in [*t.warnings, *([t.decision_note] if t.decision_note else [])]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>alkannot patient {esc(t.patient)}</title><style>{_asset("base.css.j2")}
.grid {{ display: grid; grid-template-columns: minmax(0, 960px) minmax(280px, 1fr); gap: 16px; align-items: start; }}
body {{ max-width: 1500px; }} #timeline {{ max-width: 100%; height: auto; }} .small {{ font-size: 12px; color: #5b6470; }}
#decision h3 {{ margin-top: 8px; }} #decision ul, #decision ol {{ margin: 2px 0 6px; padding-left: 20px; }}
@media (max-width: 1200px) {{ .grid {{ grid-template-columns: 1fr; }} }}
@media print {{ .grid {{ grid-template-columns: 1fr; }} }}
</style></head><body>
<h1>Patient {esc(t.patient)}: ALK resistance over time</h1>
<p class="meta">{len(t.samples)} sample(s), {len(t.lanes)} alteration(s), build {esc(t.build)}; report date {date_text}.</p>
{f'<ul class="warnings">{warn}</ul>' if warn else ""}
<div class="grid"><div><h2 class="first">Timeline</h2>{timeline_svg(t)}<p class="small">{esc(LEGEND)}</p></div>
{_decision_html(t)}</div>
{_tables_html(t)}
<p class="small">Also as {esc(t.patient)}.timeline.tsv and {esc(t.patient)}.json beside this page.</p>
</body></html>
"""


def write_patient_html(t: PatientTimeline, path: Path, report_date: str | None = None) -> Path:
    """Write ``{patient}.html`` atomically."""
    write_text(path, render_patient_html(t, report_date))
    return path
