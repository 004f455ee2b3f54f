"""Input checksums: whole files, or head + index + size for inputs read by index."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.api import annotate_sample
from alkannot.checksums import HEAD_BYTES, input_checksum
from alkannot.resources import resource_path

EX = resource_path("examples", "GRCh38")


def _prefixed_sha256(*parts: bytes) -> str:
    # the documented definition: each part preceded by its length as 8 little-endian bytes
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little") + p)
    return h.hexdigest()


@pytest.fixture
def indexed_vcf(tmp_path) -> Path:
    vcf = tmp_path / "P01.vcf.gz"
    shutil.copy(EX / "P01.rebiopsy.vcf.gz", vcf)
    shutil.copy(EX / "P01.rebiopsy.vcf.gz.tbi", f"{vcf}.tbi")
    os.utime(f"{vcf}.tbi")  # the index is not older than the file
    return vcf


def test_indexed_vcf_is_hashed_over_head_index_and_size(indexed_vcf):
    data = indexed_vcf.read_bytes()
    rec = input_checksum(indexed_vcf, "vcf")
    assert rec.hashed == "head+index+size"
    assert rec.size == len(data)
    index = Path(f"{indexed_vcf}.tbi").read_bytes()
    assert rec.sha256 == _prefixed_sha256(data[:HEAD_BYTES], index, str(len(data)).encode())


def test_full_checksum_on_request_and_for_unindexed_files(indexed_vcf, tmp_path):
    whole = hashlib.sha256(indexed_vcf.read_bytes()).hexdigest()
    full = input_checksum(indexed_vcf, "vcf", full=True)
    assert (full.hashed, full.sha256) == ("file", whole)
    Path(f"{indexed_vcf}.tbi").unlink()
    assert input_checksum(indexed_vcf, "vcf").sha256 == whole
    cns = EX / "P01.cns"  # not an indexed role: always whole
    assert input_checksum(cns, "cnv").sha256 == hashlib.sha256(cns.read_bytes()).hexdigest()


def test_stale_index_means_a_whole_file_checksum(indexed_vcf):
    os.utime(f"{indexed_vcf}.tbi", (1, 1))  # older than the VCF: the reader ignores it
    assert input_checksum(indexed_vcf, "vcf").hashed == "file"


def test_head_index_checksum_changes_with_header_index_or_size(indexed_vcf):
    before = input_checksum(indexed_vcf, "vcf").sha256
    idx = Path(f"{indexed_vcf}.tbi")
    original = idx.read_bytes()
    idx.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    assert input_checksum(indexed_vcf, "vcf").sha256 != before
    idx.write_bytes(original)
    with open(indexed_vcf, "ab") as fh:
        fh.write(b"\0")
    os.utime(idx)
    assert input_checksum(indexed_vcf, "vcf").sha256 != before


def test_result_and_json_say_what_was_hashed(indexed_vcf, tmp_path):
    result = annotate_sample(indexed_vcf, cnv=EX / "P01.cns")
    hashed = {i.role: i.hashed for i in result.inputs}
    assert hashed == {"vcf": "head+index+size", "cnv": "file"}
    full = annotate_sample(indexed_vcf, cnv=EX / "P01.cns", full_checksums=True)
    sha = {i.role: i.sha256 for i in full.inputs}
    assert sha["vcf"] == hashlib.sha256(indexed_vcf.read_bytes()).hexdigest()
    assert {i.hashed for i in full.inputs} == {"file"}


def test_cli_full_checksums_option(indexed_vcf, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "alkannot", "annotate", str(indexed_vcf), "-o", str(out)]
    subprocess.run([*cmd, "--formats", "json", "--full-checksums"], check=True)
    (path,) = out.glob("*.json")
    (vcf_input,) = [i for i in json.loads(path.read_text())["inputs"] if i["role"] == "vcf"]
    assert vcf_input["hashed"] == "file"
    assert vcf_input["sha256"] == hashlib.sha256(indexed_vcf.read_bytes()).hexdigest()


def test_background_checksums_hand_back_results_and_errors(indexed_vcf, tmp_path):
    from alkannot.checksums import BackgroundChecksums

    cns = EX / "P01.cns"
    hasher = BackgroundChecksums({"cnv": str(cns), "fusions": str(tmp_path / "gone.tsv")})
    assert hasher.result("cnv").sha256 == hashlib.sha256(cns.read_bytes()).hexdigest()
    with pytest.raises(FileNotFoundError):
        hasher.result("fusions")
