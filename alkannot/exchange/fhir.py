"""``{sample}.fhir.json``: an HL7 FHIR R4 Bundle following the Genomics Reporting IG.

Profiles and codes are those of the Genomics Reporting implementation guide (HL7 Clinical
Genomics; the FSH sources ``CGGeneral.fsh``, ``CGFindings.fsh``, ``CGImplications.fsh`` of
HL7/genomics-reporting, STU2): a ``genomics-report`` DiagnosticReport (LOINC 81247-9, category
GE) whose results are ``variant`` Observations (69548-6, value "Present" LA9633-4),
``genotype`` Observations (84413-4) for compound mutations, ``region-studied`` Observations
(53041-0: what was assessed per gene and the detection limits behind "not detected"), and
``therapeutic-implication`` Observations (one per drug with a stated call); the ranked next
options are ``medication-recommendation`` Tasks named by the report's ``recommended-action``
extension; the specimen is a ``specimen`` (tissue or plasma). Answer codes used: GRCh38
LA26806-2, GRCh37 LA14029-5, Somatic LA6684-0, Sequencing LA26398-0, "Consider alternative
medication" LA26421-0, non-small cell lung cancer SNOMED CT 254637007 (the IG's own example).
A value without a code a source gives here (the call, the evidence level) is sent as text with
alkannot's own coding system, which the IG's extensible and preferred bindings allow.

The bundle is written as plain FHIR JSON (no library import at run time: importing the models
costs about 0.5 s per process); :func:`validate` parses it with the ``fhir.resources`` R4B models
(FHIR 4.3: the package ships no 4.0.1 models, and the elements used here are the same in R4 and
R4B), which the tests do for every example. Identifiers are UUIDs derived from the sample and
the content (uuid5), so the same result gives the same bytes.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from alkannot.exchange.vrs import refseq_accession
from alkannot.models import DrugCall, Finding, SampleResult

IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes"
LOINC = "http://loinc.org"
ALKANNOT = "https://github.com/alkannot/alkannot/codes"  # alkannot's own code system
VRS = "https://w3id.org/ga4gh/vrs"
_NS = uuid.UUID("6f3a7c1e-26f5-4b7a-9d2e-0a1b2c3d4e5f")  # alkannot's uuid5 namespace
_BUILD = {"GRCh38": ("LA26806-2", "GRCh38"), "GRCh37": ("LA14029-5", "GRCh37")}
_NSCLC = {"system": "http://snomed.info/sct", "code": "254637007"}


def _cc(text: str, system: str = "", code: str = "", display: str = "") -> dict:
    out: dict = {"text": text}
    if system and code:
        out["coding"] = [
            {"system": system, "code": code, **({"display": display} if display else {})}
        ]
    return out


def _loinc(code: str, display: str = "") -> dict:
    return _cc(display or code, LOINC, code, display)


def _component(code: dict, **value) -> dict:
    return {"code": code, **value}


class _Ids:
    """Deterministic ``urn:uuid:`` full URLs, one per resource key."""

    def __init__(self, sample: str):
        self.sample = sample

    def __call__(self, *key: object) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(map(str, (self.sample, *key))))}"


def _observation(ids: _Ids, key: tuple, profile: str, code: dict, ctx: dict) -> dict:
    return {
        "resourceType": "Observation",
        "id": ids(*key).removeprefix("urn:uuid:"),
        "meta": {"profile": [IG + profile]},
        "status": "final",
        "category": [
            _cc(
                "Laboratory",
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "laboratory",
            )
        ],
        "code": code,
        "subject": {"reference": ctx["patient"]},
        "specimen": {"reference": ctx["specimen"]},
    }


def _gene(gene: str, genes: dict[str, str]) -> dict:
    # NCBI gene ids where HGNC ids are not bundled (the IG: "NCBI gene IDs SHALL be used")
    entrez = genes.get(gene, "")
    return _component(
        _loinc("48018-6", "Gene studied [ID]"),
        valueCodeableConcept=_cc(gene, "http://www.ncbi.nlm.nih.gov/gene", entrez, gene),
    )


def _variant_components(f: Finding, result: SampleResult, genes: dict[str, str]) -> list[dict]:
    code, name = _BUILD[result.build]
    # a fusion studies both partners (EML4::ALK): each as a gene-studied component
    partners = [g for g in f.alteration.split("::") if g != f.gene] if "::" in f.alteration else []
    comps = [
        _gene(f.gene, genes),
        *(_gene(g, genes) for g in partners),
        _component(_loinc("62374-4"), valueCodeableConcept=_cc(name, LOINC, code, name)),
        _component(
            _loinc("48002-0"), valueCodeableConcept=_cc("Somatic", LOINC, "LA6684-0", "Somatic")
        ),
    ]
    acc = refseq_accession(result.build, f.chrom) if f.chrom else ""
    if acc:
        comps.append(
            _component(
                _loinc("48013-7"),
                valueCodeableConcept=_cc(acc, "http://www.ncbi.nlm.nih.gov/refseq", acc),
            )
        )
    if f.pos is not None and f.ref and f.alt:
        end = f.pos + len(f.ref) - 1
        comps += [
            _component(
                _loinc("81254-5"), valueRange={"low": {"value": f.pos}, "high": {"value": end}}
            ),
            _component(_loinc("69547-8"), valueString=f.ref),
            _component(_loinc("69551-0"), valueString=f.alt),
        ]
    if f.hgvsc:
        comps.append(_component(_loinc("48004-6"), valueCodeableConcept=_cc(f.hgvsc)))
    if f.hgvsp:
        comps.append(_component(_loinc("48005-3"), valueCodeableConcept=_cc(f.hgvsp)))
    if f.vrs_id:
        comps.append(
            _component(_loinc("81252-9"), valueCodeableConcept=_cc(f.vrs_id, VRS, f.vrs_id))
        )
    if f.vaf is not None:
        q = {"value": round(f.vaf, 6), "system": "http://unitsofmeasure.org", "code": "1"}
        comps.append(_component(_loinc("81258-6"), valueQuantity=q))
    if f.alt_reads is not None:
        comps.append(_component(_loinc("82121-5"), valueQuantity={"value": f.alt_reads}))
    return comps


def _variant(f: Finding, i: int, result: SampleResult, ctx: dict) -> dict:
    obs = _observation(
        ctx["ids"],
        ("variant", i, f.gene, f.alteration),
        "variant",
        _loinc("69548-6", "Genetic variant assessment"),
        ctx,
    )
    obs["valueCodeableConcept"] = _cc("Present", LOINC, "LA9633-4", "Present")
    obs["method"] = _cc("Sequencing", LOINC, "LA26398-0", "Sequencing")
    obs["component"] = _variant_components(f, result, ctx["genes"])
    notes = [f"{f.gene} {f.alteration}: {f.significance}".strip()]
    if not f.drives_calls:
        notes.append("shown only: does not drive a drug call")
    notes += list(f.notes)
    obs["note"] = [{"text": n} for n in notes if n]
    return obs


def _genotype(f: Finding, i: int, variants: dict[str, str], ctx: dict) -> dict | None:
    """A compound mutation as a genotype over its parts' variant observations."""
    parts = [variants[p] for p in f.alteration.split("+") if p in variants]
    if "+" not in f.alteration or not parts:
        return None
    obs = _observation(
        ctx["ids"],
        ("genotype", i, f.alteration),
        "genotype",
        _loinc("84413-4", "Genotype display name"),
        ctx,
    )
    obs["valueCodeableConcept"] = _cc(f"{f.gene} {f.alteration}")
    obs["derivedFrom"] = [{"reference": ref} for ref in parts]
    obs["component"] = [_gene(f.gene, ctx["genes"])]
    return obs


