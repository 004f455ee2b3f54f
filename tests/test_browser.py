"""The reports in a real browser (Playwright driving Debian's chromium, headless).

Checks: no console errors, no network request, sorting and filtering work, the hostile-input
report runs no script (no dialog ever opens). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alkannot.api import annotate_cohort, annotate_sample, write_sample_reports
from tests.test_reports import hostile_inputs

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


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    jsons = []
    for sample, build, kw in (
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
        jsons.append(write_sample_reports(r, out / sample)["json"])
    cohort = annotate_cohort(jsons, out / "cohort")
    hostile_dir = out / "hostile"
    hostile_dir.mkdir()
    vcf, fusions = hostile_inputs(hostile_dir)
    hostile = write_sample_reports(annotate_sample(vcf, fusions=fusions), hostile_dir / "out")
    return {
        "sample": out / "P03" / "P03.html",
        "cohort": cohort["index_html"],
        "hostile": hostile["html"],
        "p04": out / "P04" / "P04.html",
    }


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
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
    assert "ALK secondary (on-target) mutation" in text and "bypass track" in text
    assert page.locator(".call-resistant").count() > 0
    _screenshot(page, "sample_report_P03.png")
    _clean(events, reports["sample"])
    page.close()


def test_cohort_report(browser, reports):
    page, events = _open(browser, reports["cohort"])
    assert page.locator("#samples tbody tr").count() == 3
    page.locator("#samples th", has_text="Sample").click()
    names = page.locator("#samples tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names)
    page.fill("input.filter", "P07")
    visible = [r for r in page.locator("#samples tbody tr").all() if r.is_visible()]
    assert len(visible) == 1
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
    page.close()
