"""Genotyping catalogued mutations from reads: fragments, codon pooling, indels, detection limit.

Fixtures are built here with pysam from the bundled ALK slice bases (tests/reads_helpers.py);
every expected count is the number of fragments the test built, every expected statistic an exact
binomial sum computed in the test.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import pytest

from alkannot.catalogue import load_catalogue
from alkannot.genome.sequence import ReferenceSequence
from alkannot.reads import read_evidence
from alkannot.reads.stats import binom_sf, call_threshold, clopper_pearson, detection_limit
from alkannot.reads.targets import haplotype_target
from tests.reads_helpers import G1202, BamBuilder, mutate, random_seq, ref

# Codon 1202 is GGA (Gly) on the transcript (minus) strand, TCC on the plus strand at G1202.
# Arg codons of the standard genetic code reachable from GGA: CGA (one change), AGA (one change),
# CGG (two changes); their plus-strand spellings are the reverse complements below.
ARG_CGA, ARG_AGA, ARG_CGG = "TCG", "TCT", "CCG"
GLU_GAA = "TTC"  # Glu: another residue, must not count for G1202R


def _genotypes(bam, **kw):
    cat = load_catalogue()
    ev = read_evidence(
        str(bam), build="GRCh38", catalogue=cat, reference=ReferenceSequence("GRCh38"), **kw
    )
    return {g.alteration: g for g in ev.genotypes if g.source == "dna"}, ev


def _codon(seq_start: int, seq: str, plus: str) -> str:
    return mutate(seq, seq_start, dict(zip(G1202, plus, strict=True)))


def test_overlapping_mates_count_once_and_disagreeing_mates_are_excluded(tmp_path):
    b = BamBuilder()
    s1, s2 = 29220720, 29220730  # both 60-bp mates cover codon 1202 (29220745-7)
    r1, r2 = ref(s1, s1 + 59), ref(s2, s2 + 59)
    for i in range(12):  # alt in both mates: one fragment each
        b.pair(f"alt{i}", s1, _codon(s1, r1, ARG_AGA), s2, _codon(s2, r2, ARG_AGA))
    for i in range(30):  # ref in both mates
        b.pair(f"ref{i}", s1, r1, s2, r2)
    for i in range(20):  # only the first mate covers the codon
        b.pair(f"one{i}", s1, r1, 29220790, ref(29220790, 29220839))
    for i in range(3):  # mates disagree: excluded, counted
        b.pair(f"bad{i}", s1, _codon(s1, r1, ARG_AGA), s2, r2)
    # reads that must not count: duplicate, secondary, QC-fail, low MAPQ (all showing alt)
    alt_read = _codon(s1, r1, ARG_AGA)
    b.read("dup", s1, alt_read, flag=1024)
    b.read("sec", s1, alt_read, flag=256)
    b.read("qcf", s1, alt_read, flag=512)
    b.read("lowmq", s1, alt_read, mapq=5)
    bam = b.write(tmp_path / "mates.bam")
    g, ev = _genotypes(bam)
    r = g["G1202R"]
    assert r.fragments == 12 + 30 + 20
    assert r.alt_fragments == 12
    assert r.mate_conflicts == 3
    assert r.overlapping_mates == 12 + 30 + 3
    assert ev.qc["excluded_duplicate"] >= 1
    assert ev.qc["excluded_secondary_or_supplementary"] >= 1
    assert ev.qc["excluded_qc_fail"] >= 1
    assert ev.qc["excluded_low_mapq"] >= 1


def test_codon_pooling_counts_every_spelling_and_a_two_base_change_once(tmp_path):
    b = BamBuilder()
    s = 29220700
    r = ref(s, s + 79)
    built = Counter({ARG_CGA: 5, ARG_AGA: 4, ARG_CGG: 3, GLU_GAA: 2, "TCC": 200})
    for spelling, n in built.items():
        for i in range(n):
            b.read(f"{spelling}{i}", s, _codon(s, r, spelling))
    g, _ = _genotypes(b.write(tmp_path / "codons.bam"))
    assert g["G1202R"].alt_fragments == 5 + 4 + 3
    assert g["G1202R"].other_fragments == 2
    assert g["G1202R"].fragments == sum(built.values())
    # the Glu spelling is not any catalogued change of codon 1202 except through its own entry
    assert g["G1202R"].status == "detected"


def test_depth_beyond_pileup_cap_is_not_truncated(tmp_path):
    b = BamBuilder()
    s = 29220720
    r = ref(s, s + 59)
    for i in range(8_300):  # pysam's pileup stops at 8000 by default
        b.read(f"r{i}", s, r)
    for i in range(40):
        b.read(f"a{i}", s, _codon(s, r, ARG_CGA))
    g, _ = _genotypes(b.write(tmp_path / "deep.bam"))
    assert g["G1202R"].fragments == 8_340
    assert g["G1202R"].alt_fragments == 40


def _deletion_read(start: int, length: int, del_at: int, n_del: int) -> tuple[str, str]:
    """A read from ``start`` with ``n_del`` reference bases deleted from ``del_at``."""
    before = ref(start, del_at - 1)
    after = ref(del_at + n_del, del_at + n_del + (length - len(before)) - 1)
    return before + after, f"{len(before)}M{n_del}D{len(after)}M"


def test_indel_counts_wherever_the_aligner_put_it(tmp_path):
    # plus strand 29220739-29220752 is GAGGTC TCC CCCC G (slice table): deleting codon 1202 (TCC
    # at 29220745-7) or CTC at 29220744-6 leaves the same sequence GAGGTC CCCC G
    b = BamBuilder()
    for i in range(6):
        seq, cig = _deletion_read(29220710, 70, 29220745, 3)
        b.read(f"d745_{i}", 29220710, seq, cigar=cig)
    for i in range(5):
        seq, cig = _deletion_read(29220710, 70, 29220744, 3)
        b.read(f"d744_{i}", 29220710, seq, cigar=cig)
    for i in range(4):  # one C fewer in the C run: slippage, not G1202del
        seq, cig = _deletion_read(29220710, 70, 29220748, 1)
        b.read(f"slip{i}", 29220710, seq, cigar=cig)
    for i in range(100):
        b.read(f"ref{i}", 29220710, ref(29220710, 29220779))
    g, _ = _genotypes(b.write(tmp_path / "del.bam"))
    assert g["G1202del"].alt_fragments == 6 + 5
    assert g["G1202del"].other_fragments == 4
    assert g["G1202del"].fragments == 6 + 5 + 4 + 100


def test_duplication_counts_at_each_placement(tmp_path):
    # 29222404-29222411 is AG CGT CTG; inserting CGT before 29222406, GTC after 29222406 or TCG
    # after 29222407 all give AGCGTCGTCTG (T1151dup)
    b = BamBuilder()
    start = 29222370
    for n, (after, ins) in enumerate([(29222405, "CGT"), (29222406, "GTC"), (29222407, "TCG")]):
        left = ref(start, after)
        right = ref(after + 1, 29222420)  # the slice holds 15 intron bases past exon 22
        for i in range(3 + n):
            cigar = f"{len(left)}M3I{len(right)}M"
            b.read(f"dup{after}_{i}", start, left + ins + right, cigar=cigar)
    for i in range(50):
        b.read(f"ref{i}", start, ref(start, 29222420))
    g, _ = _genotypes(b.write(tmp_path / "dup.bam"))
    assert g["T1151dup"].alt_fragments == 3 + 4 + 5


def test_homopolymer_deletion_counts_at_every_position_of_the_run(tmp_path):
    # the C run at 29220746-29220751 (CCCCCC): a VCF deletion of one C, reads deleting any C
    b = BamBuilder()
    for i, at in enumerate((29220746, 29220748, 29220751)):
        seq, cig = _deletion_read(29220710, 70, at, 1)
        b.read(f"hp{i}", 29220710, seq, cigar=cig)
    for i in range(10):
        b.read(f"ref{i}", 29220710, ref(29220710, 29220779))
    bam = b.write(tmp_path / "hp.bam")
    from alkannot.reads.bam import open_alignments
    from alkannot.reads.genotype import GenotypeModel, genotype

    target = haplotype_target(
        ReferenceSequence("GRCh38"),
        "chr2",
        29220750,
        "CC",
        "C",
        gene="ALK",
        alteration="x",
        catalogue_id="",
    )
    aln = open_alignments(str(bam), label="--bam", fasta=None)
    (res,) = genotype(aln, [target], GenotypeModel(), Counter())
    assert (res.alt_fragments, res.fragments) == (3, 13)


def _exact_sf(k: int, n: int, p: float) -> Fraction:
    p = Fraction(p)
    return 1 - sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k))


def test_detection_limit_matches_an_exact_binomial(tmp_path):
    b = BamBuilder()
    s = 29220720
    r = ref(s, s + 59)
    n = 448
    for i in range(n):
        b.read(f"r{i}", s, r)
    g, ev = _genotypes(b.write(tmp_path / "neg.bam"))
    res = g["G1202R"]
    assert res.fragments == n and res.alt_fragments == 0 and res.status == "not_detected"
    # reads equal the reference: the error rate is the documented floor
    e, alpha, power = 0.001, ev.settings["alpha"], ev.settings["power"]
    assert res.error_rate == pytest.approx(e)
    k = next(k for k in range(2, n + 1) if _exact_sf(k, n, e) <= Fraction(alpha))
    assert res.threshold == k
    lim = res.detection_limit
    # the limit is where the exact power crosses 95% (to the bisection's precision)
    assert float(_exact_sf(k, n, lim + (1 - lim) * e)) == pytest.approx(power, abs=1e-7)
    below = lim - 1e-4
    assert float(_exact_sf(k, n, below + (1 - below) * e)) < power


@pytest.mark.parametrize("k,n,p", [(3, 448, 0.001), (9, 100, 0.05), (40, 400, 0.1), (1, 5, 0.5)])
def test_binomial_tail_equals_the_exact_sum(k, n, p):
    assert binom_sf(k, n, p) == pytest.approx(float(_exact_sf(k, n, p)), rel=1e-9)


def test_clopper_pearson_solves_the_exact_tails():
    k, n = 7, 120
    lo, hi = clopper_pearson(k, n)
    assert float(_exact_sf(k, n, lo)) == pytest.approx(0.025, abs=1e-8)
    assert 1 - float(_exact_sf(k + 1, n, hi)) == pytest.approx(0.025, abs=1e-8)


def test_threshold_and_limit_at_100000x_are_finite():
    k = call_threshold(100_000, 0.001, 0.001, 2)
    lim = detection_limit(100_000, k, 0.001, 0.95)
    assert k > 100 and 0 < lim < 0.01


def test_not_evaluable_when_the_limit_is_above_the_ceiling(tmp_path):
    b = BamBuilder()
    s = 29220720
    for i in range(15):  # 15 fragments cannot show a 5% clone with 95% power
        b.read(f"r{i}", s, ref(s, s + 59))
    g, _ = _genotypes(b.write(tmp_path / "shallow.bam"))
    assert g["G1202R"].status == "not_evaluable"
    assert "ceiling" in g["G1202R"].note
    assert g["G12C"].status == "not_evaluable"  # no KRAS reads at all


def test_old_style_mate_suffixes_still_make_one_fragment(tmp_path):
    b = BamBuilder()
    s1, s2 = 29220720, 29220730
    r1, r2 = ref(s1, s1 + 59), ref(s2, s2 + 59)
    for i in range(7):  # "frag/1" and "frag/2": the same fragment
        b.read(f"f{i}/1", s1, _codon(s1, r1, ARG_CGA), flag=99, mate_start=s2, tlen=70)
        b.read(f"f{i}/2", s2, _codon(s2, r2, ARG_CGA), flag=147, mate_start=s1, tlen=-70)
    g, _ = _genotypes(b.write(tmp_path / "suffix.bam"))
    assert (g["G1202R"].fragments, g["G1202R"].overlapping_mates) == (7, 7)


def test_egfr_exon19_deletion_needs_the_reference_and_counts_shifted_placements(tmp_path):
    import pysam

    # resources/genome/GRCh38/bypass_hotspots.tsv: EGFR p.E746_A750del, chr7:55174771
    # AGGAATTAAGAGAAGC>A. Around it: invented flanks; the base after the deleted 15 bases is set
    # to G, the first deleted base, so deleting 55174773-55174787 gives the same haplotype.
    pos, allele = 55174771, "AGGAATTAAGAGAAGC"
    left = random_seq(100, 11)
    right = "G" + random_seq(99, 12)
    while right[1] == allele[2]:  # keep the equivalent placements to exactly two
        right = "G" + random_seq(99, len(right) + ord(right[1]))
    start = pos - len(left)
    region = left + allele + right
    fasta = tmp_path / "chr7.fa"
    with open(fasta, "w") as fh:
        fh.write(">chr7\n")
        seq = "N" * (start - 1) + region
        for i in range(0, len(seq), 60):
            fh.write(seq[i : i + 60] + "\n")
    pysam.faidx(str(fasta))
    b = BamBuilder(contigs=[("chr2", 242193529), ("chr7", 159345973)])

    def read_with_deletion(name, first_deleted):
        i = first_deleted - start
        seq = region[20:i] + region[i + 15 : i + 15 + 60]
        b.read(name, start + 20, seq, cigar=f"{i - 20}M15D60M", chrom="chr7")

    for k in range(4):
        read_with_deletion(f"canon{k}", pos + 1)
    for k in range(3):
        read_with_deletion(f"shift{k}", pos + 2)
    for k in range(30):
        b.read(f"ref{k}", start + 20, region[20:160], chrom="chr7")
    bam = b.write(tmp_path / "egfr.bam")
    cat = load_catalogue()
    with_ref = read_evidence(
        str(bam),
        build="GRCh38",
        catalogue=cat,
        reference=ReferenceSequence("GRCh38", fasta),
        fasta=str(fasta),
    )
    g = next(x for x in with_ref.genotypes if x.alteration == "E746_A750del")
    assert (g.alt_fragments, g.fragments) == (4 + 3, 4 + 3 + 30)
    without = read_evidence(
        str(bam), build="GRCh38", catalogue=cat, reference=ReferenceSequence("GRCh38")
    )
    g = next(x for x in without.genotypes if x.alteration == "E746_A750del")
    assert g.status == "not_evaluable" and "--reference" in g.note
