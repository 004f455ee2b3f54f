"""KRAS and EGFR named without VEP, from the bundled codon spans (resources/genome/*/bypass_codons.tsv).

Expected names come from independent tables: the curated alleles of bypass_hotspots.tsv (DoCM,
via shared/reference/bypass_hotspot_variants.tsv) and the codon names of hotspot_codons.tsv
(cancerhotspots.org); the span bases are re-read from the source BAM when shared/ is present.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.api import annotate_sample
from alkannot.errors import BuildMismatchError
from alkannot.genome.codons import check_codon_reference, codon_spans, translate_in_codon_span
from alkannot.genome.models import bypass_hotspots, hotspot_codons
from alkannot.models import Variant

ROOT = Path(__file__).resolve().parents[1]
from tests.shared_data import SHARED, needs_shared  # noqa: E402


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_every_curated_kras_and_egfr_allele_is_named_as_the_table_names_it(build):
    alleles = [h for h in bypass_hotspots(build) if h.gene in ("KRAS", "EGFR")]
    assert len(alleles) >= 7  # G12C, G12V, T790M, three L858R alleles, E746_A750del
    for h in alleles:
        named = translate_in_codon_span(h.gene, build, h.chrom, h.pos, h.ref, h.alt)
        assert named is not None and named[0] == h.protein.removeprefix("p."), h


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_span_translation_gives_the_residues_the_hotspot_codons_are_named_after(build):
    names = {(chrom, start): name for chrom, start, _, name in hotspot_codons(build)}
    checked = 0
    for span in codon_spans(build):
        for k, aa in enumerate(span.protein):
            start = span.start + 3 * k if span.strand == "+" else span.end - 3 * k - 2
            name = names.get((span.chrom, start))
            if name and name.split("_")[1][0].isalpha():
                assert name == f"{span.gene}_{aa}{span.first_codon + k}"
                checked += 1
    assert checked >= 16  # KRAS G12 G13 Q61 K117 A146, EGFR E709 G719 L747 A750 K754 ... L861


def test_kras_codon_12_and_13_changes_from_the_curated_positions():
    # 12:25398284 is c.35 (G12V = C>A there, bypass_hotspots.tsv): C>T is c.35G>A, GGT -> GAT (Asp)
    assert translate_in_codon_span("KRAS", "GRCh37", "12", 25398284, "C", "T") == (
        "G12D",
        "missense_variant",
    )
    # a synonymous change: the codon's third base (c.36, 25398283) to every other base
    names = {translate_in_codon_span("KRAS", "GRCh37", "12", 25398283, "A", b)[0] for b in "CGT"}
    assert names == {"G12="}  # GGN is glycine whatever N


def test_egfr_insertions_and_what_is_left_unnamed():
    span = next(s for s in codon_spans("GRCh38") if s.name == "EGFR_764-774")
    s768 = span.start + 3 * (768 - 764)  # first base of codon 768 (plus strand)
    codon = span.bases[s768 - span.start : s768 - span.start + 3]
    anchor = span.bases[s768 - span.start + 2]
    # the codon of S768 inserted again right after it: a one-residue duplication
    assert translate_in_codon_span("EGFR", "GRCh38", "chr7", s768 + 2, anchor, anchor + codon) == (
        "S768dup",
        "inframe_insertion",
    )
    # a frameshift cannot be named from a span; nor can a variant outside every span
    assert translate_in_codon_span("EGFR", "GRCh38", "chr7", s768 + 2, anchor, anchor + "A") is None
    assert translate_in_codon_span("EGFR", "GRCh38", "chr7", 55000000, "A", "G") is None


def test_a_ref_that_disagrees_with_a_codon_span_is_a_build_mismatch():
    # GRCh37 KRAS G12C is C at 12:25398285; a G there cannot be GRCh37
    v = Variant("12", 25398285, "G", "A", record="12:25398285")
    with pytest.raises(BuildMismatchError, match="KRAS"):
        check_codon_reference([v], "GRCh37", "x.vcf")


def test_kras_g12d_and_an_exon_19_deletion_in_an_unannotated_vcf(tmp_path):
    vcf = tmp_path / "bypass.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr12,length=133275309>\n"
        "##contig=<ID=chr2,length=242193529>\n##contig=<ID=chr7,length=159345973>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        # EGFR 745-759 starts at chr7:55174770 (GRCh38 hotspot BED); codons 746-750 are
        # 55174773-55174787: deleted exactly here (anchor 55174772), one base 3' of the curated
        # p.E746_A750del allele (chr7:55174771 AGGAATTAAGAGAAGC>A), the same five residues
        "chr7\t55174772\t.\tGGAATTAAGAGAAGCA\tG\t.\tPASS\t.\tGT:AD\t0/1:70,30\n"
        # GRCh38 KRAS c.35 (G12V C>A at chr12:25245350 in bypass_hotspots.tsv), here C>T
        "chr12\t25245350\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:60,40\n"
    )
    res = annotate_sample(vcf)
    named = {f.gene: (f.alteration, f.consequence) for f in res.findings}
    assert named["KRAS"] == ("G12D", "missense_variant")
    assert named["EGFR"] == ("E746_A750del", "inframe_deletion")


@needs_shared("wild", "splitfusion", "Lib001.consolidated.bam")
def test_span_bases_are_the_reference_the_source_reads_were_aligned_to():
    import pysam

    bam = pysam.AlignmentFile(str(SHARED / "wild" / "splitfusion" / "Lib001.consolidated.bam"))
    for span in codon_spans("GRCh37"):
        ref = {}
        for read in bam.fetch(span.chrom, span.start - 1, span.end):
            if read.is_secondary or read.is_supplementary or read.is_unmapped:
                continue
            # pysam rebuilds the reference from the read and its MD tag, another path than the
            # derivation script's aligned pairs
            seq = read.get_reference_sequence().upper()
            for i, pos in enumerate(read.get_reference_positions(full_length=False)):
                if span.start <= pos + 1 <= span.end and i < len(seq):
                    ref.setdefault(pos + 1, seq[i])
        assert "".join(ref[p] for p in range(span.start, span.end + 1)) == span.bases, span.name


def test_the_derived_table_is_where_the_resources_say():
    text = (ROOT / "scripts" / "reference" / "bypass_codon_bases.tsv").read_text()
    assert text.startswith("## source: derived by scripts/derive_bypass_codon_bases.py")


@settings(max_examples=300, deadline=None)
@given(
    pick=st.integers(min_value=0),
    offset=st.integers(min_value=0),
    length=st.integers(min_value=1, max_value=12),
    alt=st.text(alphabet="ACGT", min_size=1, max_size=15),
)
def test_any_change_in_a_span_is_named_parseably_or_left_unnamed(pick, offset, length, alt):
    from alkannot.hgvs import normalise_protein_change

    spans = codon_spans("GRCh38")
    span = spans[pick % len(spans)]
    i = offset % len(span.bases)
    ref = span.bases[i : i + length]
    named = translate_in_codon_span(span.gene, "GRCh38", span.chrom, span.start + i, ref, alt)
    if named is not None:
        assert normalise_protein_change(named[0]), named
