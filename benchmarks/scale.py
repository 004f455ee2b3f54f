#!/usr/bin/env python3
"""Ten thousand samples through the workflow (``make bench-scale``), against one in-process batch.

Generates ``--samples`` small panel VCFs (``benchmarks/generate.py``'s panel, ``--records`` lines
each) with one planted corrupt sample, then measures on the same cores, one run each, back to back:

1. ``alkannot batch SHEET --jobs CORES`` (one process, workers): the in-process reference;
2. the Snakemake workflow locally, ``--cores CORES``, ``chunk_size`` set so the batch is at most
   ``--max-jobs`` chunk jobs;
3. the same through the SLURM profile on the single-node test cluster (``--no-slurm`` skips it).

Then the planted sample is fixed and a dry-run must plan exactly that sample (and the cohort).
Targets (issue 28): at most 25 jobs, workflow wall time within 1.2x of the batch, the bad sample
isolated and the only one rerun. Writes the figures into ``benchmarks/RESULTS.md`` between the
``scale`` markers and prints them.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_panel  # noqa: E402
from run import PY, ROOT, _start_slurm, _stop_slurm, run_once  # noqa: E402

START, END = "<!-- scale:start -->", "<!-- scale:end -->"


def _panel(tmp: Path, n: int, records: int) -> tuple[Path, str]:
    """The sheet of ``n`` samples; the middle one is replaced by a file that is not a VCF."""
    write_panel(tmp / "panel", n, records=records)
    sheet = tmp / "panel" / "samples.tsv"
    lines = sheet.read_text().splitlines()
    bad = lines[1 + n // 2].split("\t")
    Path(bad[1]).write_text("this is not a VCF\n")
    return sheet, bad[0]


def _workflow(sheet: Path, out: Path, chunk: int, *extra: str, env=None) -> dict:
    cmd = [PY, "-m", "snakemake", *extra, "--config", f"samples={sheet}", f"results={out}"]
    cmd += [f"chunk_size={chunk}", "cohort=False", "fail_on_sample_error=False", "-q"]
    return run_once(cmd, env=env)


def _jobs(out: Path) -> int:
    return len(list((out / "logs" / "annotate").glob("*.log")))


def _replan(sheet: Path, out: Path, chunk: int, bad: str) -> list[str]:
    """Fix the planted sample, dry-run: the sample directories planned."""
    row = next(x for x in sheet.read_text().splitlines() if x.startswith(f"{bad}\t"))
    good = next(x for x in sheet.read_text().splitlines()[1:] if not x.startswith(f"{bad}\t"))
    shutil.copy(good.split("\t")[1], row.split("\t")[1])
    cmd = [PY, "-m", "snakemake", "-n", "--cores", "2", "--config", f"samples={sheet}"]
    cmd += [f"results={out}", f"chunk_size={chunk}", "cohort=False"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    planned = re.findall(r"output: (.+)", res.stdout + res.stderr)
    # sample directories only (the closing summary and the versions table are files)
    names = {Path(p).name for line in planned for p in line.split(", ") if "/logs/" not in p}
    return sorted(n for n in names if "." not in n)


def measure(n: int, records: int, cores: int, max_jobs: int, slurm: bool) -> list[str]:
    """Every measurement; returns the Markdown lines of the results section."""
    tmp = Path(tempfile.mkdtemp(prefix="alkannot-scale-"))
    try:
        sheet, bad = _panel(tmp, n, records)
        chunk = math.ceil(n / max_jobs)
        load = os.getloadavg()[0]
        batch = run_once(
            [PY, "-m", "alkannot", "batch", str(sheet), "-o", str(tmp / "batch")]
            + ["--jobs", str(cores), "--failures-ok"]
        )
        local = _workflow(sheet, tmp / "wf", chunk, "--cores", str(cores))
        lines = [
            f"{n} panel samples ({records} records each, one planted corrupt sample), {cores} cores,"
            f" chunk_size {chunk}; load average at start {load:.1f}; one run each.",
            "",
            "| run | wall s | CPU s | peak MB | jobs | target | met |",
            "|---|---|---|---|---|---|---|",
            _row("`alkannot batch --jobs` (in-process)", batch, "-", "reference", ""),
        ]
        ratio = local["wall"] / batch["wall"] if local.get("ok") and batch.get("ok") else None
        met = "" if ratio is None else ("yes" if ratio <= 1.2 and _jobs(tmp / "wf") <= 25 else "no")
        lines.append(
            _row("Snakemake, local", local, _jobs(tmp / "wf"), "<= 1.2x batch, <= 25 jobs", met)
        )
        if ratio is not None:
            lines += ["", f"Workflow / batch wall time: {ratio:.2f}x."]
        if slurm:
            lines += _slurm(tmp, sheet, chunk, batch)
        replanned = _replan(sheet, tmp / "wf", chunk, bad)
        ok = "yes" if replanned == [bad] else "no"
        lines += [
            "",
            f"Planted bad sample {bad}: after its fix the dry-run plans {replanned} ({ok}).",
        ]
        return lines
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _slurm(tmp: Path, sheet: Path, chunk: int, batch: dict) -> list[str]:
    d, note = _start_slurm(tmp)
    if d is None:
        return ["", f"SLURM: {note}"]
    env = dict(os.environ, SLURM_CONF=str(d / "slurm.conf"))
    env["PATH"] = f"{d / 'bin'}:{os.environ['PATH']}"
    flags = ["--profile", "profiles/slurm", "--slurm-no-account", "--jobs", "2"]
    flags += ["--slurm-init-seconds-before-status-checks", "1"]
    flags += ["--seconds-between-status-checks", "2"]
    try:
        res = _workflow(sheet, tmp / "slurm", chunk, *flags, env=env)
    finally:
        _stop_slurm(d)
    ratio = res["wall"] / batch["wall"] if res.get("ok") and batch.get("ok") else None
    met = "" if ratio is None else ("yes" if ratio <= 1.2 else "no")
    jobs = _jobs(tmp / "slurm")
    line = _row("Snakemake, SLURM profile", res, jobs, "<= 1.2x batch, <= 25 jobs", met)
    tail = [] if ratio is None else [f"SLURM / batch wall time: {ratio:.2f}x ({note})."]
    return [line, "", *tail]


def _row(name: str, r: dict, jobs, target: str, met: str) -> str:
    if not r.get("ok"):
        return f"| {name} | failed: {r.get('error', '?')} | | | {jobs} | {target} | no |"
    return (
        f"| {name} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['peak']:.0f} | {jobs} | {target} "
        f"| {met} |"
    )


def write_results(lines: list[str], results: Path) -> None:
    """Replace the scale section of RESULTS.md (appended the first time)."""
    text = results.read_text() if results.exists() else ""
    block = "\n".join([START, "## Ten thousand samples (benchmarks/scale.py)", "", *lines, END])
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--max-jobs", type=int, default=25)
    parser.add_argument("--no-slurm", action="store_true")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    lines = measure(args.samples, args.records, args.cores, args.max_jobs, not args.no_slurm)
    print("\n".join(lines))
    if args.results:
        write_results(lines, args.results)


if __name__ == "__main__":
    main()
