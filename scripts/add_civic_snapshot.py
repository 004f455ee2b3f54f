"""Record in catalogue.yaml the CIViC release the catalogue was built from (issue 27).

Catalogue 3.0.0 took its CIViC evidence from ``shared/literature/civic_01-Aug-2024_*`` (accepted
evidence of the 01-Aug-2024 release). This writes ``source_releases``: that release with its
in-scope items (ALK and the bypass genes) as :func:`alkannot.knowledge.civic_import.civic_snapshot`
reads them, the slice file's SHA-256, and the literature tables' checksums, so that
``alkannot catalogue import-civic`` can compare a later release item by item. Run once;
``--check`` fails when the YAML would change. Usage: ``python scripts/add_civic_snapshot.py [--check]``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "catalogue" / "catalogue.yaml"
FIXTURE = ROOT / "tests" / "fixtures" / "civic" / "01-Aug-2024"
SHARED = ROOT.parent / "shared" / "literature"
TABLES = (
    "alk_mutation_drug_sensitivity.tsv",
    "bypass_mechanisms.tsv",
    "guidelines_and_approvals.tsv",
    "lin2017_table2_qualitative_coverage.tsv",
    "moalmanac_ALK_TKI_regulatory_indications.tsv",
)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from alkannot.catalogue import load_catalogue
    from alkannot.io.civic import read_civic_release
    from alkannot.knowledge.civic_import import _set_snapshot

    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    cat = load_catalogue(CATALOGUE)
    release = read_civic_release(FIXTURE)
    slice_file = SHARED / "civic_01-Aug-2024_ALK_context_evidence.tsv"
    release = release.__class__(
        release.release, release.path, {slice_file.name: _sha(slice_file)}, release.items
    )
    out = {}
    for k, v in data.items():
        if k != "source_releases":
            out[k] = v
        if k == "sources":
            out["source_releases"] = []
    _set_snapshot(out, release, cat)
    out["source_releases"][0]["note"] = (
        "accepted evidence of the 01-Aug-2024 release, as sliced in shared/literature (the "
        "checksum is the slice's; the release's own files were not bundled)"
    )
    out["source_releases"].append(
        {
            "source": "literature tables (shared/literature)",
            "release": "not dated by their source; read for catalogue 2.0.0 and 3.0.0",
            "files": {t: _sha(SHARED / t) for t in TABLES},
        }
    )
    out["source_releases"].append(
        {
            "source": "sources_2026.tsv",
            "release": data["date"],
            "files": {"sources_2026.tsv": _sha(CATALOGUE.parent / "sources_2026.tsv")},
        }
    )
    text = yaml.safe_dump(out, sort_keys=False, width=100, allow_unicode=True)
    if "--check" in sys.argv:
        sys.exit(0 if text == CATALOGUE.read_text(encoding="utf-8") else "catalogue.yaml is stale")
    tmp = CATALOGUE.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(CATALOGUE)


if __name__ == "__main__":
    main()
