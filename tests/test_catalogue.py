"""The resistance catalogue: the review's statements, sources, schema, look-ups, drug matrix."""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import pytest
import yaml

from alkannot.catalogue import load_catalogue, validate_catalogue_data
from alkannot.drugs import build_drug_matrix
from alkannot.errors import CatalogueError
from alkannot.models import Finding, SampleMetadata
from alkannot.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
from tests.shared_data import SHARED, needs_shared  # noqa: E402

REVIEW = SHARED / "review" / "000_690d235e66a3fb30.txt"
CAT = load_catalogue()


def _statements() -> list[dict[str, str]]:
    lines = [
        x
        for x in (ROOT / "tests" / "review_statements.tsv").read_text().splitlines()
        if not x.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.mark.parametrize(
    "row", _statements(), ids=lambda r: f"{r['entry_id']}-{r['drug']}-{r['section']}"
)
def test_review_statement_is_encoded(row):
    entry = CAT.entries[row["entry_id"]]
    drug = entry.drugs[CAT.canonical_drug(row["drug"])]
    review_calls = {e.call for e in drug.evidence if e.source == "review"}
    assert row["expected_call"] in review_calls, (row["quote"], review_calls)
    # the curated call may never contradict the review without saying sources disagree
    if row["expected_call"] == "resistant":
        assert drug.call in ("resistant", "reduced")
    if row["expected_call"] == "sensitive" and drug.call == "resistant":
        pytest.fail(f"{entry.id} {row['drug']}: review says sensitive, catalogue resistant")
    if drug.call != row["expected_call"] and row["expected_call"] != "unknown":
        assert drug.conflicting or drug.call in ("resistant",), (entry.id, row["drug"], drug.call)


@needs_shared("review", "000_690d235e66a3fb30.txt")
def test_review_statement_quotes_are_in_the_review():
    text = " ".join(REVIEW.read_text().split()).replace("ï", "i")
    for row in _statements():
        for part in row["quote"].split(" ... "):
            assert " ".join(part.split()) in text, part


def test_every_review_mutation_has_an_entry():
    # review 2.1 / section 2-5 and the project brief's list
    for name in (
        "1151Tins",
        "L1152R",
        "C1156Y",
        "I1171T",
        "F1174C",
        "F1174L",
        "V1180L",
        "L1196M",
        "G1202R",
        "S1206Y",
        "G1269A",
    ):
        assert CAT.match_mutation("ALK", name) is not None, name


@pytest.mark.parametrize(
    "spelling",
    [
        "1151Tins",
        "T1151ins",
        "T1151dup",
        "p.Thr1151dup",
        "T1151_L1152insT",
        "p.Thr1151_Leu1152insThr",
    ],
)
def test_insertion_synonyms_resolve_to_one_entry(spelling):
    assert CAT.match_mutation("ALK", spelling).id == "ALK_T1151dup"


def test_every_entry_and_drug_call_has_a_source():
    # an entry may state no call at all (every drug unknown); a stated call always has sources,
    # and a citation is a source, never a README or a file of this workplace
    for e in CAT.entries.values():
        for d in list(e.drugs.values()) + ([e.monotherapy] if e.monotherapy else []):
            assert d.evidence and all(ev.citation for ev in d.evidence), (e.id, d.drug)
            for ev in d.evidence:
                assert "README" not in ev.citation, (e.id, d.drug)
                assert ev.level in ("guideline", "clinical", "case", "preclinical", "inferential")


def test_unknown_is_not_sensitive():
    f1174c = CAT.entries["ALK_F1174C"].drugs["alectinib"]
    assert any(
        ev.call == "unknown" and "not been reported" in ev.statement for ev in f1174c.evidence
    )


def test_phase_1_ceritinib_sentence_is_resistance_evidence_for_1151tins_only():
    # review section 3: "ceritinib could overcome resistance by acquiring L1196M or G1269A
    # mutations, whereas ceritinib might paradoxically cause these mutations" is an observation;
    # Lin 2017 Table 2 lists I1151Tins (not L1196M, G1269A) as resistance to ceritinib
    for entry in ("ALK_L1196M", "ALK_G1269A"):
        d = CAT.entries[entry].drugs["ceritinib"]
        assert not any("phase 1 study" in ev.statement for ev in d.evidence)
        assert (d.call, d.conflicting) == ("sensitive", False)
    t1151 = CAT.entries["ALK_T1151dup"].drugs["ceritinib"]
    assert any("phase 1 study" in ev.statement for ev in t1151.evidence)
    assert t1151.call == "resistant"


@needs_shared("literature")
def test_every_cited_pmid_and_civic_id_exists_in_the_literature_files():
    text = "\n".join(p.read_text() for p in (SHARED / "literature").glob("*"))
    eids = pmids = 0
    for e in CAT.entries.values():
        for d in e.drugs.values():
            for ev in d.evidence:
                if ev.civic_eid:
                    eids += 1
                    assert (
                        re.search(rf"(^|\D){ev.civic_eid[3:]}\t", text) or ev.civic_eid in text
                    ), ev.civic_eid
                if ev.pmid:
                    pmids += 1
                    assert ev.pmid in text, ev.pmid
    # the loop looked at CIViC ids and PMIDs, and at no more than the YAML file holds
    raw = (ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text()
    assert 0 < eids <= len(re.findall(r"civic_eid: ['\"]?EID\d+", raw))
    assert 0 < pmids <= len(re.findall(r"pmid: ['\"]?\d+", raw))


def _raw() -> dict:
    return yaml.safe_load(resource_path("catalogue", "catalogue.yaml").read_text())


def test_schema_rejects_an_entry_without_sources():
    data = _raw()
    data["entries"][0]["drugs"]["crizotinib"]["evidence"] = []
    with pytest.raises(CatalogueError, match=data["entries"][0]["id"]):
        validate_catalogue_data(data, "test.yaml")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["entries"][1].pop("mechanism"), "mechanism"),
        (lambda d: d["entries"][1]["drugs"]["crizotinib"].update(call="maybe"), "maybe"),
        (lambda d: d["entries"].append(copy.deepcopy(d["entries"][0])), "duplicate entry"),
        (
            lambda d: d["entries"][1]["drugs"].update(
                {"aspirin": d["entries"][1]["drugs"]["crizotinib"]}
            ),
            "aspirin",
        ),
    ],
    ids=["missing-field", "bad-call", "duplicate-id", "unknown-drug"],
)
def test_malformed_catalogue_gives_a_clear_error(tmp_path, mutate, message):
    data = _raw()
    mutate(data)
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)


