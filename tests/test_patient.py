"""Patients over time (issue 25): lanes, transitions, the latest decision over the history, bad
timelines. The patients are those of ``tests/patient_fixtures.py``; every expected state,
transition, date span and drug-history value below is worked out by hand from the reads, dates
and drugs written there (the working is beside each expectation).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from fractions import Fraction
from math import comb
from pathlib import Path

import jsonschema
import pytest

from alkannot.errors import ConfigError
from alkannot.models import Finding, SampleMetadata, SampleResult
from alkannot.patient import build_patients
from alkannot.patient.lanes import build_lanes
from tests.patient_fixtures import SAMPLES, TREATMENTS, annotate_all, write_sheet

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "alkannot/report/schema/patient.schema.json").read_text())
SAMPLE_SCHEMA = json.loads((ROOT / "alkannot/report/schema/sample_result.schema.json").read_text())


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("patients")
    paths = annotate_all(root)
    out = root / "patients"
    res = run(
        "patient", str(paths["sheet"]), "-r", str(paths["results"]),
        "-t", str(paths["treatments"]), "-o", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return {**paths, "root": root, "out": out}


def _tsv(cohort, patient: str) -> dict[tuple[str, str], dict[str, str]]:
    with open(cohort["out"] / f"{patient}.timeline.tsv", newline="") as fh:
        return {(r["alteration"], r["sample"]): r for r in csv.DictReader(fh, delimiter="\t")}


def _states(rows, alteration: str) -> list[tuple[str, str]]:
    return [(r["state"], r["transition"]) for (a, _), r in sorted(rows.items()) if a == alteration]


def _json(cohort, patient: str) -> dict:
    return json.loads((cohort["out"] / f"{patient}.json").read_text())


def _exact_sf(k: int, n: int, p: float) -> Fraction:
    """P(X >= k), X ~ Binomial(n, p), summed exactly (independent of alkannot.reads.stats)."""
    q = Fraction(p)
    return sum((comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k, n + 1)), Fraction(0))


def test_issue_columns_and_schema(cohort):
    header = (cohort["out"] / "PA.timeline.tsv").read_text().splitlines()[0].split("\t")
    assert header[:10] == [
        "patient", "sample", "date", "specimen", "alteration", "state", "vaf", "ci_low",
        "ci_high", "limit",
    ]  # fmt: skip
    for p in ("PA", "PB", "PC", "PD", "PE"):
        data = _json(cohort, p)
        jsonschema.Draft202012Validator(SCHEMA).validate(data)
        jsonschema.Draft202012Validator(SAMPLE_SCHEMA).validate(
            {k: v for k, v in data["decision"].items() if k != "schema_version"}
            | {"schema_version": data["decision"]["schema_version"]}
        )


def test_crizotinib_alectinib_lorlatinib_l1196m_then_g1202r_then_the_compound(cohort):
    rows = _tsv(cohort, "PA")
    # PA1 diagnosis: nothing; PA2: L1196M 60/300; PA3: G1202R 45/300 (tissue, 50 %: L1196M
    # lost); PA4: G1202R 90/300 + L1196M 84/300 (VAFs 0.30 and 0.28 fit one clone: compound)
    assert _states(rows, "ALK L1196M") == [
        ("not_detected", ""), ("detected", "acquired"), ("not_detected", "lost"),
        ("detected", "re-emerged"),
    ]  # fmt: skip
    # G1202R 45/300 -> 90/300: each VAF is outside the other's 95 % interval (0.30 > 0.196 and
    # 0.15 < 0.249, the Clopper-Pearson bounds checked below): increased
    assert _states(rows, "ALK G1202R") == [
        ("not_detected", ""), ("not_detected", ""), ("detected", "acquired"),
        ("detected", "increased"),
    ]  # fmt: skip
    assert _states(rows, "ALK G1202R+L1196M")[-1] == ("detected", "acquired")
    assert [s for s, _ in _states(rows, "ALK EML4::ALK")] == ["detected"] * 4
    assert rows[("ALK G1202R", "PA4")]["vaf"] == "0.3"
    lane = next(ln for ln in _json(cohort, "PA")["lanes"] if ln["alteration"] == "G1202R+L1196M")
    # at PA3, just before the compound, G1202R was detected and L1196M was lost
    assert lane["emerged_from"] == ["G1202R"]
    for ln in _json(cohort, "PA")["lanes"]:
        if ln["alteration"] == "G1202R":
            for p, k in zip(ln["points"][2:], (45, 90), strict=True):
                assert float(_exact_sf(k, 300, p["ci_low"])) == pytest.approx(0.025, abs=1e-6)
                assert 1 - float(_exact_sf(k + 1, 300, p["ci_high"])) == pytest.approx(
                    0.025, abs=1e-6
                )


def test_latest_decision_of_pa_uses_the_history(cohort):
    data = _json(cohort, "PA")
    basis = data["decision_basis"]
    assert basis["baselines"] == {"mutation": "PA1", "copy_number": "", "fusion": "PA1"}
    assert basis["prior_therapy"] == ["crizotinib", "alectinib", "lorlatinib"]
    assert basis["progressed_on"] == ["crizotinib", "alectinib", "lorlatinib"]
    status = {f["alteration"]: f["baseline_status"] for f in data["decision"]["findings"]}
    # seen at an earlier time point (PA2, PA3) = pre-existing; the compound is new at PA4
    assert status["G1202R"] == "pre-existing" and status["L1196M"] == "pre-existing"
    assert status["G1202R+L1196M"] == "acquired"
    drugs = {d["drug"]: d for d in data["decision"]["drugs"]}
    # ALK_G1202R+X: lorlatinib resistant (CIViC EID11114), and it was progressed on
    assert drugs["lorlatinib"]["call"] == "resistant" and drugs["lorlatinib"]["progressed_on"]
    # time on drug: 2019-03-15..2020-06-01 = 444 days; 2020-06-05..2021-09-01 = 453 days
    days = {t["drug"]: t["days"] for t in data["treatments"]}
    assert days == {"crizotinib": 444, "alectinib": 453, "lorlatinib": 417}


def test_the_latest_decision_notes_follow_the_timeline_history(cohort):
    """PA received crizotinib, alectinib and lorlatinib by the timeline (its samples state no
    history of their own): the line-of-therapy note of the decision is the catalogue's "two or
    more ALK inhibitors" setting (issue 23 point 2), never the treatment-naive one; PE, on
    crizotinib alone (ongoing), gets no line note (crizotinib alone keeps the catalogue's
    after-crizotinib settings, alkannot/lines.py)."""
    notes = _json(cohort, "PA")["decision"]["board_context"]
    lines = [n["title"] for n in notes if n["topic"] == "line_of_therapy"]
    assert lines == ["Progression after two or more ALK inhibitors"]
    notes = _json(cohort, "PE")["decision"]["board_context"]
    assert not [n for n in notes if n["topic"] == "line_of_therapy"]


def test_plasma_series_where_met_amplification_emerges(cohort):
    rows = _tsv(cohort, "PB")
    # MET log2 0 in PB1 (tissue) and PB2 (plasma), 2.6 in PB3: fold 2**2.6 = 6.06 >= 5.0
    assert _states(rows, "MET amplification") == [
        ("not_detected", ""), ("not_detected", ""), ("detected", "acquired"),
    ]  # fmt: skip
    assert float(rows[("MET amplification", "PB3")]["fold_change"]) == pytest.approx(
        2**2.6, rel=1e-3
    )
    # G1202R 8/1000 in PB2 (plasma): 0.8 % with 8 alt fragments meets the plasma support rule
    # (5 fragments and the 0.1 % detection limit, Lanman 2015; resources/catalogue/README.md
    # "Specimen"), not the 2 %
    # tissue floor, so it passes; PB3's 600 wild-type fragments: not detected, and a plasma
    # negative is never a loss
    g = _states(rows, "ALK G1202R")
    assert g == [("not_detected", ""), ("detected", "acquired"), ("not_detected", "not_detected")]
    assert rows[("ALK G1202R", "PB2")]["passed_filters"] == "yes"
    assert "plasma" in rows[("ALK G1202R", "PB3")]["note"]
    # the limit is the reads' own: error 0.1 %, 600 fragments -> 5 alt fragments needed at
    # alpha 0.001 (P(X>=5 | 600, 0.001) = 0.0004); 95 % power to see 5 needs a mean near 9.2,
    # a fraction near 1.5 %
    limit = float(rows[("ALK G1202R", "PB3")]["limit"])
    assert 0.012 < limit < 0.018
    with open(cohort["results"] / "PB3" / "PB3.reads.tsv") as fh:
        reads = {r["alteration"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert reads["G1202R"]["status"] == "not_detected"
    assert float(reads["G1202R"]["detection_limit"]) == pytest.approx(limit, rel=1e-3)
    decision = _json(cohort, "PB")["decision"]
    met = next(f for f in decision["findings"] if f["gene"] == "MET")
    assert met["baseline_status"] == "acquired" and "bypass" in decision["mechanisms"]


def test_fusion_not_detected_in_plasma_then_present_in_tissue(cohort):
    rows = _tsv(cohort, "PC")
    # PC1 tissue: EML4-ALK; PC2 plasma: a call set without ALK; PC3 tissue: EML4-ALK again.
    # The plasma negative is not a loss, so PC3 continues PC1: persistent, not re-emerged.
    assert _states(rows, "ALK EML4::ALK") == [
        ("detected", "first_seen"), ("not_detected", "not_detected"), ("detected", "persistent"),
    ]  # fmt: skip
    assert rows[("ALK EML4::ALK", "PC2")]["specimen"] == "plasma"


def test_plasma_fusion_negative_is_never_a_loss_in_the_decision(cohort):
    sheet = write_sheet(cohort["root"] / "pc_early.tsv", ["PC1", "PC2"])
    tr = cohort["root"] / "pc_treatments.tsv"
    tr.write_text(
        "".join(
            x for x in TREATMENTS.splitlines(True) if not x.startswith("P") or x.startswith("PC")
        )
    )
    (t,) = build_patients(sheet, cohort["results"], tr, ["PC"])
    loss = [f for f in t.decision.findings if f.kind == "fusion_loss"]
    # one rule with the single sample (issue 20 point 2: in plasma "fusion not detected" is never
    # "lost" and carries the sourced agreement figure, Cui 2017: 13 of 24, 54.2 %)
    assert [f.alteration for f in loss] == ["fusion not detected in plasma (does not rule out)"]
    assert "54.2%" in loss[0].significance
    assert not loss[0].mechanism and "fusion_loss" not in t.decision.mechanisms
    assert t.decision.fusion_status == "not_detected"


def test_a_drug_stopped_for_toxicity_stays_eligible(cohort):
    data = _json(cohort, "PD")
    assert data["decision_basis"]["prior_therapy"] == ["ceritinib", "alectinib"]
    assert data["decision_basis"]["progressed_on"] == ["alectinib"]
    drugs = {d["drug"]: d for d in data["decision"]["drugs"]}
    # I1171N: ceritinib sensitive, alectinib resistant (catalogue ALK_I1171N); ceritinib was
    # stopped for toxicity, so it is offered; alectinib was progressed on
    assert drugs["ceritinib"]["call"] == "sensitive" and not drugs["ceritinib"]["progressed_on"]
    assert drugs["ceritinib"]["group"] == "next_option"
    assert drugs["alectinib"]["progressed_on"] and drugs["alectinib"]["group"] == "avoid"
    # 2018-05-10..2018-07-01 = 21 + 30 + 1 = 52 days; 2018-07-15..2020-01-10 = 365 + 179 = 544
    t = {x["drug"]: (x["days"], x["months"], x["reason"]) for x in data["treatments"]}
    assert t == {"ceritinib": (52, 1.7, "toxicity"), "alectinib": (544, 17.9, "progression")}
    assert data["decision"]["metadata"]["time_on_therapy"] == {"ceritinib": 1.7, "alectinib": 17.9}


def test_other_therapies_are_on_the_timeline_not_in_the_alk_history(cohort):
    """Chemotherapy and immunotherapy are part of real histories (issue 25 point 1: "the
    treatment timeline (drug, start, stop, reason)"): accepted under any name, shown with their
    time on drug as "other therapy", never entered as ALK-inhibitor progression; catalogue names
    are matched case-insensitively to their ids ("Alectinib" -> alectinib)."""
    tr = cohort["root"] / "pd_other.tsv"
    tr.write_text(
        "patient\tdrug\tstart\tstop\treason\n"
        "PD\tcarboplatin + pemetrexed\t2018-01-05\t2018-05-01\tprogression\n"
        "PD\tceritinib\t2018-05-10\t2018-07-01\ttoxicity\n"
        "PD\tAlectinib\t2018-07-15\t2019-06-01\tprogression\n"
        "PD\tpembrolizumab\t2019-06-10\t2019-12-01\tprogression\n"
    )
    sheet = write_sheet(cohort["root"] / "pd_other_sheet.tsv", ["PD1", "PD2"])
    (t,) = build_patients(sheet, cohort["results"], tr, ["PD"])
    periods = {p.drug: (p.days, p.alk_inhibitor) for p in t.treatments}
    # 2018-01-05..2018-05-01 = 26 + 28 + 31 + 30 + 1 = 116 days; 2019-06-10..2019-12-01 =
    # 20 + 31 + 31 + 30 + 31 + 30 + 1 = 174 days
    assert periods["carboplatin + pemetrexed"] == (116, False)
    assert periods["pembrolizumab"] == (174, False)
    assert periods["alectinib"][1] and periods["ceritinib"][1]
    assert t.decision_basis["prior_therapy"] == ["ceritinib", "alectinib"]
    assert t.decision_basis["progressed_on"] == ["alectinib"]
    assert set(t.decision.metadata.time_on_therapy) == {"ceritinib", "alectinib"}
    from alkannot.report.patient_html import render_patient_html

    assert "pembrolizumab (other therapy)" in render_patient_html(t)
    assert not t.warnings
    # a misspelt ALK inhibitor is kept as other therapy, and said so: nothing silently dropped
    tr.write_text(tr.read_text().replace("Alectinib", "alectinb"))
    (t,) = build_patients(sheet, cohort["results"], tr, ["PD"])
    assert t.decision_basis["progressed_on"] == []
    assert any("'alectinb'" in w and "alectinib" in w for w in t.warnings)


def test_a_patient_with_one_sample(cohort):
    rows = _tsv(cohort, "PE")
    assert {(a, r["state"], r["transition"]) for (a, _), r in rows.items()} == {
        ("ALK L1196M", "detected", "first_seen"),
        ("ALK EML4::ALK", "detected", "first_seen"),
    }
    data = _json(cohort, "PE")
    assert data["decision_basis"]["baselines"] == {"mutation": "", "copy_number": "", "fusion": ""}
    # crizotinib is ongoing: received, not counted as progressed on; 2022-01-10..2023-04-04
    assert data["decision_basis"]["progressed_on"] == []
    assert data["decision_basis"]["ongoing"] == ["crizotinib"]
    assert data["treatments"][0]["days"] == 365 + 84
    assert all(f["baseline_status"] == "no_baseline" for f in data["decision"]["findings"])


def test_an_ongoing_drug_says_its_time_runs_to_the_latest_sample(cohort):
    # PE: crizotinib from 2022-01-10, ongoing; its only sample 2023-04-04: 365 + 84 = 449 days,
    # 449 / 30.4375 = 14.75 -> 14.8 months, counted to that sample and said so
    html = (cohort["out"] / "PE.html").read_text()
    assert "<td class=v>449 d (14.8 mo) to the latest sample</td>" in html
    assert "crizotinib · 14.8 mo, ongoing</text>" in html


def test_a_drug_started_after_the_latest_sample_has_no_time_yet():
    # lorlatinib started after the last sample: 0 days counted, which read "0 mo"/"0 days"
    from alkannot.models import TherapyPeriod
    from alkannot.report.patient_html import _span

    later = TherapyPeriod("lorlatinib", "2024-09-20", days=0, months=0.0)
    assert _span(later, short=True) == "ongoing"
    assert _span(later) == _span(later, table=True) == "started after the latest sample"
    done = TherapyPeriod("crizotinib", "2022-02-01", "2023-04-20", "progression", 443, 14.6)
    assert (_span(done, short=True), _span(done), _span(done, table=True)) == (
        "14.6 mo",
        "443 days",
        "443 d (14.6 mo)",
    )


def test_outputs_are_byte_identical_on_a_rerun(cohort):
    names = ("PA.timeline.tsv", "PA.json", "PA.html")
    before = {n: (cohort["out"] / n).read_bytes() for n in names}
    res = run(
        "patient", str(cohort["sheet"]), "-r", str(cohort["results"]),
        "-t", str(cohort["treatments"]), "-o", str(cohort["out"]), "-p", "PA",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    for n in names:
        assert (cohort["out"] / n).read_bytes() == before[n], n


def test_the_page_links_each_sample_report(cohort):
    html = (cohort["out"] / "PA.html").read_text()
    for s in ("PA1", "PA2", "PA3", "PA4"):
        assert f'href="../results/{s}/{s}.html"' in html
        assert (cohort["out"] / f"../results/{s}/{s}.html").resolve().is_file()


# --- bad timelines: one line, exit code 2, nothing written -------------------------------------


def _bad(cohort, tmp_path, sheet_rows=None, treatments=TREATMENTS, patients=()):
    sheet = tmp_path / "samples.tsv"
    if sheet_rows is None:
        write_sheet(sheet, ["PA1", "PA2"])
    else:
        sheet.write_text("\n".join(sheet_rows) + "\n")
    tr = tmp_path / "treatments.tsv"
    tr.write_text(treatments)
    out = tmp_path / "out"
    args = ["patient", str(sheet), "-r", str(cohort["results"]), "-t", str(tr), "-o", str(out)]
    for p in patients:
        args += ["-p", p]
    res = run(*args)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir())
    return res.stderr


HEADER = "sample\tpatient\tcollection_date\tspecimen_type\ttimepoint"
PA_ONLY = (
    "patient\tdrug\tstart\tstop\treason\nPA\tcrizotinib\t2019-03-15\t2020-06-01\tprogression\n"
)


def test_a_collection_date_in_the_future(cohort, tmp_path):
    rows = [HEADER, "PA1\tPA\t2019-03-01\ttissue\t", "PA2\tPA\t2999-05-20\ttissue\t"]
    err = _bad(cohort, tmp_path, rows, PA_ONLY)
    assert "PA2" in err and "in the future" in err and "row 3" in err


def test_a_treatment_that_stops_before_it_starts(cohort, tmp_path):
    tr = "patient\tdrug\tstart\tstop\treason\nPA\tcrizotinib\t2020-06-01\t2019-03-15\tprogression\n"
    err = _bad(cohort, tmp_path, treatments=tr)
    assert "out of order" in err and "row 2" in err and "treatments.tsv" in err


def test_overlapping_treatment_periods(cohort, tmp_path):
    tr = PA_ONLY + "PA\talectinib\t2020-05-01\t2021-09-01\tprogression\n"
    err = _bad(cohort, tmp_path, treatments=tr)
    assert "overlaps" in err and "crizotinib" in err and "alectinib" in err and "row 3" in err
    ongoing = "patient\tdrug\tstart\tstop\treason\nPA\tcrizotinib\t2019-03-15\t\t\n"
    err = _bad(cohort, tmp_path, treatments=ongoing + "PA\talectinib\t2020-06-05\t\t\n")
    assert "ongoing" in err and "overlaps" in err


def test_a_sample_in_two_patients(cohort, tmp_path):
    rows = [HEADER, "PA1\tPA\t2019-03-01\ttissue\t", "PA1\tPB\t2019-03-01\ttissue\t"]
    err = _bad(cohort, tmp_path, rows, PA_ONLY)
    assert "two patients" in err and "PA1" in err and "row 3" in err


def test_a_sample_whose_build_differs(cohort, tmp_path):
    # PC1 is GRCh37, PA1 GRCh38 (tests/patient_fixtures.py)
    rows = [HEADER, "PA1\tPA\t2019-03-01\ttissue\t", "PC1\tPA\t2020-02-01\ttissue\t"]
    err = _bad(cohort, tmp_path, rows, PA_ONLY)
    assert "GRCh37" in err and "GRCh38" in err and "PC1" in err and "one build" in err


@pytest.mark.parametrize(
    ("treatments", "expected"),
    [
        (PA_ONLY.replace("progression", "relapse"), "relapse"),  # not progression|toxicity
        (PA_ONLY.replace("\tprogression", "\t"), "reason"),  # a stop needs its reason
        (PA_ONLY.replace("2019-03-15", "15/03/2019"), "column start"),
        (PA_ONLY.replace("PA\t", "PZ\t"), "no sample in the sheet"),
    ],
)
def test_bad_treatment_rows(cohort, tmp_path, treatments, expected):
    assert expected in _bad(cohort, tmp_path, treatments=treatments)


def test_the_sheet_specimen_must_match_the_result(cohort, tmp_path):
    rows = [HEADER, "PA1\tPA\t2019-03-01\tplasma\t"]
    assert "the sheet says plasma" in _bad(cohort, tmp_path, rows, PA_ONLY)


def test_the_sheet_collection_date_must_match_the_result(cohort, tmp_path):
    # PA1 was annotated from the sheet with collection_date 2019-03-01 (patient_fixtures.py)
    assert (
        json.loads((cohort["results"] / "PA1" / "PA1.json").read_text())["metadata"][
            "collection_date"
        ]
        == "2019-03-01"
    )
    rows = [HEADER, "PA1\tPA\t2019-03-02\ttissue\t"]
    message = _bad(cohort, tmp_path, rows, PA_ONLY)
    assert "the sheet says 2019-03-02, its result says 2019-03-01" in message


# --- transitions from hand-built results (rule edges) ------------------------------------------


def _obs(sample, when, specimen, purity, findings, inputs=("vcf",)):
    from alkannot.models import InputFile

    r = SampleResult(
        sample,
        "GRCh38",
        SampleMetadata(sample, purity=purity, specimen_type=specimen),
        findings=findings,
        inputs=[InputFile(role, f"{sample}.{role}", "0" * 64, 1) for role in inputs],
        settings={"min_fusion_purity": 0.2},
    )
    from alkannot.patient.lanes import observe

    return observe(sample, when, specimen, r)


def _g1202r(alt: int, depth: int) -> Finding:
    return Finding(
        "mutation", "ALK", "G1202R", chrom="chr2", pos=29220747, ref="C", alt="T",
        vaf=alt / depth, depth=depth, alt_reads=alt, catalogue_id="ALK_G1202R",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("specimen", "purity", "transition"),
    [
        ("tissue", 0.2, "lost"),  # at the 20 % floor: adequate
        ("tissue", 0.19, "not_detected"),  # below it
        ("tissue", None, "not_detected"),  # tumour content not given
        ("plasma", 0.9, "not_detected"),  # a plasma negative is never a loss
    ],
)
def test_lost_needs_tissue_with_adequate_tumour_content(specimen, purity, transition):
    obs = [
        _obs("S1", "2020-01-01", "tissue", 0.5, [_g1202r(30, 300)]),
        _obs("S2", "2020-06-01", specimen, purity, []),
    ]
    (lane,) = build_lanes(obs)
    assert lane.points[1].transition == transition


@pytest.mark.parametrize(
    ("first", "second", "transition"),
    [
        # 30/300 (95 % CI 0.069-0.140) -> 60/300 (0.156-0.250): each outside the other's
        ((30, 300), (60, 300), "increased"),
        ((60, 300), (30, 300), "decreased"),
        # 30/300 -> 40/300 = 0.133: inside 0.069-0.140, so persistent
        ((30, 300), (40, 300), "persistent"),
        # 30/300 -> 45/300 = 0.15: outside 0.069-0.140, and 0.10 is below 45/300's interval
        # (0.112-0.196): increased
        ((30, 300), (45, 300), "increased"),
        # 30/300 -> 15/100 = 0.15: outside 0.069-0.140, yet 0.10 lies inside 15/100's interval
        # (0.087-0.235): not outside both, persistent
        ((30, 300), (15, 100), "persistent"),
    ],
)
def test_increased_and_decreased_need_both_intervals(first, second, transition):
    obs = [
        _obs("S1", "2020-01-01", "tissue", 0.5, [_g1202r(*first)]),
        _obs("S2", "2020-06-01", "tissue", 0.5, [_g1202r(*second)]),
    ]
    (lane,) = build_lanes(obs)
    assert lane.points[1].transition == transition


def test_not_assessed_is_not_not_detected():
    obs = [
        _obs("S1", "2020-01-01", "tissue", 0.5, [_g1202r(30, 300)]),
        _obs("S2", "2020-03-01", "tissue", 0.5, [], inputs=("cnv",)),  # no VCF: not assessed
        _obs("S3", "2020-06-01", "tissue", 0.5, [_g1202r(30, 300)]),
    ]
    (lane,) = build_lanes(obs)
    assert [(p.state, p.transition) for p in lane.points] == [
        ("detected", "first_seen"), ("not_assessed", ""), ("detected", "persistent"),
    ]  # fmt: skip


def test_api_checks_today(cohort):
    with pytest.raises(ConfigError, match="in the future"):
        build_patients(
            cohort["sheet"], cohort["results"], cohort["treatments"], ["PE"], today=date(2023, 1, 1)
        )


def test_fixture_dates_are_in_order():
    # the hand-worked expectations assume each patient's rows are in time order
    by_patient: dict[str, list[str]] = {}
    for _, (patient, when, *_rest) in SAMPLES.items():
        by_patient.setdefault(patient, []).append(when)
    assert all(d == sorted(d) for d in by_patient.values())


def _kras() -> Finding:
    return Finding(
        "mutation", "KRAS", "G12C", chrom="chr12", pos=25245351, ref="C", alt="A", vaf=0.2,
        depth=300, alt_reads=60, catalogue_id="KRAS_G12C", mechanism="bypass",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first_kras", "intrinsic"),
    [
        ("2019-01-01", True),  # S1, collected before the first treatment (2019-06-01): intrinsic
        ("2020-01-01", False),  # first seen in S2, after treatment started: not "before treatment"
    ],
)
def test_kras_is_intrinsic_only_when_seen_before_the_first_treatment(first_kras, intrinsic):
    from alkannot.catalogue import load_catalogue
    from alkannot.patient.history import history_findings

    dates = ["2019-01-01", "2020-01-01", "2021-01-01"]
    obs = [
        _obs(f"S{i + 1}", d, "tissue", 0.5, [_kras()] if d >= first_kras else [])
        for i, d in enumerate(dates)
    ]
    (f,) = history_findings(obs[-1], obs[:-1], load_catalogue(), first_start="2019-06-01")
    assert f.baseline_status == "pre-existing"
    # review 2.6: "harbored a KRAS G12C mutation ab initio ... intrinsic resistance"
    assert any(n.startswith("present before treatment") for n in f.notes) is intrinsic


def test_a_sheet_without_patients(cohort, tmp_path):
    rows = ["sample\tpatient\tcollection_date", "PA1\t\t"]
    assert "no sample names a patient" in _bad(cohort, tmp_path, rows, "patient\tdrug\tstart\n")


def test_cohort_groups_samples_by_patient_and_refuses_a_foreign_json(cohort, tmp_path):
    jsons = [str(cohort["results"] / s) for s in ("PA1", "PA2", "PE1")]
    res = run("cohort", *jsons, "-o", str(tmp_path / "c"), "--patients", str(cohort["out"]))
    assert res.returncode == 0, res.stderr
    with open(tmp_path / "c" / "cohort.tsv", newline="") as fh:
        rows = {r["sample"]: r["patient"] for r in csv.DictReader(fh, delimiter="\t")}
    assert rows == {"PA1": "PA", "PA2": "PA", "PE1": "PE"}
    page = (tmp_path / "c" / "index.html").read_text()
    assert (
        'id="patients"' in page
        and f'href="{os.path.relpath(cohort["out"], tmp_path / "c")}/PA.html"' in page
    )
    foreign = tmp_path / "p"
    foreign.mkdir()
    (foreign / "X.json").write_text('{"patient": "X"}')
    res = run("cohort", *jsons, "-o", str(tmp_path / "d"), "--patients", str(foreign))
    assert res.returncode == 2 and "not a patient timeline" in res.stderr
    assert not (tmp_path / "d" / "index.html").exists()


def test_a_sample_listed_twice_in_one_patient(cohort, tmp_path):
    rows = [HEADER, "PA1\tPA\t2019-03-01\ttissue\t", "PA1\tPA\t2019-03-02\ttissue\t"]
    assert "appears twice (rows 2 and 3)" in _bad(cohort, tmp_path, rows, PA_ONLY)


def test_a_copy_number_lane_follows_the_gene_from_gain_to_amplification():
    from alkannot.models import GeneCopyNumber

    def cn(sample, when, call, fold):
        f = Finding("copy_number", "MET", call, chrom="chr7", pos=116672196)
        if call == "amplification":
            f = Finding(
                "copy_number", "MET", call, chrom="chr7", pos=116672196,
                catalogue_id="MET_AMP", mechanism="bypass",
            )  # fmt: skip
        o = _obs(sample, when, "tissue", 0.5, [f], inputs=("vcf", "cnv"))
        o.result.copy_number = [GeneCopyNumber("MET", "chr7", 1, 2, call, fold_change=fold)]
        return o

    (lane,) = build_lanes(
        [cn("S1", "2020-01-01", "gain", 1.6), cn("S2", "2021-01-01", "amplification", 6.0)]
    )
    # one gene, one lane: named by its highest call, catalogued; gain -> amplification increased
    assert (lane.alteration, lane.catalogue_id) == ("amplification", "MET_AMP")
    assert [p.transition for p in lane.points] == ["first_seen", "increased"]
    assert [p.fold_change for p in lane.points] == [1.6, 6.0]


def test_no_decision_over_a_result_of_another_catalogue(cohort, tmp_path):
    # the stored calls name entries of the catalogue they were made with: another catalogue
    # version is not decided again, and the page says why
    import shutil

    shutil.copytree(cohort["results"] / "PE1", tmp_path / "PE1")
    path = tmp_path / "PE1" / "PE1.json"
    data = json.loads(path.read_text())
    data["catalogue_version"] = "0.0.1"
    path.write_text(json.dumps(data))
    sheet = write_sheet(tmp_path / "s.tsv", ["PE1"])
    (t,) = build_patients(sheet, tmp_path, None, ["PE"])
    assert t.decision is None and "not decided again" in t.decision_note
    assert "catalogue 0.0.1" in t.decision_note and t.lanes
    from alkannot.patient import write_patient_reports

    paths = write_patient_reports(t, tmp_path / "out")
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(paths["json"].read_text()))
    assert "not decided again" in paths["html"].read_text()


def test_a_sample_that_could_not_be_annotated_is_named_not_dropped(cohort, tmp_path):
    import shutil

    shutil.copytree(cohort["results"] / "PE1", tmp_path / "PE1")
    (tmp_path / "PE0").mkdir()
    (tmp_path / "PE0" / "PE0.error.txt").write_text("PE0.vcf: line 3: no VCF header\n")
    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"{HEADER}\nPE0\tPE\t2022-06-01\ttissue\t\nPE1\tPE\t2023-04-04\ttissue\t\n")
    (t,) = build_patients(sheet, tmp_path)
    assert [s.sample for s in t.samples] == ["PE1"]
    assert t.warnings == ["PE0 (2022-06-01) could not be annotated: PE0.vcf: line 3: no VCF header"]


def _fusion(filter_: tuple[str, ...] = ("PASS",)) -> Finding:
    return Finding(
        "fusion", "ALK", "EML4::ALK", chrom="chr2", pos=29223528, filter=filter_,
        passed_filters=filter_ == ("PASS",), source="fusions",
    )  # fmt: skip


def _fusion_obs(sample, when, specimen, purity, findings, status):
    from dataclasses import replace

    from alkannot.patient.lanes import observe

    obs = _obs(sample, when, specimen, purity, findings, inputs=("fusions",))
    return observe(sample, when, specimen, replace(obs.result, fusion_status=status))


@pytest.mark.parametrize(
    ("specimen", "latest", "status", "expected"),
    [
        # tissue at 60 % tumour content, no ALK call: lost (the single-sample rule, EID4288)
        ("tissue", [], "absent", "fusion lost"),
        # the only ALK call failed its filter (VCF 4.2 FILTER: a failing call was still made):
        # not evidence of absence, never lost
        ("tissue", [_fusion(("LowQual",))], "absent", "fusion not detected (unconfirmed)"),
        # plasma: never lost (issue 20 point 2, Cui 2017)
        ("plasma", [], "absent", "fusion not detected in plasma (does not rule out)"),
    ],
)
def test_fusion_not_detected_over_the_history_is_the_sample_rule(
    specimen, latest, status, expected
):
    """The fusion baseline is the earliest sample that assessed it (S1, EML4::ALK passing); the
    latest sample's "not detected" is decided by the same rule as a single sample
    (``fusion_absent_finding``), so a filtered call or a plasma negative never becomes "lost"."""
    from alkannot.catalogue import load_catalogue
    from alkannot.patient.history import history_findings

    obs = [
        _fusion_obs("S1", "2020-01-01", "tissue", 0.5, [_fusion()], "present"),
        _fusion_obs("S2", "2020-06-01", specimen, 0.6, latest, status),
    ]
    out = history_findings(obs[-1], obs[:-1], load_catalogue())
    (loss,) = [f for f in out if f.kind == "fusion_loss"]
    assert loss.alteration == expected
    assert bool(loss.mechanism) == (expected == "fusion lost")


def test_a_filtered_fusion_call_on_the_lane_is_called_not_confirmed():
    """A fusion call that failed its filter (VCF 4.2 FILTER: "a semicolon-separated list of codes
    for filters that fail") is drawn where it was called, marked as not passing, and its note says
    the caller's filter failed (not "below the support rules", the variants' rule)."""
    obs = [
        _fusion_obs("S1", "2020-01-01", "tissue", 0.5, [_fusion()], "present"),
        _fusion_obs("S2", "2020-06-01", "tissue", 0.6, [_fusion(("LowQual",))], "not_detected"),
    ]
    (lane,) = build_lanes(obs)
    point = lane.points[1]
    assert point.passed_filters is False and "support rules" not in point.note
    assert "failed the caller's filters (FILTER LowQual)" in point.note


def test_a_rerun_with_fewer_formats_replaces_the_patients_set_whole(cohort, tmp_path):
    # the report-folder rule of the sample reports (README, "Report folders"): a patient's files
    # of an earlier run with other formats do not survive beside the new set
    import shutil

    from alkannot.patient import write_patient_reports

    shutil.copytree(cohort["results"] / "PE1", tmp_path / "PE1")
    sheet = write_sheet(tmp_path / "s.tsv", ["PE1"])
    (t,) = build_patients(sheet, tmp_path, None, ["PE"])
    out = tmp_path / "out"
    write_patient_reports(t, out)
    assert sorted(p.name for p in out.iterdir()) == ["PE.html", "PE.json", "PE.timeline.tsv"]
    write_patient_reports(t, out, formats=("tsv",))
    assert sorted(p.name for p in out.iterdir()) == ["PE.timeline.tsv"]
    # another patient's files in the folder are not this patient's set: kept
    (out / "PX.html").write_text("other patient\n")
    write_patient_reports(t, out, formats=("json",))
    assert sorted(p.name for p in out.iterdir()) == ["PE.json", "PX.html"]
