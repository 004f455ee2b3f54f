"""Inputs from the wild, round 3, with crafted fixtures: new fusion readers, the two meanings of
an empty file, malformed records never half-used, forced formats checked against the content,
and the command line's one-line errors.

Each fixture is small and written by hand in the shape of the tool's documented output; the
expected values come from the fixture's own lines, quoted beside the assertion.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "fusions"
GOOD_VCF = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, timeout=120
    )


def test_a_directory_given_as_the_vcf_is_one_line(tmp_path):
    res = _cli("annotate", str(tmp_path), "-o", str(tmp_path / "out"))
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert str(tmp_path) in lines[0] and "not a regular file" in lines[0]
    assert "Usage:" not in res.stderr


# --- empty means two things ---------------------------------------------------------------------

ARRIBA_HEAD = (
    "#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\tbreakpoint2\t"
    "site1\tsite2\ttype\tsplit_reads1\tsplit_reads2\tdiscordant_mates\tcoverage1\tcoverage2\t"
    "confidence\n"
)


def test_an_arriba_file_with_a_header_and_no_rows_is_fusion_not_detected(tmp_path):
    from alkannot.fusion import summarise_fusion_status
    from alkannot.io.fusions import read_fusions

    path = tmp_path / "fusions.tsv"
    path.write_text(ARRIBA_HEAD)
    data = read_fusions(path, "GRCh38")
    assert data.calls == [] and summarise_fusion_status(data) == "absent"
    assert data.warnings == [
        "no fusion called by Arriba: the file has a header and no data rows (read as ALK fusion "
        "not detected)"
    ]


def test_a_file_whose_rows_are_all_unusable_is_an_error(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    path = tmp_path / "fusions.tsv"
    path.write_text(ARRIBA_HEAD + "EML4\nALK\n")  # two rows of one column each
    with pytest.raises(InputFormatError, match="none of its 2 data row"):
        read_fusions(path, "GRCh38")


def test_copy_number_empty_rule(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.cnv import read_cnv

    cns = tmp_path / "s.cns"
    cns.write_text("chromosome\tstart\tend\tgene\tlog2\n")
    with pytest.raises(InputFormatError, match="a header and no rows: a cnvkit file always"):
        read_cnv(cns, "GRCh38")
    vcf = tmp_path / "cnv.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
    )
    data = read_cnv(vcf, "GRCh38", fmt="vcf")
    assert data.segments == [] and "no copy-number change called" in data.warnings[0]


# --- malformed records are never half-used ------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_broken_arriba_breakpoint_keeps_no_position_and_says_so(tmp_path):
    from alkannot.fusion import type_alk_fusion
    from alkannot.io.fusions import read_fusions

    row = "EML4\tALK\t+/+\t-/-\tchr2:4229x5516\tchr2:29223528\tsplice-site\tsplice-site\t"
    path = _write(tmp_path, "f.tsv", ARRIBA_HEAD + row + "inversion\t12\t9\t4\t100\t80\thigh\n")
    data = read_fusions(path, "GRCh38")
    (call,) = [type_alk_fusion(c, "GRCh38") for c in data.calls]
    assert (call.name, call.pos5, call.pos3, call.junction) == ("EML4::ALK", None, None, "")
    assert "malformed breakpoint 'chr2:4229x5516': no position kept" in call.note
    assert call.supporting_reads == 12 + 9 + 4


def test_arriba_strands_check_the_orientation(tmp_path):
    from alkannot.fusion import type_alk_fusion
    from alkannot.io.fusions import read_fusions

    tail = (
        "\tchr2:42295516\tchr2:29223528\tsplice-site\tsplice-site\tinversion\t1\t1\t1\t9\t9\thigh\n"
    )
    # EML4 (+) read on +, ALK (-) read on -: both sense -> orientation kept (the usual EML4-ALK)
    # line 3: ALK's gene strand '-' but the transcript read on '+': antisense to ALK
    path = _write(
        tmp_path,
        "f.tsv",
        ARRIBA_HEAD + "EML4\tALK\t+/+\t-/-" + tail + "EML4\tALK\t+/+\t-/+" + tail,
    )
    calls = {c.record: type_alk_fusion(c, "GRCh38") for c in read_fusions(path, "GRCh38").calls}
    assert calls["line 2"].orientation_ok is True and calls["line 2"].variant == "v1"
    assert calls["line 3"].orientation_ok is False
    assert "ALK strand -/+: the fusion transcript runs antisense to ALK" in calls["line 3"].note


def test_an_alk_call_without_the_kinase_3prime_is_not_an_alk_fusion(tmp_path):
    from alkannot.api import annotate_sample

    tail = (
        "\tchr2:42295516\tchr2:29223528\tsplice-site\tsplice-site\tinversion\t1\t1\t1\t9\t9\thigh\n"
    )
    vcf = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"
    # the only ALK call runs antisense to ALK (strand -/+): no ALK kinase transcript, so the
    # fusion is not present (it was, from "ALK" being named), and the call is a skipped row
    only = _write(tmp_path, "antisense.tsv", ARRIBA_HEAD + "EML4\tALK\t+/+\t-/+" + tail)
    res = annotate_sample(vcf, fusions=only)
    assert res.fusion_status == "not_detected"  # assessed, none found, no baseline to compare
    assert not [f for f in res.findings if f.kind == "fusion"]
    (row,) = [s for s in res.skipped if s.category == "not_alk_fusion"]
    assert row.record == "line 2 (EML4::ALK)" and "antisense to ALK" in row.reason
    # beside a sense EML4-ALK the fusion is present, from that call alone
    both = _write(
        tmp_path,
        "both.tsv",
        ARRIBA_HEAD + "EML4\tALK\t+/+\t-/-" + tail + "EML4\tALK\t+/+\t-/+" + tail,
    )
    res = annotate_sample(vcf, fusions=both)
    assert res.fusion_status == "present"
    assert len([f for f in res.findings if f.kind == "fusion"]) == 1
    assert [s.record for s in res.skipped if s.category == "not_alk_fusion"] == [
        "line 3 (EML4::ALK)"
    ]


def test_a_one_sided_fusion_name_is_a_skipped_row_or_an_error(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    path = _write(tmp_path, "t.tsv", "sample\tfusion\nP1\tEML4-\nP1\tKIF5B::RET\n")
    data = read_fusions(path, "GRCh38")
    assert [(s.record, s.category) for s in data.skipped] == [("line 2", "malformed")]
    assert "'EML4-' names one partner only" in data.skipped[0].reason
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]  # KIF5B::RET
    alone = _write(tmp_path, "u.tsv", "sample\tfusion\nP1\tEML4-\n")
    with pytest.raises(InputFormatError, match="none of its 1 data row"):
        read_fusions(alone, "GRCh38")


VCF_HEAD = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


def test_a_malformed_breakend_alt_is_skipped_never_used(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    # mixed brackets (]p[) and bases on both sides (t]p]t) break the VCF 4.2 breakend grammar
    rows = (
        "chr2\t29224000\tb1\tA\tA]chr2:42295554[\t.\tPASS\tSVTYPE=BND\n"
        "chr2\t29224100\tb2\tA\tA]chr2:42295554]A\t.\tPASS\tSVTYPE=BND\n"
    )
    with pytest.raises(InputFormatError, match="none of its 2 data row"):
        read_fusions(_write(tmp_path, "a.vcf", VCF_HEAD + rows), "GRCh38")
    good = "chr2\t29224000\tm1\tA\tA]chr2:42295554]\t.\tPASS\tSVTYPE=BND\n"
    data = read_fusions(_write(tmp_path, "b.vcf", VCF_HEAD + rows + good), "GRCh38")
    assert [c.record for c in data.calls] == ["line 6"]
    assert [(s.record, s.category) for s in data.skipped] == [
        ("line 4 (chr2:29224000)", "malformed"),
        ("line 5 (chr2:29224100)", "malformed"),
    ]
    assert "malformed breakend ALT 'A]chr2:42295554['" in data.skipped[0].reason


# --- the new fusion readers, on fixtures written in each tool's shape ---------------------------
# GRCh38 exon tables: EML4 exon 6 ends at 42264731, exon 13 at 42295516; ALK exon 20 starts (minus
# strand) at 29223528. So 42264731/29223528 is E6;A20 (v3a/v3b) and 42295516/29223528 E13;A20 (v1).


def _typed(name: str, sample: str | None = None):
    from alkannot.fusion import type_alk_fusion
    from alkannot.io.fusions import detect_fusion_format, read_fusions

    data = read_fusions(FIX / name, "GRCh38", sample=sample)
    calls = {c.record: type_alk_fusion(c, "GRCh38") for c in data.calls}
    return detect_fusion_format(FIX / name), data, calls


def test_jaffa_fixture_sample_strands_and_variant():
    import pytest

    from alkannot.errors import SampleNotFoundError

    # line 2 "P1,EML4:ALK,chr2,42264731,+,chr2,29223528,-,...,3,10,...,HighConfidence": v3, 3 + 10
    # line 3 "P1,EML4:ALK,chr2,42295516,+,chr2,29223528,+,...": ALK read on + (its gene is on -)
    # line 4 is sample P2's KIF5B:RET
    fmt, data, calls = _typed("GRCh38.jaffa.csv", sample="P1")
    assert fmt == "jaffa" and set(calls) == {"line 2", "line 3"}
    assert (calls["line 2"].variant, calls["line 2"].supporting_reads) == ("v3a/v3b", 13)
    assert calls["line 2"].orientation_ok is True
    assert calls["line 3"].orientation_ok is False and "antisense to ALK" in calls["line 3"].note
    with pytest.raises(SampleNotFoundError, match="2 samples"):
        _typed("GRCh38.jaffa.csv")


def test_pbfusion_fixture_chain_is_skipped_with_its_reason():
    # line 4 "chr2 42295515 42295516 chr2 29223527 29223528 BP1 HIGH + - RC=20;GN=EML4,ALK": v1
    # line 5 "GN=EML4,GENEX,ALK": a three-gene chain; line 6 KIF5B,RET
    fmt, data, calls = _typed("GRCh38.pbfusion.bed")
    assert fmt == "pbfusion" and list(calls) == ["line 4"]
    assert (calls["line 4"].variant, calls["line 4"].supporting_reads) == ("v1", 20)
    assert [(s.record, s.category) for s in data.skipped] == [("line 5", "chain")]
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]


def test_fusionseeker_fixture_order_and_a_broken_breakpoint():
    # line 2 "GF01 ALK EML4 12 chr2 29223528 chr2 42295516": turned round to EML4::ALK, v1
    # line 3 "GF02 EML4 ALK 3 chr2 42295x16 chr2 29223528": the fusion stands, no position kept
    fmt, _, calls = _typed("GRCh38.fusionseeker.txt")
    assert fmt == "fusionseeker"
    assert (calls["line 2"].name, calls["line 2"].variant, calls["line 2"].supporting_reads) == (
        "EML4::ALK",
        "v1",
        12,
    )
    broken = calls["line 3"]
    assert (broken.name, broken.pos5, broken.pos3, broken.junction) == ("EML4::ALK", None, None, "")
    assert "malformed breakpoint 'chr2:42295x16'" in broken.note


def test_longgf_fixture_sumgf_lines_only():
    # line 3 "SumGF EML4:ALK 9 chr2:42295516 chr2:29223528": v1, 9 reads; line 4 has "nine"
    # reads (malformed); line 5 RET:KIF5B; the GF line 2 is detail, not a call
    fmt, data, calls = _typed("GRCh38.longgf.out")
    assert fmt == "longgf" and list(calls) == ["line 3"]
    assert (calls["line 3"].variant, calls["line 3"].supporting_reads) == ("v1", 9)
    assert [(s.record, s.category) for s in data.skipped] == [("line 4", "malformed")]
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]


def test_ericscript_pizzly_squid_fixtures():
    # EricScript line 2 "EML4 ALK 2 42295516 + 2 29223528 - ... 10 5": v1, 10 + 5 reads
    fmt, _, calls = _typed("GRCh38.ericscript.tsv")
    assert (fmt, calls["line 2"].variant, calls["line 2"].supporting_reads) == (
        "ericscript",
        "v1",
        15,
    )
    # pizzly line 2 "EML4 ... ALK ... 6 3": transcript coordinates only -> no junction, 9 reads
    fmt, _, calls = _typed("GRCh38.pizzly.tsv")
    assert (fmt, calls["line 2"].name, calls["line 2"].junction) == ("pizzly", "EML4::ALK", "")
    assert calls["line 2"].supporting_reads == 9
    # SQUID line 2 "2 29223400 29223528 2 42295300 42295516 . 14 - + fusion-gene EML4:ALK":
    # aligned segments, not breakpoints -> no position; score 14 = reads
    fmt, _, calls = _typed("GRCh38.squid.txt")
    assert (fmt, calls["line 2"].name, calls["line 2"].pos3, calls["line 2"].supporting_reads) == (
        "squid",
        "EML4::ALK",
        None,
        14,
    )


def test_generic_bedpe_fixture():
    # line 1 "chr2 42295515 42295516 chr2 29223527 29223528": 1-bp ends in EML4 and ALK -> v1,
    #   ALK taken as 3' (BEDPE has no gene order)
    # line 2 "chr2 29223000 29223600 chr7 1000 1100": a 600-bp interval in ALK, the partner
    #   outside the bundled genes -> named by its 1-based locus chr7:1001-1100, no position
    # line 3 chr1/chr3: not ALK
    fmt, data, calls = _typed("GRCh38.bedpe")
    assert fmt == "bedpe"
    assert (calls["line 1"].name, calls["line 1"].variant) == ("EML4::ALK", "v1")
    assert (calls["line 2"].name, calls["line 2"].pos3) == ("chr7:1001-1100::ALK", None)
    assert "interval" in calls["line 2"].note
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]


# --- a forced format is checked against the content ---------------------------------------------


def test_forced_fusion_formats_that_do_not_fit_name_expected_and_found():
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    cases = [
        # (fixture, forced, what the message names as found)
        ("GRCh38.bedpe", "vcf", "the content is bedpe"),
        ("GRCh38.fusionseeker.txt", "arriba", "the content is fusionseeker"),
        ("GRCh38.jaffa.csv", "star-fusion", "the content is jaffa"),
        ("GRCh38.arriba.tsv", "pbfusion", "the content is arriba"),
        ("GRCh38.table.tsv", "vcf", "the content is table"),
    ]
    for name, forced, found in cases:
        with pytest.raises(InputFormatError) as exc:
            read_fusions(FIX / name, "GRCh38", fmt=forced, sample="P1")
        line = exc.value.one_line()
        assert f"--fusion-format {forced} does not fit: expected" in line and found in line
    # the detected format, forced, is of course accepted
    assert read_fusions(FIX / "GRCh38.bedpe", "GRCh38", fmt="bedpe").calls


def test_forced_cnv_format_that_does_not_fit(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.cnv import read_cnv

    purple = _write(
        tmp_path,
        "p.tsv",
        "chromosome\tstart\tend\tcopyNumber\nchr2\t1\t242193529\t2.1\n",
    )
    with pytest.raises(InputFormatError, match="--cnv-format cnvkit does not fit: expected "
                       "chromosome, start, end, log2.*the content is purple"):  # fmt: skip
        read_cnv(purple, "GRCh38", fmt="cnvkit")


def test_unknown_fusion_format_lists_the_formats_that_could_fit(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    path = _write(tmp_path, "x.tsv", "Gene1\tGene2\tReads\nEML4\tALK\t5\n")
    with pytest.raises(
        InputFormatError, match="formats sharing its columns: arriba, fusionseeker;"
    ):
        read_fusions(path, "GRCh38")


def test_egfr_exon19_deletion_hgvs_is_the_corrected_reference_row(tmp_path):
    # shared/reference/bypass_hotspot_variants.tsv, row 11: "EGFR p.E746_A750del
    # ENST00000275493:c.2235_2249del ... chr7:55174771:AGGAATTAAGAGAAGC>A" (the row once carried
    # a provenance note instead of its c. change)
    from alkannot.api import annotate_sample

    vcf = _write(
        tmp_path,
        "egfr.vcf",
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        "chr7\t55174771\t.\tAGGAATTAAGAGAAGC\tA\t.\tPASS\t.\tGT:AD\t0/1:70,30\n",
    )
    (egfr,) = [f for f in annotate_sample(vcf).findings if f.gene == "EGFR"]
    assert (egfr.alteration, egfr.hgvsc) == ("E746_A750del", "ENST00000275493:c.2235_2249del")


def test_a_header_mixing_builds_is_refused_unless_build_is_given(tmp_path):
    import pytest

    from alkannot.api import annotate_sample
    from alkannot.errors import BuildMismatchError

    # chr2 242193529 is GRCh38's (reference README), chr7 159138663 GRCh37's (the GRCh37 header
    # the bundled lengths come from); GRCh38's chr7 is 159345973
    vcf = _write(
        tmp_path,
        "mixed.vcf",
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        "##contig=<ID=chr7,length=159138663>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
        "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n",
    )
    with pytest.raises(BuildMismatchError, match=r"chr2: GRCh38; chr7: GRCh37"):
        annotate_sample(vcf)


def test_unknown_copy_number_format_lists_the_formats_that_could_fit(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.cnv import read_cnv

    # "chromosome" is CNVkit's and PURPLE's column; no other column is any format's
    path = _write(tmp_path, "x.tsv", "chromosome\tbegin\tstop\tvalue\nchr2\t1\t100\t1\n")
    with pytest.raises(InputFormatError, match="formats sharing its columns: cnvkit, purple;"):
        read_cnv(path, "GRCh38")


def test_a_broken_cbioportal_position_keeps_neither(tmp_path):
    from alkannot.io.fusions import read_fusions

    path = _write(
        tmp_path,
        "sv.txt",
        "Sample_Id\tSite1_Hugo_Symbol\tSite1_Chromosome\tSite1_Position\tSite2_Hugo_Symbol\t"
        "Site2_Chromosome\tSite2_Position\nP1\tEML4\t2\t4229x554\tALK\t2\t29223528\n",
    )
    (call,) = read_fusions(path, "GRCh38").calls
    assert (call.name, call.pos5, call.pos3) == ("EML4::ALK", None, None)
    assert "malformed breakpoint '2:4229x554'" in call.note


def test_lumpy_bedpe_header_and_filter():
    from alkannot.fusion import summarise_fusion_status, type_alk_fusion
    from alkannot.io.fusions import detect_fusion_format, read_fusions

    # "#CHROM_A START_A END_A CHROM_B START_B END_B ... FILTER" (LUMPY/svtools), not a VCF;
    # line 2: 200-bp and 100-bp intervals in ALK and EML4 -> EML4::ALK without positions;
    # line 3: 1-bp ends at GRCh37 ALK 29446394 (exon 20's first base) and EML4 42522656 (exon 13's
    # last, GRCh37 exon table) -> E13;A20, its FILTER LowQual kept
    path = FIX / "GRCh37.lumpy.bedpe"
    assert detect_fusion_format(path) == "bedpe"
    data = read_fusions(path, "GRCh37")
    calls = {c.record: type_alk_fusion(c, "GRCh37") for c in data.calls}
    assert (calls["line 2"].name, calls["line 2"].pos3, calls["line 2"].filter) == (
        "EML4::ALK",
        None,
        ("PASS",),
    )
    assert (calls["line 3"].junction, calls["line 3"].filter) == ("E13;A20", ("LowQual",))
    assert summarise_fusion_status(data) == "present"  # line 2 passes


def test_pizzly_json_output():
    # genes[1]: geneA EML4, geneB ALK, paircount 7, splitcount 2; genes[2] AKAP9-BRAF
    fmt, data, calls = _typed("GRCh38.pizzly.json")
    assert fmt == "pizzly" and list(calls) == ["genes[1]"]
    assert (calls["genes[1]"].name, calls["genes[1]"].supporting_reads) == ("EML4::ALK", 9)
    assert data.warnings == ["1 fusion(s) not involving ALK were not used"]


def test_the_sample_sheet_carries_baseline_sample(tmp_path):
    from alkannot.batch import sample_settings
    from alkannot.io.samplesheet import read_samplesheet

    sheet = _write(
        tmp_path,
        "s.tsv",
        f"sample\tvcf\tbaseline_vcf\tbaseline_sample\nP1_post\t{GOOD_VCF}\t{GOOD_VCF}\tP1_pre\n",
    )
    (row,) = read_samplesheet(sheet, base=tmp_path)
    assert row.baseline_sample == "P1_pre"
    assert row.request().baseline.sample == "P1_pre"
    # a changed baseline sample changes the run's settings, so the workflow reruns it
    assert sample_settings(row, 0.02, 20)["baseline_sample"] == "P1_pre"


def test_star_fusion_breakpoint_strands_check_the_orientation(tmp_path):
    from alkannot.io.fusions import read_fusions

    head = "#FusionName\tJunctionReadCount\tSpanningFragCount\tSpliceType\tLeftGene\t"
    head += "LeftBreakpoint\tRightGene\tRightBreakpoint\n"
    row = "EML4--ALK\t4\t4\tONLY_REF_SPLICE\tEML4^ENSG00000143924\tchr2:42295516:+\t"
    # line 2: ALK read on '-' (its gene's strand, as in fusion-report's STAR-Fusion line 10);
    # line 3: ALK read on '+': antisense to ALK
    path = _write(
        tmp_path,
        "sf.tsv",
        head
        + row
        + "ALK^ENSG00000171094\tchr2:29223528:-\n"
        + row
        + "ALK^ENSG00000171094\tchr2:29223528:+\n",
    )
    calls = {c.record: c for c in read_fusions(path, "GRCh38").calls}
    assert calls["line 2"].orientation_ok is True
    assert calls["line 3"].orientation_ok is False
    assert "ALK read on the + strand, its gene is on -" in calls["line 3"].note


def test_the_fusion_format_help_names_every_reader():
    from click.testing import CliRunner

    from alkannot.cli import cli
    from alkannot.io.fusions import FORMATS

    out = " ".join(CliRunner().invoke(cli, ["annotate", "--help"]).output.split())
    listed = out.split("--fusion-format", 1)[1].split("--baseline-vcf", 1)[0]
    assert [f for f in FORMATS if f not in listed] == []


def test_baseline_sample_names_the_baseline_column_of_a_joint_vcf(tmp_path):
    import pytest

    from alkannot.api import annotate_sample
    from alkannot.errors import SampleNotFoundError

    # one VCF, both time points: ALK G1202R (chr2:29220747 C>T, resources/examples/truth.tsv)
    # with 0 ALT reads before treatment and 30 after; KRAS G12V (chr12:25245350 C>A, c.35G>T in
    # bypass_hotspots.tsv) at both
    vcf = _write(
        tmp_path,
        "joint.vcf",
        "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP1_pre\tP1_post\n"
        "chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/0:100,0\t0/1:70,30\n"
        "chr12\t25245350\t.\tC\tA\t.\tPASS\t.\tGT:AD\t0/1:50,50\t0/1:60,40\n",
    )
    res = annotate_sample(vcf, vcf_sample="P1_post", baseline_vcf=vcf, baseline_sample="P1_pre")
    status = {f.alteration: f.baseline_status for f in res.findings if f.kind == "mutation"}
    assert status == {"G1202R": "acquired", "G12V": "pre-existing"}
    with pytest.raises(SampleNotFoundError, match="P1_pre, P1_post"):
        annotate_sample(vcf, vcf_sample="P1_post", baseline_vcf=vcf)


def test_pbfusion_without_meta_lines_and_longgf_with_extra_fields(tmp_path):
    from alkannot.io.fusions import detect_fusion_format, read_fusions

    # pbfusion's header and a GN= row, its '##' meta lines gone (a cut or concatenated file)
    pb = _write(
        tmp_path,
        "pb.bed",
        "#chr1\tstart1\tend1\tchr2\tstart2\tend2\tid\tscore\tstrand1\tstrand2\tinfo\textra\n"
        "chr2\t42295515\t42295516\tchr2\t29223527\t29223528\tBP1\tHIGH\t+\t-\t"
        "RC=20;GN=EML4,ALK;CL=FUSION:20\tRN=.\n",
    )
    assert detect_fusion_format(pb) == "pbfusion"
    (call,) = read_fusions(pb, "GRCh38").calls
    assert (call.name, call.supporting_reads) == ("EML4::ALK", 20)
    # a SumGF line with a fifth field: the four LongGF fields are read
    gf = _write(tmp_path, "gf.out", "SumGF\tEML4:ALK 9 chr2:42295516 chr2:29223528 extra\n")
    (call,) = read_fusions(gf, "GRCh38").calls
    assert (call.name, call.pos5, call.supporting_reads) == ("EML4::ALK", 42295516, 9)


def test_met_fusions_in_the_pair_formats(tmp_path):
    from alkannot.io.fusions import read_fusions

    # catalogue 3.0.0 reads MET fusions (3' MET) as a bypass track: the new readers do too.
    # FusionSeeker line 2 "MET ST7": no gene order, MET taken 3'; line 3 EML4/ALK as before
    path = _write(
        tmp_path,
        "fs.txt",
        "ID\tGene1\tGene2\tNumSupp\tChrom1\tBreakpoint1\tChrom2\tBreakpoint2\tSupportingReads\n"
        "GF01\tMET\tST7\t9\tchr7\t116700000\tchr7\t116800000\tr\n"
        "GF02\tALK\tEML4\t12\tchr2\t29223528\tchr2\t42295516\tr\n",
    )
    calls = {c.record: c for c in read_fusions(path, "GRCh38").calls}
    assert (calls["line 2"].name, calls["line 2"].orientation_ok) == ("ST7::MET", None)
    assert "MET taken as 3' partner" in calls["line 2"].note
    assert calls["line 3"].name == "EML4::ALK"


def test_unknown_fusion_format_without_a_shared_column_lists_formats_of_its_shape(tmp_path):
    import pytest

    from alkannot.errors import InputFormatError
    from alkannot.io.fusions import read_fusions

    # two tab-separated columns: a table format, never VCF (8 or more columns)
    path = _write(tmp_path, "u.tsv", "foo\tbar\nx\ty\n")
    with pytest.raises(InputFormatError) as exc:
        read_fusions(path, "GRCh38")
    shape = exc.value.one_line().split("formats of its shape: ", 1)[1]
    assert shape.startswith("arriba, bedpe") and "vcf" not in shape
    # comma-separated: JAFFA's shape
    path = _write(tmp_path, "u.csv", "foo,bar\nx,y\n")
    with pytest.raises(InputFormatError, match="formats of its shape: jaffa;"):
        read_fusions(path, "GRCh38")


def test_a_cnv_vcf_counts_the_records_it_does_not_use(tmp_path):
    from alkannot.io.cnv import read_cnv

    # line 3: a DUP over ALK with CN 6 (read); line 4: a breakend (counted, not silently dropped)
    vcf = _write(
        tmp_path,
        "cnv.vcf",
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
        "chr2\t29192774\t.\tN\t<DUP>\t.\tPASS\tSVTYPE=DUP;END=29921586\tGT:CN\t0/1:6\n"
        "chr2\t29224000\t.\tA\tA]chr2:42295554]\t.\tPASS\tSVTYPE=BND\tGT:CN\t0/1:.\n",
    )
    data = read_cnv(vcf, "GRCh38", fmt="vcf")
    assert [(s.start, s.end, s.copy_number) for s in data.segments] == [(29192774, 29921586, 6.0)]
    assert data.warnings == ["1 record(s) other than DUP/DEL/CNV were not used"]
