"""Corruption htslib's tools catch is caught here too: BGZF CRCs, foreign BAM indexes, a CRAM
read with the wrong reference. Each is one line and exit code 2.

Expected outcomes from the specifications: SAM 1.6 section 4.1 (a BGZF block ends with the CRC32
and size of its uncompressed data, which ``bgzip -t`` and ``gzip -t`` check), section 5.2 (a BAI
chunk is a pair of virtual offsets into its own BAM) and the CRAM 3.1 specification (a slice
records the MD5 of the reference span it was compressed against; @SQ M5 that of the sequence).
"""

from __future__ import annotations

import gzip
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from tests.reads_helpers import _BASES, BamBuilder, ref

ROOT = Path(__file__).resolve().parents[1]
P02 = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alkannot", "annotate", *args, "--formats", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _one_line(res: subprocess.CompletedProcess, word: str) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], res.stderr


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of every BGZF block (BSIZE is the block size minus 1)."""
    out, off = [], 0
    while off < len(data):
        size = struct.unpack_from("<H", data, off + 16)[0] + 1
        out.append((off, size))
        off += size
    return out


@pytest.fixture(scope="module")
def multi_block(tmp_path_factory) -> Path:
    """P02's records behind 4,000 chr1 filler records: several BGZF blocks, ALK in a later one."""
    d = tmp_path_factory.mktemp("bgzf")
    text = gzip.decompress(P02.read_bytes()).decode().splitlines(keepends=True)
    head = [x for x in text if x.startswith("#")]
    recs = [x for x in text if not x.startswith("#")]
    cols = recs[0].split("\t")
    filler = [
        "\t".join(["chr1", str(1000 + 10 * i), ".", "A", "G", *cols[5:]]) for i in range(4000)
    ]
    plain = d / "multi.vcf"
    plain.write_text("".join(head + filler + [r for r in recs if not r.startswith("chr1\t")]))
    out = d / "multi.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    return out


def _alk_block(path: Path) -> tuple[int, int]:
    """The block holding the ALK G1202R-region records (the first one containing chr2 text)."""
    data = path.read_bytes()
    for off, size in _blocks(data):
        text = gzip.decompress(data[off : off + size]) if size > 28 else b""
        if b"\nchr2\t" in text:
            return off, size
    raise AssertionError("no chr2 block")


@pytest.mark.parametrize("indexed", [False, True], ids=["scanned", "tabix"])
def test_a_block_with_a_bad_crc_is_refused(tmp_path, multi_block, indexed):
    data = bytearray(multi_block.read_bytes())
    off, size = _alk_block(multi_block)
    assert off > 0  # a later block, not the first (the header sniff inflates the first)
    data[off + size - 8] ^= 0xFF  # the CRC32 field
    bad = tmp_path / "bad.vcf.gz"
    bad.write_bytes(bytes(data))
    assert subprocess.run(["gzip", "-t", str(bad)], capture_output=True).returncode != 0
    if indexed:
        pysam.tabix_index(str(multi_block), preset="vcf", force=True, keep_original=True)
        shutil.copy(f"{multi_block}.tbi", f"{bad}.tbi")
    _one_line(_run(str(bad), "-o", str(tmp_path / "o")), "CRC32")
    assert not (tmp_path / "o").exists()


def test_the_intact_multi_block_file_reads(tmp_path, multi_block):
    res = _run(str(multi_block), "-o", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr


def _bam(path: Path, n: int) -> Path:
    b = BamBuilder()
    s = 29220720
    for i in range(n):
        b.read(f"r{i}", s + i, ref(s + i, s + i + 59))
    return b.write(path)


def test_a_foreign_bai_is_one_line(tmp_path):
    bam = _bam(tmp_path / "a.bam", 60)
    other = _bam(tmp_path / "b.bam", 3)
    shutil.copy(f"{other}.bai", f"{bam}.bai")  # another BAM's index, newer than the BAM
    _one_line(_run("--bam", str(bam), "-o", str(tmp_path / "o")), "does not belong")


def test_own_bai_passes_the_check(tmp_path):
    from alkannot.reads.bam_index import check_bai

    bam = _bam(tmp_path / "a.bam", 60)
    check_bai(bam, f"{bam}.bai")


def _fasta(path: Path, swap: bool) -> Path:
    n = 29_223_600
    seq = bytearray(b"N" * n)
    change = {"A": "C", "C": "G", "G": "T", "T": "A"} if swap else {}
    for p, base in _BASES.items():
        if p <= n:
            seq[p - 1] = ord(change.get(base, base))
    with open(path, "wb") as fh:
        fh.write(b">chr2\n" + b"\n".join(seq[i : i + 60] for i in range(0, n, 60)) + b"\n")
    pysam.faidx(str(path))
    return path


def test_a_cram_with_the_wrong_reference_is_one_line_naming_it(tmp_path):
    good, wrong = _fasta(tmp_path / "good.fa", False), _fasta(tmp_path / "wrong.fa", True)
    b = BamBuilder()
    for i in range(50):
        b.read(f"r{i}", 29220720, ref(29220720, 29220779))
    cram = b.write(tmp_path / "t.cram", fmt="cram", fasta=good)
    res = _run("--bam", str(cram), "--reference", str(wrong), "-o", str(tmp_path / "o"))
    _one_line(res, "not written with this --reference")
    assert "truncated" not in res.stderr
