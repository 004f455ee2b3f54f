"""The consequence engine against the reference tables: every review mutation in both builds.

Expected names are built here from the bundled slice table (plus-strand bases with their c.
positions), the standard genetic code and the UniProt protein, not from the engine.
"""

from __future__ import annotations

import pytest

from alkannot.consequence import annotate_variant
from alkannot.genome.sequence import OutsideSliceError, ReferenceSequence
from alkannot.resources import read_table, resource_path

_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {
    a + b + c: _AA[16 * i + 4 * j + k]
    for i, a in enumerate("TCAG")
    for j, b in enumerate("TCAG")
    for k, c in enumerate("TCAG")
}
THREE = dict(
    zip(
        "ACDEFGHIKLMNPQRSTVWY*",
        [
            "Ala",
            "Cys",
            "Asp",
            "Glu",
            "Phe",
            "Gly",
            "His",
            "Ile",
            "Lys",
            "Leu",
            "Met",
            "Asn",
            "Pro",
            "Gln",
            "Arg",
            "Ser",
            "Thr",
            "Val",
            "Trp",
            "Tyr",
            "Ter",
        ],
        strict=True,
    )
)
COMP = str.maketrans("ACGT", "TGCA")
REVIEW = [
    "L1152R",
    "C1156Y",
    "I1171T",
    "F1174C",
    "F1174L",
    "V1180L",
    "L1196M",
    "G1202R",
    "S1206Y",
    "G1269A",
]


def _slice(build: str) -> tuple[str, dict[int, int], dict[int, str]]:
    rows = read_table(resource_path("genome", build, "alk_kinase_slice.tsv"))
    c_to_pos = {int(r["c_pos"][2:]): int(r["pos"]) for r in rows if r["c_pos"] != "."}
    return rows[0]["chrom"], c_to_pos, {int(r["pos"]): r["base"] for r in rows}


def _plant(build: str, name: str):
    """A single-base change making the review's amino-acid change; expected HGVS from the tables."""
    chrom, c_to_pos, base = _slice(build)
    aa_from, codon, aa_to = name[0], int(name[1:-1]), name[-1]
    positions = [c_to_pos[3 * codon - 2 + i] for i in range(3)]
    ref_codon = "".join(base[p].translate(COMP) for p in positions)
    assert CODE[ref_codon] == aa_from  # the table agrees with the review's residue
    for i in range(3):
        for b in "ACGT":
            mut = ref_codon[:i] + b + ref_codon[i + 1 :]
            if b != ref_codon[i] and CODE[mut] == aa_to:
                p = positions[i]
                return (
                    chrom,
                    p,
                    base[p],
                    b.translate(COMP),
                    f"c.{3 * codon - 2 + i}{ref_codon[i]}>{b}",
                )
    raise AssertionError(name)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
@pytest.mark.parametrize("name", REVIEW)
def test_review_mutation_from_its_genomic_coordinate(build, name):
    chrom, pos, ref, alt, hgvsc = _plant(build, name)
    pc = annotate_variant("ALK", chrom, pos, ref, alt, ReferenceSequence(build))
    assert pc.short == name
    assert pc.hgvsp == f"p.{THREE[name[0]]}{name[1:-1]}{THREE[name[-1]]}"
    assert pc.hgvsc == hgvsc
    assert pc.consequence == "missense_variant" and pc.in_kinase_domain


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_1151tins_is_thr1151dup(build):
    # codon 1151 (c.3451-3453) duplicated: on the minus strand the copy sits left of the codon
    chrom, c_to_pos, base = _slice(build)
    low = min(c_to_pos[c] for c in (3451, 3452, 3453))
    anchor = low - 1
    alt = base[anchor] + "".join(base[p] for p in range(low, low + 3))
    pc = annotate_variant("ALK", chrom, anchor, base[anchor], alt, ReferenceSequence(build))
    assert (pc.hgvsp, pc.short, pc.hgvsc) == ("p.Thr1151dup", "T1151dup", "c.3451_3453dup")


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_synonymous_change_at_a_resistance_codon(build):
    chrom, c_to_pos, base = _slice(build)
    p = c_to_pos[3606]  # third base of codon 1202 (GGx: any base keeps glycine)
    ref = base[p]
    alt = next(b for b in "ACGT" if b != ref)
    pc = annotate_variant("ALK", chrom, p, ref, alt, ReferenceSequence(build))
    assert (pc.short, pc.hgvsp, pc.consequence) == ("G1202=", "p.Gly1202=", "synonymous_variant")