def test_bad_yaml_names_the_file(tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_text("entries: [\n")
    with pytest.raises(CatalogueError, match="cat.yaml"):
        load_catalogue(path)


def _mut(alteration: str, gene: str = "ALK") -> Finding:
    entry = CAT.match_mutation(gene, alteration)
    return Finding(
        kind="mutation",
        gene=gene,
        alteration=alteration,
        catalogue_id=entry.id,
        mechanism=entry.mechanism,
    )


def _calls(findings, **meta) -> dict[str, str]:
    return {d.drug: d.call for d in build_drug_matrix(findings, CAT, SampleMetadata("s", **meta))}


def test_compound_is_its_own_entity():
    # Shaw 2016 (CIViC EID843/EID844): C1156Y+L1198F is lorlatinib-resistant and re-sensitised to
    # crizotinib, although C1156Y alone is crizotinib-resistant (review 2.1 [35]).
    compound = CAT.match_compounds("ALK", ["C1156Y", "L1198F"])
    assert [e.id for e in compound] == ["ALK_C1156Y+L1198F"]
    e = compound[0]
    f = Finding(
        kind="mutation",
        gene="ALK",
        alteration=e.alteration,
        catalogue_id=e.id,
        mechanism=e.mechanism,
    )
    calls = _calls([_mut("C1156Y"), _mut("L1198F"), f])
    assert calls["lorlatinib"] == "resistant"
    assert calls["crizotinib"] == "sensitive"
    assert _calls([_mut("C1156Y")])["crizotinib"] == "resistant"


def test_g1202r_with_a_second_alk_mutation_is_lorlatinib_resistant():
    # shared/literature README: "G1202R plus a second ALK mutation confers lorlatinib resistance (case level)"
    ids = [e.id for e in CAT.match_compounds("ALK", ["G1202R", "L1196M"])]
    assert "ALK_G1202R+X" in ids
    assert CAT.match_compounds("ALK", ["G1202R"]) == []


def test_resistance_is_never_overridden_by_a_sensitivity():
    # G1202R: alectinib resistant (review 2.1); L1196M: alectinib sensitive (review 3, 4)
    assert _calls([_mut("G1202R"), _mut("L1196M")])["alectinib"] == "resistant"


def test_no_finding_means_unknown_not_sensitive():
    matrix = build_drug_matrix([], CAT, SampleMetadata("s"))
    assert {d.call for d in matrix} == {"unknown"}
    assert all("no catalogued resistance mechanism" in d.note for d in matrix)


def test_cns_changes_ranking_and_wording_not_calls():
    hist = {"prior_therapy": ("crizotinib",)}
    base = build_drug_matrix([_mut("L1196M")], CAT, SampleMetadata("s", **hist))
    cns = build_drug_matrix([_mut("L1196M")], CAT, SampleMetadata("s", cns_metastases=True, **hist))
    assert {d.drug: d.call for d in base} == {d.drug: d.call for d in cns}
    by = {d.drug: d for d in cns}
    # review 6: "If a crizotinib-refractory patient has the L1196M ALK gatekeeper mutation, alectinib
    # or an HSP90 inhibitor might be effective" and brain metastases -> ceritinib, alectinib,
    # AP26113, PF-06463922 "might be preferred"; "crizotinib has limited efficacy in the CNS"
    assert "brain metastasis" in by["alectinib"].note and "L1196M" in by["alectinib"].note
    assert "limited efficacy in the CNS" in by["crizotinib"].note
    assert by["alectinib"].rank < by["ceritinib"].rank
    assert by["alectinib"].rank == 1
    # the tumour progressed on crizotinib: flagged, never offered (L1196M is crizotinib-resistant
    # anyway, review 2.1 [34])
    assert by["crizotinib"].progressed_on and by["crizotinib"].rank is None


def test_tied_options_go_by_name_never_by_the_catalogue_file_order():
    # After crizotinib with no mechanism found, ceritinib, alectinib and brigatinib share the key
    # of the documented rule: approved, guideline level (ESMO 2020 PMC9489045 Table 1 and the
    # ASCO/Ontario guideline name all three after crizotinib), no CNS involvement. The rule then
    # orders them by name, so reversing the catalogue's drug list must not change the order.
    meta = SampleMetadata("s", prior_therapy=("crizotinib",), cns_metastases=False)
    flipped = copy.copy(CAT)
    flipped.drugs = list(reversed(CAT.drugs))
    for cat in (CAT, flipped):
        matrix = build_drug_matrix([], cat, meta)
        tied = [d.drug for d in sorted(matrix, key=lambda d: d.rank or 99) if d.rank]
        tied = [d for d in tied if d in ("alectinib", "brigatinib", "ceritinib")]
        assert tied == ["alectinib", "brigatinib", "ceritinib"]


def test_fusion_loss_entry_quotes_the_caution():
    e = CAT.match_fusion_loss()
    assert "difficult to prove" in e.drugs["crizotinib"].evidence[0].statement


def test_drugs_resolve_aliases():
    assert CAT.canonical_drug("AP26113") == "brigatinib"
    assert CAT.canonical_drug("PF-06463922") == "lorlatinib"
    assert CAT.canonical_drug("X-396") == "ensartinib"
    assert CAT.canonical_drug("RXDX-101") == "entrectinib"


@needs_shared("review")
def test_review_quotes_are_verbatim():
    # every review statement (fragments joined by " ... ") appears word for word in the review
    review = " ".join((SHARED / "review" / "000_690d235e66a3fb30.txt").read_text().split())
    for e in CAT.entries.values():
        items = [ev for d in e.drugs.values() for ev in d.evidence]
        items += list(e.monotherapy.evidence) if e.monotherapy else []
        items += [e.ligand_note] if e.ligand_note else []
        for ev in items:
            if ev.source != "review":
                continue
            for fragment in ev.statement.split(" ... "):
                assert " ".join(fragment.split()) in review, (e.id, fragment[:80])


def test_validate_rejects_a_call_that_contradicts_its_evidence(tmp_path):
    # G1202R/crizotinib: every item says resistant (review 2.1 [34]); a curated "sensitive" must fail
    data = _raw()
    entry = next(e for e in data["entries"] if e["id"] == "ALK_G1202R")
    entry["drugs"]["crizotinib"]["call"] = "sensitive"
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogueError, match="contradicts its evidence"):
        load_catalogue(path)