def _assessed(gene: str, result: SampleResult) -> list[str]:
    """What was assessed for ``gene`` in this sample, with the limits behind "not detected"."""
    roles = {i.role for i in result.inputs}
    th = result.settings
    out = []
    if roles & {"vcf", "maf"}:
        out.append(
            f"sequence variants from the {'VCF' if 'vcf' in roles else 'MAF'}; reported as "
            f"driving calls at VAF >= {th.get('min_vaf')}, depth >= {th.get('min_depth')}, "
            f"alt reads >= {th.get('min_alt_reads')}"
        )
    for c in result.copy_number:
        if c.gene == gene:
            fold = f", fold change {c.fold_change:.2f}" if c.fold_change is not None else ""
            out.append(f"copy number: {c.call.replace('_', ' ')}{fold}")
    if gene == "ALK":
        out.append(f"ALK fusion: {result.fusion_status.replace('_', ' ')}")
    for g in result.reads.genotypes if result.reads else ():
        if g.gene == gene:
            limit = (
                f", detection limit {g.detection_limit:.2%} (95% power)"
                if g.detection_limit is not None
                else ""
            )
            out.append(f"reads: {g.alteration} {g.status.replace('_', ' ')}{limit}")
    # what could not be assessed is said, never left to read as "not detected"
    out += [f"not assessed: {s}" for s in result.not_assessed if s.startswith(f"{gene} ")]
    return out