def test_inframe_deletion_frameshift_stop_and_splice():
    ref = ReferenceSequence("GRCh38")
    chrom, c_to_pos, base = _slice("GRCh38")
    low = min(c_to_pos[c] for c in (3604, 3605, 3606))  # codon 1202
    seq = "".join(base[p] for p in range(low - 1, low + 3))
    deletion = annotate_variant("ALK", chrom, low - 1, seq, seq[0], ref)
    assert deletion.consequence == "inframe_deletion" and deletion.hgvsp.endswith("del")
    fs = annotate_variant("ALK", chrom, low - 1, seq[:2], seq[0], ref)
    assert fs.consequence == "frameshift_variant" and "fsTer" in fs.hgvsp
    # exon 23 (GRCh38 29220706-29220835): the base after its 3' end is c.3645+1, before its 5' end c.3516-1
    donor = annotate_variant(
        "ALK",
        chrom,
        29220705,
        ref.fetch(chrom, 29220705, 29220705),
        "A" if ref.fetch(chrom, 29220705, 29220705) != "A" else "C",
        ref,
    )
    assert donor.hgvsc.startswith("c.3645+1") and donor.consequence == "splice_donor_variant"
    acceptor = annotate_variant(
        "ALK",
        chrom,
        29220836,
        ref.fetch(chrom, 29220836, 29220836),
        "A" if ref.fetch(chrom, 29220836, 29220836) != "A" else "C",
        ref,
    )
    assert (
        acceptor.hgvsc.startswith("c.3516-1") and acceptor.consequence == "splice_acceptor_variant"
    )


def test_stop_gained():
    # the first kinase-domain codon (from residue 1116) with a single-base route to a stop codon
    chrom, c_to_pos, base = _slice("GRCh38")
    for codon_no in range(1116, 1384):
        positions = [c_to_pos[3 * codon_no - 2 + i] for i in range(3)]
        codon = "".join(base[p].translate(COMP) for p in positions)
        for i in range(3):
            for b in "ACGT":
                if b != codon[i] and CODE[codon[:i] + b + codon[i + 1 :]] == "*":
                    p = positions[i]
                    pc = annotate_variant(
                        "ALK", chrom, p, base[p], b.translate(COMP), ReferenceSequence("GRCh38")
                    )
                    assert pc.hgvsp == f"p.{THREE[CODE[codon]]}{codon_no}Ter"
                    assert pc.consequence == "stop_gained"
                    return
    raise AssertionError("no kinase-domain codon is one base from a stop")


def test_outside_the_slice_needs_a_reference():
    with pytest.raises(OutsideSliceError):
        annotate_variant("ALK", "chr2", 29225500, "A", "G", ReferenceSequence("GRCh38"))  # exon 19


def test_reference_fasta_translates_outside_the_slice(tmp_path):
    import pysam

    # A chr2 FASTA holding N everywhere but a glycine codon (GGC) written at ALK codon 1050
    # (c.3148-3150, exon 19: GRCh38 29225461-29225565, c.3068-3172, minus strand).
    c_first = 29225565 - (3148 - 3068)  # genomic position of c.3148
    seq = bytearray(b"N" * 29_300_000)
    for i, b in enumerate("GGC"):
        seq[c_first - i - 1] = ord(b.translate(COMP))
    fa = tmp_path / "chr2.fa"
    with open(fa, "wb") as fh:
        fh.write(b">chr2\n")
        for i in range(0, len(seq), 60):
            fh.write(bytes(seq[i : i + 60]) + b"\n")
    pysam.faidx(str(fa))
    ref = ReferenceSequence("GRCh38", fa)
    # c.3149G>A on the transcript = plus-strand C>T at c_first - 1: GGC -> GAC, Gly1050Asp
    pc = annotate_variant("ALK", "chr2", c_first - 1, "C", "T", ref)
    assert (pc.hgvsc, pc.hgvsp) == ("c.3149G>A", "p.Gly1050Asp")
