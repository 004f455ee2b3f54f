"""Phase of two ALK variants from a fragment 2x2 table (no diploid phaser).

Over the fragments that show REF or ALT at *both* positions (mates merged), count ``both``,
``a_only``, ``b_only`` and ``neither``. A cell counts as present when it reaches the binomial call
threshold of the sites' error rate (and at least ``min_support`` fragments), so that sequencing
errors on a trans pair do not make it look cis:

- ``cis``: both-mutant fragments present, and not both single-mutant kinds (the compound exists;
  one mutation may also occur alone);
- ``trans``: no both-mutant fragment at all, each mutation alone present (a both-mutant fragment
  below the call threshold makes the pair ``mixed``: a cis clone cannot be excluded);
- ``mixed``: both-mutant and each single-mutant kind present (cis and trans clones);
- ``indeterminate``: spanning fragments exist but do not decide;
- ``not_phaseable``: no fragment spans both and the positions lie farther apart than the longest
  fragment seen (ALK exons 22 and 23, about 1.5 kb apart, from DNA short reads). Spliced RNA reads
  (``--rna-bam``) can phase such pairs.
"""

from __future__ import annotations

from collections import Counter

from alkannot.models import PhaseCall
from alkannot.reads.bam import Alignments
from alkannot.reads.fragments import (
    ALT,
    REF,
    ReadFilters,
    ReadView,
    fragment_name,
    merge_mates,
    observe,
    read_excluded,
)
from alkannot.reads.stats import call_threshold
from alkannot.reads.targets import Target


def phase_table(aln: Alignments, a: Target, b: Target, filters: ReadFilters) -> tuple[Counter, int]:
    """The 2x2 fragment table of two targets and the longest fragment seen (bp)."""
    lo, hi = min(a.start, b.start), max(a.end, b.end)
    obs: dict[str, list[str | None]] = {}
    longest = 0
    for read in aln.fetch(a.chrom, lo, hi):
        if read_excluded(read, filters):
            continue
        longest = max(longest, abs(read.template_length), read.reference_length or 0)
        name = fragment_name(read)
        view = ReadView(read, lo, hi)
        oa = observe(view, a, filters.min_base_quality)
        ob = observe(view, b, filters.min_base_quality)
        if oa is None and ob is None:
            continue
        seen = obs.setdefault(name, [None, None])
        seen[0] = merge_mates(seen[0], oa)
        seen[1] = merge_mates(seen[1], ob)
    table: Counter = Counter()
    for oa, ob in obs.values():
        if oa not in (REF, ALT) or ob not in (REF, ALT):
            continue
        key = {(ALT, ALT): "both", (ALT, REF): "a_only", (REF, ALT): "b_only"}
        table[key.get((oa, ob), "neither")] += 1
    return table, longest


def classify(table: Counter, error_rate: float, alpha: float, min_support: int) -> tuple[str, int]:
    """The phase of a 2x2 table and the count a cell needs to be called present."""
    n = sum(table[k] for k in ("both", "a_only", "b_only", "neither"))
    need = max(min_support, call_threshold(n, error_rate, alpha, min_support))
    both, a_only, b_only = (table[k] >= need for k in ("both", "a_only", "b_only"))
    if both and a_only and b_only:
        return "mixed", need
    if both:
        return "cis", need
    if a_only and b_only:
        # fragments carrying both mutations, even below the error threshold, forbid "trans":
        # a both-mutant clone cannot be excluded, so the pair is mixed (cis and trans clones)
        return ("mixed" if table["both"] else "trans"), need
    return "indeterminate", need


def phase_pair(
    aln: Alignments,
    a: Target,
    b: Target,
    filters: ReadFilters,
    *,
    error_rate: float,
    alpha: float,
    min_support: int,
    source: str = "dna",
) -> PhaseCall:
    """Phase two targets in one alignment file."""
    distance = abs(((a.start + a.end) // 2) - ((b.start + b.end) // 2))
    base = dict(variant_a=a.key, variant_b=b.key, distance=distance, source=source)
    if a.problem or b.problem:
        return PhaseCall(**base, note=a.problem or b.problem)
    table, longest = phase_table(aln, a, b, filters)
    counts = dict(
        spanning_fragments=sum(table.values()),
        both=table["both"],
        a_only=table["a_only"],
        b_only=table["b_only"],
        neither=table["neither"],
    )
    if not counts["spanning_fragments"]:
        if distance > longest:
            note = (
                f"{distance} bp apart, longer than any fragment in {aln.label} "
                f"(longest {longest} bp): short reads cannot phase them"
            )
            if source == "dna":
                note += "; spliced RNA reads can (--rna-bam)"
            return PhaseCall(**base, **counts, phase="not_phaseable", note=note)
        return PhaseCall(**base, **counts, note="no fragment shows both positions")
    phase, need = classify(table, error_rate, alpha, min_support)
    note = f"a cell counts when it has >= {need} fragments (error rate {error_rate:.2%})"
    return PhaseCall(**base, **counts, phase=phase, note=note)
