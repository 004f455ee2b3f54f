"""The cohort counts a sample once: by its id and the checksums of its inputs (README, cohort).

Expected counts are worked out from what is given: P01's re-biopsy (G1202R, an on-target ALK
mutation; resources/examples/README) given twice is one sample with one on-target mutation.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.api import annotate_sample, write_sample_reports

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "resources" / "examples" / "GRCh38"


@pytest.fixture(scope="module")
def p01(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("p01") / "P01"
    write_sample_reports(
        annotate_sample(str(EX / "P01.rebiopsy.vcf.gz"), sample_name="P01"), out, ("json",)
    )
    return out / "P01.json"


def _cohort(tmp_path: Path, *inputs: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = tmp_path / "cohort"
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "cohort", *map(str, inputs), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    rows = []
    if res.returncode == 0:
        with open(out / "cohort.tsv", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    return res, rows


def _samples(rows: list[dict]) -> list[str]:
    """The samples the cohort counts: one row each in cohort.tsv."""
    return [r["sample"] for r in rows]


def _copy(src: Path, folder: Path, edit=None) -> Path:
    folder.mkdir(parents=True)
    data = json.loads(src.read_text())
    if edit:
        edit(data)
    dst = folder / f"{data['sample']}.json"
    dst.write_text(json.dumps(data))
    return dst


def test_the_same_sample_given_twice_counts_once(tmp_path, p01):
    res, rows = _cohort(tmp_path, p01, p01.parent)  # the JSON and its folder
    assert res.returncode == 0, res.stderr
    assert _samples(rows) == ["P01"]
    assert "P01 is given twice" in res.stderr and "the same inputs" in res.stderr
    assert "P01 is given twice" in (tmp_path / "cohort" / "index.html").read_text()


def test_a_rerun_supersedes_the_old_copy(tmp_path, p01):
    def rerun(data):  # the rerun had another VCF (its checksum) and no mechanism
        data["inputs"][0]["sha256"] = "0" * 64
        data["mechanisms"] = []

    old = _copy(p01, tmp_path / "old")
    new = _copy(p01, tmp_path / "new", rerun)
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))  # written first
    os.utime(new, ns=(2_000_000_000, 2_000_000_000))
    res, rows = _cohort(tmp_path, old, new)
    assert res.returncode == 0, res.stderr
    assert _samples(rows) == ["P01"]
    assert rows[0]["mechanisms"] == "none"  # the newer result (no mechanism), not both
    assert "other inputs; the newer one is used" in res.stderr


def test_one_tumour_under_two_ids_is_named_in_a_warning(tmp_path, p01):
    # identity is the id and the inputs: another id is another identity, counted, but said
    other = _copy(p01, tmp_path / "P01b", lambda d: d.update(sample="P01b"))
    res, rows = _cohort(tmp_path, p01, other)
    assert res.returncode == 0, res.stderr
    assert _samples(rows) == ["P01", "P01b"]
    assert "P01b" in res.stderr and "has the very inputs of P01" in res.stderr


@pytest.mark.parametrize("vaf", ["1e400", "5", "-0.1"])
def test_tampered_vaf_is_refused(tmp_path, p01, vaf):
    text = p01.read_text()
    data = json.loads(text)
    f = next(f for f in data["findings"] if f.get("vaf") is not None)
    marker = json.dumps(f["vaf"])
    folder = tmp_path / "t"
    folder.mkdir()
    bad = folder / "P01.json"
    bad.write_text(text.replace(f'"vaf": {marker}', f'"vaf": {vaf}', 1))
    assert bad.read_text() != text
    res, _ = _cohort(tmp_path, bad)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "inf" not in res.stderr.lower().replace("infinite", "")
    shutil.rmtree(folder)


def test_a_key_given_twice_in_a_sample_json_is_refused(tmp_path, p01):
    # RFC 8259 section 4: names within an object SHOULD be unique; parsers keep either value
    text = p01.read_text()
    folder = tmp_path / "t"
    folder.mkdir()
    bad = folder / "P01.json"
    bad.write_text(text.replace('"mechanisms": [', '"mechanisms": [], "mechanisms": [', 1))
    assert bad.read_text() != text
    res, _ = _cohort(tmp_path, bad)
    assert res.returncode == 2 and "'mechanisms' appears twice" in res.stderr, res.stderr
