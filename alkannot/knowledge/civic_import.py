"""Import a CIViC release into the catalogue: compare, propose, and (on request) apply.

The catalogue keeps, under ``source_releases``, the CIViC release it was built from with that
release's evidence items (ALK and the bypass genes) as they stood. A new release is compared
with that snapshot item by item (EID): **new** items, **changed** items (level, direction,
significance, rating, therapies, profile, status) and **withdrawn** items (absent or no longer
accepted). Each change is then carried to the catalogue evidence that cites the EID:

- level: ``civic_level`` and the mapped level (A/B clinical, C case, D preclinical, E inferential;
  resources/catalogue/README.md);
- direction or significance: the item's call (Supports + Resistance -> resistant, + Sensitivity/
  Response -> sensitive, + Reduced Sensitivity -> reduced; Does Not Support -> unknown, which never
  drives a call but marks the drug's call conflicting);
- withdrawn: the item leaves the catalogue (a drug left without evidence leaves the entry);
- new: a predictive item whose profile and therapy map to a catalogue entry and drug joins it; a
  compound of catalogued ALK mutations without an entry becomes a new compound entry (its calls
  its own, never its parts'); anything else is listed as not mapped, with the reason.

Every drug's call is re-derived from its evidence; the calls that change are part of the proposal.
Nothing is written unless ``apply`` is asked for; then the new version carries one change-log line
per change (who, when, source release and its checksum).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from alkannot.catalogue import Catalogue, derived_call
from alkannot.errors import CatalogueError, ConfigError
from alkannot.io.civic import CivicItem, CivicRelease

#: CIViC evidence level -> catalogue level (resources/catalogue/README.md, migrate_catalogue_v2).
CIVIC_LEVEL = {
    "A": "clinical",
    "B": "clinical",
    "C": "case",
    "D": "preclinical",
    "E": "inferential",
}
_SUPPORTS = {"Resistance": "resistant", "Sensitivity/Response": "sensitive"}
_SUPPORTS["Reduced Sensitivity"] = "reduced"
#: fields whose change re-grades or re-calls the catalogue items citing the EID
_APPLIED = ("level", "direction", "significance")
_FUSION = re.compile(r"::|^(Fusion|Rearrangement)$")


def item_call(direction: str, significance: str) -> str | None:
    """The call a CIViC predictive item states, or None when it states none we map."""
    if direction == "Does Not Support":
        return "unknown"
    if direction == "Supports":
        return _SUPPORTS.get(significance)
    return None


@dataclass
class ItemChange:
    """One CIViC item that differs between the catalogue's release and the new one."""

    eid: str
    kind: str  # new, changed, withdrawn
    profile: str
    therapies: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (old, new)
    targets: list[tuple[str, str]] = field(default_factory=list)  # (entry, drug) it touches
    note: str = ""  # what the catalogue does with it (or why nothing)


@dataclass
class Proposal:
    """What a release would change: items, their catalogue targets, the new catalogue data."""

    base_release: str
    release: CivicRelease
    changes: list[ItemChange]
    outside: int  # items outside ALK and the bypass genes
    data: dict  # the catalogue data with the changes applied (not written unless asked)
    base_data: dict  # the catalogue data before


def civic_snapshot(data: dict, path: str = "catalogue") -> tuple[str, dict[str, dict]]:
    """The catalogue's CIViC release name and its items by EID.

    Raises
    ------
    CatalogueError
        The catalogue names no CIViC release it was built from.
    """
    for src in data.get("source_releases", ()):
        if src["source"] == "CIViC" and "items" in src:
            return src["release"], {i["eid"]: i for i in src["items"]}
    raise CatalogueError(
        "names no CIViC release it was built from (source_releases); import into a catalogue "
        "that records one, such as the bundled catalogue",
        path=path,
    )


def _genes(profile: str) -> set[str]:
    return {p.strip().split(" ", 1)[0] for p in re.split(r" AND | OR ", profile) if p.strip()}


def in_scope(item: CivicItem, cat: Catalogue) -> bool:
    """ALK and the bypass genes: the genes of the catalogue's entries."""
    return bool(_genes(item.molecular_profile) & {e.gene for e in cat.entries.values()})


