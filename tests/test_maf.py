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
