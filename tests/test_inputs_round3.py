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
