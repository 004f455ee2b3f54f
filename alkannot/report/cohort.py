"""The cohort overview: ``cohort.tsv``, ``mechanisms.tsv`` and ``index.html``.

Mechanism proportions are set beside the proportions the sources give, and only those: the
review's Figure 2 text ("various ALK secondary mutations might occur in ~30% of
crizotinib-refractory patients" [32,34]) and the post-crizotinib counts of Doebele 2012 quoted in
shared/literature (4/11 secondary ALK mutations, 2/11 ALK copy-number gain, 2/11 KRAS, 1/11
ALK-negative). Where no source gives a proportion the cell is empty.
"""

from __future__ import annotations

import json
import math
import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from alkannot.io.results import result_from_dict
from alkannot.models import SampleResult
from alkannot.outdir import staged
from alkannot.report.atomic import write_bytes, write_text
from alkannot.report.firstscreen import (
    drives_calls,
    drug_blocks,
    drug_level,
    key_findings,
    support,
)
from alkannot.report.multiqc import multiqc_table
from alkannot.report.text import neutralise_bidi
from alkannot.report.tsv import render
from alkannot.report.xlsx import render_workbook

MECHANISMS = (
    ("on_target_mutation", "ALK secondary (on-target) mutation"),
    ("on_target_amplification", "ALK amplification"),
    ("fusion_loss", "ALK fusion lost / not detected"),
    ("bypass", "bypass track"),
    ("none", "no mechanism found"),
)
LABELS = dict(MECHANISMS)
#: Published proportions after crizotinib, with their source (see the module docstring).
REFERENCE = {
    "on_target_mutation": ("~30%", "review section 2.1 and Figure 2 [32,34]; Doebele 2012: 4/11"),
    "on_target_amplification": ("2/11", "Doebele 2012 (PMC3311875), via shared/literature"),
    "fusion_loss": ("1/11", "Doebele 2012 (PMC3311875), via shared/literature"),
    "bypass": ("2/11 KRAS; 1/11 EGFR", "Doebele 2012 (PMC3311875), via shared/literature"),
}


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The 95% Wilson score interval of the proportion k/n (None when n is 0)."""
    if n == 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def relative_link(target: Path, start: Path) -> str:
    """A relative URL from ``start`` to ``target`` that never takes a scheme from a file name.

    Each path segment is percent-encoded and the link starts with ``./`` or ``../``, so a report
    named ``javascript:alert(1).html`` stays a file in this folder.
    """
    rel = os.path.relpath(Path(target).resolve(), Path(start).resolve())
    parts = [quote(p, safe="") for p in Path(rel).parts]
    link = "/".join(parts)
    return link if link.startswith("../") else "./" + link


def _cells(r) -> dict[str, list[tuple[str, str]]]:
    """Per mechanism, the (short text, description) of each finding: VAF or fold change."""
    fold = {c.gene: c.fold_change for c in r.copy_number}
    out: dict[str, list[tuple[str, str]]] = {}
    for f in r.findings:
        if not (drives_calls(f) and f.mechanism in r.mechanisms):
            continue
        if f.kind == "mutation":
            value = f"{f.vaf:.0%}" if f.vaf is not None else "VAF ?"
            gene = "" if f.gene == "ALK" else f"{f.gene} "
            short = f"{gene}{f.alteration} {value}"
        elif f.kind == "copy_number":
            value = f"{fold[f.gene]:.1f}×" if fold.get(f.gene) is not None else f.alteration
            short = f"{f.gene} {value}"
        else:
            short = f.alteration.replace("fusion ", "")
        sup = support(f, r)
        desc = f"{f.gene} {f.alteration}" + (f" ({sup})" if sup else "")
        out.setdefault(f.mechanism, []).append((short, desc))
    return out


def unique_results(paths: list[Path], results: list) -> tuple[list[int], list[str]]:
    """Which of ``results`` (read from ``paths``) to count, and a warning per duplicate.

    A sample is its id and its inputs (the SHA-256 of each input in its record). The same id
    twice with the same inputs is one sample given twice: counted once. The same id with other
    inputs is a rerun: the result written last (file modification time) supersedes the other.
    Another id with the very same inputs is another identity (the user named it so): counted,
    with a warning naming both.
    """
    keep: dict[str, int] = {}
    by_inputs: dict[tuple, int] = {}
    warnings = []
    for i in sorted(range(len(results)), key=lambda i: (results[i].sample, str(paths[i]))):
        r, inputs = results[i], tuple(sorted((x.role, x.sha256) for x in results[i].inputs))
        if r.sample in keep:
            j = keep[r.sample]
            old = tuple(sorted((x.role, x.sha256) for x in results[j].inputs))
            if old != inputs and paths[i].stat().st_mtime_ns > paths[j].stat().st_mtime_ns:
                keep[r.sample], (i, j) = i, (j, i)
            how = "the same inputs" if old == inputs else "other inputs; the newer one is used"
            warnings.append(f"{r.sample} is given twice ({paths[j]} and {paths[i]}, {how})")
        else:
            if inputs and inputs in by_inputs:  # two ids, one tumour? said, both counted
                first = results[by_inputs[inputs]].sample
                warnings.append(
                    f"{r.sample} ({paths[i]}) has the very inputs of {first}: check that they "
                    "are two samples (both are counted)"
                )
            keep[r.sample] = i
            by_inputs.setdefault(inputs, i)
    return sorted(keep.values()), warnings


#: The rows of "what was seen" (firstscreen.not_seen) that assess each mechanism.
_ASSESSED_BY = {
    "on_target_mutation": ("ALK secondary mutation",),
    "on_target_amplification": ("ALK amplification",),
    "fusion_loss": ("ALK fusion",),
    "bypass": (
        "MET amplification (bypass)",
        "KIT amplification (bypass)",
        "EGFR mutation (bypass)",
        "KRAS mutation (bypass)",
    ),
}


def assessed(r) -> dict[str, bool]:
    """Per mechanism: did this sample's inputs assess it? A mechanism found was assessed; else
    the sample's "what was seen" rows decide (no copy-number input: amplification not assessed;
    bypass counts as assessed when any of its rows was). "No mechanism" is known once one is found,
    else only when every mechanism was assessed."""
    from alkannot.report.firstscreen import not_seen

    state = {s.mechanism: s.state for s in not_seen(r)}
    out = {
        key: key in r.mechanisms
        or any(state.get(m, "not assessed") != "not assessed" for m in rows)
        for key, rows in _ASSESSED_BY.items()
    }
    out["none"] = bool(r.mechanisms) or all(out.values())
    return out


def mechanism_rows(results: list, seen: dict[str, dict[str, bool]]) -> list[dict]:
    """Per mechanism: count, denominator, proportion with its 95% Wilson interval, the samples
    not assessed, and the published proportion.

    The denominator is the samples whose inputs assessed the mechanism (``seen``, from
    :func:`assessed`), never all samples: a sample without copy-number input says nothing about
    amplification.
    """
    out = []
    for key, label in MECHANISMS:
        base = [r for r in results if seen[r.sample][key]]
        n = len(base)
        count = sum(
            1 for r in base if (key in r.mechanisms) or (key == "none" and not r.mechanisms)
        )
        ref, source = REFERENCE.get(key, ("", ""))
        ci = wilson_interval(count, n)
        out.append(
            {
                "mechanism": label,
                "samples": count,
                "of": n,
                "proportion": f"{count / n:.2f}" if n else "",
                "ci95_low": f"{ci[0]:.2f}" if ci else "",
                "ci95_high": f"{ci[1]:.2f}" if ci else "",
                "not_assessed": len(results) - n,
                "published": ref,
                "published_source": source,
            }
        )
    return out


def write_cohort(
    sample_jsons: list[Path],
    outdir: Path,
    date: str | None = None,
    failures: list[tuple[str, str]] | None = None,
    patients: list[tuple[str, Path, list[str]]] | None = None,
    warn=lambda message: None,
) -> dict[str, Path]:
    """Summarise per-sample JSON results into ``outdir``; return the written paths.

    Writes ``cohort.tsv`` (one row per sample with its first next option), ``mechanisms.tsv``
    (counts, proportions with 95% Wilson intervals, the published proportions), ``cohort.xlsx``
    (both tables and the drug-call counts, text cells only) and ``index.html``. ``date``
    (``YYYY-MM-DD``) is printed on the overview page; without it the page says "not given".
    ``failures`` (sample, error) are samples that could not be annotated: they are listed on the
    page and in ``failed.tsv``, and counted in no proportion. ``patients`` (patient, timeline
    page, samples in time order) group the samples by patient: a ``patient`` column and a
    section linking each patient's timeline. A sample given twice is counted once
    (:func:`unique_results`); ``warn`` receives a line naming each duplicate.
    """
    from alkannot.report.html import report_date

    report_date(date)  # a bad date fails before any file is written
    outdir = Path(outdir)
    read = [result_from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sample_jsons]
    chosen, duplicates = unique_results(list(sample_jsons), read)
    for message in duplicates:
        warn(message)
    results = sorted(((sample_jsons[i], read[i]) for i in chosen), key=lambda t: t[1].sample)
    patient_of = {s: name for name, _, samples in patients or [] for s in samples}
    rows = [_cohort_row(p, r, outdir, patient_of.get(r.sample, "")) for p, r in results]
    cells = {r.sample: _cells(r) for _, r in results}
    seen = {r.sample: assessed(r) for _, r in results}
    mech_rows = mechanism_rows([r for _, r in results], seen)
    drug_rows = _drug_count_rows([r for _, r in results])
    paths = {
        "cohort_tsv": outdir / "cohort.tsv",
        "mechanisms_tsv": outdir / "mechanisms.tsv",
        "cohort_xlsx": outdir / "cohort.xlsx",
        "index_html": outdir / "index.html",
        "failed_tsv": outdir / "failed.tsv",
        "multiqc_tsv": outdir / "alkannot_mqc.tsv",
    }
    failed_rows = [{"sample": s, "error": m} for s, m in sorted(failures or [])]
    versions = {
        "tool": sorted({r.tool_version for _, r in results}),
        "catalogue": sorted({r.catalogue_version for _, r in results}),
    }
    page = _html(rows, mech_rows, drug_rows, cells, date, failed_rows, seen, versions, duplicates)
    if patients:
        page = page.replace(_ONCOPRINT_HEADING, _patients_html(patients, rows, outdir), 1)
    tables = {"rows": rows, "mech_rows": mech_rows, "drug_rows": drug_rows, "failed": failed_rows}
    _write_set(outdir, paths, tables, page)
    return paths


def _write_set(outdir: Path, paths: dict[str, Path], tables: dict[str, list], page: str) -> None:
    """Write the overview's files as one set: staged and moved in together, so a killed run
    never mixes two runs' tables."""
    rows, mech_rows, drug_rows = tables["rows"], tables["mech_rows"], tables["drug_rows"]
    failed_rows = tables["failed"]
    with staged(outdir) as stage:
        at = {kind: stage / p.name for kind, p in paths.items()}
        write_text(at["failed_tsv"], render(["sample", "error"], failed_rows))
        write_text(at["multiqc_tsv"], multiqc_table(rows, failed_rows))
        write_text(at["cohort_tsv"], render(COHORT_COLUMNS, rows))
        write_text(at["mechanisms_tsv"], render(MECHANISM_COLUMNS, mech_rows))
        write_bytes(
            at["cohort_xlsx"],
            render_workbook(
                [
                    ("samples", COHORT_COLUMNS, rows),
                    ("mechanisms", MECHANISM_COLUMNS, mech_rows),
                    ("drug calls", DRUG_COUNT_COLUMNS, drug_rows),
                ]
            ),
        )
        write_text(at["index_html"], page)


