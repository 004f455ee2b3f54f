"""Read back a per-sample ``{sample}.json`` (the cohort's input), refusing anything else.

A cohort input must be a JSON object of this schema's major version, validated against
``sample_result.schema.json``; not JSON, empty, an array, deeply nested, NaN/Infinity, another
major version or a wrong shape are each one clear error naming the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from functools import cache
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError
from alkannot.models import (
    SCHEMA_VERSION,
    BoardNote,
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
    TraceItem,
    TraceStep,
)

#: A sample result is a few hundred kB at most; a larger "result" is not one.
MAX_BYTES = 64 << 20


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object whose keys repeat is refused (JSON parsers keep one of them, each its own)."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def _finite(text: str) -> float:
    """A JSON number as a float; ``1e400`` (infinite as a float) is refused like ``Infinity``."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


@cache
def _validator():
    """One compiled validator for every result of a run (compiling it per file cost more than
    annotating a sample); ``schema_version`` is checked apart, by major version."""
    import jsonschema

    path = Path(__file__).resolve().parents[1] / "report" / "schema" / "sample_result.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"] = {**schema["properties"], "schema_version": {"type": "string"}}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def overview_folder(folder: Path) -> str:
    """What alkannot overview ``folder`` holds (patient timelines, a cohort overview), or ``""``.

    A ``results/*/`` glob hands these in beside the sample folders (README layout).
    """
    if (folder / "cohort.tsv").is_file() and (folder / "mechanisms.tsv").is_file():
        return "a cohort overview"
    if any(folder.glob("*.timeline.tsv")):
        return "patient timelines"
    return ""


def read_result_json(path: str | Path):
    """Return the :class:`~alkannot.models.SampleResult` stored in ``path``.

    Raises
    ------
    InputFileError
        Missing, empty or oversized file.
    InputFormatError
        Not JSON, not an object, NaN, too deeply nested, another schema version, wrong shape.
    """
    import jsonschema

    p = Path(path)
    if not p.is_file():
        raise InputFileError("sample result JSON not found; annotate the sample first", path=str(p))
    size = p.stat().st_size
    if size == 0:
        raise InputFileError("the sample result JSON is empty", path=str(p))
    if size > MAX_BYTES:
        raise InputFileError(f"{size} bytes: too large for a sample result JSON", path=str(p))
    what = "expected the {sample}.json written by 'alkannot annotate'"
    try:
        data = json.loads(
            p.read_bytes().decode("utf-8"),
            parse_constant=_no_constants,
            parse_float=_finite,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError:
        raise InputFormatError(f"not UTF-8 text; {what}", path=str(p)) from None
    except RecursionError:
        raise InputFormatError(f"JSON nested too deeply; {what}", path=str(p)) from None
    except ValueError as exc:
        raise InputFormatError(f"not valid JSON ({exc}); {what}", path=str(p)) from None
    if not isinstance(data, dict):
        raise InputFormatError(f"a JSON {type(data).__name__}, not an object; {what}", path=str(p))
    version = str(data.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputFormatError(
            f"schema version {version or '(none)'}; this alkannot reads {SCHEMA_VERSION.split('.')[0]}.x"
            " results: annotate the sample again with this version",
            path=str(p),
        )
    try:
        error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
        if error is not None:
            raise error
        return result_from_dict(data)
    except RecursionError:
        raise InputFormatError(f"JSON nested too deeply; {what}", path=str(p)) from None
    except jsonschema.ValidationError as exc:
        where = "/".join(str(x) for x in exc.absolute_path) or "top level"
        raise InputFormatError(
            f"does not match the sample result schema at {where}: {exc.message[:120]}",
            path=str(p),
        ) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputFormatError(f"not a sample result ({exc}); {what}", path=str(p)) from None


def _make(cls, data: dict):
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    for k, v in kwargs.items():
        if isinstance(v, list) and k in (
            "filter",
            "notes",
            "prior_therapy",
            "progressed_on",
            "haplotypes",
            "recommend",
            "look_for",
        ):
            kwargs[k] = tuple(v)
    return cls(**kwargs)


def _trace(dc: dict) -> tuple[TraceStep, ...]:
    """A drug call's trace (schema 2.3.0; absent in older files)."""
    return tuple(
        _make(
            TraceStep,
            {
                **s,
                "key": tuple(s.get("key", ())),
                "items": tuple(
                    _make(TraceItem, {**i, "evidence": tuple(i.get("evidence", ()))})
                    for i in s.get("items", ())
                ),
            },
        )
        for s in dc.get("trace", ())
    )


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
        drugs.append(_make(DrugCall, {**dc, "reasons": reasons, "trace": _trace(dc)}))
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
        board_context=[_make(BoardNote, b) for b in d.get("board_context", [])],
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
        compounds_rephased=bool(d.get("compounds_rephased", False)),
    )


@cache
def _patient_schema() -> dict:
    path = Path(__file__).resolve().parents[1] / "report" / "schema" / "patient.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def read_patient_index(directory: str | Path) -> list[tuple[str, Path, list[str]]]:
    """(patient, timeline page, samples in time order) of every ``{patient}.json`` in
    ``directory`` (as ``alkannot patient`` writes them), sorted by patient.

    Raises
    ------
    InputFileError
        The directory does not exist.
    InputFormatError
        A ``*.json`` there that is not a patient timeline of this schema.
    """
    import jsonschema

    d = Path(directory)
    if not d.is_dir():
        raise InputFileError("patients folder not found; run 'alkannot patient' first", path=str(d))
    out = []
    for p in sorted(d.glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"), parse_constant=_no_constants)
            jsonschema.validate(data, _patient_schema())
        except (UnicodeDecodeError, ValueError, RecursionError, jsonschema.ValidationError):
            raise InputFormatError(
                "not a patient timeline of this version; expected the {patient}.json written by "
                "'alkannot patient'",
                path=str(p),
            ) from None
        samples = [s["sample"] for s in data["samples"]]
        out.append((data["patient"], p.with_suffix(".html"), samples))
    return out


def collect_results(paths) -> tuple[list[Path], list, list[tuple[str, str]], list[str]]:
    """Sort the cohort's inputs: sample JSONs (read and checked), failed samples, folders passed over.

    Each path is a sample's JSON result or a sample directory (``{sample}/``) holding
    ``{sample}.json`` or the error record ``{sample}.error.txt``; batch run records are skipped
    and ``results/patients/`` or ``results/cohort/`` (which ``results/*/`` also matches) are passed
    over with a note.

    Returns
    -------
    (list of Path, list of SampleResult, list of (str, str), list of str)
        The JSON paths, their results, ``(sample, error)`` of failed samples, passed-over notes.

    Raises
    ------
    InputFileError
        A path that is none of these.
    """
    jsons, results, failures, passed_over = [], [], [], []
    for p in map(Path, paths):
        if p.name.endswith(".run.json"):
            continue  # a batch run record (settings and status), not a sample result
        if p.is_dir():
            if (p / f"{p.name}.json").is_file():
                p = p / f"{p.name}.json"
            elif (p / f"{p.name}.error.txt").is_file():
                message = (p / f"{p.name}.error.txt").read_text(encoding="utf-8").strip()
                failures.append((p.name, message))
                continue
            elif kind := overview_folder(p):
                passed_over.append(f"{p} ({kind}, not a sample)")
                continue
        if not p.is_file():
            raise InputFileError(
                "sample result JSON not found; annotate the sample first", path=str(p)
            )
        results.append(read_result_json(p))
        jsons.append(p)
    return jsons, results, failures, passed_over
