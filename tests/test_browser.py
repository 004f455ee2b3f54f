"""The reports in a real browser (Playwright driving Debian's chromium, headless, offline).

Checks: the first screen says what the JSON says (next options in rank order with their level,
the unranked block apart), plot labels never overlap (measured bounding boxes, on screen and in
print), printing gives a running header and footer on every page (A4 and Letter, also through
``--formats pdf``), no console error, no network request, and the hostile-input reports run no
script, show no bidirectional override and link nowhere outside the folder. Screenshots go to
tests/artifacts/.
"""

from __future__ import annotations

import json
import os
import re
from io import BytesIO
from pathlib import Path

import pytest

from alkannot.api import annotate_cohort, annotate_sample, write_sample_reports
from alkannot.models import Finding, SampleMetadata, SampleResult
from tests.test_reports import bidi_inputs, hostile_inputs

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "resources" / "examples"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: make test installs it (make system-deps)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _crowded_result() -> SampleResult:
    """ALK mutations at neighbouring residues (1196-1206) and every landmark: labels would collide."""
    muts = [
        ("L1196M", "p.Leu1196Met"),
        ("L1198F", "p.Leu1198Phe"),
        ("G1202R", "p.Gly1202Arg"),
        ("D1203N", "p.Asp1203Asn"),
        ("S1206Y", "p.Ser1206Tyr"),
        ("E1210K", "p.Glu1210Lys"),
        ("F1174L", "p.Phe1174Leu"),
        ("C1156Y", "p.Cys1156Tyr"),
    ]
    findings = [
        Finding("mutation", "ALK", a, hgvsp=h, vaf=0.1, depth=200, catalogue_id=f"ALK_{a}")
        for a, h in muts
    ]
    return SampleResult("crowded", "GRCh38", SampleMetadata("crowded"), findings=findings)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    jsons = []
    for sample, build, kw in (
        ("P01", "GRCh38", {"cnv": "P01.cns", "fusions": "P01.fusions.tsv"}),
        (
            "P03",
            "GRCh38",
            {
                "cnv": "P03.cns",
                "fusions": "P03.fusions.tsv",
                "baseline_vcf": "P03.baseline.vcf.gz",
                "baseline_fusions": "P03.baseline.fusions.tsv",
            },
        ),
        ("P04", "GRCh37", {"cnv": "P04.cns"}),
        ("P07", "GRCh38", {}),
    ):
        r = annotate_sample(
            EX / build / f"{sample}.rebiopsy.vcf.gz",
            sample_name=sample,
            prior_therapy=["crizotinib"],
            **{k: EX / build / v for k, v in kw.items()},
        )
        jsons.append(write_sample_reports(r, out / sample, report_date="2026-11-30")["json"])
    crowded = write_sample_reports(_crowded_result(), out / "crowded", formats=("html",))
    # a result whose file name would be a URL scheme if a link took it as written
    evil_dir = out / "javascript:alert(1)"
    evil = write_sample_reports(
        annotate_sample(EX / "GRCh38" / "P07.rebiopsy.vcf.gz", sample_name="evil"),
        evil_dir,
        formats=("json", "html"),
    )
    cohort = annotate_cohort([*jsons, evil["json"]], out / "cohort")
    hostile_dir = out / "hostile"
    hostile_dir.mkdir()
    vcf, fusions = hostile_inputs(hostile_dir)
    hostile = write_sample_reports(annotate_sample(vcf, fusions=fusions), hostile_dir / "out")
    bidi_dir = out / "bidi"
    bidi_dir.mkdir()
    bvcf, bfus = bidi_inputs(bidi_dir)
    bidi = write_sample_reports(
        annotate_sample(bvcf, fusions=bfus, sample_name="bidi"), bidi_dir / "out"
    )
    return {
        "p01": out / "P01" / "P01.html",
        "p01_json": out / "P01" / "P01.json",
        "sample": out / "P03" / "P03.html",
        "cohort": cohort["index_html"],
        "hostile": hostile["html"],
        "bidi": bidi["html"],
        "p04": out / "P04" / "P04.html",
        "crowded": crowded["html"],
        "out": out,
    }


