"""Gene-level copy-number calls for the catalogue genes (ALK, MET, KIT, EGFR, IGF1R, ...).

Segments overlapping a gene's span are averaged, weighted by overlap length. The call uses the
fold change over ploidy, ``fold = CN / ploidy`` (absolute formats) or ``fold = 2 ** log2``
(log2-ratio formats), purity-adjusted when purity is given::

    observed ratio r = purity * fold + (1 - purity)   =>   fold = (r - (1 - purity)) / purity

Default thresholds (:class:`CnThresholds`), all configurable:

- amplification: fold >= the gene's sourced threshold (catalogue ``threshold``; ALK 2.2, the
  review's section 2.2 level [32]; MET 5, MET:CEP7 >= 5 of CIViC EID1713/EID735; KIT: no KIT
  level in the sources, the ALK level is borrowed and labelled so) AND a focal segment: a gain
  whose segment spans ``focal_max_bp`` (10 Mb) or more is a broad (arm-level) gain or polysomy,
  never focal amplification. Without per-gene thresholds the generic 2.2-fold applies.
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
        if span is None:
            continue
        overlaps = [
            (s, min(s.end, span.end) - max(s.start, span.start) + 1)
            for s in cnv.segments
            if s.chrom == span.chrom and s.start <= span.end and s.end >= span.start
        ]
        if not overlaps:
            out.append(
                GeneCopyNumber(
                    gene,
                    chrom,
                    start,
                    end,
                    "not_assessed",
                    thresholds=th,
                    note="no segment covers the gene",
                )
            )
            continue
        total = sum(w for _, w in overlaps)
        absolute = [(s.copy_number, w) for s, w in overlaps if s.copy_number is not None]
        if cnv.value_kind == "absolute" and absolute:
            cn = sum(v * w for v, w in absolute) / sum(w for _, w in absolute)
            fold = cn / ploidy_used
            log2 = math.log2(fold) if fold > 0 else None
            method = "absolute copy number"
        else:
            log2 = sum(s.log2 * w for s, w in overlaps if s.log2 is not None) / total
            ratio = 2**log2
            fold = (ratio - (1 - purity)) / purity if purity else ratio
            fold = max(fold, 0.0)
            cn = fold * ploidy_used
            method = "log2 ratio" + (f", purity {purity:g}" if purity else "")
        note = f"{len(overlaps)} segment(s) over {total} bp of {end - start + 1} bp"
        seg_bp = max(s.end - s.start + 1 for s, _ in overlaps)
        gene_th = _gene_thresholds(thresholds, amplification_folds, gene)
        call = gene_th.call(fold)
        th_gene = dict(th, amplification_fold=round(gene_th.amplification_fold, 4))
        if call == "amplification" and focal_max_bp and seg_bp >= focal_max_bp:
            call = "gain"
            note += (
                f"; broad gain: segment of {seg_bp / 1e6:.1f} Mb (>= {focal_max_bp / 1e6:g} Mb), "
                "arm-level gain or polysomy, not focal amplification"
            )
        elif call == "gain" and fold >= thresholds.amplification_fold:
            note += (
                f"; high-level gain below the {gene} amplification threshold "
                f"({gene_th.amplification_fold:g}-fold)"
            )
        out.append(
            GeneCopyNumber(
                gene,
                chrom,
                start,
                end,
                call,
                copy_number=cn,
                log2=log2,
                fold_change=fold,
                n_segments=len(overlaps),
                method=method,
                thresholds=th_gene,
                note=note,
                segment_bp=seg_bp,
            )
        )
    return out


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
