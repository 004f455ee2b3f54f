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
