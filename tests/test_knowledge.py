"""Issue 27: a CIViC release as a proposal, --apply, catalogue diff, re-decision of stored results.

Expected values come from outside the code under test: the planted changes are those
``scripts/make_civic_fixtures.py`` writes into the hand-made next release (``PLANTED``); which
catalogue entry and drug cite an EID is read from ``catalogue.yaml``'s text; the level mapping is
resources/catalogue/README.md's table (CIViC C -> case, D -> preclinical); checksums are computed
here with hashlib; which examples carry G1202R comes from ``resources/examples/truth.tsv``; and a
re-decided result must equal a fresh annotation of the raw inputs with the same catalogue.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import importlib.util
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from alkannot.catalogue import load_catalogue, validated_data
from alkannot.io.civic import read_civic_release
from alkannot.knowledge.civic_import import import_civic, propose
from alkannot.knowledge.diff import diff_catalogue_files

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "civic"
BUNDLED = ROOT / "resources" / "catalogue" / "catalogue.yaml"
_spec = importlib.util.spec_from_file_location("mkfix", ROOT / "scripts" / "make_civic_fixtures.py")
MKFIX = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MKFIX)
PLANTED = MKFIX.PLANTED


def _citing(eid: str) -> set[tuple[str, str]]:
    """(entry, drug) pairs whose evidence cites ``eid``, read from the YAML text itself."""
    out, entry, drug = set(), None, None
    for line in BUNDLED.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^- id: (\S+)", line):
            entry = m.group(1)
        elif m := re.match(r"^    (\S[^:]*):$", line):
            drug = m.group(1).strip("'")
        elif line.strip() == f"civic_eid: {eid}":
            out.add((entry, drug))
    return out


def _planted() -> dict[str, str]:
    return {
        "EID" + PLANTED["new"]["evidence_id"]: "new",
        "EID" + PLANTED["compound"]["evidence_id"]: "new",
        "EID" + PLANTED["level"][0]: "changed",
        "EID" + PLANTED["direction"][0]: "changed",
        "EID" + PLANTED["withdrawn"]: "withdrawn",
    }


@pytest.fixture(scope="module")
def base():
    cat = load_catalogue(BUNDLED)
    return cat, validated_data(cat.path)


def test_fixture_is_the_slice_in_the_release_layout():
    # every item of the shared slice (158 rows, shared/literature/README.md) is in the fixture
    rel = read_civic_release(FIX / "01-Aug-2024")
    assert rel.release == "01-Aug-2024" and len(rel.items) == 158
    header = (FIX / "01-Aug-2024" / "01-Aug-2024-ClinicalEvidenceSummaries.tsv").open().readline()
    assert header.rstrip("\n").split("\t") == MKFIX.HEADER and len(MKFIX.HEADER) == 25


def test_the_release_the_catalogue_was_built_from_proposes_nothing(base):
    cat, data = base
    p = propose(data, cat, read_civic_release(FIX / "01-Aug-2024"))
    assert p.base_release == "01-Aug-2024"
    assert p.changes == []
    # the slice's non-ALK, non-bypass items: ABCB1, AREG (x2) by their profile column
    assert p.outside == 3


def test_next_release_lists_exactly_the_planted_changes(base):
    cat, data = base
    p = propose(data, cat, read_civic_release(FIX / "01-Sep-2024"))
    assert {c.eid: c.kind for c in p.changes} == _planted()
    by = {c.eid: c for c in p.changes}
    lvl, direction, gone = PLANTED["level"][0], PLANTED["direction"][0], PLANTED["withdrawn"]
    assert by["EID" + lvl].fields == {"level": ("D", "C")}
    assert by["EID" + direction].fields == {"direction": ("Supports", "Does Not Support")}
    for eid in (lvl, direction, gone):
        assert set(by["EID" + eid].targets) == _citing("EID" + eid) != set()
    assert by["EID900001"].targets == [("ALK_G1202R", "lorlatinib")]
    assert by["EID900002"].targets == [("ALK_F1174L+L1196M", "lorlatinib")]


def _entry(data: dict, eid: str) -> dict:
    return next(e for e in data["entries"] if e["id"] == eid)


def test_apply_then_diff_round_trips(base, tmp_path):
    cat, data = base
    new_path = tmp_path / "catalogue-3.1.yaml"
    release = FIX / "01-Sep-2024"
    proposal, diff = import_civic(
        str(release), None, str(tmp_path / "proposal"), str(new_path), "A Curator", "2026-12-06"
    )
    assert (tmp_path / "proposal" / "proposal.md").is_file()
    new = yaml.safe_load(new_path.read_text(encoding="utf-8"))
    assert (new["version"], new["date"]) == ("3.1.0", "2026-12-06")
    assert new["previous"]["version"] == "3.0.0"
    assert new["previous"]["sha256"] == hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    rows = diff_catalogue_files(str(BUNDLED), str(new_path))
    evidence = {r.item: r.change for r in rows if r.kind == "evidence"}
    expected = {
        e: {"new": "added", "withdrawn": "removed"}.get(k, k) for e, k in _planted().items()
    }
    assert evidence == expected
    assert [(r.entry, r.change) for r in rows if r.kind == "entry"] == [
        ("ALK_F1174L+L1196M", "added")
    ]
    # the proposal's calls are the diff's calls
    assert [r for r in diff if r.kind == "call"] == [r for r in rows if r.kind == "call"]
    # level mapping (README): CIViC C -> case; D -> preclinical
    c1156y = _entry(new, "ALK_C1156Y")["drugs"]["crizotinib"]["evidence"]
    item = next(ev for ev in c1156y if ev.get("civic_eid") == "EID1346")
    assert (item["civic_level"], item["level"]) == ("C", "case")
    # Does Not Support -> unknown (README); beside the other sensitive items of L1196M /
    # ceritinib the call stays sensitive and becomes conflicting (derived_call's rule)
    ceritinib = _entry(new, "ALK_L1196M")["drugs"]["ceritinib"]
    assert [ev["call"] for ev in ceritinib["evidence"] if ev.get("civic_eid") == "EID1341"] == [
        "unknown"
    ]
    assert (ceritinib["call"], ceritinib["conflicting"]) == ("sensitive", True)
    assert not any(
        ev.get("civic_eid") == "EID1288" for de in _entry(new, "ALK_V1180L")["drugs"].values()
        for ev in de["evidence"]
    )  # fmt: skip
    compound = _entry(new, "ALK_F1174L+L1196M")
    assert compound["kind"] == "compound" and compound["parts"] == ["F1174L", "L1196M"]
    ev = compound["drugs"]["lorlatinib"]["evidence"][0]
    assert (ev["call"], ev["level"]) == ("resistant", "preclinical")
    # change log: who, when, source release and the checksum of its evidence file
    sha = hashlib.sha256(
        (release / "01-Sep-2024-ClinicalEvidenceSummaries.tsv").read_bytes()
    ).hexdigest()
    logged = {(c["entry"], c["drug"]) for c in new["changes"]}
    assert logged == {(r.entry, r.drug) for r in rows if r.kind == "evidence"}
    assert {(c["who"], c["when"], c["release"], c["sha256"]) for c in new["changes"]} == {
        ("A Curator", "2026-12-06", "CIViC 01-Sep-2024", sha)
    }
    # importing the same release into the new version proposes nothing
    cat2 = load_catalogue(new_path)
    again = propose(validated_data(cat2.path), cat2, read_civic_release(release))
    assert again.changes == []
    # and the new version prints its releases and previous version in its provenance
    prov = cat2.provenance(True)
    assert prov["releases"].startswith("CIViC 01-Sep-2024") and prov["previous"].startswith("3.0.0")


def test_the_bundled_catalogue_names_its_sources_releases():
    prov = load_catalogue(BUNDLED).provenance(False)
    assert prov["releases"].startswith("CIViC 01-Aug-2024")
    assert "sources_2026.tsv" in prov["releases"]


# --- re-decision -------------------------------------------------------------------------------


def _rows():
    from alkannot.io.samplesheet import read_samplesheet

    return read_samplesheet(ROOT / "resources" / "examples" / "samples.tsv", base=ROOT)


def _annotate(row, catalogue: str | None):
    from alkannot.api import annotate_sample

    req = row.request()
    return annotate_sample(replace(req, options=replace(req.options, catalogue=catalogue)))


@pytest.fixture(scope="module")
def no_g1202r_lorlatinib(tmp_path_factory, base):
    """A hypothetical test catalogue (never a clinical fact): the bundled one with every ALK
    G1202R / lorlatinib item turned into a resistance statement. (Items stating no call would not
    do: the after-crizotinib setting then still makes lorlatinib sensitive, drugs.py rule 3.)"""
    _cat, data = base
    data = copy.deepcopy(data)
    de = _entry(data, "ALK_G1202R")["drugs"]["lorlatinib"]
    de["call"], de["conflicting"] = "resistant", False
    for ev in de["evidence"]:
        ev["call"] = "resistant"
    path = tmp_path_factory.mktemp("cat") / "no-g1202r-lorlatinib.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The bundled examples annotated with the bundled catalogue, written and read back."""
    from alkannot.io.results import read_result_json
    from alkannot.report.sample import write_sample_reports

    out = tmp_path_factory.mktemp("stored")
    paths = {}
    for row in _rows():
        write_sample_reports(_annotate(row, None), out / row.sample, formats=("json", "html"))
        paths[row.sample] = out / row.sample / f"{row.sample}.json"
    return {s: (p, read_result_json(p)) for s, p in paths.items()}, _rows()


