"""The patient page in a real browser (Playwright driving Debian's chromium, headless, offline).

Checks that the page loads nothing and raises no script error, and that every row of
``{patient}.timeline.tsv`` is drawn where the TSV says: a detected VAF at its value with its
interval from ``ci_low`` to ``ci_high``, a not-detected mark at its detection limit (at the
lane's floor when there is none), a not-assessed dash at the floor, each at its date on the
axis. Positions are measured on screen (bounding boxes) and compared with the values of the TSV
mapped through the scale the page states (the lane's top, height and maximum; the axis dates).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tests.patient_fixtures import annotate_all
from tests.test_browser import _boxes, _clean, _open, _overlaps, _screenshot, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from alkannot.patient import build_patients, write_patient_reports

    root = tmp_path_factory.mktemp("patient_pages")
    paths = annotate_all(root)
    out = root / "patients"
    for t in build_patients(paths["sheet"], paths["results"], paths["treatments"]):
        write_patient_reports(t, out, report_date="2026-12-01")
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _geometry(page) -> dict:
    return page.evaluate(
        """() => {
        const svg = document.getElementById('timeline');
        const r = svg.getBoundingClientRect();
        const lanes = {};
        for (const g of svg.querySelectorAll('g.lane')) {
            lanes[g.dataset.alteration] = {top: +g.dataset.top, height: +g.dataset.height,
                                           ymax: +g.dataset.ymax, kind: g.dataset.kind};
        }
        return {x: r.x, y: r.y, scale: r.width / svg.viewBox.baseVal.width,
                start: svg.dataset.start, end: svg.dataset.end,
                left: +svg.dataset.left, width: +svg.dataset.width, lanes};
    }"""
    )


def _box(page, selector: str) -> dict:
    boxes = page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const b = e.getBoundingClientRect(); "
        "return {x: b.x + b.width / 2, y: b.y + b.height / 2, top: b.y, bottom: b.y + b.height}; })",
    )
    assert len(boxes) == 1, (selector, boxes)
    return boxes[0]


def _expected(geo: dict, lane: dict, when: str, value: float) -> tuple[float, float]:
    span = (date.fromisoformat(geo["end"]) - date.fromisoformat(geo["start"])).days
    days = (date.fromisoformat(when) - date.fromisoformat(geo["start"])).days
    x = geo["left"] + geo["width"] * days / span
    y = lane["top"] + lane["height"] - lane["height"] * min(value, lane["ymax"]) / lane["ymax"]
    return geo["x"] + geo["scale"] * x, geo["y"] + geo["scale"] * y


@pytest.mark.parametrize("patient", ["PA", "PB", "PC"])
def test_lanes_and_intervals_are_drawn_where_the_tsv_says(browser, pages, patient):  # noqa: F811
    path = pages / f"{patient}.html"
    page, events = _open(browser, path)
    geo = _geometry(page)
    rows = _rows(pages / f"{patient}.timeline.tsv")
    seen = {"detected": 0, "not_detected": 0, "not_assessed": 0, "limit": 0}
    for r in rows:
        lane = geo["lanes"][r["alteration"]]
        g = f'g.lane[data-alteration="{r["alteration"]}"]'
        cls = {"detected": "det-mark", "not_detected": "nd-mark", "not_assessed": "na-mark"}
        mark = _box(page, f'{g} .{cls[r["state"]]}[data-sample="{r["sample"]}"]')
        if r["state"] == "detected" and lane["kind"] == "mutation":
            value = float(r["vaf"])
        elif r["state"] == "detected" and lane["kind"] == "copy_number":
            value = float(r["fold_change"])
        elif r["state"] == "detected":
            value = 0.5  # a fusion's presence: mid-lane
        elif r["state"] == "not_detected" and r["limit"] and lane["kind"] == "mutation":
            value = float(r["limit"])  # the open triangle sits at the detection limit
            seen["limit"] += 1
        elif r["state"] == "not_detected" and lane["kind"] == "copy_number":
            value = float(r["fold_change"])  # the fold change measured, below the call
        else:
            value = 0.0
        x, y = _expected(geo, lane, r["date"], value)
        assert abs(mark["x"] - x) < 1.5 and abs(mark["y"] - y) < 1.5, (r, mark, (x, y))
        if r["state"] == "detected" and r["ci_low"]:
            ci = _box(page, f'{g} line.ci[data-sample="{r["sample"]}"]')
            _, y_low = _expected(geo, lane, r["date"], float(r["ci_low"]))
            _, y_high = _expected(geo, lane, r["date"], float(r["ci_high"]))
            assert abs(ci["top"] - y_high) < 1.5 and abs(ci["bottom"] - y_low) < 1.5, r
        seen[r["state"]] += 1
    # every state occurs in this set of patients; PB3's G1202R has the reads' limit
    assert seen["detected"] and seen["not_detected"]
    if patient == "PB":
        assert seen["limit"] == 1 and seen["not_assessed"] == 2
    _screenshot(page, f"patient_{patient}.png")
    _clean(events, path)
    page.close()


def test_page_shows_the_latest_decision_and_links_the_samples(browser, pages):  # noqa: F811
    path = pages / "PD.html"
    page, events = _open(browser, path)
    decision = page.inner_text("#decision")
    # PD: ceritinib stopped for toxicity is a next option, alectinib (progressed on) is avoided
    assert "PD2" in decision and "ceritinib" in page.inner_text("#next-options")
    assert "alectinib: resistant (progressed on)" in page.inner_text("#avoid")
    assert "ceritinib 1.7 mo" in decision and "alectinib 17.9 mo" in decision
    hrefs = page.eval_on_selector_all("a.specimen", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == ["../results/PD1/PD1.html", "../results/PD2/PD2.html"]
    bars = page.eval_on_selector_all("g.treatment", "els => els.map(e => e.dataset.reason)")
    assert bars == ["toxicity", "progression"]
    _clean(events, path)
    page.close()


@pytest.mark.parametrize("patient", ["PA", "PB", "PC"])
def test_labels_do_not_overlap(browser, pages, patient):  # noqa: F811
    # PC2 (plasma) and PC3 (tissue) are 19 days apart: their labels and transitions are close
    page, events = _open(browser, pages / f"{patient}.html")
    labels = _boxes(page, "#timeline text.sample-label")
    assert len(labels) == len({r["sample"] for r in _rows(pages / f"{patient}.timeline.tsv")})
    assert not _overlaps(labels), _overlaps(labels)
    for g in page.locator("#timeline g.lane").all():
        alt = g.get_attribute("data-alteration")
        words = _boxes(page, f'#timeline g.lane[data-alteration="{alt}"] text.transition')
        assert not _overlaps(words), (alt, _overlaps(words))
    _clean(events, pages / f"{patient}.html")
    page.close()
