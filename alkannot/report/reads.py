"""Tab-separated read evidence: ``{sample}.reads.tsv`` and ``{sample}.phase.tsv``.

The first columns are those of the read-evidence contract (issue 13), in that order; the filters,
model parameters and QC counts follow, so nothing about how a count was made is left out.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from alkannot.models import SampleResult
from alkannot.report.atomic import write_text
from alkannot.report.tsv import render

READS_COLUMNS = (
    "gene",
    "alteration",
    "chrom",
    "pos",
    "fragments",
    "alt_fragments",
    "vaf",
    "ci_low",
    "ci_high",
    "detection_limit",
    "status",
    # filters, model and QC
    "source",
    "vcf_status",
    "catalogue_id",
    "end",
    "error_rate",
    "threshold",
    "other_fragments",
    "low_quality_fragments",
    "mate_conflicts",
    "overlapping_mates",
    "filters",
    "model",
    "note",
    "sample",
)
PHASE_COLUMNS = (
    "variant_a",
    "variant_b",
    "spanning_fragments",
    "both",
    "a_only",
    "b_only",
    "neither",
    "phase",
    "distance",
    "source",
    "note",
    "sample",
)


def reads_rows(result: SampleResult) -> list[dict[str, object]]:
    """One dict per looked-up mutation (and file), keyed by :data:`READS_COLUMNS`."""
    if result.reads is None:
        return []
    s = result.reads.settings
    model = read_model(result)
    return [
        dict(asdict(g), sample=result.sample, filters=s.get("filters", ""), model=model)
        for g in result.reads.genotypes
    ]


def read_model(result: SampleResult) -> str:
    """The genotyping model and its parameters in one line ("" without read evidence)."""
    if result.reads is None:
        return ""
    s = result.reads.settings
    return (
        f"binomial; one-sided alpha {s.get('alpha')}; power {s.get('power')}; error floor "
        f"{s.get('error_floor')}; >= {s.get('min_alt_fragments')} alt fragments; "
        f"not evaluable above {s.get('max_detection_limit')}; Clopper-Pearson 95% CI"
    )


def phase_rows(result: SampleResult) -> list[dict[str, object]]:
    """One dict per pair of ALK variants, keyed by :data:`PHASE_COLUMNS`."""
    if result.reads is None:
        return []
    return [dict(asdict(p), sample=result.sample) for p in result.reads.phases]


def write_read_tsvs(result: SampleResult, outdir: Path) -> dict[str, Path]:
    """Write both files atomically (only when the sample has read evidence)."""
    if result.reads is None:
        return {}
    paths = {
        "reads": outdir / f"{result.sample}.reads.tsv",
        "phase": outdir / f"{result.sample}.phase.tsv",
    }
    write_text(paths["reads"], render(READS_COLUMNS, reads_rows(result)))
    write_text(paths["phase"], render(PHASE_COLUMNS, phase_rows(result)))
    return paths
