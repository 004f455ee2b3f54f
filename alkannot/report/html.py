"""The self-contained per-sample HTML report (jinja2, inline CSS/JS/SVG, no network).

A Content-Security-Policy forbids every load and allows only the page's own script (by hash), so
even a string that escaped escaping could not run. The page shows a report date only when one is
given (``--report-date``, or ``SOURCE_DATE_EPOCH``): the output depends on the inputs alone, so the
same inputs give the same bytes on any day.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
from functools import cache
from pathlib import Path

from alkannot.errors import ConfigError
from alkannot.models import SampleResult
from alkannot.report.atomic import write_text
from alkannot.report.text import neutralise_bidi

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
_ORDER = {"resistant": 0, "reduced": 1, "unknown": 2, "sensitive": 3}
#: Text markers beside the colours, so a call reads the same in grey print and to colour-blind
#: readers: + sensitive, ± reduced, − resistant, ? unknown.
CALL_MARKERS = {"sensitive": "+", "reduced": "±", "resistant": "−", "unknown": "?"}
#: Review section 2.3, verbatim: why "not detected" is not "lost".
FUSION_CAUTION = (
    "“It is difficult to prove loss of ALK in clinical samples, because ALK detection is affected "
    "easily by various factors. In addition, we always have to consider whether the specimens "
    "contain sufficient cancer cells for analysis and whether the processes used to obtain "
    "formalin-fixed paraffin-embedded sections and store samples are appropriate [47].” "
    "(review, section 2.3)"
)


@cache
def environment():
    """The jinja2 environment of the package templates (autoescape on)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def _finalize(value):
    # every value printed by the templates: bidirectional controls made visible (Markup, i.e. the
    # page's own CSS, script and SVG, was built from neutralised text already)
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return neutralise_bidi(value)
    return value


def css_string(text: str) -> str:
    """A CSS string literal of ``text`` (for ``@page`` headers): every non-plain character escaped."""
    safe = "".join(
        c if c.isascii() and (c.isalnum() or c in " ._-:/") else f"\\{ord(c):x} "
        for c in neutralise_bidi(text)
    )
    return f'"{safe}"'


