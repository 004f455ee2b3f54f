"""The bad-input corpus (tests/bad_inputs/manifest.tsv) through the real CLI, and a fuzz test."""

from __future__ import annotations

import contextlib
import csv
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alkannot.annotate import target_regions
from alkannot.errors import AlkannotError
from alkannot.io.vcf import read_vcf

HERE = Path(__file__).resolve().parent / "bad_inputs"
ROWS = list(csv.DictReader((HERE / "manifest.tsv").read_text().splitlines(), delimiter="\t"))


def test_corpus_has_at_least_40_files():
    assert len(ROWS) >= 40
    assert all((HERE / r["file"]).is_file() for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["file"])
def test_bad_input(row, tmp_path):
    out = tmp_path / "out"
    args = row["args"].split() if row["args"] else []
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "annotate", str(HERE / row["file"]), "-o", str(out),
         "--formats", "tsv,json", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in res.stderr + res.stdout
    if row["outcome"] == "error":
        assert res.returncode == 2, res.stdout + res.stderr
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1, res.stderr
        assert row["file"] in lines[0]
        assert row["word"] in lines[0], lines[0]
        assert not out.exists() or not any(out.iterdir())
    else:
        assert res.returncode == 0, res.stderr
        produced = "".join(p.read_text(errors="replace") for p in out.iterdir())
        if row["word"]:
            assert row["word"] in produced, row["word"]


VALID = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
    "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:80,20\n"
    "chr2\t29222405\t.\tG\tGCGT\t.\tPASS\t.\tGT:AD\t0/1:70,30\n"
    "chr12\t25245351\t.\tC\tA\t.\tPASS\t.\tGT:AD\t0/1:50,50\n"
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.sampled_from(["flip", "delete", "insert", "dup_line"]),
                  st.sampled_from(list("\t\n.,:;ACGT0123456789#=<>*-\x00\xff "))),
        min_size=1, max_size=6,
    )
)  # fmt: skip
def test_mutated_vcf_gives_success_or_a_clear_error(tmp_path, edits):
    text = VALID.encode("latin-1")
    for pos, op, ch in edits:
        pos = min(pos, len(text) - 1)
        b = ch.encode("latin-1")
        if op == "flip":
            text = text[:pos] + b + text[pos + 1 :]
        elif op == "delete":
            text = text[:pos] + text[pos + 1 :]
        elif op == "insert":
            text = text[:pos] + b + text[pos:]
        else:
            lines = text.split(b"\n")
            i = pos % len(lines)
            text = b"\n".join(lines[: i + 1] + lines[i:])
    path = tmp_path / "fuzz.vcf"
    path.write_bytes(text)
    with contextlib.suppress(AlkannotError):
        read_vcf(path, target_regions)


OTHER = HERE / "other"
OTHER_ROWS = list(csv.DictReader((OTHER / "manifest.tsv").read_text().splitlines(), delimiter="\t"))
GOOD_VCF = Path(__file__).resolve().parents[1] / "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"


@pytest.fixture(scope="module")
def good_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("good")
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "annotate", str(GOOD_VCF), "-o", str(out),
         "--formats", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return next(out.glob("*.json"))


BUNDLED = str(Path(__file__).resolve().parents[1] / "resources/catalogue/catalogue.yaml")
#: issue 27's commands: import a release folder, diff, re-annotate (a result, a catalogue)
KNOWLEDGE = {
    "civic_release": lambda p, out, _j: ["catalogue", "import-civic", str(p.parent), "-o",
                                         str(out), "--apply", str(out / "new.yaml"), "--by", "x"],
    "catalogue_diff": lambda p, out, _j: ["catalogue", "diff", BUNDLED, str(p), "--tsv",
                                          str(out / "diff.tsv")],
    "reannotate": lambda p, out, _j: ["reannotate", str(p), "--catalogue", BUNDLED, "-o", str(out)],
    "reannotate_catalogue": lambda p, out, j: ["reannotate", str(j), "--catalogue", str(p), "-o",
                                               str(out)],
}  # fmt: skip


def _command(row: dict, path: Path, out: Path, good_json: Path) -> list[str]:
    kind = row["kind"]
    if kind in ("cnv", "fusions"):
        cmd = ["annotate", str(GOOD_VCF), f"--{kind}", str(path), "-o", str(out)]
    elif kind == "maf":
        cmd = ["annotate", str(path), "-o", str(out)]
    elif kind == "catalogue":
        cmd = ["annotate", str(GOOD_VCF), "--catalogue", str(path), "-o", str(out)]
    elif kind == "samplesheet":
        cmd = ["batch", str(path), "-o", str(out), "--base", str(GOOD_VCF.parents[3])]
    elif kind in KNOWLEDGE:
        cmd = KNOWLEDGE[kind](path, out, good_json)
    else:
        cmd = ["cohort", str(good_json), str(path), "-o", str(out)]
    if kind not in ("cohort", "civic_release", "catalogue_diff"):
        cmd += ["--formats", "tsv,json"]
    return cmd + (row["args"].split() if row["args"] else [])


def test_other_corpus_covers_every_input_kind():
    kinds = {r["kind"] for r in OTHER_ROWS}
    assert kinds == {"cnv", "fusions", "maf", "samplesheet", "cohort", "catalogue", *KNOWLEDGE}
    assert all((OTHER / r["file"]).is_file() for r in OTHER_ROWS)


@pytest.mark.parametrize("row", OTHER_ROWS, ids=lambda r: r["file"])
def test_bad_other_input(row, tmp_path, good_json):
    out = tmp_path / "out"
    cmd = _command(row, OTHER / row["file"], out, good_json)
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", *cmd], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in res.stderr + res.stdout
    if row["outcome"] == "error":
        assert res.returncode == 2, res.stdout + res.stderr
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1, res.stderr
        assert row["file"] in lines[0]
        assert row["word"] in lines[0], lines[0]
        reports = [p for p in out.rglob("*") if p.is_file() and not p.name.endswith(".error.txt")]
        assert reports == []
    else:
        assert res.returncode == 0, res.stderr
        produced = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
        assert row["word"] in produced
