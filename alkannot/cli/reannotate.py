"""``alkannot reannotate``: re-decide stored results with another catalogue."""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("results", nargs=-1, required=True, type=click.Path())
@click.option(
    "--catalogue", "catalogue", required=True, type=click.Path(dir_okay=False),
    help="The catalogue to decide with (a new version, e.g. from 'catalogue import-civic --apply').",
)  # fmt: skip
@click.option("-o", "--outdir", required=True, help="A new folder for the new reports.")
@click.option("--formats", default="tsv,json,html", show_default=True, help="Report formats.")
@click.option("--report-date", default=None, help="Date printed on the HTML reports (YYYY-MM-DD).")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1), help="Processes.")
def reannotate(results, catalogue, outdir, formats, report_date, jobs) -> None:
    """Re-decide stored results (sample JSON files or folders) with CATALOGUE: no input is re-read.

    Writes OUTDIR/{sample}/ reports naming both catalogue versions, and OUTDIR/reannotation.tsv
    and .md: per sample the calls and ranked next options that changed and why.
    """
    from alkannot.knowledge.reannotate import reannotate as run

    fmts = tuple(f.strip() for f in formats.split(",") if f.strip())
    _rows, summary = run(results, catalogue, outdir, fmts, report_date, jobs)
    click.echo(summary)