def _bytecode_cache():
    """Compiled templates kept in the per-user cache (keyed by their source): saves ~0.03 s a run."""
    import jinja2

    from alkannot.cache import cache_dir

    directory = cache_dir(create=True)
    if directory is None:
        return None

    class CheckedCache(jinja2.FileSystemBytecodeCache):
        """A damaged entry (zero-filled, truncated) is dropped and compiled again, never fatal."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - marshal raises EOFError, ValueError, TypeError
                bucket.reset()
                with contextlib.suppress(OSError):
                    os.unlink(self._get_cache_filename(bucket))

    return CheckedCache(str(directory), "jinja2-%s.cache")


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


def references(result: SampleResult) -> list[dict]:
    """Every citation used by the drug reasons, once, in order, with links and resolved numbers."""
    from alkannot.report.citations import civic_url, pubmed_url, resolved

    refs: dict[str, dict] = {}
    for d in result.drugs:
        for r in d.reasons:
            for e in r.evidence:
                if e.citation in refs:
                    continue
                refs[e.citation] = {
                    "citation": e.citation,
                    "pmid": e.pmid,
                    "pmid_url": pubmed_url(e.pmid),
                    "civic": e.civic_eid,
                    "civic_url": civic_url(e.civic_eid),
                    "review": resolved(e.citation),
                }
    return list(refs.values())


def render_html(
    result: SampleResult,
    date: str | None = None,
    signoff: dict[str, str | None] | None = None,
    paper: str | None = None,
) -> str:
    """Return the report page as a string.

    ``date`` as for :func:`report_date`; ``signoff`` fills the sign-off block (``reviewed_by``,
    ``date``, ``decision``; blank lines otherwise); ``paper`` (``A4``/``Letter``) fixes the printed
    page size, else the browser's print dialog chooses.
    """
    from markupsafe import Markup

    from alkannot.annotate import COPY_NUMBER_GENES
    from alkannot.report import firstscreen as fs
    from alkannot.report.citations import REVIEW, civic_url, doi_url, pubmed_url
    from alkannot.report.plots import copy_number_panel, lollipop
    from alkannot.report.reads import read_model

    script, digest = script_and_hash()
    catalogue_positions = _catalogue_positions()
    thresholds = copy_number_thresholds(result)
    date = report_date(date)
    cn_input = any(i.role == "cnv" for i in result.inputs)
    template = environment().get_template("sample.html.j2")
    return template.render(
        r=result,
        css=Markup(_asset("base.css.j2")),
        page_css=Markup(_page_css(result, date, paper)),
        script=Markup(script),
        script_hash=digest,
        report_date=date,
        mechanisms=[MECHANISM_LABELS.get(m, m) for m in result.mechanisms],
        key_findings=fs.key_findings(result),
        fs=fs,
        **first_screen(result),
        fusion_caution=FUSION_CAUTION if fs.fusion_caution_applies(result) else "",
        fusion_finding=next(
            (
                f"{f.alteration}: {f.significance}. " + "; ".join(f.notes)
                for f in result.findings
                if f.kind == "fusion_loss"
            ),
            "",
        ),
        markers=CALL_MARKERS,
        drugs_resistance_first=sorted(
            result.drugs, key=lambda d: (_ORDER[d.call], fs.drug_rank(d) or 10**6, d.drug)
        ),
        lollipop=Markup(
            lollipop(
                [f for f in result.findings if f.gene == "ALK" and f.kind == "mutation"],
                catalogue_positions,
            )
        ),
        cn_panel=Markup(copy_number_panel(result.copy_number, COPY_NUMBER_GENES, cn_input)),
        thresholds=thresholds,
        fusion_status_text=_FUSION_TEXT.get(result.fusion_status, result.fusion_status),
        references=references(result),
        read_sites=result.reads.genotypes if result.reads is not None else [],
        read_settings=result.reads.settings if result.reads is not None else {},
        read_model=read_model(result),
        review=REVIEW,
        review_url=doi_url(REVIEW["doi"]),
        pubmed_url=pubmed_url,
        civic_url=civic_url,
        catalogue=result.settings.get("catalogue", {}),
        signoff={k: v for k, v in (signoff or {}).items() if v},
    )


def first_screen(result: SampleResult) -> dict:
    """What the first screen's template blocks need: the drug blocks, the compact avoid list,
    the seen/not-seen rows, caveats, explanations, the read line and "where next"."""
    from alkannot.report import firstscreen as fs

    blocks = fs.drug_blocks(result.drugs)
    seen = fs.not_seen(result)
    avoid_lines, avoid_others = fs.avoid_summary(blocks.avoid)
    return {
        "blocks": blocks,
        "not_seen": seen,
        "avoid_lines": avoid_lines,
        "avoid_others": avoid_others,
        "caveats": fs.caveats(result, seen),
        "explains": fs.explanations(result),
        "where_next": fs.where_next(result, blocks),
        "read_line": fs.read_line(result),
    }


def copy_number_thresholds(result: SampleResult) -> dict[str, str]:
    """Copy-number thresholds as printed: ``{"amplification": "ALK, KIT 2.2; MET 5", ...}``.

    Thresholds can differ per gene (the sourced amplification level of each gene); genes that
    share a value are listed together.
    """
    by_key: dict[str, dict[float, list[str]]] = {}
    for c in result.copy_number:
        for key, value in (c.thresholds or {}).items():
            by_key.setdefault(key.removesuffix("_fold").replace("_", " "), {}).setdefault(
                value, []
            ).append(c.gene)
    out = {}
    for key, values in by_key.items():
        if len(values) == 1:
            out[key] = f"{next(iter(values)):.3g}×"
        else:
            out[key] = "; ".join(f"{', '.join(g)} {v:.3g}×" for v, g in sorted(values.items()))
    return out


def _page_css(result: SampleResult, date: str | None, paper: str | None) -> str:
    """``@page`` rules: running header and footer with sample id, date and page x / y."""
    size = {"a4": "size: A4;", "letter": "size: letter;"}.get((paper or "").lower(), "")
    head = css_string(f"ALK resistance report · sample {result.sample}")
    when = css_string(f"Report date {date or 'not given'}")
    foot = css_string(
        f"alkannot {result.tool_version} · catalogue {result.catalogue_version}".strip()
    )
    return (
        f"@page {{ {size} margin: 18mm 13mm 16mm 13mm;"
        f" @top-left {{ content: {head}; font: 9px sans-serif; color: #333; }}"
        f" @top-right {{ content: {when}; font: 9px sans-serif; color: #333; }}"
        f" @bottom-left {{ content: {foot}; font: 8px sans-serif; color: #555; }}"
        ' @bottom-right { content: "Page " counter(page) " / " counter(pages);'
        " font: 9px sans-serif; color: #333; } }"
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


def write_html(
    result: SampleResult,
    path: str | Path,
    date: str | None = None,
    signoff: dict[str, str | None] | None = None,
    paper: str | None = None,
) -> None:
    """Write ``{sample}.html`` atomically (arguments as for :func:`render_html`)."""
    write_text(path, render_html(result, date, signoff, paper))
