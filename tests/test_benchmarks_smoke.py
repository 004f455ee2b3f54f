"""A small run of the benchmark generator and runner, so they cannot rot (not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runner_smoke(tmp_path):
    results = tmp_path / "RESULTS.md"
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- bench-table:start -->\nold\n<!-- bench-table:end -->\nafter\n")
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--data",
            str(tmp_path / "data"),
            "--records",
            "5000",
            "--samples",
            "3",
            "--repeats",
            "1",
            "--results",
            str(results),
            "--readme",
            str(readme),
            "--resources",
            str(tmp_path / "resources.yaml"),
            "--no-slurm",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    text = results.read_text()
    for measurement in (
        "bcftools view -H -R",
        "bcftools view -H -T",
        "xargs -P 2",
        "peak memory",
        "--help",
    ):
        assert measurement in text
    assert "failed" not in text
    for form in ("shuffled", "plain-text", "plain-gzip", "a tenth the size"):
        assert form in text
    # only the marked table of the README is replaced
    new = readme.read_text()
    assert new.startswith("# x\n\n<!-- bench-table:start -->\n| measurement |")
    assert new.endswith("<!-- bench-table:end -->\nafter\n") and "old" not in new
    # the measured chunk cost the workflow reads, every field a number
    import yaml

    cost = yaml.safe_load((tmp_path / "resources.yaml").read_text())
    assert set(cost) == {
        "startup_seconds",
        "seconds_per_sample",
        "seconds_per_mb",
        "peak_mb",
        "margin",
    }
    assert all(isinstance(v, int | float) and v >= 0 for v in cost.values())
    # header + 3 samples, as asked
    assert (tmp_path / "data" / "panel" / "samples.tsv").read_text().count("\n") == 4


def test_results_keep_the_sections_other_benchmarks_wrote():
    """`make bench` rewrites its own sections of RESULTS.md and keeps the re-annotation and
    ten-thousand-sample sections (with their markers) that other scripts wrote there."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import keep_other_sections

    old = (
        "# Benchmark results\n\n## Speed\nold numbers\n\n## Re-annotating\nkept 1\n\n"
        "<!-- scale:start -->\n## Ten thousand samples\nkept 2\n<!-- scale:end -->\n"
    )
    new = "# Benchmark results\n\n## Speed\nnew numbers\n"
    out = keep_other_sections(new, old)
    assert out.startswith(new) and "old numbers" not in out
    assert "## Re-annotating\nkept 1\n" in out
    assert "<!-- scale:start -->\n## Ten thousand samples\nkept 2\n<!-- scale:end -->\n" in out
    assert keep_other_sections(new, "") == new
