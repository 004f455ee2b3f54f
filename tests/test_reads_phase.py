"""Phase of two ALK mutations from a fragment 2x2 table, in DNA and in spliced RNA reads.

G1202R (codon 1202, plus 29220745-7) and L1196M (codon 1196, plus 29220763-5) lie 18 bp apart in
exon 23: one 60-bp read shows both. I1171N (codon 1171, plus 29222346-8) is in exon 22, about
1.5 kb away (shared/reference/ALK_NM_004304.5_exons.tsv): no short DNA fragment spans both.
"""

from __future__ import annotations

import pytest

from alkannot.api import annotate_sample
from alkannot.catalogue import load_catalogue
from alkannot.genome.sequence import ReferenceSequence
from alkannot.reads.bam import open_alignments
from alkannot.reads.fragments import ReadFilters
from alkannot.reads.phase import phase_pair
from alkannot.reads.targets import catalogued_targets
from tests.reads_helpers import EXON22, EXON23, G1202, I1171, L1196, BamBuilder, mutate, ref

# plus-strand spellings: G1202R GGA>AGA = TCC>TCT; L1196M CTG>ATG = CAG>CAT; I1171N ATC>AAC = GAT>GTT
G1202R = dict(zip(G1202, "TCT", strict=True))
L1196M = dict(zip(L1196, "CAT", strict=True))
I1171N = dict(zip(I1171, "GTT", strict=True))


def _targets():
    ts = catalogued_targets("GRCh38", ReferenceSequence("GRCh38"), load_catalogue())
    return {t.alteration: t for t in ts}


def _pairs(b: BamBuilder, prefix: str, n: int, changes: dict) -> None:
    s1, s2 = 29220720, 29220730  # overlapping mates, both cover 29220745-29220789
    r1, r2 = ref(s1, s1 + 59), ref(s2, s2 + 59)
    for i in range(n):
        b.pair(f"{prefix}{i}", s1, mutate(r1, s1, changes), s2, mutate(r2, s2, changes))


def _phase(tmp_path, both=0, a_only=0, b_only=0, neither=30):
    b = BamBuilder()
    _pairs(b, "both", both, {**G1202R, **L1196M})
    _pairs(b, "a", a_only, G1202R)
    _pairs(b, "b", b_only, L1196M)
    _pairs(b, "n", neither, {})
    aln = open_alignments(str(b.write(tmp_path / "p.bam")), label="--bam", fasta=None)
    t = _targets()
    return phase_pair(
        aln, t["G1202R"], t["L1196M"], ReadFilters(), error_rate=0.001, alpha=0.001, min_support=2
    )


@pytest.mark.parametrize(
    "counts,expected",
    [
        (dict(both=10), "cis"),
        (dict(a_only=10, b_only=10), "trans"),
        (dict(both=8, a_only=8, b_only=8), "mixed"),
        (dict(both=1), "indeterminate"),
        (dict(both=10, a_only=6), "cis"),  # L1196M always with G1202R: the compound exists
    ],
)
def test_each_phase_outcome_from_the_fragment_table(tmp_path, counts, expected):
    call = _phase(tmp_path, **counts)
    assert call.phase == expected
    assert call.both == counts.get("both", 0)
    assert call.a_only == counts.get("a_only", 0)
    assert call.b_only == counts.get("b_only", 0)
    assert call.neither == 30
    assert call.spanning_fragments == sum(counts.values()) + 30


def _spliced_reads(b: BamBuilder, n: int, changes: dict) -> None:
    """RNA reads spliced from the end of exon 23 to the start of exon 22 (N in the CIGAR)."""
    e23 = ref(29220740, EXON23[1])  # exon 23 from just before codon 1202 to its end
    e22 = ref(EXON22[0], EXON22[0] + 39)
    intron = EXON22[0] - EXON23[1] - 1
    for _i in range(n):
        seq = mutate(e23, 29220740, changes) + mutate(e22, EXON22[0], changes)
        b.read(f"rna{len(b.reads)}", 29220740, seq, cigar=f"{len(e23)}M{intron}N{len(e22)}M")


