"""The bundled example batch, annotated through the API, against the generator's truth table.

``resources/examples/truth.tsv`` is written by ``scripts/make_examples.py`` from the reference
tables (slice bases, genetic code, curated hotspot alleles), not from alkannot, so it is an
independent expectation.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from alkannot.api import annotate_sample

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [x for x in path.read_text().splitlines() if not x.startswith("# ")]
    return list(csv.DictReader(lines, delimiter="\t"))


SHEET = {r["sample"]: r for r in _rows(EXAMPLES / "samples.tsv")}
TRUTH = _rows(EXAMPLES / "truth.tsv")


def _annotate(sample: str):
    r = SHEET[sample]
    path = lambda key: str(ROOT / r[key]) if r[key] else None  # noqa: E731
    return annotate_sample(
        path("vcf"),
        cnv=path("cnv"),
        fusions=path("fusions"),
        baseline_vcf=path("baseline_vcf"),
        baseline_cnv=path("baseline_cnv"),
        baseline_fusions=path("baseline_fusions"),
        prior_therapy=[t for t in r["prior_therapy"].split(",") if t],
        cns_metastases={"yes": True, "no": False}.get(r["cns_metastases"]),
        purity=float(r["purity"]) if r["purity"] else None,
        sample_name=sample,
    )


@pytest.fixture(scope="module")
def results():
    return {s: _annotate(s) for s in SHEET}


@pytest.mark.parametrize(
    "truth", TRUTH, ids=lambda t: f"{t['sample']}-{t['gene']}-{t['alteration']}"
)
def test_planted_alteration_is_found(results, truth):
    res = results[truth["sample"]]
    assert res.build == truth["build"]
    hits = [f for f in res.findings if f.kind == truth["kind"] and f.gene == truth["gene"]]
    if truth["kind"] == "mutation":
        hits = [f for f in hits if f.alteration == truth["alteration"]]
        assert len(hits) == 1, [(f.gene, f.alteration) for f in res.findings]
        f = hits[0]
        assert f.hgvsp == truth["hgvsp"]
        assert (f.chrom, f.pos, f.ref, f.alt) == (
            truth["chrom"],
            int(truth["pos"]),
            truth["ref"],
            truth["alt"],
        )
        assert f.depth == int(truth["depth"])
        assert f.vaf == pytest.approx(float(truth["vaf"]), abs=0.0015)  # AF written to 3 decimals
        assert f.filter == (truth["filter"],)
        assert f.passed_filters == (truth["filter"] == "PASS")
    elif truth["kind"] == "copy_number":
        assert [f.alteration for f in hits] == [truth["alteration"]]
    else:
        assert hits, [(f.kind, f.alteration) for f in res.findings]
    assert hits[0].baseline_status == truth["baseline_status"]


def test_synonymous_change_at_a_resistance_codon_is_not_a_resistance_mutation(results):
    syn = [f for f in results["P04"].findings if f.alteration == "G1202="]
    assert len(syn) == 1
    assert syn[0].catalogue_id == "" and "resistance" not in syn[0].significance.replace(
        "not a resistance", ""
    )


def test_review_mutations_are_known_resistance_mutations(results):
    for sample, alteration in (
        ("P01", "G1202R"),
        ("P04", "L1196M"),
        ("P06", "T1151dup"),
        ("P02", "I1171T"),
    ):
        f = next(f for f in results[sample].findings if f.alteration == alteration)
        assert f.catalogue_id and f.significance == "known resistance mutation"
        assert f.mechanism == "on_target_mutation"


def test_sample_without_alterations_reports_no_mechanism(results):
    # P07: nothing found, progressed on crizotinib. No call comes from a finding; the
    # second-generation inhibitors are options after crizotinib whatever the mechanism (review
    # [27] ceritinib ORR 56%, [53] alectinib ORR 54.5%, [64] AP26113 ORR 67%; ESMO 2020 and
    # ASCO/Ontario: ceritinib, alectinib, brigatinib after crizotinib), and crizotinib, the drug
    # the tumour progressed on, is not offered again.
    p07 = {d.drug: d for d in results["P07"].drugs}
    assert results["P07"].mechanisms == []
    assert all(
        r.catalogue_id != "" or r.finding.startswith("treatment history")
        for d in p07.values()
        for r in d.reasons
    )
    assert not any(
        r.catalogue_id.startswith(("ALK_", "MET_", "KIT_", "KRAS_", "EGFR_"))
        for d in p07.values()
        for r in d.reasons
    )
    for drug in ("ceritinib", "alectinib", "brigatinib"):
        assert (p07[drug].call, p07[drug].level) == ("sensitive", "guideline"), drug
        assert p07[drug].rank is not None
    assert p07["crizotinib"].call == "resistant" and p07["crizotinib"].progressed_on
    assert p07["crizotinib"].rank is None


def test_every_sample_counts_its_outside_slice_alk_records_as_skipped(results):
    # the generator puts two ALK records outside the slice in every VCF
    for res in results.values():
        needs_ref = [
            s
            for s in res.skipped
            if s.category == "needs_reference" and not s.source.startswith("baseline")
        ]
        assert len(needs_ref) == 2, res.sample
