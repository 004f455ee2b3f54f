"""``alkannot annotate --bam``: the outputs, the VCF beside the reads, CRAM, and bad BAM input.

Bad input must give one line on stderr naming the file, exit code 2 and no output file.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from alkannot.api import annotate_sample
from tests.reads_helpers import _BASES, G1202, BamBuilder, mutate, ref

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples" / "GRCh38"
SCHEMA = json.loads((ROOT / "alkannot/report/schema/sample_result.schema.json").read_text())
ISSUE_READS_COLUMNS = [
    "gene", "alteration", "chrom", "pos", "fragments", "alt_fragments", "vaf", "ci_low",
    "ci_high", "detection_limit", "status",
]  # fmt: skip
ISSUE_PHASE_COLUMNS = [
    "variant_a", "variant_b", "spanning_fragments", "both", "a_only", "b_only", "neither", "phase",
]  # fmt: skip
ARG = dict(zip(G1202, "TCT", strict=True))  # codon 1202 GGA>AGA (plus TCC>TCT)


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def _g1202r_bam(path: Path, alt: int, total: int, **kw) -> Path:
    b = BamBuilder(**kw)
    s = 29220720
    r = ref(s, s + 59)
    for i in range(total):
        b.read(f"r{i}", s, mutate(r, s, ARG) if i < alt else r)
    return b.write(path)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_bam_alone_writes_reads_and_phase_tables_and_the_json(tmp_path):
    bam = _g1202r_bam(tmp_path / "t.bam", alt=30, total=300)
    res = run("annotate", "--bam", str(bam), "-o", str(tmp_path / "out"), "--sample-name", "S1")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out"
    header = (out / "S1.reads.tsv").read_text().splitlines()[0].split("\t")
    assert header[: len(ISSUE_READS_COLUMNS)] == ISSUE_READS_COLUMNS
    assert {"filters", "mate_conflicts", "error_rate"} <= set(header)
    row = next(r for r in _rows(out / "S1.reads.tsv") if r["alteration"] == "G1202R")
    assert (row["fragments"], row["alt_fragments"], row["status"]) == ("300", "30", "detected")
    assert row["vcf_status"] == "no VCF"
    header = (out / "S1.phase.tsv").read_text().splitlines()[0].split("\t")
    assert header[: len(ISSUE_PHASE_COLUMNS)] == ISSUE_PHASE_COLUMNS
    data = json.loads((out / "S1.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["reads"]["genotypes"]
    html = (out / "S1.html").read_text()
    assert "G1202R detected: 30/300 fragments" in html
    # no VCF: the reads are the caller, and G1202R passes the same support rules
    f = next(f for f in data["findings"] if f["alteration"] == "G1202R")
    assert f["source"] == "reads" and f["passed_filters"]


def test_read_only_detection_beside_a_vcf_is_shown_and_changes_no_call(tmp_path):
    # P02's VCF has ALK I1171T (chr2:29222347 A>G) and no G1202R
    vcf = EXAMPLES / "P02.rebiopsy.vcf.gz"
    bam = _g1202r_bam(tmp_path / "t.bam", alt=30, total=300)
    alone = annotate_sample(str(vcf), sample_name="P02")
    both = annotate_sample(str(vcf), bam=str(bam), sample_name="P02")
    f = next(f for f in both.findings if f.alteration == "G1202R")
    assert f.source == "reads" and not f.passed_filters
    assert f.significance.startswith("read evidence only")
    assert [(d.drug, d.call) for d in both.drugs] == [(d.drug, d.call) for d in alone.drugs]
    g = next(g for g in both.reads.genotypes if g.alteration == "G1202R")
    assert g.vcf_status == "not in VCF"
    # the BAM's read group is a placeholder (TUMOR, tests/reads_helpers.py): nothing to say
    assert not any("@RG SM" in w for w in both.warnings)
    # I1171T (exon 22, from the VCF) and G1202R (exon 23, from the reads): not phaseable
    (p,) = [p for p in both.reads.phases if "I1171T" in p.variant_a + p.variant_b]
    assert p.phase == "not_phaseable"


def test_a_vcf_call_not_seen_in_the_reads_keeps_its_call_with_a_note(tmp_path):
    # P01's VCF calls G1202R (chr2:29220747 C>T); the BAM has 300 reference fragments there
    bam = _g1202r_bam(tmp_path / "t.bam", alt=0, total=300)
    res = annotate_sample(str(EXAMPLES / "P01.rebiopsy.vcf.gz"), bam=str(bam), sample_name="P01")
    f = next(f for f in res.findings if f.alteration == "G1202R" and f.source == "vcf")
    assert f.passed_filters
    assert any(n.startswith("reads: not detected, 0/300 fragments") for n in f.notes)


@pytest.fixture()
def fasta(tmp_path) -> Path:
    """A FASTA whose chr2 holds the bundled ALK slice bases (N elsewhere), up to exon 23."""
    import pysam

    n = 29_223_600  # past ALK exon 20, the end of the slice
    seq = bytearray(b"N" * n)
    for p, base in _BASES.items():
        if p <= n:
            seq[p - 1] = ord(base)
    path = tmp_path / "ref.fa"
    with open(path, "wb") as fh:
        fh.write(b">chr2\n")
        for i in range(0, n, 60):
            fh.write(seq[i : i + 60] + b"\n")
    pysam.faidx(str(path))
    return path


def test_cram_gives_the_counts_of_the_bam_and_needs_the_reference(tmp_path, fasta):
    b = BamBuilder()
    s = 29220720
    for i in range(200):
        b.read(f"r{i}", s, mutate(ref(s, s + 59), s, ARG) if i < 20 else ref(s, s + 59))
    cram = b.write(tmp_path / "t.cram", fmt="cram", fasta=fasta)
    out = tmp_path / "out"
    res = run("annotate", "--bam", str(cram), "--reference", str(fasta), "-o", str(out))
    assert res.returncode == 0, res.stderr
    (sample_reads,) = out.glob("*.reads.tsv")
    row = next(r for r in _rows(sample_reads) if r["alteration"] == "G1202R")
    assert (row["fragments"], row["alt_fragments"]) == ("200", "20")
    bad = run("annotate", "--bam", str(cram), "-o", str(tmp_path / "out2"))
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "--reference" in bad.stderr
    assert not (tmp_path / "out2").exists()


def _unsorted(tmp_path):
    b = BamBuilder(sort_order="unsorted")
    for i in range(10):
        b.read(f"r{i}", 29220720 - i, ref(29220720 - i, 29220779 - i))
    return ["--bam", str(b.write(tmp_path / "u.bam", index=False))], "not coordinate-sorted"


def _unindexed(tmp_path):
    bam = _g1202r_bam(tmp_path / "n.bam", 0, 10)
    Path(str(bam) + ".bai").unlink()
    return ["--bam", str(bam)], "no index"


def _other_build(tmp_path):
    b = BamBuilder(build="GRCh37")
    for i in range(10):
        b.read(f"r{i}", 29443590, "A" * 60)
    vcf = str(EXAMPLES / "P01.rebiopsy.vcf.gz")
    return [vcf, "--bam", str(b.write(tmp_path / "b37.bam"))], "GRCh37"


def _truncated(tmp_path):
    bam = _g1202r_bam(tmp_path / "full.bam", 0, 3000)
    cut = tmp_path / "cut.bam"
    cut.write_bytes(bam.read_bytes()[: bam.stat().st_size // 2])
    shutil.copy(str(bam) + ".bai", str(cut) + ".bai")
    return ["--bam", str(cut)], "truncated"


def _no_reads_in_regions(tmp_path):
    b = BamBuilder()
    for i in range(10):
        b.read(f"r{i}", 1_000_000, "A" * 60)
    return ["--bam", str(b.write(tmp_path / "far.bam"))], "no reads"


def _not_a_bam(tmp_path):
    p = tmp_path / "x.bam"
    p.write_text("this is text\n")
    return ["--bam", str(p)], "not a BAM"


def _nothing(tmp_path):
    return [], "give a VCF, a --bam, or both"


@pytest.mark.parametrize(
    "make",
    [_unsorted, _unindexed, _other_build, _truncated, _no_reads_in_regions, _not_a_bam, _nothing],
    ids=lambda f: f.__name__.strip("_"),
)
def test_bad_bam_input_is_one_line_exit_2_and_no_output(tmp_path, make):
    args, words = make(tmp_path)
    out = tmp_path / "out"
    res = run("annotate", *args, "-o", str(out))
    assert res.returncode == 2, res.stderr
    lines = [x for x in res.stderr.splitlines() if x.strip() and not x.startswith("[W::")]
    assert len(lines) == 1, res.stderr
    assert words in lines[0] and "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir())


def test_sample_sheet_bam_column_without_a_vcf(tmp_path):
    bam = _g1202r_bam(tmp_path / "t.bam", alt=30, total=300)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\tbam\nS9\t\t{bam}\n")
    res = run("batch", str(sheet), "-o", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    row = next(r for r in _rows(tmp_path / "out/S9/S9.reads.tsv") if r["alteration"] == "G1202R")
    assert (row["fragments"], row["alt_fragments"]) == ("300", "30")


def test_sample_sheet_cram_with_its_reference_column(tmp_path, fasta):
    b = BamBuilder()
    s = 29220720
    for i in range(100):
        b.read(f"r{i}", s, mutate(ref(s, s + 59), s, ARG) if i < 10 else ref(s, s + 59))
    cram = b.write(tmp_path / "t.cram", fmt="cram", fasta=fasta)
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\tbam\treference\nC1\t\t{cram}\t{fasta}\n")
    res = run("batch", str(sheet), "-o", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    row = next(r for r in _rows(tmp_path / "out/C1/C1.reads.tsv") if r["alteration"] == "G1202R")
    assert (row["fragments"], row["alt_fragments"]) == ("100", "10")


def test_header_sort_order_unknown_with_an_index_is_accepted(tmp_path):
    bam = _g1202r_bam(tmp_path / "u.bam", alt=0, total=50, sort_order="unknown")
    import pysam

    pysam.index(str(bam))  # written in coordinate order by the builder, so it indexes
    res = run("annotate", "--bam", str(bam), "-o", str(tmp_path / "out"), "--formats", "tsv")
    assert res.returncode == 0, res.stderr


def test_subset_header_takes_the_build_of_the_other_inputs_and_says_so(tmp_path):
    # chr2 declared 30 Mb long: the header alone cannot tell the build
    bam = _g1202r_bam(tmp_path / "s.bam", alt=0, total=50, contigs=[("chr2", 30_000_000)])
    bad = run("annotate", "--bam", str(bam), "-o", str(tmp_path / "o1"))
    assert bad.returncode == 2 and "pass --build" in bad.stderr
    res = annotate_sample(bam=str(bam), build="GRCh38", sample_name="s")
    assert any("taken as GRCh38" in w for w in res.warnings)
    g = next(g for g in res.reads.genotypes if g.alteration == "G1202R")
    assert g.fragments == 50
