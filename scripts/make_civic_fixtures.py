"""Build the CIViC release fixtures of tests/fixtures/civic/ (issue 27).

``01-Aug-2024/``: the slice ``shared/literature/civic_01-Aug-2024_ALK_context_evidence.tsv`` (158
items of the 01-Aug-2024 release) written in the release's own layout: the 25 columns of
``ClinicalEvidenceSummaries.tsv`` in the release's order; columns the slice does not keep (doid,
phenotypes, asco_abstract_id, nct_ids, variant_origin, last_review_date,
molecular_profile_civic_url, is_flagged) are left empty, and ``evidence_status`` is ``accepted``
(the slice holds accepted evidence only, shared/literature/README.md).

``01-Sep-2024/``: a hand-made "next release": the same rows with exactly the planted changes of
:data:`PLANTED` (a test fixture, not a real release: the two new items carry ids above 900000 and
say so in their statement). Usage: ``python scripts/make_civic_fixtures.py [SHARED_DIR]``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "civic"
#: CIViC's release header of ClinicalEvidenceSummaries.tsv, in order.
HEADER = [
    "molecular_profile",
    "molecular_profile_id",
    "disease",
    "doid",
    "phenotypes",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "asco_abstract_id",
    "citation",
    "nct_ids",
    "rating",
    "evidence_status",
    "evidence_id",
    "variant_origin",
    "last_review_date",
    "evidence_civic_url",
    "molecular_profile_civic_url",
    "is_flagged",
]
_PLANTED_NOTE = "PLANTED TEST ITEM (tests/fixtures/civic): not a real CIViC evidence item."
#: The planted changes of the "next release" (the tests expect exactly these).
PLANTED = {
    "new": {
        "evidence_id": "900001", "molecular_profile": "ALK G1202R", "molecular_profile_id": "0",
        "disease": "Lung Non-small Cell Carcinoma", "therapies": "Lorlatinib",
        "evidence_type": "Predictive", "evidence_direction": "Supports", "evidence_level": "C",
        "significance": "Sensitivity/Response", "rating": "3", "citation_id": "",
        "source_type": "PubMed", "citation": "Planted 2024", "evidence_status": "accepted",
        "evidence_statement": _PLANTED_NOTE,
    },
    "compound": {
        "evidence_id": "900002",
        "molecular_profile": "ALK EML4::ALK AND ALK F1174L AND ALK L1196M",
        "molecular_profile_id": "0", "disease": "Lung Non-small Cell Carcinoma",
        "therapies": "Lorlatinib", "evidence_type": "Predictive",
        "evidence_direction": "Supports", "evidence_level": "D", "significance": "Resistance",
        "rating": "3", "citation_id": "", "source_type": "PubMed", "citation": "Planted 2024",
        "evidence_status": "accepted", "evidence_statement": _PLANTED_NOTE,
    },
    "level": ("1346", "evidence_level", "C"),  # ALK C1156Y / crizotinib: D -> C
    "direction": ("1341", "evidence_direction", "Does Not Support"),  # L1196M / ceritinib
    "withdrawn": "1288",  # ALK V1180L / crizotinib: not in the next release
}  # fmt: skip


def _write(folder: Path, release: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{release}-ClinicalEvidenceSummaries.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, HEADER, delimiter="\t", lineterminator="\n", restval="")
        w.writeheader()
        w.writerows({k: r.get(k, "") for k in HEADER} for r in rows)


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    src = shared / "literature" / "civic_01-Aug-2024_ALK_context_evidence.tsv"
    with src.open(encoding="utf-8") as fh:
        rows = [dict(r, evidence_status="accepted") for r in csv.DictReader(fh, delimiter="\t")]
    _write(OUT / "01-Aug-2024", "01-Aug-2024", rows)
    nxt = [dict(r) for r in rows if r["evidence_id"] != PLANTED["withdrawn"]]
    for eid, column, value in (PLANTED["level"], PLANTED["direction"]):
        row = next(r for r in nxt if r["evidence_id"] == eid)
        row[column] = value
    nxt += [PLANTED["new"], PLANTED["compound"]]
    _write(OUT / "01-Sep-2024", "01-Sep-2024", nxt)


if __name__ == "__main__":
    main()
