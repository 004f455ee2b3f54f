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
from alkannot.errors import (
    ConfigError,
    InputFormatError,
    SampleMismatchError,
    SampleNotFoundError,
)
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


def test_sample_name_of_another_patient_is_refused_in_one_line(tmp_path):
    # P02 named on P01's VCF (tumour column P01_T): another patient's data under P02's name
    res = _run("annotate", str(P01), "-o", str(tmp_path / "o"), "--sample-name", "P02")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "--sample-name P02 is not this file's tumour sample P01_T" in res.stderr
    assert "--sample P01_T" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    with pytest.raises(SampleMismatchError):
        annotate_sample(str(P01), sample_name="P02")
    r = annotate_sample(str(P01), sample_name="P01")  # the patient id of P01_T: agrees
    assert not any("P01_T" in w for w in r.warnings)


def test_a_stated_mapping_is_annotated_and_said_in_the_report(tmp_path):
    # the user says which column is the tumour (--sample) and the file holds it: a warning
    r = annotate_sample(str(P01), sample_name="LAB-0042", vcf_sample="P01_T")
    assert r.sample == "LAB-0042" and r.settings["vcf_sample"] == "P01_T"
    assert "reports named LAB-0042 hold the input's sample P01_T, as stated (--sample P01_T)" in (
        r.warnings
    )
    assert [f.alteration for f in r.findings if f.passed_filters] == ["G1202R"]
    # a stated column the file does not have is not a mapping: refused as before
    with pytest.raises(SampleNotFoundError):
        annotate_sample(str(P01), sample_name="LAB-0042", vcf_sample="P02_T")


def test_sheet_rows_state_the_mapping_in_vcf_sample(tmp_path):
    from alkannot.batch import run_batch

    p02 = tmp_path / "p02.vcf.gz"  # a VCF belongs to one row
    p02.write_bytes(P02.read_bytes())
    sheet = _sheet(
        tmp_path,
        f"sample\tvcf\tvcf_sample\nLAB1\t{P01}\tP01_T\nLAB2\t{p02}\t\n",
    )
    failed = run_batch(sheet, tmp_path / "out", formats=("json",))
    # LAB2 names P02's VCF without a mapping: refused; LAB1's mapping is stated: annotated
    assert [s for s, _ in failed] == ["LAB2"]
    assert "--sample-name LAB2 is not this file's tumour sample P02_T" in failed[0][1]
    data = json.loads((tmp_path / "out" / "LAB1" / "LAB1.json").read_text())
    assert data["settings"]["vcf_sample"] == "P01_T"
    assert any("as stated (--sample P01_T)" in w for w in data["warnings"])


def _g1202r_bam(path: Path, sample: str) -> str:
    """30 G1202R fragments of 100 over ALK codon 1202 whose read group names ``sample``."""
    from tests.test_reads_cli import _g1202r_bam as g1202r_reads

    return str(g1202r_reads(path, alt=30, total=100, sample=sample))


def test_bam_of_another_sample_is_refused_unless_stated(tmp_path):
    bam = _g1202r_bam(tmp_path / "t.bam", "P07_T")
    res = _run("annotate", str(P01), "--bam", bam, "-o", str(tmp_path / "o"))
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "read groups name P07_T, not the VCF's tumour sample P01_T" in res.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    assert "samtools reheader" in res.stderr
    # --sample chooses the VCF's column: it cannot make another sample's BAM this tumour's
    with pytest.raises(SampleNotFoundError):
        annotate_sample(str(P01), bam=bam, vcf_sample="P07_T")
    # a placeholder read group (TUMOR) names nobody: no contradiction
    ok = _g1202r_bam(tmp_path / "u.bam", "TUMOR")
    assert not any("@RG SM" in w for w in annotate_sample(str(P01), bam=ok).warnings)
    # the BAM of the patient's tumour, named like the VCF's column: agrees
    same = _g1202r_bam(tmp_path / "v.bam", "P01_T")
    assert not any("@RG SM" in w for w in annotate_sample(str(P01), bam=same).warnings)


def test_bam_alone_with_another_sample_name_is_refused_unless_stated(tmp_path):
    bam = _g1202r_bam(tmp_path / "t.bam", "P07_T")
    with pytest.raises(SampleMismatchError, match="--sample-name P01 is not this file's tumour"):
        annotate_sample(None, bam=bam, sample_name="P01")
    r = annotate_sample(None, bam=bam, sample_name="P01", vcf_sample="P07_T")
    assert r.sample == "P01" and any("as stated (--sample P07_T)" in w for w in r.warnings)
    assert "G1202R" in [f.alteration for f in r.findings]
    assert annotate_sample(None, bam=bam).sample == "P07_T"  # no name given: the BAM's


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


