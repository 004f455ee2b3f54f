"""A small run of the read-evidence benchmark, so it cannot rot (not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_reads_benchmark_runs_and_reports_the_added_cost(tmp_path):
    results = tmp_path / "READS.md"
    res = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reads.py"), "--repeats", "1", "--depth",
         "500", "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    text = results.read_text()
    assert "added by `--bam`" in text and "peak memory" in text
