"""``alkannot patient``: each patient's samples on one timeline."""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sheet", type=click.Path())
@click.option(
    "-r",
    "--results",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory holding {sample}/{sample}.json (as batch and the workflow write it).",
)
@click.option(
    "-t",
    "--treatments",
    type=click.Path(),
    help="treatments.tsv: patient, drug, start, stop, reason.",
)
@click.option(
    "-p",
    "--patient",
    "patients",
    multiple=True,
    help="Only this patient (repeatable) [default: all].",
)
@click.option(
    "-o",
    "--outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for {patient}.timeline.tsv, {patient}.json and {patient}.html.",
)
@click.option(
    "--catalogue", type=click.Path(), help="The local catalogue the samples were annotated with."
)
@click.option("--report-date", help="Date printed on the pages (YYYY-MM-DD) [default: none].")
def patient(
    sheet: str,
    results: str,
    treatments: str | None,
    patients: tuple[str, ...],
    outdir: str,
    catalogue: str | None,
    report_date: str | None,
) -> None:
    """Build each patient's timeline from the sample SHEET's patient columns and the results."""
    from alkannot.outdir import check_outdir
    from alkannot.patient import build_patients, write_patient_reports

    check_outdir(outdir)  # before any input is read
    timelines = build_patients(sheet, results, treatments, patients, catalogue)
    for t in timelines:
        for kind, path in sorted(write_patient_reports(t, outdir, report_date=report_date).items()):
            click.echo(f"{t.patient} {kind}: {path}")
