"""The 2026 board questions (issue 23): first line to after lorlatinib, compound classes, new and
retired agents, more bypass routes, prognostic context and the histologic re-review note.

Each expectation names its source: "Fnn" is a row of resources/catalogue/sources_2026.tsv (PMID,
DOI, PMC or page, and where in the source), the other citations are as in
tests/test_clinical_scenarios.py (review sections, CIViC EIDs, Lin 2017, guideline rows). Inputs
are written as the program receives them (tests/clinical_inputs.py) and annotated end to end; the
rules that no reader feeds yet (MET rearrangements, TP53/RB1) call the decision functions on
findings written by hand. Expected values come from the sources, never from the program's output.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from alkannot.catalogue import Catalogue, load_catalogue, validate_catalogue_data
from alkannot.drugs import build_drug_matrix
from alkannot.errors import CatalogueError
from alkannot.lines import board_context, histology_note, line_of_therapy
from alkannot.models import Finding, SampleMetadata
from tests.test_clinical_scenarios import (
    APPROVED_ALK,
    CHEMO,
    COMBO_MET,
    G38,
    annotate,
    drugs,
    focal_segments,
    ranked,
)

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "catalogue" / "catalogue.yaml"
SOURCES = ROOT / "resources" / "catalogue" / "sources_2026.tsv"
#: Approved ALK inhibitors in 2021, the ones Mizuta 2021 (F17-F27) tested.
APPROVED_2021 = ("crizotinib", "ceritinib", "alectinib", "brigatinib", "lorlatinib")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def source_rows() -> dict[str, dict[str, str]]:
    lines = [ln for ln in SOURCES.read_text().splitlines() if not ln.startswith("#")]
    return {r["fact"]: r for r in csv.DictReader(lines, delimiter="\t")}


def notes(res, topic: str):
    return [n for n in res.board_context if n.topic == topic]


def note_text(n) -> str:
    return " ".join((n.title, *n.recommend, *n.look_for))


def mutation(alteration: str, catalogue_id: str, vaf: float = 0.3, gene: str = "ALK") -> Finding:
    return Finding(
        "mutation",
        gene,
        alteration,
        vaf=vaf,
        depth=400,
        alt_reads=int(vaf * 400),
        catalogue_id=catalogue_id,
        mechanism="on_target_mutation" if catalogue_id.startswith("ALK_") else "",
        consequence="missense_variant",
        significance="known resistance mutation" if catalogue_id else "",
    )


def fusion(variant: str = "v1") -> Finding:
    return Finding("fusion", "ALK", "EML4::ALK", notes=(f"variant {variant}",))


# ----------------------------------------------------------------------------------------------
# the board's usual questions
# ----------------------------------------------------------------------------------------------


def test_after_first_line_lorlatinib_with_met_amplification(tmp_path):
    """First-line lorlatinib, progression, focal MET amplification (8-fold, 1.1 Mb).

    - lorlatinib: not offered - resistant (MET amplification in 22% of post-lorlatinib biopsies,
      Dagogo-Jack 2020 F06) and progressed on it.
    - a MET-directed option has a positive call: crizotinib (review 4 [31,61], inhibits MET) or
      ALK + MET inhibition (Dagogo-Jack 2020: dual ALK/MET inhibition, 2 patients responding).
    - the line note is "progression on first-line lorlatinib" and says what to look for: no new
      ALK mutation in ctDNA at progression (CROWN 5-year, PMID 38819031, F05), MET (F06),
      histology (F08).
    """
    res = annotate(
        tmp_path, G38, [], segments=focal_segments(G38, "MET", 3.0), prior_therapy=["lorlatinib"]
    )
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant" and d["lorlatinib"].rank is None
    assert "sensitive" in (d["crizotinib"].call, d[COMBO_MET].call)
    (line,) = notes(res, "line_of_therapy")
    assert line.title.startswith("Progression on first-line lorlatinib")
    text = note_text(line)
    assert "PMID 38819031" in text and "ctDNA" in text
    assert "22% of biopsies" in text and "small-cell" in text


@pytest.mark.parametrize("specimen", ["tissue", "plasma"])
def test_after_first_line_alectinib_with_an_alk_mutation(tmp_path, specimen):
    """G1202R after first-line alectinib, in tissue and in plasma.

    - lorlatinib: sensitive and the first ranked ALK inhibitor (Lin 2017 Table 2: G1202R targeted
      by lorlatinib; after a second-generation inhibitor: EMA/ESMO/NCCN rows; an ALK mutation
      predicts lorlatinib activity after a second-generation inhibitor, Shaw 2019 F09, Gainor
      2016 F10).
    - alectinib: not offered (G1202R: CIViC EID1350 resistant; progressed on it).
    - the line note is "progression on first-line alectinib, brigatinib or ensartinib" and says
      to look for an ALK mutation (F09) and MET amplification (F11).
    """
    records = [G38.alk_snv("G1202R")]
    res = annotate(tmp_path, G38, records, prior_therapy=["alectinib"], specimen_type=specimen)
    d = drugs(res)
    assert d["lorlatinib"].call == "sensitive"
    alk_ranked = [x for x in ranked(res) if x in APPROVED_ALK]
    assert alk_ranked[0] == "lorlatinib"
    assert d["alectinib"].rank is None and d["alectinib"].call == "resistant"
    (line,) = notes(res, "line_of_therapy")
    assert line.title.startswith("Progression on first-line alectinib")
    assert "doi:10.1200/JCO.18.02236" in note_text(line) and "no ALK mutation" not in line.title


@pytest.mark.parametrize("specimen", ["tissue", "plasma"])
def test_after_first_line_alectinib_without_an_alk_mutation(tmp_path, specimen):
    """No mechanism found after first-line alectinib, in tissue and in plasma.

    - lorlatinib keeps only its population-level setting support (EMA after alectinib as first
      ALK TKI; NCCN v2.2019): the line note must say it works less well without an ALK mutation
      (Shaw 2019 F09) and that a plasma negative is weaker than a tissue negative (F09).
    - the note never changes a call: alectinib stays not offered (progressed on it).
    """
    res = annotate(tmp_path, G38, [], prior_therapy=["alectinib"], specimen_type=specimen)
    (line,) = notes(res, "line_of_therapy")
    text = note_text(line)
    assert "plasma negative is weaker than a tissue negative" in text
    assert "after crizotinib alone it made no difference" in text
    assert "no ALK mutation found" in line.title
    assert ("tissue biopsy may still show one" in line.title) == (specimen == "plasma")
    assert drugs(res)["alectinib"].rank is None


def test_g1202r_plus_l1196m_after_lorlatinib(tmp_path):
    """G1202R + L1196M in one clone after crizotinib, alectinib, then lorlatinib.

    - the compound is its own finding, class G1202R-based (Shiba-Ishii 2022, PMC9732888, F31).
    - lorlatinib: resistant ("G1202R + a second ALK mutation", Hu 2020 CIViC EID11114, case) and
      progressed on; no approved ALK inhibitor is offered (G1202R: crizotinib EID441, alectinib
      EID1350, ceritinib EID1345 resistant; brigatinib EID1351).
    - neladalkib is listed as investigational (ALKAZAR phase 3 listing, F42) with no call: no
      peer-reviewed efficacy result was retrieved.
    - the line note is "after two or more inhibitors" and names the compound classes (F15).
    """
    records = [G38.alk_snv("G1202R", alt_reads=90), G38.alk_snv("L1196M", alt_reads=80)]
    res = annotate(tmp_path, G38, records, prior_therapy=["crizotinib", "alectinib", "lorlatinib"])
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant"
    assert not [x for x in ranked(res) if x in APPROVED_ALK]
    assert d["neladalkib"].call == "unknown" and d["neladalkib"].status == "investigational"
    (cls,) = notes(res, "compound_class")
    assert "G1202R-based" in cls.title and "PMC9732888" in note_text(cls)
    (line,) = notes(res, "line_of_therapy")
    assert line.title.startswith("Progression after two or more") and "I1171N/S/T" in note_text(
        line
    )


def test_i1171n_plus_l1198h_escapes_every_approved_inhibitor(tmp_path):
    """I1171N + L1198H in one clone after alectinib and lorlatinib.

    - every ALK inhibitor approved in 2021 is resistant (Mizuta 2021, doi:10.1038/s41467-021-
      21396-w, F23-F27, preclinical) - none is ranked.
    - gilteritinib: sensitive in models only (F28): shown as investigational, never ranked.
    - chemotherapy is the ranked fallback (NCCN v2.2019 after ALK inhibitors; CIViC EID945).
    - the class is I1171-based (Shiba-Ishii 2022, F32).
    """
    records = [G38.alk_snv("I1171N", alt_reads=90), G38.alk_snv("L1198H", alt_reads=85)]
    res = annotate(tmp_path, G38, records, prior_therapy=["alectinib", "lorlatinib"])
    d = drugs(res)
    for drug in APPROVED_2021:
        assert d[drug].call == "resistant", drug
    assert d["gilteritinib"].call == "sensitive" and d["gilteritinib"].rank is None
    assert d["gilteritinib"].group == "investigational"
    assert ranked(res)[0] == CHEMO
    (cls,) = notes(res, "compound_class")
    assert "I1171-based" in cls.title


def test_i1171n_plus_f1174i_after_alectinib(tmp_path):
    """I1171N + F1174I after alectinib: lorlatinib resistant (Mizuta 2021: tumours regrew on
    lorlatinib in the xenograft model, F21), alectinib resistant (F19)."""
    records = [G38.alk_snv("I1171N", alt_reads=90), G38.alk_snv("F1174I", alt_reads=85)]
    res = annotate(tmp_path, G38, records, prior_therapy=["alectinib"])
    d = drugs(res)
    assert d["lorlatinib"].call == "resistant" and d["alectinib"].call == "resistant"
    assert "lorlatinib" not in ranked(res)


def test_i1171n_plus_l1196m_keeps_its_lorlatinib_response(tmp_path):
    """I1171N + L1196M: lorlatinib sensitive (Hu 2020, CIViC EID11113, case), class I1171-based
    (F32): the class names where it belongs, never a call of its own."""
    records = [G38.alk_snv("I1171N", alt_reads=90), G38.alk_snv("L1196M", alt_reads=85)]
    res = annotate(tmp_path, G38, records, prior_therapy=["alectinib"])
    assert drugs(res)["lorlatinib"].call == "sensitive"
    (cls,) = notes(res, "compound_class")
    assert "I1171-based" in cls.title


@pytest.mark.parametrize(
    ("parts", "entry", "part_id", "history"),
    [
        (("L1196M", "D1203N"), "ALK_L1196M+D1203N", "ALK_L1196M", ["alectinib"]),
        (("C1156Y", "G1269A"), "ALK_C1156Y+G1269A", "ALK_C1156Y", ["crizotinib"]),
    ],
)
def test_recondo_compounds_are_their_own_entries(tmp_path, parts, entry, part_id, history):
    """L1196M + D1203N and C1156Y + G1269A (Recondo 2020, PMID 31585938, F29/F30): the source
    reports only "differential susceptibility" to lorlatinib, so each compound is its own finding
    and its part's own lorlatinib call (L1196M: Lin 2017 Table 2; C1156Y: CIViC EID842) is not
    inherited - the part's reason is marked superseded."""
    records = [G38.alk_snv(parts[0], alt_reads=90), G38.alk_snv(parts[1], alt_reads=85)]
    res = annotate(tmp_path, G38, records, prior_therapy=history)
    assert any(f.catalogue_id == entry for f in res.findings)
    lor = drugs(res)["lorlatinib"]
    part = [r for r in lor.reasons if r.catalogue_id == part_id]
    assert part and all("superseded" in r.finding for r in part)


