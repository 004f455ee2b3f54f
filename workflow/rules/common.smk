# Sample sheet, rerun planning and chunks. Everything is checked here, before any job runs.
#
# One job annotates a chunk of samples in one process (`alkannot batch --only ...`). A sample
# joins a chunk only when its results are not current (alkannot.batch.is_current: the run record
# written with its outputs holds other settings, an output is missing, or an input file is newer),
# so Snakemake plans exactly the samples that changed, and the settings of those samples are the
# job's params. Chunks are fixed by the sheet order (sample i goes to chunk i mod N), so a cluster
# job that parses this file again sees the same chunk.
import math
import os
import re
import shlex
import sys

import yaml

from alkannot.batch import (
    check_vocabularies,
    is_current,
    plan_marker,
    run_record_path,
    sample_settings,
    settings_digest,
)
from alkannot.errors import AlkannotError
from alkannot.io.samplesheet import read_samplesheet
from alkannot.patient import read_timeline

try:
    ROWS = read_samplesheet(config["samples"], base=".")
    check_vocabularies(ROWS, config["samples"])
except AlkannotError as exc:
    raise WorkflowError(exc.one_line()) from None
# Patients (the sheet's patient columns) and their treatments: dates, overlaps, a sample in two
# patients, checked before any job; each patient's page is written after its samples
TREATMENTS = config.get("treatments") or ""
try:
    PATIENTS, _ = read_timeline(config["samples"], TREATMENTS or None)
except AlkannotError as exc:
    raise WorkflowError(exc.one_line()) from None


def patient_rows(wildcards):
    """The patient's sheet cells: a changed date, specimen or label reruns its page."""
    return [
        f"{s.sample}|{s.collection_date}|{s.specimen_type or ''}|{s.timepoint}"
        for s in PATIENTS[wildcards.patient]
    ]


OUT = config["results"].rstrip("/")
SAMPLES = [row.sample for row in ROWS]
REPORT_DATE = config.get("report_date") or None
SETTINGS = {
    row.sample: sample_settings(
        row,
        config["min_vaf"],
        config["min_depth"],
        REPORT_DATE,
        min_alt_reads=config["min_alt_reads"],
    )
    for row in ROWS
}
# Jobs call the `alkannot` on PATH: the conda environment's or the container's when those are
# used, else the one installed beside the Python running Snakemake. No interpreter path enters a
# rule, so `python -m snakemake` or a moved checkout reruns nothing.
_bindir = os.path.dirname(sys.executable)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _bindir:
    os.environ["PATH"] = os.pathsep.join([_bindir, os.environ.get("PATH", "")])