def _decision(r):
    return r.findings, r.mechanisms, r.drugs, r.board_context


def test_redecide_equals_a_fresh_annotation(stored, no_g1202r_lorlatinib):
    from alkannot.redecide import redecide

    results, rows = stored
    for cat_path in (None, no_g1202r_lorlatinib):
        cat = load_catalogue(cat_path)
        for row in rows:
            fresh = _annotate(row, cat_path)
            again = redecide(results[row.sample][1], cat)
            assert _decision(again) == _decision(fresh), (row.sample, cat_path)


def _g1202r_samples() -> set[str]:
    with (ROOT / "resources" / "examples" / "truth.tsv").open() as fh:
        lines = [x for x in fh if not x.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    return {r["sample"] for r in rows if r["alteration"] == "G1202R" and r["filter"] == "PASS"}


def test_reannotate_reports_exactly_the_changed_samples(stored, no_g1202r_lorlatinib, tmp_path):
    from alkannot.knowledge.reannotate import reannotate

    results, _rows_ = stored
    before = {p: p.read_bytes() for p, _ in results.values()}
    html_before = {p: p.with_suffix(".html").read_bytes() for p in before}
    rows, summary = reannotate(
        [str(p.parent) for p, _ in results.values()], no_g1202r_lorlatinib, tmp_path / "new"
    )
    changed = {r["sample"] for r in rows if r["calls_changed"]}
    assert changed == _g1202r_samples() == {"P01"}
    p01 = next(r for r in rows if r["sample"] == "P01")
    assert p01["calls_changed"].startswith("lorlatinib: sensitive -> resistant")
    assert "ALK_G1202R: sensitive -> resistant" in p01["why"]
    assert p01["first_option_old"] == "lorlatinib" != p01["first_option_new"]
    n_first = sum(r["first_option_changed"] == "yes" for r in rows)
    assert summary.startswith(f"{n_first} of {len(results)} samples' first option changes")
    # originals untouched; the new report names both catalogue versions
    assert {p: p.read_bytes() for p in before} == before
    assert {p: p.with_suffix(".html").read_bytes() for p in before} == html_before
    html = (tmp_path / "new" / "P01" / "P01.html").read_text(encoding="utf-8")
    assert "Re-decided" in html and "3.0.0 (2026-12-05)" in html
    assert (tmp_path / "new" / "reannotation.md").read_text().count("P01") >= 1


def test_reannotate_refuses_to_overwrite_an_original(stored):
    from alkannot.errors import ConfigError
    from alkannot.knowledge.reannotate import reannotate

    results, _ = stored
    p01 = results["P01"][0]
    with pytest.raises(ConfigError, match="would write over the original"):
        reannotate([str(p01)], str(BUNDLED), p01.parent.parent)


def test_reannotate_over_a_results_glob_passes_over_failures_and_overviews(stored, tmp_path):
    # README: `alkannot reannotate results/*/`: after `batch`, `patient` and `cohort` the glob
    # also holds a failed sample ({sample}.error.txt only), results/patients/ and results/cohort/;
    # they are passed over and named in the summary, the annotated sample is re-decided
    import shutil

    from alkannot.errors import InputFileError
    from alkannot.knowledge.reannotate import reannotate

    results, _ = stored
    res = tmp_path / "results"
    shutil.copytree(results["P01"][0].parent, res / "P01")
    (res / "BAD").mkdir()
    (res / "BAD" / "BAD.error.txt").write_text("x.vcf: not a VCF\n")
    (res / "patients").mkdir()
    (res / "patients" / "PT1.timeline.tsv").write_text("patient\tsample\n")
    (res / "cohort").mkdir()
    for name in ("cohort.tsv", "mechanisms.tsv"):
        (res / "cohort" / name).write_text("sample\n")
    folders = sorted(str(p) for p in res.iterdir())
    rows, summary = reannotate(folders, str(BUNDLED), tmp_path / "new")
    assert [r["sample"] for r in rows] == ["P01"]
    assert f"BAD (not annotated: see {res / 'BAD' / 'BAD'}.error.txt)" in summary
    assert f"{res / 'patients'} (patient timelines, not a sample)" in summary
    assert f"{res / 'cohort'} (a cohort overview, not a sample)" in summary
    assert "passed over" in (tmp_path / "new" / "reannotation.md").read_text()
    # a folder that is none of these is still an error naming the missing file
    (res / "EMPTY").mkdir()
    with pytest.raises(InputFileError, match="EMPTY.json"):
        reannotate([str(res / "EMPTY")], str(BUNDLED), tmp_path / "new2")


def test_every_report_names_the_catalogue_releases(stored):
    # catalogue.yaml's own source_releases (CIViC 01-Aug-2024, sources_2026.tsv dated 2026-12-05)
    results, _ = stored
    path, result = results["P01"]
    prov = result.settings["catalogue"]
    assert prov["version"] == "3.0.0 (2026-12-05)"
    assert prov["releases"].startswith("CIViC 01-Aug-2024; ")
    html = path.with_suffix(".html").read_text(encoding="utf-8")
    assert "built from CIViC 01-Aug-2024" in html
    assert "Re-decided" not in html  # a first annotation is not a re-decision


def test_a_new_compound_entry_reaches_a_stored_result(base, tmp_path, stored):
    """F1174L and L1196M in one clone (equal VAFs): with the planted compound of the next
    release (F1174L+L1196M, lorlatinib resistance) the re-decision finds the compound and calls
    lorlatinib resistant; with the bundled catalogue each mutation keeps its own profile."""
    from alkannot.models import Finding
    from alkannot.redecide import redecide

    new_path = tmp_path / "new.yaml"
    import_civic(str(FIX / "01-Sep-2024"), None, None, str(new_path), "A Curator", "2026-12-06")
    results, _ = stored
    base_result = results["P02"][1]  # any stored sample: its findings are replaced below
    muts = [
        Finding("mutation", "ALK", alt, vaf=0.2, depth=300, alt_reads=60, catalogue_id=f"ALK_{alt}",
                mechanism="on_target_mutation", significance="known resistance mutation")
        for alt in ("F1174L", "L1196M")
    ]  # fmt: skip
    result = replace(base_result, findings=muts)
    old = redecide(result, load_catalogue(BUNDLED))
    new = redecide(result, load_catalogue(new_path))
    assert "ALK_F1174L+L1196M" not in {f.catalogue_id for f in old.findings}
    assert "ALK_F1174L+L1196M" in {f.catalogue_id for f in new.findings}
    lorlatinib = next(d for d in new.drugs if d.drug == "lorlatinib")
    assert lorlatinib.call == "resistant"
    assert "ALK_F1174L+L1196M" in {r.catalogue_id for r in lorlatinib.reasons}