def test_treatment_naive_patient(tmp_path):
    """No ALK inhibitor recorded and nothing found: the line note is the first line, citing CROWN
    (lorlatinib, 5-year PFS 60% vs 8%, PMID 38819031, F01) and the first-line approvals of
    ensartinib (FDA 2024-12-18, F02), alectinib (F03) and brigatinib (F04); it asks for
    --prior-therapy when an inhibitor was received. No drug is resistant: there is no history."""
    res = annotate(tmp_path, G38, [])
    (line,) = notes(res, "line_of_therapy")
    text = note_text(line)
    assert "PMID 38819031" in text and "5-year PFS was 60%" in text
    assert "ensartinib" in text.lower() and "--prior-therapy" in line.title
    assert not [d for d in res.drugs if d.call == "resistant"]


def test_stated_treatment_naive_line_note_does_not_ask_for_a_history(tmp_path):
    """``--prior-therapy none`` states a treatment-naive patient (README options table: `none`
    for a stated treatment-naive patient): the first-line note (CROWN F01, approvals F02-F04) says the
    history was stated, and does not ask for --prior-therapy; with no history at all it still
    asks; with chemotherapy only it names what was given (no ALK inhibitor among it)."""
    for d in "abc":
        (tmp_path / d).mkdir()
    (stated,) = notes(annotate(tmp_path / "a", G38, [], prior_therapy=["none"]), "line_of_therapy")
    assert "stated treatment-naive" in stated.title and "give --prior-therapy" not in stated.title
    (unknown,) = notes(annotate(tmp_path / "b", G38, []), "line_of_therapy")
    assert "give --prior-therapy" in unknown.title and "stated" not in unknown.title
    res = annotate(tmp_path / "c", G38, [], prior_therapy=["chemotherapy"])
    (chemo,) = notes(res, "line_of_therapy")
    assert "no ALK inhibitor among the prior therapies" in chemo.title
    assert "give --prior-therapy" not in chemo.title


