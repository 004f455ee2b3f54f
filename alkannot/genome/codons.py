"""KRAS and EGFR hotspot codons without VEP: translate a variant from the bundled codon spans.

``resources/genome/{build}/bypass_codons.tsv`` holds the reference bases of KRAS codons 12, 13,
61, 117, 146 and of the EGFR exon 18-21 hotspot spans (745-759 for exon-19 deletions, 764-774
for exon-20 insertions, T790, L858, ...), built and checked by ``scripts/build_genome_resources.py``.
A variant wholly inside one span is translated and named in HGVS short form (``G12D``,
``E746_A750del``, ``S768_D770dup``); anything the span cannot decide (a frameshift, an event at a
span edge that HGVS would shift beyond it, a variant outside the spans) is left unnamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alkannot.errors import BuildMismatchError
from alkannot.genome.build import normalise_build
from alkannot.resources import read_table, resource_path

_BASES = "TCAG"
_CODE = {
    a + b + c: aa
    for (a, b, c), aa in zip(
        ((x, y, z) for x in _BASES for y in _BASES for z in _BASES),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=True,
    )
}
_COMP = str.maketrans("ACGT", "TGCA")


@dataclass(frozen=True, slots=True)
class CodonSpan:
    """A run of whole codons of a gene, plus-strand bases, protein in codon order."""

    gene: str
    name: str
    first_codon: int
    chrom: str
    start: int
    end: int
    strand: str
    bases: str
    protein: str


@cache
def codon_spans(build: str) -> tuple[CodonSpan, ...]:
    """The bundled KRAS/EGFR codon spans of ``build``, longest first."""
    rows = read_table(resource_path("genome", normalise_build(build), "bypass_codons.tsv"))
    spans = [
        CodonSpan(
            r["gene"],
            r["span"],
            int(r["first_codon"]),
            r["chrom"],
            int(r["start"]),
            int(r["end"]),
            r["strand"],
            r["bases"],
            r["protein"],
        )
        for r in rows
    ]
    return tuple(sorted(spans, key=lambda s: -(s.end - s.start)))


def _translate(coding: str) -> str:
    return "".join(_CODE[coding[i : i + 3]] for i in range(0, len(coding) - 2, 3))


def _span_of(build: str, gene: str, chrom: str, start: int, end: int) -> CodonSpan | None:
    for s in codon_spans(build):
        if s.gene == gene and s.chrom == chrom and s.start <= start and end <= s.end:
            return s
    return None


def check_codon_reference(variants, build: str, path: str) -> None:
    """Stop when a REF allele inside a bundled codon span disagrees with its bases.

    Raises
    ------
    BuildMismatchError
        Naming the record: the file is probably of another build.
    """
    for v in variants:
        end = v.pos + len(v.ref) - 1
        for s in codon_spans(build):
            if s.chrom == v.chrom and s.start <= v.pos and end <= s.end:
                expected = s.bases[v.pos - s.start : end - s.start + 1]
                if v.ref.upper() != expected:
                    raise BuildMismatchError(
                        f"REF {v.ref} at {v.chrom}:{v.pos} disagrees with the {build} reference "
                        f"base(s) {expected} of {s.gene} ({s.name}); the file is probably not "
                        f"{build}: check its genome build or pass the right --build",
                        path=path,
                        record=v.record or f"{v.chrom}:{v.pos}",
                    )
                break


def translate_in_codon_span(
    gene: str, build: str, chrom: str, pos: int, ref: str, alt: str
) -> tuple[str, str] | None:
    """``(short protein change, SO consequence)`` of a variant inside one bundled codon span.

    Returns None when no span holds the variant or the span cannot decide the name.
    """
    ref, alt = ref.upper(), alt.upper()
    span = _span_of(build, gene, chrom, pos, pos + len(ref) - 1)
    if (
        ref == alt
        or span is None
        or (len(alt) - len(ref)) % 3
        or span.bases[pos - span.start :][: len(ref)] != ref
    ):
        return None
    i = pos - span.start
    mutated = span.bases[:i] + alt + span.bases[i + len(ref) :]
    if span.strand == "-":
        coding_ref, coding_alt = (x.translate(_COMP)[::-1] for x in (span.bases, mutated))
    else:
        coding_ref, coding_alt = span.bases, mutated
    p, q = span.protein, _translate(coding_alt)
    first = span.first_codon
    if p == q:
        k = next(j for j in range(len(coding_ref)) if coding_ref[j] != coding_alt[j]) // 3
        return f"{p[k]}{first + k}=", "synonymous_variant"
    pre = 0
    while pre < min(len(p), len(q)) and p[pre] == q[pre]:
        pre += 1
    suf = 0
    while suf < min(len(p), len(q)) - pre and p[len(p) - 1 - suf] == q[len(q) - 1 - suf]:
        suf += 1
    gone, new = p[pre : len(p) - suf], q[pre : len(q) - suf]
    n = first + pre
    if len(gone) == 1 and len(new) == 1:
        return f"{gone}{n}{new}", "stop_gained" if new == "*" else "missense_variant"
    if "*" in new or (suf == 0 and len(gone) != len(new)):
        return None  # a stop inside an indel, or an event HGVS would shift past the span's end
    if not new:
        name = (
            f"{gone}{n}del" if len(gone) == 1 else f"{gone[0]}{n}_{gone[-1]}{n + len(gone) - 1}del"
        )
        return name, "inframe_deletion"
    if not gone:
        if pre >= len(new) and p[pre - len(new) : pre] == new:
            a = n - len(new)
            name = f"{new}{a}dup" if len(new) == 1 else f"{new[0]}{a}_{new[-1]}{n - 1}dup"
            return name, "inframe_insertion"
        if pre == 0:
            return None  # the residue before the insertion is outside the span
        return f"{p[pre - 1]}{n - 1}_{p[pre]}{n}ins{new}", "inframe_insertion"
    head = f"{gone}{n}" if len(gone) == 1 else f"{gone[0]}{n}_{gone[-1]}{n + len(gone) - 1}"
    return f"{head}delins{new}", "protein_altering_variant"
