"""Every supported file of ``shared/wild`` (real outputs of other tools), read as a user would.

Expected values are worked out by hand from each file's own lines, quoted next to the assertion,
and from the bundled reference tables (gene spans, exon tables). Skipped when ``shared`` is absent
(set ``ALKANNOT_SHARED`` to point elsewhere). Nothing here is copied from alkannot's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.errors import (
    AlkannotError,
    BuildMismatchError,
    InputFormatError,
    SampleNotFoundError,
)
from alkannot.fusion import summarise_fusion_status, type_alk_fusion
from alkannot.io.cnv import read_cnv
from alkannot.io.fusions import read_fusions

ROOT = Path(__file__).resolve().parents[1]
from tests.shared_data import SHARED, needs_shared  # noqa: E402

WILD = SHARED / "wild"
pytestmark = needs_shared("wild")
EX = ROOT / "resources" / "examples"
VCF37 = EX / "GRCh37" / "P06.rebiopsy.vcf.gz"  # bundled GRCh37 example, for pairing
VCF38 = EX / "GRCh38" / "P02.rebiopsy.vcf.gz"


def typed(data, build):
    return [type_alk_fusion(c, build) for c in data.calls]


# --- cBioPortal ---------------------------------------------------------------------------------


def test_cbioportal_structural_variants_one_sample_at_a_time():
    path = WILD / "cbioportal" / "data_structural_variants.txt"
    # line 5: TCGA-A2-A04P-01 EML4 (region 6) 2:42492091 -> ALK (region 20) 2:29446394,
    #         Annotation EML4-ALK.E6bA20.AB374362 -> variant 3b, named by the file
    # line 8: ALK (region 11) 2:29497964 -> PTPN3 9:112219679: ALK is the 5' side, kinase lost
    # line 12: TTN 1:222222222 -> ALK (region 20) 2:29446394
    data = read_fusions(path, "GRCh37", sample="TCGA-A2-A04P-01")
    calls = {c.record: c for c in typed(data, "GRCh37")}
    assert set(calls) == {"line 5", "line 8", "line 12"}
    assert (calls["line 5"].name, calls["line 5"].junction, calls["line 5"].variant) == (
        "EML4::ALK",
        "E6b;A20",
        "v3b",
    )
    assert calls["line 8"].name == "ALK::PTPN3" and calls["line 8"].orientation_ok is False
    # regions 11 (ALK) and 3 (PTPN3): "E11;A3" would name ALK exon 3, so no junction is given
    assert calls["line 8"].junction == ""
    assert calls["line 12"].name == "TTN::ALK" and calls["line 12"].exon3 == "20"
    # lines 2, 3, 4, 6, 7, 11 are this sample's other fusions (PIEZO1-NCOA4, KIAA1549-BRAF, ...)
    assert data.warnings == ["6 fusion(s) not involving ALK were not used"]
    # line 9: TCGA-A1-A0SB-01 EML4 region 13 2:42522656 -> ALK region 20, Annotation E13A20 = v1
    (v1,) = typed(read_fusions(path, "GRCh37", sample="TCGA-A1-A0SB-01"), "GRCh37")
    assert (v1.junction, v1.variant) == ("E13;A20", "v1")


def test_cbioportal_alk_5prime_call_is_a_skipped_row_not_a_fusion():
    # line 8 "TCGA-A2-A04P-01 ... ALK 11 2 29497964 ... PTPN3 3 9 112219679 ... ALK-PTPN3.A11P3":
    # ALK is the 5' partner, its kinase (exons 20-29) is not kept: a skipped row, never an "ALK
    # fusion detected" finding (it was one, at PTPN3's position 9:112219679, named gene ALK)
    path = WILD / "cbioportal" / "data_structural_variants.txt"
    # (the VCF is P06's: its column P06_T is stated to be this TCGA sample)
    res = annotate_sample(VCF37, fusions=path, sample_name="TCGA-A2-A04P-01", vcf_sample="P06_T")
    assert sorted(f.alteration for f in res.findings if f.kind == "fusion") == [
        "EML4::ALK",
        "TTN::ALK",
    ]
    assert ("line 8 (ALK::PTPN3)", "not_alk_fusion") in [
        (s.record, s.category) for s in res.skipped
    ]


def test_cbioportal_structural_variants_refuse_pooling_and_the_other_build():
    path = WILD / "cbioportal" / "data_structural_variants.txt"
    with pytest.raises(SampleNotFoundError, match="36 samples"):
        read_fusions(path, "GRCh37")
    with pytest.raises(SampleNotFoundError, match="'P01' is not in"):
        read_fusions(path, "GRCh37", sample="P01")
    # every row says NCBI_Build GRCh37
    with pytest.raises(
        BuildMismatchError, match="GRCh37 .NCBI_Build column. but the VCF is GRCh38"
    ):
        read_fusions(path, "GRCh38", sample="TCGA-A2-A04P-01")


def test_cbioportal_seg_build_from_its_meta_file():
    path = WILD / "cbioportal" / "data_cna_hg19.seg"
    # 9 segments, all "TCGA-A2-A04P-01  1 ..."; meta_cna_hg19_seg.txt: reference_genome_id: hg19
    data = read_cnv(path, "GRCh37")
    assert len(data.segments) == 9 and {s.chrom for s in data.segments} == {"1"}
    assert data.sample == "TCGA-A2-A04P-01"
    with pytest.raises(BuildMismatchError, match="reference_genome_id: hg19"):
        read_cnv(path, "GRCh38")


def test_cbioportal_discrete_wide_and_long():
    wide = WILD / "cbioportal" / "data_cna_wide_example.txt"
    with pytest.raises(SampleNotFoundError, match="5 samples"):
        read_cnv(wide, "GRCh37")
    # column TCGA-A2-A04U-01 is 2 on all eight rows ("ACAP3 116983 0 -1 0 -1 2" ... "B3GALT6 ... 2")
    data = read_cnv(wide, "GRCh37", sample="TCGA-A2-A04U-01")
    assert [s.discrete for s in data.segments] == [2] * 8
    # column TCGA-A1-A0SE-01: "ATAD3A 55210 0 -1 NA -1 2" -> not profiled, the seven others 0
    data = read_cnv(wide, "GRCh37", sample="TCGA-A1-A0SE-01")
    assert [s.discrete for s in data.segments] == [0] * 7
    assert [(s.record, s.category) for s in data.skipped] == [("line 4", "missing_value")]
    # long form, Sample_Id TCGA-A1-A0SD-01: "ACAP3 116983 TCGA-A1-A0SD-01 -1" ... seven genes at -1
    long = read_cnv(
        WILD / "cbioportal" / "data_cna_long_example.txt", "GRCh37", sample="TCGA-A1-A0SD-01"
    )
    assert [s.discrete for s in long.segments] == [-1] * 7


def test_cbioportal_invalid_values_are_skipped_or_refused():
    path = WILD / "cbioportal" / "data_cna_wide_invalid_values.txt"
    # TCGA-A1-A0SE-01: "ATAD3A ... NA" and "B3GALT6 ... [Not Available]" are not profiled
    data = read_cnv(path, "GRCh37", sample="TCGA-A1-A0SE-01")
    assert [s.record for s in data.skipped] == ["line 4", "line 8"]
    assert len(data.segments) == 6
    # TCGA-A1-A0SB-01: "ATAD3C 219293 3 ..." is not a discrete value
    data = read_cnv(path, "GRCh37", sample="TCGA-A1-A0SB-01")
    assert [(s.record, s.category) for s in data.skipped] == [("line 6", "malformed")]
    # TCGA-A1-A0SH-01: "AURKAIP1 54998 0 -1 0 AURKAIP1 2": a gene name where a value belongs
    with pytest.raises(InputFormatError, match="line 7"):
        read_cnv(path, "GRCh37", sample="TCGA-A1-A0SH-01")


def test_cbioportal_maf_one_sample_no_target_gene():
    maf = WILD / "cbioportal" / "data_mutations_extended.maf"
    with pytest.raises(SampleNotFoundError, match="samples"):
        annotate_sample(maf)
    # TCGA-A1-A0SB-01's twelve rows (OR11H1, TMEM247, ...) are in no target gene but two TP53
    # rows, read by their Hugo_Symbol since catalogue 3.0.0 (TP53 is prognostic context, never a
    # call): 17:7578253 C>A Missense_Mutation (the file's getma link names G199V; no t_depth, so
    # below the support rules) and 17:7576851 A>C Splice_Site (HGVSp "p.X331_splice" names no
    # protein change: skipped with its reason). NCBI_Build GRCh37
    res = annotate_sample(maf, sample_name="TCGA-A1-A0SB-01")
    assert (res.build, res.variants_examined) == ("GRCh37", 2)
    assert [(f.gene, f.alteration, f.drives_calls) for f in res.findings] == [
        ("TP53", "G199V", False)
    ]
    assert [(s.record, s.category) for s in res.skipped] == [
        ("17:7576851 A>C", "unannotated_bypass_gene")
    ]


def test_unsupported_cbioportal_and_oncokb_kinds_are_refused_in_one_line():
    with pytest.raises(InputFormatError, match="unknown copy-number format") as exc:
        read_cnv(WILD / "oncokb/example_clinical.txt", "GRCh37")
    assert "--cnv-format" in exc.value.one_line() and "\n" not in exc.value.one_line()
    # "index chromosome region_start region_end peak_start peak_end ... genes_in_region": GISTIC's
    # cohort-level peaks; the message named cnvkit and purple as formats "sharing its columns"
    with pytest.raises(InputFormatError, match="a GISTIC peak table") as exc:
        read_cnv(WILD / "cbioportal/data_gistic_genes_amp.txt", "GRCh37")
    assert "all_thresholded.by_genes" in exc.value.one_line()
    with pytest.raises(InputFormatError, match="unknown fusion format"):
        read_fusions(WILD / "oncokb" / "example_atypical_alterations.txt", "GRCh37")
    # "HUGO_SYMBOL SAMPLE_ID ALTERATION" given as copy number: its columns are not samples (the
    # message named "SAMPLE_ID, ALTERATION" as the samples to choose from); one sample asked for
    # or none, the table is refused for what it is
    atypical = WILD / "oncokb" / "example_atypical_alterations.txt"
    for sample in (None, "TCGA-FAKE-01"):
        with pytest.raises(InputFormatError, match=r"sample column \(SAMPLE_ID\) but no copy"):
            read_cnv(atypical, "GRCh37", sample=sample)


# --- OncoKB annotator -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "locus"),
    [
        ("example_maf.txt", "GRCh37", ("12", 25398285)),
        ("example_maf_grch38.txt", "GRCh38", ("chr12", 25245351)),
    ],
)
def test_oncokb_maf_kras_g12c_from_coordinates(name, build, locus):
    # "GRCh37 KRAS Missense_Mutation TCGA-05-4417-01 p.G12C Gly12Cys 12:g.25398285C>A ... C A A"
    # (GRCh38: 12:g.25245351C>A): the curated KRAS G12C allele of bypass_hotspot_variants.tsv
    res = annotate_sample(WILD / "oncokb" / name, sample_name="TCGA-05-4417-01")
    assert res.build == build
    g12c = [f for f in res.findings if f.gene == "KRAS" and (f.chrom, f.pos) == locus]
    assert [f.alteration for f in g12c][:1] == ["G12C"]
    assert "agrees with MAF" in g12c[0].annotation_check
    # "GRCh37 AKT3 Nonsense_Mutation TCGA-05-4417-01 p.E182* Glu182*" has no coordinates (in both
    # files): listed in the skipped table, never read from its protein change
    assert ("line 3 (AKT3 p.E182*)", "no_coordinates") in [
        (s.record, s.category) for s in res.skipped
    ]


def test_oncokb_maf_egfr_row_without_coordinates_is_not_a_negative():
    # line 18 "GRCh37 EGFR Missense_Mutation TCGA-05-4417-01 T790M" with empty Chromosome and
    # Start_Position: the row may be the very EGFR mutation looked for, so "what was seen" says
    # EGFR was not assessed (never "not detected"), naming the skipped row
    from alkannot.report.firstscreen import not_seen

    res = annotate_sample(WILD / "oncokb" / "example_maf.txt", sample_name="TCGA-05-4417-01")
    assert ("line 18 (EGFR T790M)", "no_coordinates") in [
        (s.record, s.category) for s in res.skipped
    ]
    seen = {s.mechanism: s for s in not_seen(res)}
    egfr = seen["EGFR mutation (bypass)"]
    assert egfr.state == "not assessed" and "line 18 (EGFR T790M)" in egfr.basis
    # no ALK row in the file at all: ALK stays "not detected" (from the calls)
    assert seen["ALK secondary mutation"].state == "not detected"


def test_oncokb_copy_number_tables():
    # "MET 0 0 2 2": TCGA-05-4417-01 MET at 2 (high-level amplification)
    data = read_cnv(WILD / "oncokb" / "example_cna.txt", "GRCh37", sample="TCGA-05-4417-01")
    assert {s.gene: s.discrete for s in data.segments}["MET"] == 2
    # "CDK4 0 0 -2 2" and "CDK4 0 0 -1 2": two different values for one gene -> neither used
    assert "CDK4" not in {s.gene for s in data.segments}
    ind = WILD / "oncokb" / "example_individual_cna.txt"
    with pytest.raises(SampleNotFoundError, match="2 samples"):
        read_cnv(ind, "GRCh37")
    # line 2 "TCGA-05-4417-01 MET 2" and line 10 "TCGA-05-4417-01 MET Amplification" agree
    data = read_cnv(ind, "GRCh37", sample="TCGA-05-4417-01")
    assert [(s.gene, s.discrete, s.record) for s in data.segments] == [("MET", 2, "line 2")]


@pytest.mark.parametrize("name", ["example_fusions.txt", "example_sv.txt"])
def test_oncokb_fusions(name):
    # "TCGA-05-4417-01 ALK-EML4" / "TCGA-05-4417-01 ALK EML4 FUSION": EML4::ALK, named in either order
    data = read_fusions(WILD / "oncokb" / name, "GRCh37", sample="TCGA-05-4417-01")
    assert [c.name for c in data.calls] == ["EML4::ALK"]
    # TCGA-06-0155-01: "EGFR-intragenic" / "EGFR EGFR DELETION": not ALK, so the fusion is absent
    other = read_fusions(WILD / "oncokb" / name, "GRCh37", sample="TCGA-06-0155-01")
    assert summarise_fusion_status(other) == "absent"
    with pytest.raises(SampleNotFoundError):
        read_fusions(WILD / "oncokb" / name, "GRCh37")


# --- PCGR -----------------------------------------------------------------------------------------


def test_pcgr_fusions_in_their_build_and_refused_in_the_other():
    brca = WILD / "pcgr" / "T001-BRCA.grch38.fusions.tsv"
    # "EML4--ALK 2:42295554 2:29223528 100": GRCh38 EML4 exon 13 ends 42295516 (exon table), ALK
    # exon 20 spans 29223342-29223528 -> E13;A20, variant 1
    (call,) = typed(read_fusions(brca, "GRCh38"), "GRCh38")
    assert (call.name, call.junction, call.variant, call.supporting_reads) == (
        "EML4::ALK",
        "E13;A20",
        "v1",
        100,
    )
    with pytest.raises(
        BuildMismatchError, match="EML4 breakpoint 2:42295554 is outside EML4 in GRCh37"
    ):
        read_fusions(brca, "GRCh37")
    coad = WILD / "pcgr" / "T001-COAD.grch37.fusions.tsv"
    # line 2 "EML4--ALK 2:42522694 2:29446394": GRCh37 EML4 intron 13, ALK exon 20 -> v1
    # line 12 "--ALK 2:29955249 2:29717697": no partner, both ends inside ALK -> within ALK
    # line 13 "FGFR2--" and line 14 "--NTRK3": one partner only (the other could be ALK) ->
    # skipped as malformed, never counted as "not involving ALK"
    data = read_fusions(coad, "GRCh37")
    (call,) = typed(data, "GRCh37")
    assert (call.record, call.variant) == ("line 2", "v1")
    assert [(s.record, s.category) for s in data.skipped] == [
        ("line 12", "intragenic"),
        ("line 13", "malformed"),
        ("line 14", "malformed"),
    ]
    with pytest.raises(BuildMismatchError, match="inside it in GRCh37"):
        read_fusions(coad, "GRCh38")


def test_pcgr_allele_specific_copy_number():
    # "2 14324312 40825404 1 0" covers GRCh38 ALK (chr2:29192774-29921586): 1 + 0 = 1 copy
    data = read_cnv(WILD / "pcgr" / "T001-BRCA.grch38.cna.tsv", "GRCh38")
    alk = [
        s for s in data.segments if s.chrom == "chr2" and s.start <= 29921586 and s.end >= 29192774
    ]
    assert [(s.start, s.end, s.copy_number) for s in alk] == [(14324312, 40825404, 1.0)]
    # "7 112038730 148391757 2 1" covers GRCh37 MET: 3 copies
    coad = read_cnv(WILD / "pcgr" / "T001-COAD.grch37.cna.tsv", "GRCh37")
    met = [
        s for s in coad.segments if s.chrom == "7" and s.start <= 116438431 and s.end >= 116312250
    ]
    assert [s.copy_number for s in met] == [3.0]
    # "2 228757320 243052120 1 0": beyond GRCh38's chromosome 2 (242,193,529 bp)
    with pytest.raises(BuildMismatchError, match="243052120"):
        read_cnv(WILD / "pcgr" / "T001-COAD.grch37.cna.tsv", "GRCh38")


def test_pcgr_grch38_copy_number_is_refused_beside_a_grch37_vcf():
    # Its chromosome 2 ends at 242109969, short of both builds' lengths, so chromosome 2 cannot
    # tell; "3 ... 198098659 ..." ends beyond GRCh37's chromosome 3 (198,022,430 bp) and within
    # GRCh38's (198,295,559 bp; resources/genome/contig_lengths.tsv): the file is GRCh38
    with pytest.raises(BuildMismatchError, match="chromosome 3 segment ends at 198098659"):
        read_cnv(WILD / "pcgr" / "T001-BRCA.grch38.cna.tsv", "GRCh37")


@pytest.mark.parametrize(
    ("name", "build", "eml4"),
    [
        # "##liftOverChainFile=.../hg19Tohg38.over.chain.gz"; EML4 record "2 42261161 . GA G"
        ("T001-COAD.grch38.vcf.gz", "GRCh38", "2:42261161 GA>G"),
        # "##liftOverFile=.../hg38ToHg19.over.chain.gz", "##new_reference_genome=.../ucsc.hg19.fa";
        # EML4 record "2 42488301 . GA G"
        ("T001-COAD.grch37.vcf.gz", "GRCh37", "2:42488301 GA>G"),
        ("T001-BRCA.grch38.vcf.gz", "GRCh38", None),
    ],
)
def test_pcgr_vcfs_build_from_liftover_lines_and_eml4_records_examined(name, build, eml4):
    res = annotate_sample(WILD / "pcgr" / name)
    assert res.build == build
    eml4_rows = [s.record for s in res.skipped if s.category == "eml4_variant"]
    assert eml4_rows == ([eml4] if eml4 else [])
    assert not any("htslib" in w for w in res.warnings)


# --- CNVkit, vcf2maf, fusion callers --------------------------------------------------------------


def test_cnvkit_amplicon_is_grch37():
    path = WILD / "cnvkit" / "amplicon.cns"
    # lines 35-36: "chr7 116335751 116371963 MET 2.96307", "chr7 116379960 116436223 MET 3.81256"
    data = read_cnv(path, "GRCh37")
    met = [
        s.log2
        for s in data.segments
        if s.chrom == "7" and s.start < 116438431 and s.end > 116312250
    ]
    assert met == [2.96307, 3.81256]
    # line 37: "chr7 126079104 116436223": end before start -> skipped, not read
    assert ("line 37", "malformed") in [(s.record, s.category) for s in data.skipped]
    # line 16 "chr4 55597451 55948313 KIT": KIT in GRCh37 (55524124-55606881), far from GRCh38 KIT
    with pytest.raises(BuildMismatchError, match="line 16 names KIT"):
        read_cnv(path, "GRCh38")


def test_cnvkit_nv3_egfr_segment():
    # line 21: "chr7 53409505 58053831 ...EGFR... 1.84256"
    data = read_cnv(WILD / "cnvkit" / "nv3.cns", "GRCh37")
    egfr = [
        s for s in data.segments if s.chrom == "7" and s.start <= 55279321 and s.end >= 55086710
    ]
    assert [(s.record, s.log2) for s in egfr] == [("line 21", 1.84256)]


def test_vcf2maf_merged_kras_codon_12():
    # "1 ... TUMOR" columns; "12 25398284 . C T": GRCh37 KRAS codon 12 (hotspot_codons: 25398283-25398285)
    res = annotate_sample(WILD / "vcf2maf" / "test_merged.vcf")
    kras = [f for f in res.findings if f.gene == "KRAS"]
    assert [(f.pos, f.ref, f.alt) for f in kras] == [(25398284, "C", "T")]
    # 25398284 is c.35 (G12V = C>A there in bypass_hotspots.tsv): C>T is c.35G>A, GGT -> GAT
    assert (kras[0].alteration, kras[0].consequence) == ("G12D", "missense_variant")
    assert not any("htslib" in w or "index" in w for w in res.warnings)


def test_delly_records_all_counted_and_build_checked():
    path = WILD / "vcf2maf" / "test_delly.vcf"
    # 15 records, none with an end in ALK (3 are SVTYPE=INS); "##contig=<ID=2,length=243199373>"
    data = read_fusions(path, "GRCh37")
    assert data.records == 15 and data.calls == []
    assert data.warnings == ["15 SV record(s) not involving ALK were not used"]
    with pytest.raises(BuildMismatchError, match="GRCh37 .length of contig 2"):
        read_fusions(path, "GRCh38")


def test_rna_fusion_callers():
    # Arriba: one row, "BCR ABL1 ... 22:23632600 9:133729451": assessed, no ALK fusion
    arriba = read_fusions(WILD / "arriba" / "fusions.tsv", "GRCh38")
    assert arriba.records == 1 and summarise_fusion_status(arriba) == "absent"
    # STAR-Fusion: 29 rows, none with ALK
    star = read_fusions(
        WILD / "star_fusion" / "star-fusion.fusion_candidates.final.abridged.FFPM", "GRCh37"
    )
    assert star.records == 29 and star.calls == []
    # CTAT-LR-Fusion line 12: "EML4--ALK 68 EML4 ... chr2:42295516:+ ALK ... chr2:29223528:-":
    # the GRCh38 end of EML4 exon 13 and the first base of ALK exon 20 -> E13;A20, v1
    lr = WILD / "ctat_lr_fusion"
    (path,) = lr.glob("*.tsv.gz")
    (call,) = typed(read_fusions(path, "GRCh38"), "GRCh38")
    assert (call.record, call.junction, call.variant) == ("line 12", "E13;A20", "v1")


def test_a_somatic_vcf_given_as_fusions_is_refused():
    # vcf2maf/test_mutect.vcf: 500 MuTect records, SNVs and indels with sequence ALTs, none with
    # SVTYPE (grep): given as --fusions it read as "500 SV record(s) not involving ALK" and
    # "ALK fusion not detected"
    with pytest.raises(InputFormatError, match="none of its 500 record.s. has SVTYPE"):
        read_fusions(WILD / "vcf2maf" / "test_mutect.vcf", "GRCh37")


def test_bam_files_are_not_copy_number_or_fusion_tables():
    for bam in sorted(WILD.glob("*/*.bam")):
        for reader in (read_cnv, read_fusions):
            with pytest.raises(AlkannotError, match="binary content") as exc:
                reader(bam, "GRCh38")
            assert "\n" not in exc.value.one_line()
