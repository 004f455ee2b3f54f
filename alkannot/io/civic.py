"""Read a CIViC monthly release the user downloaded (no network): its evidence summaries.

A release folder holds ``{release}-ClinicalEvidenceSummaries.tsv`` (with, beside it,
``-MolecularProfileSummaries.tsv``, ``-AssertionSummaries.tsv`` and ``-VariantSummaries.tsv``),
``{release}`` being the release date (``01-Aug-2024``) or ``nightly``. Only the evidence
summaries are read; every release file found is hashed so the catalogue can name what it was
built from. Columns are found by name (CIViC's release header since molecular profiles, 2022):
a file without them is another layout and is refused in one line.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError

EVIDENCE_SUFFIX = "-ClinicalEvidenceSummaries.tsv"
OTHER_SUFFIXES = (
    "-MolecularProfileSummaries.tsv",
    "-AssertionSummaries.tsv",
    "-VariantSummaries.tsv",
)
#: The columns the import uses, by their names in CIViC's release header.
REQUIRED = (
    "molecular_profile",
    "molecular_profile_id",
    "disease",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "citation",
    "rating",
    "evidence_status",
    "evidence_id",
)


@dataclass(frozen=True, slots=True)
class CivicItem:
    """One CIViC evidence item, as the release states it (strings, unchanged)."""

    eid: str  # "EID1346"
    molecular_profile: str
    disease: str
    therapies: str
    therapy_interaction_type: str
    evidence_type: str
    direction: str
    significance: str
    level: str  # CIViC's A-E
    rating: str
    citation: str
    citation_id: str
    source_type: str
    status: str
    statement: str

    def snapshot(self) -> dict[str, str]:
        """The fields a later release is compared on (the statement is left to the catalogue)."""
        return {
            "eid": self.eid,
            "molecular_profile": self.molecular_profile,
            "disease": self.disease,
            "therapies": self.therapies,
            "therapy_interaction_type": self.therapy_interaction_type,
            "evidence_type": self.evidence_type,
            "direction": self.direction,
            "significance": self.significance,
            "level": self.level,
            "rating": self.rating,
            "citation_id": self.citation_id,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class CivicRelease:
    """A release folder: its name, its files' SHA-256 and its evidence items."""

    release: str
    path: str
    sha256: dict[str, str]  # file name -> SHA-256
    items: tuple[CivicItem, ...]


def _evidence_file(folder: Path) -> Path:
    found = sorted(folder.glob("*" + EVIDENCE_SUFFIX))
    if not found:
        raise InputFileError(
            f"no *{EVIDENCE_SUFFIX} in the folder; give the folder of a CIViC release download "
            "(civicdb.org/releases)",
            path=str(folder),
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputFileError(
            f"several releases in one folder ({names}); keep one", path=str(folder)
        )
    return found[0]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_civic_release(folder: str | Path) -> CivicRelease:
    """Read the evidence summaries of the CIViC release in ``folder``.

    Raises
    ------
    InputFileError
        No folder, no evidence summaries, or several releases in one folder.
    InputFormatError
        Another layout (a required column missing), a duplicate or malformed evidence id.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError("not a folder; give the folder of a CIViC release", path=str(folder))
    path = _evidence_file(folder)
    release = path.name[: -len(EVIDENCE_SUFFIX)]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFormatError("not UTF-8 text", path=str(path)) from None
    rows = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED if c not in (rows.fieldnames or [])]
    if missing:
        raise InputFormatError(
            f"not the layout of a CIViC release's evidence summaries (missing columns: "
            f"{', '.join(missing)}); download the release's ClinicalEvidenceSummaries.tsv",
            path=str(path),
        )
    items, seen = [], set()
    for n, row in enumerate(rows, start=2):
        eid = (row["evidence_id"] or "").strip()
        if not eid.isdigit() or eid in seen:
            why = "duplicate" if eid in seen else "not a number"
            raise InputFormatError(
                f"evidence_id {eid!r}: {why}", path=str(path), record=f"line {n}"
            )
        seen.add(eid)
        items.append(_item(eid, row))
    files = [path] + [p for s in OTHER_SUFFIXES if (p := folder / f"{release}{s}").is_file()]
    return CivicRelease(release, str(folder), {p.name: _sha256(p) for p in files}, tuple(items))


def _item(eid: str, row: dict) -> CivicItem:
    def get(k: str) -> str:
        return (row.get(k) or "").strip()

    return CivicItem(
        eid=f"EID{eid}",
        molecular_profile=get("molecular_profile"),
        disease=get("disease"),
        therapies=get("therapies"),
        therapy_interaction_type=get("therapy_interaction_type"),
        evidence_type=get("evidence_type"),
        direction=get("evidence_direction"),
        significance=get("significance"),
        level=get("evidence_level"),
        rating=get("rating"),
        citation=get("citation"),
        citation_id=get("citation_id"),
        source_type=get("source_type"),
        status=get("evidence_status").lower(),
        statement=get("evidence_statement"),
    )