def chunk_count():
    """How many chunks the sheet is dealt into.

    `chunk_size` from the config, else one chunk per job slot (`--jobs`, as a cluster profile
    sets it) or, without `--jobs`, one per `threads` cores. The main process passes the count
    to cluster jobs (ALKANNOT_CHUNKS; the SLURM executor exports the environment), which parse
    this file again.
    """
    if config["chunk_size"]:
        return max(1, math.ceil(len(SAMPLES) / config["chunk_size"]))
    if not workflow.is_main_process and os.environ.get("ALKANNOT_CHUNKS"):
        return int(os.environ["ALKANNOT_CHUNKS"])
    if workflow.nodes and workflow.nodes < sys.maxsize:
        slots = workflow.nodes  # --jobs: cluster job slots (also in a dry-run)
    else:
        try:
            cores = workflow.cores
        except WorkflowError:  # no --cores (e.g. a plain dry-run)
            cores = 1
        slots = max(1, cores // config["threads"])
    return max(1, min(len(SAMPLES), slots))


N_CHUNKS = chunk_count()
os.environ["ALKANNOT_CHUNKS"] = str(N_CHUNKS)
# What the conda environment installs (envs/alkannot.post-deploy.sh): this checkout when the
# workflow runs from one, else what the user set (a pip requirement, e.g. a git URL).
_checkout = os.path.dirname(os.path.dirname(str(workflow.current_basedir)))
if os.path.isfile(os.path.join(_checkout, "pyproject.toml")):
    os.environ.setdefault("ALKANNOT_SOURCE", os.path.abspath(_checkout))
os.environ.setdefault("ALKANNOT_SOURCE", "")


# Declared so that cluster and remote jobs get them (see chunk_count and the notes above).
envvars:
    "PATH",
    "ALKANNOT_CHUNKS",
    "ALKANNOT_SOURCE",


def every_sample_wanted():
    """Whether this run is for every sample, current or not: --forceall or --report.

    Snakemake hands these options to the workflow only after this file is parsed, so the
    command line is read here.
    """
    args = sys.argv[1:] if workflow.is_main_process else []
    return any(
        a in ("--forceall", "-F", "--report") or a.startswith("--report=") for a in args
    )


STALE = [
    s for s in SAMPLES if every_sample_wanted() or not is_current(OUT, SETTINGS[s])
]
CHUNKS = {
    f"annotate_{k + 1}_of_{N_CHUNKS}": [
        s for i, s in enumerate(SAMPLES) if i % N_CHUNKS == k and s in STALE
    ]
    for k in range(N_CHUNKS)
}
CHUNKS = {name: members for name, members in CHUNKS.items() if members}
# A planned chunk gets a plan marker newer than its members' outputs (rewritten by the main
# process only), so Snakemake runs it by modification time: also when Snakemake holds no record
# of the outputs (an interrupted chunk).
PLANS = {
    name: plan_marker(
        OUT,
        name,
        {s: settings_digest(SETTINGS[s]) for s in members},
        write=workflow.is_main_process,
    )
    for name, members in CHUNKS.items()
}
# Measured cost of one chunk (benchmarks/run.py writes workflow/resources.yaml)
with open(workflow.source_path("../resources.yaml")) as _fh:
    COST = yaml.safe_load(_fh)


def previous_runs(samples):
    """When each member's results were last written (its run record), or "none".

    A chunk job's params: every job rewrites its members' run records, so what Snakemake recorded
    never equals what it sees next, and it runs every chunk planned here, also one whose only
    change is a file deleted from a result directory (which Snakemake's own checks miss).
    """
    stamps = []
    for s in samples:
        record = run_record_path(OUT, s)
        stamps.append(f"{s}:{record.stat().st_mtime_ns if record.exists() else 'none'}")
    return stamps


def chunk_inputs(chunk):
    """The chunk's plan marker. The members' input files are not listed: whether a sample is
    current is decided by its run record (input contents, settings), and Snakemake would record
    every input's state for every output of the job (outputs x inputs per job)."""
    return [PLANS[chunk]]


def scanned_mb(path):
    """MB of a file read whole; an indexed file (VCF, BAM/CRAM, FASTA) is read by region: 0."""
    if any(
        os.path.exists(path + ext) for ext in (".tbi", ".csi", ".bai", ".crai", ".fai")
    ):
        return 0.0
    return os.path.getsize(path) / 1e6


def chunk_runtime(samples, threads):
    """Minutes for a chunk, as a function of the attempt: measured start-up plus per-sample and
    per-MB-scanned costs, times a margin, times the attempt (a retry after a time-out asks for
    more)."""
    mb = sum(scanned_mb(p) for s in samples for p in SETTINGS[s]["inputs"].values())
    seconds = COST["startup_seconds"] + (
        len(samples) * COST["seconds_per_sample"] + mb * COST["seconds_per_mb"]
    ) / max(1, threads)
    minutes = max(1, math.ceil(COST["margin"] * seconds / 60))
    return lambda wildcards, attempt: minutes * attempt


def chunk_mem_mb(threads):
    """Memory for a chunk, as a function of the attempt: the measured peak of one process, per
    worker, times a margin, times the attempt (an out-of-memory kill is retried with more).
    """
    mb = math.ceil(COST["margin"] * COST["peak_mb"] * max(1, threads))
    return lambda wildcards, attempt: mb * attempt


def patient_pages():
    """Each patient's timeline page (patients from the sheet, read in patient.smk)."""
    return [
        f"{OUT}/patients/{p}.{x}"
        for p in PATIENTS
        for x in ("html", "json", "timeline.tsv")
    ]


def all_outputs():
    """Every sample's directory, every patient's timeline, the closing summary and the cohort."""
    files = [f"{OUT}/{s}" for s in SAMPLES] + patient_pages()
    files.append(f"{OUT}/run_summary.txt")
    if config["cohort"]:
        files += [
            f"{OUT}/cohort/index.html",
            f"{OUT}/cohort/cohort.tsv",
            f"{OUT}/cohort/cohort.xlsx",
        ]
    return files


def tool_versions():
    """The alkannot and catalogue versions (a change rewrites versions.tsv)."""
    from alkannot import __version__
    from alkannot.catalogue import load_catalogue

    return f"alkannot {__version__}, catalogue {load_catalogue().version}"


def summary_inputs():
    """What the closing summary waits for: every sample and patient page, the versions table
    and the cohort."""
    files = [f"{OUT}/{s}" for s in SAMPLES] + patient_pages() + [f"{OUT}/versions.tsv"]
    if config["cohort"]:
        files.append(f"{OUT}/cohort/index.html")
    return files


def close_run(summary_path, log_path):
    """The closing line of the run on stderr (and in run_summary.txt); a failed sample fails
    this last job, so the run ends non-zero, unless `fail_on_sample_error` is false."""
    from alkannot.batch import workflow_closing

    message = workflow_closing(config, summary_path, log_path)
    if message:
        raise WorkflowError(message)
