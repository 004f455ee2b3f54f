"""The FHIR bundle of every bundled example: structure, invariants, content and a round trip.

Structure: ``fhir.resources`` R4B models parse every bundle. Invariants: FHIRPath expressions
evaluated with ``fhirpathpy`` (R4 model). Those keyed ``dom-*``, ``obs-*``, ``bdl-*``, ``ext-1``
are the FHIR R4 core constraints that the Genomics Reporting IG profiles carry in their
snapshots (expressions as in hl7.org/fhir/R4 <type>.profile.json); those keyed ``ig-*`` are
rules of the IG profiles (HL7/genomics-reporting input/fsh CGGeneral.fsh, CGFindings.fsh,
CGImplications.fsh) written as FHIRPath here. Each invariant is also shown to fail on a
resource built to break it, so a pass is not vacuous.
"""

from __future__ import annotations

import copy
import gzip
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhirpathpy import evaluate
from fhirpathpy.models import models

from alkannot.exchange import fhir
from alkannot.io.results import result_from_dict
from tests.exchange_helpers import ROOT, compound_result, example_batch, load  # noqa: F401

R4 = models["r4"]
LAB = "http://terminology.hl7.org/CodeSystem/observation-category"
IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"

# (key, resource selector, expression, how to break it)
INVARIANTS = [
    (
        "dom-2",
        "*",
        "contained.contained.empty()",
        {"contained": [{"resourceType": "Basic", "contained": [{"resourceType": "Basic"}]}]},
    ),
    (
        "dom-4",
        "*",
        "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()",
        {"contained": [{"resourceType": "Basic", "meta": {"versionId": "1"}}]},
    ),
    (
        "dom-5",
        "*",
        "contained.meta.security.empty()",
        {"contained": [{"resourceType": "Basic", "meta": {"security": [{"code": "R"}]}}]},
    ),
    ("dom-6", "*", "text.`div`.exists()", {"text": None}),
    (
        "obs-6",
        "Observation",
        "dataAbsentReason.empty() or value.empty()",
        {"dataAbsentReason": {"text": "x"}, "valueString": "y"},
    ),
    (
        "obs-7",
        "Observation",
        "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()",
        "obs-7",
    ),
    (
        "ext-1",
        "DiagnosticReport",
        "extension.all(extension.exists() != value.exists())",
        {"extension": [{"url": "x"}]},
    ),
    (
        "bdl-1",
        "Bundle",
        "total.empty() or (type = 'searchset') or (type = 'history')",
        {"total": 3},
    ),
    ("bdl-2", "Bundle", "entry.search.empty() or (type = 'searchset')", "bdl-2"),
    (
        "bdl-3",
        "Bundle",
        "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction'"
        " or %resource.type = 'history'))",
        {"type": "transaction"},
    ),
    (
        "bdl-4",
        "Bundle",
        "entry.all(response.exists() = (%resource.type = 'batch-response'"
        " or %resource.type = 'transaction-response' or %resource.type = 'history'))",
        {"type": "batch-response"},
    ),
    (
        "bdl-7",
        "Bundle",
        "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
        "bdl-7",
    ),
    ("bdl-8", "Bundle", "entry.all(fullUrl.contains('/_history/').not())", "bdl-8"),
    (
        "ig-base-category",
        "Observation",
        f"category.coding.where(system = '{LAB}' and code = 'laboratory').count() = 1",
        {"category": [{"text": "x"}]},
    ),
    (
        "ig-report",
        "DiagnosticReport",
        "code.coding.where(system = 'http://loinc.org' and code = '81247-9').exists()"
        " and category.coding.where(code = 'GE').exists()",
        {"code": {"text": "x"}},
    ),
    (
        "ig-variant",
        "variant",
        # LL1971-2 answers as the IG examples use them: Present, Absent, No call
        "code.coding.code = '69548-6'"
        " and valueCodeableConcept.coding.code in ('LA9633-4' | 'LA9634-2' | 'LA18198-4')",
        {"valueCodeableConcept": {"text": "maybe"}},
    ),
    (
        "ig-region-studied",
        "region-studied",
        "code.coding.code = '53041-0' and value.empty()",
        {"valueString": "x"},
    ),
    (
        "ig-implication",
        "therapeutic-implication",
        "value.empty() and derivedFrom.exists() and code.coding.code = 'therapeutic-implication'",
        {"derivedFrom": None},
    ),
    (
        "ig-genotype",
        "genotype",
        "code.coding.code = '84413-4' and value.exists()",
        {"valueCodeableConcept": None},
    ),
    (
        "ig-med-recommendation",
        "Task",
        "status = 'requested' and intent = 'proposal'",
        {"status": "draft"},
    ),
    ("ig-specimen", "Specimen", "subject.exists()", {"subject": None}),
]


