"""Fusion/SV readers and EML4-ALK typing, in both builds, against the exon tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.errors import InputFileError, InputFormatError, SampleNotFoundError
from alkannot.fusion import summarise_fusion_status, type_alk_fusion
from alkannot.io.fusions import read_fusions
from tests.shared_data import SHARED as SHARED_DATA
from tests.shared_data import needs_shared

FIX = Path(__file__).resolve().parent / "fixtures" / "fusions"
SHARED = SHARED_DATA / "formats" / "sv_fusion"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("kind", ["manta_bnd.vcf", "inv_headerless.vcf", "arriba.tsv", "table.tsv"])
def test_eml4_alk_variant_1_is_found_and_typed(build, kind):
    # breakpoints in EML4 intron 13 / on the exon 13 end, and in ALK intron 19 / on exon 20's first base
    # (tests/fixtures/fusions): E13;A20 = variant 1
    data = read_fusions(FIX / f"{build}.{kind}", build)
    (call,) = data.calls
    typed = type_alk_fusion(call, build)
    assert (typed.gene5, typed.gene3) == ("EML4", "ALK")
    assert (typed.exon5, typed.exon3, typed.junction, typed.variant) == (
        "13",
        "20",
        "E13;A20",
        "v1",
    )
    assert typed.orientation_ok is True
    assert summarise_fusion_status(data) == "present"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_alk_breakend_with_another_partner_is_reported_with_it(build):
    data = read_fusions(FIX / f"{build}.alk_other_partner.vcf", build)
    (call,) = data.calls
    assert call.gene3 == "ALK"
    assert call.gene5 == ("chr5" if build == "GRCh38" else "5") + ":170818800"
    assert "mate record not in the file" in call.note
    assert type_alk_fusion(call, build).exon3 == "20"


def test_fusion_names_in_any_notation_and_order():
    # one row per sample (tests/fixtures/fusions/table_names.tsv): A-F EML4/ALK in six notations,
    # G KIF5B-RET; each sample is read on its own, never pooled
    for sample in "ABCDEF":
        data = read_fusions(FIX / "table_names.tsv", "GRCh38", sample=sample)
        assert [c.name for c in data.calls] == ["EML4::ALK"], sample
    data = read_fusions(FIX / "table_names.tsv", "GRCh38", sample="G")
    assert data.calls == []
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]


def test_multi_sample_fusion_table_needs_a_sample():
    with pytest.raises(SampleNotFoundError, match="holds 7 samples"):
        read_fusions(FIX / "table_names.tsv", "GRCh38")
    with pytest.raises(SampleNotFoundError, match="'Z' is not in the fusion file.*A, B, C"):
        read_fusions(FIX / "table_names.tsv", "GRCh38", sample="Z")


def test_absent_and_not_assessed(tmp_path):
    assert summarise_fusion_status(None) == "not_assessed"
    other = tmp_path / "only_other.tsv"  # never into tests/fixtures/
    other.write_text("sample\tfusion\nA\tKIF5B::RET\n")
    assert summarise_fusion_status(read_fusions(other, "GRCh38")) == "absent"


@pytest.mark.parametrize(
    ("text", "error", "word"),
    [
        ("", InputFileError, "empty"),
        ("what\tever\n1\t2\n", InputFormatError, "unknown fusion format"),
    ],
)
def test_bad_fusion_input(tmp_path, text, error, word):
    path = tmp_path / "f.tsv"
    path.write_text(text)
    with pytest.raises(error, match=word):
        read_fusions(path, "GRCh38")


@needs_shared("formats", "sv_fusion")
def test_real_fusion_files():
    fc = read_fusions(SHARED / "fusioncatcher" / "final-list_candidate-fusion-genes.txt", "GRCh38")
    assert {c.name for c in fc.calls} == {"EML4::ALK", "NPM1::ALK"}
    inv = read_fusions(SHARED / "snpeff_fusion_tests" / "test_fusion_EML4-ALK.vcf", "GRCh37")
    assert [type_alk_fusion(c, "GRCh37").variant for c in inv.calls] == ["v1"]
    for rel in (
        "manta/manta_demo_somaticSV.vcf",
        "gridss/colo829_1.gridss.somatic.excerpt.vcf",
        "delly/vcf2maf_test_delly.vcf",
        "arriba/arriba_test_fusions.tsv",
        "star_fusion/star-fusion.fusion_candidates.final.abridged",
        "linx/tumor_sample.linx.fusion.tsv",
    ):
        data = read_fusions(SHARED / rel, "GRCh37")
        assert summarise_fusion_status(data) == "absent", rel


def test_a_single_sample_table_of_another_name_is_used_only_when_no_name_was_given(tmp_path):
    # issue 12: "a requested sample that is absent is an error naming the samples present"; a
    # name not given by the user (the VCF's tumour column, P02_T) does not refuse a one-sample file
    from alkannot.api import annotate_sample
    from alkannot.errors import SampleNotFoundError

    table = tmp_path / "one.tsv"
    table.write_text("sample\tfusion\nTUMOUR_X\tEML4::ALK\n")
    vcf = Path(__file__).resolve().parents[1] / "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"
    with pytest.raises(SampleNotFoundError, match="'TUMOUR_X'"):
        annotate_sample(vcf, sample_name="P02", fusions=table)
    res = annotate_sample(vcf, fusions=table)
    assert "re-biopsy fusions: the file's only sample is 'TUMOUR_X', not 'P02_T'; it was used" in (
        res.warnings
    )
    assert [f.name for f in res.fusions] == ["EML4::ALK"]


@pytest.mark.parametrize(("written", "used"), [("GRCh37", "GRCh38"), ("GRCh38", "GRCh37")])
def test_a_headerless_sv_vcf_of_the_other_build_is_refused(written, used):
    # tests/fixtures/fusions/*.inv_headerless.vcf: one <INV> from EML4 intron 13 to ALK exon 20, no
    # header to declare a build. The EML4 end (GRCh37 2:42522694) is in EML4 only in GRCh37, the
    # GRCh38 ALK end (chr2:29224000) in ALK only in GRCh38 (genes.tsv): read in the other build
    # it must be neither "no fusion" nor a fusion with an unnamed partner
    from alkannot.errors import BuildMismatchError

    with pytest.raises(BuildMismatchError, match=f"only in {written}"):
        read_fusions(FIX / f"{written}.inv_headerless.vcf", used)


def test_a_small_variant_vcf_given_as_fusions_is_refused():
    # the bundled re-biopsy VCF (SNVs and indels, no SVTYPE, no symbolic or breakend ALT) given
    # as --fusions read as "N SV record(s) not involving ALK" and "fusion not detected"
    vcf = Path(__file__).resolve().parents[1] / "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"
    with pytest.raises(InputFormatError, match="small-variant calls, not structural variants"):
        read_fusions(vcf, "GRCh38")
    # a file of SV records (one <INV> with SVTYPE) is read as before
    data = read_fusions(FIX / "GRCh38.inv_headerless.vcf", "GRCh38")
    assert [type_alk_fusion(c, "GRCh38").name for c in data.calls] == ["EML4::ALK"]


def test_without_a_sample_name_the_vcf_tumour_sample_is_required_in_a_multi_sample_table():
    from alkannot.api import annotate_sample

    vcf = Path(__file__).resolve().parents[1] / "resources/examples/GRCh38/P02.rebiopsy.vcf.gz"
    # the VCF's tumour column is P02_T; table_names.tsv holds samples A-G
    with pytest.raises(SampleNotFoundError, match="'P02_T' is not in the fusion file.*A, B, C"):
        annotate_sample(vcf, fusions=FIX / "table_names.tsv")
