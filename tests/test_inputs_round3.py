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