def _regions(result: SampleResult, ctx: dict, spans: dict) -> list[dict]:
    out = []
    genes = sorted(
        {c.gene for c in result.copy_number} | {f.gene for f in result.findings} | {"ALK"}
    )
    for gene in genes:
        assessed = _assessed(gene, result)
        if not assessed:
            continue
        obs = _observation(
            ctx["ids"],
            ("region", gene),
            "region-studied",
            _loinc("53041-0", "DNA region of interest panel"),
            ctx,
        )
        comps = [
            _gene(gene, ctx["genes"]),
            _component(_loinc("81293-3"), valueString="; ".join(assessed)),
        ]
        if gene in spans:
            start, end = spans[gene]
            comps.append(
                _component(
                    _loinc("51959-5"), valueRange={"low": {"value": start}, "high": {"value": end}}
                )
            )
        obs["component"] = comps
        out.append(obs)
    return out


def _citations(dc: DrugCall) -> list[str]:
    cites = []
    for r in dc.reasons:
        for e in r.evidence:
            ids = ", ".join(x for x in (f"PMID {e.pmid}" if e.pmid else "", e.civic_eid) if x)
            cites.append(
                f"{r.finding}: {e.call} [{e.citation}{'; ' + ids if ids else ''}; {e.level}]"
            )
    return list(dict.fromkeys(cites))


def _implication(dc: DrugCall, ctx: dict, derived: list[str]) -> dict:
    obs = _observation(
        ctx["ids"],
        ("implication", dc.drug),
        "therapeutic-implication",
        _cc("Therapeutic implication", TBD, "therapeutic-implication"),
        ctx,
    )
    level = dc.level + (f"; AMP/ASCO/CAP {dc.amp_tier}" if dc.amp_tier else "")
    level += f"; OncoKB-style {dc.oncokb_level}" if dc.oncokb_level else ""
    obs["derivedFrom"] = [{"reference": r} for r in derived]
    obs["component"] = [
        _component(
            _loinc("81259-4"),
            valueCodeableConcept=_cc("ALK-positive non-small cell lung cancer", **_NSCLC),
        ),
        _component(_loinc("51963-7"), valueCodeableConcept=_cc(dc.drug)),
        _component(
            _loinc("51961-1"), valueCodeableConcept=_cc(dc.call, ALKANNOT + "/call", dc.call)
        ),
        _component(
            _loinc("93044-6"), valueCodeableConcept=_cc(level, ALKANNOT + "/level", dc.level)
        ),
    ]
    notes = _citations(dc) + ([dc.note] if dc.note else [])
    obs["note"] = [{"text": n} for n in notes]
    return obs


def _task(dc: DrugCall, ctx: dict, implication: str) -> dict:
    return {
        "resourceType": "Task",
        "id": ctx["ids"]("task", dc.drug).removeprefix("urn:uuid:"),
        "meta": {"profile": [IG + "medication-recommendation"]},
        "status": "requested",
        "intent": "proposal",
        "code": _cc(
            "Consider alternative medication", LOINC, "LA26421-0", "Consider alternative medication"
        ),
        "description": f"Next option {dc.rank}: {dc.drug}",
        "note": [
            {"text": f"call {dc.call}; {dc.level} evidence; {dc.status or 'status not recorded'}"}
        ],
        "for": {"reference": ctx["patient"]},
        "reasonReference": {"reference": implication},
    }


def _findings(result: SampleResult, ctx: dict) -> tuple[list[dict], dict[str, str]]:
    """Variant and genotype observations; and catalogue id -> full URL for implications."""
    out, by_entry, by_name = [], {}, {}
    for i, f in enumerate(result.findings):
        if f.consequence == "compound":
            continue
        obs = _variant(f, i, result, ctx)
        out.append(obs)
        url = f"urn:uuid:{obs['id']}"
        by_name[f.alteration] = url
        if f.catalogue_id and f.drives_calls:
            by_entry.setdefault(f.catalogue_id, url)
    for i, f in enumerate(result.findings):
        obs = _genotype(f, i, by_name, ctx) if f.consequence == "compound" else None
        if obs is not None:
            out.append(obs)
            if f.drives_calls:
                by_entry[f.catalogue_id] = f"urn:uuid:{obs['id']}"
    return out, by_entry


def _subject(result: SampleResult, ctx: dict) -> list[dict]:
    sample = {"system": "urn:alkannot:sample", "value": result.sample}
    kind = result.metadata.specimen_type
    text = {"plasma": "plasma (cell-free DNA)", "tissue": "tumour tissue"}.get(
        kind or "", "not stated"
    )
    patient = {
        "resourceType": "Patient",
        "id": ctx["patient"].removeprefix("urn:uuid:"),
        "identifier": [{"system": "urn:alkannot:sample-subject", "value": result.sample}],
    }
    specimen = {
        "resourceType": "Specimen",
        "id": ctx["specimen"].removeprefix("urn:uuid:"),
        "meta": {"profile": [IG + "specimen"]},
        "identifier": [sample],
        "type": _cc(f"re-biopsy: {text}"),
        "subject": {"reference": ctx["patient"]},
    }
    if result.metadata.collection_date:  # FHIR dateTime: a date alone is allowed
        specimen["collection"] = {"collectedDateTime": result.metadata.collection_date}
    return [patient, specimen]


