"""Genotype catalogued mutations from fragments, with a binomial call and detection limit.

Targets close together are fetched as one region (one ``fetch`` per window). The site's error rate
is estimated from the same reads: the highest of a floor, the per-base non-reference rate at the
window's other catalogued positions (the sequencer's noise there), and the fraction of fragments
showing a third allele at the site itself (a noisy position shows it). The call threshold and the
detection limit follow from a binomial model of the alt fragments (:mod:`alkannot.reads.stats`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from alkannot.models import ReadGenotype
from alkannot.reads.bam import Alignments
from alkannot.reads.fragments import (
    ALT,
    LOWQ,
    OTHER,
    REF,
    FragmentTable,
    ReadFilters,
    ReadView,
    bases_at,
    classify,
    fragment_name,
    read_excluded,
)
from alkannot.reads.stats import call_threshold, clopper_pearson, detection_limit
from alkannot.reads.targets import Target

#: Targets closer than this (bp) are read with one fetch.
WINDOW_JOIN = 400


@dataclass(frozen=True, slots=True)
class GenotypeModel:
    """Read filters and the statistical model (defaults documented in the README)."""

    filters: ReadFilters = field(default_factory=ReadFilters)
    alpha: float = 0.001  # one-sided false-positive rate per site under the error model
    power: float = 0.95  # power that defines the detection limit
    error_floor: float = 0.001  # the smallest per-fragment error rate assumed
    min_alt_fragments: int = 2
    max_detection_limit: float = 0.05  # above it a site is not evaluable

    def describe(self) -> dict[str, object]:
        """The settings as written to the outputs."""
        return {
            "filters": self.filters.describe(),
            "min_mapq": self.filters.min_mapq,
            "min_base_quality": self.filters.min_base_quality,
            "alpha": self.alpha,
            "power": self.power,
            "error_floor": self.error_floor,
            "min_alt_fragments": self.min_alt_fragments,
            "max_detection_limit": self.max_detection_limit,
        }


def windows(targets: list[Target]) -> list[list[int]]:
    """Indices of targets grouped into fetch windows (same contig, gaps < WINDOW_JOIN)."""
    order = sorted(range(len(targets)), key=lambda i: (targets[i].chrom, targets[i].start))
    groups: list[list[int]] = []
    for i in order:
        t = targets[i]
        if groups:
            last = targets[groups[-1][-1]]
            end = max(targets[j].end for j in groups[-1])
            if last.chrom == t.chrom and t.start - end < WINDOW_JOIN:
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups


@dataclass
class _BaseTally:
    """Per-position read-level counts of REF and non-REF bases (for the error rate)."""

    total: Counter = field(default_factory=Counter)
    nonref: Counter = field(default_factory=Counter)

    def rate_excluding(self, positions: tuple[int, ...]) -> float | None:
        tot = sum(v for p, v in self.total.items() if p not in positions)
        bad = sum(v for p, v in self.nonref.items() if p not in positions)
        return bad / tot if tot else None


def collect(
    aln: Alignments, targets: list[Target], filters: ReadFilters, qc: Counter
) -> tuple[FragmentTable, dict[int, _BaseTally]]:
    """Read every window once and fill the fragment table (and the per-window base tallies)."""
    table = FragmentTable(len(targets))
    tallies: dict[int, _BaseTally] = {}
    for group in windows(targets):
        live = [i for i in group if not targets[i].problem]
        if not live:
            # nothing to evaluate here, but say whether the file has reads (the no-reads check)
            t = targets[group[0]]
            qc["windows_with_reads_not_evaluable"] += any(
                True for _ in aln.fetch(t.chrom, t.start, t.end)
            )
            continue
        chrom = targets[live[0]].chrom
        lo = min(targets[i].start for i in live)
        hi = max(targets[i].end for i in live)
        ref_at = {
            p: b
            for i in live
            if targets[i].kind == "substitution"
            for p, b in zip(targets[i].positions, targets[i].ref, strict=True)
        }
        tally = tallies.setdefault(live[0], _BaseTally())
        for read in aln.fetch(chrom, lo, hi):
            qc["reads_fetched"] += 1
            why = read_excluded(read, filters)
            if why:
                qc[f"excluded_{why}"] += 1
                continue
            name = fragment_name(read)
            view = ReadView(read, lo, hi)
            seen: dict[tuple, tuple[str | None, str]] = {}  # targets sharing a codon read once
            for i in live:
                t = targets[i]
                key = t.positions or (t.start, t.end)
                if key not in seen:
                    seen[key] = bases_at(view, t, filters.min_base_quality)
                status, bases = seen[key]
                if status is None:
                    table.add(i, name, classify(t, bases))
                elif status != "none":
                    table.add(i, name, status)
            if ref_at:
                _tally(view, ref_at, filters.min_base_quality, tally)
        for i in live:
            tallies[i] = tally
    return table, tallies


def _tally(view: ReadView, ref_at: dict[int, str], min_bq: int, tally: _BaseTally) -> None:
    seq, quals = view.seq, view.quals
    if seq is None:
        return
    for p, base in ref_at.items():
        q = view.aligned.get(p)
        if q is None or (quals is not None and quals[q] < min_bq):
            continue
        tally.total[p] += 1
        if seq[q] != base:
            tally.nonref[p] += 1


def genotype(
    aln: Alignments, targets: list[Target], model: GenotypeModel, qc: Counter, source: str = "dna"
) -> list[ReadGenotype]:
    """Genotype every target in one alignment file.

    Two passes: the positions of the catalogued changes detected in the first are left out of
    the window noise of the second, so a clonal neighbour (G1202R) does not raise the error rate
    of a low-fraction mutation 18 bp away (L1196M). A second catalogued allele at the same bases
    is that allele, not a third-allele error of this one.
    """
    table, tallies = collect(aln, targets, model.filters, qc)
    out = _genotype_pass(aln, targets, model, table, tallies, source, ())
    detected = tuple(
        p for g, t in zip(out, targets, strict=True) if g.status == "detected" for p in t.positions
    )
    if detected:
        out = _genotype_pass(aln, targets, model, table, tallies, source, detected)
    return out


def _genotype_pass(aln, targets, model, table, tallies, source, exclude) -> list[ReadGenotype]:
    out = []
    for i, t in enumerate(targets):
        base = ReadGenotype(
            gene=t.gene,
            alteration=t.alteration,
            catalogue_id=t.catalogue_id,
            chrom=t.chrom,
            pos=t.start,
            end=t.end,
            source=source,
        )
        if t.problem:
            out.append(_replace(base, note=f"not evaluable: {t.problem}"))
            continue
        if t.chrom not in aln.contigs:
            out.append(
                _replace(base, note=f"no reads: contig {t.chrom} is not in the {aln.label} header")
            )
            continue
        counts = table.counts(i)
        known = _other_catalogued(table, targets, i)
        out.append(
            _call(
                base, t, counts, table.overlapping_mates[i], tallies.get(i), model, (exclude, known)
            )
        )
        if out[-1].fragments == 0:
            out[-1] = _replace(out[-1], note=_why_uncovered(aln, t))
    return out


def _bases_of(t: Target) -> set[int]:
    return set(t.positions) if t.positions else set(range(t.start, t.end + 1))


def _other_catalogued(table: FragmentTable, targets: list[Target], i: int) -> int:
    """Fragments whose third allele at target ``i`` is another catalogued target's ALT."""
    t, names = targets[i], set()
    for j, u in enumerate(targets):
        if j == i or u.chrom != t.chrom or u.problem or not (_bases_of(t) & _bases_of(u)):
            continue
        names |= {n for n, v in table.obs[j].items() if v == ALT and table.obs[i].get(n) == OTHER}
    return len(names)