def test_one_bam_in_two_rows_is_refused(tmp_path):
    # the same reads under two sample ids: one tumour reported twice (a BAM-only sheet, too)
    bam = _g1202r_bam(tmp_path / "t.bam", "P01_T")
    p02 = tmp_path / "p02.vcf.gz"
    p02.write_bytes(P02.read_bytes())
    for column, rows in (
        ("bam", f"A\t{P01}\t{bam}\nB\t{p02}\t{bam}\n"),
        ("rna_bam", f"A\t{P01}\t{bam}\nB\t{p02}\t{bam}\n"),
    ):
        sheet = _sheet(tmp_path, f"sample\tvcf\t{column}\n{rows}")
        with pytest.raises(ConfigError, match=rf"row 3, column {column} .*also the {column}"):
            read_samplesheet(sheet)
    sheet = _sheet(tmp_path, f"sample\tvcf\tbam\nA\t\t{bam}\nB\t\t{bam}\n")
    with pytest.raises(ConfigError, match="each row needs its own re-biopsy BAM"):
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
            "annotate", str(P01), "-o", str(tmp_path), "--sample-name", n, "--formats", "json",
            "--sample", "P01_T",
        )  # fmt: skip
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


def test_a_stated_mapping_also_finds_the_sample_in_copy_number_and_fusion_tables(tmp_path):
    # the files carry the tumour's name (P02_T), the report the lab's (LAB2): a one-sample and a
    # two-sample fusion table keyed by P02_T are this sample's once --sample states the mapping
    one = _sheet(tmp_path, "sample\tfusion\nP02_T\tEML4::ALK\n")
    two = tmp_path / "two.tsv"
    two.write_text("sample\tfusion\nP09_T\tKIF5B::ALK\nP02_T\tEML4::ALK\n")
    for table in (one, two):
        r = annotate_sample(str(P02), sample_name="LAB2", vcf_sample="P02_T", fusions=str(table))
        assert [f.name for f in r.fusions] == ["EML4::ALK"], table
        # without the mapping the table has no LAB2: refused, naming the file's samples
        with pytest.raises(SampleNotFoundError, match="P02_T"):
            annotate_sample(str(P02), sample_name="LAB2", fusions=str(table))


def test_rna_and_baseline_bams_of_other_samples_are_refused_before_any_read(tmp_path):
    # P01's VCF: tumour P01_T, normal P01_N (its ##tumor_sample/##normal_sample lines)
    tumour = _g1202r_bam(tmp_path / "t.bam", "P01_T")
    cases = {
        "rna of another patient": (dict(rna_bam="P07_T"), "RNA BAM's read groups name P07_T"),
        "rna of the normal": (dict(rna_bam="P01_N"), "RNA BAM's read groups name P01_N"),
        "baseline = the re-biopsy": (dict(baseline_bam="P01_T"), "re-biopsy's tumour sample"),
        "baseline = the normal": (dict(baseline_bam="P01_N"), "the normal sample"),
    }
    for name, (role_sm, message) in cases.items():
        role, sm = next(iter(role_sm.items()))
        other = _g1202r_bam(tmp_path / f"{role}_{sm}.bam", sm)
        with pytest.raises(SampleMismatchError, match=message):
            annotate_sample(str(P01), bam=tumour, **{role: other})
        out = tmp_path / "o"
        option = f"--{role.replace('_', '-')}"
        res = _run("annotate", str(P01), "--bam", tumour, option, other, "-o", str(out))
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, name
        assert message in res.stderr and not out.exists(), name
    # the same file as re-biopsy and baseline reads
    with pytest.raises(SampleMismatchError, match="--baseline-bam is the re-biopsy's --bam"):
        annotate_sample(str(P01), bam=tumour, baseline_bam=tumour)
    # the tumour's RNA library (P01_T_RNA) and a baseline of its own name (P01_B) are read
    rna = _g1202r_bam(tmp_path / "rna.bam", "P01_T_RNA")
    base = _g1202r_bam(tmp_path / "base.bam", "P01_B")
    r = annotate_sample(str(P01), bam=tumour, rna_bam=rna, baseline_bam=base)
    assert r.reads is not None


def test_a_baseline_that_is_the_rebiopsy_is_refused(tmp_path):
    # compared with itself every finding reads "pre-existing" (G1202R would lose "acquired")
    copy = tmp_path / "copy.vcf.gz"
    copy.write_bytes(P01.read_bytes())
    for baseline in (P01, copy):  # the same file, or a copy holding the same tumour column
        res = _run("annotate", str(P01), "--baseline-vcf", str(baseline), "-o", str(tmp_path / "o"))
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "the baseline's sample is P01_T, the re-biopsy's tumour sample" in res.stderr
    # the re-biopsy VCF's normal chosen as the baseline's column
    with pytest.raises(SampleMismatchError, match="P01_N, the re-biopsy VCF's normal"):
        annotate_sample(str(P01), baseline_vcf=str(P01), baseline_sample="P01_N")
    # the re-biopsy's fusion table given again as the baseline's
    fusions = EX / "P01.fusions.tsv"
    with pytest.raises(SampleMismatchError, match="--baseline-fusions is the re-biopsy's"):
        annotate_sample(
            str(P01), fusions=str(fusions), baseline_vcf=str(EX / "P01.baseline.vcf.gz"),
            baseline_fusions=str(fusions),
        )  # fmt: skip
    # the patient's own pre-treatment VCF: G1202R acquired
    r = annotate_sample(str(P01), baseline_vcf=str(EX / "P01.baseline.vcf.gz"))
    (g,) = [f for f in r.findings if f.alteration == "G1202R"]
    assert g.baseline_status == "acquired"
