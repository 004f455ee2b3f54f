"""The per-sample JSON record: everything in the :class:`SampleResult`, with a schema version.

The layout is described by ``alkannot/report/schema/sample_result.schema.json``; the cohort
report reads these files back with :func:`alkannot.io.results.result_from_dict`.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path

from alkannot.models import SCHEMA_VERSION, SampleResult
from alkannot.report.atomic import write_text
from alkannot.report.text import escape_bidi_json


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
