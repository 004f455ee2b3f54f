"""Every drug call's trace is enough to re-derive the call, its level and its rank.

The re-derivation below is written from the rules in ``resources/catalogue/README.md`` (rule 2:
the worst counted call wins, resistant > reduced > unknown > sensitive; rule 4: a drug progressed
on is resistant unless a source reports activity after it; rule 5: a sensitive call carries the
weakest level of its supporting items, any other call the strongest; rule 6: ranked by block,
level, status, setting support, context, catalogue order), not from ``drugs.py``. It runs over
every call of the bundled example batch, read back from the JSON files.
"""

from __future__ import annotations

import ast

import pytest

from alkannot.io.results import result_from_dict
from tests.exchange_helpers import example_batch, load  # noqa: F401 (a fixture)

WORST = {"sensitive": 0, "unknown": 1, "reduced": 2, "resistant": 3}
LEVELS = ("guideline", "clinical", "case", "preclinical", "inferential")


@pytest.fixture(scope="module")
def example_calls(example_batch):  # noqa: F811
    return [load(example_batch, s, "json") for s in example_batch]


def _rederive(trace: list[dict]) -> tuple[str, str]:
    combine = [s for s in trace if s["step"] == "combine"]
    assert len(combine) == 1
    items = combine[0]["items"]
    call, level = "unknown", ""
    if any(i["call"] != "unknown" for i in items):
        call = max((i["call"] for i in items), key=WORST.get)
        if call == "sensitive":
            levels = [i["level"] for i in items if i["call"] == "sensitive" and i["level"]]
            level = max(levels, key=LEVELS.index) if levels else ""
        else:
            levels = [i["level"] for i in items if i["call"] == call and i["level"]]
            if not levels and call == "reduced":
                levels = [i["level"] for i in items if i["call"] != "unknown" and i["level"]]
            level = min(levels, key=LEVELS.index) if levels else ""
        if not level and combine[0]["rule"].startswith("no counted finding"):
            # treatment-setting statements alone without a level of the call: their strongest
            level = min((i["level"] for i in items if i["level"]), key=LEVELS.index, default="")
    assert (combine[0]["call"], combine[0]["level"]) == (call, level)
    for s in trace:
        if s["step"] == "history" and s.get("call"):
            call, level = s["call"], s["level"]
    return call, level if call != "unknown" else ""


def test_every_call_is_rederived_from_its_trace(example_calls):
    n = 0
    for result in example_calls:
        for dc in result["drugs"]:
            assert [s["step"] for s in dc["trace"]][0] == "evidence"
            assert dc["trace"][-1]["step"] == "rank"
            assert _rederive(dc["trace"]) == (dc["call"], dc["level"]), (result["sample"], dc)
            n += 1
    assert n >= 50


def test_every_ranking_is_rederived_from_the_recorded_keys(example_calls):
    for result in example_calls:
        ranked = [dc for dc in result["drugs"] if dc["rank"] is not None]
        for dc in ranked:
            assert dc["call"] == "sensitive" and dc["trace"][-1]["rank"] == dc["rank"]
        keyed = sorted(
            ranked,
            key=lambda dc: tuple(
                ast.literal_eval(k.split("=", 1)[1]) for k in dc["trace"][-1]["key"]
            ),
        )
        assert [dc["rank"] for dc in keyed] == list(range(1, len(ranked) + 1))
        unranked = [dc for dc in result["drugs"] if dc["rank"] is None]
        assert all(dc["trace"][-1]["key"] == [] for dc in unranked)


def test_history_and_evidence_steps_name_their_sources(example_calls):
    # P05 progressed on crizotinib and lorlatinib (resources/examples/samples.tsv)
    p05 = next(r for r in example_calls if r["sample"] == "P05")
    for drug in ("crizotinib", "lorlatinib"):
        dc = next(d for d in p05["drugs"] if d["drug"] == drug)
        assert any(s["step"] == "history" for s in dc["trace"])
    cited = [
        ev
        for r in example_calls
        for dc in r["drugs"]
        for s in dc["trace"]
        for i in s.get("items", [])
        for ev in i["evidence"]
    ]
    assert cited and all(": " in ev for ev in cited)


def test_cns_context_is_traced_beside_the_call(example_calls):
    # P04 has CNS metastases (resources/examples/samples.tsv): the CNS statements change ranking
    # and wording; the trace says so without a call of its own
    p04 = next(r for r in example_calls if r["sample"] == "P04")
    context = [s for dc in p04["drugs"] for s in dc["trace"] if s["step"] == "context"]
    assert context and all(not s["call"] for s in context)
    assert any("CNS" in s["rule"] for s in context)


def test_trace_survives_the_json_round_trip(example_calls):
    result = result_from_dict(example_calls[0])
    assert result.drugs[0].trace[0].step == "evidence"
    assert all(isinstance(s.items, tuple) for dc in result.drugs for s in dc.trace)


def test_the_report_shows_why_this_call_on_demand(example_calls, tmp_path):
    from alkannot.report.html import render_html

    result = result_from_dict(example_calls[0])
    html = render_html(result, None, None)
    assert html.count("<summary>why this call</summary>") == len(result.drugs)
    first = result.drugs[0]
    combine = next(s for s in first.trace if s.step == "combine")
    assert f"<b>combine</b>: {combine.rule}" in html.replace("&gt;", ">")
