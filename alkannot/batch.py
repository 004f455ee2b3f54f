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
    min_alt_reads: int | None = None,
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
    for row in rows:
        sample_dir = Path(outdir) / row.sample
        error_file = sample_dir / f"{row.sample}.error.txt"
        try:
            extra = {
                k: v
                for k, v in (
                    ("min_vaf", min_vaf),
                    ("min_depth", min_depth),
                    ("min_alt_reads", min_alt_reads),
                )
                if v is not None
            }
            result = annotate_sample(row.vcf, **row.annotate_kwargs(), **extra)
            write_sample_reports(result, sample_dir, formats, report_date)
            error_file.unlink(missing_ok=True)
        except AlkannotError as exc:
            write_text(error_file, exc.one_line() + "\n")
            failed.append((row.sample, exc.one_line()))
    return failed