def test_a_compound_whose_source_gives_no_direction_keeps_its_own_reason(tmp_path):
    """C1156Y + G1269A after crizotinib and alectinib. Recondo 2020 (PMID 31585938, F30) reports
    this compound in a lorlatinib-resistant patient with only "differential susceptibility" to
    lorlatinib: its lorlatinib reason stays listed, unknown, with that citation. The setting
    statement after a second-generation inhibitor (EMA/ESMO/NCCN rows of the setting entry) may
    decide the call only at population level (issue 20 point 3: never Tier I, never "no data"
    where a source exists). After progression on lorlatinib as well, the explanation names the
    source's silence on direction, never "no source"."""
    records = [G38.alk_snv("C1156Y", alt_reads=90), G38.alk_snv("G1269A", alt_reads=88)]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    res = annotate(tmp_path / "a", G38, records, prior_therapy=["crizotinib", "alectinib"])
    lor = drugs(res)["lorlatinib"]
    (own,) = [r for r in lor.reasons if r.catalogue_id == "ALK_C1156Y+G1269A"]
    assert own.call == "unknown" and "no data" not in own.finding
    assert any(e.pmid == "31585938" for e in own.evidence)
    deciding = [r for r in lor.reasons if r.call == lor.call and r.catalogue_id != own.catalogue_id]
    assert lor.call == "sensitive" and lor.basis == "population" and not lor.amp_tier
    assert all("population level" in r.finding for r in deciding if "superseded" not in r.finding)
    after = annotate(
        tmp_path / "b", G38, records, prior_therapy=["crizotinib", "alectinib", "lorlatinib"]
    )
    text = drugs(after)["lorlatinib"].explains_progression
    assert "no source" not in text and "give no direction" in text and "C1156Y+G1269A" in text


