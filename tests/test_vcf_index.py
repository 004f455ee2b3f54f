"""A stale or foreign index is detected and ignored, so it can never hide records."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pysam
import pytest

from alkannot.annotate import target_regions
from alkannot.io.vcf import read_vcf
from alkannot.io.vcf_index import IndexMismatch, check_index

EX = Path(__file__).resolve().parents[1] / "resources" / "examples"


def _regions(build):
    return target_regions(build)


def _copy(tmp_path: Path, vcf: str, index_of: str, ext: str = ".tbi") -> Path:
    dest = tmp_path / "x.vcf.gz"
    shutil.copy(EX / vcf, dest)
    shutil.copy(EX / (index_of + ext), str(dest) + ext)
    future = os.path.getmtime(dest) + 60
    os.utime(str(dest) + ext, (future, future))  # a newer index: the mtime check cannot see it
    return dest


@pytest.mark.parametrize("vcf", sorted(p.relative_to(EX).as_posix() for p in EX.glob("*/*.vcf.gz")))
def test_every_bundled_index_belongs_to_its_file(vcf):
    check_index(EX / vcf, EX / (vcf + ".tbi"), [])


def test_a_csi_index_made_by_htslib_is_accepted(tmp_path):
    dest = tmp_path / "c.vcf.gz"
    shutil.copy(EX / "GRCh38" / "P02.rebiopsy.vcf.gz", dest)
    pysam.tabix_index(str(dest), preset="vcf", csi=True, force=True)
    check_index(dest, str(dest) + ".csi", [])
    assert read_vcf(dest, _regions).indexed


@pytest.mark.parametrize(
    ("vcf", "other"),
    [
        ("GRCh38/P02.rebiopsy.vcf.gz", "GRCh38/P01.rebiopsy.vcf.gz"),
        ("GRCh37/P06.rebiopsy.vcf.gz", "GRCh37/P04.rebiopsy.vcf.gz"),
    ],
)
def test_a_foreign_newer_index_is_ignored_and_no_record_is_lost(tmp_path, vcf, other):
    dest = _copy(tmp_path, vcf, other)
    with pytest.raises(IndexMismatch, match="not the start of"):
        check_index(dest, str(dest) + ".tbi", [])
    data = read_vcf(dest, _regions)
    assert not data.indexed
    assert any("does not belong to this VCF" in w for w in data.warnings)
    streamed = read_vcf(EX / vcf, _regions, fast_scan=False)
    assert [v.key for v in data.variants] == [v.key for v in streamed.variants]


def test_a_truncated_or_garbage_index_is_refused(tmp_path):
    dest = _copy(tmp_path, "GRCh38/P02.rebiopsy.vcf.gz", "GRCh38/P02.rebiopsy.vcf.gz")
    raw = gzip.decompress((EX / "GRCh38" / "P02.rebiopsy.vcf.gz.tbi").read_bytes())
    Path(str(dest) + ".tbi").write_bytes(gzip.compress(raw[: len(raw) // 3]))
    with pytest.raises(IndexMismatch, match="truncated"):
        check_index(dest, str(dest) + ".tbi", [])
    Path(str(dest) + ".tbi").write_bytes(b"not an index")
    with pytest.raises(IndexMismatch, match="inflate"):
        check_index(dest, str(dest) + ".tbi", [])
    assert not read_vcf(dest, _regions).indexed
