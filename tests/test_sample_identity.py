"""One tumour column, or a refusal: sample names in headers, sheets, options and read groups.

Expected outcomes: the VCF header's ``##tumor_sample``/``##normal_sample`` name one column each
(GATK Mutect2's convention, shared/formats); SAM's ``@RG SM`` names the sample a read group's
reads come from (SAM specification 1.3), so two SM values are two samples; a sample sheet row is
one sample whose id names its folder (config/README.md).
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.annotate import target_regions
from alkannot.api import annotate_sample, safe_sample_id
from alkannot.errors import ConfigError, InputFormatError, SampleNotFoundError
from alkannot.io.samplesheet import read_samplesheet
from alkannot.io.vcf import read_vcf
from alkannot.sample_identity import names_agree
from tests.reads_helpers import BamBuilder, ref

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "resources" / "examples" / "GRCh38"
P01 = EX / "P01.rebiopsy.vcf.gz"  # columns P01_N, P01_T; ##tumor_sample=P01_T, G1202R in P01_T
P02 = EX / "P02.rebiopsy.vcf.gz"


def _reheaded(tmp_path: Path, extra: str) -> Path:
    """P01's VCF with extra ``##`` lines before ``#CHROM`` (plain text, unindexed)."""
    text = gzip.decompress(P01.read_bytes()).decode()
    p = tmp_path / "p.vcf"
    p.write_text(text.replace("#CHROM", extra + "#CHROM", 1))
    return p


def test_two_tumor_sample_lines_are_refused(tmp_path):
    # the last line names the normal: "last wins" would annotate P01_N
    p = _reheaded(tmp_path, "##tumor_sample=P01_N\n")
    with pytest.raises(SampleNotFoundError, match="##tumor_sample 2 times"):
        read_vcf(p, target_regions)
    # the user chose the column: read as asked
    assert read_vcf(p, target_regions, sample="P01_T").sample == "P01_T"


def test_normal_declared_as_the_tumour_is_refused(tmp_path):
    text = gzip.decompress(P01.read_bytes()).decode().replace("##normal_sample=P01_N", "")
    p = tmp_path / "p.vcf"
    p.write_text(text.replace("#CHROM", "##normal_sample=P01_T\n#CHROM", 1))
    with pytest.raises(SampleNotFoundError, match="both name P01_T"):
        read_vcf(p, target_regions)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, timeout=120
    )


def test_sample_name_of_the_normal_is_one_line(tmp_path):
    res = _run("annotate", str(P01), "-o", str(tmp_path / "o"), "--sample-name", "P01_N")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "normal sample" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_sample_name_of_another_patient_is_said_in_the_report():
    r = annotate_sample(str(P01), sample_name="P02")
    assert any(
        "--sample-name P02 differs from the VCF's tumour sample P01_T" in w for w in r.warnings
    )
    r = annotate_sample(str(P01), sample_name="P01")  # the patient id of P01_T: agrees
    assert not any("differs" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("given", "found", "agree"),
    [
        ("P01", "P01_T", True),
        ("p01-t", "P01_T", True),
        ("P02", "P01_T", False),
        ("P0", "P01_T", False),  # a prefix, but not at a separator
        ("anything", "TUMOR", True),  # a placeholder names nobody
    ],
)
def test_names_agree(given, found, agree):
    assert names_agree(given, found) is agree


def _sheet(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.tsv"
    p.write_text(text)
    return p


def test_duplicated_sheet_column_is_refused(tmp_path):
    sheet = _sheet(tmp_path, f"sample\tvcf\tvcf\nA\t{P01}\t{P02}\n")
    with pytest.raises(ConfigError, match=r"row 1 \(header\): column\(s\) vcf appear more"):
        read_samplesheet(sheet)


def test_one_vcf_in_two_rows_is_refused(tmp_path):
    sheet = _sheet(tmp_path, f"sample\tvcf\nA\t{P01}\nB\t{P01}\n")
    with pytest.raises(ConfigError, match=r"row 3, column vcf .*also the vcf of sample 'A'"):
        read_samplesheet(sheet)
    # a symbolic link is the same file
    link = tmp_path / "link.vcf.gz"
    link.symlink_to(P01)
    sheet = _sheet(tmp_path, f"sample\tvcf\nA\t{P01}\nB\t{link}\n")
    with pytest.raises(ConfigError, match="also the vcf"):
        read_samplesheet(sheet)


def test_sample_ids_differing_only_in_case_are_refused(tmp_path):
    sheet = _sheet(tmp_path, f"sample\tvcf\nP01\t{P01}\np01\t{P02}\n")
    with pytest.raises(ConfigError, match=r"rows 2 and 3, as 'P01'"):
        read_samplesheet(sheet)


def test_non_ascii_names_map_to_distinct_files(tmp_path):
    # two patients whose ids differ only in a non-ASCII letter get their own reports
    names = ["Müller", "Mäller", "M_ller", "Mü ller", ".x", "x", "a/b", "a_b"]
    ids = [safe_sample_id(n) for n in names]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", i) for i in ids)
    assert safe_sample_id("P01_T") == "P01_T"  # a safe name is kept as it is
    for n in names[:2]:
        res = _run(
            "annotate", str(P01), "-o", str(tmp_path), "--sample-name", n, "--formats", "json"
        )
        assert res.returncode == 0, res.stderr
    found = sorted(json.loads(p.read_text())["sample"] for p in tmp_path.glob("*.json"))
    assert found == sorted(safe_sample_id(n) for n in names[:2])


def _bam(path: Path, read_groups: list[dict]) -> Path:
    b = BamBuilder()
    b.header["RG"] = read_groups
    s = 29220720
    for i in range(30):
        b.read(f"r{i}", s, ref(s, s + 59))
    return b.write(path)


def test_bam_with_two_samples_in_its_read_groups_is_refused(tmp_path):
    bam = _bam(tmp_path / "t.bam", [{"ID": "rg1", "SM": "P01_T"}, {"ID": "rg2", "SM": "P01_N"}])
    with pytest.raises(InputFormatError, match="read groups name 2 samples"):
        annotate_sample(str(P01), bam=str(bam))


def test_bam_of_the_vcf_normal_is_refused(tmp_path):
    bam = _bam(tmp_path / "n.bam", [{"ID": "rg1", "SM": "P01_N"}])
    with pytest.raises(SampleNotFoundError, match="the VCF's normal sample"):
        annotate_sample(str(P01), bam=str(bam))
