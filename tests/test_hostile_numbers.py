"""Absurd numbers in every reader: a skipped record (one of many) or one line (a run setting).

Expected outcomes come from what the fields mean in their formats (shared/formats, the VCF 4.2
specification): an allele fraction is a fraction of reads, so it lies in [0, 1]; VarScan's FREQ
is that fraction in percent; read counts (DP, AD, t_alt_count, Arriba split reads) are
non-negative whole numbers; a copy number cannot be negative beyond fitting noise, and neither it
nor a log2 ratio of 40 (2**40-fold) is a measurement. The valid ranges are the README's.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.annotate import target_regions
from alkannot.bounds import COPY_NUMBER, LOG2, READS, VAF, OutOfRange, parse_checked
from alkannot.errors import AlkannotError, ConfigError
from alkannot.io.cnv import read_cnv
from alkannot.io.fusions import read_fusions
from alkannot.io.vcf import read_vcf
from alkannot.models import GeneCopyNumber
from alkannot.report.plots import copy_number_panel, tick_step

FIX = Path(__file__).resolve().parent / "fixtures"
HEAD = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="AF">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="DP">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)
# chr2:29220747 C>T is a kinase-domain ALK position of the caller fixtures (tests/fixtures/vcf)
SITE = "chr2\t29220747\t.\tC\tT\t.\tPASS\t"


def _vcf(tmp_path: Path, body: str, head: str = HEAD):
    p = tmp_path / "t.vcf"
    p.write_text(head + SITE + body + "\n")
    return read_vcf(p, target_regions, build="GRCh38")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (".\tGT:AD:AF:DP\t0/1:10,30:5:40", "AF"),  # AF above 1
        (".\tGT:AD:AF:DP\t0/1:10,30:inf:40", "AF"),  # not finite
        (".\tGT:AD:AF:DP\t0/1:10,30:-0.2:40", "AF"),  # negative
        (".\tGT:AD:AF:DP\t0/1:10,30:0.3:-40", "DP"),  # negative depth
        (".\tGT:AD:DP\t0/1:-10,30:40", "AD"),  # negative AD
    ],
)
def test_impossible_vcf_number_skips_the_record(tmp_path, body, field):
    data = _vcf(tmp_path, body)
    assert data.variants == []
    [sk] = data.skipped
    assert sk.category == "out_of_range" and sk.reason.startswith(field), sk.reason
    assert sk.record == "chr2:29220747 C>T"


def test_nan_in_an_integer_field_is_a_malformed_record(tmp_path):
    # VCF 4.2 section 1.4.2: an Integer field holds an integer; htslib refuses the record
    # (alkannot's own reader names "AD value"; htslib's, which reads it first when it can, names
    # the 'AD' FORMAT field: either way one line naming the field)
    with pytest.raises(AlkannotError, match=r"AD value|'AD' FORMAT field"):
        _vcf(tmp_path, ".\tGT:AD:DP\t0/1:10,nan:40")


@pytest.mark.parametrize(
    ("extra_header", "body", "field"),
    [
        (  # VarScan FREQ is a percent: 250 % is not VAF 2.5
            '##source=VarScan2\n##FORMAT=<ID=FREQ,Number=1,Type=String,Description="F">\n'
            '##FORMAT=<ID=RD,Number=1,Type=Integer,Description="RD">\n',
            ".\tGT:RD:AD:FREQ:DP\t0/1:10:25:250%:35",
            "FREQ",
        ),
        (  # PCGR's INFO/TVAF is a fraction
            '##INFO=<ID=TVAF,Number=A,Type=Float,Description="V">\n'
            '##INFO=<ID=TDP,Number=1,Type=Integer,Description="D">\n',
            "TVAF=5;TDP=100\tGT\t0/1",
            "TVAF",
        ),
    ],
)
def test_caller_specific_fraction_out_of_range(tmp_path, extra_header, body, field):
    data = _vcf(tmp_path, body, HEAD.replace("#CHROM", extra_header + "#CHROM"))
    assert data.variants == [] and field in data.skipped[0].reason


def test_valid_vcf_numbers_still_read(tmp_path):
    data = _vcf(tmp_path, ".\tGT:AD:AF:DP\t0/1:10,30:0.75:40")
    assert [(v.vaf, v.depth) for v in data.variants] == [(0.75, 40)]


def _cns(tmp_path: Path, alk_log2: str) -> Path:
    text = (FIX / "cnv" / "GRCh38.cns").read_text()
    p = tmp_path / "t.cns"
    p.write_text(text.replace("ALK\t1.3219", f"ALK\t{alk_log2}", 1))
    return p


@pytest.mark.parametrize("value", ["40", "1024", "-1e6"])
def test_cnvkit_log2_out_of_range_is_skipped(tmp_path, value):
    data = read_cnv(_cns(tmp_path, value), "GRCh38")
    assert "ALK" not in {s.gene for s in data.segments if s.gene}
    [sk] = [s for s in data.skipped if s.category == "out_of_range"]
    assert "log2 ratio" in sk.reason and sk.record == "line 2"


def test_gene_copy_number_1e20_is_skipped(tmp_path):
    p = tmp_path / "g.tsv"
    p.write_text("sample\tgene\tcopy_number\nT\tALK\t1e20\nT\tMET\t10\n")
    data = read_cnv(p, "GRCh38")
    assert [s.gene for s in data.segments] == ["MET"]
    assert "ALK: copy number" in data.skipped[0].reason


def test_ascat_negative_allele_count_is_skipped(tmp_path):
    text = (FIX / "cnv" / "GRCh38.ascat.segments.txt").read_text().splitlines()
    first = text[1].split("\t")
    first[4] = "-5"
    p = tmp_path / "a.txt"
    p.write_text("\n".join([text[0], "\t".join(first), *text[2:]]) + "\n")
    data = read_cnv(p, "GRCh38")
    assert data.skipped[0].category == "out_of_range" and data.skipped[0].record == "line 2"


def test_cnv_position_beyond_the_vcf_limit_is_one_line(tmp_path):
    p = tmp_path / "t.cns"
    text = (FIX / "cnv" / "GRCh38.cns").read_text()
    p.write_text(text.replace("29092773", "1e300", 1))
    with pytest.raises(AlkannotError, match=r"line 2: start: position 1e\+300 is outside"):
        read_cnv(p, "GRCh38")


@pytest.mark.parametrize("reads", ["-12", "nan", "inf", "2.5"])
def test_arriba_impossible_read_count_skips_the_row(tmp_path, reads):
    lines = (FIX / "fusions" / "GRCh38.arriba.tsv").read_text().splitlines()
    row = lines[1].split("\t")
    row[9] = reads
    p = tmp_path / "f.tsv"
    p.write_text("\n".join([lines[0], "\t".join(row), *lines[2:]]) + "\n")
    data = read_fusions(p, "GRCh38")
    assert all(c.record != "line 2" for c in data.calls)
    assert any(s.record == "line 2" and "split_reads1" in s.reason for s in data.skipped)


def test_maf_infinite_count_is_a_skipped_row(tmp_path):
    from alkannot.io.maf import read_maf

    cols = "Hugo_Symbol\tNCBI_Build\tChromosome\tStart_Position\tReference_Allele\t"
    cols += "Tumor_Seq_Allele2\tTumor_Sample_Barcode\tt_alt_count\tt_ref_count\tt_depth"
    p = tmp_path / "m.maf"
    p.write_text(cols + "\nALK\tGRCh38\tchr2\t29220747\tC\tT\tT1\tinf\t10\t40\n")
    data = read_maf(str(p), target_regions)
    assert data.variants == []
    assert data.skipped[0].record == "line 2" and "t_alt_count" in data.skipped[0].reason


def test_ranges_refuse_nan_and_inf():
    for rng in (VAF, READS, COPY_NUMBER, LOG2):
        for bad in ("nan", "inf", "-inf"):
            with pytest.raises(OutOfRange):
                parse_checked(bad, rng, "X")
    assert parse_checked(".", VAF, "AF") is None


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--purity", "1e-300"),
        ("--ploidy", "1e308"),
        ("--ploidy", "nan"),
        ("--max-detection-limit", "7"),
        ("--time-on-therapy", "crizotinib=inf"),
        ("--min-depth", "10000000000000000000000"),  # above the read-count range [0, 10^9]
        ("--min-alt-reads", "1000000001"),
        ("--min-mapq", "256"),  # SAM: MAPQ 0-255
    ],
)
def test_absurd_option_is_one_line(tmp_path, option, value):
    vcf = FIX / "vcf" / "mutect2.vcf"
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "annotate", str(vcf), "-o", str(tmp_path / "o"),
         "--formats", "json", option, value],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and option in res.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_option_check_is_configerror():
    from alkannot.bounds import PURITY, require_option

    with pytest.raises(ConfigError):
        require_option(0.0, PURITY, "--purity")
    assert require_option(0.3, PURITY, "--purity") == 0.3


def test_plot_ticks_scale_to_the_range():
    # a fold change of a million (the 69 MiB page) draws about ten ticks
    assert tick_step(3.08) == 1 and tick_step(25) == 5 and tick_step(1e6) == 1e5
    call = GeneCopyNumber("ALK", "chr2", 1, 2, "amplification", fold_change=1e6, copy_number=2e6)
    svg = copy_number_panel([call], ["ALK"])
    ticks = re.findall(r'class="tick"', svg)
    assert 2 <= len(ticks) <= 12 and len(svg) < 5000
