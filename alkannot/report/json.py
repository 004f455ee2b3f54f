"""The per-sample JSON record: everything in the :class:`SampleResult`, with a schema version.

The layout is described by ``alkannot/report/schema/sample_result.schema.json``; the cohort
report reads these files back with :func:`result_from_dict`.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path

from alkannot.models import (
    DrugCall,
    DrugReason,
    Evidence,
    Finding,
    FusionCall,
    GeneCopyNumber,
    InputFile,
    PhaseCall,
    ReadEvidence,
    ReadGenotype,
    SampleMetadata,
    SampleResult,
    SkippedRecord,
)
from alkannot.report.atomic import write_text
from alkannot.report.text import escape_bidi_json

SCHEMA_VERSION = "2.1.0"


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None


def _plain(value):
    """``dataclasses.asdict`` and tuples to lists in one pass (asdict deep-copies every value)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    names = _field_names(type(value))
    if names is None:
        return value
    return {n: _plain(getattr(value, n)) for n in names}


def result_to_dict(result: SampleResult) -> dict:
    """Return the JSON-ready dict of a result (tuples become lists)."""
    d = _plain(result)
    d["schema_version"] = SCHEMA_VERSION
    return d


def to_json(result: SampleResult) -> str:
    """Serialise deterministically (sorted keys, two-space indent, trailing newline).

    Bidirectional controls are written as JSON escapes such as ``\\u202e``: the same data, shown inert.
    """
    # allow_nan=False: NaN/Infinity are not JSON (the readers' bounds keep them out; should one
    # slip through, the run fails here rather than write a file `alkannot cohort` refuses)
    text = json.dumps(
        result_to_dict(result), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False
    )
    return escape_bidi_json(text) + "\n"


def write_json(result: SampleResult, path: str | Path) -> None:
    """Write ``{sample}.json`` atomically."""
    write_text(path, to_json(result))


def _make(cls, data: dict):
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    for k, v in kwargs.items():
        if isinstance(v, list) and k in ("filter", "notes", "prior_therapy", "progressed_on"):
            kwargs[k] = tuple(v)
    return cls(**kwargs)


def result_from_dict(d: dict) -> SampleResult:
    """Rebuild a :class:`SampleResult` from its JSON dict."""
    drugs = []
    for dc in d.get("drugs", []):
        reasons = tuple(
            DrugReason(
                r["finding"],
                r["catalogue_id"],
                r["call"],
                tuple(_make(Evidence, e) for e in r.get("evidence", [])),
            )
            for r in dc.get("reasons", [])
        )
        drugs.append(_make(DrugCall, {**dc, "reasons": reasons}))
    return SampleResult(
        sample=d["sample"],
        build=d["build"],
        metadata=_make(SampleMetadata, d["metadata"]),
        findings=[_make(Finding, f) for f in d.get("findings", [])],
        variants_examined=d.get("variants_examined", 0),
        copy_number=[_make(GeneCopyNumber, c) for c in d.get("copy_number", [])],
        fusions=[_make(FusionCall, c) for c in d.get("fusions", [])],
        fusion_status=d.get("fusion_status", "not_assessed"),
        mechanisms=list(d.get("mechanisms", [])),
        drugs=drugs,
        not_assessed=list(d.get("not_assessed", [])),
        skipped=[_make(SkippedRecord, s) for s in d.get("skipped", [])],
        warnings=list(d.get("warnings", [])),
        inputs=[_make(InputFile, i) for i in d.get("inputs", [])],
        tool_version=d.get("tool_version", ""),
        catalogue_version=d.get("catalogue_version", ""),
        settings=dict(d.get("settings", {})),
        reads=_reads_from_dict(d.get("reads")),
    )


def _reads_from_dict(d: dict | None) -> ReadEvidence | None:
    if not d:
        return None
    return ReadEvidence(
        build=d["build"],
        genotypes=[_make(ReadGenotype, g) for g in d.get("genotypes", [])],
        phases=[_make(PhaseCall, p) for p in d.get("phases", [])],
        fusions=[_make(FusionCall, c) for c in d.get("fusions", [])],
        fusion_status=d.get("fusion_status", "not_assessed"),
        fusion_check=d.get("fusion_check", ""),
        settings=dict(d.get("settings", {})),
        qc=dict(d.get("qc", {})),
        files=dict(d.get("files", {})),
        warnings=list(d.get("warnings", [])),
        baseline_fusion_status=d.get("baseline_fusion_status", "not_assessed"),
    )
