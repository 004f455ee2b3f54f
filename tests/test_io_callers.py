"""Caller-aware VAF and depth: one crafted fixture per caller, expectations from the file's own counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.annotate import target_regions
from alkannot.errors import SampleNotFoundError
from alkannot.io.vcf import read_vcf
from tests.shared_data import SHARED as SHARED_DATA
from tests.shared_data import needs_shared

FIX = Path(__file__).resolve().parent / "fixtures" / "vcf"
SHARED = SHARED_DATA / "formats" / "somatic_vcf"

CASES = [
    # file, caller, tumour column, vaf (arithmetic from the file's own fields), depth, vaf source
    (
        "mutect2.vcf",
        "Mutect2",
        "PT_T",
        0.248,
        201,
        "FORMAT/AF",
    ),  # AF as written; ##tumor_sample=PT_T is column 1
    ("mutect1.vcf", "MuTect1", "TUMOR", 0.162, 192, "FORMAT/FA"),  # FA
    (
        "strelka2_snvs.vcf",
        "Strelka2",
        "TUMOR",
        16 / (45 + 16),
        62,
        "Strelka tier1 AU/CU/GU/TU",
    ),  # TU[0]/(CU[0]+TU[0])
    (
        "strelka2_indels.vcf",
        "Strelka2",
        "TUMOR",
        12 / (12 + 30),
        44,
        "Strelka tier1 TIR/TAR",
    ),  # TIR[0]/(TIR[0]+TAR[0])
    ("varscan2.vcf", "VarScan2", "TUMOR", 0.3077, 39, "VarScan FREQ"),  # FREQ 30.77% (= 12/39)
    ("vardict.vcf", "VarDict", "abc", 0.0758, 264, "FORMAT/AF"),  # tumour first, normal "abc-match"
    ("freebayes.vcf", "FreeBayes", "sampleA", 15 / (60 + 15), 75, "AO/(RO+AO)"),  # not INFO/AF=0.5
    ("deepsomatic.vcf", "DeepVariant", "tumor1", 0.25, 72, "FORMAT/VAF"),
    ("dragen.vcf", "DRAGEN", "DRG_T", 0.25, 160, "FORMAT/AF"),
    ("pindel.vcf", "Pindel", "TUMOR", 4 / (43 + 4), 47, "AD"),  # AD[1]/sum(AD)
    ("merged.vcf", "merged", "TUMOR", 30 / (90 + 30), 120, "Strelka tier1 AU/CU/GU/TU"),
    ("pcgr.vcf", "PCGR", "", 0.21, 140, "INFO/TVAF"),  # sites-only, INFO/TVAF and TDP
]


@pytest.mark.parametrize(
    ("name", "caller", "sample", "vaf", "depth", "source"), CASES, ids=[c[0] for c in CASES]
)
def test_caller_vaf_and_depth(name, caller, sample, vaf, depth, source):
    data = read_vcf(FIX / name, target_regions)
    assert data.caller == caller
    assert data.sample == sample
    (v,) = data.variants
    assert v.vaf == pytest.approx(vaf, abs=1e-4)
    assert v.depth == depth
    assert v.vaf_source == source


def test_sample_override_and_unknown_sample():
    data = read_vcf(FIX / "mutect2.vcf", target_regions, sample="PT_N")
    assert data.variants[0].vaf == pytest.approx(0.011)
    with pytest.raises(SampleNotFoundError, match="PT_T, PT_N"):
        read_vcf(FIX / "mutect2.vcf", target_regions, sample="NOPE")


def _all_contigs(build):
    return {
        c: [(1, 10**9)]
        for c in [f"chr{i}" for i in range(1, 23)] + [str(i) for i in range(1, 23)] + ["chrX", "X"]
    }


REAL = [
    # file, build, (position, expected VAF from the README's checked counts)
    ("strelka2/vcf2maf_test_strelka_snv.vcf", "GRCh37", None),
    ("varscan2/jacquard_tiny.varscan.snp.vcf", "GRCh37", None),
    ("vardict/vardict.paired.excerpt.vcf", "GRCh37", (68384, 0.0076)),  # 2/264
    ("freebayes/freebayes-test.vcf", "GRCh37", (3659909, 0.2)),  # AO/(RO+AO) = 15/75, INFO/AF 0.5
    ("strelka2/jacquard_tiny.strelka.indels.vcf", "GRCh37", None),
    ("mutect2/gatk_cfdna-unfiltered.mutect2.vcf", "GRCh37", None),
    ("mutect2/gatk_tumor_only.mutect2.vcf", "GRCh37", None),
    ("mutect1/vcf2maf_test_mutect.vcf", "GRCh37", None),
    # '##contig=<ID=chr20,length=63025520>': GRCh37's chr20 (resources/genome/contig_lengths.tsv,
    # from a real GRCh37 header; GRCh38's is 64444167), so this hg19-style file is GRCh37
    ("deepvariant/golden.postprocess_somatic_tumor_single_site_output.vcf", "GRCh37", None),
    ("pindel/vcf2maf_test_pindel.vcf", "GRCh37", None),
    ("merged/vatools_merged_callers_vep90.vcf", "GRCh37", None),
    ("generic/vcf2maf_test_b38.vcf", "GRCh38", None),
]


@needs_shared("formats", "somatic_vcf")
@pytest.mark.parametrize(("rel", "build", "check"), REAL, ids=[r[0] for r in REAL])
def test_real_caller_files_parse(rel, build, check):
    path = SHARED / rel
    kwargs = (
        {"sample": "TUMOR"}
        if "NORMAL" in path.read_text().split("#CHROM", 1)[1].split("\n", 1)[0]
        else {}
    )
    data = read_vcf(path, _all_contigs, build=build, **kwargs)
    assert data.variants or data.skipped
    if check:
        pos, vaf = check
        v = next(v for v in data.variants if v.pos == pos)
        assert v.vaf == pytest.approx(vaf, abs=1e-3)


_SV_HEAD = (
    "##fileformat=VCFv4.2\n##contig=<ID=2,length=243199373>\n"
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


@pytest.mark.parametrize(
    ("records", "refused"),
    [
        # DELLY/Manta style: symbolic ALTs and breakends, every record with SVTYPE
        (
            [
                "2\t100\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL",
                "2\t900\t.\tN\tN]3:500]\t.\tPASS\tSVTYPE=BND",
            ],
            True,
        ),
        # Pindel style: SVTYPE on sequence-resolved indels: small variants, read as usual
        (
            ["2\t100\t.\tACGT\tA\t.\tPASS\tSVTYPE=DEL", "2\t900\t.\tA\tACG\t.\tPASS\tSVTYPE=INS"],
            False,
        ),
        # one small variant without SVTYPE among symbolic records: a mixed file, read as usual
        (["2\t100\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL", "2\t900\t.\tC\tT\t.\tPASS\t."], False),
    ],
)
def test_an_sv_callers_vcf_is_not_read_as_the_variant_input(tmp_path, records, refused):
    from alkannot.errors import InputFormatError

    path = tmp_path / "calls.vcf"
    path.write_text(_SV_HEAD + "\n".join(records) + "\n")
    regions = target_regions("GRCh37")
    if refused:
        with pytest.raises(InputFormatError, match="structural-variant calls.*--fusions"):
            read_vcf(path, regions)
    else:
        assert read_vcf(path, regions).build == "GRCh37"
