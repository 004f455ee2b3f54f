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


def timed(
    cmd: list[str] | str,
    repeats: int,
    shell: bool = False,
    cwd: Path = ROOT,
    env: dict | None = None,
) -> dict:
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
        res = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True, env=env)
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


def snakemake_cmd(panel: Path, results: Path, *extra: str) -> list[str]:
    """The workflow on a sample sheet, without the cohort page (the CLI loop writes none)."""
    return [
        PY,
        "-m",
        "snakemake",
        *extra,
        "--config",
        f"samples={panel}",
        f"results={results}",
        "cohort=False",
        "-q",
    ]


def start_slurm(tmp: Path) -> tuple[Path | None, str]:
    """Start the single-node test cluster (tests/slurm/start_slurm.sh); (its dir, note)."""
    needed = ("slurmctld", "slurmd", "munged", "sbatch")
    missing = [c for c in needed if not shutil.which(c) and not Path(f"/usr/sbin/{c}").exists()]
    if missing or os.geteuid() != 0:
        return None, f"not measured: SLURM missing {missing} or not root"
    d = tmp / "slurm"
    env = dict(os.environ, PATH=f"/usr/sbin:{os.environ['PATH']}")
    res = subprocess.run(
        [str(ROOT / "tests" / "slurm" / "start_slurm.sh"), str(d)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if res.returncode != 0:
        stop_slurm(d)
        return None, f"not measured: the test cluster did not start ({res.stderr.strip()[-200:]})"
    cpus = subprocess.run(
        [str(d / "bin" / "sinfo"), "-h", "-o", "%c"], capture_output=True, text=True
    ).stdout.split()
    return (
        d,
        f"single-node test cluster (tests/slurm/start_slurm.sh), {cpus[0] if cpus else '?'} CPUs",
    )


def stop_slurm(d: Path) -> None:
    subprocess.run([str(ROOT / "tests" / "slurm" / "stop_slurm.sh"), str(d)], timeout=120)


def batch_measurements(panel: Path, tmp: Path, slurm: bool) -> dict:
    """The batch targets: Snakemake locally vs an xargs -P 2 loop, and SLURM vs local."""
    n = len(panel.read_text().splitlines()) - 1
    xargs_cmd = (
        f"cut -f1,2 {panel} | tail -n +2 | xargs -P 2 -n 2 sh -c "
        f'\'{PY} -m alkannot annotate "$1" --sample-name "$0" -o {tmp}/xargs/"$0"\''
    )
    r_xargs = timed(xargs_cmd, 1, shell=True)
    shutil.rmtree(tmp / "wf", ignore_errors=True)
    r_wf = timed(snakemake_cmd(panel, tmp / "wf", "--cores", "2"), 1)
    rows = [
        (
            f"{n}-sample batch: Snakemake workflow (2 cores) vs xargs -P 2 of alkannot annotate",
            r_wf,
            r_xargs,
            0.25,
        )
    ]
    note = "not measured (--no-slurm)"
    if slurm:
        d, note = start_slurm(tmp)
        if d is not None:
            try:
                # the same profile as a real cluster, polled every 2 s instead of the plugin's
                # default (a minute), with one job slot per CPU of the test node
                flags = [
                    "--profile",
                    "workflow/profiles/slurm",
                    "--slurm-no-account",
                    "--slurm-init-seconds-before-status-checks",
                    "1",
                    "--seconds-between-status-checks",
                    "2",
                    "--jobs",
                    "2",
                ]
                env = dict(
                    os.environ,
                    PATH=f"{d / 'bin'}:{os.environ['PATH']}",
                    SLURM_CONF=str(d / "slurm.conf"),
                )
                r_slurm = timed(snakemake_cmd(panel, tmp / "slurm-wf", *flags), 1, env=env)
            finally:
                stop_slurm(d)
            rows.append(
                (
                    f"{n}-sample batch: Snakemake through the SLURM profile vs locally",
                    r_slurm,
                    r_wf,
                    2.0,
                )
            )
    return {"rows": rows, "slurm_note": note, "workflow": r_wf}


def chunk_cost(panel: Path, tmp: Path, r_large: dict, large: Path, batch: dict) -> dict:
    """Measured cost of a chunk job: start-up, per sample, per input MB, peak memory."""
    one = tmp / "one.tsv"
    one.write_text("\n".join(panel.read_text().splitlines()[:2]) + "\n")
    r_one = timed([*ALKANNOT, "batch", str(one), "-o", str(tmp / "cost1")], 3)
    r_all = timed([*ALKANNOT, "batch", str(panel), "-o", str(tmp / "costn")], 1)
    n = len(panel.read_text().splitlines()) - 1
    if not (r_one.get("ok") and r_all.get("ok") and r_large.get("ok")):
        raise SystemExit("benchmark: the chunk cost could not be measured")
    per_sample = max(0.0, (r_all["median"] - r_one["median"]) / max(1, n - 1))
    startup = max(0.0, r_one["median"] - per_sample)
    size_mb = large.stat().st_size / 1e6
    per_mb = max(0.0, (r_large["median"] - startup - per_sample) / size_mb)
    peak = max(r.get("peak_mb") or 0 for r in (r_one, r_all, r_large))
    return {
        "startup_seconds": round(startup, 3),
        "seconds_per_sample": round(per_sample, 4),
        "seconds_per_mb": round(per_mb, 4),
        "peak_mb": int(round(peak)),
        "margin": 3,
    }


def yaml_text(cost: dict) -> str:
    return "".join(f"{k}: {v}\n" for k, v in cost.items())


def write_cost(path: Path, cost: dict) -> None:
    """Write the measured chunk cost the workflow reads (workflow/resources.yaml)."""
    path.write_text(
        "# Measured cost of annotating, written by benchmarks/run.py (make bench); see\n"
        "# benchmarks/RESULTS.md. The workflow derives each chunk job's runtime and memory from it:\n"
        "# margin x (startup + samples x seconds_per_sample + input MB x seconds_per_mb), and\n"
        "# margin x peak_mb per worker process. seconds_per_mb comes from a large unindexed VCF.\n"
        + yaml_text(cost)
    )


def run(
    data: Path, repeats: int, small: bool, slurm: bool = True, resources_out: Path | None = None
) -> str:
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
    batch = batch_measurements(panel, tmp, slurm)
    cost = chunk_cost(panel, tmp, r_alk_noidx, noidx, batch)
    if resources_out is not None:
        write_cost(resources_out, cost)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores. Inputs: `benchmarks/generate.py` ({'smoke size' if small else 'full size'}).",
        "Times are wall-clock medians (min-max) of repeated runs; peak memory from `/usr/bin/time -v`.",
        "",
        "| measurement | alkannot | reference | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, a, b, target in [*rows, *batch["rows"]]:
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
        f"SLURM: {batch['slurm_note']}",
        "",
        "## Cost of one chunk job (workflow/resources.yaml: runtime and memory requests)",
        "",
        "Measured here; a chunk job asks for `margin` x (start-up + samples x per-sample time"
        " + input MB x per-MB time) and `margin` x the peak memory per worker process.",
        "",
        "```",
        yaml_text(cost).rstrip(),
        "```",
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
    parser.add_argument(
        "--resources",
        type=Path,
        default=ROOT / "workflow" / "resources.yaml",
        help="where the measured chunk cost goes (the workflow's resource requests)",
    )
    parser.add_argument("--no-slurm", action="store_true", help="skip the SLURM measurement")
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
    text = run(
        args.data,
        args.repeats,
        small=args.records < 5_000_000,
        slurm=not args.no_slurm,
        resources_out=args.resources,
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
