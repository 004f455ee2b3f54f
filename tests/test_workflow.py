"""The Snakemake workflow: the example batch, chunked jobs, failure isolation, rerun planning,
up-front sheet checks and use as a module. Real Snakemake runs and dry-runs throughout."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
EXAMPLES = ROOT / "resources" / "examples"
P01 = "resources/examples/GRCh38/P01.rebiopsy.vcf.gz"
P02 = "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"
REPORTS = ("findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html", "xlsx")


def snakemake(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SNAKEMAKE, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )


def planned(res: subprocess.CompletedProcess) -> dict[str, list[str]]:
    """Rule name -> output paths of every job a dry-run plans (from its job listing)."""
    assert res.returncode == 0, res.stderr[-3000:]
    jobs: dict[str, list[str]] = {}
    rule = None
    for line in (res.stdout + res.stderr).splitlines():
        m = re.match(r"(?:local)?rule (\S+):$", line.strip())
        if m:
            rule = m.group(1)
            jobs.setdefault(rule, [])
        elif rule and line.strip().startswith("output:"):
            jobs[rule] += [p.strip() for p in line.split(":", 1)[1].split(",")]
    return jobs


def planned_samples(res: subprocess.CompletedProcess) -> list[str]:
    """Names of the sample directories the annotate jobs of a dry-run would write."""
    jobs = planned(res)
    return sorted(Path(p).name for r, ps in jobs.items() if r.startswith("annotate_") for p in ps)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text().splitlines(), delimiter="\t"))


def _truth() -> list[dict[str, str]]:
    lines = [x for x in (EXAMPLES / "truth.tsv").read_text().splitlines() if not x.startswith("# ")]
    return list(csv.DictReader(lines, delimiter="\t"))


SAMPLES = [r["sample"] for r in _rows(ROOT / "config" / "samples.tsv")]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("wf") / "results"
    res = snakemake("--cores", "2", "--config", f"results={out}")
    assert res.returncode == 0, res.stderr[-3000:]
    return out, res


def test_workflow_writes_every_sample_report_and_the_cohort(batch_run):
    out, res = batch_run
    for s in SAMPLES:
        for suffix in REPORTS:
            assert (out / s / f"{s}.{suffix}").is_file(), (s, suffix)
        assert json.loads((out / s / f"{s}.run.json").read_text())["status"] == "annotated"
    assert sorted(r["sample"] for r in _rows(out / "cohort" / "cohort.tsv")) == sorted(SAMPLES)
    assert _rows(out / "cohort" / "failed.tsv") == []
    # no report date configured: the pages do not carry the run date
    assert "report date not given" in (out / "cohort" / "index.html").read_text()


def test_two_cores_give_two_chunk_jobs_with_logs_and_benchmarks(batch_run):
    out, res = batch_run
    # 7 samples on 2 cores: 2 chunk jobs (samples dealt in sheet order: 4 + 3)
    logs = sorted(p.name for p in (out / "logs" / "annotate").iterdir())
    assert logs == ["annotate_1_of_2.log", "annotate_2_of_2.log"]
    assert len(list((out / "benchmarks" / "annotate").iterdir())) == 2
    assert "annotate_1_of_2" in res.stderr and "annotate_3_of" not in res.stderr


def test_workflow_findings_match_the_planted_truth(batch_run):
    out, _ = batch_run
    for t in _truth():
        data = json.loads((out / t["sample"] / f"{t['sample']}.json").read_text())
        hits = [f for f in data["findings"] if f["kind"] == t["kind"] and f["gene"] == t["gene"]]
        if t["kind"] == "mutation":
            hits = [f for f in hits if f["alteration"] == t["alteration"]]
        assert hits, (t["sample"], t["gene"], t["alteration"])
        assert hits[0]["baseline_status"] == t["baseline_status"]


def test_a_report_deleted_from_a_result_directory_plans_that_sample(tmp_path):
    out = tmp_path / "results"
    config = ["--config", f"results={out}", "chunk_size=7", "cohort=False"]
    assert snakemake("--cores", "1", *config).returncode == 0
    (out / "P03" / "P03.xlsx").unlink()
    assert planned_samples(snakemake("-n", "--cores", "1", *config)) == ["P03"]
    assert snakemake("--cores", "1", *config).returncode == 0
    assert (out / "P03" / "P03.xlsx").is_file()
    # and again: a second deletion is caught as well
    (out / "P03" / "P03.xlsx").unlink()
    assert planned_samples(snakemake("-n", "--cores", "1", *config)) == ["P03"]


def test_forceall_plans_every_sample(batch_run):
    out, _ = batch_run
    res = snakemake("-n", "--forceall", "--cores", "2", "--config", f"results={out}")
    assert planned_samples(res) == sorted(SAMPLES)


def test_after_a_full_run_nothing_is_planned_whatever_runs_snakemake(batch_run):
    out, _ = batch_run
    # another way to start Snakemake, another core count, no venv on PATH: nothing to do
    env = dict(os.environ, PATH="/usr/bin:/bin")
    for args, e in (
        (["--cores", "2"], None),
        (["--cores", "1"], env),
    ):
        res = snakemake("-n", *args, "--config", f"results={out}", env=e)
        assert planned(res) == {}, res.stdout[-2000:]
        assert "Nothing to be done" in res.stdout + res.stderr
    exe = Path(sys.executable).with_name("snakemake")
    if exe.exists():
        res = subprocess.run(
            [str(exe), "-n", "--cores", "3", "--config", f"results={out}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
        )
        assert planned(res) == {}, res.stdout[-2000:]


def test_snakemake_report_zip(batch_run, tmp_path):
    out, _ = batch_run
    res = snakemake(
        "--cores", "1", "--config", f"results={out}", "--report", str(tmp_path / "r.zip")
    )
    assert res.returncode == 0, res.stderr[-2000:]
    import zipfile

    names = zipfile.ZipFile(tmp_path / "r.zip").namelist()
    # every sample's pages, though all were current and no job was planned
    for s in SAMPLES:
        assert any(n.endswith(f"/{s}.html") for n in names), s
    assert any(n.endswith("/index.html") for n in names)
    # the embedded pages are the tumour-board pages: the first screen and the oncoprint
    with zipfile.ZipFile(tmp_path / "r.zip") as z:
        page = z.read(next(n for n in names if n.endswith("/P01.html"))).decode()
        assert 'id="next-options"' in page and 'id="not-seen"' in page
        assert (
            'id="oncoprint"' in z.read(next(n for n in names if n.endswith("/index.html"))).decode()
        )
        assert any(n.endswith("/cohort.xlsx") for n in names)


#: a sheet whose ids are not the VCFs' tumour columns states them (an unstated mismatch is refused)
MAPPED = "sample\tvcf\tprior_therapy\tvcf_sample"


def _sheet(tmp_path: Path, rows: list[str], header: str | None = None) -> Path:
    header = header or "sample\tvcf\tprior_therapy"
    p = tmp_path / "samples.tsv"
    p.write_text("\n".join([header, *rows]) + "\n")
    return p


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([f"A\t{P01}\tcrizotinib", f"A\t{P01}\tcrizotinib"], None, "row 3, column sample"),
        ([f"A\t{P01}"], "sample\tprior_therapy", "row 1 (header): missing required column(s) vcf"),
        (["A\tno/such/file.vcf\tcrizotinib"], None, "row 2, column vcf"),
        ([f"../x\t{P01}\tcrizotinib"], None, "row 2, column sample"),
        ([f"a b\t{P01}\tcrizotinib"], None, "row 2, column sample"),
        ([f"cohort\t{P01}\tcrizotinib"], None, "row 2, column sample"),
        ([f"A\t{P01}\tcrizotinib", f"B\t{P02}\tcrizotnib"], None, "row 3, column prior_therapy"),
        ([f"A\t{P01}\tcrizotinib", f"B\t{P01}\tcrizotinib"], None, "row 3, column vcf"),
        ([f"A\t{P01}\tcrizotinib"], "sample\tvcf\tvcf", "row 1 (header): column(s) vcf appear"),
        ([f"A\t{P01}\thg18"], "sample\tvcf\tbuild", "row 2, column build"),
        ([f"A\t{P01}\t1.5"], "sample\tvcf\tpurity", "row 2, column purity"),
        ([f"A\t{P01}\tmaybe"], "sample\tvcf\tcns_metastases", "row 2, column cns_metastases"),
        (
            [f"A\t{P01}\tcrizotinib\tlorlatinib"],
            "sample\tvcf\tprior_therapy\tprogressed_on",
            "row 2, column progressed_on",
        ),
    ],
    ids=[
        "duplicate",
        "missing-column",
        "missing-path",
        "dotdot",
        "space",
        "reserved-name",
        "unknown-drug",
        "vcf-in-two-rows",
        "duplicated-column",
        "unknown-build",
        "purity-out-of-range",
        "cns-not-yes-no",
        "progressed-on-not-received",
    ],
)
def test_bad_sample_sheet_stops_before_any_job_with_one_line(tmp_path, rows, header, expected):
    sheet = _sheet(tmp_path, rows, header)
    out = tmp_path / "results"
    res = snakemake("--cores", "1", "--config", f"samples={sheet}", f"results={out}")
    assert res.returncode != 0
    lines = [x for x in res.stderr.splitlines() if expected in x]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(f"{sheet}: ")
    assert "Traceback" not in res.stderr and "draft-07" not in res.stderr
    assert not out.exists()


def test_corrupt_sample_in_a_chunk_costs_only_itself_and_the_fixed_rerun_redoes_only_it(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a VCF\n")
    rows = [
        f"GOOD1\t{P01}\tcrizotinib\tP01_T",
        f"BAD\t{bad}\tcrizotinib\tP01_T",  # fixed below with P01's VCF
        f"GOOD2\t{P02}\talectinib\tP02_T",
    ]
    sheet = _sheet(tmp_path, rows, MAPPED)
    out = tmp_path / "results"
    config = ["--config", f"samples={sheet}", f"results={out}", "report_date=2026-05-01"]
    # one chunk of three samples, the bad one in the middle
    dry = snakemake("-n", "--cores", "1", *config)
    assert planned(dry).get("annotate_1_of_1") == [str(out / s) for s in ("GOOD1", "BAD", "GOOD2")]
    res = snakemake("--cores", "1", *config)
    # the run ends non-zero after writing everything, and its last line names the failure
    assert res.returncode == 1, res.stderr[-3000:]
    assert "alkannot: 2 of 3 samples annotated; failed: BAD (" in res.stderr
    for s in ("GOOD1", "GOOD2"):
        assert "<td>2026-05-01</td>" in (out / s / f"{s}.html").read_text()
    assert sorted(p.name for p in (out / "BAD").iterdir() if not p.name.startswith(".")) == [
        "BAD.error.txt",
        "BAD.log",
        "BAD.run.json",
    ]
    error = (out / "BAD" / "BAD.error.txt").read_text()
    assert str(bad) in error and "Traceback" not in error and len(error.splitlines()) == 1
    # the sample's own log says the same (per-sample logs beside the chunk's log)
    assert (out / "BAD" / "BAD.log").read_text() == f"BAD: failed: {error.strip()}\n"
    assert _rows(out / "cohort" / "failed.tsv") == [{"sample": "BAD", "error": error.strip()}]
    page = (out / "cohort" / "index.html").read_text()
    assert "could not be annotated" in page and "no VCF header" in page
    assert sorted(r["sample"] for r in _rows(out / "cohort" / "cohort.tsv")) == ["GOOD1", "GOOD2"]
    # nothing changed: no sample planned (the failure is a result, not a pending job); only the
    # closing summary, which reports the failure again
    assert planned(snakemake("-n", "--cores", "1", *config)) == {
        "run_summary": [str(out / "run_summary.txt")],
        "all": [],
    }
    # fix the input in place: exactly that sample and the cohort are planned
    bad.write_bytes((ROOT / P01).read_bytes())
    jobs = planned(snakemake("-n", "--cores", "1", *config))
    assert planned_samples(snakemake("-n", "--cores", "1", *config)) == ["BAD"]
    assert sorted(jobs) == ["all", "annotate_1_of_1", "cohort", "run_summary"]
    good_mtime = (out / "GOOD1" / "GOOD1.html").stat().st_mtime_ns
    res = snakemake("--cores", "1", *config)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (out / "BAD" / "BAD.html").is_file() and not (out / "BAD" / "BAD.error.txt").exists()
    assert (out / "GOOD1" / "GOOD1.html").stat().st_mtime_ns == good_mtime
    assert _rows(out / "cohort" / "failed.tsv") == []
    assert planned(snakemake("-n", "--cores", "1", *config)) == {}


CLINICAL = [
    ("prior_therapy", "crizotinib,alectinib", "crizotinib,alectinib,lorlatinib"),
    ("cns_metastases", "no", "yes"),
    ("purity", "0.6", "0.3"),
    ("ploidy", "2", "3.1"),
    ("build", "GRCh38", "hg38"),
    ("progressed_on", "crizotinib", "alectinib"),
]


def test_a_clinical_change_in_the_sheet_plans_only_that_sample(tmp_path):
    header = "\t".join(["sample", "vcf", "vcf_sample", *(c for c, _, _ in CLINICAL)])
    names = ["S1", "S2", "S3", "S4", "S5", "S6"]
    vcfs = {s: str(tmp_path / f"{s}.vcf.gz") for s in names}  # a VCF belongs to one sheet row
    for s in names:
        Path(vcfs[s]).write_bytes((ROOT / P01).read_bytes())
        Path(f"{vcfs[s]}.tbi").write_bytes((ROOT / f"{P01}.tbi").read_bytes())

    def write(changed: str | None = None, column: str | None = None) -> None:
        rows = [
            "\t".join(
                [s, vcfs[s], "P01_T"]
                + [a if (s, c) == (changed, column) else b for c, b, a in CLINICAL]
            )
            for s in names
        ]
        _sheet(tmp_path, rows, header)

    write()
    out = tmp_path / "results"
    config = ["--config", f"samples={tmp_path / 'samples.tsv'}", f"results={out}"]
    res = snakemake("--cores", "2", *config)
    assert res.returncode == 0, res.stderr[-3000:]
    assert planned(snakemake("-n", "--cores", "2", *config)) == {}
    # each field changed on a different sample (its own chunk or not): that sample, and the cohort
    for sample, (column, _, _) in zip(names, CLINICAL, strict=True):
        write(sample, column)
        res = snakemake("-n", "--cores", "2", *config)
        assert planned_samples(res) == [sample], column
        assert "cohort" in planned(res)
        # its chunk's plan marker (rewritten when the chunk is planned) is the rerun reason
        assert re.search(r"\.plans/annotate_\d+_of_\d+\.json", res.stdout + res.stderr)
    write()
    assert planned(snakemake("-n", "--cores", "2", *config)) == {}


def test_chunk_size_from_the_config_sets_the_number_of_jobs(tmp_path):
    out = tmp_path / "results"
    res = snakemake("-n", "--cores", "2", "--config", f"results={out}", "chunk_size=3")
    jobs = planned(res)
    # 7 samples, 3 per chunk: ceil(7/3) = 3 jobs, samples dealt in sheet order (i mod 3)
    chunks = {r: sorted(Path(p).name for p in ps) for r, ps in jobs.items() if "annotate" in r}
    assert chunks == {
        "annotate_1_of_3": ["P01", "P04", "P07"],
        "annotate_2_of_3": ["P02", "P05"],
        "annotate_3_of_3": ["P03", "P06"],
    }


def test_threads_are_used_by_the_chunk_job(tmp_path):
    out = tmp_path / "results"
    config = ["--config", f"results={out}", "threads=2", "cohort=False"]
    res = snakemake("-n", "-p", "--cores", "2", *config)
    # one chunk (2 cores / 2 threads) running two worker processes
    assert sorted(planned(res)) == ["all", "annotate_1_of_1", "run_summary", "versions"]
    assert "--jobs 2" in res.stdout + res.stderr


def test_workflow_as_a_module_with_only_config_overridden(tmp_path):
    sheet = _sheet(tmp_path, [f"M1\t{ROOT / P01}\tcrizotinib\tP01_T"], MAPPED)
    (tmp_path / "Snakefile").write_text(
        f"""
