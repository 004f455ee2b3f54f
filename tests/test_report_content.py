"""Report content and hygiene without a browser: first-screen blocks, citations, provenance,
clinical context inputs, sign-off, cohort statistics and links, TSV/bidi safety."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from alkannot.api import annotate_sample, write_sample_reports
from alkannot.cli import cli
from alkannot.errors import ConfigError
from alkannot.report.cohort import relative_link, wilson_interval
from alkannot.report.firstscreen import drug_blocks, not_seen
from alkannot.report.tsv import cell
from tests.shared_data import SHARED, needs_shared
from tests.test_reports import BIDI_PARTNER, BIDI_SAMPLE, bidi_inputs

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "resources" / "examples" / "GRCh38"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _drug(name, call, rank=None, **extra):
    extra.setdefault("reasons", ())
    return SimpleNamespace(drug=name, call=call, rank=rank, note="", **extra)


def test_drug_blocks_follow_rank_call_status_and_history():
    drugs = [
        _drug("zeta", "sensitive", 2, level="clinical", status="approved"),
        _drug("alpha", "sensitive", 1, level="guideline", status="approved"),
        _drug("hsp90", "sensitive", 3, level="preclinical", status="investigational"),
        _drug("crizotinib", "sensitive", 4, progressed_on=True, status="approved"),
        _drug("ceritinib", "resistant", None, status="approved"),
        _drug("asp3026", "unknown", None, status="discontinued"),
        _drug("ensartinib", "unknown", None, status="approved"),
        _drug("brigatinib", "reduced", 5, status="approved"),
        _drug("unranked", "sensitive", None, status="approved"),
    ]
    b = drug_blocks(drugs)
    assert [d.drug for d in b.next_options] == ["alpha", "zeta"]  # by rank, not by name
    # resistant, reduced or progressed on (resources/catalogue/README.md, "Ranking")
    assert {d.drug for d in b.avoid} == {"ceritinib", "crizotinib", "brigatinib"}
    assert {d.drug for d in b.investigational} == {"hsp90", "asp3026"}
    assert {d.drug for d in b.other} == {"ensartinib", "unranked"}


def _reason(finding, call, citation):
    from alkannot.models import DrugReason, Evidence

    ev = Evidence(call=call, source="review", citation=citation, level="case", statement="x")
    return DrugReason(finding=finding, catalogue_id="X", call=call, evidence=(ev,))


def test_avoid_list_names_approved_drugs_once_per_reason_and_counts_the_rest():
    from alkannot.report.firstscreen import avoid_summary

    met = _reason("MET amplification", "reduced", "Dagogo-Jack 2020")
    drugs = [
        _drug("X-376", "reduced", group="avoid", status="investigational", reasons=(met,)),
        _drug("ceritinib", "reduced", group="avoid", status="approved", reasons=(met,)),
        _drug("Brigatinib", "reduced", group="avoid", status="approved", reasons=(met,)),
        _drug(
            "alectinib",
            "resistant",
            group="avoid",
            status="approved",
            reasons=(_reason("ALK I1171T", "resistant", "Review [60]"),),
        ),
        _drug("ASP3026", "resistant", group="avoid", status="discontinued", reasons=(met,)),
        _drug(
            "chemotherapy",
            "sensitive",
            group="unranked",
            status="guideline",
            reasons=(_reason("setting", "sensitive", "Lee 2011"),),
        ),
    ]
    b = drug_blocks(drugs)
    lines, others = avoid_summary(b.avoid)
    # named: approved drugs only, by name whatever the case ("Brigatinib" before "ceritinib");
    # the MET reason they share is printed once
    assert [[d.drug for d in line.drugs] for line in lines] == [
        ["alectinib"],
        ["Brigatinib", "ceritinib"],
    ]
    assert [line.text for line in lines] == ["ALK I1171T: resistant", "MET amplification: reduced"]
    assert [d.drug for d in others] == ["ASP3026", "X-376"]  # counted, not named
    # a guideline option with a positive call is an option under its own heading, not "other"
    assert [d.drug for d in b.guideline] == ["chemotherapy"] and not b.other


def test_where_next_names_only_trials_a_source_names():
    from alkannot.report.firstscreen import where_next

    r = annotate_sample(
        EX / "P01.rebiopsy.vcf.gz", sample_name="P01", prior_therapy=["crizotinib", "lorlatinib"]
    )
    b = drug_blocks(r.drugs)
    w = where_next(r, b)
    assert w is not None  # G1202R after lorlatinib: no approved drug has a positive call here
    catalogue = (ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text()
    trials = {t: c for _, ts in w.agents for t, c in ts}
    # the catalogue quotes the review: "a phase 1 trial (NCT01922752) is ongoing using CEP-37440"
    # and "Although a phase 1/2 study (NCT02048488) is ongoing" (TSR-011), both in section 5
    assert trials.get("NCT01922752") == "Review, section 5"
    for t in trials:
        assert t in catalogue
    assert all(d.call not in ("resistant", "reduced") for d, _ in w.agents)
    # with an approved positive option there is no "where next" block
    r2 = annotate_sample(
        EX / "P01.rebiopsy.vcf.gz", sample_name="P01", prior_therapy=["crizotinib"]
    )
    assert where_next(r2, drug_blocks(r2.drugs)) is None


def test_drug_blocks_take_the_decision_layers_group_first():
    drugs = [
        _drug("f", "reduced", None, group="discuss"),
        _drug("a", "sensitive", 2, group="next_option"),
        _drug("b", "sensitive", 1, group="next_option"),
        _drug("c", "sensitive", None, group="investigational"),
        _drug("d", "reduced", None, group="avoid"),
        _drug("e", "unknown", None, group="unranked"),
    ]
    b = drug_blocks(drugs)
    assert [d.drug for d in b.next_options] == ["b", "a"]
    assert [d.drug for d in b.investigational] == ["c"] and [d.drug for d in b.avoid] == ["d"]
    assert [d.drug for d in b.other] == ["e"]
    assert [d.drug for d in b.discuss] == ["f"]  # sources disagree: discussed, not avoided


def test_not_seen_tells_not_assessed_from_not_detected():
    # P07 alone (no copy number, no fusion input): amplification and fusion are not assessed
    r = annotate_sample(EX / "P07.rebiopsy.vcf.gz", sample_name="P07")
    states = {s.mechanism: s.state for s in not_seen(r)}
    assert states["ALK amplification"] == "not assessed"
    assert states["ALK fusion"] == "not assessed"
    assert states["ALK secondary mutation"] == "not detected"
    # P01 with its CNVkit file: ALK is covered, so amplification is "not detected", not unassessed
    r = annotate_sample(
        EX / "P01.rebiopsy.vcf.gz", cnv=EX / "P01.cns", fusions=EX / "P01.fusions.tsv"
    )
    seen = {s.mechanism: s for s in not_seen(r)}
    assert seen["ALK amplification"].state == "not detected"
    assert seen["ALK fusion"].state == "present"
    # fusion facts: P01.fusions.tsv's EML4 breakpoint chr2:42295516 is the end of EML4 exon 13
    # (shared/reference/EML4_NM_019063.5_exons.tsv, GRCh38 42295381-42295516): E13;A20 = v1
    assert "EML4::ALK v1" in seen["ALK fusion"].basis and "E13;A20" in seen["ALK fusion"].basis


def test_tsv_cells_that_start_like_a_formula_are_inert():
    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("+1") == "'+1" and cell("-x") == "'-x" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("\tfoo") == "' foo"  # the tab becomes a space, the cell still starts quoted
    assert cell("\rbar") == "' bar"
    assert cell(("=a", "b")) == "'=a;b"
    assert cell(-0.5) == "-0.5" and cell(-3) == "-3"  # numbers are never prefixed
    assert cell("G1202R") == "G1202R"


def test_formula_in_a_note_is_inert_in_the_findings_tsv(tmp_path):
    from alkannot.models import Finding, SampleMetadata, SampleResult
    from alkannot.report.tsv import write_tsvs

    r = SampleResult(
        "s",
        "GRCh38",
        SampleMetadata("s"),
        findings=[Finding("mutation", "ALK", "=cmd|' /C calc'!A0", notes=("@x",))],
    )
    rows = write_tsvs(r, tmp_path)["findings"].read_text().splitlines()
    header, row = rows[0].split("\t"), rows[1].split("\t")
    assert row[header.index("alteration")] == "'=cmd|' /C calc'!A0"
    assert row[header.index("notes")] == "'@x"


def test_bidi_controls_are_neutralised_in_every_output(tmp_path):
    vcf, fusions = bidi_inputs(tmp_path)
    r = annotate_sample(vcf, fusions=fusions, sample_name="bidi", vcf_sample=BIDI_SAMPLE)
    paths = write_sample_reports(r, tmp_path / "out")
    for kind, path in paths.items():
        if kind == "xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode() for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8")
        assert not BIDI.search(text), kind
    assert "&lt;U+2066&gt;" in paths["html"].read_text()
    # JSON keeps the exact data (as \\u escapes): the round trip gives the original strings
    data = json.loads(paths["json"].read_text())
    assert data["settings"]["vcf_sample"] == BIDI_SAMPLE
    assert data["fusions"][0]["gene5"] == BIDI_PARTNER


def test_wilson_interval_matches_published_values():
    # Wilson score interval, z = 1.96 (z^2 = 3.8416), n = 10, worked by hand:
    # denominator 1 + 3.8416/10 = 1.38416.
    # 5/10: centre (0.5 + 0.19208)/1.38416 = 0.5; half 1.96*sqrt(0.025 + 0.009604)/1.38416
    #       = 1.96*0.186021/1.38416 = 0.26341 -> [0.2366, 0.7634]
    # 0/10: centre 0.19208/1.38416 = 0.13877; half 1.96*sqrt(0.009604)/1.38416 = 0.13877
    #       -> [0, 0.2775]
    lo, hi = wilson_interval(0, 10)
    assert lo == 0 and hi == pytest.approx(0.2775, abs=5e-4)
    lo, hi = wilson_interval(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=5e-4), pytest.approx(0.7634, abs=5e-4))
    assert wilson_interval(0, 0) is None


def test_cohort_links_never_take_a_scheme_from_a_file_name(tmp_path):
    target = tmp_path / "javascript:alert(1).html"
    assert relative_link(target, tmp_path) == "./javascript%3Aalert%281%29.html"
    assert relative_link(tmp_path / "a" / "P01.html", tmp_path / "cohort") == "../a/P01.html"


def test_citations_resolve_to_links():
    from alkannot.report.citations import REVIEW, civic_url, doi_url, pubmed_url, resolved

    assert pubmed_url("22277784") == "https://pubmed.ncbi.nlm.nih.gov/22277784/"
    assert pubmed_url("javascript:alert(1)") == ""
    assert doi_url(REVIEW["doi"]) == "https://doi.org/10.3390/cancers7020763"
    assert doi_url("javascript:alert(1)") == ""
    assert civic_url("EID441") == "https://civicdb.org/links/evidence_items/441"
    # review [34] is Katayama et al. 2012 (the review: "Katayama et al. ... found secondary ALK
    # mutations (S1206Y, G1202R, L1196M, and 1151Tins) in four patients [34]"; CIViC EID441:
    # Katayama et al., 2012, PMID 22277784); [47] names no author in the review: unresolved
    refs = {x["ref"]: x for x in resolved("Review [34,47], section 2.3")}
    assert refs["34"]["pmid"] == "22277784"
    assert refs["47"]["pmid"] == ""


@needs_shared("review")
def test_review_reference_table_is_built_from_the_review_text():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from build_review_references import build

    from alkannot.report.citations import review_references

    rows = {r["ref"]: r for r in build(SHARED)}
    bundled = review_references()
    # the resolved numbers, written out by hand: the review names the author beside the number
    # and the CIViC export (shared/literature/civic_01-Aug-2024_ALK_context_evidence.tsv) has that
    # author's paper with its PMID: [32] Doebele et al., 2012 (EID764); [34] Katayama et al., 2012
    # (EID441); [35] Choi et al., 2010 (EID237); [38] Sasaki et al., 2011 (EID780)
    resolved = {"32": "22235099", "34": "22277784", "35": "20979473", "38": "21791641"}
    assert {k: v["pmid"] for k, v in bundled.items() if v["pmid"]} == resolved
    text = (SHARED / "review" / "000_690d235e66a3fb30.txt").read_text(encoding="utf-8")
    for ref, author in (("32", "Doeble"), ("34", "Katayama"), ("35", "Choi"), ("38", "Sasaki")):
        # the author, then this number as the next bracket of the text
        assert re.search(rf"{author} et al\.[^\[]*\[{ref}\]", text), ref
    civic = (SHARED / "literature" / "civic_01-Aug-2024_ALK_context_evidence.tsv").read_text()
    for pmid in resolved.values():
        assert f"\t{pmid}\t" in civic
    # the bundled table is what the script builds today (it is not edited by hand)
    assert {k: v["pmid"] for k, v in rows.items()} == {k: v["pmid"] for k, v in bundled.items()}
    # the review: "Doeble et al. also reported an ALK copy number gain ... [32]" (its spelling);
    # CIViC EID766: Doebele et al., 2012, PMID 22235099. "Choi et al. described ... [35]":
    # CIViC EID237, Choi et al., 2010, PMID 20979473
    assert rows["32"]["pmid"] == "22235099" and "Doeble" in rows["32"]["resolved_via"]
    assert rows["35"]["pmid"] == "20979473"
    # every bracketed number of the text is listed, the highest being [75]
    assert max(int(k) for k in rows) == 75


def test_report_names_the_review_and_links_its_citations(tmp_path):
    r = annotate_sample(EX / "P01.rebiopsy.vcf.gz", sample_name="P01")
    html = write_sample_reports(r, tmp_path, formats=("html",))["html"].read_text()
    assert "Isozaki H, Takigawa N, Kiura K." in html and "Cancers 2015; 7(2): 763-783" in html
    assert 'href="https://doi.org/10.3390/cancers7020763"' in html
    # the G1202R reason cites review [34]; resolved to Katayama 2012 with its PubMed link
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/22277784/"' in html


def test_a_reason_from_the_treatment_history_names_no_empty_entry(tmp_path):
    # "progressed on crizotinib" is a reason without a catalogue entry: the reasons section
    # printed "treatment history: progressed on crizotinib (): resistant" and "the catalogue entry
    # states no call for this drug"
    r = annotate_sample(EX / "P02.rebiopsy.vcf.gz", sample_name="P02", prior_therapy=["crizotinib"])
    html = write_sample_reports(r, tmp_path, formats=("html",))["html"].read_text()
    assert "</b> ()" not in html
    item = re.search(r"<li><b>treatment history: progressed on crizotinib</b>(.*?)</li>", html)
    assert item and item.group(1).startswith(": resistant")
    assert "from the treatment history given with the sample" in item.group(1)


def test_local_catalogue_is_listed_with_its_path_and_hash(tmp_path):
    local = tmp_path / "my_catalogue.yaml"
    shutil.copy(ROOT / "resources" / "catalogue" / "catalogue.yaml", local)
    digest = hashlib.sha256(local.read_bytes()).hexdigest()
    r = annotate_sample(EX / "P01.rebiopsy.vcf.gz", catalogue=local)
    inputs = {i.role: i for i in r.inputs}
    assert inputs["catalogue"].sha256 == digest and inputs["catalogue"].path == str(local)
    assert r.settings["catalogue"]["path"] == str(local)
    html = write_sample_reports(r, tmp_path / "o", formats=("html",))["html"].read_text()
    assert str(local) in html and digest in html
    assert "NM_004304.5" in html  # the transcript of the run configuration


def test_clinical_context_reaches_json_and_html(tmp_path):
    out = tmp_path / "o"
    res = CliRunner().invoke(
        cli,
        [
            "annotate",
            str(EX / "P01.rebiopsy.vcf.gz"),
            "-o",
            str(out),
            "--sample-name",
            "P01",
            "--prior-therapy",
            "crizotinib,alectinib",
            "--specimen-type",
            "plasma",
            "--tumour-type",
            "lung adenocarcinoma",
            "--time-on-therapy",
            "crizotinib=14,alectinib=9.5",
            "--reviewed-by",
            "Dr Example",
            "--board-decision",
            "discuss lorlatinib",
            "--formats",
            "json,html",
        ],
    )
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "P01.json").read_text())["metadata"]
    assert meta["specimen_type"] == "plasma" and meta["tumour_type"] == "lung adenocarcinoma"
    assert meta["time_on_therapy"] == {"crizotinib": 14.0, "alectinib": 9.5}
    html = (out / "P01.html").read_text()
    assert "crizotinib (14 months)" in html and "alectinib (9.5 months)" in html
    assert "Dr Example" in html and "discuss lorlatinib" in html


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--time-on-therapy", "crizotinib", "DRUG=MONTHS"),
        ("--time-on-therapy", "crizotinib=long", "must be a number"),
        ("--time-on-therapy", "crizotinib=-2", "outside its valid range [0, 1200]"),
    ],
)
def test_bad_clinical_context_is_one_line_and_writes_nothing(tmp_path, option, value, message):
    out = tmp_path / "o"
    res = CliRunner().invoke(
        cli, ["annotate", str(EX / "P01.rebiopsy.vcf.gz"), "-o", str(out), option, value]
    )
    assert res.exit_code == 2 and message in res.output
    assert "Traceback" not in res.output and not out.exists()


def test_sample_sheet_carries_the_clinical_columns(tmp_path):
    from alkannot.io.samplesheet import read_samplesheet

    sheet = tmp_path / "s.tsv"
    vcf = EX / "P01.rebiopsy.vcf.gz"
    sheet.write_text(
        "sample\tvcf\tspecimen_type\ttumour_type\ttime_on_therapy\n"
        f"A\t{vcf}\tplasma\tadenocarcinoma\tcrizotinib=14;alectinib=3\n"
    )
    request = read_samplesheet(sheet)[0].request()
    assert request.rebiopsy.specimen_type == "plasma"
    assert request.context.tumour_type == "adenocarcinoma"
    assert request.context.time_on_therapy == {"crizotinib": 14.0, "alectinib": 3.0}
    sheet.write_text(f"sample\tvcf\tspecimen_type\nA\t{vcf}\tbone\n")
    with pytest.raises(ConfigError, match="row 2.*specimen-type"):
        read_samplesheet(sheet)


def test_pdf_without_a_browser_fails_before_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("ALKANNOT_CHROMIUM", str(tmp_path / "no-such-browser"))
    r = annotate_sample(EX / "P01.rebiopsy.vcf.gz")
    with pytest.raises(ConfigError, match="ALKANNOT_CHROMIUM"):
        write_sample_reports(r, tmp_path / "o", formats=("tsv", "html", "pdf"))
    assert not (tmp_path / "o").exists()


def test_spreadsheet_carries_the_first_screen(tmp_path):
    from openpyxl import load_workbook

    r = annotate_sample(EX / "P01.rebiopsy.vcf.gz", sample_name="P01")
    path = write_sample_reports(r, tmp_path, formats=("xlsx",))["xlsx"]
    rows = list(load_workbook(path)["first screen"].iter_rows(values_only=True))[1:]
    by_section: dict[str, list[str]] = {}
    for section, item, _ in rows:
        by_section.setdefault(section, []).append(item)
    # P01 carries ALK G1202R alone (resources/examples/truth.tsv). Lin 2017 Table 2
    # (shared/literature/lin2017_table2_qualitative_coverage.tsv) lists G1202R among the mutations
    # lorlatinib targets and among those crizotinib, ceritinib and alectinib do not; brigatinib's
    # activity "may be compromised" (footnote a). Lorlatinib is approved (FDA 2021-03-03,
    # guidelines_and_approvals.tsv): the one next option; the others are to avoid, except
    # brigatinib, whose sources disagree (Fontana 2015 EID1351 resistant, Lin 2017 "some
    # activity"): a reduced, conflicting call is for the board to discuss, not "avoid" (issue 20).
    assert by_section["next option"] == ["lorlatinib"]
    assert {"crizotinib", "ceritinib", "alectinib"} <= set(by_section["avoid"])
    assert "brigatinib" not in by_section["avoid"]
    assert ("mechanism", "ALK G1202R") in {(s, i) for s, i, _ in rows}


def test_page_header_cannot_break_out_of_the_stylesheet():
    from alkannot.report.html import css_string

    text = css_string('x"; } </style><script>alert(1)</script>\\\n\u202e')
    assert text.count('"') == 2 and "<" not in text and "\n" not in text and "\u202e" not in text


def test_not_seen_uses_the_reads_when_given(tmp_path):
    from tests.test_reads_cli import _g1202r_bam

    # 300 fragments over codon 1202, none with the ALT: "not detected", with the depth the BAM
    # was built with (300) and a detection limit, never the VCF's "depth not known"
    bam = _g1202r_bam(tmp_path / "t.bam", alt=0, total=300)
    r = annotate_sample(bam=bam, sample_name="S1")
    row = next(s for s in not_seen(r) if s.mechanism == "ALK secondary mutation")
    assert row.state == "not detected"
    assert "300 fragments" in row.basis and "detectable from" in row.basis
    html = write_sample_reports(r, tmp_path / "o", formats=("html",))["html"].read_text()
    # the first screen has one line (how many catalogued sites, their limits); the per-site
    # table further down has G1202R's own row: 300 fragments, 0 with the ALT (as built above)
    line = html.split('id="read-evidence"')[1].split("</p>")[0]
    assert "catalogued site" in line and "not detected, limits" in line
    site = html.split('id="read-site-table"')[1].split("</table>")[0]
    g1202r = next(r for r in site.split("<tr>") if ">G1202R<" in r)
    assert ">300<" in g1202r and ">0<" in g1202r and "not detected" in g1202r
    # the run configuration names the read thresholds the counts were made with (defaults of
    # `alkannot annotate`: --min-mapq 20, --min-base-quality 20, --max-detection-limit 0.05)
    prov = html.split('id="read-thresholds"')[1].split("</tr>")[0]
    prov = re.sub(r"<[^>]+>", "", prov)
    assert "min mapq 20" in prov and "min base quality 20" in prov
    assert "max detection limit 0.05" in prov
    # the spreadsheet carries the same per-site rows (a "reads" sheet) and the read line
    from openpyxl import load_workbook

    book = load_workbook(write_sample_reports(r, tmp_path / "x", formats=("xlsx",))["xlsx"])
    sheet = list(book["reads"].iter_rows(values_only=True))
    col = {h: i for i, h in enumerate(sheet[0])}
    row = next(x for x in sheet[1:] if x[col["alteration"]] == "G1202R")
    assert (str(row[col["fragments"]]), str(row[col["alt_fragments"]])) == ("300", "0")
    assert row[col["status"]] == "not_detected" and row[col["detection_limit"]]
    first = list(book["first screen"].iter_rows(values_only=True))
    assert any(x[0] == "reads" and "not detected, limits" in x[2] for x in first)


def test_support_names_the_phase_from_the_reads(tmp_path):
    from alkannot.report.firstscreen import support
    from tests.test_reads_cli import _g1202r_bam

    # P02 calls ALK I1171T (exon 22); the BAM carries G1202R (exon 23), about 1.5 kb away: DNA
    # short reads cannot phase them (issue 13), and the support line says so
    bam = _g1202r_bam(tmp_path / "t.bam", alt=30, total=300)
    r = annotate_sample(EX / "P02.rebiopsy.vcf.gz", bam=bam, sample_name="P02")
    f = next(f for f in r.findings if f.alteration == "I1171T")
    assert "not phaseable with G1202R" in support(f, r)


def test_per_gene_amplification_thresholds_are_printed_per_gene(tmp_path):
    # resources/catalogue/README.md: amplification is ALK 2.2-fold (review 2.2 [32]) and MET
    # 5-fold (MET:CEP7 >= 5, CIViC EID1713, EID735); one shared "2.2" would misstate MET
    r = annotate_sample(EX / "P02.rebiopsy.vcf.gz", cnv=EX / "P02.cns", sample_name="P02")
    html = write_sample_reports(r, tmp_path, formats=("html",))["html"].read_text()
    assert "MET 5×" in html and "amplification ≥ 5" in html and "amplification ≥ 2.2" in html


def test_cohort_proportions_count_only_the_samples_that_assessed_each_mechanism(tmp_path):
    from alkannot.api import annotate_cohort

    # From resources/examples/samples.tsv: P04 has copy number (.cns) and no fusion input, P05 a
    # fusion table and no copy number, P06 neither. So ALK amplification was assessed in P04
    # alone (found there: fold 4, truth.tsv), the ALK fusion in P05 alone (EML4-ALK present,
    # not lost), and a sample without copy number or fusion input is "not assessed" there.
    g37 = ROOT / "resources" / "examples" / "GRCh37"
    kw = {"P04": {"cnv": g37 / "P04.cns"}, "P05": {"fusions": g37 / "P05.fusions.tsv"}, "P06": {}}
    jsons = []
    for s, extra in kw.items():
        r = annotate_sample(
            g37 / f"{s}.rebiopsy.vcf.gz", sample_name=s, prior_therapy=["crizotinib"], **extra
        )
        jsons.append(write_sample_reports(r, tmp_path / s, formats=("json", "html"))["json"])
    paths = annotate_cohort(jsons, tmp_path / "cohort")
    rows = {
        r.split("\t")[0]: r.split("\t")
        for r in paths["mechanisms_tsv"].read_text().splitlines()[1:]
    }
    header = paths["mechanisms_tsv"].read_text().splitlines()[0].split("\t")
    col = {h: i for i, h in enumerate(header)}
    amp = rows["ALK amplification"]
    assert (amp[col["samples"]], amp[col["of"]], amp[col["not_assessed"]]) == ("1", "1", "2")
    loss = rows["ALK fusion lost / not detected"]
    assert (loss[col["samples"]], loss[col["of"]], loss[col["not_assessed"]]) == ("0", "1", "2")
    # every sample has a VCF: ALK secondary mutations were assessed in all three
    assert rows["ALK secondary (on-target) mutation"][col["of"]] == "3"
    page = paths["index_html"].read_text()
    # the oncoprint draws not assessed apart from not detected: P05 and P06 for amplification,
    # P04 and P06 for the fusion
    # (all three have a mechanism, so "no mechanism" is known to be false for each)
    assert page.count('class="na"') == 4
    from alkannot import __version__
    from alkannot.catalogue import load_catalogue

    assert f"made with alkannot {__version__}; catalogue {load_catalogue().version}" in page


def test_caveats_put_negatives_in_context():
    from alkannot.report.firstscreen import caveats

    # P07 (truth.tsv: nothing planted) with no copy-number or fusion input: every negative is
    # qualified. Plasma: a negative does not rule out; 10 % tumour content is below the 20 % the
    # fusion rule asks for (review 2.3 [47]: specimens must contain sufficient cancer cells)
    r = annotate_sample(
        EX / "P07.rebiopsy.vcf.gz", sample_name="P07", specimen_type="plasma", purity=0.1
    )
    text = " ".join(caveats(r, not_seen(r)))
    assert "Plasma" in text and "tissue" in text
    assert "Cui et al. 2017" not in text  # the fusion was not assessed here: no fusion figure
    assert "Tumour content 10%" in text
    assert "ALK amplification" in text and "ALK fusion" in text  # not assessed, not ruled out
    # a tissue sample with enough tumour and every input: no caveat at all
    r = annotate_sample(
        EX / "P07.rebiopsy.vcf.gz",
        sample_name="P07",
        cnv=EX / "P07.cns",
        fusions=EX / "P07.fusions.tsv",
        specimen_type="tissue",
        purity=0.6,
    )
    assert not [c for c in caveats(r, not_seen(r)) if "Plasma" in c or "Tumour content" in c]


def test_provenance_lists_every_threshold_of_the_run(tmp_path):
    # the defaults of `alkannot annotate` (README options table and models.Thresholds): VAF 0.02,
    # depth 20, 5 supporting reads, cancer-cell fraction 0.2, focal under 10 Mb, fusion loss at
    # >= 20 % tumour content
    r = annotate_sample(EX / "P03.rebiopsy.vcf.gz", sample_name="P03")
    html = write_sample_reports(r, tmp_path, formats=("html",))["html"].read_text()
    row = re.sub(r"<[^>]+>", "", html.split("<tr><th>Thresholds</th>")[1].split("</tr>")[0])
    for text in (
        "minimum VAF 0.02",
        "minimum depth 20",
        "minimum supporting reads 5",
        "is below 0.2",
        "focal segment under 10,000,000 bp",
        "fusion loss needs tumour content ≥ 20%",
    ):
        assert text in row, text


def test_plasma_fusion_negative_carries_the_sourced_agreement(tmp_path):
    from alkannot.report.firstscreen import caveats

    # the fusion assay ran and called only KIF5B-RET: in plasma the ALK negative carries the
    # sourced plasma/tissue agreement (Cui et al. 2017: the fusion in 13 of 24 tissue-positive)
    table = tmp_path / "fusions.tsv"
    table.write_text("sample\tfusion\nP07\tKIF5B-RET\n")
    r = annotate_sample(
        EX / "P07.rebiopsy.vcf.gz", sample_name="P07", fusions=table, specimen_type="plasma"
    )
    seen = not_seen(r)
    assert next(s for s in seen if s.mechanism == "ALK fusion").state.startswith("not detected")
    text = " ".join(caveats(r, seen))
    assert "13 of 24" in text and "Cui et al. 2017" in text