def build_bundle(result: SampleResult) -> dict:
    """The FHIR Bundle (type ``collection``) of a sample, as a JSON-ready dict."""
    from alkannot.genome.models import gene_spans
    from alkannot.resources import read_table, resource_path

    ids = _Ids(result.sample)
    rows = read_table(resource_path("genome", result.build, "genes.tsv"))
    ctx = {
        "ids": ids,
        "patient": ids("patient"),
        "specimen": ids("specimen"),
        "genes": {r["gene"]: r["entrez"] for r in rows},
    }
    spans = {g: (s.start, s.end) for g, s in gene_spans(result.build).items()}
    findings, by_entry = _findings(result, ctx)
    regions = _regions(result, ctx, spans)
    implications, tasks = [], []
    for dc in result.drugs:
        if dc.call == "unknown":
            continue
        derived = list(
            dict.fromkeys(
                by_entry[r.catalogue_id] for r in dc.reasons if r.catalogue_id in by_entry
            )
        )
        obs = _implication(dc, ctx, derived or [f"urn:uuid:{r['id']}" for r in regions])
        implications.append(obs)
        if dc.rank is not None:
            tasks.append(_task(dc, ctx, f"urn:uuid:{obs['id']}"))
    results = findings + regions + implications
    report = _report(result, ctx, results, tasks)
    entries = [report, *_subject(result, ctx), *results, *tasks]
    for e in entries:
        e["text"] = _narrative(e)
    return {
        "resourceType": "Bundle",
        "id": ids("bundle").removeprefix("urn:uuid:"),
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{e['id']}", "resource": e} for e in entries],
    }


def _narrative(resource: dict) -> dict:
    """A one-paragraph generated narrative (FHIR dom-6: a resource should have one)."""
    from html import escape

    kind = resource["resourceType"]
    if kind == "DiagnosticReport":
        text = resource["conclusion"]
    elif kind == "Task":
        text = resource["description"]
    elif kind == "Specimen":
        text = f"Specimen: {resource['type']['text']}"
    elif kind == "Patient":
        text = f"The patient of sample {resource['identifier'][0]['value']}"
    else:
        parts = [
            c.get("valueCodeableConcept", {}).get("text") or c.get("valueString", "")
            for c in resource.get("component", ())
        ]
        value = resource.get("valueCodeableConcept", {}).get("text", "")
        text = f"{resource['code']['text']}: " + "; ".join(x for x in (value, *parts) if x)
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(text)}</p></div>',
    }


def _report(result: SampleResult, ctx: dict, results: list[dict], tasks: list[dict]) -> dict:
    ranked = [dc for dc in result.drugs if dc.rank is not None]
    mechanisms = ", ".join(m.replace("_", " ") for m in result.mechanisms) or "none found"
    options = (
        "; ".join(f"{dc.rank}. {dc.drug}" for dc in ranked) or "no ranked drug has a positive call"
    )
    return {
        "resourceType": "DiagnosticReport",
        "id": ctx["ids"]("report").removeprefix("urn:uuid:"),
        "meta": {"profile": [IG + "genomics-report"]},
        "extension": [
            {
                "url": IG + "recommended-action",
                "valueReference": {"reference": f"urn:uuid:{t['id']}"},
            }
            for t in tasks
        ],
        "status": "final",
        "category": [_cc("Genetics", "http://terminology.hl7.org/CodeSystem/v2-0074", "GE")],
        "code": _loinc("81247-9", "Master HL7 genetic variant reporting panel"),
        "subject": {"reference": ctx["patient"]},
        "specimen": [{"reference": ctx["specimen"]}],
        "result": [{"reference": f"urn:uuid:{r['id']}"} for r in results],
        "conclusion": (
            f"Resistance mechanisms: {mechanisms}. Next options: {options}. Build {result.build}; "
            f"alkannot {result.tool_version}, catalogue {result.catalogue_version}."
        ),
    }


def validate(bundle: dict):
    """Parse ``bundle`` with the ``fhir.resources`` R4B models (raises on a structural error).

    Needs the ``exchange`` extra. The writer does not call it: importing the models costs about
    0.5 s, above the 0.3 s per-sample budget of these formats; the tests run it on every example.
    """
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(bundle)


def to_fhir_json(result: SampleResult) -> str:
    """The sample's Bundle as JSON; same result, same bytes."""
    bundle = build_bundle(result)
    return json.dumps(bundle, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_fhir(result: SampleResult, path: str | Path) -> None:
    """Write ``{sample}.fhir.json`` atomically."""
    from alkannot.report.atomic import write_text

    write_text(path, to_fhir_json(result))