def test_a_part_without_its_own_call_completes_the_compound_that_names_it(tmp_path):
    """D1203N has no per-drug call alone (its entry: "alone no per-drug call was retrieved"), so
    alone it is a kinase-domain VUS (issue 20 point 8); but Recondo 2020 (PMID 31585938, F29)
    names L1196M/D1203N, so with L1196M in one clone (VAFs 0.30 and 0.29) the compound entry is
    found and D1203N is not listed as "no effect on calls". Beside G1202R, D1203N does not complete
    the general "G1202R + a second mutation" rule (it generalises from catalogued resistance
    mutations, issue 20 point 7)."""
    records = [G38.alk_snv("L1196M", alt_reads=90), G38.alk_snv("D1203N", alt_reads=88)]
    res = annotate(tmp_path, G38, records, prior_therapy=["crizotinib", "alectinib"])
    assert any(f.catalogue_id == "ALK_L1196M+D1203N" for f in res.findings)
    assert "D1203N" not in drugs(res)["lorlatinib"].note
    records = [G38.alk_snv("G1202R", alt_reads=90), G38.alk_snv("D1203N", alt_reads=88)]
    (tmp_path / "g").mkdir()
    res = annotate(tmp_path / "g", G38, records, prior_therapy=["crizotinib", "alectinib"])
    assert not [f for f in res.findings if f.consequence == "compound"]


