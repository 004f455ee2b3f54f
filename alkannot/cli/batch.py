"""``alkannot batch``: every sample of a sample sheet in one process."""

from __future__ import annotations

from pathlib import Path

import click

from alkannot.api import DEFAULT_MIN_ALT_READS, DEFAULT_MIN_DEPTH, DEFAULT_MIN_VAF


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("samplesheet", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Results directory; each sample gets OUTDIR/{sample}/.",
)
@click.option(
    "--base",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Directory the sheet's relative paths are relative to.",
)
@click.option(
    "--only",
    multiple=True,
    help="Annotate only these samples (repeatable, or comma-separated).",
)
@click.option(
    "--formats", default="tsv,json,html,xlsx", show_default=True, help="Reports to write."
)
@click.option("--min-vaf", type=float, default=DEFAULT_MIN_VAF, show_default=True)
@click.option("--min-depth", type=int, default=DEFAULT_MIN_DEPTH, show_default=True)
@click.option("--min-alt-reads", type=int, default=DEFAULT_MIN_ALT_READS, show_default=True)
@click.option(
    "--report-date", help="Date printed on the HTML reports (YYYY-MM-DD) [default: none]."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes.",
)
@click.option(
    "--failures-ok",
    is_flag=True,
    help="Exit 0 when some samples fail (each failure is in its {sample}.error.txt).",
)
def batch(
    samplesheet: str,
    outdir: str,
    base: str,
    only: tuple[str, ...],
    formats: str,
    min_vaf: float,
    min_depth: int,
    min_alt_reads: int,
    report_date: str | None,
    jobs: int,
    failures_ok: bool,
) -> None:
    """Annotate every sample of SAMPLESHEET; a failing sample does not stop the others."""
    from alkannot.batch import BatchInterrupted, run_batch, summary_line
    from alkannot.io.samplesheet import read_samplesheet
    from alkannot.outdir import check_outdir

    check_outdir(outdir)  # before any sample is read
    try:
        failed = run_batch(
            samplesheet,
            Path(outdir),
            base=base,
            only=[s for value in only for s in value.split(",") if s],
            formats=tuple(f for f in formats.split(",") if f),
            min_vaf=min_vaf,
            min_depth=min_depth,
            min_alt_reads=min_alt_reads,
            report_date=report_date,
            jobs=jobs,
        )
    except BatchInterrupted as stop:  # Ctrl-C: the partial summary, quietly
        for sample, message in stop.failed:
            click.echo(f"alkannot: error: {sample}: {message}", err=True)
        click.echo(f"alkannot: {stop.summary()}", err=True)
        raise SystemExit(130) from None
    for sample, message in failed:
        click.echo(f"alkannot: error: {sample}: {message}", err=True)
    rows = read_samplesheet(samplesheet, base=base)
    wanted = {s for value in only for s in value.split(",") if s}
    samples = [r.sample for r in rows if not wanted or r.sample in wanted]
    click.echo(f"alkannot: {summary_line(samples, failed)}", err=True)
    if failed and not failures_ok:
        raise SystemExit(2)
