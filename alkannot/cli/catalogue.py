"""``alkannot catalogue``: review and extend the resistance catalogue."""

from __future__ import annotations

import json

import click

_CTX = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=_CTX)
@click.option(
    "--catalogue",
    "path",
    type=click.Path(dir_okay=False),
    help="A local catalogue YAML instead of the bundled one.",
)
@click.pass_context
def catalogue(ctx: click.Context, path: str | None) -> None:
    """List, show, export or validate the resistance catalogue."""
    ctx.obj = path


def _load(ctx: click.Context):
    from alkannot.catalogue import load_catalogue

    return load_catalogue(ctx.obj)


@catalogue.command("list", context_settings=_CTX)
@click.pass_context
def list_entries(ctx: click.Context) -> None:
    """One line per entry: id, gene, alteration, mechanism, evidence count."""
    cat = _load(ctx)
    click.echo(f"# {cat.name} {cat.version}")
    click.echo("id\tgene\talteration\tmechanism\tdrugs\tevidence")
    for e in cat.entries.values():
        n = sum(len(d.evidence) for d in e.drugs.values())
        click.echo(f"{e.id}\t{e.gene}\t{e.alteration}\t{e.mechanism}\t{len(e.drugs)}\t{n}")


@catalogue.command(context_settings=_CTX)
@click.argument("entry_id")
@click.pass_context
def show(ctx: click.Context, entry_id: str) -> None:
    """Every call of one entry with its evidence."""
    from alkannot.catalogue import statement_lines
    from alkannot.errors import ConfigError

    cat = _load(ctx)
    if entry_id not in cat.entries:
        raise ConfigError(f"no catalogue entry {entry_id!r}; see 'alkannot catalogue list'")
    e = cat.entries[entry_id]
    click.echo(f"{e.id}: {e.gene} {e.alteration} ({e.kind}, {e.mechanism})")
    click.echo(f"  {e.summary}")
    for line in statement_lines(e):
        click.echo(f"  {line}")
    if e.threshold:
        click.echo(
            f"  amplification threshold: {e.threshold['fold']:g}-fold [{e.threshold['citation']}]"
        )
    shown = list(e.drugs.items())
    if e.monotherapy is not None:
        shown.append(("any other ALK inhibitor (monotherapy)", e.monotherapy))
    for drug, d in shown:
        flag = " (sources disagree)" if d.conflicting else ""
        status = cat.drug_by_id[drug].status if drug in cat.drug_by_id else ""
        click.echo(f"  {drug}: {d.call}, level {d.level}{flag}{f'; {status}' if status else ''}")
        for ev in d.evidence:
            ids = " ".join(
                x
                for x in (ev.pmid and f"PMID {ev.pmid}", ev.civic_eid, ev.doi and f"doi:{ev.doi}")
                if x
            )
            click.echo(
                f"    - {ev.call} [{ev.source}, {ev.level}] {ev.citation}"
                f"{' ' + ids if ids else ''}: {ev.statement}"
            )


@catalogue.command(context_settings=_CTX)
@click.option(
    "--format", "fmt", type=click.Choice(["tsv", "json"]), default="tsv", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write [default: stdout]."
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None) -> None:
    """One row per entry x drug x evidence item."""
    from alkannot.report.atomic import write_text
    from alkannot.report.tsv import render

    cat = _load(ctx)
    rows = []
    for e in cat.entries.values():
        for drug, d in e.drugs.items():
            for ev in d.evidence:
                rows.append(
                    {
                        "entry": e.id,
                        "gene": e.gene,
                        "alteration": e.alteration,
                        "mechanism": e.mechanism,
                        "drug": drug,
                        "drug_call": d.call,
                        "drug_call_level": d.level,
                        "conflicting": d.conflicting,
                        "evidence_call": ev.call,
                        "source": ev.source,
                        "citation": ev.citation,
                        "pmid": ev.pmid,
                        "civic_eid": ev.civic_eid,
                        "level": ev.level,
                        "assay": ev.assay,
                        "fusion_context": ev.fusion_context,
                        "statement": ev.statement,
                    }
                )
    if fmt == "json":
        text = (
            json.dumps(
                {"catalogue": cat.name, "version": cat.version, "rows": rows},
                indent=2,
                sort_keys=True,
            )
            + "\n"
        )
    else:
        text = render(list(rows[0]) if rows else ["entry"], rows)
    if output:
        write_text(output, text)
    else:
        click.echo(text, nl=False)


@catalogue.command(context_settings=_CTX)
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check FILE against the schema and the semantic rules; print 'ok' or the problem."""
    from alkannot.catalogue import load_catalogue

    cat = load_catalogue(file, revalidate=True)  # never trusts a cached validation
    click.echo(f"ok: {len(cat.entries)} entries, version {cat.version}")


@catalogue.command("import-civic", context_settings=_CTX)
@click.argument("release_dir", type=click.Path(file_okay=False))
@click.option("-o", "--outdir", help="Where proposal.md, proposal.tsv and proposal.diff.tsv go.")
@click.option("--apply", "apply_to", help="Write the new catalogue version to this YAML file.")
@click.option("--by", default="", help="Who applies the change (required with --apply).")
@click.option("--date", default="", help="Date of the change, YYYY-MM-DD (default: today, UTC).")
@click.pass_context
def import_civic(ctx, release_dir, outdir, apply_to, by, date) -> None:
    """Compare a downloaded CIViC release with the catalogue and propose the changes.

    Without --apply nothing but the proposal is written (Markdown on stdout without -o).
    """
    import datetime

    from alkannot.knowledge.civic_import import import_civic as run
    from alkannot.report.changes import proposal_markdown

    when = date or datetime.datetime.now(datetime.UTC).date().isoformat()
    proposal, diff = run(release_dir, ctx.obj, outdir, apply_to, by, when)
    if not outdir:
        click.echo(proposal_markdown(proposal, diff))
    counts = {
        k: sum(c.kind == k for c in proposal.changes) for k in ("new", "changed", "withdrawn")
    }
    calls = sum(r.kind == "call" for r in diff)
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    click.echo(
        f"CIViC {proposal.release.release}: {summary}; {calls} catalogue call(s) change", err=True
    )
    if apply_to:
        click.echo(f"new catalogue written: {apply_to}", err=True)


@catalogue.command("diff", context_settings=_CTX)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--tsv", help="Write the differences as TSV here.")
@click.option("--md", help="Write the differences as Markdown here.")
def diff(old, new, tsv, md) -> None:
    """Entries, evidence and per-drug calls added, removed or changed from OLD to NEW.

    Prints the Markdown unless --tsv or --md is given.
    """
    from alkannot.knowledge.diff import diff_catalogue_files
    from alkannot.report.changes import diff_markdown

    rows = diff_catalogue_files(old, new, tsv, md)
    if not (tsv or md):
        click.echo(diff_markdown(f"Catalogue {old} -> {new}", rows))
