"""The run environment: output folders checked before work, all-or-nothing outputs under errors,
full disks and signals, concurrent runs, temporary files, batch isolation, memory on a huge header."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alkannot import api
from alkannot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
GOOD_VCF = ROOT / "resources" / "examples" / "GRCh38" / "P02.rebiopsy.vcf.gz"


def run(*args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def one_line_error(res: subprocess.CompletedProcess, word: str) -> None:
    assert res.returncode == 2, res.stderr
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and word in lines[0], res.stderr
    assert "Traceback" not in res.stderr


def test_an_impossible_output_folder_fails_before_any_work(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    one_line_error(run("annotate", str(GOOD_VCF), "-o", str(blocker / "out")), "is a file")
    one_line_error(run("annotate", str(GOOD_VCF), "-o", str(tmp_path / ("d" * 300))), "255 bytes")
    assert everything(tmp_path) == ["a_file"]


def test_an_unwritable_output_folder_fails_before_any_work():
    """Root may write anywhere, so under root the run is made as ``nobody`` (setpriv), in a
    folder outside pytest's private temporary tree."""
    import shutil
    import tempfile

    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            if os.environ.get("CI") == "true":
                pytest.fail("running as root without setpriv: cannot test as a non-root user")
            pytest.skip("root without setpriv")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    top = Path(tempfile.mkdtemp(prefix="alkannot-ro-"))
    try:
        top.chmod(0o755)
        ro = top / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        res = subprocess.run(
            [*prefix, sys.executable, "-m", "alkannot", "annotate", str(GOOD_VCF), "-o",
             str(ro / "out")],
            capture_output=True, text=True, timeout=120, cwd=top,
            env={**os.environ, "ALKANNOT_NO_CACHE": "1", "HOME": str(top)},
        )  # fmt: skip
        one_line_error(res, "no permission")
        assert everything(ro) == []
    finally:
        ro.chmod(0o755)
        shutil.rmtree(top)


def test_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    from alkannot.report import html

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    result = api.annotate_sample(GOOD_VCF)
    monkeypatch.setattr(html, "write_html", full)
    with pytest.raises(ConfigError, match=r"no space left on the device\); nothing was written"):
        api.write_sample_reports(result, tmp_path / "out")
    assert everything(tmp_path / "out") == []


def test_a_full_tmpfs_leaves_nothing(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:  # fmt: skip
        pytest.skip("cannot mount a small tmpfs here")
    try:
        res = run("annotate", str(GOOD_VCF), "-o", str(mnt / "out"))
        one_line_error(res, "no space left")
        assert everything(mnt / "out") == []
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _huge_header_vcf(path: Path, lines: int) -> None:
    with open(path, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n")
        fh.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n')
        fh.write('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n')
        fh.writelines(
            f"##note_{i}=a pipeline's free-text header line number {i}\n" for i in range(lines)
        )
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n")
        fh.write("chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:AD\t0/1:80,20\n")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_leaves_no_reports_and_no_temporary_files(tmp_path, sig):
    vcf = tmp_path / "slow.vcf"
    _huge_header_vcf(vcf, 600_000)  # a few seconds of work
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "alkannot", "annotate", str(vcf), "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    deadline = time.monotonic() + 60
    while not list(tmp.glob("alkannot-*.vcf")) and time.monotonic() < deadline:
        time.sleep(0.02)  # wait until the work has begun: the trimmed header copy exists
    assert proc.poll() is None, "finished before the signal"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert everything(out) == []
    assert everything(tmp) == []


def test_two_runs_into_one_folder_both_complete(tmp_path):
    out = tmp_path / "out"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alkannot",
                "annotate",
                str(GOOD_VCF),
                "-o",
                str(out),
                "--formats",
                "tsv,json,html",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    names = everything(out)
    assert not [n for n in names if n.startswith(".")]
    assert json.loads((out / "P02_T.json").read_text())["sample"] == "P02_T"
    assert names == sorted(
        f"P02_T.{x}" for x in ("findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html")
    )


def test_no_htslib_log_or_other_temporary_file_is_left(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    plain = tmp_path / "unindexed.vcf"
    plain.write_bytes(__import__("gzip").decompress(GOOD_VCF.read_bytes()))
    res = run("annotate", str(plain), "-o", str(tmp_path / "out"), "--formats", "json",
              env={"TMPDIR": str(tmp)})  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert everything(tmp) == []
    warnings = json.loads((tmp_path / "out" / "P02_T.json").read_text())["warnings"]
    assert not [w for w in warnings if "htslib" in w or "index" in w]


def test_batch_goes_on_after_an_unexpected_exception(tmp_path, monkeypatch):
    from alkannot.batch import run_batch

    sheet = tmp_path / "samples.tsv"
    other = tmp_path / "B.vcf.gz"  # a VCF belongs to one sheet row
    other.write_bytes(GOOD_VCF.read_bytes())
    sheet.write_text(f"sample\tvcf\tvcf_sample\nA\t{GOOD_VCF}\tP02_T\nB\t{other}\tP02_T\n")
    real = api.annotate_sample

    def flaky(request):
        if request.sample_name == "A":
            raise RuntimeError("a bug\nover two lines")
        return real(request)

    monkeypatch.setattr(api, "annotate_sample", flaky)
    failed = run_batch(sheet, tmp_path / "out", formats=("json",))
    assert [s for s, _ in failed] == ["A"]
    assert "internal error (RuntimeError: a bug over two lines)" in failed[0][1]
    # the error record (or the report), the sample's log and the run record the workflow plans
    # reruns from
    assert everything(tmp_path / "out" / "A") == ["A.error.txt", "A.log", "A.run.json"]
    assert everything(tmp_path / "out" / "B") == ["B.json", "B.log", "B.run.json"]
    assert "a bug over two lines" in (tmp_path / "out" / "A" / "A.log").read_text()


#: runs one command as its only child and prints that child's peak resident set (kB), so the
#: peak is the run's own, not the largest of every process pytest started before
_PEAK = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def test_a_million_line_header_stays_within_150_mb(tmp_path):
    vcf = tmp_path / "huge_header.vcf"
    _huge_header_vcf(vcf, 1_000_000)
    cmd = [sys.executable, "-m", "alkannot", "annotate", str(vcf), "-o", str(tmp_path / "out")]
    res = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd, "--formats", "json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    code, peak_kb = map(int, res.stdout.split()[-2:])
    assert code == 0, res.stderr
    # a Python process with alkannot loaded takes tens of MB: a smaller figure measured nothing
    assert 20 * 1024 < peak_kb < 150 * 1024, f"{peak_kb} kB"
    warnings = json.loads((tmp_path / "out" / "TUMOR.json").read_text())["warnings"]
    assert any("1000000 header line(s)" in w for w in warnings)


@pytest.mark.parametrize("command", ["batch", "cohort"])
def test_batch_and_cohort_check_the_output_folder_first(tmp_path, command):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\nA\t{GOOD_VCF}\n")
    first = str(sheet) if command == "batch" else str(tmp_path / "missing.json")
    one_line_error(run(command, first, "-o", str(blocker / "out")), "is a file")
