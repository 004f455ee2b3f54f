"""Gene-level copy-number calls for the catalogue genes (ALK, MET, KIT, EGFR, IGF1R, ...).

Segments overlapping a gene's span are averaged, weighted by overlap length. The call uses the
fold change over ploidy, ``fold = CN / ploidy`` (absolute formats) or ``fold = 2 ** log2``
(log2-ratio formats), purity-adjusted when purity is given::

    observed ratio r = purity * fold + (1 - purity)   =>   fold = (r - (1 - purity)) / purity

Default thresholds (:class:`CnThresholds`), all configurable:

- amplification: fold >= the gene's sourced threshold (catalogue ``threshold``; ALK 2.2, the
  review's section 2.2 level [32]; MET 5, MET:CEP7 >= 5 of CIViC EID1713/EID735; KIT: no KIT
  level in the sources, the ALK level is borrowed and labelled so), whatever the segment length:
  polysomy does not reach the threshold times the ploidy (issue 20 point 5); below it, a gene
  level at least the threshold times its chromosome's median level (:func:`chromosome_level`,
  the analogue of MET:CEP7 in FISH) is amplification too. A gain whose segment spans
  ``focal_max_bp`` (10 Mb) or more is a broad gain (arm-level or polysomy). Without per-gene
  thresholds the generic 2.2-fold applies.
- gain: log2 > 0.2 (fold > 1.149), CNVkit's default ``call`` threshold for 3 copies.
- loss: log2 <= -0.25 (fold <= 0.841), and deep loss: log2 <= -1.1 (fold <= 0.467), CNVkit's
  default thresholds for 1 and 0 copies.
- Discrete tables (cBioPortal/GISTIC -2..2): 2 amplification, 1 gain, 0 neutral, -1 loss,
  -2 deep loss, as the format defines them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from alkannot.genome.models import gene_spans
from alkannot.models import GeneCopyNumber

_DISCRETE = {2: "amplification", 1: "gain", 0: "neutral", -1: "loss", -2: "deep_loss"}


@dataclass(frozen=True)
class CnThresholds:
    """Fold-change thresholds (copy number over ploidy) of the gene-level calls."""

    amplification_fold: float = 2.2
    gain_fold: float = 2**0.2
    loss_fold: float = 2**-0.25
    deep_loss_fold: float = 2**-1.1

    def call(self, fold: float) -> str:
        """Return the call for a fold change."""
        if fold >= self.amplification_fold:
            return "amplification"
        if fold > self.gain_fold:
            return "gain"
        if fold <= self.deep_loss_fold:
            return "deep_loss"
        if fold <= self.loss_fold:
            return "loss"
        return "neutral"


def gene_copy_numbers(
    cnv,
    build: str,
    genes: Iterable[str] = ("ALK", "MET", "KIT", "EGFR", "IGF1R", "KRAS", "EML4"),
    purity: float | None = None,
    ploidy: float | None = None,
    thresholds: CnThresholds = CnThresholds(),
    amplification_folds: dict[str, float] | None = None,
    focal_max_bp: int | None = 10_000_000,
) -> list[GeneCopyNumber]:
    """Call each gene from the segments of a :class:`~alkannot.io.cnv.CnvData`.

    Parameters
    ----------
    cnv
        Parsed copy-number data.
    build
        Genome build of the gene spans.
    genes
        Genes to call; genes without bundled spans are called only from gene-level tables.
    purity, ploidy
        Tumour content (0-1] and ploidy (default 2).
    thresholds
        Fold-change thresholds.
    amplification_folds
        Per-gene amplification thresholds (the catalogue's sourced levels) replacing
        ``thresholds.amplification_fold`` for those genes.
    focal_max_bp
        Segments this long or longer are broad: an amplification-level fold there is a gain.
    """
    spans = gene_spans(build)
    ploidy_used = ploidy or 2.0
    out = []
    th = {k: round(v, 4) for k, v in asdict(thresholds).items()}
    for gene in genes:
        rows = (
            [s for s in cnv.segments if s.gene == gene]
            if cnv.value_kind == "discrete" or any(s.gene for s in cnv.segments)
            else []
        )
        span = spans.get(gene)
        chrom, start, end = (span.chrom, span.start, span.end) if span else ("", 0, 0)
        if rows:
            gene_th = _gene_thresholds(thresholds, amplification_folds, gene)
            th_gene = dict(th, amplification_fold=round(gene_th.amplification_fold, 4))
            out.append(
                _from_gene_rows(
                    gene, chrom, start, end, rows, cnv.value_kind, ploidy_used, gene_th, th_gene
                )
            )
            continue
        if span is not None:
            out.append(
                _from_segments(
                    cnv,
                    span,
                    purity,
                    ploidy_used,
                    thresholds,
                    amplification_folds,
                    th,
                    focal_max_bp,
                )  # fmt: skip
            )
    return out


def _from_segments(
    cnv,
    span,
    purity: float | None,
    ploidy_used: float,
    thresholds: CnThresholds,
    amplification_folds: dict[str, float] | None,
    th: dict,
    focal_max_bp: int | None,
) -> GeneCopyNumber:
    """One gene called from the segments over its span (length-weighted), at its level."""
    gene, chrom, start, end = span.gene, span.chrom, span.start, span.end
    overlaps = [
        (s, min(s.end, end) - max(s.start, start) + 1)
        for s in cnv.segments
        if s.chrom == chrom and s.start <= end and s.end >= start
    ]
    if not overlaps:
        return GeneCopyNumber(
            gene, chrom, start, end, "not_assessed", thresholds=th,
            note="no segment covers the gene",
        )  # fmt: skip
    total = sum(w for _, w in overlaps)
    absolute = [(s.copy_number, w) for s, w in overlaps if s.copy_number is not None]
    use_absolute = cnv.value_kind == "absolute" and bool(absolute)
    cn, fold, log2, method = _overlap_fold(overlaps, absolute, use_absolute, purity, ploidy_used)
    note = f"{len(overlaps)} segment(s) over {total} bp of {end - start + 1} bp"
    seg_bp = max(s.end - s.start + 1 for s, _ in overlaps)
    gene_th = _gene_thresholds(thresholds, amplification_folds, gene)
    th_gene = dict(th, amplification_fold=round(gene_th.amplification_fold, 4))
    chrom_fold = chromosome_level(cnv.segments, chrom, use_absolute, purity, ploidy_used)
    call, level_note = _level_call(
        gene_th.call(fold), fold, seg_bp, chrom_fold, gene, gene_th, focal_max_bp
    )
    note += level_note
    if call == "gain" and fold >= thresholds.amplification_fold:
        note += (
            f"; high-level gain below the {gene} amplification threshold "
            f"({gene_th.amplification_fold:g}-fold)"
        )
    return GeneCopyNumber(
        gene, chrom, start, end, call, copy_number=cn, log2=log2, fold_change=fold,
        n_segments=len(overlaps), method=method, thresholds=th_gene, note=note,
        segment_bp=seg_bp,
    )  # fmt: skip


def _overlap_fold(overlaps, absolute, use_absolute: bool, purity, ploidy_used: float):
    """Copy number, fold change, log2 and method from the overlapping segments: absolute copy
    numbers when the file has them, else the log2 ratio, purity-adjusted when purity is given."""
    if use_absolute:
        cn = sum(v * w for v, w in absolute) / sum(w for _, w in absolute)
        fold = cn / ploidy_used
        return cn, fold, math.log2(fold) if fold > 0 else None, "absolute copy number"
    total = sum(w for _, w in overlaps)
    log2 = sum(s.log2 * w for s, w in overlaps if s.log2 is not None) / total
    ratio = 2**log2
    fold = max((ratio - (1 - purity)) / purity if purity else ratio, 0.0)
    return fold * ploidy_used, fold, log2, "log2 ratio" + (f", purity {purity:g}" if purity else "")


def _fold_of(s, absolute: bool, purity: float | None, ploidy: float) -> float | None:
    """A segment's fold change over ploidy, as the gene's is computed (purity-adjusted log2)."""
    if absolute and s.copy_number is not None:
        return s.copy_number / ploidy
    if s.log2 is None:
        return None
    ratio = 2**s.log2
    return max((ratio - (1 - purity)) / purity if purity else ratio, 0.0)


def chromosome_level(
    segments, chrom: str, absolute: bool, purity: float | None, ploidy: float
) -> float | None:
    """Length-weighted median fold change of the chromosome's segments (None when none).

    The gene's level over this is the sequencing analogue of MET:CEP7 in FISH (the gene's copies
    over its chromosome's centromere copies): a whole-chromosome gain raises both.
    """
    pairs = sorted(
        (f, s.end - s.start + 1)
        for s in segments
        if s.chrom == chrom and (f := _fold_of(s, absolute, purity, ploidy)) is not None
    )
    total = sum(w for _, w in pairs)
    if not total:
        return None
    acc = 0
    for f, w in pairs:
        acc += w
        if acc >= total / 2:
            return f
    return pairs[-1][0]


def _level_call(
    call: str, fold: float, seg_bp: int, chrom_fold: float | None, gene: str,
    gene_th: CnThresholds, focal_max_bp: int | None,
) -> tuple[str, str]:  # fmt: skip
    """Amplification by level (issue 20 point 5): the call and a note.

    At or above the gene's threshold times the ploidy is amplification whatever the segment
    length (polysomy does not reach it); below it, a gene level at least the threshold times its
    chromosome's median level (as MET:CEP7) is amplification too. Otherwise a gain, "broad" when
    its segment spans ``focal_max_bp`` or more.
    """
    t = gene_th.amplification_fold
    rel = fold / chrom_fold if chrom_fold else None
    rel_note = f"; {rel:.2f} x the chromosome's median level" if rel is not None else ""
    broad = bool(focal_max_bp and seg_bp >= focal_max_bp)
    if call == "amplification":
        if broad:
            return call, (
                f"{rel_note}; on a {seg_bp / 1e6:.1f}-Mb segment, but a level >= {t:g} x ploidy "
                "is not polysomy: amplification (not focal)"
            )
        return call, f"{rel_note}; focal"
    if call == "gain" and rel is not None and rel >= t:
        return "amplification", (
            f"{rel_note} (>= {t:g}, as {gene}:centromere in FISH): amplification relative to "
            "the chromosome's level"
        )
    if call == "gain" and broad:
        return call, (
            f"{rel_note}; broad gain: segment of {seg_bp / 1e6:.1f} Mb (>= "
            f"{focal_max_bp / 1e6:g} Mb), arm-level gain or polysomy, not focal amplification"
        )
    return call, rel_note


def _gene_thresholds(
    thresholds: CnThresholds, folds: dict[str, float] | None, gene: str
) -> CnThresholds:
    if folds and gene in folds:
        return CnThresholds(
            folds[gene], thresholds.gain_fold, thresholds.loss_fold, thresholds.deep_loss_fold
        )
    return thresholds


def _from_gene_rows(gene, chrom, start, end, rows, kind, ploidy, thresholds, th) -> GeneCopyNumber:
    r = rows[0]
    if kind == "discrete" and r.discrete is not None:
        return GeneCopyNumber(
            gene,
            chrom,
            start,
            end,
            _DISCRETE[r.discrete],
            n_segments=1,
            method="discrete (-2..2)",
            thresholds=th,
            note=f"gene-level value {r.discrete} ({r.record})",
        )
    cn = r.copy_number if r.copy_number is not None else 0.0
    fold = cn / ploidy
    return GeneCopyNumber(
        gene,
        chrom,
        start,
        end,
        thresholds.call(fold),
        copy_number=cn,
        log2=math.log2(fold) if fold > 0 else None,
        fold_change=fold,
        n_segments=1,
        method="gene-level copy number",
        thresholds=th,
        note=r.record,
    )