def test_evidence_levels_follow_the_source_kind():
    # CIViC C = case study, D = preclinical (CIViC's definitions); the review's section 6 "might"
    # and "would be reasonable" are inferential
    seen = {"C": 0, "D": 0, "section 6": 0, "HSP90": 0}
    for e in CAT.entries.values():
        for d in e.drugs.values():
            for ev in d.evidence:
                if ev.civic_level == "C":
                    seen["C"] += 1
                    assert ev.level == "case", (e.id, ev.civic_eid)
                if ev.civic_level == "D":
                    seen["D"] += 1
                    assert ev.level == "preclinical", (e.id, ev.civic_eid)
                if ev.source == "review" and ev.citation.startswith("Review, section 6"):
                    seen["section 6"] += 1
                    assert ev.level == "inferential", (e.id, ev.statement[:60])
    # HSP90 inhibitors: sensitivity only at preclinical or inferential level (issue 11)
    for e in CAT.entries.values():
        d = e.drugs.get("HSP90 inhibitor")
        if d is not None and d.call == "sensitive":
            seen["HSP90"] += 1
            assert d.level in ("preclinical", "inferential"), e.id
    # each rule met at least one item: CIViC EID444 is level C (Katayama 2012 case) and EID1352
    # level D (Ba/F3, 17-AAG for G1202R) in the CIViC export
    assert all(seen.values()), seen


def test_approved_drugs_carry_their_approvals():
    # guidelines_and_approvals.tsv: FDA labels for crizotinib, ceritinib, alectinib, brigatinib,
    # lorlatinib, ensartinib
    approved = {d.id for d in CAT.drugs if d.status == "approved"}
    assert approved == {
        "crizotinib",
        "ceritinib",
        "alectinib",
        "brigatinib",
        "lorlatinib",
        "ensartinib",
    }
    assert all(any(a.agency == "FDA" for a in CAT.drug_by_id[d].approvals) for d in approved)
    for d in ("ASP3026", "TSR-011", "CEP-37440", "X-376", "HSP90 inhibitor"):
        assert CAT.drug_by_id[d].status == "investigational"