def compare(base: dict[str, dict], release: CivicRelease, cat: Catalogue) -> list[ItemChange]:
    """New, changed and withdrawn items of ``release`` against the snapshot ``base``."""
    now = {i.eid: i for i in release.items if in_scope(i, cat) and i.status == "accepted"}
    out = []
    for eid, item in now.items():
        snap = item.snapshot()
        old = base.get(eid)
        if old is None:
            out.append(ItemChange(eid, "new", item.molecular_profile, item.therapies))
            continue
        diff = {k: (old.get(k, ""), v) for k, v in snap.items() if old.get(k, "") != v}
        if diff:
            out.append(ItemChange(eid, "changed", item.molecular_profile, item.therapies, diff))
    for eid, old in base.items():
        if eid not in now:
            out.append(
                ItemChange(
                    eid, "withdrawn", old.get("molecular_profile", ""), old.get("therapies", "")
                )
            )
    return sorted(out, key=lambda c: (c.kind, int(c.eid[3:])))


def propose(data: dict, cat: Catalogue, release: CivicRelease) -> Proposal:
    """Compare ``release`` with the catalogue's CIViC snapshot and apply it to a copy of ``data``.

    Parameters
    ----------
    data
        The catalogue file's data (as validated); not modified.
    cat
        The same catalogue, loaded.
    release
        The new release (:func:`alkannot.io.civic.read_civic_release`).
    """
    base_name, base = civic_snapshot(data, str(cat.path))
    changes = compare(base, release, cat)
    new = copy.deepcopy(data)
    by_eid = {i.eid: i for i in release.items}
    for ch in changes:
        if ch.kind == "withdrawn":
            ch.targets = _withdraw(new, ch.eid)
            ch.note = "removed from the catalogue" if ch.targets else "not cited by the catalogue"
        elif ch.kind == "changed":
            _carry_change(new, ch, by_eid[ch.eid])
        else:
            _add_new(new, ch, by_eid[ch.eid], cat)
    for entry in new["entries"]:
        _rederive(entry)
    outside = sum(1 for i in release.items if not in_scope(i, cat))
    _set_snapshot(new, release, cat)
    return Proposal(base_name, release, changes, outside, new, data)


def _locations(data: dict, eid: str):
    """(entry, drug, drug entry, evidence item) for every catalogue item citing ``eid``."""
    for e in data["entries"]:
        blocks = list(e["drugs"].items())
        if e.get("monotherapy"):
            blocks.append(("ALK inhibitor monotherapy", e["monotherapy"]))
        blocks += [(cc["drug_class"], cc) for cc in e.get("class_calls", ())]
        for drug, de in blocks:
            for ev in de["evidence"]:
                if ev.get("civic_eid") == eid:
                    yield e, drug, de, ev


def _withdraw(data: dict, eid: str) -> list[tuple[str, str]]:
    targets = []
    for e, drug, de, ev in list(_locations(data, eid)):
        de["evidence"].remove(ev)
        targets.append((e["id"], drug))
    for e in data["entries"]:
        e["drugs"] = {d: de for d, de in e["drugs"].items() if de["evidence"]}
        if e.get("monotherapy") and not e["monotherapy"]["evidence"]:
            del e["monotherapy"]
        if "class_calls" in e:
            e["class_calls"] = [cc for cc in e["class_calls"] if cc["evidence"]]
    return targets


def _carry_change(data: dict, ch: ItemChange, item: CivicItem) -> None:
    applied = [k for k in _APPLIED if k in ch.fields]
    for e, drug, _de, ev in _locations(data, ch.eid):
        ch.targets.append((e["id"], drug))
        if "level" in applied and item.level in CIVIC_LEVEL:
            ev["civic_level"], ev["level"] = item.level, CIVIC_LEVEL[item.level]
        if "direction" in applied or "significance" in applied:
            ev["call"] = item_call(item.direction, item.significance) or "unknown"
    rest = sorted(set(ch.fields) - set(applied))
    if not ch.targets:
        ch.note = "not cited by the catalogue (snapshot updated)"
    elif rest and {"molecular_profile", "therapies"} & set(rest):
        ch.note = f"{', '.join(rest)} changed: not re-mapped; a curator should review the entry"
    else:
        ch.note = "carried to the catalogue items citing it"


def _rederive(entry: dict) -> None:
    """Each call and conflicting flag from its evidence, as the load-time check requires."""
    blocks = list(entry["drugs"].values()) + list(entry.get("class_calls", ()))
    blocks += [entry["monotherapy"]] if entry.get("monotherapy") else []
    for de in blocks:
        call, conflicting = derived_call(_Ev(ev["call"]) for ev in de["evidence"])
        de["call"], de["conflicting"] = call, conflicting


@dataclass(frozen=True)
class _Ev:
    call: str


def _evidence_item(item: CivicItem, call: str, fusion: str) -> dict:
    ev = {
        "call": call,
        "source": "civic",
        "citation": f"{item.citation}; CIViC {item.eid}",
        "civic_eid": item.eid,
        "civic_level": item.level,
        "level": CIVIC_LEVEL[item.level],
        "statement": item.statement or f"CIViC {item.eid} ({item.molecular_profile})",
    }
    if item.source_type == "PubMed" and item.citation_id.isdigit():
        ev["pmid"] = item.citation_id
    if fusion:
        ev["fusion_context"] = fusion
    return ev


