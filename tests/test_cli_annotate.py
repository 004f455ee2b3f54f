"""``alkannot annotate`` through the real entry point: outputs, determinism and bad input."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alkannot.cli import cli

ROOT = Path(__file__).resolve().parent.parent
P01 = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would (a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_version_and_help_on_every_command():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.startswith("alkannot, version ")
    for cmd in ([], ["annotate"], ["batch"], ["cohort"], ["catalogue"]):
        res = runner.invoke(cli, [*cmd, "--help"])
        assert res.exit_code == 0, (cmd, res.output)
        assert "Usage:" in res.output


def test_annotate_writes_the_per_sample_outputs(tmp_path):
    res = run(
        "annotate", str(P01), "-o", str(tmp_path), "--sample-name", "P01", "--formats", "tsv,json"
    )
    assert res.returncode == 0, res.stderr
    for suffix in ("findings.tsv", "drugs.tsv", "skipped.tsv", "json"):
        assert (tmp_path / f"P01.{suffix}").is_file()
    header = (tmp_path / "P01.findings.tsv").read_text().splitlines()[0].split("\t")
    required = [
        "sample",
        "gene",
        "chrom",
        "pos",
        "ref",
        "alt",
        "hgvsc",
        "hgvsp",
        "alteration",
        "consequence",
        "in_kinase_domain",
        "catalogue_id",
        "vaf",
        "depth",
        "filter",
    ]
    assert all(c in header for c in required)
    assert "G1202R" in (tmp_path / "P01.findings.tsv").read_text()


def test_annotate_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert run("annotate", str(P01), "-o", str(out)).returncode == 0
    names = sorted(p.name for p in a.iterdir())
    assert {n.split(".", 1)[1] for n in names} == {
        "drugs.tsv",
        "findings.tsv",
        "skipped.tsv",
        "json",
        "html",
        "xlsx",
    }
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # no run date leaks in: the page says the date was not given
    assert "<th>Report date</th><td>not given</td>" in next(a.glob("*.html")).read_text()


def test_report_date_is_printed_when_given_and_checked(tmp_path):
    res = run("annotate", str(P01), "-o", str(tmp_path / "ok"), "--report-date", "2026-03-09")
    assert res.returncode == 0, res.stderr
    page = next((tmp_path / "ok").glob("*.html")).read_text()
    assert "<th>Report date</th><td>2026-03-09</td>" in page
    res = run("annotate", str(P01), "-o", str(tmp_path / "bad"), "--report-date", "09/03/2026")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "YYYY-MM-DD" in res.stderr
    assert not (tmp_path / "bad").exists()


def _bad_inputs(tmp: Path) -> dict[str, Path]:
    header = (
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    )
    cols = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    files = {
        "missing": tmp / "does_not_exist.vcf",
        "not_a_vcf": tmp / "junk.vcf",
        "truncated_gzip": tmp / "truncated.vcf.gz",
        "empty": tmp / "empty.vcf",
        "no_samples": tmp / "nosamples.vcf",
        "wrong_sample": tmp / "onesample.vcf",
    }
    files["not_a_vcf"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    full = gzip.compress(
        (
            header + cols + "\tFORMAT\tT\n" + "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n" * 200
        ).encode()
    )
    files["truncated_gzip"].write_bytes(full[: len(full) // 2])
    files["empty"].write_bytes(b"")
    files["no_samples"].write_text(header + cols + "\nchr2\t29220747\t.\tC\tT\t.\tPASS\t.\n")
    files["wrong_sample"].write_text(
        header + cols + "\tFORMAT\tTUMOR\nchr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n"
    )
    return files


@pytest.mark.parametrize(
    "case", ["missing", "not_a_vcf", "truncated_gzip", "empty", "wrong_sample"]
)
def test_bad_input_gives_one_line_exit_2_and_no_output(tmp_path, case):
    path = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    extra = ["--sample", "NOT_THERE"] if case == "wrong_sample" else []
    res = run("annotate", str(path), "-o", str(out), *extra)
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert path.name in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_vcf_without_samples_is_annotated_or_refused_clearly(tmp_path):
    path = _bad_inputs(tmp_path)["no_samples"]
    res = run("annotate", str(path), "-o", str(tmp_path / "out"), "--formats", "tsv")
    assert "Traceback" not in res.stderr
    if res.returncode == 2:
        assert len(res.stderr.strip().splitlines()) == 1 and path.name in res.stderr
    else:
        assert res.returncode == 0


def test_build_mismatch_names_the_record(tmp_path):
    # G1202R's GRCh38 position holds C on the plus strand (resources/examples/truth.tsv); a REF of
    # A there cannot be GRCh38.
    vcf = tmp_path / "mismatch.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        "chr2\t29220747\t.\tA\tT\t.\tPASS\t.\tGT\t0/1\n"
    )
    res = run("annotate", str(vcf), "-o", str(tmp_path / "out"))
    assert res.returncode == 2
    assert "29220747" in res.stderr and "GRCh38" in res.stderr
