"""The curated resistance catalogue: load, validate (JSON Schema + semantic checks), look up.

The catalogue (``resources/catalogue/catalogue.yaml``) lists every alteration the review and the
later literature describe, with a curated call per drug and every piece of evidence behind it.
Look-ups resolve any spelling of a protein change (``1151Tins``, ``p.Thr1151dup``) to one entry.
A compound entry is matched only when all its parts are present; its calls are its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alkannot.errors import CatalogueError, ConfigError
from alkannot.hgvs import normalise_protein_change, protein_sequence
from alkannot.models import Evidence
from alkannot.resources import resource_path


@dataclass(frozen=True, slots=True)
class DrugEntry:
    """The curated call of one drug for one catalogue entry, with its evidence."""

    drug: str
    call: str
    conflicting: bool
    evidence: tuple[Evidence, ...]


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


@dataclass(frozen=True, slots=True)
class Drug:
    """A drug (or combination) the catalogue makes calls for."""

    id: str
    aliases: tuple[str, ...]
    drug_class: str
    alk_inhibitor: bool


class Catalogue:
    """A loaded, validated catalogue with look-ups by alteration."""

    def __init__(self, path: str, data: dict):
        self.path = path
        self.name = data["name"]
        self.version = f"{data['version']} ({data['date']})"
        self.drugs = [
            Drug(d["id"], tuple(d.get("aliases", ())), d["drug_class"], d["alk_inhibitor"])
            for d in data["drugs"]
        ]
        self._drug_ids = {d.id.lower(): d.id for d in self.drugs}
        for d in self.drugs:
            for a in d.aliases:
                self._drug_ids[a.lower()] = d.id
        self.entries: dict[str, Entry] = {}
        self._by_change: dict[tuple[str, str], Entry] = {}
        alk = protein_sequence("ALK")
        for raw in data["entries"]:
            entry = _entry(raw)
            if entry.id in self.entries:
                raise CatalogueError(f"duplicate entry id {entry.id}", path=path)
            for drug in entry.drugs:
                if drug.lower() not in self._drug_ids:
                    raise CatalogueError(
                        f"entry {entry.id}: unknown drug {drug!r}; add it to the drugs list",
                        path=path,
                    )
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

        A part ``*`` stands for any other protein-altering change of the gene (the literature's
        "G1202R plus a second ALK mutation").
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
            if "*" in e.parts and not (present - named):
                continue
            out.append(e)
        return sorted(out, key=lambda e: e.id)

    def match_copy_number(self, gene: str, call: str) -> Entry | None:
        """The amplification entry of a gene for a gain/amplification call, or None."""
        if call not in ("amplification", "gain"):
            return None
        for e in self.entries.values():
            if e.kind == "amplification" and e.gene == gene:
                return e
        return None

    def match_fusion_loss(self, gene: str = "ALK") -> Entry | None:
        """The fusion-loss entry of a gene, or None."""
        return next(
            (e for e in self.entries.values() if e.kind == "fusion_loss" and e.gene == gene), None
        )

    def context_entries(self) -> list[Entry]:
        """Clinical-context statements (brain metastases, frail patients, ...)."""
        return [e for e in self.entries.values() if e.kind == "context"]

    def not_detectable_in_dna(self) -> list[Entry]:
        """Mechanisms that DNA sequencing cannot see (ligand-driven EGFR, IGF-1R activation)."""
        return [e for e in self.entries.values() if not e.detectable_in_dna]


def _entry(raw: dict) -> Entry:
    drugs = {}
    for drug, d in raw["drugs"].items():
        ev = tuple(
            Evidence(
                call=e["call"],
                source=e["source"],
                citation=e["citation"],
                pmid=e.get("pmid", ""),
                civic_eid=e.get("civic_eid", ""),
                level=e.get("level", ""),
                assay=e.get("assay", ""),
                statement=e["statement"],
                fusion_context=e.get("fusion_context", ""),
            )
            for e in d["evidence"]
        )
        drugs[drug] = DrugEntry(drug, d["call"], d["conflicting"], ev)
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


def _read_yaml(path: str) -> object:
    import yaml

    from alkannot.io.yaml_limits import expanded_size

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)  # noqa: S506 (safe loader)
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
def _load(path: str, mtime: float) -> Catalogue:
    data = _read_yaml(path)
    validate_catalogue_data(data, path)
    return Catalogue(path, data)  # type: ignore[arg-type]


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue (default: the bundled one); cached per path and mtime."""
    p = str(path) if path else str(resource_path("catalogue", "catalogue.yaml"))
    try:
        mtime = Path(p).stat().st_mtime
    except FileNotFoundError:
        raise CatalogueError("catalogue file not found", path=p) from None
    return _load(p, mtime)
