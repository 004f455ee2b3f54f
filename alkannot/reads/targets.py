"""The catalogued sites looked up in the reads, built from the catalogue and the genome resources.

Two kinds of target:

- a **substitution** target compares the read bases at a few genomic positions with the REF bases
  and a set of ALT spellings. An ALK missense entry (``G1202R``) becomes its codon's three
  positions with every codon that encodes the new residue, so all DNA spellings are pooled and a
  two-base change is one event. A curated KRAS/EGFR hotspot (``resources/genome/*/
  bypass_hotspots.tsv``) becomes the union of its curated alleles' positions.
- a **haplotype** target compares the read sequence over a window with the REF haplotype and the
  ALT haplotype (ALK ``T1151dup``, ``G1202del``, EGFR exon-19 deletion). The window reaches past
  the repeat the indel lies in, so a shifted placement counts wherever the aligner put it.

No clinical fact is written here: which alterations are looked up comes from the catalogue and the
hotspot table, the coordinates from the bundled transcript models and sequence.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from alkannot.errors import ReferenceFastaError
from alkannot.genome.models import bypass_hotspots, transcripts
from alkannot.genome.sequence import OutsideSliceError, ReferenceSequence
from alkannot.hgvs import CODON_TABLE, three_to_one

_COMP = str.maketrans("ACGT", "TGCA")
#: A base the reference cannot give: outside the bundled slice, or missing from the FASTA.
_UNKNOWN_BASE = (OutsideSliceError, ReferenceFastaError)
_MISSENSE = re.compile(r"^([A-Z])(\d+)([A-Z])$")
_RESIDUE_INDEL = re.compile(r"^([A-Z])(\d+)(del|dup)$")
#: Bases of unique sequence kept on each side of an indel's repeat run.
FLANK = 6
#: Reference bases fetched on each side of an indel to find its repeat run.
_CONTEXT = 40


def revcomp(seq: str) -> str:
    """Reverse complement of an ACGT string."""
    return seq.translate(_COMP)[::-1]


@dataclass(frozen=True, slots=True)
class Target:
    """One catalogued alteration as it is looked for in the reads.

    ``positions`` (substitution) are the genomic positions compared, ``ref`` their plus-strand
    bases and ``alts`` the plus-strand ALT spellings. A haplotype target compares the read bases
    aligned between ``start`` and ``end`` (inclusive) with ``ref`` and ``alts`` (whole windows).
    ``problem`` is set when the target cannot be evaluated (e.g. the window needs ``--reference``).
    """

    gene: str
    alteration: str
    catalogue_id: str
    chrom: str
    start: int
    end: int
    kind: str  # "substitution" | "haplotype"
    positions: tuple[int, ...] = ()
    ref: str = ""
    alts: frozenset[str] = frozenset()
    problem: str = ""

    @property
    def key(self) -> str:
        """``gene alteration``, the name used in tables and messages."""
        return f"{self.gene} {self.alteration}"


def _codon_positions(build: str, reference: ReferenceSequence, codon: int) -> tuple[int, ...]:
    from alkannot.consequence import TranscriptMapper

    mapper = TranscriptMapper(transcripts(build)["ALK"], reference)
    return tuple(mapper.to_g(mapper.o_of_c(3 * (codon - 1) + i)) for i in (1, 2, 3))


def _missense_target(build, reference, entry, m) -> Target:
    tx = transcripts(build)["ALK"]
    ref_aa, codon, alt_aa = m.group(1), int(m.group(2)), m.group(3)
    positions = _codon_positions(build, reference, codon)
    minus = tx.strand == "-"
    ordered = tuple(sorted(positions))
    base = dict(
        gene="ALK",
        alteration=entry.alteration,
        catalogue_id=entry.id,
        chrom=tx.chrom,
        start=ordered[0],
        end=ordered[-1],
        kind="substitution",
        positions=ordered,
    )
    try:
        ref_plus = "".join(reference.fetch(tx.chrom, p, p) for p in ordered)
    except _UNKNOWN_BASE:
        return Target(**base, problem="codon bases unknown: needs --reference with this region")
    ref_codon = revcomp(ref_plus) if minus else ref_plus
    if CODON_TABLE.get(ref_codon) != ref_aa:
        return Target(**base, ref=ref_plus, problem=f"reference codon {ref_codon} is not {ref_aa}")
    # every codon of the new residue, as plus-strand bases at the sorted positions
    alts = frozenset(revcomp(c) if minus else c for c, aa in CODON_TABLE.items() if aa == alt_aa)
    return Target(**base, ref=ref_plus, alts=alts)


def _known(reference, chrom: str, start: int, end: int) -> bool:
    try:
        reference.fetch(chrom, start, end)
    except _UNKNOWN_BASE:
        return False
    return True


def _fetch_around(reference, chrom: str, start: int, end: int, want: int) -> tuple[int, str]:
    """Up to ``want`` bases each side of ``start..end`` (fewer where the known sequence ends)."""
    left = right = want
    while left and not _known(reference, chrom, start - left, start - 1):
        left -= 1
    while right and not _known(reference, chrom, end + 1, end + right):
        right -= 1
    return start - left, reference.fetch(chrom, start - left, end + right)


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def haplotype_target(
    reference: ReferenceSequence, chrom: str, pos: int, ref: str, alt: str, **fields
) -> Target:
    """A target comparing read windows with the REF and ALT haplotypes of a VCF-style indel.

    The window spans every placement of the indel that gives the same haplotype (from where the
    REF and ALT haplotypes first differ to where they last differ), plus :data:`FLANK` bases.
    """
    while ref and alt and ref[0] == alt[0]:  # the VCF anchor base(s)
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    where = dict(chrom=chrom, start=pos, end=pos + max(len(ref), 1) - 1, kind="haplotype")
    try:
        lo, context = _fetch_around(reference, chrom, pos, pos + len(ref) - 1, _CONTEXT)
    except _UNKNOWN_BASE:
        return Target(
            **where, problem="indel bases unknown: needs --reference with this region", **fields
        )
    i = pos - lo
    hap = context[:i] + alt + context[i + len(ref) :]
    first = _common(context, hap)
    last = _common(context[::-1], hap[::-1])
    if first < FLANK or last < FLANK:
        return Target(
            **where,
            problem="the indel's repeat reaches past the known sequence: needs --reference",
            **fields,
        )
    a, b = first - FLANK, len(context) - last + FLANK
    return Target(
        chrom=chrom,
        start=lo + a,
        end=lo + b - 1,
        kind="haplotype",
        ref=context[a:b],
        alts=frozenset({hap[a : len(hap) - last + FLANK]}),
        **fields,
    )


def _residue_indel_target(build, reference, entry, m) -> Target:
    tx = transcripts(build)["ALK"]
    codon, op = int(m.group(2)), m.group(3)
    positions = sorted(_codon_positions(build, reference, codon))
    fields = dict(gene="ALK", alteration=entry.alteration, catalogue_id=entry.id)
    lo, hi = positions[0], positions[-1]
    try:
        codon_plus = reference.fetch(tx.chrom, lo, hi)
        anchor = reference.fetch(tx.chrom, lo - 1, lo - 1)
    except _UNKNOWN_BASE:
        return haplotype_target(reference, tx.chrom, lo, "N", "N", **fields)  # reports the problem
    if op == "del":
        return haplotype_target(reference, tx.chrom, lo - 1, anchor + codon_plus, anchor, **fields)
    # duplication: the codon's bases inserted again next to it (any shifted placement is equal)
    return haplotype_target(reference, tx.chrom, lo - 1, anchor, anchor + codon_plus, **fields)


def alk_targets(build: str, reference: ReferenceSequence, catalogue) -> list[Target]:
    """One target per catalogued ALK point mutation (missense, single-residue del/dup)."""
    out = []
    for entry in catalogue.entries.values():
        if entry.kind != "mutation" or entry.gene != "ALK":
            continue
        if m := _MISSENSE.match(entry.alteration):
            out.append(_missense_target(build, reference, entry, m))
        elif m := _RESIDUE_INDEL.match(entry.alteration):
            out.append(_residue_indel_target(build, reference, entry, m))
    return out


def hotspot_targets(build: str, reference: ReferenceSequence, catalogue) -> list[Target]:
    """One target per curated KRAS/EGFR hotspot protein change, its curated alleles pooled."""
    out = []
    rows = sorted(bypass_hotspots(build), key=lambda h: (h.gene, h.protein))
    for (gene, protein), group in itertools.groupby(rows, key=lambda h: (h.gene, h.protein)):
        alleles = list(group)
        short = protein.removeprefix("p.")
        entry = catalogue.match_mutation(gene, short)
        fields = dict(gene=gene, alteration=short, catalogue_id=entry.id if entry else "")
        if any(len(h.ref) != len(h.alt) for h in alleles):
            h = alleles[0]
            out.append(haplotype_target(reference, h.chrom, h.pos, h.ref, h.alt, **fields))
            continue
        positions = sorted({h.pos + i for h in alleles for i in range(len(h.ref))})
        ref_at = {h.pos + i: b for h in alleles for i, b in enumerate(h.ref)}
        ref = "".join(ref_at[p] for p in positions)
        alts = set()
        for h in alleles:
            bases = dict(ref_at)
            bases.update({h.pos + i: b for i, b in enumerate(h.alt)})
            alts.add("".join(bases[p] for p in positions))
        out.append(
            Target(
                chrom=alleles[0].chrom,
                start=positions[0],
                end=positions[-1],
                kind="substitution",
                positions=tuple(positions),
                ref=ref,
                alts=frozenset(alts),
                **fields,
            )
        )
    return out


def variant_target(reference: ReferenceSequence, gene: str, name: str, chrom, pos, ref, alt):
    """A target for one VCF allele (used to phase variants that are not catalogued)."""
    ref, alt = ref.upper(), alt.upper()
    fields = dict(gene=gene, alteration=name, catalogue_id="")
    if len(ref) == len(alt):
        positions = tuple(range(pos, pos + len(ref)))
        return Target(
            chrom=chrom,
            start=pos,
            end=pos + len(ref) - 1,
            kind="substitution",
            positions=positions,
            ref=ref,
            alts=frozenset({alt}),
            **fields,
        )
    return haplotype_target(reference, chrom, pos, ref, alt, **fields)


def catalogued_targets(build: str, reference: ReferenceSequence, catalogue) -> list[Target]:
    """Every target of a build: catalogued ALK mutations, then curated KRAS/EGFR hotspots."""
    return alk_targets(build, reference, catalogue) + hotspot_targets(build, reference, catalogue)


__all__ = [
    "Target",
    "catalogued_targets",
    "haplotype_target",
    "three_to_one",
    "variant_target",
]