module alkannot:
    snakefile:
        "{ROOT / "workflow" / "Snakefile"}"
    config:
        {{"samples": "{sheet}", "results": "out"}}


use rule * from alkannot as alkannot_*


rule all:
    default_target: True
    input:
        rules.alkannot_all.input,
"""
    )
    res = snakemake("--cores", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (tmp_path / "out" / "M1" / "M1.html").is_file()
    assert (tmp_path / "out" / "cohort" / "index.html").is_file()


def test_catalogue_metadata_names_the_entry_point():
    import yaml

    meta = yaml.safe_load((ROOT / ".snakemake-workflow-catalog.yml").read_text())
    assert (ROOT / "workflow" / "Snakefile").is_file()
    assert meta["usage"]["software-stack-deployment"]["conda"] is True
    assert (ROOT / "config" / "README.md").is_file()


def test_chunk_requests_come_from_the_measured_cost(tmp_path):
    """A copy of the workflow with round costs, so the requests are worked out by hand:
    4 samples in one chunk on 2 threads, each with an indexed VCF (read by region: 0 MB) and a
    500,000-byte copy-number file read whole (0.5 MB), so 2.0 MB in all.
    runtime = margin 2 x (30 s + (4 x 15 s + 2.0 MB x 60 s/MB) / 2 threads) = 240 s = 4 min;
    memory = margin 2 x 100 MB x 2 workers = 400 MB."""
    import shutil

    shutil.copytree(ROOT / "workflow", tmp_path / "workflow")
    shutil.copy(ROOT / "Snakefile", tmp_path / "Snakefile")
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "workflow" / "resources.yaml").write_text(
        "startup_seconds: 30\nseconds_per_sample: 15\nseconds_per_mb: 60\npeak_mb: 100\nmargin: 2\n"
    )
    cnv = tmp_path / "x.cns"
    cnv.write_bytes(b"#" * 500_000)
    rows = []
    for i in range(1, 5):  # one re-biopsy VCF per row (each an indexed copy of P01)
        vcf = tmp_path / f"S{i}.vcf.gz"
        shutil.copy(ROOT / P01, vcf)
        shutil.copy(ROOT / f"{P01}.tbi", f"{vcf}.tbi")  # copied after: not older than the VCF
        rows.append(f"S{i}\t{vcf}\tcrizotinib\t{cnv}\tP01_T")
    sheet = _sheet(tmp_path, rows, header="sample\tvcf\tprior_therapy\tcnv\tvcf_sample")
    out = tmp_path / "results"
    res = snakemake(
        "-n", "--cores", "2", "--config", f"samples={sheet}", f"results={out}", "chunk_size=4",
        "threads=2", cwd=tmp_path,
    )  # fmt: skip
    text = res.stdout + res.stderr
    assert res.returncode == 0, text[-3000:]
    block = text[text.index("rule annotate_1_of_1:") :].split("\n\n")[0]
    assert "runtime=4" in block and "mem_mb=400" in block, block
    assert "threads: 2" in block
