"""GA4GH VA-Spec statements: a sample's drug calls and the catalogue, as therapeutic responses.

Each statement is a ``Statement`` whose proposition is a
``VariantTherapeuticResponseProposition`` (VA-Spec 1.0): the subject variant, the predicate
(``predictsSensitivityTo`` for ``sensitive``; ``predictsResistanceTo`` for ``resistant`` and
``reduced``, the latter with a qualifying description), the therapy (a ``TherapyGroup`` of its
components, all given together, for a combination), the condition (ALK-positive non-small cell
lung cancer), the direction (``supports``; ``disputes`` for an evidence item that states another
call), a strength from the evidence level (alkannot's level, and AMP/ASCO/CAP's "Level A-D" where
alkannot maps the call to one) and one evidence line per cited item with its PMID or CIViC EID.

Subjects: in a sample, a finding with a VRS id is a ``CategoricalVariant`` whose
``DefiningAlleleConstraint`` holds the computed VRS Allele (or ``CopyChangeConstraint`` for an
amplification); a compound mutation is a ``CategoricalVariant`` with one defining allele per part
(all must be present: Cat-VRS has no separate combination class) and, when the parts' alleles
are known, a ``CisPhasedBlock`` member. Catalogue entries have no genomic allele: they are named
categorical variants on their gene (``FeatureContextConstraint``), their parts listed in an
extension. The JSON is plain data (no library import); ``tests/test_exchange_va.py`` validates it
with the ``ga4gh.va_spec`` and ``ga4gh.cat_vrs`` models.
"""

from __future__ import annotations

import json
from pathlib import Path

from alkannot.models import Evidence, Finding, SampleResult

_PREDICATE = {
    "sensitive": "predictsSensitivityTo",
    "resistant": "predictsResistanceTo",
    "reduced": "predictsResistanceTo",
}
_AMP_LEVEL = {
    "guideline": "Level A",
    "clinical": "Level B",
    "case": "Level D",
    "preclinical": "Level D",
}
_CONDITION = {
    "conceptType": "Disease",
    "name": "ALK-positive non-small cell lung cancer",
    "primaryCoding": {"system": "http://snomed.info/sct", "code": "254637007"},
}
ALKANNOT = "https://github.com/alkannot/alkannot/codes"


def urn(*parts: str) -> str:
    """``urn:alkannot:`` and the parts, each percent-encoded (drug names hold spaces)."""
    from urllib.parse import quote

    return "urn:alkannot:" + ":".join(quote(p, safe="") for p in parts)


def _concept(kind: str, name: str) -> dict:
    return {"conceptType": kind, "name": name}


def _therapy(drug: str, components: tuple[str, ...]) -> dict:
    if len(components) > 1:
        return {
            "therapies": [_concept("Therapy", c) for c in components],
            "membershipOperator": "AND",
            "extensions": [{"name": "alkannot drug", "value": drug}],
        }
    return _concept("Therapy", drug)


def _gene(gene: str) -> dict:
    return {"type": "FeatureContextConstraint", "featureContext": _concept("Gene", gene)}


def _evidence_line(ev: Evidence, call: str) -> dict:
    doc: dict = {"type": "Document", "name": ev.citation}
    if ev.pmid:
        doc["pmid"] = ev.pmid
        doc["urls"] = [f"https://pubmed.ncbi.nlm.nih.gov/{ev.pmid}/"]
    line: dict = {
        "type": "EvidenceLine",
        "directionOfEvidenceProvided": "supports" if ev.call == call else "disputes",
        "reportedIn": [doc],
        "description": ev.statement or ev.citation,
    }
    if ev.level:
        line["strengthOfEvidenceProvided"] = _level_concept(ev.level)
    if ev.civic_eid:
        line["extensions"] = [{"name": "CIViC evidence item", "value": ev.civic_eid}]
    return line


def _level_concept(level: str) -> dict:
    return {
        "conceptType": "Evidence strength",
        "name": level,
        "primaryCoding": {"system": ALKANNOT + "/level", "code": level},
    }


def statement(
    ident: str,
    subject: dict,
    drug: str,
    components: tuple[str, ...],
    call: str,
    level: str,
    evidence: tuple[Evidence, ...],
    gene: str,
) -> dict:
    """One VA-Spec therapeutic-response statement (a plain, JSON-ready dict)."""
    proposition = {
        "type": "VariantTherapeuticResponseProposition",
        "subjectVariant": subject,
        "predicate": _PREDICATE[call],
        "objectTherapeutic": _therapy(drug, components),
        "conditionQualifier": _CONDITION,
        "geneContextQualifier": _concept("Gene", gene),
    }
    out: dict = {
        "id": ident,
        "type": "Statement",
        "proposition": proposition,
        "direction": "supports",
        "hasEvidenceLines": [_evidence_line(ev, call) for ev in evidence],
    }
    if call == "reduced":
        out["description"] = f"reduced activity of {drug} (alkannot call 'reduced')"
    if level:
        out["strength"] = _level_concept(level)
        if level in _AMP_LEVEL:
            out["extensions"] = [{"name": "AMP/ASCO/CAP 2017 strength", "value": _AMP_LEVEL[level]}]
    return out


