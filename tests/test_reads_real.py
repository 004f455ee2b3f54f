"""Read evidence on real panel BAMs (shared/wild/dnafusion), with mutations written into chosen
fragments at test time so that the sequencing error profile stays real.

No public BAM carries an ALK resistance mutation (issue 13): the unedited cell lines are
negatives. The edited fragments are chosen here and counted here; every expected count below is
that number.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from alkannot.api import annotate_sample
from tests.reads_helpers import G1202, L1196, SHARED
from tests.shared_data import needs_shared

DNAFUSION = SHARED / "wild" / "dnafusion"
H3122 = DNAFUSION / "H3122_EML4.bam"
pytestmark = needs_shared("wild", "dnafusion", "H3122_EML4.bam")

# plus-strand reference and mutant codons (shared/reference/ALK_exons20-28_plus_strand_bases.tsv):
# codon 1202 TCC (GGA Gly) -> TCT (AGA Arg); codon 1196 CAG (CTG Leu) -> CAT (ATG Met)
REF_1202, ARG = "TCC", "TCT"
REF_1196, MET = "CAG", "CAT"
ARG_SPELLINGS = {"TCT", "TCG", "CCT", "CCG", "ACG", "GCG"}  # reverse complements of Arg codons


def _clean_fragments(path: Path, codons: list[tuple[tuple[int, ...], str]]) -> list[str]:
    """Fragments whose every counted read shows all the codons as REF at base quality >= 20."""
    ok: dict[str, bool] = {}
    lo = min(p for c, _ in codons for p in c)
    hi = max(p for c, _ in codons for p in c)
    with pysam.AlignmentFile(str(path)) as f:
        for r in f.fetch("chr2", lo - 1, hi):
            if r.is_unmapped or r.is_secondary or r.is_supplementary or r.is_duplicate:
                continue
            if r.is_qcfail or r.mapping_quality < 20:
                continue
            pairs = {rp + 1: qp for qp, rp in r.get_aligned_pairs(matches_only=True)}
            good = True
            for positions, ref_bases in codons:
                if not all(p in pairs for p in positions):
                    good = False
                    continue
                bases = "".join(r.query_sequence[pairs[p]] for p in positions)
                quals = [r.query_qualities[pairs[p]] for p in positions]
                good &= bases == ref_bases and min(quals) >= 20
            ok[r.query_name] = ok.get(r.query_name, True) and good
    return sorted(n for n, v in ok.items() if v)


def _original_arg_fragments(path: Path) -> int:
    names = set()
    with pysam.AlignmentFile(str(path)) as f:
        for r in f.fetch("chr2", G1202[0] - 1, G1202[-1]):
            if r.is_secondary or r.is_supplementary or r.is_duplicate or r.mapping_quality < 20:
                continue
            pairs = {rp + 1: qp for qp, rp in r.get_aligned_pairs(matches_only=True)}
            covered = all(p in pairs for p in G1202)
            if covered and "".join(r.query_sequence[pairs[p]] for p in G1202) in ARG_SPELLINGS:
                names.add(r.query_name)
    return len(names)


def _edit(src: Path, dst: Path, edits: dict[str, dict[int, str]]) -> Path:
    """Copy ``src`` changing bases of the named fragments' primary reads (quality kept)."""
    with pysam.AlignmentFile(str(src)) as f, pysam.AlignmentFile(str(dst), "wb", template=f) as out:
        for r in f.fetch(until_eof=True):
            change = edits.get(r.query_name)
            if change and not r.is_unmapped and not r.is_secondary and not r.is_supplementary:
                pairs = {rp + 1: qp for qp, rp in r.get_aligned_pairs(matches_only=True)}
                seq, quals = list(r.query_sequence), r.query_qualities
                for pos, base in change.items():
                    if pos in pairs:
                        seq[pairs[pos]] = base
                r.query_sequence = "".join(seq)
                r.query_qualities = quals
            out.write(r)
    pysam.index(str(dst))
    return dst


def _codon(positions, bases) -> dict[int, str]:
    return dict(zip(positions, bases, strict=True))


@pytest.fixture(scope="module")
def clean_1202():
    return _clean_fragments(H3122, [(G1202, REF_1202)])


@pytest.mark.parametrize("fraction", [0.02, 0.05, 0.10])
def test_g1202r_written_into_real_fragments_is_counted_exactly(tmp_path, clean_1202, fraction):
    chosen = clean_1202[:: max(1, round(1 / fraction))]
    edits = {n: _codon(G1202, ARG) for n in chosen}
    bam = _edit(H3122, tmp_path / "edited.bam", edits)
    res = annotate_sample(bam=str(bam), sample_name="H3122e")
    g = next(x for x in res.reads.genotypes if x.alteration == "G1202R" and x.source == "dna")
    assert g.alt_fragments == len(chosen) + _original_arg_fragments(H3122)
    assert g.ci_low <= g.alt_fragments / g.fragments <= g.ci_high
    if fraction >= 0.05:
        assert g.status == "detected"
        read_only = [f for f in res.findings if f.source == "reads" and f.alteration == "G1202R"]
        assert read_only and read_only[0].depth == g.fragments


def test_real_negatives_show_no_catalogued_mutation():
    for name in ("H3122_EML4.bam", "HCC827_EML4.bam"):
        res = annotate_sample(bam=str(DNAFUSION / name), sample_name="neg")
        detected = [g.alteration for g in res.reads.genotypes if g.status == "detected"]
        assert detected == [], name
        assert not [f for f in res.findings if f.source == "reads" and f.kind == "mutation"]


@pytest.mark.parametrize("phase", ["cis", "trans"])
def test_cis_and_trans_written_into_real_fragments(tmp_path, phase):
    both_clean = _clean_fragments(H3122, [(G1202, REF_1202), (L1196, REF_1196)])
    n = 20
    if phase == "cis":
        edits = {f: {**_codon(G1202, ARG), **_codon(L1196, MET)} for f in both_clean[:n]}
    else:
        edits = {f: _codon(G1202, ARG) for f in both_clean[:n]}
        edits |= {f: _codon(L1196, MET) for f in both_clean[n : 2 * n]}
    bam = _edit(H3122, tmp_path / f"{phase}.bam", edits)
    res = annotate_sample(bam=str(bam), sample_name=phase)
    (p,) = [
        p for p in res.reads.phases if {p.variant_a, p.variant_b} == {"ALK G1202R", "ALK L1196M"}
    ]
    assert p.phase == phase
    if phase == "cis":
        assert (p.both, p.a_only, p.b_only) == (n, 0, 0)
    else:
        assert p.both == 0 and {p.a_only, p.b_only} == {n}