def _cohort_row(path: Path, r: SampleResult, outdir: Path, patient: str) -> dict[str, str]:
    """One sample's row of ``cohort.tsv``: mechanisms, key findings, first next option."""
    blocks = drug_blocks(r.drugs)
    first = blocks.next_options[0] if blocks.next_options else None
    level = drug_level(first)["level"] if first else ""
    return {
        "sample": r.sample,
        "build": r.build,
        "specimen_type": r.metadata.specimen_type or "",
        "prior_therapy": ",".join(r.metadata.prior_therapy),
        "mechanisms": ",".join(r.mechanisms) or "none",
        "mechanism_labels": "; ".join(LABELS.get(m, m) for m in r.mechanisms) or LABELS["none"],
        "key_findings": "; ".join(f"{f.gene} {f.alteration}" for f in key_findings(r)),
        "fusion_status": r.fusion_status,
        "first_next_option": (first.drug + (f" ({level})" if level else "")) if first else "",
        "next_options": ", ".join(d.drug for d in blocks.next_options),
        "avoid": ", ".join(d.drug for d in blocks.avoid),
        "report": relative_link(path.with_suffix(".html"), outdir),
        "patient": patient,
    }


def _drug_count_rows(results: list[SampleResult]) -> list[dict]:
    """Per drug, how many samples got each call (drugs in case-insensitive name order)."""
    counts: dict[str, dict[str, int]] = {}
    for r in results:
        for d in r.drugs:
            counts.setdefault(
                d.drug, dict.fromkeys(("sensitive", "reduced", "unknown", "resistant"), 0)
            )
            counts[d.drug][d.call] += 1
    return [{"drug": d, **n} for d, n in sorted(counts.items(), key=lambda t: t[0].casefold())]


