"""One protein change written as two records (an SNV and an MNV holding it) is counted once.

Expected outcomes: OncoKB's annotator example MAF writes KRAS G12C of TCGA-05-4417-01 twice
(lines 10 and 11: ``12:g.25398285C>A`` and ``12:g.25398285_25398286delinsAG``, both ``p.G12C``);
a caller or converter that emits the MNV beside its SNV describes one allele, not two mutations.
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.annotate import one_per_change
from alkannot.api import annotate_sample
from alkannot.models import Finding
from tests.clinical_inputs import CODE, Build, Record, write_vcf
from tests.shared_data import SHARED, needs_shared

G38 = Build("GRCh38")
COMP = str.maketrans("ACGT", "TGCA")


def _mnv_holding(snv: Record, n: int) -> Record:
    """A plus-strand substitution over ALK codon ``n`` that holds ``snv``'s ALT base and changes
    one more base of the codon without changing the amino acid the SNV gives."""
    ref_codon, positions = G38.codon(n)  # transcript orientation; positions on the plus strand
    i = positions.index(snv.pos)
    with_snv = ref_codon[:i] + snv.alt.translate(COMP) + ref_codon[i + 1 :]
    for j in (k for k in range(3) if k != i):
        for b in "ACGT":
            codon = with_snv[:j] + b + with_snv[j + 1 :]
            if b != with_snv[j] and CODE[codon] == CODE[with_snv]:
                lo, hi = min(positions[i], positions[j]), max(positions[i], positions[j])
                alt = {positions[i]: snv.alt, positions[j]: b.translate(COMP)}
                ref = "".join(G38.base[p] for p in range(lo, hi + 1))
                mnv_alt = "".join(alt.get(p, G38.base[p]) for p in range(lo, hi + 1))
                return replace(snv, pos=lo, ref=ref, alt=mnv_alt, alt_reads=snv.alt_reads - 5)
    raise ValueError("no synonymous second base in the codon")


def test_an_snv_and_the_mnv_holding_it_are_one_g1202r_not_a_compound(tmp_path):
    snv = G38.alk_snv("G1202R")
    mnv = _mnv_holding(snv, 1202)
    both = annotate_sample(
        str(write_vcf(tmp_path / "both.vcf", G38, [snv, mnv])), prior_therapy=["alectinib"]
    )
    alone = annotate_sample(
        str(write_vcf(tmp_path / "one.vcf", G38, [snv])), prior_therapy=["alectinib"]
    )
    assert [f.alteration for f in both.findings if f.kind == "mutation"] == ["G1202R"]
    assert not any("+" in f.alteration for f in both.findings)  # no "compound" of one allele
    (dup,) = [s for s in both.skipped if s.category == "same_change"]
    assert dup.record == f"{mnv.chrom}:{mnv.pos} {mnv.ref}>{mnv.alt}"
    assert f"{snv.chrom}:{snv.pos} {snv.ref}>{snv.alt}" in dup.reason  # the record kept
    assert [(d.drug, d.call) for d in both.drugs] == [(d.drug, d.call) for d in alone.drugs]


def test_two_different_changes_of_one_codon_stay_two():
    def finding(pos: int, ref: str, alt: str, alteration: str) -> Finding:
        return Finding("mutation", "KRAS", alteration, chrom="12", pos=pos, ref=ref, alt=alt)

    g12c = finding(25398285, "C", "A", "G12C")
    g12v = finding(25398284, "C", "A", "G12V")
    kept, skipped = one_per_change([g12c, g12v])
    assert kept == [g12c, g12v] and skipped == []
    # the same protein name from substitutions that share no changed base: two alleles, kept
    other = finding(25398283, "A", "T", "G12C")
    assert one_per_change([g12c, other]) == ([g12c, other], [])
    # the record that passes the support rules is kept, whatever the order
    weak = replace(finding(25398285, "CA", "AG", "G12C"), passed_filters=False)
    kept, skipped = one_per_change([weak, g12c])
    assert kept == [g12c] and skipped[0].record == "12:25398285 CA>AG"


@needs_shared("wild", "oncokb", "example_maf.txt")
def test_oncokb_example_maf_g12c_twice_is_one_finding():
    maf = SHARED / "wild" / "oncokb" / "example_maf.txt"
    r = annotate_sample(str(maf), sample_name="TCGA-05-4417-01")
    assert [(f.gene, f.alteration) for f in r.findings if f.gene == "KRAS"] == [("KRAS", "G12C")]
    (dup,) = [s for s in r.skipped if s.category == "same_change"]
    assert dup.record == "12:25398285 CA>AG" and "12:25398285 C>A" in dup.reason