def test_a_compound_part_explains_the_earlier_progression(tmp_path):
    """C1156Y + L1198F after crizotinib then lorlatinib (the bundled example P05). C1156Y was
    found in a crizotinib-refractory patient (Choi 2010, CIViC EID236; review 2.1 [35]), so it
    explains the progression on crizotinib; the compound C1156Y+L1198F re-sensitised the tumour
    to crizotinib (Shaw 2016 NEJM, CIViC EID844). The compound does not explain it (issue 20
    point 4, "no"), and the explanation and the first note name the part that may."""
    records = [G38.alk_snv("C1156Y", alt_reads=60), G38.alk_snv("L1198F", alt_reads=57)]
    res = annotate(tmp_path, G38, records, prior_therapy=["crizotinib", "lorlatinib"])
    criz = drugs(res)["crizotinib"]
    part = "its part ALK C1156Y alone is reported resistant to crizotinib"
    assert criz.explains_progression.startswith("no:") and part in criz.explains_progression
    assert criz.note.startswith("the findings do not explain progression on crizotinib as a")
    assert part in criz.note.split(";")[0]
    assert criz.call == "sensitive"  # EID844 reports activity after progression on it


def test_fusion_retained_nothing_found_tp53_rb1_lost(cat):
    """EML4-ALK retained, no mechanism, TP53 missense + RB1 nonsense: "consider histologic
    re-review" with its sources (Fujita 2016 PMID 26751586 F40: transformation with the fusion
    kept; Lee 2017 F46: RB1 and TP53 both inactivated in transformed EGFR-mutant tumours)."""
    tp53 = replace(mutation("R273H", "", gene="TP53"), consequence="missense_variant")
    rb1 = replace(mutation("R320*", "", gene="RB1"), consequence="stop_gained")
    note = histology_note([fusion(), tp53, rb1], cat)
    assert note is not None and "histologic re-review" in note.title
    assert "PMID 26751586" in note_text(note) and "RB1 and TP53" in note_text(note)
    # each condition is needed: RB1 missense is not read as loss; a mechanism explains it
    assert (
        histology_note([fusion(), tp53, replace(rb1, consequence="missense_variant")], cat) is None
    )
    assert histology_note([fusion(), tp53, rb1, mutation("G1202R", "ALK_G1202R")], cat) is None
    assert histology_note([tp53, rb1], cat) is None


# ----------------------------------------------------------------------------------------------
# prognostic context, bypass routes, agents
# ----------------------------------------------------------------------------------------------


def _matrix(findings, cat, prior=("alectinib",)):
    """Every visible part of the drug matrix: call, rank, group, level, note and reasons."""
    meta = SampleMetadata("S1", prior_therapy=tuple(prior))
    return [
        (d.drug, d.call, d.rank, d.group, d.level, d.note, tuple(r.finding for r in d.reasons))
        for d in build_drug_matrix(findings, cat, meta)
    ]


@pytest.mark.parametrize(
    "base",
    [[], [mutation("G1202R", "ALK_G1202R")], [mutation("L1196M", "ALK_L1196M")]],
    ids=["nothing", "G1202R", "L1196M"],
)
def test_prognostic_context_changes_no_call_or_rank(cat, base):
    """Variant 3 (Lin 2018, F38) and TP53 (CROWN, F39) are prognostic, not predictive: adding a
    v3 fusion, a TP53 finding matched to its prognostic entry and an RB1 loss changes no call,
    rank, group or level - and the prognostic notes are shown."""
    tp53 = replace(mutation("R273H", "PROGNOSTIC_TP53", gene="TP53"), mechanism="context")
    rb1 = replace(mutation("R320*", "", gene="RB1"), consequence="stop_gained")
    with_context = [*base, fusion("v3a/v3b"), tp53, rb1]
    assert _matrix(with_context, cat) == _matrix([*base, fusion("v1")], cat)
    meta = SampleMetadata("S1", prior_therapy=("alectinib",))
    got = {n.catalogue_id: n.title for n in board_context(with_context, meta, cat)}
    assert {"PROGNOSTIC_EML4ALK_V3", "PROGNOSTIC_TP53"} <= set(got)
    assert got["PROGNOSTIC_EML4ALK_V3"].startswith("EML4-ALK v3a/v3b: prognostic, not predictive")
    # Lin 2018 compares v3 with v1: v1 gets the note too, v2 (no source here) does not
    v1 = {n.catalogue_id for n in board_context([fusion("v1")], meta, cat)}
    v2 = {n.catalogue_id for n in board_context([fusion("v2")], meta, cat)}
    assert "PROGNOSTIC_EML4ALK_V3" in v1 and "PROGNOSTIC_EML4ALK_V3" not in v2


