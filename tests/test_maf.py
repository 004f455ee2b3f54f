"""MAF input: columns, alleles converted to VCF form with their anchor base, VAF, build, sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.errors import BuildMismatchError
from alkannot.io.maf import is_maf

HEAD = (
    "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\t"
    "Reference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tt_depth\t"
    "t_ref_count\tt_alt_count\tHGVSp_Short\n"
)


def _maf(tmp_path: Path, *rows: str, head: str = HEAD) -> Path:
    path = tmp_path / "in.maf"
    path.write_text("#version 2.4\n" + head + "".join(r + "\n" for r in rows))
    return path


def test_maf_insertion_and_snv_match_the_example_truth(tmp_path):
    # resources/examples/truth.tsv, P06 (GRCh37): "ALK T1151dup ... 2 29445271 G GCGT" and
    # "EGFR L858R ... 7 55259514 CT AG". In MAF form an insertion is written "-" > "CGT" with
    # Start_Position the base before it, and the MNV as it is.
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.T1151dup",
        "EGFR\tGRCh37\t7\t55259514\t55259515\tMissense_Mutation\tCT\tCT\tAG\tP06\t300\t273\t27\tp.L858R",
    )
    assert is_maf(str(maf))
    res = annotate_sample(maf)
    got = {f.gene: (f.alteration, f.chrom, f.pos, f.ref, f.alt) for f in res.findings}
    assert got["ALK"] == ("T1151dup", "2", 29445271, "G", "GCGT")
    assert got["EGFR"] == ("L858R", "7", 55259514, "CT", "AG")
    alk = next(f for f in res.findings if f.gene == "ALK")
    assert (alk.vaf, alk.depth) == (45 / 300, 300)  # t_alt_count / (t_alt_count + t_ref_count)
    assert "agrees with MAF" in alk.annotation_check  # HGVSp_Short cross-checked
    assert res.build == "GRCh37" and res.sample == "P06"


def test_a_disagreeing_hgvsp_short_is_reported(tmp_path):
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.L1152R",
    )
    (alk,) = [f for f in annotate_sample(maf).findings if f.gene == "ALK"]
    assert alk.alteration == "T1151dup" and alk.annotation_check.startswith("DISAGREES with MAF")


def test_build_option_must_agree_with_ncbi_build(tmp_path):
    maf = _maf(tmp_path, "ALK\tGRCh37\t2\t29445271\t29445272\tx\t-\t-\tCGT\tP06\t300\t255\t45\t")
    with pytest.raises(BuildMismatchError, match="contradicts the MAF's NCBI_Build"):
        annotate_sample(maf, build="GRCh38")


def test_an_indel_outside_the_bundled_slice_needs_the_reference(tmp_path):
    # ALK exon 6 (GRCh37 2:29551216-29551347) is outside the bundled kinase-domain slice: the VCF
    # anchor base of a deletion there is unknown without --reference
    maf = _maf(
        tmp_path, "ALK\tGRCh37\t2\t29551300\t29551300\tFrame_Shift_Del\tA\tA\t-\tP\t90\t60\t30\t"
    )
    res = annotate_sample(maf)
    assert [(s.source, s.category) for s in res.skipped if s.record.startswith("2:29551300")] == [
        ("maf", "needs_reference")
    ]


@pytest.mark.parametrize(
    ("label", "build"), [("GRCh37-lite", "GRCh37"), ("37", "GRCh37"), ("hg38", "GRCh38")]
)
def test_ncbi_build_spellings(tmp_path, label, build):
    # GDC and TCGA MAFs write GRCh37-lite; others 37, hg19, hg38 (the row is in ALK either way)
    pos = 29445271 if build == "GRCh37" else 29222405
    maf = _maf(tmp_path, f"ALK\t{label}\t2\t{pos}\t{pos}\tx\tG\tG\tA\tP\t90\t60\t30\t")
    assert annotate_sample(maf).build == build


def test_a_non_human_build_is_refused(tmp_path):
    from alkannot.errors import ConfigError

    maf = _maf(tmp_path, "ALK\tmm10\t2\t29445271\t29445271\tx\tG\tG\tA\tP\t90\t60\t30\t")
    with pytest.raises(ConfigError, match="'mm10' names neither GRCh37 nor GRCh38"):
        annotate_sample(maf)


# --- compression, protein columns, forced format, empty file, baseline sample -------------------


def _gz(path: Path) -> Path:
    import gzip

    out = path.with_name(path.name + ".gz")
    out.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return out


def test_a_gzipped_maf_is_recognised_without_input_format(tmp_path):
    # the T1151dup row of the first test, gzipped as GDC/TCGA/maftools ship .maf.gz
    maf = _gz(
        _maf(
            tmp_path,
            "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.T1151dup",
        )
    )
    assert is_maf(str(maf))
    (alk,) = [f for f in annotate_sample(maf).findings if f.gene == "ALK"]
    assert alk.alteration == "T1151dup"


@pytest.mark.parametrize(
    ("column", "written"),
    [("Protein_Change", "p.L1152R"), ("amino_acid_change", "L1152R"), ("HGVSp", "p.Leu1152Arg")],
)
def test_every_usual_protein_column_is_cross_checked(tmp_path, column, written):
    # the T1151dup row again, its protein change written (wrongly, on purpose) in another column:
    # the disagreement must be reported as for HGVSp_Short
    head = HEAD.replace("HGVSp_Short", column)
    maf = _maf(
        tmp_path,
        f"ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\t{written}",
        head=head,
    )
    (alk,) = [f for f in annotate_sample(maf).findings if f.gene == "ALK"]
    assert alk.alteration == "T1151dup"
    assert alk.annotation_check.startswith("DISAGREES with MAF")


def test_a_kit_protein_change_from_protein_change_names_the_allele(tmp_path):
    # KIT is named from the file's annotation (no bundled KIT codons): p.D816V in Protein_Change
    # (tcga_laml.maf's column) must give D816V, not "protein change not determined"
    head = HEAD.replace("HGVSp_Short", "Protein_Change")
    maf = _maf(
        tmp_path,
        "KIT\t37\t4\t55599321\t55599321\tMissense_Mutation\tA\tA\tT\tP\t100\t50\t50\tp.D816V",
        head=head,
    )
    (kit,) = [f for f in annotate_sample(maf).findings if f.gene == "KIT"]
    assert kit.alteration == "D816V"


def test_forced_vcf_on_a_maf_names_expected_and_found(tmp_path):
    from alkannot.errors import InputFormatError

    maf = _maf(tmp_path, "ALK\tGRCh37\t2\t29445271\t29445271\tx\tG\tG\tA\tP\t90\t60\t30\t")
    with pytest.raises(
        InputFormatError, match="--input-format vcf, but the file starts with a MAF"
    ):
        annotate_sample(maf, input_format="vcf")


def test_forced_maf_on_a_vcf_names_the_missing_columns():
    from alkannot.errors import InputFormatError

    vcf = Path(__file__).resolve().parents[1] / "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"
    with pytest.raises(InputFormatError, match="expected a MAF header with Hugo_Symbol"):
        annotate_sample(vcf, input_format="maf")


def test_a_header_only_maf_is_a_valid_empty_result_with_a_build(tmp_path):
    maf = _maf(tmp_path)
    with pytest.raises(BuildMismatchError, match="a header and no rows"):
        annotate_sample(maf)
    res = annotate_sample(maf, build="GRCh37", sample_name="P1")
    assert [f for f in res.findings if f.kind == "mutation"] == []


def test_baseline_sample_picks_the_baseline_of_a_multi_sample_maf(tmp_path):
    from alkannot.errors import SampleNotFoundError

    # one MAF, two samples of one patient: KRAS G12C (GRCh37 12:25398285 C>A) in both, ALK
    # G1202R (c.3604G>A: GRCh37 2:29443613 C>T, the bundled slice's c.3604) in the second
    maf = _maf(
        tmp_path,
        "KRAS\tGRCh37\t12\t25398285\t25398285\tx\tC\tC\tA\tP1_pre\t100\t50\t50\tp.G12C",
        "KRAS\tGRCh37\t12\t25398285\t25398285\tx\tC\tC\tA\tP1_post\t100\t50\t50\tp.G12C",
        "ALK\tGRCh37\t2\t29443613\t29443613\tx\tC\tC\tT\tP1_post\t100\t70\t30\tp.G1202R",
    )
    res = annotate_sample(maf, sample_name="P1_post", baseline_vcf=maf, baseline_sample="P1_pre")
    status = {
        (f.gene, f.alteration): f.baseline_status for f in res.findings if f.kind == "mutation"
    }
    assert status == {("KRAS", "G12C"): "pre-existing", ("ALK", "G1202R"): "acquired"}
    with pytest.raises(SampleNotFoundError, match="--baseline-sample"):
        annotate_sample(maf, sample_name="P1_post", baseline_vcf=maf)


def test_vaf_from_tumor_f_without_read_counts(tmp_path):
    # MuTect's MAF column tumor_f is a fraction; with no t_alt_count/t_ref_count it is the VAF.
    # The T1151dup row of the first test, read counts blank, tumor_f 0.15
    head = HEAD.replace("HGVSp_Short", "HGVSp_Short\ttumor_f")
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t\t\t\tp.T1151dup\t0.15",
        head=head,
    )
    (alk,) = [f for f in annotate_sample(maf).findings if f.gene == "ALK"]
    assert alk.vaf == pytest.approx(0.15)


def test_a_maf_whose_rows_all_lack_coordinates_is_an_error(tmp_path):
    from alkannot.errors import InputFormatError

    # a protein-only MAF: gene and HGVSp_Short, no Chromosome/Start_Position/alleles
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t\t\t\tMissense_Mutation\t\t\t\tP06\t300\t255\t45\tp.G1202R",
        "KRAS\tGRCh37\t\t\t\tMissense_Mutation\t\t\t\tP06\t300\t255\t45\tp.G12C",
    )
    with pytest.raises(InputFormatError, match="none of the 2 row.s. of sample 'P06' has genomic"):
        annotate_sample(maf)
    # one row with coordinates is enough: the other is listed as skipped
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t\t\t\tMissense_Mutation\t\t\t\tP06\t300\t255\t45\tp.G1202R",
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.T1151dup",
    )
    res = annotate_sample(maf)
    assert [s.category for s in res.skipped if s.source == "maf"] == ["no_coordinates"]


def test_a_skipped_row_naming_a_gene_keeps_its_mechanism_not_assessed(tmp_path):
    from alkannot.report.firstscreen import not_seen

    # KRAS p.G12C without coordinates: it may be the bypass mutation, so KRAS is "not assessed";
    # EGFR is named by no row at all: "not detected" from the calls, as before
    maf = _maf(
        tmp_path,
        "KRAS\tGRCh37\t\t\t\tMissense_Mutation\t\t\t\tP06\t300\t255\t45\tp.G12C",
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.T1151dup",
    )
    res = annotate_sample(maf)
    # the input's format names the MAF once, and the column its protein changes came from
    assert [i.format for i in res.inputs if i.role == "vcf"] == ["MAF HGVSp_Short column"]
    seen = {s.mechanism: s for s in not_seen(res)}
    kras = seen["KRAS mutation (bypass)"]
    assert kras.state == "not assessed"
    assert "(KRAS p.G12C)" in kras.basis and "KRAS is not ruled out" in kras.basis
    assert seen["EGFR mutation (bypass)"].state == "not detected"
    # the calls were a MAF's rows: the basis names the MAF (it said "VCF calls only")
    assert seen["EGFR mutation (bypass)"].short == "MAF calls only: no detection limit"
    assert seen["EGFR mutation (bypass)"].basis == "no catalogued EGFR variant in the MAF calls"
    assert seen["ALK secondary mutation"].state == "detected"


def test_a_bgzipped_maf_is_recognised(tmp_path):
    import pysam

    # BGZF (bgzip/tabix_compress) is gzip in 64 KiB members: the header is in the first
    maf = _maf(
        tmp_path,
        "ALK\tGRCh37\t2\t29445271\t29445272\tIn_Frame_Ins\t-\t-\tCGT\tP06\t300\t255\t45\tp.T1151dup",
    )
    bgz = tmp_path / "in.maf.bgz"
    pysam.tabix_compress(str(maf), str(bgz))
    assert bgz.read_bytes()[12:14] == b"BC"  # the BGZF extra field
    assert is_maf(str(bgz))
    assert [f.alteration for f in annotate_sample(bgz).findings] == ["T1151dup"]
