"""Report writers: JSON schema, spreadsheet safety and determinism, HTML escaping and self-containment."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest

from alkannot.api import annotate_sample, write_sample_reports
from alkannot.io.results import result_from_dict
from alkannot.report.json import result_to_dict

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "resources" / "examples"
SCHEMA = json.loads(
    (ROOT / "alkannot" / "report" / "schema" / "sample_result.schema.json").read_text()
)
HOSTILE_SAMPLE = "<script>alert(1)</script>"
HOSTILE_INFO = "<img src=x onerror=alert(1)>"
HOSTILE_PARTNER = "A&B'\"X"


def hostile_inputs(d: Path) -> tuple[Path, Path]:
    """A VCF whose sample name and VEP annotation, and a fusion table whose partner, are hostile."""
    vcf = d / "hostile.vcf"
    csq = f"T|missense_variant|MODERATE|ALK|238|Transcript|NM_004304.5|protein_coding|23/29||c.3604G>A|{HOSTILE_INFO}"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        'Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp">\n'
        f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{HOSTILE_SAMPLE}\n"
        f"chr2\t29220747\t.\tC\tT\t.\tPASS\tCSQ={csq}\tGT:AD:DP\t0/1:80,20:100\n"
    )
    fusions = d / "hostile_fusions.tsv"
    fusions.write_text(f"sample\tfusion\nX\t{HOSTILE_PARTNER}::ALK\n")
    return vcf, fusions


BIDI_SAMPLE = "T\u202eRLO\u202c"
BIDI_PARTNER = "EML4\u2066X\u2069"


def bidi_inputs(d: Path) -> tuple[Path, Path]:
    """A VCF whose tumour column and a fusion table whose partner carry bidirectional controls."""
    vcf = d / "bidi.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
        f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{BIDI_SAMPLE}\n"
        "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:80,20:100\n",
        encoding="utf-8",
    )
    fusions = d / "bidi_fusions.tsv"
    fusions.write_text(f"sample\tfusion\nbidi\t{BIDI_PARTNER}::ALK\n", encoding="utf-8")
    return vcf, fusions


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    r = annotate_sample(
        EX / "GRCh38" / "P03.rebiopsy.vcf.gz",
        sample_name="P03",
        cnv=EX / "GRCh38" / "P03.cns",
        fusions=EX / "GRCh38" / "P03.fusions.tsv",
        baseline_vcf=EX / "GRCh38" / "P03.baseline.vcf.gz",
        baseline_fusions=EX / "GRCh38" / "P03.baseline.fusions.tsv",
        prior_therapy=["crizotinib"],
        cns_metastases=True,
    )
    return r, write_sample_reports(r, out)


@pytest.mark.parametrize("sample_vcf", sorted(EX.glob("*/*.rebiopsy.vcf.gz")), ids=lambda p: p.name)
def test_json_of_every_example_validates_against_the_published_schema(sample_vcf):
    d = result_to_dict(annotate_sample(sample_vcf))
    jsonschema.Draft202012Validator(SCHEMA).validate(d)
    assert d["schema_version"] == SCHEMA["properties"]["schema_version"]["const"]


def test_json_round_trips(example_outputs):
    r, paths = example_outputs
    back = result_from_dict(json.loads(paths["json"].read_text()))
    assert (
        back.findings == r.findings and back.drugs == r.drugs and back.copy_number == r.copy_number
    )


def test_json_round_trips_the_read_evidence_whole(example_outputs):
    # every field of ReadEvidence comes back from the stored JSON (reannotate reads results back:
    # compounds_rephased, set when the reads re-phased the compounds, came back False)
    from dataclasses import fields, replace

    from alkannot.models import ReadEvidence

    r, _ = example_outputs
    reads = ReadEvidence(
        build=r.build,
        fusion_status="present",
        fusion_check="EML4-ALK found",
        settings={"min_mapq": 20},
        qc={"reads": 10},
        warnings=["w"],
        baseline_fusion_status="absent",
        compounds_rephased=True,
        files={"bam": "x.bam"},
    )
    back = result_from_dict(json.loads(json.dumps(result_to_dict(replace(r, reads=reads)))))
    assert {f.name: getattr(back.reads, f.name) for f in fields(ReadEvidence)} == {
        f.name: getattr(reads, f.name) for f in fields(ReadEvidence)
    }


def test_spreadsheet_stores_every_string_as_text(tmp_path):
    from openpyxl import load_workbook

    from alkannot.models import Finding, SampleMetadata, SampleResult
    from alkannot.report.xlsx import write_xlsx

    formula = '=HYPERLINK("http://example.invalid","click")'
    r = SampleResult(
        sample="S",
        build="GRCh38",
        metadata=SampleMetadata("S"),
        findings=[Finding(kind="mutation", gene="ALK", alteration=formula, notes=("+1", "@x"))],
    )
    path = tmp_path / "S.xlsx"
    write_xlsx(r, path)
    ws = load_workbook(path)["findings"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula element anywhere
    write_xlsx(r, tmp_path / "again.xlsx")
    assert path.read_bytes() == (tmp_path / "again.xlsx").read_bytes()


def test_html_is_self_contained_with_a_strict_csp(example_outputs):
    html = example_outputs[1]["html"].read_text()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # nothing is loaded: no src/url() to anywhere, no stylesheet link, no import
    assert not re.search(r"""src=["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    # external hrefs are navigation to a citation resolver only (PubMed, doi.org, CIViC)
    hrefs = re.findall(r'href="([^"#][^"]*)"', html)
    assert hrefs, "citations should be links"
    allowed = ("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/", "https://civicdb.org/")
    assert all(h.startswith(allowed) for h in hrefs), [
        h for h in hrefs if not h.startswith(allowed)
    ]


def test_hostile_strings_are_escaped(tmp_path):
    vcf, fusions = hostile_inputs(tmp_path)
    r = annotate_sample(vcf, fusions=fusions)
    paths = write_sample_reports(r, tmp_path / "out")
    html = paths["html"].read_text()
    assert HOSTILE_SAMPLE not in html and HOSTILE_INFO not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "A&amp;B&#39;&#34;X" in html
    # the file name is made safe (with a suffix of the name's hash, so distinct names stay
    # distinct), the display is escaped
    assert re.fullmatch(r"_script_alert_1_script_-[0-9a-f]{8}", r.sample)


def test_drug_section_of_p01_matches_the_sources(tmp_path):
    # P01 carries ALK G1202R only. Expected calls, from the sources (not from the program):
    # crizotinib/ceritinib/alectinib resistant (review 2.1 [34,45,46]); brigatinib reduced: Fontana
    # 2015 (CIViC EID1351) resistant, Lin 2017 lists G1202R(a) both as targeted ("some activity")
    # and as resistance, so the sources disagree (issue 11); entrectinib resistant
    # (Lin 2017 Table 2); lorlatinib sensitive (Lin 2017 Table 2); HSP90 inhibitor sensitive (EID1352);
    # every other ALK inhibitor unknown (no source states a G1202R call).
    expected = (ROOT / "tests" / "snapshots" / "P01.drugs.txt").read_text().split("\n")
    r = annotate_sample(EX / "GRCh38" / "P01.rebiopsy.vcf.gz", sample_name="P01")
    got = sorted(f"{d.drug}\t{d.call}" for d in r.drugs)
    assert got == sorted(x for x in expected if x and not x.startswith("#"))


def test_findings_section_of_p04_matches_the_truth(tmp_path):
    # P04 (GRCh37): L1196M PASS, G1202= synonymous, C1156Y weak_evidence at VAF 0.03 (truth.tsv);
    # the ALK copy-number gain of log2 2 (fold 4 >= 2.2, review 2.2) is an amplification.
    expected = (ROOT / "tests" / "snapshots" / "P04.findings.txt").read_text().split("\n")
    r = annotate_sample(
        EX / "GRCh37" / "P04.rebiopsy.vcf.gz", sample_name="P04", cnv=EX / "GRCh37" / "P04.cns"
    )
    got = sorted(
        f"{f.gene}\t{f.alteration}\t{f.catalogue_id}\t{'PASS' if f.passed_filters else 'flagged'}"
        for f in r.findings
    )
    assert got == sorted(x for x in expected if x and not x.startswith("#"))
