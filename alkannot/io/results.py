"""Read back a per-sample ``{sample}.json`` (the cohort's input), refusing anything else.

A cohort input must be a JSON object of this schema's major version, validated against
``sample_result.schema.json``; not JSON, empty, an array, deeply nested, NaN/Infinity, another
major version or a wrong shape are each one clear error naming the file.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError

#: A sample result is a few hundred kB at most; a larger "result" is not one.
MAX_BYTES = 64 << 20


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    """A JSON number as a float; ``1e400`` (infinite as a float) is refused like ``Infinity``."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


@cache
def _schema() -> dict:
    path = Path(__file__).resolve().parents[1] / "report" / "schema" / "sample_result.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


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

    from alkannot.report.json import SCHEMA_VERSION, result_from_dict

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
            p.read_bytes().decode("utf-8"), parse_constant=_no_constants, parse_float=_finite
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
    schema = dict(_schema())
    schema["properties"] = {**schema["properties"], "schema_version": {"type": "string"}}
    try:
        jsonschema.validate(data, schema)
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