def _finding_subject(f: Finding, parts: list[Finding], alleles: dict[str, dict]) -> dict:
    """A finding as a categorical variant defined by its VRS Allele(s)."""
    name = f"{f.gene} {f.alteration}"
    constraints: list[dict] = [_gene(f.gene)]
    members: list[dict] = []
    own = alleles.get(f.vrs_id)
    if own and own["type"] == "Allele":
        constraints.append({"type": "DefiningAlleleConstraint", "allele": _plain(own)})
        members.append(_plain(own))
    elif own:  # CopyNumberChange
        constraints.append({"type": "CopyChangeConstraint", "copyChange": own["copyChange"]})
        members.append(_plain(own))
    part_alleles = [_plain(alleles[p.vrs_id]) for p in parts if p.vrs_id in alleles]
    for a in part_alleles:
        constraints.append({"type": "DefiningAlleleConstraint", "allele": a})
    if len(part_alleles) >= 2:
        members.append({"type": "CisPhasedBlock", "members": part_alleles})
    out = {"type": "CategoricalVariant", "name": name, "constraints": constraints}
    if members:
        out["members"] = members
    return out


def _plain(vrs_obj: dict) -> dict:
    # a copy: the same allele may appear in several statements
    return json.loads(json.dumps(vrs_obj))


def _components(drug: str, alk_part: str) -> tuple[str, ...]:
    parts = tuple(drug.split(" + "))
    if alk_part and parts[0] == "ALK inhibitor":
        parts = (alk_part, *parts[1:])
    return parts


def sample_statements(result: SampleResult) -> list[dict]:
    """One statement per drug and counted finding that states a call (the sample's evidence)."""
    from alkannot.exchange import vrs

    fasta = next((i.path for i in result.inputs if i.role == "reference"), None)
    bases = vrs.GenomeBases(result.build, fasta)
    spans = {c.gene: c for c in result.copy_number}
    alleles: dict[str, dict] = {}
    for f in result.findings:
        var, _ = vrs.finding_variation(f, bases, spans)
        if var:
            alleles[var["id"]] = var
    by_entry = {f.catalogue_id: f for f in result.findings if f.drives_calls}
    out = []
    for dc in result.drugs:
        levels = {i.label: i.level for s in dc.trace if s.step == "combine" for i in s.items}
        for r in dc.reasons:
            f = by_entry.get(r.catalogue_id)
            if f is None or r.call not in _PREDICATE or r.finding not in levels:
                continue  # settings, history and superseded parts are not variant statements
            parts = [
                p
                for p in result.findings
                if f.consequence == "compound"
                and p.gene == f.gene
                and p.alteration in f.alteration.split("+")
            ]
            out.append(
                statement(
                    urn(result.sample, dc.drug, r.catalogue_id),
                    _finding_subject(f, parts, alleles),
                    dc.drug,
                    _components(dc.drug, dc.alk_part),
                    r.call,
                    levels[r.finding],
                    r.evidence,
                    f.gene,
                )
            )
    return out


def catalogue_statements(catalogue) -> list[dict]:
    """One statement per catalogue entry and drug with a stated call (``catalogue export``)."""
    out = []
    for e in catalogue.entries.values():
        if e.kind in ("setting", "context") or not e.gene:
            continue  # treatment settings and context statements have no subject variant
        subject = {
            "type": "CategoricalVariant",
            "name": f"{e.gene} {e.alteration}",
            "constraints": [_gene(e.gene)],
            "mappings": [
                {
                    "coding": {"system": ALKANNOT + "/catalogue", "code": e.id},
                    "relation": "exactMatch",
                }
            ],
        }
        if e.parts:
            subject["extensions"] = [{"name": "compound of", "value": list(e.parts)}]
        for drug, de in e.drugs.items():
            if de.call not in _PREDICATE:
                continue
            comps = catalogue.drug_by_id[drug].components if drug in catalogue.drug_by_id else ()
            out.append(
                statement(
                    urn("catalogue", catalogue.version.split()[0], e.id, drug),
                    subject,
                    drug,
                    comps or (drug,),
                    de.call,
                    de.level,
                    de.evidence,
                    e.gene,
                )
            )
    return out


def to_json(statements: list[dict]) -> str:
    """Deterministic JSON of a statement list."""
    return json.dumps(statements, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_va(result: SampleResult, path: str | Path) -> None:
    """Write ``{sample}.va.json`` atomically."""
    from alkannot.report.atomic import write_text

    write_text(path, to_json(sample_statements(result)))