def map_profile(profile: str, cat: Catalogue) -> tuple[str, list[str], str, str]:
    """(entry id or "", the changes of a compound without an entry, fusion context, why not).

    A fusion part (``EML4::ALK``, ``Fusion``) is the context, not the alteration; one remaining
    part maps to its mutation or amplification entry, two or more ALK mutations to the compound
    entry with exactly those parts.
    """
    if " OR " in profile:
        return "", [], "", "an OR profile (either alteration): not one catalogue entry"
    parts = [p.strip().split(" ", 1) for p in profile.split(" AND ")]
    if any(len(p) != 2 for p in parts):
        return "", [], "", "a gene-level profile: the catalogue maps alterations"
    fusion = " and ".join(c for _g, c in parts if _FUSION.search(c))
    rest = [(g, c) for g, c in parts if not _FUSION.search(c)]
    if not rest:
        return (
            "",
            [],
            fusion,
            "the fusion itself (the catalogue's premise), not a resistance alteration",
        )
    entries = []
    for gene, change in rest:
        e = (
            cat.match_copy_number(gene, "amplification")
            if change == "Amplification"
            else cat.match_mutation(gene, change)
        )
        if e is None:
            return "", [], fusion, f"no catalogue entry for {gene} {change}"
        entries.append(e)
    if len(entries) == 1:
        return entries[0].id, [], fusion, ""
    if any(e.gene != "ALK" or e.kind != "mutation" for e in entries):
        return "", [], fusion, "a combination other than ALK mutations: not one catalogue entry"
    names = {e.alteration for e in entries}
    for e in cat.entries.values():
        if e.kind == "compound" and set(e.parts) == names:
            return e.id, [], fusion, ""
    order = sorted(names, key=lambda a: (int(re.sub(r"\D", "", a) or 0), a))
    return "", order, fusion, ""


def map_therapies(item: CivicItem, cat: Catalogue) -> tuple[list[str], str]:
    """Catalogue drug ids of the item's therapies (a combination as one drug), or why none."""
    names = [t.strip() for t in item.therapies.split(",") if t.strip()]
    if not names:
        return [], "no therapy"
    if item.therapy_interaction_type == "Combination":
        names = [" + ".join(names)]
    try:
        return [cat.canonical_drug(n) for n in names], ""
    except ConfigError:
        return [], f"therapy {item.therapies!r} is not a catalogue drug"


def _add_new(data: dict, ch: ItemChange, item: CivicItem, cat: Catalogue) -> None:
    call = item_call(item.direction, item.significance)
    if item.evidence_type != "Predictive" or call is None or item.level not in CIVIC_LEVEL:
        ch.note = (
            f"not mapped: {item.evidence_type} / {item.direction} / {item.significance} "
            f"(level {item.level or '-'}): the catalogue takes predictive items with a stated call"
        )
        return
    entry_id, compound, fusion, why = map_profile(item.molecular_profile, cat)
    drugs, why_drug = map_therapies(item, cat)
    if why or why_drug:
        ch.note = f"not mapped: {why or why_drug}"
        return
    ev = _evidence_item(item, call, fusion)
    if compound:
        entry_id = "ALK_" + "+".join(compound)
        _new_compound(data, entry_id, compound, item)
        ch.note = f"new compound entry {entry_id} (calls its own, never its parts')"
    else:
        ch.note = f"added to {entry_id}"
    entry = next(e for e in data["entries"] if e["id"] == entry_id)
    for drug in drugs:
        de = entry["drugs"].setdefault(drug, {"call": call, "conflicting": False, "evidence": []})
        de["evidence"].append(dict(ev))
        ch.targets.append((entry_id, drug))


def _new_compound(data: dict, entry_id: str, parts: list[str], item: CivicItem) -> None:
    if any(e["id"] == entry_id for e in data["entries"]):
        return
    entry = {
        "id": entry_id,
        "gene": "ALK",
        "alteration": "+".join(parts),
        "kind": "compound",
        "mechanism": "on_target_mutation",
        "summary": (
            f"Compound mutation {' + '.join(parts)} imported from CIViC {item.eid} "
            f"({item.molecular_profile}). Calls are its own, never inherited from its parts."
        ),
        "detectable_in_dna": True,
        "drugs": {},
        "parts": parts,
    }
    at = max(i for i, e in enumerate(data["entries"]) if e["kind"] == "compound") + 1
    data["entries"].insert(at, entry)


