"""Benchmark of ``alkannot reannotate`` (issue 27): 1,000 archived results, a changed catalogue.

1. The bundled examples (7 samples) are annotated from their raw inputs with the bundled
   catalogue under 4 treatment histories each (28 distinct results).
2. 1,000 archived results are cloned from them (sample ``S0000``... takes combination i mod 28)
   and written as ``{sample}/{sample}.json`` the way ``alkannot annotate`` writes them.
3. The changed catalogue: the bundled one with the test release ``tests/fixtures/civic/01-Sep-2024``
   applied (``catalogue import-civic --apply``) and one hypothetical edit (ALK G1202R /
   lorlatinib items turned into resistance statements; a benchmark input, not a clinical fact).
4. Expected: each of the 28 combinations annotated again **from the raw inputs** with the changed
   catalogue; a clone's answer changed when its drug calls or ranked options differ.
5. Timed: ``alkannot reannotate ALL --catalogue NEW -o OUT --jobs 2`` (reports: tsv, json, html);
   its ``reannotation.tsv`` must list exactly the expected samples.

Usage: ``python benchmarks/reannotate.py [--samples 1000] [--jobs 2] [--work DIR]``; prints one
line and exits non-zero when the sets differ.
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HISTORIES = ((), ("crizotinib",), ("alectinib",), ("crizotinib", "alectinib"))


def _answer(result) -> tuple:
    calls = tuple((d.drug, d.call) for d in result.drugs)
    ranked = tuple(
        d.drug for d in sorted((d for d in result.drugs if d.rank), key=lambda d: d.rank)
    )
    return calls, ranked


def _fresh(catalogue: str | None) -> list:
    from alkannot.api import annotate_sample
    from alkannot.io.samplesheet import read_samplesheet
    from alkannot.request import ClinicalContext

    out = []
    for row in read_samplesheet(ROOT / "resources/examples/samples.tsv", base=ROOT):
        req = row.request()
        for hist in HISTORIES:
            ctx = ClinicalContext(prior_therapy=hist, cns_metastases=req.context.cns_metastases)
            opts = replace(req.options, catalogue=catalogue)
            out.append(annotate_sample(replace(req, context=ctx, options=opts)))
    return out


def _changed_catalogue(work: Path) -> str:
    new = work / "catalogue-new.yaml"
    subprocess.run(
        [sys.executable, "-m", "alkannot", "catalogue", "import-civic",
         str(ROOT / "tests/fixtures/civic/01-Sep-2024"), "-o", str(work / "proposal"),
         "--apply", str(new), "--by", "benchmark", "--date", "2026-12-06"],
        check=True, capture_output=True,
    )  # fmt: skip
    data = yaml.safe_load(new.read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["id"] == "ALK_G1202R")
    de = entry["drugs"]["lorlatinib"]
    de["call"], de["conflicting"] = "resistant", False
    for ev in de["evidence"]:
        ev["call"] = "resistant"
    new.write_text(yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")
    return str(new)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", default=None)
    ap.add_argument("--formats", default="tsv,json,html")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from alkannot.report.json import write_json

    work = Path(args.work or tempfile.mkdtemp(prefix="reannotate-bench-"))
    archive = work / "archive"
    base = _fresh(None)
    new_cat = _changed_catalogue(work)
    after = _fresh(new_cat)
    expected = set()
    for i in range(args.samples):
        sample = f"S{i:04d}"
        k = i % len(base)
        clone = replace(
            copy.copy(base[k]), sample=sample, metadata=replace(base[k].metadata, sample=sample)
        )
        (archive / sample).mkdir(parents=True, exist_ok=True)
        write_json(clone, archive / sample / f"{sample}.json")
        if _answer(base[k]) != _answer(after[k]):
            expected.add(sample)
    out = work / "reannotated"
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "alkannot", "reannotate", *sorted(map(str, archive.iterdir())),
         "--catalogue", new_cat, "-o", str(out), "--jobs", str(args.jobs), "--formats", args.formats],
        check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    with (out / "reannotation.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    found = {r["sample"] for r in rows if r["calls_changed"] or r["ranked_old"] != r["ranked_new"]}
    ok = found == expected
    print(
        f"reannotate: {args.samples} results, {args.jobs} jobs, {args.formats}: {seconds:.1f} s "
        f"(CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}); "
        f"{len(found)} changed found, {len(expected)} expected from fresh annotation: "
        f"{'exact' if ok else 'MISMATCH'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