COHORT_COLUMNS = (
    "sample",
    "build",
    "specimen_type",
    "prior_therapy",
    "mechanisms",
    "mechanism_labels",
    "key_findings",
    "fusion_status",
    "first_next_option",
    "next_options",
    "avoid",
    "report",
    "patient",
)
MECHANISM_COLUMNS = (
    "mechanism",
    "samples",
    "of",
    "not_assessed",
    "proportion",
    "ci95_low",
    "ci95_high",
    "published",
    "published_source",
)
DRUG_COUNT_COLUMNS = ("drug", "sensitive", "reduced", "unknown", "resistant")


def _oncoprint_cell(r: dict, key: str, found: list, assessed_here: bool, e) -> str:
    """One oncoprint cell: not assessed (hatched, labelled), found (linked), or not detected."""
    if not assessed_here:
        return '<td class="na" title="not assessed: no input for this mechanism">not assessed</td>'
    if not found:
        return '<td class="miss"><span class="sr">not detected</span></td>'
    text = "<br>".join(e(t) for t, _ in found)
    title = e("; ".join(d for _, d in found))
    return (
        f'<td class="hit hit-{key}"><a href="{e(r["report"])}#first-screen" '
        f'title="{title}">{text}</a></td>'
    )


def _oncoprint_rows(rows, cells, seen: dict, e) -> list[str]:
    """The oncoprint's rows: one per mechanism, one cell per sample."""
    out = []
    for key, label in MECHANISMS:
        tds = []
        for r in rows:
            found = cells[r["sample"]].get(key, [])
            if key == "none" and r["mechanisms"] == "none":
                found = [("none", "no resistance mechanism found in the assessed inputs")]
            tds.append(_oncoprint_cell(r, key, found, seen.get(r["sample"], {}).get(key, True), e))
        out.append(f'<tr><th scope="row">{e(label)}</th>{"".join(tds)}</tr>')
    return out


