"""Differences between two catalogue versions: entries, drugs, evidence and per-drug calls.

Works on the catalogue files' data (as validated), so a diff needs no annotation. Each row names
the source of the change: the evidence items (CIViC EID, PMID, citation) that were added, removed
or changed under that entry and drug.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the order rows are listed in
KINDS = ("release", "entry", "drug", "evidence", "call")


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One difference: what (kind), how (added, removed, changed), where, before and after."""

    kind: str
    change: str
    entry: str = ""
    drug: str = ""
    item: str = ""  # evidence key (EID, sources_2026 row, citation) or field name
    old: str = ""
    new: str = ""
    source: str = ""  # the evidence behind the change


def _blocks(entry: dict):
    """(drug, drug entry) pairs, with the monotherapy rule and class calls under their names."""
    yield from entry["drugs"].items()
    if entry.get("monotherapy"):
        yield "ALK inhibitor monotherapy", entry["monotherapy"]
    for cc in entry.get("class_calls", ()):
        yield cc["drug_class"], cc


def evidence_key(ev: dict) -> str:
    """A stable name for an evidence item: its CIViC EID, its sources_2026 row, or citation."""
    if ev.get("civic_eid"):
        return ev["civic_eid"]
    if ev.get("source_row"):
        return f"sources_2026 {ev['source_row']}"
    return f"{ev['citation']} | {ev['statement'][:60]}"


def cite(ev: dict) -> str:
    """``citation; PMID n`` of one evidence item."""
    return ev["citation"] + (f"; PMID {ev['pmid']}" if ev.get("pmid") else "")


def evidence_of(data: dict) -> dict[tuple[str, str, str], dict]:
    """(entry, drug, evidence key) -> evidence item."""
    out = {}
    for e in data["entries"]:
        for drug, de in _blocks(e):
            for ev in de["evidence"]:
                out[(e["id"], drug, evidence_key(ev))] = ev
    return out


def calls_of(data: dict) -> dict[tuple[str, str], str]:
    """(entry, drug) -> ``call`` or ``call (conflicting)``."""
    return {
        (e["id"], drug): de["call"] + (" (conflicting)" if de["conflicting"] else "")
        for e in data["entries"]
        for drug, de in _blocks(e)
    }


def _field_changes(a: dict, b: dict) -> tuple[str, str]:
    """``field: old`` and ``field: new`` for the fields that differ."""
    keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return tuple("; ".join(f"{k}: {x.get(k, '-')}" for k in keys) for x in (a, b))  # type: ignore[return-value]


def diff_catalogues(a: dict, b: dict) -> list[DiffRow]:
    """Every difference from catalogue data ``a`` to ``b``, sorted by kind, entry, drug, item."""
    rows = _releases(a, b) + _entries(a, b) + _drugs(a, b)
    ev_a, ev_b = evidence_of(a), evidence_of(b)
    touched: dict[tuple[str, str], list[str]] = {}
    for key in sorted(set(ev_a) | set(ev_b)):
        old, new = ev_a.get(key), ev_b.get(key)
        if old == new:
            continue
        change = "added" if old is None else "removed" if new is None else "changed"
        if change == "changed":
            was, now = _field_changes(old, new)
        else:
            was, now = ("", f"call: {new['call']}") if old is None else (f"call: {old['call']}", "")
        rows.append(DiffRow("evidence", change, key[0], key[1], key[2], was, now, cite(new or old)))
        touched.setdefault(key[:2], []).append(f"{key[2]} {change}")
    ca, cb = calls_of(a), calls_of(b)
    for key in sorted(set(ca) | set(cb)):
        old, new = ca.get(key, "none"), cb.get(key, "none")
        if old != new:
            change = "added" if old == "none" else "removed" if new == "none" else "changed"
            why = "; ".join(touched.get(key, ())) or "entry " + change
            rows.append(DiffRow("call", change, key[0], key[1], "", old, new, why))
    return sorted(rows, key=lambda r: (KINDS.index(r.kind), r.entry, r.drug, r.item))


def _without_calls(e: dict) -> dict:
    return {k: v for k, v in e.items() if k not in ("drugs", "monotherapy", "class_calls")}


def _entries(a: dict, b: dict) -> list[DiffRow]:
    ea, eb = ({e["id"]: e for e in d["entries"]} for d in (a, b))
    rows = []
    for eid in sorted(set(ea) | set(eb)):
        old, new = ea.get(eid), eb.get(eid)
        if old is None or new is None:
            e = new or old
            what = f"{e['gene']} {e['alteration']} ({e['kind']})"
            rows.append(DiffRow("entry", "added" if old is None else "removed", eid, item=what,
                                source=e["summary"][:160]))  # fmt: skip
            continue
        strip = _without_calls
        was, now = _field_changes(strip(old), strip(new))
        if was or now:
            rows.append(
                DiffRow("entry", "changed", eid, item="fields", old=was[:300], new=now[:300])
            )
    return rows


def _drugs(a: dict, b: dict) -> list[DiffRow]:
    da, db = ({d["id"]: d for d in x["drugs"]} for x in (a, b))
    rows = []
    for did in sorted(set(da) | set(db)):
        old, new = da.get(did), db.get(did)
        if old == new:
            continue
        change = "added" if old is None else "removed" if new is None else "changed"
        was, now = _field_changes(old or {}, new or {})
        rows.append(DiffRow("drug", change, drug=did, old=was[:300], new=now[:300]))
    return rows


def _releases(a: dict, b: dict) -> list[DiffRow]:
    ra, rb = ({s["source"]: s for s in d.get("source_releases", ())} for d in (a, b))
    rows = []
    if (a["version"], a["date"]) != (b["version"], b["date"]):
        rows.append(DiffRow("release", "changed", item="catalogue",
                            old=f"{a['version']} ({a['date']})", new=f"{b['version']} ({b['date']})"))  # fmt: skip
    for src in sorted(set(ra) | set(rb)):
        old, new = ra.get(src, {}).get("release", "none"), rb.get(src, {}).get("release", "none")
        if old != new:
            rows.append(DiffRow("release", "changed", item=src, old=old, new=new))
    return rows


def diff_catalogue_files(
    a: str, b: str, tsv: str | None = None, md: str | None = None
) -> list[DiffRow]:
    """Diff two catalogue files (each validated first) and write the TSV and/or Markdown.

    Raises
    ------
    CatalogueError
        Either file is missing or fails validation (one line naming it).
    """
    from alkannot.catalogue import load_catalogue, validated_data
    from alkannot.report.changes import write_diff

    data = []
    for path in (a, b):
        cat = load_catalogue(path)  # the semantic checks too, not only the schema
        data.append(validated_data(cat.path))
    rows = diff_catalogues(*data)
    title = f"Catalogue {data[0]['version']} ({a}) -> {data[1]['version']} ({b})"
    write_diff(rows, title, tsv, md)
    return rows
