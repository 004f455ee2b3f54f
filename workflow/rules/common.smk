# Sample sheet and input functions. Validation happens here, before any job runs: the schema
# fills defaults and checks types; alkannot's own reader checks ids, duplicates and paths.
import os
import sys

import pandas as pd
from snakemake.utils import validate

from alkannot.errors import AlkannotError
from alkannot.io.samplesheet import read_samplesheet

_sheet = pd.read_csv(config["samples"], sep="\t", dtype=str, comment="#").fillna("")
validate(_sheet, "../schemas/samples.schema.yaml")
try:
    SAMPLES = {row.sample: row for row in read_samplesheet(config["samples"], base=".")}
except AlkannotError as exc:
    raise WorkflowError(f"sample sheet: {exc.one_line()}") from None

OUT = config["results"].rstrip("/")
# The CLI of the interpreter running Snakemake (the one alkannot is installed in).
ALKANNOT = f"{sys.executable} -m alkannot"
# The date printed on the HTML reports: only when configured, so outputs depend on inputs alone.
REPORT_DATE = (
    f"--report-date {config['report_date']}" if config.get("report_date") else ""
)


def sample_inputs(wildcards):
    """The existing input files of one sample (so Snakemake reruns when they change)."""
    row = SAMPLES[wildcards.sample]
    files = [
        row.vcf,
        row.cnv,
        row.fusions,
        row.baseline_vcf,
        row.baseline_cnv,
        row.baseline_fusions,
    ]
    return [f for f in files if f]


def sample_outputs(sample):
    """Per-sample report paths, in the layout of `alkannot annotate`."""
    names = ["findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html", "xlsx"]
    return [f"{OUT}/{sample}/{sample}.{n}" for n in names]


def all_outputs():
    """Every sample's reports and the cohort overview."""
    files = [f for s in SAMPLES for f in sample_outputs(s)]
    if config["cohort"]:
        files += [
            f"{OUT}/cohort/index.html",
            f"{OUT}/cohort/cohort.tsv",
            f"{OUT}/cohort/cohort.xlsx",
        ]
    return files
