"""What the Snakemake rules run: thin wrappers that log and call the API.

A user error is written to the job's log (one line) and re-raised, so Snakemake marks only that
sample's job as failed and, with ``--keep-going``, finishes the others.
"""

from __future__ import annotations

from pathlib import Path

from alkannot.errors import AlkannotError
from alkannot.report.atomic import write_text


def annotate_job(row, json_path: str, log_path: str, params) -> None:
    """Annotate one sample-sheet row into the directory of ``json_path``."""
    from alkannot.api import annotate_sample, write_sample_reports

    try:
        result = annotate_sample(
            row.vcf,
            min_vaf=float(params.min_vaf),
            min_depth=int(params.min_depth),
            **row.annotate_kwargs(),
        )
        paths = write_sample_reports(result, Path(json_path).parent)
    except AlkannotError as exc:
        write_text(log_path, f"alkannot: error: {exc.one_line()}\n")
        raise
    mech = ", ".join(result.mechanisms) or "none found"
    lines = [
        f"{row.sample}: mechanisms: {mech}; {len(result.findings)} finding(s), "
        f"{len(result.skipped)} skipped"
    ] + [f"  {k}: {v}" for k, v in sorted(paths.items())]
    write_text(log_path, "\n".join(lines) + "\n")


def cohort_job(jsons, outdir: str, log_path: str) -> None:
    """Write the cohort overview from the per-sample JSON files."""
    from alkannot.api import annotate_cohort

    paths = annotate_cohort(list(jsons), outdir)
    write_text(log_path, "\n".join(f"{k}: {v}" for k, v in sorted(paths.items())) + "\n")