def test_met_fusion_needs_alk_and_met_blocked(cat):
    """ST7-MET after alectinib (Dagogo-Jack 2020, F34/F35): ALK + MET inhibition sensitive
    (preclinical reversal), ALK inhibitor alone reduced."""
    met = Finding("fusion", "MET", "ST7::MET", catalogue_id="MET_FUSION", mechanism="bypass")
    d = {x[0]: x for x in _matrix([met], cat)}
    assert d[COMBO_MET][1] == "sensitive"
    assert d["brigatinib"][1] == "reduced"


def test_met_kinase_domain_duplication(cat):
    """MET kinase-domain duplication on ceritinib (Clin Cancer Res 2018;24(6):1337-43, F36/F37):
    crizotinib sensitive (partial response, case), ceritinib resistant."""
    dup = Finding(
        "mutation",
        "MET",
        "kinase-domain duplication",
        catalogue_id="MET_KD_DUP",
        mechanism="bypass",
    )
    d = {x[0]: x for x in _matrix([dup], cat, prior=("ceritinib",))}
    assert d["crizotinib"][1] == "sensitive" and d["crizotinib"][4] == "case"
    assert d["ceritinib"][1] == "resistant"


def test_new_agents_and_their_status(cat):
    """Neladalkib: investigational, its status from a trial listing (F42), never ranked above an
    approved drug; gilteritinib: investigational, preclinical only (F45); ASP3026 keeps
    'investigational' (phase 1, PMID 26966027, F44): no source says it was discontinued;
    ensartinib is approved (FDA 2024-12-18, F02)."""
    nela = cat.drug_by_id["neladalkib"]
    assert nela.status == "investigational" and "NVL-655" in nela.aliases
    assert any("UCI-24-192" in s.citation for s in nela.status_sources)
    assert cat.drug_by_id["gilteritinib"].status == "investigational"
    asp = cat.drug_by_id["ASP3026"]
    assert asp.status == "investigational" and asp.status_sources[0].pmid == "26966027"
    assert cat.drug_by_id["ensartinib"].status == "approved"
    assert cat.canonical_drug("NVL-655") == "neladalkib"


@pytest.mark.parametrize(
    ("history", "line"),
    [
        ((), "treatment_naive"),
        (("ensartinib",), "after_first_line_second_generation"),
        (("brigatinib",), "after_first_line_second_generation"),
        (("lorlatinib",), "after_first_line_lorlatinib"),
        (("alectinib", "lorlatinib"), "after_two_or_more"),
        (("crizotinib",), ""),
        (("alectinib", "alectinib"), "after_first_line_second_generation"),
    ],
)
def test_line_of_therapy_from_the_history(cat, history, line):
    """The settings of issue 23: first line, after first-line alectinib/brigatinib/ensartinib,
    after first-line lorlatinib, after two or more different inhibitors (crizotinib alone keeps
    the catalogue's after-crizotinib settings, review section 3)."""
    assert line_of_therapy(SampleMetadata("S1", prior_therapy=history), cat) == line


# ----------------------------------------------------------------------------------------------
# the catalogue: sources, validation, change log
# ----------------------------------------------------------------------------------------------


