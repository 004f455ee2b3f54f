"""Annotate many samples in one process (the CLI ``batch`` command and the workflow's batched rule).

Per-sample failures are isolated: the sample's ``{sample}.error.txt`` says why, its other outputs
are not written, and the remaining samples go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alkannot.errors import AlkannotError
from alkannot.report.atomic import write_text


def run_batch(
    samplesheet: str | Path,
    outdir: Path,
    base: str | Path = ".",
    only: Sequence[str] = (),
    formats: Sequence[str] = ("tsv", "json", "html", "xlsx"),
    min_vaf: float | None = None,
    min_depth: int | None = None,
    report_date: str | None = None,
) -> list[tuple[str, str]]:
    """Annotate the sheet's samples into ``outdir/{sample}/``; return ``(sample, error)`` pairs."""
    from alkannot.api import annotate_sample, write_sample_reports
    from alkannot.io.samplesheet import read_samplesheet
    from alkannot.report.html import report_date as check_date

    check_date(report_date)  # once for the batch, not as an error of every sample
    rows = read_samplesheet(samplesheet, base=base)
    if only:
        unknown = sorted(set(only) - {r.sample for r in rows})
        if unknown:
            from alkannot.errors import ConfigError

            raise ConfigError(
                f"sample(s) {', '.join(unknown)} not in the sheet", path=str(samplesheet)
            )
        rows = [r for r in rows if r.sample in only]
    failed = []

    def fail(row, sample_dir: Path, error_file: Path, message: str) -> None:
        # a failed sample keeps no reports from an earlier run next to its error file
        for old in sample_dir.glob(f"{row.sample}.*"):
            if old != error_file and old.name.split(".")[-1] in ("tsv", "json", "html", "xlsx"):
                old.unlink(missing_ok=True)
        write_text(error_file, message + "\n")
        failed.append((row.sample, message))

    for row in rows:
        sample_dir = Path(outdir) / row.sample
        error_file = sample_dir / f"{row.sample}.error.txt"
        try:
            extra = {
                k: v for k, v in (("min_vaf", min_vaf), ("min_depth", min_depth)) if v is not None
            }
            result = annotate_sample(row.vcf, **row.annotate_kwargs(), **extra)
            write_sample_reports(result, sample_dir, formats, report_date)
            error_file.unlink(missing_ok=True)
        except AlkannotError as exc:
            fail(row, sample_dir, error_file, exc.one_line())
        except Exception as exc:  # noqa: BLE001 - one sample's bug must not stop the batch
            message = (
                f"internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                "please report it with this sample's inputs"
            )
            fail(row, sample_dir, error_file, message)
    return failed
