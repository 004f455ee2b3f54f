#!/usr/bin/env python3
"""Regenerate ``docs/report-screenshot.png``: the first screen of the bundled example P01.

Annotates P01 (GRCh38: ALK G1202R after crizotinib, with its copy number, fusions and baseline)
into a temporary folder and photographs what a 1366x768 screen shows without scrolling (the size
the browser tests check the first screen at) in headless Chromium (Playwright)::

    .venv/bin/python scripts/make_screenshot.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alkannot.api import annotate_sample, write_sample_reports

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "resources" / "examples" / "GRCh38"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "report-screenshot.png")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    r = annotate_sample(
        EX / "P01.rebiopsy.vcf.gz",
        sample_name="P01",
        cnv=EX / "P01.cns",
        fusions=EX / "P01.fusions.tsv",
        baseline_vcf=EX / "P01.baseline.vcf.gz",
        prior_therapy=["crizotinib"],
        cns_metastases=False,
    )
    with tempfile.TemporaryDirectory() as tmp:
        html = write_sample_reports(r, tmp, formats=("html",))["html"]
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(html.as_uri())
            page.screenshot(path=str(args.out))
            browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
