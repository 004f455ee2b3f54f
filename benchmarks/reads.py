"""Added cost of read evidence (``--bam``) per sample, and memory at 100,000x.

Measures, as a user runs it (a fresh ``python -m alkannot annotate`` each time, median of
``--repeats``): the bundled example VCF alone, then the same with ``--bam`` on a real panel BAM
(shared/wild/dnafusion/H3122_EML4.bam when present, else a generated 2,000x panel-like BAM). The
difference is the added cost. Then the peak memory (max RSS) of a run on a generated BAM with
100,000 fragments over ALK codon 1202. Results go to ``benchmarks/READS.md``.

    .venv/bin/python benchmarks/reads.py [--repeats 5] [--depth 100000] [--results FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VCF = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"
PANEL = ROOT.parent.parent / "shared" / "wild" / "dnafusion" / "H3122_EML4.bam"
if not PANEL.is_file():
    PANEL = Path("/work/shared/wild/dnafusion/H3122_EML4.bam")


def _deep_bam(path: Path, fragments: int) -> Path:
    """Single reads over ALK codon 1202 (reference bases of the bundled slice)."""
    from tests.reads_helpers import BamBuilder, ref

    b = BamBuilder()
    start = 29220720
    seq = ref(start, start + 59)
    for i in range(fragments):
        b.read(f"r{i}", start, seq)
    return b.write(path)


def _run(args: list[str]) -> tuple[float, int]:
    """Wall time and max RSS (kB) of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", "annotate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
    )
    elapsed = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"alkannot failed: {res.stderr.strip()}")
    return elapsed, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--depth", type=int, default=100_000)
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "READS.md")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        panel = PANEL if PANEL.is_file() else _deep_bam(tmp / "panel.bam", 2_000)
        common = [str(VCF), "--formats", "tsv,json", "--sample-name", "P01"]
        base, with_bam = [], []
        for i in range(opts.repeats):  # interleaved, so load changes hit both alike
            base.append(_run([*common, "-o", str(tmp / f"a{i}")])[0])
            with_bam.append(_run([*common, "--bam", str(panel), "-o", str(tmp / f"b{i}")])[0])
        deep = _deep_bam(tmp / "deep.bam", opts.depth)
        deep_time, _ = _run(["--bam", str(deep), "-o", str(tmp / "deep"), "--formats", "tsv"])
        # RUSAGE_CHILDREN keeps the largest child: measure the deep run in its own process
        rss = subprocess.run(
            [
                sys.executable,
                "-c",
                "import resource,subprocess,sys;"
                f"subprocess.run([sys.executable,'-m','alkannot','annotate','--bam',{str(deep)!r},"
                f"'-o',{str(tmp / 'deep2')!r},'--formats','tsv'],check=True,capture_output=True);"
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.strip()
    b, w = statistics.median(base), statistics.median(with_bam)
    lines = [
        "# Read evidence: added cost per sample",
        "",
        f"`benchmarks/reads.py --repeats {opts.repeats} --depth {opts.depth}` on "
        f"{os.cpu_count()} cores (median of {opts.repeats} runs, each a fresh process).",
        "",
        "| measurement | time |",
        "|---|---|",
        f"| `annotate` example VCF (P01) | {b:.2f} s |",
        f"| same with `--bam {panel.name}` | {w:.2f} s |",
        f"| **added by `--bam`** | **{w - b:.2f} s** (target: at most 1 s) |",
        f"| `annotate --bam` only, {opts.depth:,} fragments at ALK codon 1202 | {deep_time:.2f} s |",
        f"| peak memory (max RSS) of that run | {int(rss) / 1024:.0f} MB |",
        "",
    ]
    opts.results.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