def _patients_html(patients, rows, outdir: Path) -> str:
    """The samples grouped by patient, in time order, each patient linking its timeline."""
    e = lambda text: escape(neutralise_bidi(str(text)))  # noqa: E731
    report = {r["sample"]: r["report"] for r in rows}
    items = "".join(
        f'<tr><td><a class="patient" href="{e(relative_link(page, outdir))}">{e(name)}</a></td><td>'
        + " → ".join(
            f'<a href="{e(report[s])}">{e(s)}</a>' if s in report else f"{e(s)} (failed)"
            for s in samples
        )
        + "</td></tr>"
        for name, page, samples in patients
    )
    return (
        '<h2>Patients</h2><p class="small">Samples of one patient in time order; the patient links '
        f'its timeline.</p><table id="patients"><thead><tr><th>Patient</th><th>Samples</th></tr></thead>'
        f"<tbody>{items}</tbody></table>{_ONCOPRINT_HEADING}"
    )


_ONCOPRINT_HEADING = '<h2 id="oncoprint-heading">Samples x mechanisms</h2>'


def _e(text) -> str:
    """Escaped for HTML, bidirectional controls made visible."""
    return escape(neutralise_bidi(str(text)))


def _sample_rows(rows: list[dict]) -> str:
    """The samples table's rows (one per sample, linking its report)."""
    e = _e
    return "".join(
        f'<tr><td><a href="{e(r["report"])}">{e(r["sample"])}</a></td><td class="v">{e(r["build"])}</td>'
        f"<td>{e(r['specimen_type'])}</td><td>{e(r['prior_therapy'])}</td><td>{e(r['mechanism_labels'])}</td>"
        f"<td>{e(r['key_findings'])}</td><td>{e(r['fusion_status'].replace('_', ' '))}</td>"
        f"<td><b>{e(r['first_next_option']) or '<span class=small>no ranked option</span>'}</b></td>"
        f"<td>{e(r['avoid'])}</td></tr>"
        for r in rows
    )


