"""The cohort as a MultiQC custom-content table (``alkannot_mqc.tsv``).

MultiQC picks up files named ``*_mqc.tsv`` and reads the ``#``-prefixed YAML lines at their top
as the section's configuration (custom content, ``plot_type: table``): one row per sample, its
mechanisms and first next option, so a sequencing QC report shows alkannot's answer beside the
run's other metrics.
"""

from __future__ import annotations

from collections.abc import Iterable

from alkannot.report.tsv import render

#: the YAML header MultiQC reads (custom content); ids are fixed so reports merge across runs
HEADER = """\
# id: 'alkannot'
# section_name: 'alkannot: ALK resistance'
# description: 'Resistance mechanisms and the first ranked next option per sample (alkannot cohort).'
# plot_type: 'table'
# pconfig:
#     id: 'alkannot_table'
#     namespace: 'alkannot'
"""
COLUMNS = ("Sample", "status", "mechanisms", "first_next_option", "fusion_status")


def multiqc_table(rows: Iterable[dict], failed: Iterable[dict]) -> str:
    """The custom-content TSV: annotated samples (cohort rows) and failed ones (status failed)."""
    out = [
        {
            "Sample": r["sample"],
            "status": "annotated",
            "mechanisms": r["mechanism_labels"],
            "first_next_option": r["first_next_option"] or "none ranked",
            "fusion_status": r["fusion_status"],
        }
        for r in rows
    ]
    blank = {"mechanisms": "", "first_next_option": "", "fusion_status": ""}
    out += [{"Sample": f["sample"], "status": "failed", **blank} for f in failed]
    return HEADER + render(COLUMNS, sorted(out, key=lambda r: r["Sample"]))
