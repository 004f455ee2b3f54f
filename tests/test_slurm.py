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


@pytest.mark.slurm
def test_example_batch_runs_through_slurm(slurm, tmp_path):
    out = tmp_path / "results"
    env = dict(
        os.environ,
        PATH=f"{slurm / 'bin'}:{os.environ['PATH']}",
        SLURM_CONF=str(slurm / "slurm.conf"),
    )
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--profile",
            "workflow/profiles/slurm",
            "--config",
            f"results={out}",
            "--slurm-no-account",
            "--slurm-init-seconds-before-status-checks",
            "1",
            "--seconds-between-status-checks",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-4000:]
    for sample in ("P01", "P04", "P07"):
        assert (out / sample / f"{sample}.html").is_file()
    assert (out / "cohort" / "index.html").is_file()
    # the jobs really went through SLURM: the plugin reports the SLURM job ids it submitted to
    assert re.search(r"SLURM jobid \d+", res.stdout + res.stderr), res.stderr[-2000:]
