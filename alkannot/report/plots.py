"""Inline SVG figures: ALK kinase-domain lollipop, copy-number panel, cohort oncoprint.

Every text that comes from an input is escaped with :func:`html.escape`.
"""

from __future__ import annotations

from html import escape

from alkannot.genome.models import ALK_KINASE_DOMAIN

#: Residues named in the sources: the gatekeeper (review 2.1: "the gatekeeper mutation L1196M")
#: and the solvent-front residues the project brief names. Ranges of the glycine-rich loop, the
#: alphaC helix and the activation loop are not given by any bundled source, so they are not drawn.
LANDMARKS = (
    (1196, "gatekeeper L1196"),
    (1202, "solvent front G1202"),
    (1203, "D1203"),
    (1206, "S1206"),
)


def lollipop(findings, catalogue_positions: list[tuple[int, str]]) -> str:
    """ALK residues 1116-1383 with the sample's mutations on top and catalogue positions faint."""
    lo, hi = ALK_KINASE_DOMAIN
    width, left, right = 900, 40, 20
    scale = (width - left - right) / (hi - lo)
    x = lambda r: left + (r - lo) * scale  # noqa: E731
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 190" width="100%" '
        'role="img" aria-label="ALK kinase domain lollipop plot">',
        f'<rect x="{left}" y="120" width="{width - left - right}" height="18" fill="#dfe7f2" '
        'stroke="#7a8ca5"/>',
        f'<text x="{left}" y="155" font-size="11">{lo}</text>',
        f'<text x="{width - right}" y="155" font-size="11" text-anchor="end">{hi}</text>',
        f'<text x="{(left + width) / 2}" y="133" font-size="11" text-anchor="middle">kinase '
        "domain (UniProt Q9UM73)</text>",
    ]
    for pos, label in LANDMARKS:
        parts.append(
            f'<line x1="{x(pos):.1f}" y1="138" x2="{x(pos):.1f}" y2="162" stroke="#555" '
            f'stroke-dasharray="2,2"/><text x="{x(pos):.1f}" y="174" font-size="9" '
            f'text-anchor="middle" transform="rotate(20 {x(pos):.1f} 174)">{escape(label)}</text>'
        )
    for pos, label in catalogue_positions:
        if lo <= pos <= hi:
            parts.append(
                f'<g opacity="0.25"><line x1="{x(pos):.1f}" y1="120" x2="{x(pos):.1f}" '
                f'y2="95" stroke="#888"/><circle cx="{x(pos):.1f}" cy="92" r="3" '
                f'fill="#888"><title>{escape(label)} (catalogue)</title></circle></g>'
            )
    shown = 0
    for f in findings:
        start = _residue(f.hgvsp)
        if start is None or not lo <= start <= hi:
            continue
        color = "#b3261e" if f.catalogue_id else "#5b6470"
        y = 60 - 18 * (shown % 3)
        parts.append(
            f'<line x1="{x(start):.1f}" y1="120" x2="{x(start):.1f}" y2="{y}" stroke="{color}" '
            f'stroke-width="2"/><circle cx="{x(start):.1f}" cy="{y}" r="6" fill="{color}">'
            f'<title>{escape(f.alteration)}</title></circle><text x="{x(start) + 8:.1f}" '
            f'y="{y + 4}" font-size="12" font-weight="bold">{escape(f.alteration)}</text>'
        )
        shown += 1
    if not shown:
        parts.append(
            '<text x="450" y="60" font-size="12" text-anchor="middle" fill="#5b6470">no '
            "ALK kinase-domain mutation in this sample</text>"
        )
    parts.append("</svg>")
    legend = (
        '<p class="small">Red: catalogued resistance mutation; grey: variant of unknown '
        "significance; faint: catalogue positions. Marked: the gatekeeper L1196 (review 2.1) "
        "and the solvent-front residues G1202, D1203, S1206. The glycine-rich loop, αC helix "
        "and activation-loop ranges are not drawn: no bundled source gives their residues.</p>"
    )
    return "".join(parts) + legend


def _residue(hgvsp: str) -> int | None:
    import re

    m = re.match(r"p\.[A-Z][a-z]{2}(\d+)", hgvsp or "")
    return int(m.group(1)) if m else None


def copy_number_panel(calls, thresholds: dict[str, float]) -> str:
    """Bars of fold change over ploidy per gene against the amplification and gain thresholds."""
    rows = [c for c in calls if c.fold_change is not None]
    if not rows:
        return ""
    width, left, h = 620, 70, 22
    top = max([thresholds.get("amplification_fold", 2.2) * 1.4] + [c.fold_change for c in rows])
    scale = (width - left - 20) / top
    height = 30 + h * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        'role="img" aria-label="copy-number panel">'
    ]
    for key, color in (
        ("amplification_fold", "#b3261e"),
        ("gain_fold", "#8a5a00"),
        ("loss_fold", "#1f4e99"),
    ):
        if key in thresholds:
            xx = left + thresholds[key] * scale
            parts.append(
                f'<line x1="{xx:.1f}" y1="8" x2="{xx:.1f}" y2="{height - 6}" stroke="{color}" '
                f'stroke-dasharray="4,3"/><text x="{xx + 2:.1f}" y="12" font-size="9" '
                f'fill="{color}">{escape(key.replace("_fold", ""))} {thresholds[key]:.2f}</text>'
            )
    for i, c in enumerate(rows):
        y = 20 + i * h
        color = {
            "amplification": "#b3261e",
            "gain": "#d08a00",
            "loss": "#1f4e99",
            "deep_loss": "#0b2a66",
        }.get(c.call, "#9aa4b1")
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f'{escape(c.gene)}</text><rect x="{left}" y="{y}" width="{max(1.0, c.fold_change * scale):.1f}" '
            f'height="{h - 6}" fill="{color}"><title>{escape(c.gene)} fold {c.fold_change:.2f} '
            f"({escape(c.call)})</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


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