def _select(bundle: dict, selector: str) -> list[dict]:
    if selector == "Bundle":
        return [bundle]
    res = [e["resource"] for e in bundle["entry"]]
    if selector == "*":
        return res
    return [
        r
        for r in res
        if r["resourceType"] == selector or IG + selector in r.get("meta", {}).get("profile", [])
    ]


def _holds(resource: dict, expression: str) -> bool:
    return evaluate(resource, expression, {"resource": resource}, R4) == [True]


def _broken(resource: dict, how) -> dict:
    r = copy.deepcopy(resource)
    if how == "obs-7":
        r["valueString"] = "x"
        r["component"] = [{"code": r["code"], "valueString": "y"}]
    elif how == "bdl-2":
        r["entry"][0]["search"] = {"mode": "match"}
    elif how == "bdl-7":
        r["entry"].append(copy.deepcopy(r["entry"][0]))
    elif how == "bdl-8":
        r["entry"][0]["fullUrl"] = "http://x/Observation/1/_history/2"
    else:
        for k, v in how.items():
            if v is None:
                r.pop(k, None)
            else:
                r[k] = v
    return r


@pytest.fixture(scope="module")
def bundles(example_batch, compound_result):  # noqa: F811
    out = {s: load(example_batch, s, "fhir.json") for s in example_batch}
    out["CMP"] = fhir.build_bundle(compound_result)  # no bundled example has a compound
    return out


def test_every_example_bundle_parses_with_the_r4b_models(bundles, example_batch):  # noqa: F811
    for sample, b in bundles.items():
        parsed = Bundle.model_validate(b)
        assert parsed.type == "collection"
        urls = {e["fullUrl"] for e in b["entry"]}
        refs = {m for m in json.dumps(b).split('"reference": "')[1:] for m in [m.split('"')[0]]}
        assert refs <= urls, (sample, refs - urls)  # every reference resolves inside the bundle


@pytest.mark.parametrize(
    ("key", "selector", "expression", "how"), INVARIANTS, ids=[i[0] for i in INVARIANTS]
)
def test_invariant_holds_on_every_example_and_can_fail(bundles, key, selector, expression, how):
    checked = 0
    for sample, b in bundles.items():
        for r in _select(b, selector):
            assert _holds(r, expression), (sample, key, r.get("id"))
            checked += 1
    assert checked, f"{key}: no resource to check"
    some = next(r for b in bundles.values() for r in _select(b, selector))
    assert not _holds(_broken(some, how), expression), f"{key} cannot fail as written"


def test_variant_observation_matches_the_vcf_record(bundles):
    # P01's re-biopsy VCF (resources/examples/GRCh38/P01.rebiopsy.vcf.gz), read here with gzip
    vcf = ROOT / "resources/examples/GRCh38/P01.rebiopsy.vcf.gz"
    with gzip.open(vcf, "rt") as fh:
        rows = [ln.split("\t") for ln in fh if not ln.startswith("#")]
    records = {(int(x[1]), x[3], x[4]) for x in rows if x[0] in ("chr2", "2")}
    seen = set()
    for r in _select(bundles["P01"], "variant"):
        comp = {c["code"]["coding"][0]["code"]: c for c in r["component"]}
        if "69547-8" in comp:
            pos = comp["81254-5"]["valueRange"]["low"]["value"]
            seen.add((pos, comp["69547-8"]["valueString"], comp["69551-0"]["valueString"]))
    assert seen and seen <= records


def test_implications_and_recommended_actions_follow_the_drug_matrix(bundles, example_batch):  # noqa: F811
    for sample, b in bundles.items():
        if sample not in example_batch:
            continue
        result = load(example_batch, sample, "json")
        stated = [d for d in result["drugs"] if d["call"] != "unknown"]
        ranked = sorted((d for d in result["drugs"] if d["rank"]), key=lambda d: d["rank"])
        implications = _select(b, "therapeutic-implication")
        assert len(implications) == len(stated)
        report = _select(b, "DiagnosticReport")[0]
        tasks = {f"urn:uuid:{t['id']}": t for t in _select(b, "Task")}
        actions = [tasks[x["valueReference"]["reference"]] for x in report.get("extension", [])]
        assert [t["description"].split(": ", 1)[1] for t in actions] == [d["drug"] for d in ranked]


def test_a_compound_is_a_genotype_over_its_variants(bundles):
    genotypes = _select(bundles["CMP"], "genotype")
    assert [g["valueCodeableConcept"]["text"] for g in genotypes] == ["ALK C1156Y+L1198F"]
    variants = {f"urn:uuid:{v['id']}": v for v in _select(bundles["CMP"], "variant")}
    parts = [variants[d["reference"]] for d in genotypes[0]["derivedFrom"]]
    names = {
        c["valueCodeableConcept"]["text"]
        for v in parts
        for c in v["component"]
        if c["code"]["coding"][0]["code"] == "48005-3"
    }
    assert names == {"p.Cys1156Tyr", "p.Leu1198Phe"}  # HGVS of C1156Y and L1198F


