"""The curated resistance catalogue: load, validate (JSON Schema + semantic checks), look up.

The catalogue (``resources/catalogue/catalogue.yaml``) lists every alteration the review and the
later literature describe, with a curated call per drug and every piece of evidence behind it.
Look-ups resolve any spelling of a protein change (``1151Tins``, ``p.Thr1151dup``) to one entry.
A compound entry is matched only when all its parts are present; its calls are its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alkannot.errors import CatalogueError, ConfigError
from alkannot.hgvs import normalise_protein_change, protein_sequence
from alkannot.models import Evidence
from alkannot.resources import resource_path

#: Evidence levels, strongest first (resources/catalogue/README.md).
LEVELS = ("guideline", "clinical", "case", "preclinical", "inferential")
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}
#: Drug status, first-considered first.
STATUSES = ("approved", "guideline", "investigational", "discontinued")


def strongest_level(evidence: Iterable[Evidence], call: str | None = None) -> str:
    """The strongest level among evidence items (stating ``call`` when given); "" when none."""
    levels = [ev.level for ev in evidence if call is None or ev.call == call]
    return min(levels, key=LEVEL_RANK.get) if levels else ""


def derived_call(evidence: Iterable[Evidence]) -> tuple[str, bool]:
    """The call and ``conflicting`` flag that the evidence items imply.

    Agreement gives the call; ``reduced`` with ``resistant`` gives ``resistant`` (both say the drug
    loses activity); ``sensitive`` against ``reduced``/``resistant`` gives ``reduced``. A source
    saying the sensitivity is not reported (``unknown``) beside a stated call marks it conflicting
    without changing it. ``conflicting`` is true whenever the items do not all state one call.
    """
    calls = [ev.call for ev in evidence]
    stated = set(calls) - {"unknown"}
    if not stated:
        return "unknown", False
    if len(stated) == 1:
        return next(iter(stated)), "unknown" in calls
    if stated == {"reduced", "resistant"}:
        return "resistant", True
    return "reduced", True


#: A citation that names a published or regulatory source a reader can find: PMC id, DOI, an
#: approval or guideline table row, the review's reference numbers, or a journal's volume and
#: pages ("Cancer Discov 7(2):137-55").
_LOCATABLE = re.compile(
    r"\bPMC\d+|\bdoi:|MOAlmanac|\b(?:FDA|EMA|ESMO|NCCN|ASCO)\b|^Review\b|\d+\(\d+\):\d+"
)


def has_primary_source(ev: Evidence) -> bool:
    """True when an evidence item points to a source a reader can find (not a news summary).

    A PMID, DOI, PMC id, CIViC evidence item, the review, a publisher or registry page, or a
    citation with a regulatory/guideline row or journal volume and pages counts; an item marked
    ``source_kind: secondary`` (a news or conference report) never does.
    """
    if ev.source_kind == "secondary":
        return False
    pointers = (ev.pmid, ev.doi, ev.pmc, ev.civic_eid, ev.url)
    return any(pointers) or ev.source == "review" or bool(_LOCATABLE.search(ev.citation))


@dataclass(frozen=True, slots=True)
class Statement:
    """A sourced sentence that is not a drug call: a line-of-therapy recommendation, what to look
    for, a prognostic marker, a histology note, a drug's development status."""

    text: str
    citation: str
    level: str = ""
    drug: str = ""
    pmid: str = ""
    doi: str = ""
    pmc: str = ""
    url: str = ""
    locator: str = ""
    source_kind: str = ""
    source_row: str = ""

    @property
    def cite(self) -> str:
        """``citation; PMID n; doi:x; locator`` for a report line."""
        parts = [self.citation]
        parts += [f"PMID {self.pmid}"] if self.pmid else []
        parts += [f"doi:{self.doi}"] if self.doi else []
        parts += [self.pmc] if self.pmc and self.pmc not in self.citation else []
        parts += [self.locator] if self.locator else []
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class DrugEntry:
    """The curated call of one drug for one catalogue entry, with its evidence."""

    drug: str
    call: str
    conflicting: bool
    evidence: tuple[Evidence, ...]
    after_progression: bool = False  # a source reports activity after progression on this drug
    alk_part: str = ""  # "choose": the ALK inhibitor of a combination follows the on-target profile
    note: str = ""
    tier: str = ""  # a curated AMP/ASCO/CAP tier, checked against the evidence (tier_for)

    @property
    def level(self) -> str:
        """The strongest level among the items pointing the call's way (a ``reduced`` or
        ``resistant`` call: the items saying the drug loses activity), never an item that says
        the opposite; for ``unknown`` the strongest of any item."""
        same_way = {"sensitive": ("sensitive",), "reduced": ("reduced", "resistant")}
        calls = same_way.get(self.call, ("resistant", "reduced"))
        if self.call == "unknown":
            return strongest_level(self.evidence)
        return strongest_level(ev for ev in self.evidence if ev.call in calls)


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalogue entry (an alteration, a compound, a copy-number change or a context)."""

    id: str
    gene: str
    alteration: str
    kind: str
    mechanism: str
    summary: str
    detectable_in_dna: bool
    drugs: dict[str, DrugEntry]
    hgvsp: str = ""
    synonyms: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    notes: str = ""
    setting: str = ""  # kind "setting": the treatment history it applies to
    monotherapy: DrugEntry | None = None  # bypass: the call of ALK inhibitors not named in drugs
    threshold: dict | None = None  # amplification: {"fold", "citation", "statement", "borrowed"}
    ligand_note: Evidence | None = None
    # kind "setting": a sourced order of preference among its drugs (ties share a group), with
    # its citation: {"order": [["alectinib"], ["ceritinib", "brigatinib"], ...], "citation", ...}
    preference: dict | None = None
    compound_class: str = ""  # "G1202R-based" or "I1171-based" (Shiba-Ishii 2022)
    class_source: Statement | None = None
    line: str = ""  # kind "line": the line of therapy it describes
    recommend: tuple[Statement, ...] = ()  # kind "line": what the sources recommend
    look_for: tuple[Statement, ...] = ()  # kind "line": what to look for
    statements: tuple[Statement, ...] = ()  # kinds "prognostic", "histology": the sourced facts


@dataclass(frozen=True, slots=True)
class Approval:
    """A regulatory approval for ALK-positive NSCLC, from the sourced tables."""

    agency: str
    date: str
    indication: str
    source: str


@dataclass(frozen=True, slots=True)
class Drug:
    """A drug (or combination) the catalogue makes calls for."""

    id: str
    aliases: tuple[str, ...]
    drug_class: str
    alk_inhibitor: bool
    status: str = "investigational"
    status_note: str = ""
    approvals: tuple[Approval, ...] = ()
    generation: int | None = None
    components: tuple[str, ...] = ()
    fallback: bool = False  # offered only when no ALK inhibitor has a positive call
    status_sources: tuple[Statement, ...] = ()  # where the status comes from (trial registry, ...)

    @property
    def approval_text(self) -> str:
        """``FDA 2021-03-03; EMA 2019-05-06`` or the status note."""
        if self.approvals:
            return "; ".join(f"{a.agency} {a.date}" for a in self.approvals)
        return self.status_note


class Catalogue:
    """A loaded, validated catalogue with look-ups by alteration."""

    def __init__(self, path: str, data: dict):
        self.path = path
        self.name = data["name"]
        self.version = f"{data['version']} ({data['date']})"
        self.drugs = [_drug(d) for d in data["drugs"]]
        self.changes: tuple[dict, ...] = tuple(data.get("changes", ()))
        self.date: str = data["date"]
        self.source_releases: tuple[dict, ...] = tuple(data.get("source_releases", ()))
        self.previous: dict | None = data.get("previous")
        self.drug_by_id = {d.id: d for d in self.drugs}
        for d in self.drugs:
            if d.status == "approved" and not d.approvals:
                raise CatalogueError(
                    f"drug {d.id}: status approved needs its approvals (agency, date, source)",
                    path=path,
                )
        self._drug_ids = {d.id.lower(): d.id for d in self.drugs}
        for d in self.drugs:
            for a in d.aliases:
                self._drug_ids[a.lower()] = d.id
        self.entries: dict[str, Entry] = {}
        self._by_change: dict[tuple[str, str], Entry] = {}
        alk = protein_sequence("ALK")
        for raw in data["entries"]:
            entry = _entry(raw, self.drugs)
            if entry.id in self.entries:
                raise CatalogueError(f"duplicate entry id {entry.id}", path=path)
            for drug in entry.drugs:
                if drug.lower() not in self._drug_ids:
                    raise CatalogueError(
                        f"entry {entry.id}: unknown drug {drug!r}; add it to the drugs list",
                        path=path,
                    )
            _check_calls(entry, path, self.drug_by_id)
            self.entries[entry.id] = entry
            if entry.kind == "mutation":
                protein = alk if entry.gene == "ALK" else None
                names = {entry.alteration, *entry.synonyms}
                if entry.hgvsp:
                    names.add(entry.hgvsp)
                for name in names:
                    key = normalise_protein_change(name, protein)
                    if not key:
                        continue
                    other = self._by_change.get((entry.gene, key))
                    if other is not None and other.id != entry.id:
                        raise CatalogueError(
                            f"entries {other.id} and {entry.id} both claim {entry.gene} {key}",
                            path=path,
                        )
                    self._by_change[(entry.gene, key)] = entry

    def canonical_drug(self, name: str) -> str:
        """Return the catalogue id of a drug name or alias (case-insensitive)."""
        key = name.strip().lower()
        if key in self._drug_ids:
            return self._drug_ids[key]
        known = ", ".join(d.id for d in self.drugs if d.alk_inhibitor)
        raise ConfigError(f"unknown drug {name!r}; known ALK inhibitors: {known}")

    def match_mutation(self, gene: str, change: str) -> Entry | None:
        """The entry of a protein change in any spelling, or None."""
        protein = protein_sequence("ALK") if gene == "ALK" else None
        key = normalise_protein_change(change, protein)
        return self._by_change.get((gene, key)) if key else None

    def match_compounds(self, gene: str, changes: Iterable[str]) -> list[Entry]:
        """Compound entries all of whose parts are among ``changes``.

        A part ``*`` stands for a second catalogued kinase-domain resistance mutation of the gene
        (the literature's "G1202R plus a second ALK mutation"); the caller passes only passing,
        catalogued mutations, so a variant of unknown significance never completes a compound.
        """
        protein = protein_sequence("ALK") if gene == "ALK" else None
        present = {normalise_protein_change(c, protein) for c in changes} - {""}
        present = {c for c in present if not c.endswith("=")}
        out = []
        for e in self.entries.values():
            if e.kind != "compound" or e.gene != gene:
                continue
            named = {normalise_protein_change(p, protein) for p in e.parts if p != "*"}
            if not named <= present:
                continue
            if "*" in e.parts:
                others = [
                    c
                    for c in present - named
                    if (m := self._by_change.get((gene, c))) is not None
                    and m.kind == "mutation"
                    and any(de.call != "unknown" for de in m.drugs.values())
                ]
                if not others:
                    continue
            out.append(e)
        return sorted(out, key=lambda e: e.id)

    def match_copy_number(self, gene: str, call: str) -> Entry | None:
        """The amplification entry of a gene for an amplification call, or None.

        A gain is an observation, never a mechanism: only ``amplification`` matches.
        """
        if call != "amplification":
            return None
        for e in self.entries.values():
            if e.kind == "amplification" and e.gene == gene:
                return e
        return None

    def amplification_threshold(self, gene: str) -> dict | None:
        """The sourced fold-change threshold of a gene's amplification entry, or None."""
        for e in self.entries.values():
            if e.kind == "amplification" and e.gene == gene and e.threshold:
                return e.threshold
        return None

    def match_fusion_loss(self, gene: str = "ALK") -> Entry | None:
        """The fusion-loss entry of a gene, or None."""
        return next(
            (e for e in self.entries.values() if e.kind == "fusion_loss" and e.gene == gene), None
        )

    def context_entries(self) -> list[Entry]:
        """Clinical-context statements (brain metastases, frail patients, ...)."""
        return [e for e in self.entries.values() if e.kind == "context"]

    def setting_entries(self) -> list[Entry]:
        """Treatment-history statements (after crizotinib, after a second-generation inhibitor)."""
        return [e for e in self.entries.values() if e.kind == "setting"]

    def entries_of_kind(self, kind: str) -> list[Entry]:
        """Entries of one kind (``line``, ``prognostic``, ``histology``, ...), in file order."""
        return [e for e in self.entries.values() if e.kind == kind]

    def change_log_text(self) -> str:
        """The change log, one line per change: ``entry / drug: old -> new (why; source)``."""
        return "\n".join(
            f"{c['entry']} / {c['drug']}: {c['old_call']} -> {c['new_call']} ({c['why']}; "
            f"{c['source']})"
            for c in self.changes
        )

    def releases_text(self) -> str:
        """The sources' releases this version was built from: ``CIViC 01-Aug-2024; ...``."""
        return "; ".join(f"{s['source']} {s['release']}" for s in self.source_releases)

    def provenance(self, local: bool) -> dict[str, str]:
        """The catalogue's identity for a report: name, version and date, file and SHA-256, the
        sources' releases, the previous version and the change log since it."""
        from alkannot.checksums import file_checksum

        prev = self.previous
        return {
            "name": self.name,
            "version": self.version,
            "path": str(self.path) if local else "bundled",
            "sha256": file_checksum(self.path).sha256,
            "releases": self.releases_text(),
            "previous": f"{prev['version']} ({prev['date']})" if prev else "",
            "changes": self.change_log_text(),
        }

    def not_detectable_in_dna(self) -> list[Entry]:
        """Mechanisms that DNA sequencing cannot see (ligand-driven EGFR, IGF-1R activation)."""
        return [e for e in self.entries.values() if not e.detectable_in_dna]


def statement_lines(entry: Entry) -> list[str]:
    """The sourced non-call statements of an entry, one line each, labelled by role."""
    out = []
    if entry.compound_class:
        src = f" [{entry.class_source.cite}]" if entry.class_source else ""
        out.append(f"compound class: {entry.compound_class}{src}")
    for role, items in (
        ("recommend", entry.recommend),
        ("look for", entry.look_for),
        ("source", entry.statements),
    ):
        out += [f"{role}: {s.text} [{s.cite}; {s.level or 'no level'}]" for s in items]
    return out


def _evidence(e: dict) -> Evidence:
    return Evidence(
        call=e["call"],
        source=e["source"],
        citation=e["citation"],
        pmid=e.get("pmid", ""),
        civic_eid=e.get("civic_eid", ""),
        level=e["level"],
        assay=e.get("assay", ""),
        statement=e["statement"],
        fusion_context=e.get("fusion_context", ""),
        civic_level=e.get("civic_level", ""),
        doi=e.get("doi", ""),
        pmc=e.get("pmc", ""),
        url=e.get("url", ""),
        locator=e.get("locator", ""),
        source_kind=e.get("source_kind", ""),
        source_row=e.get("source_row", ""),
    )


def _statement(s: dict) -> Statement:
    return Statement(**s)


def _drug_entry(drug: str, d: dict) -> DrugEntry:
    return DrugEntry(
        drug,
        d["call"],
        d["conflicting"],
        tuple(_evidence(e) for e in d["evidence"]),
        after_progression=d.get("after_progression", False),
        alk_part=d.get("alk_part", ""),
        note=d.get("note", ""),
        tier=d.get("tier", ""),
    )


def _drug(d: dict) -> Drug:
    return Drug(
        d["id"],
        tuple(d.get("aliases", ())),
        d["drug_class"],
        d["alk_inhibitor"],
        status=d["status"],
        status_note=d.get("status_note", ""),
        approvals=tuple(Approval(**a) for a in d.get("approvals", ())),
        generation=d.get("generation"),
        components=tuple(d.get("components", ())),
        fallback=d.get("fallback", False),
        status_sources=tuple(_statement(s) for s in d.get("status_sources", ())),
    )


def _entry(raw: dict, drug_list: list[Drug] = ()) -> Entry:
    drugs = {drug: _drug_entry(drug, d) for drug, d in raw["drugs"].items()}
    # a statement about a drug class ("a second-generation ALK inhibitor") applies to every drug
    # of that generation the entry does not name itself
    for cc in raw.get("class_calls", ()):
        for d in drug_list:
            if d.generation == cc["generation"] and d.id not in drugs:
                drugs[d.id] = _drug_entry(d.id, cc)
    mono = raw.get("monotherapy")
    ligand = raw.get("ligand_note")
    return Entry(
        id=raw["id"],
        gene=raw["gene"],
        alteration=raw["alteration"],
        kind=raw["kind"],
        mechanism=raw["mechanism"],
        summary=raw["summary"],
        detectable_in_dna=raw["detectable_in_dna"],
        drugs=drugs,
        hgvsp=raw.get("hgvsp", ""),
        synonyms=tuple(raw.get("synonyms", ())),
        parts=tuple(raw.get("parts", ())),
        notes=raw.get("notes", ""),
        setting=raw.get("setting", ""),
        monotherapy=_drug_entry("ALK inhibitor monotherapy", mono) if mono else None,
        threshold=raw.get("threshold"),
        ligand_note=_evidence(ligand) if ligand else None,
        preference=raw.get("preference"),
        compound_class=raw.get("compound_class", {}).get("name", ""),
        class_source=_statement(raw["compound_class"]["source"])
        if "compound_class" in raw
        else None,
        line=raw.get("line", ""),
        recommend=tuple(_statement(s) for s in raw.get("recommend", ())),
        look_for=tuple(_statement(s) for s in raw.get("look_for", ())),
        statements=tuple(_statement(s) for s in raw.get("statements", ())),
    )


def tier_for(call: str, level: str, status: str) -> tuple[str, str]:
    """The AMP/ASCO/CAP tier and alkannot's OncoKB-style level of a call at ``level``.

    guideline -> Tier I, Level A and 1 (approved drug) or 2, R1 for resistance; clinical ->
    Tier I, Level B (an investigational agent: Tier II, Level C) and 3A, R2 for resistance;
    case, preclinical -> Tier II, Level D and 4 (no resistance level); inferential or unknown ->
    none (resources/catalogue/README.md, "Mapping to recognised scales").
    """
    if call == "unknown" or not level or level == "inferential":
        return "", ""
    positive = call == "sensitive"
    if level == "guideline":
        return "Tier I, Level A", ("1" if status == "approved" else "2") if positive else "R1"
    if level == "clinical":
        amp = (
            "Tier II, Level C"
            if status in ("investigational", "discontinued")
            else "Tier I, Level B"
        )
        return amp, "3A" if positive else "R2"
    return "Tier II, Level D", "4" if positive else ""


def _check_tier(entry: Entry, de: DrugEntry, path: str, drugs: dict) -> None:
    """A curated tier must be the one the items pointing the call's way map to."""
    if not de.tier:
        return
    status = drugs[de.drug].status if de.drug in drugs else "investigational"
    expected, _ = tier_for(de.call, de.level, status)
    if de.tier != expected:
        raise CatalogueError(
            f"entry {entry.id}, {de.drug}: tier {de.tier!r} contradicts its reason: the "
            f"{de.call} call rests on {de.level or 'no'}-level evidence pointing its way, which "
            f"maps to {expected or 'no tier'}; fix the tier or the evidence",
            path=path,
        )


def _check_calls(entry: Entry, path: str, drugs: dict | None = None) -> None:
    """A curated call must be the one its evidence implies (:func:`derived_call`), and a curated
    tier the one its deciding evidence maps to (:func:`tier_for`)."""
    des = list(entry.drugs.values()) + ([entry.monotherapy] if entry.monotherapy else [])
    for de in des:
        _check_tier(entry, de, path, drugs or {})
        call, conflicting = derived_call(de.evidence)
        if (de.call, de.conflicting) != (call, conflicting):
            raise CatalogueError(
                f"entry {entry.id}, {de.drug}: call {de.call!r} (conflicting: "
                f"{str(de.conflicting).lower()}) contradicts its evidence, which gives {call!r} "
                f"(conflicting: {str(conflicting).lower()}); fix the call or the evidence",
                path=path,
            )
        stated = [ev for ev in de.evidence if ev.call != "unknown"]
        if de.call != "unknown" and not any(has_primary_source(ev) for ev in stated):
            raise CatalogueError(
                f"entry {entry.id}, {de.drug}: call {de.call!r} has no primary source (a PMID, "
                "DOI, PMC id, CIViC EID, the review, an approval or guideline row, or a "
                "publisher or registry page; a news or conference summary is not one)",
                path=path,
            )


def _schema() -> dict:
    return json.loads(resource_path("catalogue", "catalogue.schema.json").read_text())


def validate_catalogue_data(data: object, path: str) -> None:
    """Check catalogue data against the JSON Schema.

    Raises
    ------
    CatalogueError
        Naming the entry (by id when it has one) and the failing field.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if not errors:
        return
    err = errors[0]
    where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
    entry_id = ""
    if isinstance(data, dict) and len(err.absolute_path) >= 2 and err.absolute_path[0] == "entries":
        try:
            entry_id = data["entries"][err.absolute_path[1]].get("id", "")
        except (IndexError, AttributeError, TypeError):
            entry_id = ""
    name = f"entry {entry_id}: " if entry_id else ""
    raise CatalogueError(f"{name}{where}: {err.message}", path=path)


def _read_yaml(path: str, raw: bytes | None = None) -> object:
    import yaml

    from alkannot.io.yaml_limits import expanded_size, unique_key_loader

    loader = unique_key_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        if raw is None:
            raw = Path(path).read_bytes()
        data = yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 (safe loader)
        expanded_size(data)  # an alias bomb is refused before anything walks it
        return data
    except ValueError as exc:
        raise CatalogueError(f"refused: {exc}", path=path) from None
    except RecursionError:
        raise CatalogueError("refused: nested too deeply", path=path) from None
    except FileNotFoundError:
        raise CatalogueError("catalogue file not found", path=path) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"not valid YAML ({' '.join(str(exc).split())})", path=path) from None


@cache
def _code_fingerprint() -> bytes:
    """What the validated data depends on besides the file: this module, the schema, the parsers."""
    from importlib.util import find_spec

    from alkannot import __version__

    parts = [__version__.encode(), Path(__file__).read_bytes()]
    limits = find_spec("alkannot.io.yaml_limits")  # the YAML loader's own rules
    parts.append(Path(limits.origin).read_bytes() if limits and limits.origin else b"")
    parts.append(resource_path("catalogue", "catalogue.schema.json").read_bytes())
    for lib in ("yaml", "jsonschema"):  # an upgrade reinstalls their files: new mtime and size
        spec = find_spec(lib)
        origin = Path(spec.origin) if spec and spec.origin else None
        if origin is not None and origin.exists():
            st = origin.stat()
            parts.append(f"{origin}:{st.st_size}:{st.st_mtime_ns}".encode())
    return b"\0".join(parts)


def validated_data(path: str, revalidate: bool = False) -> dict:
    """The catalogue file's data after YAML parsing and schema validation.

    The result is cached (:mod:`alkannot.cache`) under the SHA-256 of the file's bytes and of the
    code fingerprint, so an unchanged catalogue is parsed and validated once, not on every run.
    ``revalidate`` ignores a cached result (the result is stored again).
    """
    from alkannot.cache import content_key, load_json, store_json

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogueError("catalogue file not found", path=path) from None
    key = content_key(raw, _code_fingerprint())
    data = None if revalidate else load_json("catalogue", key)
    if not isinstance(data, dict):
        data = _read_yaml(path, raw)
        validate_catalogue_data(data, path)
        store_json("catalogue", key, data)
    return data  # type: ignore[return-value]


@cache
def _load(path: str, mtime: float, revalidate: bool = False) -> Catalogue:
    return Catalogue(path, validated_data(path, revalidate))


def load_catalogue(path: str | Path | None = None, revalidate: bool = False) -> Catalogue:
    """Load and validate a catalogue (default: the bundled one); cached per path and mtime.

    Across runs the parsed, schema-validated data is cached by content (see
    :func:`validated_data`); the semantic checks run on every load. ``revalidate`` parses and
    validates the file again whatever the cache holds.
    """
    p = str(path) if path else str(resource_path("catalogue", "catalogue.yaml"))
    try:
        mtime = Path(p).stat().st_mtime
    except FileNotFoundError:
        raise CatalogueError("catalogue file not found", path=p) from None
    return _load(p, mtime, revalidate)
