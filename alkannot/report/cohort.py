"""The cohort overview: ``cohort.tsv``, ``mechanisms.tsv`` and ``index.html``.

Mechanism proportions are set beside the proportions the sources give, and only those: the
review's Figure 2 text ("various ALK secondary mutations might occur in ~30% of
crizotinib-refractory patients" [32,34]) and the post-crizotinib counts of Doebele 2012 quoted in
shared/literature (4/11 secondary ALK mutations, 2/11 ALK copy-number gain, 2/11 KRAS, 1/11
ALK-negative). Where no source gives a proportion the cell is empty.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from alkannot.report.atomic import write_text
from alkannot.report.json import result_from_dict
from alkannot.report.tsv import render

MECHANISMS = (
    ("on_target_mutation", "ALK secondary mutation"),
    ("on_target_amplification", "ALK amplification"),
    ("fusion_loss", "ALK fusion lost"),
    ("bypass", "bypass track"),
    ("none", "none found"),
)
#: Published proportions after crizotinib, with their source (see the module docstring).
REFERENCE = {
    "on_target_mutation": ("~30%", "review section 2.1 and Figure 2 [32,34]; Doebele 2012: 4/11"),
    "on_target_amplification": ("2/11", "Doebele 2012 (PMC3311875), via shared/literature"),
    "fusion_loss": ("1/11", "Doebele 2012 (PMC3311875), via shared/literature"),
    "bypass": ("2/11 KRAS; 1/11 EGFR", "Doebele 2012 (PMC3311875), via shared/literature"),
}


def write_cohort(
    sample_jsons: list[Path],
    outdir: Path,
    date: str | None = None,
    failures: list[tuple[str, str]] | None = None,
) -> dict[str, Path]:
    """Summarise per-sample JSON results into ``outdir``; return the written paths.

    ``date`` (``YYYY-MM-DD``) is printed on the overview page; without it the page says "not given".
    ``failures`` (sample, error) are samples that could not be annotated: they are listed on the
    page and in ``failed.tsv``, and counted in no proportion.
    """
    from alkannot.report.html import report_date

    report_date(date)  # a bad date fails before any file is written
    results = []
    for p in sorted(sample_jsons, key=lambda p: p.name):
        results.append((p, result_from_dict(json.loads(p.read_text(encoding="utf-8")))))
    results.sort(key=lambda t: t[1].sample)
    rows = []
    for p, r in results:
        key = [f"{f.gene} {f.alteration}" for f in r.findings if f.drives_calls]
        rows.append(
            {
                "sample": r.sample,
                "build": r.build,
                "prior_therapy": ",".join(r.metadata.prior_therapy),
                "mechanisms": ",".join(r.mechanisms) or "none",
                "key_findings": "; ".join(key),
                "fusion_status": r.fusion_status,
                "sensitive": ",".join(d.drug for d in r.drugs if d.call == "sensitive"),
                "resistant": ",".join(d.drug for d in r.drugs if d.call == "resistant"),
                "report": _relative(p.with_suffix(".html"), outdir),
            }
        )
    n = len(results)
    mech_rows = []
    for key, label in MECHANISMS:
        count = sum(
            1 for _, r in results if (key in r.mechanisms) or (key == "none" and not r.mechanisms)
        )
        ref, source = REFERENCE.get(key, ("", ""))
        mech_rows.append(
            {
                "mechanism": label,
                "samples": count,
                "of": n,
                "proportion": f"{count / n:.2f}" if n else "",
                "published": ref,
                "published_source": source,
            }
        )
    drug_counts: dict[str, dict[str, int]] = {}
    for _, r in results:
        for d in r.drugs:
            drug_counts.setdefault(
                d.drug, {c: 0 for c in ("sensitive", "reduced", "unknown", "resistant")}
            )
            drug_counts[d.drug][d.call] += 1
    outdir = Path(outdir)
    paths = {
        "cohort_tsv": outdir / "cohort.tsv",
        "mechanisms_tsv": outdir / "mechanisms.tsv",
        "index_html": outdir / "index.html",
        "failed_tsv": outdir / "failed.tsv",
    }
    failed_rows = [{"sample": s, "error": m} for s, m in sorted(failures or [])]
    write_text(paths["failed_tsv"], render(["sample", "error"], failed_rows))
    write_text(paths["cohort_tsv"], render(list(rows[0]) if rows else ["sample"], rows))
    write_text(
        paths["mechanisms_tsv"],
        render(
            ["mechanism", "samples", "of", "proportion", "published", "published_source"], mech_rows
        ),
    )
    write_text(paths["index_html"], _html(rows, mech_rows, drug_counts, results, date, failed_rows))
    return paths


def _relative(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), Path(start).resolve())


def _html(rows, mech_rows, drug_counts, results, date: str | None = None, failed_rows=()) -> str:
    from alkannot.report.html import _asset, report_date, script_and_hash
    from alkannot.report.plots import oncoprint

    script, digest = script_and_hash()
    onco = oncoprint(
        [(r["sample"], r["report"], r["mechanisms"].split(",")) for r in rows],
        [m for m in MECHANISMS],
    )
    e = escape
    sample_rows = "".join(
        f'<tr><td><a href="{e(r["report"])}">{e(r["sample"])}</a></td><td>{e(r["build"])}</td>'
        f"<td>{e(r['prior_therapy'])}</td><td>{e(r['mechanisms'])}</td><td>{e(r['key_findings'])}</td>"
        f"<td>{e(r['fusion_status'])}</td><td>{e(r['sensitive'])}</td><td>{e(r['resistant'])}</td></tr>"
        for r in rows
    )
    mech = "".join(
        f"<tr><td>{e(m['mechanism'])}</td><td>{m['samples']} / {m['of']}</td><td>{e(m['proportion'])}</td>"
        f"<td>{e(m['published'])}</td><td class=small>{e(m['published_source'])}</td></tr>"
        for m in mech_rows
    )
    drugs = "".join(
        f"<tr><td>{e(d)}</td>"
        + "".join(f'<td class="call call-{c}">{n}</td>' for c, n in counts.items())
        + "</tr>"
        for d, counts in sorted(drug_counts.items())
    )
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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{digest}'; base-uri 'none'; form-action 'none'">
<title>alkannot cohort</title><style>{_asset("base.css.j2")}</style></head><body>
<h1>ALK resistance: cohort overview</h1>
<p class="meta">{len(rows)} sample(s){f", {len(failed_rows)} failed" if failed_rows else ""}; report date {report_date(date) or "not given"}.</p>
{failed}<h2>Samples x mechanisms</h2>{onco}
<h2>Mechanism proportions</h2>
<table><thead><tr><th>Mechanism</th><th>Samples</th><th>Proportion</th><th>Published (after crizotinib)</th><th>Source</th></tr></thead><tbody>{mech}</tbody></table>
<h2>Samples</h2>
<input class="filter noprint" type="search" placeholder="Filter samples…" data-table="samples" aria-label="Filter samples">
<table id="samples" class="sortable"><thead><tr><th class="sortable">Sample</th><th class="sortable">Build</th><th class="sortable">Prior therapy</th><th class="sortable">Mechanisms</th><th class="sortable">Key findings</th><th class="sortable">Fusion</th><th class="sortable">Sensitive</th><th class="sortable">Resistant</th></tr></thead><tbody>{sample_rows}</tbody></table>
<h2>Drug calls across the cohort</h2>
<table><thead><tr><th>Drug</th><th>sensitive</th><th>reduced</th><th>unknown</th><th>resistant</th></tr></thead><tbody>{drugs}</tbody></table>
<script>{script}</script>
</body></html>
"""
