"""VA-Spec statements validate against the GA4GH models and say what the drug matrix says.

The oracle for shape is the reference implementation's pydantic models (``ga4gh.va_spec`` for
the Statement and its proposition, ``ga4gh.cat_vrs`` for categorical variants, ``ga4gh.vrs`` for
the alleles, whose computed ids are re-derived by ``ga4gh.core.ga4gh_identify``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import unquote

from ga4gh.cat_vrs.models import CategoricalVariant
from ga4gh.core import ga4gh_identify
from ga4gh.va_spec.base.core import Statement
from ga4gh.vrs import models as vrs_models

from alkannot.exchange import va_spec
from tests.exchange_helpers import ROOT, compound_result, example_batch, load  # noqa: F401


def _parts(ident: str) -> list[str]:
    return [unquote(p) for p in ident.split(":")]


_PREDICATE = {"sensitive": "predictsSensitivityTo", "resistant": "predictsResistanceTo"}


def test_every_example_validates_and_follows_the_drug_matrix(example_batch):  # noqa: F811
    total = 0
    for sample in example_batch:
        statements = load(example_batch, sample, "va.json")
        result = load(example_batch, sample, "json")
        calls = {d["drug"]: d for d in result["drugs"]}
        for s in statements:
            Statement.model_validate(s)
            _, _, _, drug, entry = _parts(s["id"])
            reason = next(r for r in calls[drug]["reasons"] if r["catalogue_id"] == entry)
            if reason["call"] in _PREDICATE:
                assert s["proposition"]["predicate"] == _PREDICATE[reason["call"]]
            cited = {ev["pmid"] for ev in reason["evidence"] if ev["pmid"]}
            lines = {d.get("pmid") for line in s["hasEvidenceLines"] for d in line["reportedIn"]}
            assert cited <= lines
            total += 1
    assert total >= 10


def test_subject_alleles_carry_the_reference_implementations_ids(example_batch):  # noqa: F811
    checked = 0
    for sample in example_batch:
        for s in load(example_batch, sample, "va.json"):
            subject = s["proposition"]["subjectVariant"]
            CategoricalVariant.model_validate(subject)
            for c in subject["constraints"]:
                if c["type"] == "DefiningAlleleConstraint":
                    allele = vrs_models.Allele.model_validate(
                        {k: v for k, v in c["allele"].items() if k not in ("id", "digest")}
                    )
                    assert ga4gh_identify(allele) == c["allele"]["id"]
                    checked += 1
    assert checked


def test_a_compound_is_one_categorical_variant_of_its_parts(compound_result):  # noqa: F811
    statements = va_spec.sample_statements(compound_result)
    compound = [s for s in statements if "C1156Y+L1198F" in unquote(s["id"])]
    assert compound  # crizotinib and lorlatinib have statements for the Shaw 2016 compound
    subject = compound[0]["proposition"]["subjectVariant"]
    alleles = [c for c in subject["constraints"] if c["type"] == "DefiningAlleleConstraint"]
    assert len(alleles) == 2
    assert subject["members"][0]["type"] == "CisPhasedBlock"
    vrs_models.CisPhasedBlock.model_validate(subject["members"][0])
    for s in compound:
        Statement.model_validate(s)


def test_catalogue_export_va_spec(tmp_path):
    out = tmp_path / "catalogue.va.json"
    subprocess.run(
        [sys.executable, "-m", "alkannot", "catalogue", "export", "--format", "va-spec", "-o", out],
        cwd=ROOT,
        check=True,
    )
    statements = json.loads(out.read_text(encoding="utf-8"))
    for s in statements:
        Statement.model_validate(s)
    # the catalogue's own rows: one statement per entry x drug with a stated call
    rows = json.loads(
        subprocess.run(
            [sys.executable, "-m", "alkannot", "catalogue", "export", "--format", "json"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
    )["rows"]
    stated = {
        (r["entry"], r["drug"])
        for r in rows
        if r["drug_call"] in ("sensitive", "reduced", "resistant")
        and not r["entry"].startswith(("SETTING_", "CONTEXT_"))
        and r["gene"]  # a cell state (EMT) is no variant: no statement
    }
    ids = {tuple(_parts(s["id"])[4:6]) for s in statements}
    assert ids == stated


def test_same_result_same_bytes(example_batch):  # noqa: F811
    from alkannot.io.results import result_from_dict

    result = result_from_dict(load(example_batch, "P01", "json"))
    written = (example_batch["P01"] / "P01.va.json").read_text(encoding="utf-8")
    assert va_spec.to_json(va_spec.sample_statements(result)) == written
