"""VEP (several versions, Ensembl and RefSeq caches) and SnpEff (ANN, EFF) annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.api import annotate_sample

FIX = Path(__file__).resolve().parent / "fixtures" / "vcf"
ANNOTATED = [
    "annot_vep106_ensembl.vcf",
    "annot_vep103_refseq.vcf",
    "annot_vep76_old_order.vcf",
    "annot_snpeff_ann.vcf",
    "annot_snpeff_eff.vcf",
]


def _key(result):
    return sorted(
        (f.gene, f.alteration, f.hgvsp, f.hgvsc, f.catalogue_id, f.vaf) for f in result.findings
    )


@pytest.fixture(scope="module")
def plain():
    return annotate_sample(FIX / "annot_plain.vcf")


@pytest.mark.parametrize("name", ANNOTATED)
def test_annotated_vcf_gives_the_same_findings_as_the_plain_one(plain, name):
    res = annotate_sample(FIX / name)
    assert _key(res) == _key(plain)
    # the records are T1151dup, G1202= and G1202R (tests/fixtures/vcf, written from the slice); G1202R
    # with a second ALK mutation is also its own compound entry (lorlatinib, shared/literature)
    singles = [f for f in res.findings if f.consequence != "compound"]
    assert {f.alteration for f in singles} == {"T1151dup", "G1202=", "G1202R"}
    assert [f.catalogue_id for f in res.findings if f.consequence == "compound"] == ["ALK_G1202R+X"]
    for f in singles:
        assert f.annotation_check.startswith("agrees with"), (
            name,
            f.alteration,
            f.annotation_check,
        )


def test_vep_block_is_chosen_by_mane_not_by_order():
    res = annotate_sample(FIX / "annot_vep106_ensembl.vcf")
    g1202r = next(f for f in res.findings if f.alteration == "G1202R")
    assert "ENST00000389048" in g1202r.annotation_check  # not the first block (ENST00000618119)


def test_disagreement_is_reported_not_resolved(tmp_path):
    text = (FIX / "annot_vep103_refseq.vcf").read_text().replace("p.Gly1202Arg", "p.Gly1202Lys")
    path = tmp_path / "disagree.vcf"
    path.write_text(text)
    f = next(f for f in annotate_sample(path).findings if f.pos == 29220747)
    assert f.alteration == "G1202R"  # computed from the transcript model
    assert f.annotation_check.startswith("DISAGREES") and "p.Gly1202Lys" in f.annotation_check
