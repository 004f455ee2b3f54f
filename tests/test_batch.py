"""``alkannot batch`` and :mod:`alkannot.batch`: chunks of samples in one process, per-sample
failures, run records, worker processes, and the cohort over sample directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.batch import is_current, run_batch, sample_settings
from alkannot.errors import ConfigError
from alkannot.io.samplesheet import read_samplesheet

ROOT = Path(__file__).resolve().parent.parent
P01 = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"
P02 = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"
REPORTS = ("findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html", "xlsx")


def _sheet(tmp_path: Path, rows: list[tuple]) -> Path:
    """A sheet of (sample, vcf, prior_therapy[, vcf_sample]) rows: the ids here are not the
    VCFs' tumour columns, so the rows state them (an unstated mismatch is refused)."""
    p = tmp_path / "samples.tsv"
    lines = ["sample\tvcf\tprior_therapy\tvcf_sample"]
    lines += ["\t".join(map(str, (*r, "")[:4])) for r in rows]
    p.write_text("\n".join(lines) + "\n")
    return p


def _copy(tmp_path: Path, src: Path, name: str) -> Path:
    """A copy of an example VCF (and its index) under another name: a VCF belongs to one row."""
    dst = tmp_path / f"{name}.vcf.gz"
    dst.write_bytes(src.read_bytes())
    Path(f"{dst}.tbi").write_bytes(Path(f"{src}.tbi").read_bytes())
    return dst


def _settings(sheet: Path, sample: str) -> dict:
    row = next(r for r in read_samplesheet(sheet) if r.sample == sample)
    return sample_settings(row, 0.02, 20)


