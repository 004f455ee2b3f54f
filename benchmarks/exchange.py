"""Added cost of the exchange formats (``--formats ...,va,fhir``) per sample, and of VRS ids.

As a user runs it: fresh ``python -m alkannot`` processes, the default formats against the same
with ``va`` and ``fhir`` added, in paired runs (alternating, so machine load hits both alike);
medians of ``--repeats`` pairs, wall and CPU time (user + system of the child). Once for one
sample (``annotate`` P01) and once for the bundled batch of 7 samples (``batch``), per sample.
Also: whether ``alkannot --help`` imports any exchange module, and the time of the VRS ids that
every run computes. Results go to ``benchmarks/EXCHANGE.md``.

    .venv/bin/python benchmarks/exchange.py [--repeats 7] [--results FILE]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EX = ROOT / "resources" / "examples"
DEFAULT = "tsv,json,html,xlsx"
ANNOTATE = [
    "annotate",
    str(EX / "GRCh38" / "P01.rebiopsy.vcf.gz"),
    "--sample-name",
    "P01",
    "--cnv",
    str(EX / "GRCh38" / "P01.cns"),
    "--fusions",
    str(EX / "GRCh38" / "P01.fusions.tsv"),
    "--prior-therapy",
    "crizotinib",
]


def _run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "alkannot", *args], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(f"alkannot failed: {res.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _paired(make_args, repeats: int) -> dict[str, float]:
    """Medians of the default and the exchange runs, alternating."""
    runs: dict[str, list[tuple[float, float]]] = {"default": [], "exchange": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            for kind, fmt in (("default", DEFAULT), ("exchange", DEFAULT + ",va,fhir")):
                runs[kind].append(_run(make_args(Path(tmp) / f"{kind}{i}", fmt)))
    out = {}
    for kind, xs in runs.items():
        out[f"{kind}_wall"] = statistics.median(x[0] for x in xs)
        out[f"{kind}_cpu"] = statistics.median(x[1] for x in xs)
    return out


def _help_imports() -> list[str]:
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "alkannot", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return sorted({ln.split("|")[-1].strip() for ln in res.stderr.splitlines() if "exchange" in ln})


def _vrs_ms() -> float:
    import json

    from alkannot.exchange.vrs import add_vrs_ids
    from alkannot.io.results import result_from_dict

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "alkannot", *ANNOTATE, "-o", tmp, "--formats", "json"],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        result = result_from_dict(json.loads((Path(tmp) / "P01.json").read_text()))
    t0 = time.perf_counter()
    for _ in range(100):
        add_vrs_ids(result.findings, result.build, None, result.copy_number)
    return (time.perf_counter() - t0) * 10  # ms per call


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--results", default=str(ROOT / "benchmarks" / "EXCHANGE.md"))
    a = ap.parse_args()
    one = _paired(lambda out, fmt: [*ANNOTATE, "-o", str(out), "--formats", fmt], a.repeats)
    sheet = str(EX / "samples.tsv")
    batch = _paired(lambda out, fmt: ["batch", sheet, "-o", str(out), "--formats", fmt], a.repeats)
    n = 7  # rows of resources/examples/samples.tsv
    added = {k: one[f"exchange_{k}"] - one[f"default_{k}"] for k in ("wall", "cpu")}
    per = {k: (batch[f"exchange_{k}"] - batch[f"default_{k}"]) / n for k in ("wall", "cpu")}
    lines = [
        "# Exchange formats: added cost per sample",
        "",
        f"`benchmarks/exchange.py --repeats {a.repeats}` (paired runs, medians; fresh processes; "
        f"load average at the end {Path('/proc/loadavg').read_text().split()[0]}).",
        "",
        "| measurement | default formats | + va,fhir | added per sample | target |",
        "|---|---|---|---|---|",
        f"| `annotate` P01, wall | {one['default_wall']:.2f} s | {one['exchange_wall']:.2f} s "
        f"| {added['wall']:.2f} s | 0.3 s |",
        f"| `annotate` P01, CPU | {one['default_cpu']:.2f} s | {one['exchange_cpu']:.2f} s "
        f"| {added['cpu']:.2f} s | 0.3 s |",
        f"| `batch` of {n} examples, wall | {batch['default_wall']:.2f} s "
        f"| {batch['exchange_wall']:.2f} s | {per['wall']:.3f} s | 0.3 s |",
        f"| `batch` of {n} examples, CPU | {batch['default_cpu']:.2f} s "
        f"| {batch['exchange_cpu']:.2f} s | {per['cpu']:.3f} s | 0.3 s |",
        "",
        f"- `alkannot --help` imports exchange modules: {', '.join(_help_imports()) or 'none'}.",
        f"- VRS ids (every run, all formats): {_vrs_ms():.2f} ms for P01's findings.",
        "",
    ]
    Path(a.results).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
