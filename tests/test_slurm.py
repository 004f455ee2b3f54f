"""The example batch through a real single-node SLURM, started and stopped by the test itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "slurm"
NEEDED = ("slurmctld", "slurmd", "munged", "sbatch", "srun", "squeue")


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    missing = [c for c in NEEDED if shutil.which(c) is None and not Path(f"/usr/sbin/{c}").exists()]
    if missing or os.geteuid() != 0:
        reason = f"SLURM not available (missing {missing}, root={os.geteuid() == 0})"
        if os.environ.get("CI"):
            pytest.fail(reason + ": in CI the SLURM test must run (make test installs slurm-wlm)")
        pytest.skip(reason)
    d = tmp_path_factory.mktemp("slurm")
    env = dict(os.environ, PATH=f"/usr/sbin:{os.environ['PATH']}")
    try:
        subprocess.run(
            [str(SCRIPTS / "start_slurm.sh"), str(d)],
            check=True,
            env=env,
            timeout=120,
            capture_output=True,
            text=True,
        )
        yield d
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"SLURM did not start: {exc.stdout}\n{exc.stderr}")
    finally:
        subprocess.run([str(SCRIPTS / "stop_slurm.sh"), str(d)], timeout=60)
        pids = [line.split()[1] for line in (d / "pids").read_text().splitlines() if line.strip()]
        assert not [p for p in pids if Path(f"/proc/{p}").exists()], "a SLURM daemon survived"


SLURM_FAST = [
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "2",
]


def slurm_snakemake(slurm: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake with the workflow's SLURM profile against the test cluster."""
    env = dict(
        os.environ,
        PATH=f"{slurm / 'bin'}:{os.environ['PATH']}",
        SLURM_CONF=str(slurm / "slurm.conf"),
    )
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--profile", "profiles/slurm", *SLURM_FAST]
        + list(args),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slurm
def test_example_batch_with_a_corrupt_sample_runs_through_slurm(slurm, tmp_path):
    out = tmp_path / "results"
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a VCF\n")
    sheet = tmp_path / "samples.tsv"
    lines = (ROOT / "config" / "samples.tsv").read_text().splitlines()
    # the corrupt sample is second in the sheet: the second of two chunk jobs, with P02, P04, P06
    blanks = [""] * (len(lines[0].split("\t")) - 2)
    # the fix below gives BAD P01's VCF: its row states that P01's tumour column is BAD's
    lines = [lines[0] + "\tvcf_sample", *(x + "\t" for x in lines[1:])]
    lines.insert(2, "\t".join(["BAD", str(bad), *blanks, "P01_T"]))
    sheet.write_text("\n".join(lines) + "\n")
    res = slurm_snakemake(slurm, "--jobs", "2", "--config", f"samples={sheet}", f"results={out}")
    # a failed sample ends the run non-zero after everything else is written (README, Batches)
    assert res.returncode == 1, res.stderr[-4000:]
    assert "alkannot: 7 of 8 samples annotated; failed: BAD (" in res.stderr
    # the jobs really went through SLURM: the plugin reports the SLURM job ids it submitted
    # (two chunks, the cohort and the versions table)
    assert len(set(re.findall(r"SLURM jobid (\d+)", res.stdout + res.stderr))) == 4, res.stderr
    for sample in ("P01", "P02", "P03", "P04", "P05", "P06", "P07"):
        assert (out / sample / f"{sample}.html").is_file(), sample
    assert "no VCF header" in (out / "BAD" / "BAD.error.txt").read_text()
    failed = (out / "cohort" / "failed.tsv").read_text().splitlines()
    assert [x.split("\t")[0] for x in failed] == ["sample", "BAD"]
    # fixed input: the rerun plans that sample and the cohort, and runs through SLURM again
    bad.write_bytes((ROOT / "resources/examples/GRCh38/P01.rebiopsy.vcf.gz").read_bytes())
    dry = slurm_snakemake(
        slurm, "-n", "--jobs", "2", "--config", f"samples={sheet}", f"results={out}"
    )
    assert re.findall(r"output: (\S+)\n", dry.stdout + dry.stderr)[:1] == [str(out / "BAD")]
    assert "annotate_2_of_2" in dry.stdout and "annotate_1_of_2" not in dry.stdout
    res = slurm_snakemake(slurm, "--jobs", "2", "--config", f"samples={sheet}", f"results={out}")
    assert res.returncode == 0, res.stderr[-4000:]
    assert (out / "BAD" / "BAD.html").is_file()
    assert (out / "cohort" / "failed.tsv").read_text().splitlines() == ["sample\terror"]
