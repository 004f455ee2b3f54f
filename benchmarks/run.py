#!/usr/bin/env python3
"""Benchmark runner (``make bench``): alkannot against htslib's bcftools, side by side.

Regenerates the inputs if missing (``benchmarks/generate.py``), runs every measurement several
times, reports the median and the spread, takes peak memory from ``/usr/bin/time -v``, writes
``benchmarks/RESULTS.md`` and prints the table. A step that fails is reported as failed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ALKANNOT = [PY, "-m", "alkannot"]


def timed(cmd: list[str] | str, repeats: int, shell: bool = False, cwd: Path = ROOT) -> dict:
    """Run a command ``repeats`` times; median/min/max seconds and the peak RSS (MB) of the last run."""
    times = []
    peak = None
    for _ in range(repeats):
        wrapped = (
            ["/usr/bin/time", "-v", *cmd]
            if not shell
            else ["/usr/bin/time", "-v", "bash", "-c", cmd]
        )
        t0 = time.perf_counter()
        res = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if res.returncode != 0:
            return {"ok": False, "error": (res.stderr.strip().splitlines() or ["?"])[-1][:200]}
        for line in res.stderr.splitlines():
            if "Maximum resident set size" in line:
                peak = int(line.split()[-1]) / 1024
    return {
        "ok": True,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "peak_mb": peak,
        "n": repeats,
    }


def fmt(r: dict) -> str:
    if not r.get("ok"):
        return f"failed: {r.get('error', '')}"
    return f"{r['median']:.3f} s ({r['min']:.3f}-{r['max']:.3f}, n={r['n']})"


def ratio(a: dict, b: dict) -> float | None:
    if a.get("ok") and b.get("ok") and b["median"] > 0:
        return a["median"] / b["median"]
    return None


def profile_annotate(vcf: Path) -> str:
    """cProfile summary of one annotate run (top functions by cumulative time)."""
    from alkannot.api import annotate_sample, write_sample_reports

    prof = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        prof.enable()
        write_sample_reports(annotate_sample(str(vcf)), tmp)
        prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(14)
    lines = [x for x in out.getvalue().splitlines() if x.strip()]
    start = next((i for i, x in enumerate(lines) if "ncalls" in x), 0)
    return "\n".join(lines[start : start + 16])


def run(data: Path, repeats: int, small: bool) -> str:
    wgs, noidx, bed = data / "wgs.vcf.gz", data / "wgs_noindex.vcf.gz", data / "targets.bed"
    tmp = Path(tempfile.mkdtemp(prefix="alkannot-bench-"))
    rows = []
    r_bcf_R = timed(["bcftools", "view", "-H", "-R", str(bed), str(wgs)], repeats)
    r_alk_idx = timed([*ALKANNOT, "annotate", str(wgs), "-o", str(tmp / "idx")], repeats)
    rows.append(("indexed VCF: alkannot annotate vs bcftools view -H -R", r_alk_idx, r_bcf_R, 3.0))
    r_bcf_T = timed(["bcftools", "view", "-H", "-T", str(bed), str(noidx)], repeats)
    r_alk_noidx = timed([*ALKANNOT, "annotate", str(noidx), "-o", str(tmp / "noidx")], repeats)
    rows.append(
        (
            "unindexed bgzipped VCF: alkannot annotate vs bcftools view -H -T",
            r_alk_noidx,
            r_bcf_T,
            0.25,
        )
    )
    r_help = timed([*ALKANNOT, "--help"], max(repeats, 5))
    example = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"
    r_example = timed([*ALKANNOT, "annotate", str(example), "-o", str(tmp / "ex")], max(repeats, 5))
    panel = data / "panel" / "samples.tsv"
    sheet_rows = [x.split("\t") for x in panel.read_text().splitlines()[1:]]
    xargs_cmd = (
        f"cut -f1,2 {panel} | tail -n +2 | xargs -P 2 -n 2 sh -c "
        f'\'{PY} -m alkannot annotate "$1" --sample-name "$0" -o {tmp}/xargs/"$0"\''
    )
    r_xargs = timed(xargs_cmd, 1, shell=True)
    shutil.rmtree(tmp / "wf", ignore_errors=True)
    r_wf = timed(
        [
            PY,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--config",
            f"samples={panel}",
            f"results={tmp}/wf",
            "cohort=False",
            "-q",
        ],
        1,
    )
    rows_wf = (
        f"{len(sheet_rows)}-sample batch: Snakemake workflow vs xargs -P 2 of the CLI",
        r_wf,
        r_xargs,
        1.0,
    )
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores. Inputs: `benchmarks/generate.py` ({'smoke size' if small else 'full size'}).",
        "Times are wall-clock medians (min-max) of repeated runs; peak memory from `/usr/bin/time -v`.",
        "",
        "| measurement | alkannot | reference | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, a, b, target in [*rows, rows_wf]:
        rt = ratio(a, b)
        met = "yes" if rt is not None and rt <= target else ("no" if rt is not None else "n/a")
        lines.append(
            f"| {name} | {fmt(a)} | {fmt(b)} | {rt:.2f}x |"
            if rt is not None
            else f"| {name} | {fmt(a)} | {fmt(b)} | n/a |"
        )
        lines[-1] += f" <= {target}x | {met} |"
    peak = max((r.get("peak_mb") or 0) for r in (r_alk_idx, r_alk_noidx))
    lines.append(
        f"| peak memory, annotate on the large VCF (indexed / unindexed) | {r_alk_idx.get('peak_mb') or 0:.0f} / {r_alk_noidx.get('peak_mb') or 0:.0f} MB | | | <= 150 MB | {'yes' if 0 < peak <= 150 else 'no'} |"
    )
    lines.append(
        f"| alkannot --help | {fmt(r_help)} | | | <= 0.2 s | {'yes' if r_help.get('ok') and r_help['median'] <= 0.2 else 'no'} |"
    )
    lines.append(
        f"| alkannot annotate, bundled example (all reports) | {fmt(r_example)} | | | <= 0.5 s | {'yes' if r_example.get('ok') and r_example['median'] <= 0.5 else 'no'} |"
    )
    lines += [
        "",
        "## Where the time goes (cProfile, annotate on the unindexed VCF)",
        "",
        "```",
        profile_annotate(noidx),
        "```",
        "",
        "## Where the time goes (indexed VCF)",
        "",
        "```",
        profile_annotate(wgs),
        "```",
        "",
    ]
    shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    subprocess.run(
        [
            PY,
            str(ROOT / "benchmarks" / "generate.py"),
            "--records",
            str(args.records),
            "--samples",
            str(args.samples),
            "--out",
            str(args.data),
        ],
        check=True,
    )
    text = run(args.data, args.repeats, small=args.records < 5_000_000)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
