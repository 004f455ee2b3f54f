"""The reference bases the bundle knows, and naming a build from REF alleles at them.

Above :mod:`alkannot.genome.build`, :mod:`~alkannot.genome.models` and
:mod:`~alkannot.genome.codons` (it reads all three), so that those import none of each other in
a circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from alkannot.genome.build import BUILDS
from alkannot.genome.codons import codon_spans
from alkannot.genome.models import bypass_hotspots
from alkannot.resources import read_table, resource_path


@cache
def known_bases(build: str) -> dict[tuple[str, int], str]:
    """Plus-strand bases the bundle knows in ``build``: the ALK kinase-domain slice, the REF
    alleles of the curated bypass hotspot variants and the KRAS/EGFR codon spans. Keys use bare
    contig names (``2``, ``12``)."""
    out = {}
    for row in read_table(resource_path("genome", build, "alk_kinase_slice.tsv")):
        out[(row["chrom"].removeprefix("chr"), int(row["pos"]))] = row["base"].upper()
    for h in bypass_hotspots(build):
        for i, base in enumerate(h.ref.upper()):
            out[(h.chrom.removeprefix("chr"), h.pos + i)] = base
    for span in codon_spans(build):
        for i, base in enumerate(span.bases):
            out[(span.chrom.removeprefix("chr"), span.start + i)] = base
    return out


#: REF bases that must agree with one build (and none disagree) to name it from bases alone: at
#: one in four by chance per base, four bases leave a wrong guess at about 0.4%.
MIN_MATCHING_BASES = 4


def base_tallies(records: Iterable[tuple[str, int, str]]) -> dict[str, list[int]]:
    """Per build, ``[matches, mismatches]`` of REF bases (``(contig, pos, ref)`` records) at
    positions whose bases the bundle knows."""
    tallies = {b: [0, 0] for b in BUILDS}
    for chrom, pos, ref in records:
        bare = chrom.removeprefix("chr").removeprefix("CHR")
        for b in BUILDS:
            known = known_bases(b)
            for i, base in enumerate(ref.upper()):
                k = known.get((bare, pos + i))
                if k is not None:
                    tallies[b][k != base] += 1
    return tallies


def build_from_bases(records: Iterable[tuple[str, int, str]]) -> tuple[str | None, str]:
    """Name the build from REF alleles at positions whose bases the bundle knows.

    ``records`` are ``(contig, pos, ref)``. A build is named when none of its known bases
    disagrees and either the other build has a disagreement while this one has a match, or at
    least :data:`MIN_MATCHING_BASES` bases agree.
    """
    return build_from_tallies(base_tallies(records))


def build_from_tallies(tallies: dict[str, list[int]]) -> tuple[str | None, str]:
    """:func:`build_from_bases` from the :func:`base_tallies` already counted."""
    for b in BUILDS:
        other = next(x for x in BUILDS if x != b)
        match, miss = tallies[b]
        if miss == 0 and match and (tallies[other][1] or match >= MIN_MATCHING_BASES):
            return b, (
                f"REF bases at positions of the bundled ALK slice and hotspot alleles: {match} "
                f"agree with {b}, {tallies[other][1]} disagree with {other}"
            )
    return None, "no build information in the header, and too few REF bases at known positions"
