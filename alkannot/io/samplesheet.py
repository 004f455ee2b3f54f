"""Sample sheets (``config/samples.tsv``): read, validate, resolve paths.

Columns: ``sample, vcf, vcf_sample, cnv, fusions, baseline_vcf, baseline_cnv, baseline_fusions,
baseline_sample, prior_therapy, cns_metastases, purity, ploidy, build, bam, baseline_bam,
rna_bam, reference, specimen_type, tumour_type, time_on_therapy``; only ``sample`` and ``vcf``
are required, the others may be missing or blank (``vcf`` may be blank when ``bam`` is given).
Paths are relative to the sheet's ``base`` directory (the workflow's working directory). Every
problem names the row; nothing runs on a bad sheet.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from alkannot.bounds import PLOIDY, PURITY
from alkannot.errors import ConfigError, InputFileError
from alkannot.models import Thresholds
from alkannot.outdir import MAX_SAMPLE_ID_BYTES
from alkannot.request import (
    SampleRequest,
    check_collection_date,
    check_specimen_type,
    check_time_on_therapy,
    parse_time_on_therapy,
    sample_request,
)

#: columns naming input files (paths relative to the sheet's base)
FILE_COLUMNS = (
    "vcf",
    "cnv",
    "fusions",
    "baseline_vcf",
    "baseline_cnv",
    "baseline_fusions",
    "bam",
    "baseline_bam",
    "rna_bam",
    "reference",
)
COLUMNS = (
    "sample",
    *FILE_COLUMNS[:6],
    "baseline_sample",
    "prior_therapy",
    "cns_metastases",
    "purity",
    "ploidy",
    "build",
    "progressed_on",
    *FILE_COLUMNS[6:],
    "specimen_type",
    "tumour_type",
    "time_on_therapy",
    # the patient timeline (alkannot.io.timeline reads them; each sample is annotated on its own)
    "patient",
    "collection_date",
    "timepoint",
    # the tumour's name inside the files, when it is not the row's id (a stated mapping)
    "vcf_sample",
)
REQUIRED = ("sample", "vcf")
SAFE_SAMPLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: directories the workflow writes beside the sample directories
RESERVED = ("cohort", "logs", "benchmarks", "patients")


@dataclass(frozen=True)
class SampleRow:
    """One validated sample-sheet row; paths resolved, optional values ``None``."""

    sample: str
    vcf: str | None
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
    progressed_on: tuple[str, ...] | None = None
    specimen_type: str | None = None
    tumour_type: str | None = None
    time_on_therapy: tuple[tuple[str, str], ...] = ()
    line: int = 0
    bam: str | None = None
    baseline_bam: str | None = None
    rna_bam: str | None = None
    reference: str | None = None  # FASTA of the build (needed to read a CRAM)
    baseline_sample: str | None = None  # the baseline's sample in multi-sample baseline files
    vcf_sample: str | None = None  # the tumour's name in the files (VCF column, BAM SM)
    collection_date: str | None = None  # YYYY-MM-DD (also the patient timeline's)

    def request(self, thresholds: Thresholds | None = None) -> SampleRequest:
        """The row as a :class:`~alkannot.request.SampleRequest` (its files must exist).

        ``thresholds`` are the batch's support rules (default: the defaults); ``purity`` and
        ``ploidy`` apply to both time points, as on the command line.
        """
        request = sample_request(
            self.vcf,
            sample_name=self.sample,
            build=self.build,
            cnv=self.cnv,
            fusions=self.fusions,
            baseline_vcf=self.baseline_vcf,
            baseline_cnv=self.baseline_cnv,
            baseline_fusions=self.baseline_fusions,
            baseline_sample=self.baseline_sample,
            vcf_sample=self.vcf_sample,
            collection_date=self.collection_date,
            prior_therapy=self.prior_therapy,
            cns_metastases=self.cns_metastases,
            purity=self.purity,
            ploidy=self.ploidy,
            progressed_on=self.progressed_on,
            bam=self.bam,
            baseline_bam=self.baseline_bam,
            rna_bam=self.rna_bam,
            reference=self.reference,
            specimen_type=self.specimen_type,
            tumour_type=self.tumour_type,
            time_on_therapy=dict(self.time_on_therapy),
        )
        return request if thresholds is None else replace(request, thresholds=thresholds)


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
    from alkannot.io.tables import read_lines

    # UTF-8 with or without a byte-order mark; UTF-16, binary or non-UTF-8 text is one clear error.
    # (line number in the file, text): messages name the row as a spreadsheet shows it
    numbered = [
        (n, x)
        for n, x in enumerate(read_lines(str(path), "sample sheet"), start=1)
        if x.strip() and not x.startswith("#")
    ]
    reader = csv.DictReader([x for _, x in numbered], delimiter="\t")
    _check_columns(path, [c.strip() for c in (reader.fieldnames or [])], numbered)
    rows, seen, vcfs = [], {}, {}
    for (n, _), raw in zip(numbered[1:], reader, strict=False):
        rec = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        row = _Row(path, n, rec)
        sample = _sample_id(row, seen)
        values: dict = {"sample": sample, "line": n}
        values |= _files(row, base, check_files)
        _one_row_per_vcf(row, values, vcfs)
        values |= _clinical(row)
        rows.append(SampleRow(**values))
    if not rows:
        raise ConfigError("the sample sheet has no samples", path=str(path))
    return rows


@dataclass(frozen=True)
class _Row:
    """One data row being read: the sheet, its 1-based line and its cells by column."""

    path: Path
    n: int
    rec: dict[str, str]

    def error(self, message: str, col: str | None = None) -> ConfigError:
        """The one-line error naming the sheet, the row, the column and the sample."""
        record = f"row {self.n}" if col is None else self.where(col)
        return ConfigError(message, path=str(self.path), record=record)

    def where(self, col: str) -> str:
        return f"row {self.n}, column {col} (sample {self.rec.get('sample', '')!r})"


def _check_columns(path: Path, cols: list[str], numbered: list[tuple[int, str]]) -> None:
    header = f"row {numbered[0][0]} (header)" if numbered else "header"
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ConfigError(
            f"missing required column(s) {', '.join(missing)}; columns are {', '.join(COLUMNS)}",
            path=str(path),
            record=header,
        )
    twice = sorted({c for c in cols if cols.count(c) > 1})
    if twice:  # csv.DictReader would silently keep the last one
        raise ConfigError(
            f"column(s) {', '.join(twice)} appear more than once; keep one of each",
            path=str(path),
            record=header,
        )
    unknown = [c for c in cols if c not in COLUMNS]
    if unknown:
        raise ConfigError(
            f"unknown column(s) {', '.join(unknown)}; allowed: {', '.join(COLUMNS)}",
            path=str(path),
            record=header,
        )


def _sample_id(row: _Row, seen: dict[str, tuple[str, int]]) -> str:
    sample = row.rec.get("sample", "")
    if not SAFE_SAMPLE.match(sample) or sample in RESERVED:
        raise row.error(
            f"sample id {sample!r} is not a safe file name (letters, digits, "
            "'.', '_', '-'; no spaces or slashes; not " + ", ".join(RESERVED) + ")",
            "sample",
        )
    if len(sample.encode()) > MAX_SAMPLE_ID_BYTES:
        raise row.error(
            f"sample id is {len(sample.encode())} bytes, longer than {MAX_SAMPLE_ID_BYTES}: "
            "its file names would exceed the file-name limit"
        )
    # case-folded: P01 and p01 would share one folder on a case-insensitive file system
    if sample.casefold() in seen:
        first, n = seen[sample.casefold()]
        raise row.error(
            f"sample {sample!r} appears twice (rows {n} and {row.n}"
            + (f", as {first!r}" if first != sample else "")
            + "); sample ids name folders, so each must differ even ignoring case",
            "sample",
        )
    seen[sample.casefold()] = (sample, row.n)
    return sample


def _one_row_per_vcf(row: _Row, values: dict, vcfs: dict[tuple[str, str], tuple[str, int]]) -> None:
    """A re-biopsy's VCF, BAM and RNA BAM belong to one sample: two rows sharing one would report
    one tumour twice under two names (a baseline file may serve several re-biopsies of one
    patient)."""
    for col, what in (("vcf", "re-biopsy VCF"), ("bam", "re-biopsy BAM"), ("rna_bam", "RNA BAM")):
        if not values.get(col):
            continue
        key = (col, str(Path(values[col]).resolve()))
        if key in vcfs:
            other, n = vcfs[key]
            raise row.error(
                f"the {col} of sample {values['sample']!r} is also the {col} of sample "
                f"{other!r} (row {n}); each row needs its own {what}",
                col,
            )
        vcfs[key] = (values["sample"], row.n)


def _files(row: _Row, base: Path, check_files: bool) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for col in FILE_COLUMNS:
        v = row.rec.get(col, "")
        if not v:
            values[col] = None
            continue
        p = Path(v) if Path(v).is_absolute() else base / v
        if check_files and not p.is_file():
            raise InputFileError(
                f"{col} file {v} does not exist", path=str(row.path), record=row.where(col)
            )
        values[col] = str(p)
    if not values["vcf"] and not values["bam"]:
        raise row.error("the vcf column is empty (give a vcf, a bam, or both)", "vcf")
    return values


def _clinical(row: _Row) -> dict:
    rec = row.rec
    values: dict = {}
    values["prior_therapy"] = tuple(
        t.strip() for t in re.split(r"[,;]", rec.get("prior_therapy", "")) if t.strip()
    )
    progressed = rec.get("progressed_on", "")
    values["progressed_on"] = (
        tuple(t.strip() for t in re.split(r"[,;]", progressed) if t.strip())
        if progressed.strip()
        else None
    )
    cns = rec.get("cns_metastases", "").lower()
    if cns and cns not in _BOOL:
        raise row.error(f"{cns!r} must be yes or no", "cns_metastases")
    values["cns_metastases"] = _BOOL.get(cns) if cns else None
    for col, rng in (("purity", PURITY), ("ploidy", PLOIDY)):
        v = rec.get(col, "")
        try:
            x = float(v) if v else None
        except ValueError:
            x = float("nan")
        if x is not None and rng.problem(x):
            raise row.error(f"{v!r} must be a number in {rng.describe()}", col)
        values[col] = x
    values["build"] = rec.get("build") or None
    values["baseline_sample"] = rec.get("baseline_sample") or None
    values["vcf_sample"] = rec.get("vcf_sample") or None
    values["collection_date"] = rec.get("collection_date") or None
    try:
        check_collection_date(values["collection_date"])
    except ConfigError as exc:
        raise row.error(str(exc), "collection_date") from None
    values["specimen_type"] = rec.get("specimen_type") or None
    values["tumour_type"] = rec.get("tumour_type") or None
    for col in ("specimen_type", "time_on_therapy"):  # checked before any job
        try:
            times = parse_time_on_therapy(rec.get("time_on_therapy"))
            check_specimen_type(values["specimen_type"])
            check_time_on_therapy(times)
        except ConfigError as exc:
            if col == "specimen_type" and "specimen" not in str(exc):
                continue
            raise row.error(str(exc), col) from None
    values["time_on_therapy"] = tuple(times.items())
    return values