def test_every_new_fact_has_a_row_and_every_call_a_primary_source(cat):
    """Every evidence item and statement issue 23 added points to its row of sources_2026.tsv;
    every call row cites a PMID, DOI, PMC id or page and is not a secondary summary."""
    rows = source_rows()
    for r in rows.values():
        if r["call"] not in ("-", ""):
            assert any(r[k] not in ("-", "") for k in ("pmid", "doi", "pmc", "url")), r["fact"]
            assert r["source_kind"] != "secondary", r["fact"]
    used = set()
    for e in cat.entries.values():
        for de in e.drugs.values():
            used |= {ev.source_row for ev in de.evidence if ev.source_row}
        used |= {s.source_row for s in (*e.recommend, *e.look_for, *e.statements)}
    assert used - {""} <= set(rows)


@pytest.mark.parametrize(
    "pointer",
    [{}, {"url": "https://biobriefs.com/nuvalent-posts-alk-response-rates"}],
    ids=["no pointer", "news page"],
)
def test_validation_rejects_a_call_without_a_primary_source(pointer):
    """A call resting only on a citation with no PMID/DOI/PMC/page, or only on a news page
    (source_kind secondary, as F43), is refused; the same news page may inform a status."""
    data = yaml.safe_load(CATALOGUE.read_text())
    entry = next(e for e in data["entries"] if e["id"] == "ALK_I1171N+L1198H")
    item = {
        "call": "sensitive",
        "source": "literature",
        "citation": "a company press release",
        "level": "clinical",
        "statement": "responses reported",
        "source_kind": "secondary",
        **pointer,
    }
    entry["drugs"]["ensartinib"] = {"call": "sensitive", "conflicting": False, "evidence": [item]}
    validate_catalogue_data(data, "x.yaml")  # the schema accepts it ...
    with pytest.raises(CatalogueError, match="no primary source"):
        Catalogue("x.yaml", data)  # ... the semantic check does not
    item["source_kind"] = "primary"
    if pointer:  # the same page as a primary (publisher/registry) page would be accepted
        Catalogue("x.yaml", data)


def test_catalogue_is_3_0_0_with_a_change_log_in_the_report(tmp_path, cat):
    """Catalogue 3.0.0; the change log (entry, drug, old call, new call, why, source) is printed
    in the report's provenance, and the catalogue file is what the build script makes."""
    assert cat.version.startswith("3.0.0")
    assert any(
        c["entry"] == "ALK_I1171N+L1198H" and c["new_call"] == "resistant" for c in cat.changes
    )
    res = annotate(tmp_path, G38, [G38.alk_snv("G1202R")], prior_therapy=["alectinib"])
    from alkannot.report.html import render_html

    html = render_html(res)
    assert "ALK_I1171N+L1198H / lorlatinib: each part&#39;s own call -&gt; resistant" in html
    assert "Line of therapy and context" in html
    from alkannot.io.results import result_from_dict
    from alkannot.report.json import result_to_dict

    back = result_from_dict(result_to_dict(res))
    assert back.board_context == res.board_context and res.board_context
    build = [sys.executable, str(ROOT / "scripts" / "build_catalogue_3.py"), "--check"]
    assert subprocess.run(build, cwd=ROOT, capture_output=True).returncode == 0


def test_catalogue_readme_lists_every_source():
    """resources/catalogue/README.md names every source of sources_2026.tsv: its PMID, DOI or
    PMC id, or (for rows without one) the source's first word (author, agency or site)."""
    readme = (ROOT / "resources" / "catalogue" / "README.md").read_text()
    for r in source_rows().values():
        ids = [r[k] for k in ("pmid", "doi", "pmc") if r[k] not in ("-", "")]
        if ids:
            assert any(i in readme for i in ids), r["fact"]
        else:
            assert r["source"].split()[0].rstrip(",;") in readme, r["fact"]


def test_catalogue_show_prints_a_line_with_its_sources():
    """`alkannot catalogue show` prints a line-of-therapy entry's statements with their sources
    (CROWN 5-year, PMID 38819031, F01) and a compound's class (Shiba-Ishii 2022, PMC9732888)."""
    from click.testing import CliRunner

    from alkannot.cli import cli

    out = CliRunner().invoke(cli, ["catalogue", "show", "LINE_TREATMENT_NAIVE"]).output
    assert "recommend:" in out and "PMID 38819031" in out
    out = CliRunner().invoke(cli, ["catalogue", "show", "ALK_I1171N+L1198H"]).output
    assert "I1171-based" in out and "doi:10.1038/s41467-021-21396-w" in out