def _mechanism_rows(mech_rows: list[dict]) -> str:
    """The proportions table's rows: samples over those assessed, interval, published."""
    e = _e
    return "".join(
        f"<tr><td>{e(m['mechanism'])}</td><td class=v>{m['samples']} / {m['of']}"
        + (
            f" <span class=small>({m['not_assessed']} not assessed)</span>"
            if m["not_assessed"]
            else ""
        )
        + "</td>"
        f"<td class=v>{e(m['proportion'])}</td>"
        f"<td class=v>{e(m['ci95_low'])}–{e(m['ci95_high'])}</td>"
        f"<td>{e(m['published'])}</td><td class=small>{e(m['published_source'])}</td></tr>"
        for m in mech_rows
    )


def _drug_rows(drug_rows: list[dict]) -> str:
    """The drug-call counts table's rows."""
    return "".join(
        f"<tr><td class=v>{_e(d['drug'])}</td>"
        + "".join(
            f'<td class="v">{d[c]}</td>' for c in ("sensitive", "reduced", "unknown", "resistant")
        )
        + "</tr>"
        for d in drug_rows
    )


def _failed_html(failed_rows, duplicates) -> str:
    """The samples that could not be annotated, and those given more than once."""
    e = _e
    failed = (
        "<h2>Samples that could not be annotated</h2>"
        "<table id=failed><thead><tr><th>Sample</th><th>Error</th></tr></thead><tbody>"
        + "".join(
            f"<tr><td>{e(f['sample'])}</td><td>{e(f['error'])}</td></tr>" for f in failed_rows
        )
        + "</tbody></table>"
        if failed_rows
        else ""
    )
    if duplicates:  # named on the page as well as on standard error
        failed += (
            "<h2>Given more than once</h2><ul id=duplicates>"
            + "".join(f"<li>{e(d)}</li>" for d in duplicates)
            + "</ul>"
        )
    return failed


