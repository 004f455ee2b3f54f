"""The Snakemake workflow on the bundled example batch, its validation and failure isolation."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
EXAMPLES = ROOT / "resources" / "examples"


def snakemake(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SNAKEMAKE, *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def _truth() -> list[dict[str, str]]:
    lines = [x for x in (EXAMPLES / "truth.tsv").read_text().splitlines() if not x.startswith("# ")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("wf") / "results"
    res = snakemake("--cores", "2", "--keep-going", "--config", f"results={out}")
    assert res.returncode == 0, res.stderr[-3000:]
    return out


def test_workflow_writes_every_sample_report_and_the_cohort(batch_run):
    samples = [
        r["sample"]
        for r in csv.DictReader(
            (ROOT / "config" / "samples.tsv").read_text().splitlines(), delimiter="\t"
        )
    ]
    for s in samples:
        for suffix in ("findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html", "xlsx"):
            assert (batch_run / s / f"{s}.{suffix}").is_file(), (s, suffix)
        assert (batch_run / "logs" / "annotate" / f"{s}.log").is_file()
        assert (batch_run / "benchmarks" / "annotate" / f"{s}.tsv").is_file()
    cohort = list(
        csv.DictReader(
            (batch_run / "cohort" / "cohort.tsv").read_text().splitlines(), delimiter="\t"
        )
    )
    assert sorted(r["sample"] for r in cohort) == sorted(samples)
    # no report date configured: the pages do not carry the run date
    assert "report date not given" in (batch_run / "cohort" / "index.html").read_text()


def test_workflow_findings_match_the_planted_truth(batch_run):
    for t in _truth():
        data = json.loads((batch_run / t["sample"] / f"{t['sample']}.json").read_text())
        hits = [f for f in data["findings"] if f["kind"] == t["kind"] and f["gene"] == t["gene"]]
        if t["kind"] == "mutation":
            hits = [f for f in hits if f["alteration"] == t["alteration"]]
        assert hits, (t["sample"], t["gene"], t["alteration"])
        assert hits[0]["baseline_status"] == t["baseline_status"]


def test_snakemake_report_zip(batch_run, tmp_path):
    res = snakemake(
        "--cores", "1", "--config", f"results={batch_run}", "--report", str(tmp_path / "r.zip")
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / "r.zip").stat().st_size > 10_000
    # the report embeds the tumour-board pages themselves: the first screen and the oncoprint
    import zipfile

    with zipfile.ZipFile(tmp_path / "r.zip") as z:
        names = z.namelist()
        sample = next(n for n in names if n.endswith("/P01.html"))
        cohort = next(n for n in names if n.endswith("/index.html"))
        assert any(n.endswith("/cohort.xlsx") for n in names)
        page = z.read(sample).decode()
        assert 'id="next-options"' in page and 'id="not-seen"' in page
        assert 'id="oncoprint"' in z.read(cohort).decode()


def _sheet(tmp_path: Path, rows: list[str], header: str | None = None) -> Path:
    header = header or "sample\tvcf\tprior_therapy"
    p = tmp_path / "samples.tsv"
    p.write_text("\n".join([header, *rows]) + "\n")
    return p


P01 = "resources/examples/GRCh38/P01.rebiopsy.vcf.gz"


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([f"A\t{P01}\tcrizotinib", f"A\t{P01}\tcrizotinib"], None, "appears twice"),
        ([f"A\t{P01}"], "sample\tprior_therapy", "vcf"),
        (["A\tno/such/file.vcf\tcrizotinib"], None, "does not exist"),
        ([f"../x\t{P01}\tcrizotinib"], None, "../x"),
        ([f"a b\t{P01}\tcrizotinib"], None, "a b"),
    ],
    ids=["duplicate", "missing-column", "missing-path", "dotdot", "space"],
)
def test_bad_sample_sheet_stops_before_any_job(tmp_path, rows, header, expected):
    sheet = _sheet(tmp_path, rows, header)
    out = tmp_path / "results"
    res = snakemake("--cores", "1", "--config", f"samples={sheet}", f"results={out}")
    assert res.returncode != 0
    assert expected in res.stderr + res.stdout
    assert not out.exists()


def test_failing_sample_is_isolated_and_logged(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a VCF\n")
    sheet = _sheet(tmp_path, [f"GOOD\t{P01}\tcrizotinib", f"BAD\t{bad}\tcrizotinib"])
    out = tmp_path / "results"
    res = snakemake(
        "--cores",
        "2",
        "--keep-going",
        "--config",
        f"samples={sheet}",
        f"results={out}",
        "cohort=False",
        "report_date=2026-05-01",
    )
    assert res.returncode != 0
    assert "<td>2026-05-01</td>" in (out / "GOOD" / "GOOD.html").read_text()
    assert not (out / "BAD" / "BAD.html").exists()
    log = (out / "logs" / "annotate" / "BAD.log").read_text()
    assert "bad.vcf" in log and "Traceback" not in log
    # a rerun after fixing the input resumes: only the failed sample runs again
    bad.write_bytes((ROOT / P01).read_bytes())
    bad.rename(tmp_path / "bad.vcf.gz")
    sheet = _sheet(
        tmp_path, [f"GOOD\t{P01}\tcrizotinib", f"BAD\t{tmp_path / 'bad.vcf.gz'}\tcrizotinib"]
    )
    res = snakemake(
        "--cores",
        "2",
        "--config",
        f"samples={sheet}",
        f"results={out}",
        "cohort=False",
        "report_date=2026-05-01",
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert (out / "BAD" / "BAD.html").is_file()
    assert "GOOD" not in "".join(x for x in res.stderr.splitlines() if "wildcards: sample=" in x)