def test_exon22_exon23_pairs_are_not_phaseable_from_dna_but_rna_phases_them(tmp_path):
    t = _targets()
    # I1171N codon 29222346-8 and G1202R codon lie in different exons
    dna = BamBuilder()  # short fragments in each exon, each carrying its mutation
    for i in range(20):
        s = 29220700
        dna.pair(f"d{i}", s, mutate(ref(s, s + 59), s, G1202R), s + 80, ref(s + 80, s + 139))
        s = 29222344
        dna.pair(f"e{i}", s, mutate(ref(s, s + 39), s, I1171N), s + 20, ref(s + 20, s + 59))
    dna_bam = dna.write(tmp_path / "dna.bam")
    aln = open_alignments(str(dna_bam), label="--bam", fasta=None)
    kw = dict(error_rate=0.001, alpha=0.001, min_support=2)
    call = phase_pair(aln, t["G1202R"], t["I1171N"], ReadFilters(), **kw)
    assert call.phase == "not_phaseable"
    assert call.spanning_fragments == 0
    assert "--rna-bam" in call.note

    rna = BamBuilder()
    _spliced_reads(rna, 9, {**G1202R, **I1171N})
    _spliced_reads(rna, 12, {})
    rna_bam = rna.write(tmp_path / "rna.bam")
    aln = open_alignments(str(rna_bam), label="--rna-bam", fasta=None)
    call = phase_pair(aln, t["G1202R"], t["I1171N"], ReadFilters(), source="rna", **kw)
    assert (call.phase, call.both, call.neither) == ("cis", 9, 12)

    # through the API: both mutations detected in the DNA, phased from the RNA
    res = annotate_sample(bam=str(dna_bam), rna_bam=str(rna_bam), sample_name="x")
    (p,) = [
        p for p in res.reads.phases if {p.variant_a, p.variant_b} == {"ALK G1202R", "ALK I1171N"}
    ]
    assert (p.source, p.phase, p.both) == ("rna", "cis", 9)
    assert "DNA: not_phaseable" in p.note


def test_trans_pair_sets_the_compound_aside_and_cis_confirms_it(tmp_path):
    # no VCF: the reads are the caller; G1202R + L1196M matches the catalogue's "G1202R plus a
    # second ALK mutation" compound (resources/catalogue/catalogue.yaml)
    def run(name, **counts):
        b = BamBuilder()
        _pairs(b, "both", counts.get("both", 0), {**G1202R, **L1196M})
        _pairs(b, "a", counts.get("a_only", 0), G1202R)
        _pairs(b, "b", counts.get("b_only", 0), L1196M)
        _pairs(b, "n", 100, {})
        bam = b.write(tmp_path / f"{name}.bam")
        return annotate_sample(bam=str(bam), sample_name=name)

    cis = run("cis", both=30)
    trans = run("trans", a_only=30, b_only=30)
    (pc,) = cis.reads.phases
    (pt,) = trans.reads.phases
    assert (pc.phase, pt.phase) == ("cis", "trans")
    comp_cis = [f for f in cis.findings if f.consequence == "compound"]
    comp_trans = [f for f in trans.findings if f.consequence == "compound"]
    # cis: the compound is a finding that drives calls, its phase stated
    assert comp_cis and all(f.drives_calls for f in comp_cis)
    assert any("cis from reads" in n for f in comp_cis for n in f.notes)
    # trans: no compound; each mutation keeps its own profile, with the polyclonal note
    assert comp_trans == []
    assert any("trans from reads" in w and "polyclonal" in w for w in trans.warnings)


@pytest.mark.parametrize("exon22", ["I1171T", "I1171N", "C1156Y", "T1151dup"])
@pytest.mark.parametrize("exon23", ["G1202R", "L1196M", "F1174L"])
def test_every_exon22_exon23_pair_is_not_phaseable_from_short_dna(tmp_path, exon22, exon23):
    # short fragments tiling exon 23 and exon 22 separately (within the slice's bases)
    b = BamBuilder()
    for i, s in enumerate(range(EXON23[0] - 10, EXON23[0] + 25, 5)):
        b.pair(f"x{i}", s, ref(s, s + 49), s + 70, ref(s + 70, s + 119))
    for i, s in enumerate(range(EXON22[0] - 10, EXON22[0] + 1, 2)):
        b.pair(f"y{i}", s, ref(s, s + 39), s + 40, ref(s + 40, s + 79))
    aln = open_alignments(str(b.write(tmp_path / "tiles.bam")), label="--bam", fasta=None)
    t = _targets()
    kw = dict(error_rate=0.001, alpha=0.001, min_support=2)
    call = phase_pair(aln, t[exon22], t[exon23], ReadFilters(), **kw)
    assert call.phase == "not_phaseable" and call.distance > 1000