def _html(
    rows,
    mech_rows,
    drug_rows,
    cells,
    date=None,
    failed_rows=(),
    seen=None,
    versions=None,
    duplicates=(),
) -> str:
    from alkannot.report.html import _asset, report_date, script_and_hash

    script, digest = script_and_hash()
    e = _e
    head = "".join(
        f'<th scope="col" class="sample"><a href="{e(r["report"])}">{e(r["sample"])}</a></th>'
        for r in rows
    )
    onco = _oncoprint_rows(rows, cells, seen or {}, e)
    sample_rows, mech, drugs = _sample_rows(rows), _mechanism_rows(mech_rows), _drug_rows(drug_rows)
    failed = _failed_html(failed_rows, duplicates)
    sortable_heads = "".join(
        f'<th class="sortable" scope="col" aria-sort="none"><button type="button">{h}</button></th>'
        for h in (
            *("Sample", "Build", "Specimen", "Prior therapy", "Mechanisms", "Key findings"),
            *("Fusion", "First next option", "Avoid"),
        )
    )
    versions = versions or {}
    made_with = (
        f"alkannot {e(', '.join(versions.get('tool', [])) or 'not recorded')}; catalogue "
        f"{e(', '.join(versions.get('catalogue', [])) or 'not recorded')}"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{digest}'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>alkannot cohort</title><style>{_asset("base.css.j2")}
#oncoprint td, #oncoprint th {{ text-align: center; font-size: 12px; }} #oncoprint th[scope=row] {{ text-align: right; white-space: nowrap; }}
#oncoprint td.hit {{ background: var(--red); color: var(--res); border: 2px solid var(--res); font-weight: 600; }} #oncoprint td.hit-none {{ background: #eef1f4; color: var(--ink); border: 1px dashed var(--muted); font-weight: normal; }}
#oncoprint td.miss {{ background: #f7f8f9; }} #oncoprint a {{ color: inherit; }}
#oncoprint td.na {{ background: repeating-linear-gradient(45deg, #fff, #fff 5px, #eceef1 5px, #eceef1 10px); color: var(--muted); font-style: italic; border: 1px dotted var(--muted); }}
.sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
@media print {{ @page {{ margin: 16mm 12mm; @bottom-right {{ content: "Page " counter(page) " / " counter(pages); font: 9px sans-serif; }} @top-left {{ content: "alkannot cohort overview"; font: 9px sans-serif; }} }} }}
</style></head><body><main>
<h1>ALK resistance: cohort overview</h1>
<p class="meta" id="cohort-meta">{len(rows)} sample(s){f", {len(failed_rows)} failed" if failed_rows else ""}; report date {report_date(date) or "not given"}; made with {made_with}.</p>
<nav class="toc noprint" aria-label="Contents"><a href="#oncoprint-heading">Samples x mechanisms</a> <a href="#samples-heading">Samples</a> <a href="#proportions-heading">Proportions</a> <a href="#drug-calls-heading">Drug calls</a></nav>
{failed}{_ONCOPRINT_HEADING}
<p class="small">Each cell links to the sample's report and shows the VAF of a mutation or the fold change of an amplification. A hatched “not assessed” cell: the sample had no input that could show the mechanism (it is left out of that mechanism's proportion); an empty cell: assessed and not detected.</p>
<div style="overflow-x:auto"><table id="oncoprint"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(onco)}</tbody></table></div>
<h2 id="samples-heading">Samples and their first next option</h2>
<input class="filter noprint" type="search" placeholder="Filter samples…" data-table="samples" aria-label="Filter samples">
<table id="samples" class="sortable"><thead><tr>{sortable_heads}</tr></thead><tbody>{sample_rows}</tbody></table>
<h2 id="proportions-heading">Mechanism proportions beside the review's Figure 2</h2>
<p class="small">Counts over the samples that assessed each mechanism (n beside each count; samples not assessed are left out), with 95% Wilson score intervals, beside the proportions the sources give after crizotinib (the review's Figure 2, section 2.1, “approximate proportion of crizotinib-resistant mechanisms [32,34]”, and Doebele 2012). A sample can carry more than one mechanism.</p>
<table id="mechanisms"><thead><tr><th>Mechanism</th><th>Samples</th><th>Proportion</th><th>95% CI</th><th>Published (after crizotinib)</th><th>Source</th></tr></thead><tbody>{mech}</tbody></table>
<h2 id="drug-calls-heading">Drug calls across the cohort</h2>
<table id="drug-counts"><thead><tr><th>Drug</th><th>+ sensitive</th><th>± reduced</th><th>? unknown</th><th>− resistant</th></tr></thead><tbody>{drugs}</tbody></table>
<p class="small">Also as cohort.tsv, mechanisms.tsv and cohort.xlsx beside this page.</p>
</main>
<script>{script}</script>
</body></html>
"""