def _open(browser, path: Path, media: str = "screen"):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.emulate_media(media=media)
    events = {"console": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: events["console"].append(m) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["console"].append(e))
    page.on("request", lambda r: events["requests"].append(r.url))

    def on_dialog(d):
        events["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _clean(events, path: Path) -> None:
    assert not events["console"], events["console"]
    assert events["requests"] == [path.as_uri()], events["requests"]
    assert not events["dialogs"]


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const b = e.getBoundingClientRect(); "
        "return {text: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height}; })",
    )


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                bad.append((a["text"], b["text"]))
    return bad


def _expected_blocks(data: dict) -> tuple[list[str], set[str]]:
    """From the JSON alone: the next options (the decision layer's ``next_option`` group, by
    rank) and the drugs that must stay out of that box (no positive call)."""
    nxt = [d for d in data["drugs"] if d.get("group") == "next_option"]
    # the contract the box rests on: only ranked drugs with a positive call
    assert all(d["call"] == "sensitive" and isinstance(d["rank"], int) for d in nxt), nxt
    nxt.sort(key=lambda d: (d["rank"], d["drug"]))
    outside = {d["drug"] for d in data["drugs"] if d["call"] != "sensitive"}
    return [d["drug"] for d in nxt], outside


@pytest.mark.parametrize("sample", ["P01", "P04"])
def test_first_screen_says_what_the_json_says(browser, reports, sample):
    data = json.loads((reports["out"] / sample / f"{sample}.json").read_text())
    path = reports["out"] / sample / f"{sample}.html"
    expected_next, outside = _expected_blocks(data)
    page, events = _open(browser, path)
    shown = page.eval_on_selector_all("#next-options li", "els => els.map(e => e.dataset.drug)")
    assert shown == expected_next
    # the options themselves, from the sources rather than from the result (truth.tsv and
    # shared/literature/lin2017_table2_qualitative_coverage.tsv):
    if sample == "P01":
        # ALK G1202R alone: of the approved drugs Lin 2017 Table 2 lists only lorlatinib as
        # targeting G1202R (brigatinib "may be compromised", the others do not)
        assert shown == ["lorlatinib"]
    else:
        # P04, ALK L1196M + ALK amplification after crizotinib: Table 2 lists L1196M as targeted
        # by ceritinib, alectinib, brigatinib, lorlatinib and ensartinib, not by crizotinib
        # (progressed on); ensartinib's L1196M evidence is preclinical only (review 5 [67],
        # Table 2), the others have guideline or clinical statements: it ranks last
        assert set(shown) == {"alectinib", "brigatinib", "ceritinib", "lorlatinib", "ensartinib"}
        assert shown[-1] == "ensartinib" and "crizotinib" not in shown
    assert not set(shown) & outside  # no unknown/reduced/resistant drug among the options
    by_drug = {d["drug"]: d for d in data["drugs"]}
    for li in page.locator("#next-options li").all():
        d = by_drug[li.get_attribute("data-drug")]
        text = li.inner_text()
        assert d["level"] and d["level"] in text  # the evidence level is printed
        assert d["status"] in text
        if d["amp_tier"]:
            assert d["amp_tier"] in text
        assert "Review" in text or "PMID" in text or "Lin" in text or "CIViC" in text
    groups = {
        "unranked": "#unranked li",
        "investigational": "#investigational li",
        "avoid": "#avoid li",
    }
    for group, selector in groups.items():
        shown_group = page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.drug)")
        assert sorted(shown_group) == sorted(
            d["drug"] for d in data["drugs"] if d.get("group") == group
        ), group
    # the unranked block is visibly separate: its own box, below the options, not overlapping
    nb, ub = page.locator("#next-options").bounding_box(), page.locator("#unranked").bounding_box()
    assert ub["y"] >= nb["y"] + nb["height"]
    # first screen: mechanisms and the next-options box are visible without scrolling
    assert page.locator("#next-options").bounding_box()["y"] < 900
    # no rank number for a drug outside the next options in the matrix
    for row in page.locator("#drug-summary tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        if cells[0] not in expected_next:
            assert cells[2].strip() == "", cells
    # every in-page link lands on an element of the page
    targets = page.eval_on_selector_all(
        'a[href^="#"]', "els => els.map(e => !!document.getElementById(e.hash.slice(1)))"
    )
    assert targets and all(targets)
    _screenshot(page, f"first_screen_{sample}.png")
    _clean(events, path)
    page.close()


def test_not_seen_separates_not_detected_from_not_assessed(browser, reports):
    page, events = _open(browser, reports["p04"])  # P04: no fusion input
    rows = {
        r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text()
        for r in page.locator("#not-seen tbody tr").all()
    }
    assert rows["ALK fusion"] == "not assessed"
    assert rows["ALK amplification"] == "detected"  # fold 4 >= 2.2 (review 2.2), P04.cns
    _clean(events, reports["p04"])
    page.close()
    page, events = _open(browser, reports["sample"])  # P03: fusion at baseline, lost now
    assert "difficult to prove loss of ALK" in page.inner_text("#fusion-caution")
    _clean(events, reports["sample"])
    page.close()


@pytest.mark.parametrize("media", ["screen", "print"])
def test_plot_labels_do_not_overlap(browser, reports, media):
    page, events = _open(browser, reports["crowded"], media)
    labels = _boxes(page, "svg.lollipop text.label")
    assert len(labels) == 8 + 4  # eight mutations and four landmarks, all drawn
    assert not _overlaps(labels)
    ticks = _boxes(page, "svg.lollipop text.tick")
    assert [t["text"] for t in ticks] == [str(t) for t in range(1125, 1384, 25)]
    assert not _overlaps(ticks)
    cn = _boxes(page, "svg.cnpanel text")  # no copy-number input: every gene "not assessed"
    assert sum(1 for b in cn if b["text"].startswith("not assessed")) == 6
    assert not _overlaps(cn)
    _clean(events, reports["crowded"])
    page.close()


def test_copy_number_thresholds_labels_do_not_overlap(browser, reports):
    page, events = _open(browser, reports["p04"])
    labels = _boxes(page, "svg.cnpanel text.label")
    assert len(labels) >= 3  # amplification, gain, loss thresholds
    assert not _overlaps(labels)
    _clean(events, reports["p04"])
    page.close()


def _pdf_pages(data: bytes) -> list[tuple[str, float, float]]:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return [
        (p.extract_text(), float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages
    ]


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_print_has_header_and_footer_on_every_page(browser, reports, paper, size):
    page, events = _open(browser, reports["sample"], "print")
    # print stylesheet: no sort glyph, headings kept with their content, values unbroken
    glyph = page.evaluate(
        "getComputedStyle(document.querySelector('th.sortable'), '::after').content"
    )
    assert glyph in ("none", "normal", "")
    assert page.evaluate("getComputedStyle(document.querySelector('h2')).breakAfter") == "avoid"
    assert page.evaluate("getComputedStyle(document.querySelector('.v')).whiteSpace") == "nowrap"
    pdf = page.pdf(format=paper, prefer_css_page_size=False, print_background=True)
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2
    for i, (text, w, h) in enumerate(pages, start=1):
        assert abs(w - size[0]) < 2 and abs(h - size[1]) < 2  # points, within rounding
        assert "sample P03" in text, (i, text[:200])
        assert "Report date 2026-11-30" in text
        assert f"Page {i} / {len(pages)}" in text
    whole = " ".join(t for t, _, _ in pages)
    # P03 carries KRAS G12C at VAF 0.31 (resources/examples/truth.tsv), printed as "VAF 31.0%"
    for value in ("GRCh38", "crizotinib", "alectinib", "KRAS G12C", "VAF 31.0%"):
        assert value in whole  # printed whole, never split inside the value
    _clean(events, reports["sample"])
    page.close()


def test_formats_pdf_prints_through_chromium(reports, tmp_path):
    r = annotate_sample(EX / "GRCh38" / "P01.rebiopsy.vcf.gz", sample_name="P01")
    paths = write_sample_reports(r, tmp_path, formats=("pdf",), paper="Letter")
    pages = _pdf_pages(paths["pdf"].read_bytes())
    assert pages and all(abs(w - 612) < 2 and abs(h - 792) < 2 for _, w, h in pages)  # Letter
    for i, (text, _, _) in enumerate(pages, start=1):
        assert "sample P01" in text and f"Page {i} / {len(pages)}" in text
    assert "Next options" in pages[0][0] and "lorlatinib" in pages[0][0]


def test_sample_report_sorts_filters_and_loads_nothing(browser, reports):
    page, events = _open(browser, reports["p04"])
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 4
    vaf_header = page.locator("#findings th", has_text="VAF")
    vaf_header.click()
    vafs = [
        float(x) for x in page.locator("#findings tbody tr td:nth-child(6)").all_inner_texts() if x
    ]
    assert vafs == sorted(vafs)
    vaf_header.click()
    vafs = [
        float(x) for x in page.locator("#findings tbody tr td:nth-child(6)").all_inner_texts() if x
    ]
    assert vafs == sorted(vafs, reverse=True)
    page.fill("input.filter", "L1196M")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "L1196M" in visible[0].inner_text()
    page.fill("input.filter", "")
    _screenshot(page, "sample_report_P04.png")
    _clean(events, reports["p04"])
    page.close()


def test_sample_report_with_baseline_renders(browser, reports):
    page, events = _open(browser, reports["sample"])
    text = page.inner_text("#first-screen")
    # P03 (truth.tsv): EML4-ALK lost since a fusion-positive baseline, KRAS G12C pre-existing
    assert "ALK fusion lost" in text and "bypass track" in text and "pre-existing" in text
    assert page.locator(".call-resistant").count() > 0
    _screenshot(page, "sample_report_P03.png")
    _clean(events, reports["sample"])
    page.close()


def test_cohort_report(browser, reports):
    page, events = _open(browser, reports["cohort"])
    assert page.locator("#samples tbody tr").count() == 5
    page.locator("#samples th", has_text="Sample").click()
    names = page.locator("#samples tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.lower)  # the page sorts text case-insensitively
    page.fill("input.filter", "P07")
    visible = [r for r in page.locator("#samples tbody tr").all() if r.is_visible()]
    assert len(visible) == 1
    page.fill("input.filter", "")
    # human-readable mechanism labels, never the internal keys
    body = page.inner_text("body")
    assert "on_target_mutation" not in body and "ALK secondary (on-target) mutation" in body
    # P01's first next option is lorlatinib (G1202R; Lin 2017 Table 2)
    p01 = page.locator("#samples tbody tr", has_text="P01")
    assert "lorlatinib" in p01.locator("td").nth(7).inner_text()
    # oncoprint cells link to the report and show the VAF: P01 G1202R at AF 0.18 in P01's VCF
    cell = page.locator("#oncoprint td.hit a", has_text="G1202R").first
    assert "%" in cell.inner_text()
    # every link is relative and stays a file: no scheme taken from "javascript:alert(1)"
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith(("./", "../")) for h in hrefs), hrefs
    protocols = page.eval_on_selector_all("a", "els => els.map(e => e.protocol)")
    assert set(protocols) == {"file:"}
    _screenshot(page, "cohort_report.png")
    _clean(events, reports["cohort"])
    page.close()


def test_hostile_report_runs_no_script(browser, reports):
    page, events = _open(browser, reports["hostile"])
    page.wait_for_timeout(300)
    assert "<script>alert(1)</script>" in page.inner_text("body")  # shown as text
    _screenshot(page, "hostile_report.png")
    assert not events["dialogs"]
    assert events["requests"] == [reports["hostile"].as_uri()]
    assert not events["console"]
    page.close()


def test_bidi_controls_are_shown_not_applied(browser, reports):
    page, events = _open(browser, reports["bidi"])
    text = page.inner_text("body")
    assert not BIDI.search(text)
    assert "<U+202E>" in text and "<U+2066>" in text
    # each cell is its own bidi island
    assert page.evaluate("getComputedStyle(document.querySelector('td')).unicodeBidi") == "isolate"
    _clean(events, reports["bidi"])
    page.close()


def test_hostile_report_prints_with_an_inert_header(browser, reports):
    # the running header is CSS generated from the sample id: a hostile id must stay text there
    page, events = _open(browser, reports["hostile"], "print")
    pages = _pdf_pages(page.pdf(format="A4"))
    assert pages
    for i, (text, _, _) in enumerate(pages, start=1):
        assert "sample _script_alert_1_script_" in text and f"Page {i} / {len(pages)}" in text
    assert not events["dialogs"] and not events["console"]
    assert events["requests"] == [reports["hostile"].as_uri()]
    page.close()
