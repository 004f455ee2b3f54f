"""Writers of knowledge changes: a CIViC import proposal, a catalogue diff, a re-annotation.

Each is written as TSV (one row per change, for tools) and Markdown (for the reviewer); the
TSV cells go through :func:`alkannot.report.tsv.cell` (formula-safe, one line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from alkannot.report.atomic import write_text
from alkannot.report.tsv import render

DIFF_COLUMNS = ("kind", "change", "entry", "drug", "item", "old", "new", "source")
PROPOSAL_COLUMNS = ("eid", "change", "profile", "therapies", "fields", "targets", "note")
REANNOTATION_COLUMNS = (
    "sample", "old_catalogue", "new_catalogue", "first_option_old", "first_option_new",
    "first_option_changed", "ranked_old", "ranked_new", "calls_changed", "why", "report",
)  # fmt: skip


def _md_cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|") or " "


def md_table(columns: Sequence[str], rows: Iterable[dict]) -> list[str]:
    """A Markdown table (pipes escaped, one line per row)."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_md_cell(r.get(c, "")) for c in columns) + " |" for r in rows]
    return out


def diff_rows(rows) -> list[dict]:
    """Diff rows (:class:`alkannot.knowledge.diff.DiffRow`) as dicts."""
    return [{c: getattr(r, c) for c in DIFF_COLUMNS} for r in rows]


def diff_markdown(title: str, rows) -> str:
    """The diff as Markdown: one section per kind of change, with counts."""
    dicts = diff_rows(rows)
    lines = [f"# {title}", ""]
    for kind in ("release", "entry", "drug", "evidence", "call"):
        part = [r for r in dicts if r["kind"] == kind]
        lines += [f"## {kind} ({len(part)})", ""]
        lines += md_table(DIFF_COLUMNS[1:], part) if part else ["none"]
        lines.append("")
    return "\n".join(lines)


def write_diff(rows, title: str, tsv: str | Path | None, md: str | Path | None) -> None:
    """Write the diff's TSV and/or Markdown (atomically)."""
    if tsv:
        write_text(tsv, render(DIFF_COLUMNS, diff_rows(rows)))
    if md:
        write_text(md, diff_markdown(title, rows))


def proposal_rows(changes) -> list[dict]:
    """One row per changed CIViC item (:class:`alkannot.knowledge.civic_import.ItemChange`)."""
    return [
        {
            "eid": c.eid,
            "change": c.kind,
            "profile": c.profile,
            "therapies": c.therapies,
            "fields": "; ".join(f"{k}: {a} -> {b}" for k, (a, b) in c.fields.items()),
            "targets": "; ".join(f"{e} / {d}" for e, d in c.targets),
            "note": c.note,
        }  # fmt: skip
        for c in changes
    ]


def proposal_markdown(proposal, diff) -> str:
    """The reviewable proposal: items new, changed, withdrawn, then the catalogue's changes."""
    rel = proposal.release
    lines = [
        f"# Proposal: CIViC {rel.release} into the catalogue (built from CIViC {proposal.base_release})",
        "",
        "Nothing has been applied. Review, then run `alkannot catalogue import-civic` again with "
        "`--apply NEW.yaml --by NAME` to write a new catalogue version.",
        "",
        f"Release folder: {rel.path}; "
        + "; ".join(f"{n} sha256 {s}" for n, s in sorted(rel.sha256.items())),
        f"Items outside ALK and the bypass genes (not compared): {proposal.outside}",
        "",
    ]
    rows = proposal_rows(proposal.changes)
    for kind in ("new", "changed", "withdrawn"):
        part = [r for r in rows if r["change"] == kind]
        lines += [f"## {kind} evidence ({len(part)})", ""]
        lines += md_table(PROPOSAL_COLUMNS, part) if part else ["none"]
        lines.append("")
    calls = [r for r in diff if r.kind == "call"]
    lines += [f"## calls that would change ({len(calls)})", ""]
    lines += md_table(DIFF_COLUMNS[1:], diff_rows(calls)) if calls else ["none"]
    lines.append("")
    return "\n".join(lines)


def write_proposal(proposal, diff, outdir: str | Path) -> dict[str, Path]:
    """``proposal.md``, ``proposal.tsv`` (items) and ``proposal.diff.tsv`` (catalogue rows)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / f"proposal{k}" for k in (".md", ".tsv", ".diff.tsv")}
    write_text(paths[".md"], proposal_markdown(proposal, diff))
    write_text(paths[".tsv"], render(PROPOSAL_COLUMNS, proposal_rows(proposal.changes)))
    write_text(paths[".diff.tsv"], render(DIFF_COLUMNS, diff_rows(diff)))
    return paths


def write_reannotation(rows: list[dict], summary: str, outdir: str | Path) -> dict[str, Path]:
    """``reannotation.tsv`` (one row per sample) and ``reannotation.md`` (summary, changes)."""
    out = Path(outdir)
    paths = {"tsv": out / "reannotation.tsv", "md": out / "reannotation.md"}
    write_text(paths["tsv"], render(REANNOTATION_COLUMNS, rows))
    changed = [r for r in rows if r["calls_changed"] or r["first_option_changed"] == "yes"]
    lines = ["# Re-annotation", "", summary, ""]
    cols = ("sample", "first_option_old", "first_option_new", "calls_changed", "why")
    lines += md_table(cols, changed) if changed else ["No sample's calls or ranked options change."]
    write_text(paths["md"], "\n".join(lines) + "\n")
    return paths