def test_region_studied_carries_the_detection_limits(bundles):
    p01 = _select(bundles["P01"], "region-studied")
    text = " ".join(c.get("valueString", "") for r in p01 for c in r["component"])
    assert "VAF >= 0.02" in text and "depth >= 20" in text  # the README's default thresholds


def test_round_trip_write_read_compare(example_batch, tmp_path):  # noqa: F811
    result = result_from_dict(load(example_batch, "P01", "json"))
    path = tmp_path / "P01.fhir.json"
    fhir.write_fhir(result, path)
    back = Bundle.model_validate_json(path.read_text(encoding="utf-8"))
    again = json.loads(back.model_dump_json(exclude_none=True))
    assert again == json.loads(path.read_text(encoding="utf-8"))
    assert fhir.to_fhir_json(result) == path.read_text(encoding="utf-8")  # same bytes again


def test_specimen_says_tissue_or_plasma(example_batch):  # noqa: F811
    import dataclasses

    result = result_from_dict(load(example_batch, "P01", "json"))
    for kind, text in (("plasma", "plasma (cell-free DNA)"), ("tissue", "tumour tissue")):
        result.metadata = dataclasses.replace(result.metadata, specimen_type=kind)
        specimen = _select(fhir.build_bundle(result), "Specimen")[0]
        assert specimen["type"]["text"] == f"re-biopsy: {text}"


def test_a_fusion_names_both_partners(bundles):
    # P01's fusion table (resources/examples/GRCh38/P01.fusions.tsv) holds EML4-ALK
    genes = [
        {
            c["valueCodeableConcept"]["text"]
            for c in v["component"]
            if c["code"]["coding"][0]["code"] == "48018-6"
        }
        for v in _select(bundles["P01"], "variant")
    ]
    assert {"EML4", "ALK"} in genes


def test_region_studied_says_what_was_not_assessed(bundles, example_batch):  # noqa: F811
    checked = 0
    for sample in example_batch:
        result = load(example_batch, sample, "json")
        text = " ".join(
            c.get("valueString", "")
            for r in _select(bundles[sample], "region-studied")
            for c in r["component"]
        )
        for s in result["not_assessed"]:
            gene = s.split(" ")[0]
            if gene in {"ALK", "EGFR", "KRAS", "MET", "KIT", "IGF1R"} and any(
                gene == c["valueCodeableConcept"]["text"]
                for r in _select(bundles[sample], "region-studied")
                for c in r["component"][:1]
            ):
                assert f"not assessed: {s}" in text
                checked += 1
    assert checked  # e.g. "EGFR activation (ligand-driven): not visible in DNA sequencing"


def test_the_specimen_carries_its_collection_date(tmp_path):
    # FHIR R4 Specimen.collection.collected[x]: dateTime, and a date alone is a valid dateTime
    from alkannot.api import annotate_sample
    from alkannot.batch import run_batch

    vcf = ROOT / "resources" / "examples" / "GRCh38" / "P07.rebiopsy.vcf.gz"
    r = annotate_sample(str(vcf), collection_date="2026-03-02", specimen_type="plasma")
    assert r.metadata.collection_date == "2026-03-02"
    bundle = fhir.build_bundle(r)
    Bundle.model_validate(bundle)  # the R4B model parses it
    collected = "Bundle.entry.resource.ofType(Specimen).collection.collected"
    assert [str(x) for x in evaluate(bundle, collected, {}, R4)] == ["2026-03-02"]
    # without a date the Specimen has no collection element (not an empty one)
    bundle = fhir.build_bundle(annotate_sample(str(vcf)))
    assert evaluate(bundle, "Bundle.entry.resource.ofType(Specimen).collection", {}, R4) == []
    # the sample sheet's collection_date column reaches the result; a bad one stops the sheet
    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"sample\tvcf\tcollection_date\nP07\t{vcf}\t2026-03-02\n")
    assert run_batch(sheet, tmp_path / "out", formats=("json",)) == []
    data = json.loads((tmp_path / "out" / "P07" / "P07.json").read_text())
    assert data["metadata"]["collection_date"] == "2026-03-02"
    sheet.write_text(f"sample\tvcf\tcollection_date\nP07\t{vcf}\t2026-02-30\n")
    with pytest.raises(Exception, match=r"row 2, column collection_date"):
        run_batch(sheet, tmp_path / "out2", formats=("json",))
