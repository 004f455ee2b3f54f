"""Inline SVG figures: ALK kinase-domain lollipop, copy-number panel, cohort oncoprint.

Every text that comes from an input goes through :func:`esc` (escaped, bidi controls visible).
"""

from __future__ import annotations

import math
from html import escape

from alkannot.genome.models import ALK_KINASE_DOMAIN
from alkannot.report.text import neutralise_bidi


def esc(text: str) -> str:
    """Escape text from an input for SVG/HTML, with bidirectional controls made visible."""
    return escape(neutralise_bidi(str(text)))


#: Residues named in the sources: the gatekeeper (review 2.1: "the gatekeeper mutation L1196M")
#: and the solvent-front residues the project brief names. Ranges of the glycine-rich loop, the
#: alphaC helix and the activation loop are not given by any bundled source, so they are not drawn.
LANDMARKS = (
    (1196, "gatekeeper L1196"),
    (1202, "solvent front G1202"),
    (1203, "D1203"),
    (1206, "S1206"),
)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of a label's rendered width (px) in a sans-serif font.

    Generous on purpose: labels are placed so that their estimated boxes do not overlap, and the
    browser test measures the real boxes.
    """
    return len(text) * size * (0.68 if bold else 0.62) + 2


def place_in_rows(
    spans: list[tuple[float, float]], gap: float = 4.0, anchors: list[float] | None = None
) -> list[int]:
    """Give each (left, right) span the lowest row where it overlaps nothing placed before it.

    With ``anchors`` each label also has a leader line from row 0 at that x up to its own row: a
    row is then also refused when the label would cross another item's leader, or its own leader
    would cross a label in a row it passes.
    """
    placed: list[tuple[float, float, float, int]] = []  # left, right, anchor, row
    out = []

    def free(left: float, right: float, x: float | None, row: int) -> bool:
        if any(not (right + gap <= a or left >= b + gap) for a, b, _, r in placed if r == row):
            return False
        if x is None:
            return True
        crosses = any(left - gap <= ax <= right + gap for _, _, ax, r in placed if r > row)
        crossed = any(a - gap <= x <= b + gap for a, b, _, r in placed if r < row)
        return not (crosses or crossed)

    for i, (left, right) in enumerate(spans):
        x = anchors[i] if anchors is not None else None
        rows = range(len(placed) + 1)
        # leaders that cannot avoid every label (residues a few pixels apart) may cross one;
        # labels themselves never overlap
        row = next((r for r in rows if free(left, right, x, r)), None)
        if row is None:
            row = next(r for r in range(len(placed) + 1) if free(left, right, None, r))
        placed.append((left, right, x if x is not None else 0.0, row))
        out.append(row)
    return out


def lollipop(findings, catalogue_positions: list[tuple[int, str]]) -> str:
    """ALK residues 1116-1383: the sample's mutations above an axis with ticks, landmarks below.

    Labels are stacked in rows so that no two overlap (the estimate of :func:`text_width`).
    """
    lo, hi = ALK_KINASE_DOMAIN
    width, left, right = 900, 40, 30
    scale = (width - left - right) / (hi - lo)

    def x(r: float) -> float:
        return left + (r - lo) * scale

    muts = []
    for f in findings:
        start = _residue(f.hgvsp)
        if start is not None and lo <= start <= hi:
            muts.append((start, f))
    # highest residue first: a lower residue's label then runs over shorter leaders only
    muts.sort(key=lambda t: (-t[0], t[1].alteration))
    spans = []
    for pos, f in muts:
        w = text_width(f.alteration, 12, bold=True)
        a = x(pos) + 8 if x(pos) + 8 + w <= width else x(pos) - 8 - w
        spans.append((min(x(pos) - 6, a), max(x(pos) + 6, a + w)))
    mut_rows = place_in_rows(spans, anchors=[x(pos) for pos, _ in muts])
    n_mut_rows = max(mut_rows, default=0) + 1
    axis = 34 + 18 * n_mut_rows
    marks = sorted(LANDMARKS, reverse=True)
    mark_spans = []
    for pos, label in marks:
        w = text_width(label, 10)
        a = min(x(pos) - 3, width - w - 2)
        mark_spans.append((a, a + w))
    mark_rows = place_in_rows(mark_spans, gap=6, anchors=[x(pos) for pos, _ in marks])
    marks_top = axis + 56
    height = marks_top + 14 * (max(mark_rows, default=0) + 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        'role="img" aria-label="ALK kinase domain lollipop plot" class="lollipop">',
        f'<rect x="{left}" y="{axis}" width="{width - left - right}" height="18" fill="#dfe7f2" '
        'stroke="#7a8ca5"/>',
        f'<text x="{(left + width - right) / 2}" y="{axis + 13}" font-size="11" '
        'text-anchor="middle">ALK kinase domain (UniProt Q9UM73, residues '
        f"{lo}-{hi})</text>",
    ]
    for tick in range((lo // 25 + 1) * 25, hi + 1, 25):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{axis + 18}" x2="{x(tick):.1f}" y2="{axis + 24}" '
            f'stroke="#333"/><text class="tick" x="{x(tick):.1f}" y="{axis + 35}" font-size="10" '
            f'text-anchor="middle">{tick}</text>'
        )
    for pos, label in catalogue_positions:
        if lo <= pos <= hi:
            parts.append(
                f'<g opacity="0.3"><line x1="{x(pos):.1f}" y1="{axis}" x2="{x(pos):.1f}" '
                f'y2="{axis - 8}" stroke="#888"/><circle cx="{x(pos):.1f}" cy="{axis - 10}" r="2.5" '
                f'fill="#888"><title>{esc(label)} (catalogue)</title></circle></g>'
            )
    for (pos, label), (a, _b), row in zip(marks, mark_spans, mark_rows, strict=True):
        ty = marks_top + 14 * row
        parts.append(
            f'<line x1="{x(pos):.1f}" y1="{axis + 18}" x2="{x(pos):.1f}" y2="{ty - 10}" '
            f'stroke="#555" stroke-dasharray="2,2"/><text class="label landmark" '
            f'x="{a:.1f}" y="{ty}" font-size="10" text-anchor="start">'
            f"{esc(label)}</text>"
        )
    for (pos, f), (a, _b), row in zip(muts, spans, mut_rows, strict=True):
        color = "#b3261e" if f.catalogue_id else "#5b6470"
        y = axis - 24 - 18 * row
        tx, anchor = (x(pos) + 8, "start") if a >= x(pos) - 6 else (x(pos) - 8, "end")
        parts.append(
            f'<line x1="{x(pos):.1f}" y1="{axis}" x2="{x(pos):.1f}" y2="{y}" stroke="{color}" '
            f'stroke-width="2"/><circle cx="{x(pos):.1f}" cy="{y}" r="5" fill="{color}">'
            f"<title>{esc(f.alteration)}</title></circle>"
            f'<text class="label mutation" x="{tx:.1f}" y="{y + 4}" font-size="12" '
            f'font-weight="bold" text-anchor="{anchor}">{esc(f.alteration)}</text>'
        )
    if not muts:
        parts.append(
            f'<text x="{width / 2}" y="{axis - 14}" font-size="12" text-anchor="middle" '
            'fill="#5b6470">no ALK kinase-domain mutation in this sample</text>'
        )
    parts.append("</svg>")
    legend = (
        '<p class="small">Red: catalogued resistance mutation; grey: variant of unknown '
        "significance; faint dots: catalogue positions. Marked below the axis: the gatekeeper "
        "L1196 (review 2.1) and the solvent-front residues G1202, D1203, S1206. The glycine-rich "
        "loop, αC helix and activation-loop ranges are not drawn: no bundled source gives their "
        "residues.</p>"
    )
    return "".join(parts) + legend


def _residue(hgvsp: str) -> int | None:
    import re

    m = re.match(r"p\.[A-Z][a-z]{2}(\d+)", hgvsp or "")
    return int(m.group(1)) if m else None


def copy_number_panel(calls, genes: tuple[str, ...] = (), assessed: bool = True) -> str:
    """Bars of fold change over ploidy per gene, with an axis and the call thresholds.

    Gain and loss thresholds, shared by every gene, are dashed lines across the panel; each gene's
    own amplification threshold (ALK's 2.2-fold of the review, MET's sourced level, ...) is a
    marker on its row, labelled at the right. Every gene of ``genes`` gets a row: a gene without a
    usable call is written "not assessed" (``assessed`` False: no copy-number input at all), never
    drawn as an empty bar.
    """
    by_gene = {c.gene: c for c in calls}
    order = list(genes) + [c.gene for c in calls if c.gene not in genes]
    if not order:
        return ""
    width, left, right, h, top = 680, 70, 120, 22, 34
    shared = next((c.thresholds for c in calls if c.thresholds), {})
    amps = [c.thresholds.get("amplification_fold", 0.0) for c in calls if c.thresholds]
    folds = [
        c.fold_change for c in calls if c.fold_change is not None and math.isfinite(c.fold_change)
    ]
    step = tick_step(max([2.2 * 1.4] + [a * 1.15 for a in amps] + folds))
    span = step * (int(max([2.2 * 1.4] + [a * 1.15 for a in amps] + folds) / step) + 1)
    scale = (width - left - right) / span
    height = top + h * len(order) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        'role="img" aria-label="copy-number panel" class="cnpanel">'
    ]
    keys = [(k, c) for k, c in (("gain_fold", "#8a5a00"), ("loss_fold", "#1f4e99")) if k in shared]
    labels = [f"{k.replace('_fold', '')} {shared[k]:.2f}" for k, _ in keys]
    spans = []
    for (k, _), label in zip(keys, labels, strict=True):
        xx = left + shared[k] * scale
        spans.append((xx - text_width(label, 9) / 2, xx + text_width(label, 9) / 2))
    rows = place_in_rows(spans)
    for (k, color), label, row in zip(keys, labels, rows, strict=True):
        xx = left + shared[k] * scale
        parts.append(
            f'<line x1="{xx:.1f}" y1="{top - 4}" x2="{xx:.1f}" y2="{top + h * len(order)}" '
            f'stroke="{color}" stroke-dasharray="4,3"/><text class="label threshold" '
            f'x="{xx:.1f}" y="{top - 8 - 11 * row}" font-size="9" text-anchor="middle" '
            f'fill="{color}">{esc(label)}</text>'
        )
    axis_y = top + h * len(order) + 4
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + span * scale:.1f}" y2="{axis_y}" '
        'stroke="#333"/>'
    )
    for i in range(round(span / step) + 1):
        t = i * step
        xx = left + t * scale
        parts.append(
            f'<line x1="{xx:.1f}" y1="{axis_y}" x2="{xx:.1f}" y2="{axis_y + 5}" stroke="#333"/>'
            f'<text class="tick" x="{xx:.1f}" y="{axis_y + 16}" font-size="10" '
            f'text-anchor="middle">{t:g}</text>'
        )
    parts.append(
        f'<text x="{left - 6}" y="{axis_y + 16}" font-size="10" text-anchor="end">fold</text>'
    )
    for i, gene in enumerate(order):
        y = top + i * h
        c = by_gene.get(gene)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="12" text-anchor="end">{esc(gene)}</text>'
        )
        if c is None or c.fold_change is None or c.call == "not_assessed":
            why = "not assessed" + ("" if assessed else " (no copy-number input)")
            parts.append(
                f'<rect x="{left}" y="{y}" width="{width - left - right}" height="{h - 6}" '
                'fill="none" stroke="#9aa4b1" stroke-dasharray="3,3"/>'
                f'<text class="na" x="{left + 8}" y="{y + 12}" font-size="11" fill="#5b6470" '
                f'font-style="italic">{why}</text>'
            )
            continue
        color = {
            "amplification": "#b3261e",
            "gain": "#d08a00",
            "loss": "#1f4e99",
            "deep_loss": "#0b2a66",
        }.get(c.call, "#9aa4b1")
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(1.0, c.fold_change * scale):.1f}" '
            f'height="{h - 6}" fill="{color}"><title>{esc(gene)} fold {c.fold_change:.2f} '
            f"({esc(c.call)})</title></rect>"
        )
        amp = (c.thresholds or {}).get("amplification_fold")
        if amp:
            xx = left + amp * scale
            parts.append(
                f'<line x1="{xx:.1f}" y1="{y - 2}" x2="{xx:.1f}" y2="{y + h - 4}" '
                'stroke="#1b1f24" stroke-width="2"/>'
                f'<text class="label amp" x="{width - 4}" y="{y + 12}" font-size="9" '
                f'text-anchor="end" fill="#b3261e">amplification ≥ {amp:g}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def tick_step(top: float, most: int = 10) -> float:
    """A 1-2-5 step giving at most ``most`` ticks from 0 to ``top`` (1 for small ranges), so a
    copy number of a million draws ten ticks, not a million."""
    step = 1.0
    while top / step > most:
        for factor in (2, 5 / 2, 2):  # 1 -> 2 -> 5 -> 10 -> 20 ...
            step *= factor
            if top / step <= most:
                break
    return step


def oncoprint(samples: list[tuple[str, str, list[str]]], mechanisms: list[tuple[str, str]]) -> str:
    """Samples (columns) x mechanisms (rows); ``samples`` holds (id, link, mechanisms found)."""
    cell, left, top = 26, 190, 90
    width = left + cell * max(1, len(samples)) + 10
    height = top + cell * len(mechanisms) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        'role="img" aria-label="oncoprint">'
    ]
    for j, (sid, _link, _m) in enumerate(samples):
        xx = left + j * cell + cell / 2
        parts.append(
            f'<text x="{xx:.1f}" y="{top - 6}" font-size="11" transform="rotate(-60 {xx:.1f} '
            f'{top - 6})">{escape(sid)}</text>'
        )
    for i, (key, label) in enumerate(mechanisms):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" font-size="12" text-anchor="end">{escape(label)}</text>'
        )
        for j, (sid, _link, found) in enumerate(samples):
            fill = "#b3261e" if key in found else "#eceff2"
            parts.append(
                f'<rect x="{left + j * cell + 2}" y="{y + 2}" width="{cell - 4}" height="{cell - 4}" '
                f'fill="{fill}"><title>{escape(sid)}: {escape(label)}'
                f"{' found' if key in found else ''}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)
