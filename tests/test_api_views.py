"""The Python API's conveniences: examples(), a short repr, pandas views, a cohort object."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import alkannot
from alkannot.api import annotate_cohort, annotate_sample, write_sample_reports

ROOT = Path(__file__).resolve().parent.parent


def _truth(sample: str) -> list[dict[str, str]]:
    """The planted alterations of an example (resources/examples/truth.tsv, made from the
    reference tables, not by alkannot)."""
    lines = (ROOT / "resources" / "examples" / "truth.tsv").read_text().splitlines()
    rows = csv.DictReader([x for x in lines if not x.startswith("# ")], delimiter="\t")
    return [r for r in rows if r["sample"] == sample]


def test_examples_locates_the_bundled_inputs():
    assert alkannot.examples() == ROOT / "resources" / "examples"
    assert (alkannot.examples() / "GRCh38" / "P01.rebiopsy.vcf.gz").is_file()


def test_result_repr_is_short_and_names_the_answer():
    result = annotate_sample(alkannot.examples() / "GRCh38" / "P01.rebiopsy.vcf.gz")
    text = repr(result)
    assert len(text) < 400, len(text)
    assert text.startswith("SampleResult(sample=") and "findings=" in text
    ranked = sorted((d for d in result.drugs if d.rank is not None), key=lambda d: d.rank)
    assert repr([d.drug for d in ranked[:3]]) in text


def test_findings_and_drugs_frames_hold_the_findings_and_the_matrix():
    result = annotate_sample(alkannot.examples() / "GRCh38" / "P01.rebiopsy.vcf.gz")
    findings = result.findings_frame()
    planted = {r["alteration"] for r in _truth("P01") if r["kind"] == "mutation"}
    assert planted and planted <= set(findings["alteration"])
    assert len(findings) == len(result.findings)
    drugs = result.drugs_frame()
    assert len(drugs) == len(result.drugs) and len(set(drugs["drug"])) == len(drugs)
    ranks = [r for r in drugs["rank"] if r == r and r is not None]  # NaN != NaN
    assert ranks == sorted(ranks) and list(drugs["rank"][: len(ranks)]) == ranks


def test_annotating_does_not_import_pandas_but_the_frames_do():
    code = (
        "import sys, alkannot; from alkannot.api import annotate_sample;"
        "r = annotate_sample(str(alkannot.examples() / 'GRCh38' / 'P01.rebiopsy.vcf.gz'));"
        "a = 'pandas' in sys.modules; r.findings_frame(); print(a, 'pandas' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.stdout.split() == ["False", "True"], res.stderr[-2000:]


def test_annotate_cohort_returns_an_object_with_results_failures_and_paths(tmp_path):
    jsons = []
    for sample in ("P01", "P02"):
        r = annotate_sample(alkannot.examples() / "GRCh38" / f"{sample}.rebiopsy.vcf.gz")
        jsons.append(write_sample_reports(r, tmp_path / sample, formats=("json",))["json"])
    failed_dir = tmp_path / "BAD"
    failed_dir.mkdir()
    (failed_dir / "BAD.error.txt").write_text("bad.vcf: line 1: not a VCF\n")
    cohort = annotate_cohort([*jsons, failed_dir], tmp_path / "cohort")
    assert len(cohort.results) == 2 and cohort.failed == [("BAD", "bad.vcf: line 1: not a VCF")]
    assert cohort.paths["index_html"].is_file()
    assert list(cohort.frame()["sample"]) == sorted(r.sample for r in cohort.results)
    assert len(repr(cohort)) < 200
