"""Sample sheets (``config/samples.tsv``): read, validate, resolve paths.

Columns: ``sample, vcf, cnv, fusions, baseline_vcf, baseline_cnv, baseline_fusions,
prior_therapy, cns_metastases, purity, ploidy, build, bam, baseline_bam, rna_bam, reference,
specimen_type, tumour_type, time_on_therapy``; only ``sample`` and ``vcf`` are required, the others
may be missing or blank (``vcf`` may be blank when ``bam`` is given). Paths are relative to the
sheet's ``base`` directory (the workflow's working directory). Every problem names the row; nothing
runs on a bad sheet.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from alkannot.errors import ConfigError, InputFileError
from alkannot.io.bounds import PLOIDY, PURITY
from alkannot.outdir import MAX_SAMPLE_ID_BYTES

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
)
REQUIRED = ("sample", "vcf")
SAFE_SAMPLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: directories the workflow writes beside the sample directories
RESERVED = ("cohort", "logs", "benchmarks")


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
            progressed_on=self.progressed_on,
            bam=self.bam,
            baseline_bam=self.baseline_bam,
            rna_bam=self.rna_bam,
            reference=self.reference,
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


def _one_row_per_vcf(values: dict, vcfs: dict, path: Path, where: str) -> None:
    """A re-biopsy VCF belongs to one sample: two rows sharing it would report one tumour twice
    under two names (a baseline VCF may serve several re-biopsies of one patient)."""
    if not values.get("vcf"):
        return
    key = str(Path(values["vcf"]).resolve())
    if key in vcfs:
        other, row = vcfs[key]
        raise ConfigError(
            f"the vcf of sample {values['sample']!r} is also the vcf of sample {other!r} "
            f"(row {row}); each row needs its own re-biopsy VCF",
            path=str(path),
            record=where,
        )
    vcfs[key] = (values["sample"], values["line"])


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
    cols = [c.strip() for c in (reader.fieldnames or [])]
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
    rows, seen, vcfs = [], {}, {}
    for (n, _), raw in zip(numbered[1:], reader, strict=False):
        rec = {k.strip(): (v or "").strip() for k, v in raw.items() if k}

        def where(col: str, n: int = n, rec: dict = rec) -> str:
            return f"row {n}, column {col} (sample {rec.get('sample', '')!r})"

        sample = rec.get("sample", "")
        if not SAFE_SAMPLE.match(sample) or sample in RESERVED:
            raise ConfigError(
                f"sample id {sample!r} is not a safe file name (letters, digits, "
                "'.', '_', '-'; no spaces or slashes; not " + ", ".join(RESERVED) + ")",
                path=str(path),
                record=where("sample"),
            )
        if len(sample.encode()) > MAX_SAMPLE_ID_BYTES:
            raise ConfigError(
                f"sample id is {len(sample.encode())} bytes, longer than {MAX_SAMPLE_ID_BYTES}: "
                "its file names would exceed the file-name limit",
                path=str(path),
                record=f"row {n}",
            )
        # case-folded: P01 and p01 would share one folder on a case-insensitive file system
        if sample.casefold() in seen:
            first, row = seen[sample.casefold()]
            raise ConfigError(
                f"sample {sample!r} appears twice (rows {row} and {n}"
                + (f", as {first!r}" if first != sample else "")
                + "); sample ids name folders, so each must differ even ignoring case",
                path=str(path),
                record=where("sample"),
            )
        seen[sample.casefold()] = (sample, n)
        values: dict = {"sample": sample, "line": n}
        for col in FILE_COLUMNS:
            v = rec.get(col, "")
            if not v:
                values[col] = None
                continue
            p = Path(v) if Path(v).is_absolute() else base / v
            if check_files and not p.is_file():
                raise InputFileError(
                    f"{col} file {v} does not exist", path=str(path), record=where(col)
                )
            values[col] = str(p)
        if not values["vcf"] and not values["bam"]:
            raise ConfigError(
                "the vcf column is empty (give a vcf, a bam, or both)",
                path=str(path),
                record=where("vcf"),
            )
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
            raise ConfigError(
                f"{cns!r} must be yes or no", path=str(path), record=where("cns_metastases")
            )
        values["cns_metastases"] = _BOOL.get(cns) if cns else None
        for col, rng in (("purity", PURITY), ("ploidy", PLOIDY)):
            v = rec.get(col, "")
            try:
                x = float(v) if v else None
            except ValueError:
                x = float("nan")
            if x is not None and rng.problem(x):
                raise ConfigError(
                    f"{v!r} must be a number in {rng.describe()}", path=str(path), record=where(col)
                )
            values[col] = x
        values["build"] = rec.get("build") or None
        from alkannot.api import clinical_context, parse_time_on_therapy

        values["specimen_type"] = rec.get("specimen_type") or None
        values["tumour_type"] = rec.get("tumour_type") or None
        for col in ("specimen_type", "time_on_therapy"):  # checked before any job
            try:
                times = parse_time_on_therapy(rec.get("time_on_therapy"))
                clinical_context(values["specimen_type"], None, times)
            except ConfigError as exc:
                if col == "specimen_type" and "specimen" not in str(exc):
                    continue
                raise ConfigError(str(exc), path=str(path), record=where(col)) from None
        values["time_on_therapy"] = tuple(times.items())
        _one_row_per_vcf(values, vcfs, path, where("vcf"))
        rows.append(SampleRow(**values))
    if not rows:
        raise ConfigError("the sample sheet has no samples", path=str(path))
    return rows
