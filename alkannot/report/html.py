"""The self-contained per-sample HTML report (jinja2, inline CSS/JS/SVG, no network).

A Content-Security-Policy forbids every load and allows only the page's own script (by hash), so
even a string that escaped escaping could not run. The page shows a report date only when one is
given (``--report-date``, or ``SOURCE_DATE_EPOCH``): the output depends on the inputs alone, so the
same inputs give the same bytes on any day.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from functools import cache
from pathlib import Path

from alkannot.errors import ConfigError
from alkannot.models import SampleResult
from alkannot.report.atomic import write_text

MECHANISM_LABELS = {
    "on_target_mutation": "ALK secondary (on-target) mutation",
    "on_target_amplification": "ALK amplification",
    "fusion_loss": "ALK fusion lost",
    "bypass": "bypass track",
}
_FUSION_TEXT = {
    "present": "present",
    "lost": "LOST since baseline",
    "not_detected": "not detected (unconfirmed: not evidence of loss)",
    "absent": "not detected at baseline or at re-biopsy",
    "not_assessed": "not assessed (no fusion input)",
}
DRUG_GROUPS = (
    ("next_option", "Next options (ranked: positive call)"),
    ("avoid", "Avoid (resistant, reduced, or progressed on)"),
    ("investigational", "Investigational agents (positive call, not ranked)"),
    ("unranked", "Unknown or not ranked"),
)


@cache
def environment():
    """The jinja2 environment of the package templates (autoescape on)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def _bytecode_cache():
    """Compiled templates kept in the per-user cache (keyed by their source): saves ~0.03 s a run."""
    import jinja2

    from alkannot.cache import cache_dir

    directory = cache_dir(create=True)
    return jinja2.FileSystemBytecodeCache(str(directory), "jinja2-%s.cache") if directory else None


def report_date(given: str | None = None) -> str | None:
    """The report date to print: ``given`` (``YYYY-MM-DD``), else ``SOURCE_DATE_EPOCH``, else None.

    Raises
    ------
    ConfigError
        ``given`` is not a calendar date, or ``SOURCE_DATE_EPOCH`` is not a whole number.
    """
    if given:
        try:
            return dt.date.fromisoformat(given).isoformat()
        except ValueError:
            raise ConfigError(
                f"--report-date must be a date as YYYY-MM-DD, not {given!r}"
            ) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be seconds since 1970 (a whole number), not {epoch!r}"
        ) from None


def _asset(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text()


def script_and_hash() -> tuple[str, str]:
    """The page script and its CSP source expression (``'sha256-...'``)."""
    script = _asset("sort.js.j2")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return script, f"sha256-{digest}"


def references(result: SampleResult) -> list[str]:
    """Every citation used by the drug reasons, once, in order of appearance."""
    refs: dict[str, None] = {}
    for d in result.drugs:
        for r in d.reasons:
            for e in r.evidence:
                ids = ", ".join(x for x in (e.pmid and f"PMID {e.pmid}", e.civic_eid) if x)
                refs[e.citation + (f" ({ids})" if ids and ids not in e.citation else "")] = None
    return list(refs)


def render_html(result: SampleResult, date: str | None = None) -> str:
    """Return the report page as a string; ``date`` as for :func:`report_date`."""
    from markupsafe import Markup

    from alkannot.report.plots import copy_number_panel, lollipop
    from alkannot.report.reads import read_summary

    script, digest = script_and_hash()
    catalogue_positions = _catalogue_positions()
    thresholds = next((c.thresholds for c in result.copy_number if c.thresholds), {})
    key = [f for f in result.findings if f.drives_calls]
    template = environment().get_template("sample.html.j2")
    return template.render(
        r=result,
        css=Markup(_asset("base.css.j2")),
        script=Markup(script),
        script_hash=digest,
        report_date=report_date(date),
        mechanisms=[MECHANISM_LABELS.get(m, m) for m in result.mechanisms],
        key_findings=key,
        drug_groups=DRUG_GROUPS,
        fusion_caution=next(
            (
                f"{f.alteration}: {f.significance}. " + "; ".join(f.notes)
                for f in result.findings
                if f.kind == "fusion_loss"
            ),
            "",
        ),
        lollipop=Markup(
            lollipop(
                [f for f in result.findings if f.gene == "ALK" and f.kind == "mutation"],
                catalogue_positions,
            )
        ),
        cn_panel=Markup(copy_number_panel(result.copy_number, thresholds)),
        thresholds=thresholds,
        fusion_status_text=_FUSION_TEXT.get(result.fusion_status, result.fusion_status),
        references=references(result),
        read_lines=read_summary(result),
    )


@cache
def _catalogue_positions() -> list[tuple[int, str]]:
    import re

    from alkannot.catalogue import load_catalogue

    out = []
    for e in load_catalogue().entries.values():
        m = re.match(r"p\.[A-Z][a-z]{2}(\d+)", e.hgvsp)
        if e.gene == "ALK" and m:
            out.append((int(m.group(1)), e.alteration))
    return out


def write_html(result: SampleResult, path: str | Path, date: str | None = None) -> None:
    """Write ``{sample}.html`` atomically."""
    write_text(path, render_html(result, date))
