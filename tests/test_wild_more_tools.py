"""Every file of ``shared/wild/more-tools`` whose format alkannot claims, read as a user would.

Expected values are worked out by hand from each file's own lines (quoted beside the assertion)
and from the bundled reference tables (gene spans, exon tables); nothing is copied from
alkannot's output. Skipped when ``shared`` is absent (``ALKANNOT_SHARED`` points elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.errors import SampleNotFoundError

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALKANNOT_SHARED", ROOT.parent / "shared"))
MORE = SHARED / "wild" / "more-tools"
pytestmark = pytest.mark.skipif(not MORE.is_dir(), reason="shared/wild/more-tools not available")


def mutations(result) -> dict[tuple[str, str], str]:
    return {
        (f.gene, f.alteration): f.baseline_status for f in result.findings if f.kind == "mutation"
    }


# --- MAF ----------------------------------------------------------------------------------------


def test_tcga_laml_maf_gz_is_read_without_input_format_and_names_kit_d816v():
    # gzipped; header "... NCBI_Build ... Tumor_Sample_Barcode  Protein_Change ..."; the row
    # "KIT ... 37  4  55599321 ... A  A  T  TCGA-AB-2937  p.D816V  44.44" is that sample's only
    # row in the six genes alkannot reads (KIT, KRAS, EGFR, MET, IGF1R, ALK)
    res = annotate_sample(MORE / "maftools" / "tcga_laml.maf.gz", sample_name="TCGA-AB-2937")
    assert res.build == "GRCh37" and res.sample == "TCGA-AB-2937"
    assert list(mutations(res)) == [("KIT", "D816V")]
    # no read counts; i_TumorVAF_WU is a percentage: 44.44 % -> 0.4444
    (kit,) = [f for f in res.findings if f.kind == "mutation"]
    assert kit.vaf == pytest.approx(0.4444)


def test_tcga_laml_maf_gz_refuses_to_pool_its_samples():
    with pytest.raises(SampleNotFoundError, match="193 samples"):
        annotate_sample(MORE / "maftools" / "tcga_laml.maf.gz")


def test_apl_relapse_against_its_primary_with_baseline_sample():
    # CR-only line endings, NCBI_Build hg19, amino_acid_change; patient 243:
    # APL_primary "KRAS ... chr12 25398284 ... C T G12D 243D";
    # APL_relapse "KRAS ... chr12 25398284 ... C T G12D 243R": the same allele at both time points
    apl = MORE / "maftools"
    res = annotate_sample(
        apl / "APL_relapse.maf.gz",
        sample_name="243R",
        baseline_vcf=apl / "APL_primary.maf.gz",
        baseline_sample="243D",
    )
    assert mutations(res) == {("KRAS", "G12D"): "pre-existing"}
    # the primary holds 124 samples: without --baseline-sample the baseline is not guessed
    with pytest.raises(SampleNotFoundError, match="124 samples.*--baseline-sample"):
        annotate_sample(
            apl / "APL_relapse.maf.gz", sample_name="243R", baseline_vcf=apl / "APL_primary.maf.gz"
        )


def test_brca_minimal_maf_needs_the_build_and_skips_its_intronic_rows():
    # 9 columns, no NCBI_Build; "ALK 2 29769707 ... Intron" and "KIT 4 55584170 ... Intron" are
    # its only rows in the six genes: neither names a protein change
    from alkannot.errors import BuildMismatchError

    path = MORE / "maftools" / "brca.maf.gz"
    with pytest.raises(BuildMismatchError, match="--build"):
        annotate_sample(path)
    res = annotate_sample(path, build="GRCh37")
    assert mutations(res) == {}
    assert {s.record.split()[0] for s in res.skipped} >= {"2:29769707", "4:55584170"}


def test_vcf2maf_outputs():
    # test_output.vep_isoforms.maf: "MET ... GRCh37 7 116412043 ... G G C TUMOR ... c.3082G>C
    # p.Asp1028His p.D1028H ENST00000318493 ... t_depth 47, t_ref_count 25, t_alt_count 22"
    # and "TP53 ... 17 7579312 ... p.T125=" (TP53 is read from MAFs for the prognostic notes)
    res = annotate_sample(MORE / "vcf2maf" / "test_output.vep_isoforms.maf")
    assert list(mutations(res)) == [("MET", "D1028H"), ("TP53", "T125=")]
    (met,) = [f for f in res.findings if f.gene == "MET"]
    assert (met.gene, met.alteration, met.depth) == ("MET", "D1028H", 47)
    assert met.vaf == pytest.approx(22 / 47)
    # the same base as the VCF route's "MET D1010 hotspot codon" (the bundled GRCh37 hotspot
    # table, from shared/reference/hotspot_codons_GRCh37.bed: "7 116412042 116412043 MET_D1010"):
    # the MAF's isoform numbering is said beside the table's codon, never a call
    assert "at the recurrent hotspot codon MET D1010" in met.significance
    assert "D1028H names another isoform" in met.significance and not met.mechanism
    # test_b38_output.maf: 25 GRCh38 rows of sample TUMOR, none in the six genes
    res = annotate_sample(MORE / "vcf2maf" / "test_b38_output.maf")
    assert (res.build, res.sample, mutations(res)) == ("GRCh38", "TUMOR", {})


# --- fusion callers -----------------------------------------------------------------------------
# Exon tables (shared/reference): GRCh38 EML4 exon 13 = 42295381-42295516, exon 14 =
# 42301241-42301392; ALK (minus strand) exon 20 = 29223342-29223528, so a position above 29223528
# lies in intron 19 and keeps exon 20. An intronic 5' breakpoint keeps the exon before it.


def fusions(rel: str, build: str = "GRCh38", fmt: str | None = None):
    from alkannot.fusion import type_alk_fusion
    from alkannot.io.fusions import detect_fusion_format, read_fusions

    data = read_fusions(MORE / rel, build, fmt=fmt)
    return detect_fusion_format(MORE / rel), data, [type_alk_fusion(c, build) for c in data.calls]


def test_jaffal_long_reads_eml4_alk_v1():
    # line 91: "...,EML4:ALK,chr2,42295512,+,chr2,29223524,-,13071.988,0,68,NA,FALSE,TRUE,...,
    # LowConfidence,Yes": EML4 exon 13, ALK exon 20 -> E13;A20 (v1), 0 + 68 reads; EML4 read on +
    # and ALK on - are their genes' own strands; 1402 rows in all
    fmt, data, (call,) = fusions("jaffa/SeraCarev4Fusion.bc08.MASseq_jaffal_results.csv.gz")
    assert fmt == "jaffa"
    assert (call.name, call.pos5, call.pos3, call.junction, call.variant) == (
        "EML4::ALK", 42295512, 29223524, "E13;A20", "v1"
    )  # fmt: skip
    assert (call.supporting_reads, call.orientation_ok, call.record) == (68, True, "line 91")
    assert "LowConfidence" in call.note
    assert data.warnings == ["1401 fusion(s) not involving ALK were not used"]


@pytest.mark.parametrize(
    ("rel", "fmt", "record", "pos5", "pos3", "others", "note"),
    [
        # pbfusion line 3330: "chr2 42295519 42295520 chr2 29223522 29223523 BP125 MEDIUM + -
        # RC=68;...;GN=EML4,ALK": 1-based breakpoints are the 1-bp intervals' ends; 5602 lines =
        # 21 '##' lines, the '#chr1' header and 5580 rows
        (
            "pbfusion/SeraCarev4Fusion.bc08.MASseq_pbfusion.breakpoints.groups.bed.gz",
            "pbfusion", "line 3330", 42295520, 29223523, 5579, "pbfusion MEDIUM FUSION:68",
        ),
        # FusionSeeker line 1264: "GF01275 ALK EML4 68 chr2 29223529 chr2 42295519 ...": no
        # 5'/3' order in this format, so ALK is taken as 3'; 22828 rows
        (
            "fusionseeker/SeraCarev4Fusion.bc08.MASseq_output.confident_genefusion.txt.gz",
            "fusionseeker", "line 1264", 42295519, 29223529, 22827, "ALK taken as 3' partner",
        ),
        # LongGF line 766: "SumGF<TAB>EML4:ALK 68 chr2:42295514 chr2:29223528"; 2269 SumGF lines
        (
            "longgf/SeraCarev4Fusion.bc08.MASseq_longgf.out.gz",
            "longgf", "line 766", 42295514, 29223528, 2268, "ALK taken as 3' partner",
        ),
    ],
)  # fmt: skip
def test_long_read_callers_eml4_alk_v1(rel, fmt, record, pos5, pos3, others, note):
    # every EML4 position above lies in exon 13 or just after it (intron 13), every ALK one in
    # exon 20 or just before it (intron 19): E13;A20 = v1, 68 reads each (the SeraCare control)
    found, data, (call,) = fusions(rel)
    assert (found, call.record, call.name, call.pos5, call.pos3) == (
        fmt, record, "EML4::ALK", pos5, pos3
    )  # fmt: skip
    assert (call.junction, call.variant, call.supporting_reads) == ("E13;A20", "v1", 68)
    assert note in call.note and call.orientation_ok is True
    assert data.warnings == [f"{others} fusion(s) not involving ALK were not used"]


def test_fusion_report_arriba_eml4_alk_e14_a20():
    # line 11: "EML4 ALK +/+ -/- 2:42301394 2:29223584 splice-site 5'UTR inversion ... 1 3 3":
    # EML4 42301394 is 2 bp after exon 14 (intron 14), ALK 29223584 in intron 19 -> E14;A20, not
    # a named variant; both partners read on their own strands; 1 + 3 + 3 reads; 14 rows
    fmt, data, (call,) = fusions("arriba/fusion-report_arriba.tsv")
    assert fmt == "arriba"
    assert (call.name, call.junction, call.variant, call.supporting_reads) == (
        "EML4::ALK", "E14;A20", "", 7
    )  # fmt: skip
    assert call.orientation_ok is True
    assert data.warnings == ["13 fusion(s) not involving ALK were not used"]


@pytest.mark.parametrize(
    ("rel", "fmt", "rows"),
    [
        # each file's rows, counted by hand; none names ALK
        ("ericscript/fusion-report_ericscript.tsv", "ericscript", 12),
        ("pizzly/fusion-report_pizzly.tsv", "pizzly", 8),
        ("squid/fusion-report_squid.txt", "squid", 9),
        ("jaffa/fusion-report_jaffa.csv", "jaffa", 12),
        ("dragen/fusion-report_dragen.tsv", "table", 5),
    ],
)
def test_short_read_callers_without_alk(rel, fmt, rows):
    found, data, calls = fusions(rel)
    assert (found, calls) == (fmt, [])
    assert data.warnings == [f"{rows} fusion(s) not involving ALK were not used"]


@pytest.mark.parametrize(
    ("rel", "names"),
    [
        # STAR-Fusion line 10 "EML4--ALK ... 2:42301394:+ ... 2:29223584:-" (4 + 4 reads), line 13
        # "NPM1--ALK ... 5:171391799:+ ... 2:29223528:-" (1 + 2); CTAT-LR-Fusion the same pairs
        ("star_fusion/fusion-report_starfusion.tsv", ["EML4::ALK", "NPM1::ALK"]),
        ("ctat_lr_fusion/fusion-report_ctat_lr_fusion.tsv", ["EML4::ALK", "NPM1::ALK"]),
        # FusionCatcher line 20 "EML4 ALK ... 2:42301391:+ 2:29223587:-", line 23 "NPM1 ALK"
        ("fusioncatcher/fusion-report_fusioncatcher.txt", ["EML4::ALK", "NPM1::ALK"]),
    ],
)
def test_fusion_report_short_read_alk_fusions(rel, names):
    _, _, calls = fusions(rel)
    assert [c.name for c in calls] == names
    assert calls[0].junction == "E14;A20"  # EML4 intron 14, ALK intron 19 in each file


def test_svaba_header_only_vcf_is_no_fusion_called():
    # the file has a VCF header and no record: a valid empty result
    from alkannot.fusion import summarise_fusion_status

    fmt, data, calls = fusions("svaba/am.svaba.germline.sv.vcf")
    assert (fmt, calls, summarise_fusion_status(data)) == ("vcf", [], "absent")
    assert data.warnings[0].startswith("no fusion called by SV VCF")


@pytest.mark.parametrize(
    ("rel", "build"),
    [
        ("gridss/COLO829v003T.purple.sv.vcf", "GRCh37"),
        ("gridss/DO52605T.purple.sv.vcf", "GRCh37"),
        ("manta/umccrise_manta.vcf.gz", "GRCh38"),
    ],
)
def test_sv_vcfs_without_an_alk_join(rel, build):
    # no record of these files has an end in ALK (grep of the ALK span finds none)
    fmt, data, calls = fusions(rel, build)
    assert (fmt, calls, data.skipped) == ("vcf", [], [])


@pytest.mark.parametrize(
    "rel",
    [
        "gridss/DO52605T.purple.sv.vcf",
        "manta/umccrise_manta.vcf.gz",
        "../vcf2maf/test_delly.vcf",
        # "##source=svaba(v1.3.0) run ...", "##INFO=<ID=SVTYPE,...>", no record
        "svaba/am.svaba.germline.sv.vcf",
    ],
)
def test_sv_vcfs_given_as_the_variant_vcf_are_refused(rel):
    # every record of these files carries SVTYPE= with a symbolic (<DEL>) or breakend ALT (grep);
    # read as the variant VCF they gave "ALK secondary mutation: not detected" and no message.
    # Manta's header is 177,592 bytes: its first records lie past a 64 KiB head
    from alkannot.errors import InputFormatError

    with pytest.raises(InputFormatError, match="give it with --fusions"):
        annotate_sample(MORE / rel)


def test_linx_fusions_without_alk():
    # 92 lines: the header and 91 fusions, none with ALK as geneStart or geneEnd
    fmt, data, calls = fusions("linx/SEQCII_50pc.linx.fusion.tsv.gz")
    assert (fmt, calls) == ("linx", [])
    assert data.warnings == ["91 fusion(s) not involving ALK were not used"]


# --- somatic VCFs -------------------------------------------------------------------------------


def test_radia_names_its_two_tumour_columns():
    # "#CHROM ... FORMAT DNA_NORMAL DNA_TUMOR RNA_TUMOR": two tumour-named columns, no header line
    # saying which is the tumour; the message names them and the DNA one
    path = MORE / "radia" / "vcf2maf_test_radia.vcf"
    with pytest.raises(SampleNotFoundError) as exc:
        annotate_sample(path, build="GRCh37")
    line = exc.value.one_line()
    assert "2 samples are named as tumours: DNA_TUMOR, RNA_TUMOR" in line
    assert "--sample DNA_TUMOR" in line and "no tumour/normal names" not in line
    assert annotate_sample(path, build="GRCh37", vcf_sample="DNA_TUMOR").sample == "DNA_TUMOR"


def test_mutect2_cfdna_alk_records_outside_the_slice_need_the_reference():
    # the four ALK records 2:29451790, 29451793, 29451798, 29455267 lie upstream of exon 20
    # (GRCh37 ALK exon 20 ends at 29446394, minus strand), outside the bundled codons 1058-1388;
    # 15:99460026 G>C is in IGF1R without an annotation
    res = annotate_sample(MORE / "mutect2" / "cfdna-unfiltered.trimmed.vcf")
    assert (res.build, res.sample, mutations(res)) == ("GRCh37", "TUMOR", {})
    assert [(s.record.split()[0], s.category) for s in res.skipped] == [
        ("2:29451790", "needs_reference"),
        ("2:29451793", "needs_reference"),
        ("2:29451798", "needs_reference"),
        ("2:29455267", "needs_reference"),
        ("15:99460026", "unannotated_bypass_gene"),
    ]


def test_vcf2maf_test_vcf_met_exon14_hotspot_codon():
    # "7 116412043 . G C ... GT:AD:DP 0/1:25,22:47": in the MET_D1010 codon of the GRCh37 hotspot
    # BED (7:116412042-116412043); no build line, so --build is needed
    res = annotate_sample(MORE / "vcf2maf" / "test.vcf", build="GRCh37")
    (met,) = [f for f in res.findings if f.kind == "mutation"]
    assert (met.gene, met.depth) == ("MET", 47) and "D1010" in met.alteration
    assert met.vaf == pytest.approx(22 / 47)


def test_bcbio_ensemble_kras_g12r():
    # "chr12 25245351 rs121913530 C G ... 0/1:101,11:...:113:..." in the tumour column
    # CCR170115b_MH17T002P033: GRCh38 KRAS c.34G>C (minus strand) = G12R; AF field 0.0893
    res = annotate_sample(MORE / "bcbio_ensemble" / "umccrise_somatic-ensemble-PASS.vcf.gz")
    assert res.sample == "CCR170115b_MH17T002P033"
    (kras,) = [f for f in res.findings if f.kind == "mutation"]
    assert (kras.gene, kras.alteration, kras.depth) == ("KRAS", "G12R", 113)


# --- copy number --------------------------------------------------------------------------------
# ALK spans GRCh37 2:29415640-30144452 and GRCh38 chr2:29192774-29921586 (bundled genes.tsv).


def alk_segments(rel: str, build: str, sample: str | None = None):
    from alkannot.io.cnv import read_cnv

    data = read_cnv(MORE / rel, build, sample=sample)
    span = (29415640, 30144452) if build == "GRCh37" else (29192774, 29921586)
    rows = [s for s in data.segments if s.chrom.removeprefix("chr") == "2"]
    return data, [(s.start, s.end) for s in rows if s.start <= span[1] and s.end >= span[0]]


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        # "chr2 10500 87074702 ...,ALK,... 0.314795 855": 0-based start -> 10501
        ("cnvkit/cl_seq.cns", [(10501, 87074702)]),
        # "chr2 121979 29419757 ...,ALK 0.0254643", "chr2 29420355 30003054 ALK 0.189636" and
        # "chr2 30142806 30557914 ALK 0.0919073"
        (
            "cnvkit/p2-9_2.call.cns",
            [(121980, 29419757), (29420356, 30003054), (30142807, 30557914)],
        ),
        # "chr2 10500 92267022 ...,ALK,... 0.011528 794"
        ("cnvkit/tr95t.cns", [(10501, 92267022)]),
        # SEG, 1-based: "TCGA-AB-3009 2 18180370 33058768 9257 0.007"
        ("seg/TCGA.AB.3009.hg19.seg.txt", [(18180370, 33058768)]),
    ],
)
def test_grch37_segment_tables_over_alk(rel, expected):
    _, segments = alk_segments(rel, "GRCh37")
    assert segments == expected


def test_cnvkit_bins_over_alk():
    # amplicon.cnr: 30 bins of chr2 overlap ALK (awk over columns 1-3 of the file)
    _, bins = alk_segments("cnvkit/amplicon.cnr", "GRCh37")
    assert len(bins) == 30


def test_purple_somatic_copy_number_over_alk():
    # "chr2 1 93139350 2.0105 ...": one PURPLE segment (1-based) covers GRCh38 ALK, 2.01 copies
    data, segments = alk_segments("purple/SEQCII_50pc.purple.cnv.somatic.tsv", "GRCh38")
    assert segments == [(1, 93139350)]
    (alk,) = [s for s in data.segments if s.start == 1 and s.chrom == "chr2"]
    assert alk.copy_number == pytest.approx(2.0105)
    # "chr3 ... 198295559": GRCh38's chromosome 3 to its end, beyond GRCh37's (198,022,430 bp)
    from alkannot.errors import BuildMismatchError
    from alkannot.io.cnv import read_cnv

    with pytest.raises(BuildMismatchError, match="chromosome 3 segment ends at 198295559"):
        read_cnv(MORE / "purple" / "SEQCII_50pc.purple.cnv.somatic.tsv", "GRCh37")


def test_purple_purity_table_as_copy_number_says_what_to_do():
    # "purity normFactor score diploidProportion ploidy ...": one row of sample-level values
    # (0.7500, ploidy 1.8658), no segment; the message names the options that take them
    from alkannot.errors import InputFormatError
    from alkannot.io.cnv import read_cnv

    with pytest.raises(InputFormatError, match="PURPLE purity table.*--purity and --ploidy"):
        read_cnv(MORE / "purple" / "SEQCII_50pc.purple.purity.tsv", "GRCh38")


def test_gatk_model_final_seg_has_no_alk_and_says_grch37():
    # '@SQ SN:20 LN:63025520 ... AS:GRCh37': chromosome 20 only, of GRCh37's length (the bundled
    # GRCh37 header's chr20; GRCh38's is 64444167), so a GRCh38 VCF's build is refused
    from alkannot.errors import BuildMismatchError
    from alkannot.io.cnv import read_cnv

    rel = "gatk_cnv/single-sample-cr-ac-nac.modelFinal.seg"
    data, segments = alk_segments(rel, "GRCh37")
    assert segments == [] and {s.chrom for s in data.segments} == {"20"}
    with pytest.raises(BuildMismatchError):
        read_cnv(MORE / rel, "GRCh38")


def test_purple_somatic_vcf_alk_records_are_intronic():
    # 15 records lie in GRCh38 ALK (chr2:29192774-29921586), each with a first CSQ block
    # "...|intron_variant" (grep of the file): skipped as not protein-altering, none a finding
    res = annotate_sample(MORE / "purple" / "SEQCII_50pc.purple.somatic.vcf.gz")
    alk = [s for s in res.skipped if s.record.startswith("chr2:")]
    assert len(alk) == 15 and {s.category for s in alk} == {"non_coding"}
    assert mutations(res) == {}


def test_purple_gene_table_without_the_six_genes_assesses_none():
    # 240 gene rows (the publisher kept 10 per chromosome); none is ALK, MET, KIT, EGFR, IGF1R or
    # KRAS (chr2 keeps FAM110C ... ALKAL2 ... LINC01939): every gene "not assessed", never normal
    res = annotate_sample(
        MORE / "purple" / "SEQCII_50pc.purple.somatic.vcf.gz",
        cnv=MORE / "purple" / "SEQCII_50pc.purple.cnv.gene.tsv",
    )
    assert {c.gene: c.call for c in res.copy_number} == dict.fromkeys(
        ("ALK", "MET", "KIT", "EGFR", "IGF1R", "KRAS"), "not_assessed"
    )


@pytest.mark.parametrize(
    ("rel", "build", "sample"),
    [
        # MuSE: '##contig=<ID=2,length=243199373,assembly=GRCh37>', columns TUMOR NORMAL; no
        # record in the six genes
        ("muse/vcf2maf_test_muse.vcf", None, "TUMOR"),
        # Strelka: no build line; its chr7 records (27279005 ... 140453136) miss EGFR and MET,
        # none on chr2 in ALK or chr12 in KRAS
        ("strelka/vcf2maf_test_strelka.vcf", "GRCh37", "TUMOR"),
    ],
)
def test_somatic_vcfs_without_a_finding(rel, build, sample):
    res = annotate_sample(MORE / rel, build=build)
    assert (res.build, res.sample, res.findings, res.skipped) == ("GRCh37", sample, [], [])


def test_vcf2maf_grch38_met_exon14_hotspot_codon():
    # "7 116771989 . G C ... 0/1:25,22:47" (test_grch38.vcf): in MET_D1010 of the GRCh38 hotspot
    # BED (7:116771988-116771989), the GRCh38 twin of test.vcf's record
    res = annotate_sample(MORE / "vcf2maf" / "test_grch38.vcf", build="GRCh38")
    (met,) = [f for f in res.findings if f.kind == "mutation"]
    assert (met.gene, met.depth) == ("MET", 47) and "D1010" in met.alteration


def test_jaffal_sample_column_is_its_input_reads_not_a_sample_id():
    # every row's sample is "SeraCarev4Fusion.m64363e_230614_195212.refine.bc08.MASseq.fastq":
    # with --sample-name P02 the one sample is read as P02, and the warning says so
    res = annotate_sample(
        ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz",
        fusions=MORE / "jaffa" / "SeraCarev4Fusion.bc08.MASseq_jaffal_results.csv.gz",
        sample_name="P02",
    )
    assert [f.alteration for f in res.findings if f.kind == "fusion"] == ["EML4::ALK"]
    assert any("JAFFA sample column names 'SeraCarev4Fusion" in w for w in res.warnings)