def _why_uncovered(aln: Alignments, t: Target) -> str:
    """Why no fragment shows the site: no reads near it at all, or reads that miss it."""
    near = next(iter(aln.fetch(t.chrom, max(1, t.start - 5000), t.end + 5000)), None)
    if near is None:
        return f"no fragment covers the site: no reads within 5 kb in {aln.label} (not sequenced?)"
    return "no fragment covers the site (reads nearby; all filtered or outside the site)"


def _replace(g: ReadGenotype, **changes) -> ReadGenotype:
    from dataclasses import replace

    return replace(g, **changes)


def site_error_rate(
    counts: Counter,
    tally: _BaseTally | None,
    t: Target,
    floor: float,
    exclude: tuple = (),
    known_other: int = 0,
) -> float:
    """The error rate of one site: max(floor, window per-base noise, third-allele fraction).

    The third-allele fraction is used for substitutions only: at an indel's repeat a third
    haplotype is mostly polymerase slippage by one base, a different event from the catalogued one.
    """
    n = counts[REF] + counts[ALT] + counts[OTHER]
    rates = [floor]
    if tally is not None:
        window = tally.rate_excluding(tuple(t.positions) + tuple(exclude))
        if window is not None:
            rates.append(window)
    if n and t.kind == "substitution":
        # another catalogued allele at these bases is that allele, not an error of this one
        rates.append(max(counts[OTHER] - known_other, 0) / n)
    return min(max(rates), 0.5)


def _call(
    base: ReadGenotype,
    t: Target,
    counts: Counter,
    overlapping: int,
    tally: _BaseTally | None,
    model: GenotypeModel,
    others: tuple = ((), 0),
) -> ReadGenotype:
    n = counts[REF] + counts[ALT] + counts[OTHER]
    alt = counts[ALT]
    qc = dict(
        fragments=n,
        alt_fragments=alt,
        other_fragments=counts[OTHER],
        low_quality_fragments=counts[LOWQ],
        mate_conflicts=counts["conflict"],
        overlapping_mates=overlapping,
    )
    if n == 0:
        return _replace(base, **qc)
    exclude, known_other = others
    e = site_error_rate(counts, tally, t, model.error_floor, exclude, known_other)
    k = call_threshold(n, e, model.alpha, model.min_alt_fragments)
    limit = detection_limit(n, k, e, model.power)
    low, high = clopper_pearson(alt, n)
    stats = dict(
        vaf=alt / n, ci_low=low, ci_high=high, detection_limit=limit, error_rate=e, threshold=k
    )
    if alt >= k:
        return _replace(base, **qc, **stats, status="detected")
    if limit is None or limit > model.max_detection_limit:
        seen_from = f"{limit:.1%}" if limit is not None else "no fraction"
        note = (
            f"too few fragments ({n}, error rate {e:.2%}): detectable only from {seen_from}, "
            f"above the ceiling {model.max_detection_limit:.1%}"
        )
        return _replace(base, **qc, **stats, status="not_evaluable", note=note)
    return _replace(base, **qc, **stats, status="not_detected")
