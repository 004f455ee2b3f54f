"""Sample sheets (``config/samples.tsv``): read, validate, resolve paths.

Columns: ``sample, vcf, cnv, fusions, baseline_vcf, baseline_cnv, baseline_fusions,
prior_therapy, cns_metastases, purity, ploidy, build, specimen_type, tumour_type,
time_on_therapy``; only ``sample`` and ``vcf`` are required,
the others may be missing or blank. Paths are relative to the sheet's ``base`` directory (the
workflow's working directory). Every problem names the row; nothing runs on a bad sheet.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError

COLUMNS = (
    "sample",
    "vcf",
    "cnv",
    "fusions",
    "baseline_vcf",
    "baseline_cnv",
    "baseline_fusions",
    "prior_therapy",
    "cns_metastases",
    "purity",
    "ploidy",
    "build",
    "specimen_type",
    "tumour_type",
    "time_on_therapy",
)
REQUIRED = ("sample", "vcf")
FILE_COLUMNS = ("vcf", "cnv", "fusions", "baseline_vcf", "baseline_cnv", "baseline_fusions")
SAFE_SAMPLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class SampleRow:
    """One validated sample-sheet row; paths resolved, optional values ``None``."""

    sample: str
    vcf: str
    cnv: str | None = None
    fusions: str | None = None
    baseline_vcf: str | None = None
    baseline_cnv: str | None = None
    baseline_fusions: str | None = None
    prior_therapy: tuple[str, ...] = ()
    cns_metastases: bool | None = None
    purity: float | None = None
    ploidy: float | None = None
    build: str | None = None
    specimen_type: str | None = None
    tumour_type: str | None = None
    time_on_therapy: tuple[tuple[str, str], ...] = ()
    line: int = 0

    def annotate_kwargs(self) -> dict:
        """Keyword arguments for :func:`alkannot.api.annotate_sample` (without ``vcf``)."""
        return dict(
            sample_name=self.sample,
            build=self.build,
            cnv=self.cnv,
            fusions=self.fusions,
            baseline_vcf=self.baseline_vcf,
            baseline_cnv=self.baseline_cnv,
            baseline_fusions=self.baseline_fusions,
            prior_therapy=self.prior_therapy,
            cns_metastases=self.cns_metastases,
            purity=self.purity,
            ploidy=self.ploidy,
            specimen_type=self.specimen_type,
            tumour_type=self.tumour_type,
            time_on_therapy=dict(self.time_on_therapy),
        )


_BOOL = {
    "yes": True,
    "true": True,
    "1": True,
    "y": True,
    "no": False,
    "false": False,
    "0": False,
    "n": False,
}


def read_samplesheet(
    path: str | Path, base: str | Path | None = None, check_files: bool = True
) -> list[SampleRow]:
    """Read and validate a tab-separated sample sheet.

    Raises
    ------
    ConfigError
        Missing required column, duplicated or unsafe sample id, bad value (names the row).
    InputFileError
        The sheet or a path in it does not exist (names the row and column).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("sample sheet not found", path=str(path))
    base = Path(base) if base is not None else Path.cwd()
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [x for x in fh if x.strip() and not x.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    cols = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ConfigError(
            f"missing required column(s) {', '.join(missing)}; columns are {', '.join(COLUMNS)}",
            path=str(path),
            record="header",
        )
    unknown = [c for c in cols if c not in COLUMNS]
    if unknown:
        raise ConfigError(
            f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(COLUMNS)}",
            path=str(path),
            record="header",
        )
    rows, seen = [], {}
    for n, raw in enumerate(reader, start=2):
        rec = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"row {n} (sample {rec.get('sample', '')!r})"
        sample = rec.get("sample", "")
        if not SAFE_SAMPLE.match(sample):
            raise ConfigError(
                f"sample id {sample!r} is not a safe file name (letters, digits, "
                "'.', '_', '-'; no spaces or slashes)",
                path=str(path),
                record=where,
            )
        if sample in seen:
            raise ConfigError(
                f"sample {sample!r} appears twice (rows {seen[sample]} and {n})",
                path=str(path),
                record=where,
            )
        seen[sample] = n
        values: dict = {"sample": sample, "line": n}
        for col in FILE_COLUMNS:
            v = rec.get(col, "")
            if not v:
                values[col] = None
                continue
            p = Path(v) if Path(v).is_absolute() else base / v
            if check_files and not p.is_file():
                raise InputFileError(f"{col} file {v} does not exist", path=str(path), record=where)
            values[col] = str(p)
        if not values["vcf"]:
            raise ConfigError("the vcf column is empty", path=str(path), record=where)
        values["prior_therapy"] = tuple(
            t.strip() for t in re.split(r"[,;]", rec.get("prior_therapy", "")) if t.strip()
        )
        cns = rec.get("cns_metastases", "").lower()
        if cns and cns not in _BOOL:
            raise ConfigError(
                f"cns_metastases {cns!r} must be yes/no", path=str(path), record=where
            )
        values["cns_metastases"] = _BOOL.get(cns) if cns else None
        for col in ("purity", "ploidy"):
            v = rec.get(col, "")
            try:
                values[col] = float(v) if v else None
            except ValueError:
                raise ConfigError(
                    f"{col} {v!r} is not a number", path=str(path), record=where
                ) from None
        values["build"] = rec.get("build") or None
        from alkannot.api import clinical_context, parse_time_on_therapy

        values["specimen_type"] = rec.get("specimen_type") or None
        values["tumour_type"] = rec.get("tumour_type") or None
        try:
            times = parse_time_on_therapy(rec.get("time_on_therapy"))
            clinical_context(values["specimen_type"], None, times)  # checked before any job
        except ConfigError as exc:
            raise ConfigError(str(exc), path=str(path), record=where) from None
        values["time_on_therapy"] = tuple(times.items())
        rows.append(SampleRow(**values))
    if not rows:
        raise ConfigError("the sample sheet has no samples", path=str(path))
    return rows
