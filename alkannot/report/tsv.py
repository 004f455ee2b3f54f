"""Tab-separated outputs: findings, drug matrix and skipped records of one sample.

Columns are documented in the README ("Outputs"). Values never contain tabs or newlines (they are
replaced by spaces), missing values are empty, numbers are written with a fixed precision so the
bytes are identical from run to run. Text that a spreadsheet would evaluate (``=``, ``+``, ``-``,
``@``, tab or CR first) gets a leading apostrophe and bidirectional controls are shown as
``<U+202E>`` (see :mod:`alkannot.report.text`); numbers are never prefixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from alkannot.models import DrugCall, SampleResult
from alkannot.report.atomic import write_text
from alkannot.report.text import inert_cell, neutralise_bidi

FINDINGS_COLUMNS = (
    "sample",
    "kind",
    "gene",
    "chrom",
    "pos",
    "ref",
    "alt",
    "hgvsc",
    "hgvsp",
    "alteration",
    "consequence",
    "in_kinase_domain",
    "catalogue_id",
    "mechanism",
    "significance",
    "vaf",
    "depth",
    "filter",
    "passed_filters",
    "baseline_status",
    "annotation_check",
    "notes",
    "vrs_id",
)
DRUG_COLUMNS = (
    "sample",
    "drug",
    "call",
    "rank",
    "conflicting",
    "reasons",
    "note",
    "level",
    "status",
    "progressed_on",
    "amp_asco_cap",
    "oncokb_level",
    "group",
    "approval",
)
SKIPPED_COLUMNS = ("sample", "source", "record", "category", "reason", "vaf", "depth")


def cell(value: object) -> str:
    """Format one value for a TSV cell (deterministic, no tabs or newlines, never a formula)."""
    if isinstance(value, str):
        return inert_cell(_flat(value), value)
    if isinstance(value, (tuple, list)):
        joined = ";".join(str(v) for v in value)
        return inert_cell(_flat(joined), joined)
    return cell_text(value)


def cell_text(value: object) -> str:
    """Like :func:`cell` without the apostrophe (for writers that mark text cells themselves)."""
    if isinstance(value, (tuple, list)):
        value = ";".join(str(v) for v in value)
    return _flat(_plain_cell(value))


def _flat(text: str) -> str:
    return neutralise_bidi(" ".join(text.replace("\t", " ").splitlines()))


def _plain_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render(columns: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    """Render rows (dicts keyed by column) as TSV text with a header line."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(cell(row.get(c)) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def findings_rows(result: SampleResult) -> list[dict[str, object]]:
    """Return one dict per finding, keyed by :data:`FINDINGS_COLUMNS`."""
    rows = []
    for f in result.findings:
        d = f.to_dict()
        d["sample"] = result.sample
        rows.append(d)
    return rows


def drug_rows(result: SampleResult) -> list[dict[str, object]]:
    """Return one dict per drug, keyed by :data:`DRUG_COLUMNS`."""
    return [dict(_drug_row(d), sample=result.sample) for d in result.drugs]


def _drug_row(d: DrugCall) -> dict[str, object]:
    reasons = []
    for r in d.reasons:
        cites = "; ".join(dict.fromkeys(e.citation for e in r.evidence))
        reasons.append(f"{r.finding}: {r.call}" + (f" [{cites}]" if cites else ""))
    return {
        "drug": d.drug,
        "call": d.call,
        "rank": d.rank,
        "conflicting": d.conflicting,
        "reasons": " | ".join(reasons),
        "note": d.note,
        "level": d.level,
        "status": d.status,
        "progressed_on": d.progressed_on,
        "amp_asco_cap": d.amp_tier,
        "oncokb_level": d.oncokb_level,
        "group": d.group,
        "approval": d.approval,
    }


def skipped_rows(result: SampleResult) -> list[dict[str, object]]:
    """Return one dict per skipped record, keyed by :data:`SKIPPED_COLUMNS`."""
    return [
        {
            "sample": result.sample,
            "source": s.source,
            "record": s.record,
            "category": s.category,
            "reason": s.reason,
            "vaf": s.vaf,
            "depth": s.depth,
        }
        for s in result.skipped
    ]


def write_tsvs(result: SampleResult, outdir: str | Path) -> dict[str, Path]:
    """Write ``{sample}.findings.tsv``, ``{sample}.drugs.tsv`` and ``{sample}.skipped.tsv``."""
    outdir = Path(outdir)
    paths = {
        "findings": outdir / f"{result.sample}.findings.tsv",
        "drugs": outdir / f"{result.sample}.drugs.tsv",
        "skipped": outdir / f"{result.sample}.skipped.tsv",
    }
    write_text(paths["findings"], render(FINDINGS_COLUMNS, findings_rows(result)))
    write_text(paths["drugs"], render(DRUG_COLUMNS, drug_rows(result)))
    write_text(paths["skipped"], render(SKIPPED_COLUMNS, skipped_rows(result)))
    return paths
