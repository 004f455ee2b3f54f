"""Fragments, not reads: what each DNA fragment shows at a target, mates merged.

A read is looked at only through its CIGAR over the few positions a target compares, so the cost
per read is small and independent of the read length. Mates of one fragment (same query name)
that overlap a target count once; mates that disagree are excluded and counted. pysam's pileup
is not used: it double-counts overlapping mates at ``min_base_quality=0`` and stops at its depth
cap (8000 by default) without saying so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from alkannot.reads.targets import Target

# pysam CIGAR operations
_M, _I, _D, _N, _S, _H, _P, _EQ, _X = range(9)
_CONSUMES_REF = {_M, _D, _N, _EQ, _X}
_CONSUMES_QUERY = {_M, _I, _S, _EQ, _X}

#: Observations of one read or fragment at a target.
REF, ALT, OTHER, LOWQ = "ref", "alt", "other", "lowq"


@dataclass(frozen=True, slots=True)
class ReadFilters:
    """Which reads count. Defaults: MAPQ >= 20, base quality >= 20, no duplicates, secondary,
    supplementary or QC-failed reads."""

    min_mapq: int = 20
    min_base_quality: int = 20

    def describe(self) -> str:
        """The filters as one sentence for the outputs."""
        return (
            f"MAPQ>={self.min_mapq}; base quality>={self.min_base_quality}; duplicates, "
            "secondary, supplementary, QC-failed and unmapped reads excluded; mates merged"
        )


def fragment_name(read) -> str:
    """The fragment's name: the query name without an old-style ``/1`` or ``/2`` mate suffix."""
    name = read.query_name
    return name[:-2] if name.endswith(("/1", "/2")) else name


def read_excluded(read, filters: ReadFilters) -> str:
    """Why a read does not count (``""`` when it counts)."""
    if read.is_unmapped:
        return "unmapped"
    if read.is_secondary or read.is_supplementary:
        return "secondary_or_supplementary"
    if read.is_duplicate:
        return "duplicate"
    if read.is_qcfail:
        return "qc_fail"
    if read.mapping_quality < filters.min_mapq:
        return "low_mapq"
    return ""


def query_positions(read, lo: int, hi: int) -> tuple[dict[int, int], set[int], set[int]]:
    """Map 1-based reference positions ``lo..hi`` to query offsets for one read.

    Returns ``(aligned, deleted, insert_after)``: aligned positions and their query offset;
    positions deleted or skipped (``D``/``N``) in the read; positions followed by an insertion.
    """
    aligned: dict[int, int] = {}
    deleted: set[int] = set()
    insert_after: set[int] = set()
    rpos = read.reference_start + 1  # 1-based
    qpos = 0
    for op, length in read.cigartuples or ():
        if rpos > hi + 1:
            break
        if op in (_M, _EQ, _X):
            if rpos + length - 1 >= lo:
                for i in range(max(0, lo - rpos), min(length, hi - rpos + 1)):
                    aligned[rpos + i] = qpos + i
            rpos += length
            qpos += length
        elif op in (_D, _N):
            for p in range(max(lo, rpos), min(hi, rpos + length - 1) + 1):
                deleted.add(p)
            rpos += length
        elif op == _I:
            if lo - 1 <= rpos - 1 <= hi:
                insert_after.add(rpos - 1)
            qpos += length
        elif op == _S:
            qpos += length
    return aligned, deleted, insert_after


class ReadView:
    """One read seen over a window ``lo..hi``: its CIGAR map, bases and qualities, read once.

    (``query_sequence`` and ``query_qualities`` build a new object on every access: a window
    with a dozen targets would otherwise pay for them a dozen times per read.)
    """

    __slots__ = ("aligned", "deleted", "inserted", "seq", "quals", "start", "end")

    def __init__(self, read, lo: int, hi: int):
        self.aligned, self.deleted, self.inserted = query_positions(read, lo, hi)
        self.seq = read.query_sequence
        self.quals = read.query_qualities
        self.start = read.reference_start + 1
        self.end = read.reference_end or 0


def bases_at(view: ReadView, target: Target, min_bq: int) -> tuple[str | None, str]:
    """The read's bases over a target, or why there are none.

    Returns ``(None, bases)`` when the read shows bases there, else ``(status, "")`` with status
    ``"none"`` (not covered), OTHER (deleted, or an insertion inside) or LOWQ.
    """
    seq, quals = view.seq, view.quals
    if seq is None or view.end < target.start or view.start > target.end:
        return "none", ""
    aligned = view.aligned
    if target.kind == "substitution":
        offsets = []
        for p in target.positions:
            q = aligned.get(p)
            if q is None:
                return (OTHER if p in view.deleted else "none"), ""
            offsets.append(q)
        # an insertion between two compared, adjacent positions changes the allele
        if view.inserted and any(
            p in view.inserted and p + 1 in target.positions for p in target.positions
        ):
            return OTHER, ""
        if quals is not None and min(quals[q] for q in offsets) < min_bq:
            return LOWQ, ""
        return None, "".join(seq[q] for q in offsets)
    q1, q2 = aligned.get(target.start), aligned.get(target.end)
    if q1 is None or q2 is None:
        return "none", ""  # not spanned by aligned bases: cannot compare the haplotypes
    bases = seq[q1 : q2 + 1]
    if quals is not None and bases and sum(quals[q1 : q2 + 1]) / len(bases) < min_bq:
        return LOWQ, ""
    return None, bases


def classify(target: Target, bases: str) -> str:
    """REF, ALT or OTHER for the bases a read shows over a target."""
    if bases == target.ref:
        return REF
    if bases in target.alts:
        return ALT
    return OTHER


def observe(view: ReadView, target: Target, min_bq: int) -> str | None:
    """What one read shows at a target: REF, ALT, OTHER, LOWQ, or None (does not cover it)."""
    status, bases = bases_at(view, target, min_bq)
    if status is None:
        return classify(target, bases)
    return None if status == "none" else status


def merge_mates(first: str | None, second: str | None) -> str | None:
    """One fragment's observation from its two mates' (``"conflict"`` when they disagree)."""
    if first is None or first == second:
        return second
    if second is None:
        return first
    if first == LOWQ:
        return second
    if second == LOWQ:
        return first
    return "conflict"


class FragmentTable:
    """Per-target fragment observations, filled read by read, mates merged by query name."""

    def __init__(self, n_targets: int):
        self.obs: list[dict[str, str | None]] = [{} for _ in range(n_targets)]
        self.overlapping_mates = [0] * n_targets

    def add(self, index: int, name: str, value: str | None) -> None:
        """Record one read's observation at target ``index``."""
        if value is None:
            return
        table = self.obs[index]
        if name in table:
            self.overlapping_mates[index] += 1
            table[name] = merge_mates(table[name], value)
        else:
            table[name] = value

    def counts(self, index: int) -> Counter:
        """Fragment counts by observation at target ``index``."""
        return Counter(v for v in self.obs[index].values() if v is not None)