def test_failing_sample_writes_its_error_and_run_record_and_the_others_go_on(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a VCF\n")
    sheet = _sheet(tmp_path, [("A", P01, "crizotinib", "P01_T"), ("B", bad, "crizotinib")])
    out = tmp_path / "out"
    failed = run_batch(sheet, out)
    assert [s for s, _ in failed] == ["B"] and str(bad) in failed[0][1]
    assert all((out / "A" / f"A.{x}").is_file() for x in REPORTS)
    assert sorted(p.name for p in (out / "B").iterdir()) == ["B.error.txt", "B.log", "B.run.json"]
    record = json.loads((out / "B" / "B.run.json").read_text())
    assert record["status"] == "failed" and record["error"] == failed[0][1]
    assert record["settings"] == _settings(sheet, "B")
    assert json.loads((out / "A" / "A.run.json").read_text())["status"] == "annotated"


def test_a_sample_that_fails_on_rerun_loses_its_old_reports(tmp_path):
    vcf = tmp_path / "s.vcf.gz"
    vcf.write_bytes(P01.read_bytes())
    sheet = _sheet(tmp_path, [("A", vcf, "crizotinib", "P01_T")])
    out = tmp_path / "out"
    assert run_batch(sheet, out) == []
    vcf.write_bytes(b"garbage\n")
    assert [s for s, _ in run_batch(sheet, out)] == ["A"]
    # no report of the earlier input stands beside the error
    assert sorted(p.name for p in (out / "A").iterdir()) == ["A.error.txt", "A.log", "A.run.json"]


def test_is_current_follows_settings_outputs_and_input_contents(tmp_path):
    vcf = tmp_path / "s.vcf.gz"
    vcf.write_bytes(P01.read_bytes())
    sheet = _sheet(tmp_path, [("A", vcf, "crizotinib", "P01_T")])
    out = tmp_path / "out"
    settings = _settings(sheet, "A")
    assert not is_current(out, settings)  # nothing written yet
    run_batch(sheet, out)
    assert is_current(out, settings)
    assert not is_current(out, {**settings, "prior_therapy": ["alectinib"]})
    assert not is_current(out, {**settings, "min_vaf": 0.05})
    record = out / "A" / "A.run.json"
    later = record.stat().st_mtime + 10
    os.utime(vcf, (later, later))
    assert is_current(out, settings)  # touched only: the same bytes
    vcf.write_bytes(P02.read_bytes())  # replaced by other content ...
    older = record.stat().st_mtime - 3600
    os.utime(vcf, (older, older))  # ... that carries an older time (cp -p, rsync -a)
    assert not is_current(out, settings)
    vcf.write_bytes(P01.read_bytes())
    assert is_current(out, settings)  # the content read before, whatever its time
    (out / "A" / "A.xlsx").unlink()
    assert not is_current(out, settings)  # a promised output is missing


def test_worker_processes_give_the_same_bytes_as_one_process(tmp_path):
    rows = [
        (f"S{i}", _copy(tmp_path, src, f"S{i}"), "crizotinib", column)
        for i, (src, column) in enumerate([(P02, "P02_T"), (P01, "P01_T")] * 2)
    ]
    sheet = _sheet(tmp_path, rows)
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_batch(sheet, one) == []
    assert run_batch(sheet, two, jobs=2) == []
    for s, *_ in rows:
        for x in (*REPORTS, "run.json"):
            assert (one / s / f"{s}.{x}").read_bytes() == (two / s / f"{s}.{x}").read_bytes()


def test_cli_only_takes_comma_separated_samples_and_failures_ok_exits_zero(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a VCF\n")
    sheet = _sheet(
        tmp_path,
        [
            ("A", P01, "crizotinib", "P01_T"),
            ("B", bad, "crizotinib"),
            ("C", P02, "alectinib", "P02_T"),
        ],
    )
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "alkannot", "batch", str(sheet), "-o", str(out)]
    res = subprocess.run([*cli, "--only", "A,B"], capture_output=True, text=True)
    assert res.returncode == 2 and "B:" in res.stderr and "Traceback" not in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["A", "B"]
    res = subprocess.run(
        [*cli, "--only", "B", "--failures-ok", "--jobs", "2"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr


def test_unknown_drug_stops_the_batch_before_any_sample(tmp_path):
    sheet = _sheet(
        tmp_path,
        [("A", P01, "crizotinib", "P01_T"), ("B", _copy(tmp_path, P01, "B"), "crizotinibb")],
    )
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match=r"row 3, column prior_therapy \(sample 'B'\)"):
        run_batch(sheet, out)
    assert not out.exists()


def test_cohort_over_sample_directories_lists_the_failures(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a VCF\n")
    sheet = _sheet(tmp_path, [("A", P01, "crizotinib", "P01_T"), ("B", bad, "crizotinib")])
    out = tmp_path / "out"
    run_batch(sheet, out)
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "cohort", str(out / "A"), str(out / "B")]
        + ["-o", str(out / "cohort")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    failed = (out / "cohort" / "failed.tsv").read_text().splitlines()
    assert failed[0] == "sample\terror" and failed[1].startswith("B\t") and len(failed) == 2
    assert (out / "B" / "B.error.txt").read_text().strip() in failed[1]
    cohort = (out / "cohort" / "cohort.tsv").read_text().splitlines()
    assert [x.split("\t")[0] for x in cohort[1:]] == ["A"]


def test_cohort_over_a_json_glob_ignores_the_run_records(tmp_path):
    # `alkannot cohort out/*/*.json` after `alkannot batch`: the glob also matches each sample's
    # run record ({sample}.run.json), which is not a result; the two samples are the cohort
    sheet = _sheet(tmp_path, [("A", P01, "crizotinib", "P01_T"), ("B", P02, "alectinib", "P02_T")])
    out = tmp_path / "out"
    run_batch(sheet, out)
    files = sorted(str(p) for p in out.glob("*/*.json"))
    assert len(files) == 4  # A.json, A.run.json, B.json, B.run.json
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "cohort", *files, "-o", str(out / "cohort")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    cohort = (out / "cohort" / "cohort.tsv").read_text().splitlines()
    assert [x.split("\t")[0] for x in cohort[1:]] == ["A", "B"]


def test_cohort_over_results_glob_passes_over_its_own_overview_folders(tmp_path):
    # README: `alkannot patient ... -o results/patients`, then `alkannot cohort results/*/ -o
    # results/cohort`; the glob matches results/patients/ and, on a rerun, results/cohort/: they
    # are passed over (said on stderr), not refused as samples without a result
    sheet = _sheet(tmp_path, [("A", P01, "crizotinib", "P01_T"), ("B", P02, "alectinib", "P02_T")])
    out = tmp_path / "out"
    run_batch(sheet, out)
    (out / "patients").mkdir()
    (out / "patients" / "PT1.timeline.tsv").write_text("patient\tsample\n")
    cli = [sys.executable, "-m", "alkannot", "cohort"]
    for _ in range(2):  # the second run's glob holds out/cohort as well
        dirs = sorted(str(p) for p in out.iterdir() if p.is_dir())
        res = subprocess.run(
            [*cli, *dirs, "-o", str(out / "cohort")], capture_output=True, text=True
        )
        assert res.returncode == 0, res.stderr
        cohort = (out / "cohort" / "cohort.tsv").read_text().splitlines()
        assert [x.split("\t")[0] for x in cohort[1:]] == ["A", "B"]
        assert f"passed over: {out / 'patients'} (patient timelines" in res.stderr
    assert f"passed over: {out / 'cohort'} (a cohort overview" in res.stderr
    # an empty folder is still an error: it is neither a sample nor an overview
    (out / "C").mkdir()
    res = subprocess.run(
        [*cli, str(out / "C"), "-o", str(tmp_path / "c2")], capture_output=True, text=True
    )
    assert res.returncode == 2 and "sample result JSON not found" in res.stderr
