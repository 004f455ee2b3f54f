"""The workflow over a sheet with several patients: one timeline job per patient after its
samples, the cohort page grouping the samples by patient, reruns, and a bad timeline stopping
the run before any job. Real Snakemake runs (tests/test_workflow.py's helpers)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.patient_fixtures import SAMPLES, TREATMENTS, write_sheet
from tests.test_workflow import planned, snakemake

PATIENTS = sorted({v[0] for v in SAMPLES.values()})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("wf_patients")
    inputs = root / "inputs"
    inputs.mkdir()
    sheet = write_sheet(root / "samples.tsv", SAMPLES, inputs=inputs)
    treatments = root / "treatments.tsv"
    treatments.write_text(TREATMENTS)
    out = root / "results"
    config = [
        "--config", f"samples={sheet}", f"results={out}", f"treatments={treatments}",
        "report_date=2026-12-01",
    ]  # fmt: skip
    res = snakemake("--cores", "2", *config)
    assert res.returncode == 0, res.stderr[-3000:]
    return {"root": root, "out": out, "config": config, "sheet": sheet, "treatments": treatments}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_one_timeline_per_patient_after_its_samples(run):
    out = run["out"]
    for p in PATIENTS:
        for suffix in ("html", "json", "timeline.tsv"):
            assert (out / "patients" / f"{p}.{suffix}").is_file(), (p, suffix)
        assert (out / "logs" / "patient" / f"{p}.log").is_file()
    # PA (tests/patient_fixtures.py): L1196M acquired, lost, re-emerged (tests/test_patient.py)
    rows = _rows(out / "patients" / "PA.timeline.tsv")
    l1196m = [(r["sample"], r["transition"]) for r in rows if r["alteration"] == "ALK L1196M"]
    assert l1196m == [("PA1", ""), ("PA2", "acquired"), ("PA3", "lost"), ("PA4", "re-emerged")]
    assert "report date 2026-12-01" in (out / "patients" / "PA.html").read_text()


def test_cohort_groups_the_samples_by_patient(run):
    out = run["out"]
    rows = {r["sample"]: r["patient"] for r in _rows(out / "cohort" / "cohort.tsv")}
    assert rows == {s: v[0] for s, v in SAMPLES.items()}
    page = (out / "cohort" / "index.html").read_text()
    for p in PATIENTS:
        assert f'href="../patients/{p}.html">{p}</a>' in page
    # samples of a patient in time order: PC1 (2020-02-01), PC2 (2021-03-01), PC3 (2021-03-20)
    pc = page.split('href="../patients/PC.html">PC</a>', 1)[1].split("</tr>", 1)[0]
    assert pc.index(">PC1<") < pc.index(">PC2<") < pc.index(">PC3<")


def test_nothing_planned_after_a_full_run_and_a_treatment_change_redoes_only_the_pages(run):
    assert planned(snakemake("-n", "--cores", "1", *run["config"])) == {}
    text = run["treatments"].read_text()
    run["treatments"].write_text(text.replace("2018-07-01\ttoxicity", "2018-07-02\ttoxicity"))
    try:
        jobs = planned(snakemake("-n", "--cores", "1", *run["config"]))
        assert not any(r.startswith("annotate_") for r in jobs), jobs
        assert "patient" in jobs and "cohort" in jobs
    finally:
        run["treatments"].write_text(text)


def test_a_bad_timeline_stops_before_any_job(run, tmp_path):
    sheet = tmp_path / "samples.tsv"
    text = run["sheet"].read_text().replace("2019-03-01", "2999-03-01", 1)
    sheet.write_text(text)
    res = snakemake("-n", "--cores", "1", "--config", f"samples={sheet}", f"results={tmp_path}/r")
    assert res.returncode != 0
    lines = [x for x in (res.stdout + res.stderr).splitlines() if "in the future" in x]
    assert len(lines) == 1, res.stderr[-2000:]
    assert lines[0].startswith(f"{sheet}: row 2, column collection_date: sample PA1"), lines
    assert not (tmp_path / "r").exists()
