"""``alkannot cohort``: summarise annotated samples."""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("jsons", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for cohort.tsv, mechanisms.tsv, cohort.xlsx and index.html.",
)
@click.option("--report-date", help="Date printed on the overview (YYYY-MM-DD) [default: none].")
@click.option(
    "--patients",
    type=click.Path(file_okay=False),
    help="Folder of the patient timelines ('alkannot patient'): group the samples by patient.",
)
def cohort(
    jsons: tuple[str, ...], outdir: str, report_date: str | None, patients: str | None
) -> None:
    """Summarise per-sample results (JSON files or sample directories) into a cohort overview."""
    from alkannot.api import annotate_cohort
    from alkannot.outdir import check_outdir, owned

    check_outdir(outdir)  # before any input is read
    with owned(outdir):
        cohort = annotate_cohort(
            list(jsons),
            outdir,
            report_date,
            patients,
            warn=lambda message: click.echo(f"alkannot: warning: {message}", err=True),
        )
    for folder in cohort.passed_over:
        click.echo(f"passed over: {folder}", err=True)
    for kind in sorted(cohort.paths):
        click.echo(f"{kind}: {cohort.paths[kind]}")
