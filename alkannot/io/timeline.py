"""The patient timeline inputs: the sample sheet's patient columns and ``treatments.tsv``.

The sample sheet (``config/samples.tsv``) may carry ``patient``, ``collection_date``,
``specimen_type`` and a free ``timepoint`` label per sample; ``treatments.tsv`` holds one row per
period on a drug: ``patient, drug, start, stop, reason`` (``reason``: ``progression`` or
``toxicity``; ``stop`` and ``reason`` blank while the drug is ongoing). Both are validated row by
row against ``alkannot/io/schema/patient_timeline.schema.json``; dates are ``YYYY-MM-DD``. Every
problem is one :class:`~alkannot.errors.ConfigError` naming the file and the 1-based row (the
header is row 1). Checks that need the whole timeline (dates in order, no overlap, one build)
are :mod:`alkannot.patient`'s.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError

SHEET_COLUMNS = ("sample", "patient", "collection_date", "specimen_type", "timepoint")
TREATMENT_COLUMNS = ("patient", "drug", "start", "stop", "reason")


@dataclass(frozen=True, slots=True)
class TimelineSample:
    """One sample of a patient as the sheet places it in time."""

    sample: str
    patient: str
    collection_date: date
    specimen_type: str | None = None  # tissue, plasma; None: take the sample result's
    timepoint: str = ""  # free label: "diagnosis", "progression on alectinib", ...
    row: int = 0


@dataclass(frozen=True, slots=True)
class Treatment:
    """One period on one drug; ``stop``/``reason`` are ``None`` while it is ongoing."""

    patient: str
    drug: str
    start: date
    stop: date | None = None
    reason: str | None = None  # progression, toxicity
    row: int = 0


@cache
def _schema() -> dict:
    path = Path(__file__).resolve().parent / "schema" / "patient_timeline.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _rows(path: Path, what: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(row number, {column: non-blank stripped value}) of a tab-separated table."""
    from alkannot.io.tables import read_lines

    if not path.is_file():
        raise InputFileError(f"{what} not found", path=str(path))
    numbered = [
        (n, x)
        for n, x in enumerate(read_lines(str(path), what), start=1)
        if x.strip() and not x.startswith("#")
    ]
    reader = csv.DictReader([x for _, x in numbered], delimiter="\t")
    cols = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in cols]
    if missing:
        header = f"row {numbered[0][0]} (header)" if numbered else "header"
        raise ConfigError(
            f"missing column(s) {', '.join(missing)}; a {what} needs {', '.join(required)}",
            path=str(path),
            record=header,
        )
    out = []
    for (n, _), raw in zip(numbered[1:], reader, strict=False):
        out.append((n, {k.strip(): v.strip() for k, v in raw.items() if k and (v or "").strip()}))
    return out


def _validate(row: dict, kind: str, path: Path, n: int) -> None:
    import jsonschema

    schema = {**_schema(), "$ref": f"#/$defs/{kind}"}
    try:
        jsonschema.validate(row, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(x) for x in exc.absolute_path)
        col = f", column {where}" if where else ""
        raise ConfigError(
            f"{exc.message[:160]} (see config/README.md, 'Patients over time')",
            path=str(path),
            record=f"row {n}{col}",
        ) from None


def parse_date(text: str, path: Path, record: str) -> date:
    """A ``YYYY-MM-DD`` calendar date, or one error naming the cell."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"{text!r} is not a calendar date (YYYY-MM-DD)", path=str(path), record=record
        ) from None


def read_timeline_sheet(path: str | Path) -> list[TimelineSample]:
    """The samples of the sheet that name a patient, with their collection dates.

    Rows without a ``patient`` belong to no patient and are not returned. A sheet without a
    ``patient`` column gives an empty list.

    Raises
    ------
    ConfigError
        A bad date, specimen type or id; a sample listed twice (in two patients or twice in one).
    """
    path = Path(path)
    rows = _rows(path, "sample sheet", ("sample",))
    out: list[TimelineSample] = []
    seen: dict[str, tuple[str, int]] = {}
    for n, rec in rows:
        if not rec.get("patient"):
            continue
        row = {k: v for k, v in rec.items() if k in SHEET_COLUMNS}
        row["specimen_type"] = row.get("specimen_type", "").lower() or None
        row = {k: v for k, v in row.items() if v is not None}
        if "collection_date" not in row:
            raise ConfigError(
                "a sample of a patient needs its collection_date (YYYY-MM-DD)",
                path=str(path),
                record=f"row {n}, column collection_date",
            )
        _validate(row, "sample_row", path, n)
        sample, patient = row["sample"], row["patient"]
        if sample in seen:
            other, m = seen[sample]
            what = f"is in two patients ({other} in row {m}, {patient} in row {n})"
            raise ConfigError(
                f"sample {sample!r} {what if other != patient else f'appears twice (rows {m} and {n})'}"
                "; a sample belongs to one patient",
                path=str(path),
                record=f"row {n}, column patient",
            )
        seen[sample] = (patient, n)
        when = parse_date(row["collection_date"], path, f"row {n}, column collection_date")
        out.append(
            TimelineSample(
                sample, patient, when, row.get("specimen_type"), row.get("timepoint", ""), n
            )
        )
    return out


def read_treatments(path: str | Path) -> list[Treatment]:
    """Read ``treatments.tsv``: one period on one drug per row.

    Raises
    ------
    ConfigError
        A missing column, an unknown column, a bad date or reason, a stop without a reason.
    """
    path = Path(path)
    rows = _rows(path, "treatment table", TREATMENT_COLUMNS[:3])
    out = []
    for n, rec in rows:
        unknown = sorted(set(rec) - set(TREATMENT_COLUMNS))
        if unknown:
            raise ConfigError(
                f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(TREATMENT_COLUMNS)}",
                path=str(path),
                record=f"row {n}",
            )
        _validate(rec, "treatment_row", path, n)
        start = parse_date(rec["start"], path, f"row {n}, column start")
        stop = parse_date(rec["stop"], path, f"row {n}, column stop") if "stop" in rec else None
        if stop is not None and stop < start:
            raise ConfigError(
                f"{rec['drug']} stops ({stop}) before it starts ({start}): dates out of order",
                path=str(path),
                record=f"row {n}, column stop",
            )
        out.append(Treatment(rec["patient"], rec["drug"], start, stop, rec.get("reason"), n))
    return out
