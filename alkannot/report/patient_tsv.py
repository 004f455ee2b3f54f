"""``{patient}.timeline.tsv``: one row per alteration per time point (long format).

Columns: ``patient, sample, date, specimen, alteration, state, vaf, ci_low, ci_high, limit``
(issue 25), then ``timepoint, gene, kind, transition, fold_change, passed_filters, note``.
``state`` is ``detected``, ``not_detected`` or ``not_assessed``; ``limit`` is the detection limit
where the reads gave one. Rows follow the lanes' order, then time.
"""

from __future__ import annotations

from pathlib import Path

from alkannot.models import PatientTimeline
from alkannot.report.atomic import write_text
from alkannot.report.tsv import render

TIMELINE_COLUMNS = (
    "patient", "sample", "date", "specimen", "alteration", "state", "vaf", "ci_low", "ci_high",
    "limit", "timepoint", "gene", "kind", "transition", "fold_change", "passed_filters", "note",
)  # fmt: skip


def lane_label(lane) -> str:
    """``ALK G1202R``, ``MET amplification``, ``ALK EML4::ALK`` (gene first, as on the page)."""
    return f"{lane.gene} {lane.alteration}"


def timeline_rows(timeline: PatientTimeline) -> list[dict[str, object]]:
    """The long table's rows."""
    labels = {s.sample: s.timepoint for s in timeline.samples}
    rows = []
    for lane in timeline.lanes:
        for p in lane.points:
            rows.append(
                {
                    "patient": timeline.patient,
                    "sample": p.sample,
                    "date": p.date,
                    "specimen": p.specimen,
                    "alteration": lane_label(lane),
                    "state": p.state,
                    "vaf": p.vaf,
                    "ci_low": p.ci_low,
                    "ci_high": p.ci_high,
                    "limit": p.limit,
                    "timepoint": labels.get(p.sample, ""),
                    "gene": lane.gene,
                    "kind": lane.kind,
                    "transition": p.transition,
                    "fold_change": p.fold_change,
                    "passed_filters": p.passed_filters,
                    "note": p.note,
                }
            )
    return rows


def render_timeline_tsv(timeline: PatientTimeline) -> str:
    """The TSV text."""
    return render(TIMELINE_COLUMNS, timeline_rows(timeline))


def write_timeline_tsv(timeline: PatientTimeline, path: Path) -> Path:
    """Write ``{patient}.timeline.tsv`` atomically."""
    write_text(path, render_timeline_tsv(timeline))
    return path
