"""Each rule at its edge: a value just inside and just outside, so that changing the rule (its
number, its comparison, the variant table) fails a test (issue 19, point 4).

Every expected value names its source; the inputs are written from the bundled reference tables
(tests/clinical_inputs.py) and shared/reference, never from alkannot's own output.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.fusion import type_alk_fusion
from alkannot.io.fusions import read_fusions
from alkannot.io.vcf import read_vcf
from alkannot.models import FusionCall
from tests.clinical_inputs import Build, write_vcf
from tests.reads_helpers import G1202, BamBuilder, mutate, ref

G38 = Build("GRCh38")

# ---------------------------------------------------------------------------------------------
# EML4-ALK variant 2 = EML4 exon 20 :: ALK exon 20 (E20;A20). Source: CIViC EID1196 (Heuckmann
# 2012, shared/literature/civic_01-Aug-2024_ALK_context_evidence.tsv): "v1 (E13;A20), v2
# (E20;A20), v3a (E6;A20)". Exon coordinates: shared/reference/EML4_NM_019063.5_exons.tsv
# (exon 20 GRCh38 42325467-42325554, GRCh37 42552607-42552694; exon 21 starts 42326154 /
# 42553294) and ALK_NM_004304.5_exons.tsv (ALK exon 20 GRCh38 29223342-29223528, GRCh37
# 29446208-29446394; minus strand, so its 5' end is the higher coordinate; exon 19 starts at
# 29225461 / 29448327).
EML4_EXON20_END = {"GRCh38": 42325554, "GRCh37": 42552694}
EML4_EXON21_START = {"GRCh38": 42326154, "GRCh37": 42553294}
ALK_EXON20_5PRIME = {"GRCh38": 29223528, "GRCh37": 29446394}
ALK_EXON19_START = {"GRCh38": 29225461, "GRCh37": 29448327}
ARRIBA_HEAD = (
    "#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\tbreakpoint2\t"
    "site1\tsite2\ttype\tsplit_reads1\tsplit_reads2\tdiscordant_mates\tcoverage1\tcoverage2\t"
    "confidence\n"
)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_eml4_exon_20_to_alk_exon_20_is_variant_2_from_rna_and_dna_breakpoints(tmp_path, build):
    chrom = "chr2" if build == "GRCh38" else "2"
    # RNA (Arriba): breakpoints on the exon ends
    path = tmp_path / "fusions.tsv"
    path.write_text(
        ARRIBA_HEAD + f"EML4\tALK\t+/+\t-/-\t{chrom}:{EML4_EXON20_END[build]}\t"
        f"{chrom}:{ALK_EXON20_5PRIME[build]}\tsplice-site\tsplice-site\tinversion\t12\t9\t4\t"
        "100\t80\thigh\n"
    )
    (call,) = read_fusions(path, build).calls
    typed = type_alk_fusion(call, build)
    assert (typed.junction, typed.variant) == ("E20;A20", "v2")
    # DNA: breakpoints inside EML4 intron 20 and ALK intron 19 keep EML4 exon 20 and ALK exon 20
    eml4_intron20 = (EML4_EXON20_END[build] + EML4_EXON21_START[build]) // 2
    alk_intron19 = (ALK_EXON20_5PRIME[build] + ALK_EXON19_START[build]) // 2
    dna = type_alk_fusion(
        FusionCall(
            "EML4", "ALK", chrom5=chrom, pos5=eml4_intron20, chrom3=chrom, pos3=alk_intron19
        ),
        build,
    )
    assert (dna.exon5, dna.exon3, dna.variant) == ("20", "20", "v2")
    # one exon further (EML4 intron 21 keeps exon 21): no named variant
    beyond = type_alk_fusion(
        FusionCall(
            "EML4", "ALK", chrom5=chrom, pos5=EML4_EXON21_START[build] + 200, chrom3=chrom,
            pos3=alk_intron19,
        ),
        build,
    )  # fmt: skip
    assert (beyond.junction, beyond.variant) == ("E21;A20", "")


# ---------------------------------------------------------------------------------------------
# Copy number. Absolute copy number (PURPLE) over ploidy 2 gives exact folds (copynumber.py:
# fold = CN / ploidy), so each edge is hit exactly.


PURPLE_HEAD = (
    "chromosome\tstart\tend\tcopyNumber\tbafCount\tobservedBAF\tbaf\tsegmentStartSupport\t"
    "segmentEndSupport\tmethod\tdepthWindowCount\tgcContent\tminStart\tmaxStart\t"
    "minorAlleleCopyNumber\tmajorAlleleCopyNumber\n"
)


def _purple(path: Path, segments: list[tuple[str, int, int, float]]) -> Path:
    """PURPLE ``.purple.cnv.somatic.tsv`` (1-based, absolute copy number): (chrom, start, end,
    copy number)."""
    rows = [
        f"{c}\t{s}\t{e}\t{cn:.4f}\t10\t0.5\t0.5\tBND\tBND\tBAF_WEIGHTED\t100\t0.4\t{s}\t{s}\t1.0\t"
        f"{cn - 1:.4f}\n"
        for c, s, e, cn in segments
    ]
    path.write_text(PURPLE_HEAD + "".join(rows))
    return path


def _gene_call(tmp_path: Path, gene: str, cn: float, seg_bp: int):
    """Annotate P02-style input: no variants, one segment of ``seg_bp`` bp over ``gene``."""
    chrom, start, end = G38.span(gene)
    s = start - 1000
    segments = [(chrom, 10_001, s - 1, 2), (chrom, s, s + seg_bp - 1, cn)]
    segments.append((chrom, s + seg_bp, s + seg_bp + 40_000_000, 2))
    assert s + seg_bp - 1 > end  # the segment covers the whole gene
    vcf = write_vcf(tmp_path / "t.vcf", G38, [])
    cns = _purple(tmp_path / "t.purple.cnv.somatic.tsv", segments)
    res = annotate_sample(vcf, cnv=cns, prior_therapy=["crizotinib"])
    (row,) = [c for c in res.copy_number if c.gene == gene]
    findings = [f for f in res.findings if f.kind == "copy_number" and f.gene == gene]
    return row, findings, res


@pytest.mark.parametrize(
    ("seg_bp", "expected"),
    [(9_999_999, "gain"), (10_000_000, "broad gain")],
)
def test_broad_gain_size_limit_is_10_mb(tmp_path, seg_bp, expected):
    # the rule (catalogue README rule 7, issue 20 point 5): below the gene's threshold a gain on a
    # segment of 10 Mb or more is a "broad gain" (arm-level or polysomy). ALK at 4 copies =
    # 2.0-fold, below the review's 2.2-fold (review 2.2 [32]), and 2.0 x the rest of chromosome 2
    # (4 over 2 copies): a gain either way, an observation.
    row, findings, res = _gene_call(tmp_path, "ALK", 4, seg_bp)
    assert (row.call, row.segment_bp, row.fold_change) == ("gain", seg_bp, 2.0)
    (f,) = findings
    assert f.alteration == expected and not f.drives_calls


@pytest.mark.parametrize("seg_bp", [9_999_999, 10_000_000])
def test_level_above_threshold_is_amplification_whatever_the_segment(tmp_path, seg_bp):
    # issue 20 point 5: a level at or above the gene's threshold times the ploidy is never
    # polysomy. ALK at 6 copies = 3.0-fold >= 2.2 (review 2.2 [32]) is amplification on either
    # side of 10 Mb; the long one is labelled "not focal".
    row, findings, res = _gene_call(tmp_path, "ALK", 6, seg_bp)
    assert (row.call, row.segment_bp, row.fold_change) == ("amplification", seg_bp, 3.0)
    assert "on_target_amplification" in res.mechanisms
    (f,) = findings
    assert f.drives_calls
    assert ("not focal" in row.note) == (seg_bp >= 10_000_000)


@pytest.mark.parametrize(("cn", "expected"), [(9.8, "gain"), (10.0, "amplification")])
def test_met_amplification_starts_at_5_fold(tmp_path, cn, expected):
    # CIViC EID1713 "MET:CEP7 ratio >=5" (catalogue MET_AMP threshold): 10 copies over ploidy 2 =
    # 5.0-fold is amplification, 9.8 copies = 4.9-fold is a high-level gain, an observation.
    row, findings, res = _gene_call(tmp_path, "MET", cn, 2_000_000)
    assert row.call == expected and row.fold_change == pytest.approx(cn / 2, abs=1e-9)
    assert ("bypass" in res.mechanisms) == (expected == "amplification")
    (f,) = findings
    assert f.drives_calls == (expected == "amplification")
    if expected == "gain":
        assert "below the MET amplification threshold (5-fold)" in row.note


# ---------------------------------------------------------------------------------------------
# Subclonal: cancer-cell fraction 2 x VAF / purity below 0.2 (Thresholds.subclonal_fraction) is
# shown and never drives a call. At purity 0.5: VAF 0.05 is a fraction of exactly 0.2 (clonal
# enough), VAF 0.0499 is 0.1996 (subclonal). 10,000 reads keep both above every support rule.


@pytest.mark.parametrize(("alt_reads", "subclonal"), [(500, False), (499, True)])
def test_subclonal_cut_off_either_side_of_0_2(tmp_path, alt_reads, subclonal):
    rec = G38.alk_snv("G1202R", depth=10_000, alt_reads=alt_reads)
    vcf = write_vcf(tmp_path / "t.vcf", G38, [rec])
    res = annotate_sample(vcf, purity=0.5, prior_therapy=["crizotinib"])
    (f,) = [f for f in res.findings if f.alteration == "G1202R"]
    assert f.vaf == alt_reads / 10_000 and f.passed_filters
    assert (f.subclonal, f.drives_calls) == (subclonal, not subclonal)
    assert ("on_target_mutation" in res.mechanisms) == (not subclonal)


# ---------------------------------------------------------------------------------------------
# The read-count interval is Clopper-Pearson at 95 % (README "Evidence from the reads"). The
# expected bounds are computed here from the definition (Clopper & Pearson 1934): the lower
# bound p solves P(X >= k | n, p) = 0.025, the upper P(X <= k | n, p) = 0.025, with the binomial
# terms summed directly (not alkannot.reads.stats).


def _tail(k_from: int, k_to: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k_from, k_to + 1))


def _bisect(f, target: float, rising: bool) -> float:
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if (f(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_read_interval_is_clopper_pearson_95_at_the_call_site(tmp_path):
    k, n = 30, 300  # 30 of 300 fragments carry G1202R (built below)
    low = _bisect(lambda p: _tail(k, n, n, p), 0.025, rising=True)
    high = _bisect(lambda p: _tail(0, k, n, p), 0.025, rising=False)
    assert 0.06 < low < 0.1 < high < 0.15  # sanity of the independent computation
    b = BamBuilder()
    s = 29220720
    r = ref(s, s + 59)
    arg = dict(zip(G1202, "TCT", strict=True))  # codon 1202 GGA>AGA on the minus strand
    for i in range(n):
        b.read(f"r{i}", s, mutate(r, s, arg) if i < k else r)
    bam = b.write(tmp_path / "t.bam")
    res = annotate_sample(bam=str(bam), sample_name="S1")
    g = next(g for g in res.reads.genotypes if g.alteration == "G1202R")
    assert (g.alt_fragments, g.fragments) == (k, n)
    assert g.ci_low == pytest.approx(low, abs=1e-6)
    assert g.ci_high == pytest.approx(high, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# The tumour column: ##tumor_sample, then sample names, never column order (README "Supported
# inputs"). Each column carries its own allele fraction, so the VAF read says which was chosen.


def _two_column_vcf(path: Path, header_tumour: str | None, columns: tuple[str, str]) -> Path:
    rec = G38.alk_snv("G1202R")
    lines = [
        "##fileformat=VCFv4.2",
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
        f"##contig=<ID=chr2,length={G38.chr2_length}>",
    ]
    if header_tumour:
        lines.append(f"##tumor_sample={header_tumour}")
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(columns))
    lines.append(f"chr2\t{rec.pos}\t.\t{rec.ref}\t{rec.alt}\t.\tPASS\t.\tAF:DP\t0.11:300\t0.33:300")
    path.write_text("\n".join(lines) + "\n")
    return path


def _regions(build: str):
    from alkannot.annotate import MUTATION_GENES, target_regions

    return target_regions(build, MUTATION_GENES)


@pytest.mark.parametrize(
    ("header", "columns", "tumour", "vaf"),
    [
        # the header names the first column although the names say otherwise: the header wins
        ("PT_NORMAL", ("PT_NORMAL", "PT_TUMOR"), "PT_NORMAL", 0.11),
        # the header names a sample that is no column: the names decide (TUMOR, second column)
        ("PT_T_OLD", ("NORMAL", "TUMOR"), "TUMOR", 0.33),
        # no header line: the names decide, whatever the column order
        (None, ("TUMOR", "NORMAL"), "TUMOR", 0.11),
    ],
)
def test_tumor_sample_line_that_disagrees_with_the_column_names(
    tmp_path, header, columns, tumour, vaf
):
    vcf = _two_column_vcf(tmp_path / "t.vcf", header, columns)
    data = read_vcf(vcf, _regions, build="GRCh38")
    assert data.sample == tumour
    (v,) = data.variants
    assert v.vaf == vaf
