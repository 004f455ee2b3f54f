"""A report folder is one run's set: lock, whole-set replacement, killed runs, Ctrl-C in a batch.

Expected outcomes are the README's folder rule ("Outputs"): one run owns the folder, a finished
set replaces the previous set whole, a killed run's staging folder is finished or removed by the
next run, and Ctrl-C in a batch ends with the partial summary and no traceback.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
P02 = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"  # tumour column P02_T


def _annotate(out: Path, *args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "alkannot", "annotate", str(P02), "-o", str(out), *args]
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kw
    )


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_rerun_with_fewer_formats_replaces_the_whole_set(tmp_path):
    out = tmp_path / "out"
    assert _annotate(out).wait(120) == 0
    assert "P02_T.html" in _names(out)
    p = _annotate(out, "--formats", "tsv")
    assert p.wait(120) == 0, p.stderr.read()
    # the earlier HTML/JSON/XLSX would show the earlier run's findings beside the new TSVs
    assert _names(out) == ["P02_T.drugs.tsv", "P02_T.findings.tsv", "P02_T.skipped.tsv"]


def _hold(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_second_run_waits_for_the_folder_then_writes(tmp_path):
    out = tmp_path / "out"
    fd = _hold(out)  # another run owns the folder
    p = _annotate(out, "--formats", "json")
    time.sleep(3)
    assert p.poll() is None and _names(out) == []  # waiting, nothing written
    os.close(fd)  # the other run ends
    assert p.wait(120) == 0, p.stderr.read()
    assert _names(out) == ["P02_T.json"]


def test_a_folder_kept_past_the_timeout_is_one_line(tmp_path):
    out = tmp_path / "out"
    fd = _hold(out)
    try:
        p = _annotate(out, "--formats", "json", env={**os.environ, "ALKANNOT_LOCK_TIMEOUT": "0"})
        assert p.wait(120) == 2
        err = p.stderr.read()
        assert len(err.strip().splitlines()) == 1 and "another alkannot run" in err
        assert _names(out) == []
    finally:
        os.close(fd)


def test_staging_folders_of_killed_runs_are_removed(tmp_path):
    out = tmp_path / "out"
    stale = out / ".alkannot-staging-killed"
    stale.mkdir(parents=True)
    (stale / "P09.findings.tsv").write_text("patient data of a killed run\n")
    assert _annotate(out, "--formats", "json").wait(120) == 0
    assert _names(out) == ["P02_T.json"]


KILL_DURING_MOVE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from alkannot.outdir import staged

    real, calls = os.replace, []

    def replace(a, b):
        real(a, b)
        calls.append(b)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # SIGKILL between two renames of the set

    os.replace = replace
    with staged(sys.argv[1], sample="S") as stage:
        for name in ("S.findings.tsv", "S.json"):
            (Path(stage) / name).write_text("new\\n")
    """
)


def test_a_run_killed_during_the_move_is_finished_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("S.findings.tsv", "S.json", "S.html"):  # an earlier run's set
        (out / name).write_text("old\n")
    res = subprocess.run([sys.executable, "-c", KILL_DURING_MOVE, str(out)], timeout=60)
    assert res.returncode == -signal.SIGKILL
    assert any(n.startswith(".alkannot-staging-") for n in _names(out))  # a mixed set, for now
    from alkannot.outdir import owned

    with owned(out):  # the next run into the folder
        pass
    assert _names(out) == ["S.findings.tsv", "S.json"]
    assert {(out / n).read_text() for n in _names(out)} == {"new\n"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_in_a_batch_is_quiet_with_the_partial_summary(tmp_path, jobs):
    rows = []
    for i in range(16):  # a VCF belongs to one row: copies
        vcf = tmp_path / f"S{i}.vcf.gz"
        vcf.write_bytes(P02.read_bytes())
        Path(f"{vcf}.tbi").write_bytes(Path(f"{P02}.tbi").read_bytes())
        rows.append(f"S{i}\t{vcf}\tP02_T")  # the row states P02's tumour column
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample\tvcf\tvcf_sample\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out"
    p = subprocess.Popen(
        [sys.executable, "-m", "alkannot", "batch", str(sheet), "-o", str(out), "-j", jobs,
         "--formats", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not list(out.glob("*/*.run.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, workers included
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1].startswith("alkannot: interrupted: ")
    assert "not run (" in err
    # every sample folder holds a whole result or nothing; no staging folder is left
    for folder in out.iterdir():
        names = _names(folder)
        assert names in ([], [f"{folder.name}.{x}" for x in ("json", "log", "run.json")]), names
    # the summary counts every sample: annotated + failed + not run = 16
    counts = re.search(
        r"interrupted: (\d+) sample\(s\) annotated, (\d+) failed, (\d+) not run", err
    )
    assert counts and sum(map(int, counts.groups())) == 16, err
    assert int(counts.group(1)) == sum(1 for f in out.iterdir() if any(f.iterdir())), err


def test_a_failed_run_leaves_no_folders_it_made(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a VCF\n")
    cmd = [sys.executable, "-m", "alkannot", "annotate", str(bad), "-o", str(tmp_path / "a/b/c")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a").exists()  # "no output": not even the empty folders
