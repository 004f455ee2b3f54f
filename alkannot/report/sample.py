"""Write one sample's reports: every format asked for, into one folder, all or nothing.

Each writer is imported only when its format is asked for (jinja2 and openpyxl cost start-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alkannot.errors import ConfigError
from alkannot.models import SampleResult

REPORT_FORMATS = ("tsv", "json", "html", "xlsx")
#: Formats written only when asked for: ``pdf`` needs a Chromium browser on the machine.
OPTIONAL_FORMATS = ("pdf",)


def write_sample_reports(
    result: SampleResult,
    outdir: str | Path,
    formats: Sequence[str] = REPORT_FORMATS,
    report_date: str | None = None,
    signoff: dict[str, str | None] | None = None,
    paper: str | None = None,
) -> dict[str, Path]:
    """Write the per-sample outputs into ``outdir`` and return their paths by kind.

    ``tsv`` writes ``{sample}.findings.tsv``, ``{sample}.drugs.tsv`` and ``{sample}.skipped.tsv``
    (and ``{sample}.reads.tsv``, ``{sample}.phase.tsv`` when there is read evidence);
    ``json``, ``html`` and ``xlsx`` write ``{sample}.json``, ``{sample}.html``, ``{sample}.xlsx``;
    ``pdf`` (optional, not in the defaults) prints the HTML page to ``{sample}.pdf`` with headless
    Chromium. Every file is written atomically, all or nothing. ``report_date`` (``YYYY-MM-DD``)
    is printed on the HTML page; without it the page says "not given", so that outputs depend on
    the inputs alone. ``signoff`` fills the sign-off block (``reviewed_by``, ``date``,
    ``decision``); ``paper`` (``A4``/``Letter``) is the PDF page size.
    """
    check_report_request(formats, report_date)
    from alkannot.outdir import staged

    outdir = Path(outdir)
    paths: dict[str, Path] = {}
    # all or nothing: written into a staging folder, then moved into place together
    with staged(outdir, sample=result.sample) as stage:
        if "tsv" in formats:
            paths.update(_tsv(result, stage))
        for fmt, write in _ONE_FILE.items():  # in this order, whatever the order asked
            if fmt in formats:
                paths[fmt] = stage / f"{result.sample}.{fmt}"
                write(result, paths[fmt], report_date, signoff, paper)
    return {kind: outdir / p.name for kind, p in paths.items()}


def check_report_request(formats: Sequence[str], report_date: str | None) -> None:
    """Fail before any file is written: an unknown format, a bad date, no browser for PDF.

    Raises
    ------
    ConfigError
        Naming the problem.
    """
    unknown = sorted(set(formats) - set(REPORT_FORMATS) - set(OPTIONAL_FORMATS))
    if unknown:
        raise ConfigError(
            f"unknown report format(s) {', '.join(unknown)}; choose from "
            f"{', '.join(REPORT_FORMATS + OPTIONAL_FORMATS)}"
        )
    if report_date:
        from alkannot.report.html import report_date as check_date

        check_date(report_date)  # a bad date fails before any file is written
    if "pdf" in formats:
        from alkannot.report.pdf import find_browser

        find_browser()  # no browser: fail before any file is written


def _tsv(result: SampleResult, stage: Path) -> dict[str, Path]:
    from alkannot.report.tsv import write_tsvs

    paths = write_tsvs(result, stage)
    if result.reads is not None:
        from alkannot.report.reads import write_read_tsvs

        paths.update(write_read_tsvs(result, stage))
    return paths


def _json(result, path, report_date, signoff, paper) -> None:
    from alkannot.report.json import write_json

    write_json(result, path)


def _html(result, path, report_date, signoff, paper) -> None:
    from alkannot.report.html import write_html

    write_html(result, path, report_date, signoff)


def _xlsx(result, path, report_date, signoff, paper) -> None:
    from alkannot.report.xlsx import write_xlsx

    write_xlsx(result, path)


def _pdf(result, path, report_date, signoff, paper) -> None:
    from alkannot.report.html import render_html
    from alkannot.report.pdf import write_pdf

    write_pdf(render_html(result, report_date, signoff, paper or "A4"), path)


#: the one-file formats, written to ``{sample}.{format}``, in this order after the TSVs
_ONE_FILE = {"json": _json, "html": _html, "xlsx": _xlsx, "pdf": _pdf}
