"""``{patient}.json``: the patient's timeline, validated by ``schema/patient.schema.json``.

Holds the samples in time order (date, specimen, label, data types assessed, link to the
report), the treatment periods with time on drug, one lane per alteration with its state and
transition at every time point, and the latest decision made over the history (a full sample
result, as ``sample_result.schema.json`` describes) with what it was based on.
"""

from __future__ import annotations

import json
from pathlib import Path

from alkannot.models import PatientTimeline
from alkannot.report.atomic import write_text
from alkannot.report.json import _plain, result_to_dict
from alkannot.report.text import escape_bidi_json

PATIENT_SCHEMA_VERSION = "1.0.0"


def patient_to_dict(timeline: PatientTimeline) -> dict:
    """The JSON-ready dict (tuples become lists)."""
    d = {
        "schema_version": PATIENT_SCHEMA_VERSION,
        "patient": timeline.patient,
        "build": timeline.build,
        "samples": _plain(timeline.samples),
        "treatments": _plain(timeline.treatments),
        "lanes": _plain(timeline.lanes),
        "decision": result_to_dict(timeline.decision) if timeline.decision else None,
        "decision_basis": _plain(timeline.decision_basis),
        "decision_note": timeline.decision_note,
        "warnings": list(timeline.warnings),
    }
    return d


def render_patient_json(timeline: PatientTimeline) -> str:
    """Deterministic text: sorted keys, two-space indent, bidirectional controls escaped."""
    text = json.dumps(patient_to_dict(timeline), indent=2, sort_keys=True, ensure_ascii=False)
    return escape_bidi_json(text) + "\n"


def write_patient_json(timeline: PatientTimeline, path: Path) -> Path:
    """Write ``{patient}.json`` atomically."""
    write_text(path, render_patient_json(timeline))
    return path