def _set_snapshot(data: dict, release: CivicRelease, cat: Catalogue) -> None:
    """The release's in-scope accepted items become the catalogue's CIViC snapshot."""
    items = [i.snapshot() for i in release.items if in_scope(i, cat) and i.status == "accepted"]
    src = {
        "source": "CIViC",
        "release": release.release,
        "files": dict(sorted(release.sha256.items())),
        "items": sorted(items, key=lambda i: int(i["eid"][3:])),
    }
    others = [s for s in data.get("source_releases", ()) if s["source"] != "CIViC"]
    data["source_releases"] = [src, *others]


def next_version(version: str) -> str:
    """3.0.0 -> 3.1.0: new evidence is a minor version (the schema is unchanged)."""
    major, minor, _patch = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0"


def applied_catalogue(p: Proposal, base_sha256: str, who: str, when: str) -> dict:
    """The new catalogue version: the proposal's data with version, previous and change log.

    One change-log line per (entry, drug) whose evidence changed: the call before and after,
    the CIViC items behind it, who applied it, when, and the release with its checksum.
    """
    from alkannot.knowledge.diff import calls_of, diff_catalogues

    if not who.strip():
        raise ConfigError("--by is required with --apply: who applies the change")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
        raise ConfigError(f"--date must be YYYY-MM-DD, not {when!r}")
    new = copy.deepcopy(p.data)
    old = p.base_data
    new["previous"] = {"version": old["version"], "date": old["date"], "sha256": base_sha256}
    new["version"], new["date"] = next_version(old["version"]), when
    evidence_file = next(n for n in p.release.sha256 if n.endswith("ClinicalEvidenceSummaries.tsv"))
    release = f"CIViC {p.release.release}"
    why: dict[tuple[str, str], list[str]] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for r in diff_catalogues(old, new):
        if r.kind == "evidence":
            what = f" ({r.old} -> {r.new})" if r.change == "changed" else ""
            why.setdefault((r.entry, r.drug), []).append(f"{r.item} {r.change}{what}")
            sources.setdefault((r.entry, r.drug), []).append(r.source)
    ca, cb = calls_of(old), calls_of(new)
    new["changes"] = [
        {
            "entry": entry,
            "drug": drug,
            "old_call": ca.get((entry, drug), "none"),
            "new_call": cb.get((entry, drug), "none"),
            "why": "; ".join(lines),
            "source": release,
            "who": who.strip(),
            "when": when,
            "release": release,
            "sha256": p.release.sha256[evidence_file],
        }  # fmt: skip
        for (entry, drug), lines in sorted(why.items())
    ]
    return new


def check_catalogue_data(data: dict, path: str) -> Catalogue:
    """Schema and semantic checks of catalogue data before it is written (one line on failure)."""
    from alkannot.catalogue import validate_catalogue_data

    validate_catalogue_data(data, path)
    return Catalogue(path, data)


def import_civic(
    release_dir: str,
    catalogue: str | None = None,
    outdir: str | None = None,
    apply_to: str | None = None,
    by: str = "",
    date: str = "",
) -> tuple[Proposal, list]:
    """Read a release, write the proposal (``outdir``), and with ``apply_to`` the new catalogue.

    Every input is read and checked, and the new catalogue validated, before anything is
    written. Returns the proposal and its catalogue diff rows.

    Raises
    ------
    AlkannotError
        A release of another layout, a catalogue that fails validation, a new catalogue that
        would fail it, ``apply_to`` naming the input catalogue, a missing ``--by``.
    """
    from pathlib import Path

    from alkannot.catalogue import load_catalogue, validated_data
    from alkannot.checksums import file_checksum
    from alkannot.io.civic import read_civic_release
    from alkannot.knowledge.diff import diff_catalogues
    from alkannot.report.atomic import write_text
    from alkannot.report.changes import write_proposal

    cat = load_catalogue(catalogue)
    data = validated_data(cat.path)
    release = read_civic_release(release_dir)
    proposal = propose(data, cat, release)
    diff = [r for r in diff_catalogues(data, proposal.data) if r.item != "catalogue"]
    text = None
    if apply_to:
        if Path(apply_to).resolve() == Path(cat.path).resolve():
            raise ConfigError("--apply must name a new file, never the catalogue it reads")
        new = applied_catalogue(proposal, file_checksum(cat.path).sha256, by, date)
        check_catalogue_data(new, apply_to)
        text = _yaml(new)
    if outdir:
        write_proposal(proposal, diff, outdir)
    if text is not None:
        write_text(apply_to, text)
    return proposal, diff


def _yaml(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)
