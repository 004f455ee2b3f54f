"""The fast unindexed path gives exactly the findings of the plain and the indexed paths."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from alkannot.annotate import target_regions
from alkannot.io.vcf import read_vcf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--records",
            "30000",
            "--samples",
            "2",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def _variants(path: Path, fast: bool = True):
    return read_vcf(str(path), target_regions, fast_scan=fast).variants


def test_scan_equals_plain_and_indexed_on_the_generated_file(generated):
    indexed = _variants(generated / "wgs.vcf.gz")
    assert len(indexed) > 10  # the generator puts records in every target gene
    assert _variants(generated / "wgs_noindex.vcf.gz") == indexed
    assert _variants(generated / "wgs_noindex.vcf.gz", fast=False) == indexed


def _shuffled_copy(src: Path, dst: Path, extra_lines: list[str]) -> None:
    with gzip.open(src, "rt") as fh:
        lines = fh.read().splitlines(keepends=True)
    header = [x for x in lines if x.startswith("#")]
    body = [x for x in lines if not x.startswith("#")] + extra_lines
    random.Random(7).shuffle(body)
    plain = dst.with_suffix("")
    plain.write_text("".join(header + body))
    pysam.tabix_compress(str(plain), str(dst), force=True)  # BGZF, unsorted, no index
    plain.unlink()


def test_scan_is_correct_on_unsorted_input_and_unexpected_contigs(generated, tmp_path):
    # records on contigs that are neither targets nor declared, and a target contig spelt "2"
    template = "{c}\t{p}\t.\tA\tG\t.\tPASS\tDP=50\tGT:AD:AF:DP\t0/0:30,0:0.0:30\t0/1:25,25:0.5:50\n"
    extra = [
        template.format(c="chrUn_KI270302v1", p=1000),
        template.format(c="2", p=29300000),
        template.format(c="chr7", p=55100000),
    ]
    src = tmp_path / "unsorted.vcf.gz"
    _shuffled_copy(generated / "wgs_noindex.vcf.gz", src, extra)
    fast, plain = _variants(src), _variants(src, fast=False)
    assert fast == plain
    assert any(v.pos == 29300000 for v in fast)  # the "2" record maps to chr2, inside ALK
    assert any(v.pos == 55100000 for v in fast)  # inside EGFR


def test_scan_keeps_records_across_bgzf_block_boundaries(generated, tmp_path):
    # tiny BGZF blocks put block boundaries inside lines and inside target regions
    with gzip.open(generated / "wgs_noindex.vcf.gz", "rb") as fh:
        data = fh.read()
    small = tmp_path / "small_blocks.vcf.gz"
    with pysam.BGZFile(str(small), "wb") as out:
        for i in range(0, len(data), 997):
            out.write(data[i : i + 997])
            out.flush()
    assert _variants(small) == _variants(generated / "wgs.vcf.gz")


def test_scan_reads_plain_and_gzip_files(generated, tmp_path):
    with gzip.open(generated / "wgs_noindex.vcf.gz", "rb") as fh:
        data = fh.read()
    plain = tmp_path / "plain.vcf"
    plain.write_bytes(data)
    gz = tmp_path / "plain_gzip.vcf.gz"
    gz.write_bytes(gzip.compress(data))
    expected = _variants(generated / "wgs.vcf.gz")
    assert _variants(plain) == expected
    assert _variants(gz) == expected


# --- the raw-text scanner on crafted text ------------------------------------------------------

_HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


def _scan(tmp_path: Path, body: str, regions):
    from alkannot.io.vcf_scan import scan_regions

    path = tmp_path / "crafted.vcf"
    path.write_text(_HEADER + body)
    header, lines = scan_regions(
        str(path), regions, lambda c: "chr" + c.lower().removeprefix("chr")
    )
    assert header.decode() == _HEADER
    return [line.decode() for line in lines]


def test_scan_keeps_records_within_the_ref_margin_of_a_target(tmp_path):
    from alkannot.io.vcf_scan import REF_MARGIN

    start, end = 10_000, 20_000
    positions = [start - REF_MARGIN - 1, start - REF_MARGIN, start, end, end + 1]
    body = "".join(f"chr2\t{p}\t.\tA\tG\t.\tPASS\t.\n" for p in positions)
    kept = _scan(tmp_path, body, {"chr2": [(start, end)]})
    # the rule: a record may overlap a target if POS is at most REF_MARGIN before its start
    assert [int(x.split("\t")[1]) for x in kept] == positions[1:4]


def test_scan_keeps_file_order_across_contig_spellings_and_crlf(tmp_path):
    body = (
        "chr1\t15000\t.\tA\tG\t.\tPASS\t.\r\n"
        "2\t15000\t.\tA\tC\t.\tPASS\t.\r\n"
        "chr2\t15001\t.\tA\tT\t.\tPASS\t.\r\n"
        "CHR2\t15002\t.\tA\tG\t.\tPASS\t.\r\n"
        "chr20\t15003\t.\tA\tG\t.\tPASS\t.\r\n"
    )
    kept = _scan(tmp_path, body, {"chr2": [(10_000, 20_000)]})
    assert [x.split("\t")[:2] for x in kept] == [
        ["2", "15000"],
        ["chr2", "15001"],
        ["CHR2", "15002"],
    ]


@pytest.mark.parametrize(
    "bad_line",
    [
        "chr2\t15x00\t.\tA\tG\t.\tPASS\t.",
        "chr2\t\t.\tA\tG",
        "chr2",
        "chr2\n2\t15000\t.\tA\tG\t.\tPASS\t.",  # a POS-less line before a valid one
        "chr2\t-5\t.\tA\tG",
        "chr2\t1234567890123\t.\tA\tG",  # 13 digits
    ],
)
def test_scan_rejects_a_target_contig_record_without_a_numeric_pos(tmp_path, bad_line):
    from alkannot.io.vcf_scan import MalformedRecordError

    body = f"chr2\t15000\t.\tA\tG\t.\tPASS\t.\n{bad_line}\n"
    with pytest.raises(MalformedRecordError, match="chr2"):
        _scan(tmp_path, body, {"chr2": [(10_000, 20_000)]})


def test_scan_ignores_malformed_lines_on_other_contigs(tmp_path):
    body = "chr5\tnot-a-pos\t.\tA\tG\n" + "chr2\t15000\t.\tA\tG\t.\tPASS\t.\n"
    assert len(_scan(tmp_path, body, {"chr2": [(10_000, 20_000)]})) == 1


@pytest.mark.parametrize("form", ["gzip", "bgzf"])
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_damaged_large_file_is_an_error_not_a_short_read(generated, tmp_path, form, damage):
    # damage far past the header, which the up-front checks read: only the scan can notice it
    from alkannot.errors import InputFormatError

    with gzip.open(generated / "wgs_noindex.vcf.gz", "rb") as fh:
        data = fh.read()
    path = tmp_path / f"{form}.vcf.gz"
    if form == "gzip":
        path.write_bytes(gzip.compress(data))
    else:
        with pysam.BGZFile(str(path), "wb") as out:
            out.write(data)
    raw = path.read_bytes()
    cut = len(raw) * 3 // 4
    if damage == "truncated":
        if form == "bgzf":  # keep the end-of-file marker, as a crude copy might not; cut a block
            raw = raw[:cut] + raw[-28:]
        else:
            raw = raw[:cut]
    else:
        raw = raw[:cut] + bytes(64) + raw[cut + 64 :]
    path.write_bytes(raw)
    # damaged deflate data may first decode to garbage lines (a malformed record is reported
    # then); otherwise the damage is named when the stream or its checksum fails
    with pytest.raises(InputFormatError, match="truncated or corrupt|POS is not|cannot read"):
        read_vcf(str(path), target_regions)


def _result(path: Path):
    from alkannot.api import annotate_sample

    r = annotate_sample(path)
    skipped = [(s.record, s.reason, s.category) for s in r.skipped]  # source names the file
    return r.variants_examined, r.findings, skipped, r.drugs, r.mechanisms


def test_every_input_form_gives_the_same_findings(generated, tmp_path):
    bed = str(generated / "targets.bed")
    # bcftools-prefiltered copies: region query of the indexed file, and a streaming target
    # filter of the shuffled one (its output keeps the shuffled order)
    pre_r = tmp_path / "prefiltered_R.vcf.gz"
    pre_t = tmp_path / "prefiltered_T.vcf"
    subprocess.run(
        ["bcftools", "view", "-R", bed, "-Oz", "-o", str(pre_r), str(generated / "wgs.vcf.gz")],
        check=True,
    )
    subprocess.run(
        ["bcftools", "view", "-T", bed, "-o", str(pre_t), str(generated / "wgs_shuffled.vcf.gz")],
        check=True,
    )
    # htslib's own count of the records in the target genes, for the indexed file
    counted = subprocess.run(
        ["bcftools", "view", "-H", "-R", bed, str(generated / "wgs.vcf.gz")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.count("\n")
    forms = {
        "indexed": generated / "wgs.vcf.gz",
        "unindexed bgzip": generated / "wgs_noindex.vcf.gz",
        "plain text": generated / "wgs_plain.vcf",
        "plain gzip": generated / "wgs_gzip.vcf.gz",
        "shuffled": generated / "wgs_shuffled.vcf.gz",
        "bcftools -R prefiltered": pre_r,
        "bcftools -T prefiltered, shuffled": pre_t,
    }
    results = {name: _result(path) for name, path in forms.items()}
    expected = results["indexed"]
    assert expected[0] == counted > 10
    assert len(expected[1]) > 0 and len(expected[2]) > 0
    for name, res in results.items():
        assert res == expected, name


def test_csi_index_gives_the_tbi_findings(generated, tmp_path):
    vcf = tmp_path / "csi.vcf.gz"
    shutil.copy(generated / "wgs.vcf.gz", vcf)
    subprocess.run(["bcftools", "index", "-c", str(vcf)], check=True)
    data = read_vcf(str(vcf), target_regions)
    assert data.indexed and Path(f"{vcf}.csi").exists() and not Path(f"{vcf}.tbi").exists()
    assert data.variants == _variants(generated / "wgs.vcf.gz")


def test_unreadable_index_is_an_error_not_an_empty_result(generated, tmp_path):
    from alkannot.errors import InputFormatError

    vcf = tmp_path / "bad_index.vcf.gz"
    shutil.copy(generated / "wgs.vcf.gz", vcf)
    plain = read_vcf(str(vcf), target_regions)  # no index yet: the streamed read
    Path(f"{vcf}.tbi").write_bytes(b"not an index at all" * 10)  # newer than the VCF: used
    # an index that does not belong to the file is refused or ignored with a warning (issue 12),
    # never an empty or shorter result
    try:
        data = read_vcf(str(vcf), target_regions)
    except InputFormatError:
        return
    assert data.variants == plain.variants and data.variants
    assert any("index" in w for w in data.warnings)
