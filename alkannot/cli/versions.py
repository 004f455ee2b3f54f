"""``alkannot versions``: what produced a run's results."""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the table here [default: stdout].",
)
def versions(output: str | None) -> None:
    """Versions of alkannot, its catalogue, Python, the packages and system tools it uses."""
    from alkannot.versions import versions_tsv

    text = versions_tsv()
    if output is None:
        click.echo(text, nl=False)
        return
    from alkannot.report.atomic import write_text

    write_text(output, text)