def test_st7_met_fusion_read_from_the_fusion_table(tmp_path):
    """A fusion table with EML4-ALK and ST7-MET after first-line alectinib (Dagogo-Jack 2020:
    ST7-MET in 2 post-treatment specimens, ALK-inhibitor resistance reversed by dual ALK/MET
    inhibition, F34/F35): the MET fusion is a counted bypass finding, ALK + MET inhibition is
    sensitive and an ALK inhibitor alone (brigatinib, not named by the source) is reduced. A MET
    fusion with a partner no source names (KIF5B-MET here) is shown, never a call."""
    res = annotate(tmp_path, G38, [], fusions=["EML4-ALK", "ST7-MET"], prior_therapy=["alectinib"])
    met = [f for f in res.findings if f.gene == "MET" and f.kind == "fusion"]
    assert [(f.alteration, f.catalogue_id) for f in met] == [("ST7::MET", "MET_FUSION")]
    d = drugs(res)
    assert d[COMBO_MET].call == "sensitive" and d["brigatinib"].call == "reduced"
    assert res.fusion_status == "present"  # the ALK fusion, not the MET one
    (tmp_path / "kif5b").mkdir()
    other = annotate(
        tmp_path / "kif5b", G38, [], fusions=["EML4-ALK", "KIF5B-MET"], prior_therapy=["alectinib"]
    )
    (kif,) = [f for f in other.findings if f.gene == "MET" and f.kind == "fusion"]
    assert not kif.drives_calls and "no ALK-context source" in kif.significance


def test_tp53_from_a_maf_row_is_prognostic_context(tmp_path):
    """A MAF row naming TP53 is read by its Hugo_Symbol (TP53 has no bundled model): the row is
    the OncoKB example MAF's TP53 R248Q (shared/wild/oncokb/example_maf_grch38.txt, GRCh38
    17:7674220 C>T). It is an observation with the CROWN prognostic note (F39), never a call."""
    head = (
        "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\t"
        "Variant_Classification\tReference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\t"
        "Tumor_Sample_Barcode\tt_depth\tt_ref_count\tt_alt_count\tHGVSp_Short\n"
    )
    row = (
        "TP53\tGRCh38\t17\t7674220\t7674220\tMissense_Mutation\tC\tC\tT\tS1\t200\t120\t80\tp.R248Q"
    )
    maf = tmp_path / "in.maf"
    maf.write_text("#version 2.4\n" + head + row + "\n")
    from alkannot.api import annotate_sample

    res = annotate_sample(str(maf), prior_therapy=["lorlatinib"])
    (tp53,) = [f for f in res.findings if f.gene == "TP53"]
    assert tp53.alteration == "R248Q" and not tp53.drives_calls
    assert "PROGNOSTIC_TP53" in {n.catalogue_id for n in res.board_context}


def test_nf2_truncating_change_is_the_nf2_loss_of_function_bypass(cat):
    """NF2 has no bundled model: a truncating change named by its annotation is "NF2 loss of
    function" (Recondo 2020, PMID 31585938: lorlatinib resistance, mTOR inhibitors in models);
    a missense change is not read as loss. (The position is not checked: no NF2 sequence is
    bundled, the name comes from the annotation.)"""
    from alkannot.annotate import annotate_bypass
    from alkannot.models import ExternalAnnotation, Variant

    def nf2(consequence: str, hgvsp: str) -> Finding:
        ann = ExternalAnnotation("MAF", "T", "NF2", "HGVSp_Short", consequence, hgvsp=hgvsp)
        v = Variant("22", 1000, "C", "T", vaf=0.3, depth=300, alt_depth=90, annotations=(ann,))
        return annotate_bypass(v, "NF2", "GRCh38", cat, True, ())

    stop = nf2("Nonsense_Mutation", "p.Arg57Ter")
    assert stop.catalogue_id == "NF2_LOF" and stop.drives_calls
    assert nf2("Missense_Mutation", "p.Leu46Arg").catalogue_id == ""
    d = {x[0]: x for x in _matrix([stop], cat, prior=("alectinib", "lorlatinib"))}
    assert d["lorlatinib"][1] == "resistant" and d["mTOR inhibitor"][1] == "sensitive"
