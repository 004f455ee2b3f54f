"""Copy-number readers (every format, both builds) and gene-level calls at their thresholds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from alkannot.copynumber import CnThresholds, gene_copy_numbers
from alkannot.errors import BuildMismatchError, InputFileError, InputFormatError
from alkannot.io.cnv import CnvData, detect_cnv_format, read_cnv
from alkannot.models import Segment
from tests.shared_data import SHARED as SHARED_DATA
from tests.shared_data import needs_shared

FIX = Path(__file__).resolve().parent / "fixtures" / "cnv"
SHARED = SHARED_DATA / "formats" / "copy_number"
FORMATS = [
    "cns",
    "call.cns",
    "cnr",
    "cr.seg",
    "modelFinal.seg",
    "called.seg",
    "seg",
    "purple.cnv.somatic.tsv",
    "purple.cnv.gene.tsv",
    "ascat.segments.txt",
    "cnvkit.cnv.vcf",
    "gistic.txt",
    "gene_long.tsv",
]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_finds_met_and_alk_amplification_and_neutral_controls(build, fmt):
    # fixtures (tests/fixtures/cnv/make_fixtures.py): ALK 5 copies, MET 10, EGFR 2, KIT 1
    data = read_cnv(FIX / f"{build}.{fmt}", build, sample="TUMOR1" if fmt == "seg" else None)
    calls = {c.gene: c.call for c in gene_copy_numbers(data, build)}
    assert calls["ALK"] == "amplification"
    assert calls["MET"] == "amplification"
    # a CNV VCF holds only non-neutral segments (CNVkit export), so EGFR is then not assessed
    assert calls["EGFR"] == ("not_assessed" if fmt.endswith("vcf") else "neutral")
    assert calls["KIT"] == "loss"


def test_cnvkit_coordinates_are_converted_from_zero_based():
    data = read_cnv(FIX / "GRCh38.cns", "GRCh38")
    # the ALK segment is written 0-based start = 29192774 - 100000 - 1 (make_fixtures.py)
    alk = next(s for s in data.segments if s.chrom == "chr2")
    assert alk.start == 29192774 - 100_000


def _cnv(fold: float) -> CnvData:
    return CnvData(
        "x", "test", "", [Segment("chr7", 116_000_000, 117_000_000, log2=math.log2(fold))]
    )


@pytest.mark.parametrize(
    ("fold", "call"),
    [
        (2.2, "amplification"),
        (2.19, "gain"),
        (2**0.2, "neutral"),
        (2**0.2001, "gain"),
        (1.0, "neutral"),
        (2**-0.25, "loss"),
        (2**-0.2499, "neutral"),
        (2**-1.1, "deep_loss"),
        (2**-1.0999, "loss"),
    ],
)
def test_thresholds_at_their_boundaries(fold, call):
    # amplification >= 2.2-fold (review 2.2 [32]); gain > log2 0.2, loss <= -0.25, deep loss <= -1.1
    # (CNVkit's default call thresholds)
    (met,) = gene_copy_numbers(_cnv(fold), "GRCh38", ["MET"])
    assert met.call == call


def test_purity_adjustment():
    # observed ratio r = p * fold + (1 - p): at purity 0.5 an observed 1.6 is a true fold of 2.2
    (met,) = gene_copy_numbers(_cnv(1.6), "GRCh38", ["MET"], purity=0.5)
    assert met.fold_change == pytest.approx(2.2) and met.call == "amplification"
    (raw,) = gene_copy_numbers(_cnv(1.6), "GRCh38", ["MET"])
    assert raw.call == "gain"


def test_custom_thresholds():
    (met,) = gene_copy_numbers(
        _cnv(2.5), "GRCh38", ["MET"], thresholds=CnThresholds(amplification_fold=3.0)
    )
    assert met.call == "gain"


def test_ploidy_adjustment_for_absolute_copy_number(tmp_path):
    # PURPLE-style absolute copy number 6 in a tetraploid tumour is fold 1.5: a gain, not an amplification
    data = read_cnv(FIX / "GRCh38.purple.cnv.somatic.tsv", "GRCh38")
    calls = {c.gene: c for c in gene_copy_numbers(data, "GRCh38", ploidy=4.0)}
    assert calls["ALK"].fold_change == pytest.approx(5 / 4) and calls["ALK"].call == "gain"


@pytest.mark.parametrize(
    ("text", "error", "word"),
    [
        ("", InputFileError, "empty"),
        (
            "chromosome\tstart\tend\tgene\tlog2\nchr7\t1\t100\tMET\tabc\n",
            InputFormatError,
            "not a number",
        ),
        ("foo\tbar\n1\t2\n", InputFormatError, "unknown copy-number format"),
        (
            "chromosome\tstart\tend\tgene\tdepth\nchr7\t1\t100\tMET\t3\n",
            InputFormatError,
            "unknown",
        ),
        (
            "chromosome\tstart\tend\tgene\tlog2\nchr7\t0\t1000\tMET\t1\nchr7\t500\t2000\tMET\t1\n",
            InputFormatError,
            "overlap",
        ),
        (  # a sample column and no value column: its other columns are not samples
            "Hugo_Symbol\tSample_ID\tAlteration\nMET\tP01\tAmplification\n",
            InputFormatError,
            r"sample column \(Sample_ID\) but no copy-number value column",
        ),
    ],
    ids=["empty", "non-numeric", "unknown-format", "missing-column", "overlapping", "no-value"],
)
def test_bad_copy_number_input(tmp_path, text, error, word):
    path = tmp_path / "bad.cns"
    path.write_text(text)
    with pytest.raises(error, match=word):
        read_cnv(path, "GRCh38")


def test_unknown_contig_and_unordered_rows_are_handled(tmp_path):
    path = tmp_path / "odd.cns"
    path.write_text(
        "chromosome\tstart\tend\tgene\tlog2\nchr7\t116000000\t117000000\tMET\t3\n"
        "chrUn_KI270302v1\t0\t100\t-\t0\nchr2\t29000000\t30000000\tALK\t0\n"
    )
    data = read_cnv(path, "GRCh38")
    assert [s.record for s in data.skipped] == ["line 3"]
    calls = {c.gene: c.call for c in gene_copy_numbers(data, "GRCh38")}
    assert calls["MET"] == "amplification" and calls["ALK"] == "neutral"


@pytest.mark.parametrize(
    ("chrom", "end", "build", "refused"),
    [
        # chromosome 7: GRCh37 159,138,663 bp, GRCh38 159,345,973 bp (contig_lengths.tsv)
        ("chr7", 159345973, "GRCh37", True),  # GRCh38's end: beyond GRCh37's chromosome 7
        ("chr7", 159138663, "GRCh37", False),  # GRCh37's own end
        ("chr7", 159345973, "GRCh38", False),
        # chromosome 9: GRCh37 141,213,431 bp, GRCh38 138,394,717 bp
        ("chr9", 141213431, "GRCh38", True),
        ("chr9", 141213432, "GRCh38", False),  # beyond both: says nothing of the build
        ("chrUn_KI270302v1", 141213431, "GRCh38", False),  # not a primary contig
    ],
)
def test_a_segment_beyond_its_chromosome_names_the_other_build(
    tmp_path, chrom, end, build, refused
):
    # chromosome 2 is short of both lengths here, so only the other chromosome can tell
    path = tmp_path / "genome.cns"
    path.write_text(
        "chromosome\tstart\tend\tgene\tlog2\nchr2\t1\t200000000\t-\t0\n"
        f"{chrom}\t100000000\t{end}\t-\t0\n"
    )
    if refused:
        with pytest.raises(
            BuildMismatchError, match=f"chromosome {chrom[3:]} segment ends at {end}"
        ):
            read_cnv(path, build)
    else:
        read_cnv(path, build)


@needs_shared("formats", "copy_number")
def test_real_files():
    # shared/formats README 3a: amplicon.cns has a focal MET amplification at log2 2.96/3.81 (hg19)
    data = read_cnv(SHARED / "cnvkit" / "amplicon.cns", "GRCh37")
    assert {c.gene: c.call for c in gene_copy_numbers(data, "GRCh37")}["MET"] == "amplification"
    # p2-9_2.call.cns: ALK, EGFR, MET, KRAS, KIT segments all cn=2
    data = read_cnv(SHARED / "cnvkit" / "p2-9_2.call.cns", "GRCh37")
    calls = {c.gene: c.call for c in gene_copy_numbers(data, "GRCh37")}
    assert all(calls[g] == "neutral" for g in ("ALK", "EGFR", "MET", "KRAS", "KIT"))
    for rel in (
        "gatk/single-sample-cr.cr.seg",
        "gatk/single-sample-cr-ac-nac.modelFinal.seg",
        "purple/tumor_sample.purple.cnv.somatic.tsv",
        "cnv_vcf/sarek_HCC1395T_vs_HCC1395N.cnvcall.excerpt.vcf",
    ):
        assert read_cnv(SHARED / rel, "GRCh37").segments, rel
    assert detect_cnv_format(SHARED / "seg" / "cw-tr-log2.seg") == "seg"
