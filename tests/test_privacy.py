"""Privacy and the environment: the user's umask, no network from the PDF printer, no writes
outside the output folder, the cache folder and the temporary folder, one line when standard
output cannot be written, duplicate YAML keys refused (the README's privacy rule).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
P01 = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"


def _alkannot(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alkannot", *args],
        capture_output=True, text=True, timeout=180, env=env, **kw,
    )  # fmt: skip


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_reports_keep_the_users_umask(tmp_path, umask, mode):
    # POSIX open(2): a new file's mode is 0666 & ~umask
    res = subprocess.run(
        [sys.executable, "-c", f"import os, sys; os.umask({umask}); "
         "from alkannot.cli import main; sys.argv[1:] = sys.argv[1:]; main(sys.argv[1:])",
         "annotate", str(P01), "-o", str(tmp_path / "o"), "--formats", "tsv,json,html,xlsx"],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "o").iterdir()}
    assert modes and set(modes.values()) == {mode}, modes


def test_no_writes_outside_the_output_folder_with_an_empty_home(tmp_path):
    work, tmp, out = tmp_path / "work", tmp_path / "tmp dir", tmp_path / "out"
    work.mkdir()
    tmp.mkdir()
    root_cache_before = Path("/.cache").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALKANNOT_", "XDG_"))}
    env.update(HOME="", TMPDIR=str(tmp))
    res = _alkannot("annotate", str(P01), "-o", str(out), env=env, cwd=work)
    assert res.returncode == 0, res.stderr
    assert list(work.iterdir()) == [] and list(tmp.iterdir()) == []
    assert Path("/.cache").exists() == root_cache_before  # HOME= must not mean the root
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"P01_T.{s}" for s in ("findings.tsv", "drugs.tsv", "skipped.tsv", "json", "html", "xlsx")
    )


def test_a_full_disk_on_stdout_is_one_line(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        res = subprocess.run(
            [sys.executable, "-m", "alkannot", "catalogue", "list"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "alkannot: error: cannot write the output (No space left on device)"
    ]


def test_duplicate_yaml_keys_are_refused(tmp_path):
    # YAML 1.2 section 3.2.1.1: the keys of a mapping are unique; a second `calls:` under one
    # entry would otherwise replace the first silently
    text = (ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text()
    bad = tmp_path / "dup.yaml"
    bad.write_text(re.sub(r"^(version: .*)$", r"\1\n\1", text, count=1, flags=re.M))
    res = _alkannot("catalogue", "validate", str(bad))
    assert res.returncode == 2 and "duplicate key 'version'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


NETWORK = re.compile(
    r"(?:connect|sendto|sendmsg)\(\d+, \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\).*?"
    r'inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)".*\) = (-?\d+)( \w+)?'
)


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("strace")), reason="needs chromium and strace"
)
def test_the_pdf_printer_makes_no_network_attempt(tmp_path):
    # strace -ff: one file per thread, so no call is split into "unfinished"/"resumed" halves
    logs = tmp_path / "net"
    wrapper = tmp_path / "chromium"
    wrapper.write_text(
        "#!/bin/sh\nexec strace -ff -qq -e trace=connect,sendto,sendmsg -e signal=none "
        f'-o {logs} {shutil.which("chromium")} "$@"\n'
    )
    wrapper.chmod(0o755)
    env = {**os.environ, "ALKANNOT_CHROMIUM": str(wrapper)}
    res = _alkannot("annotate", str(P01), "-o", str(tmp_path / "o"), "--formats", "pdf", env=env)
    assert res.returncode == 0, res.stderr
    calls = [m for f in tmp_path.glob("net.*") for m in NETWORK.findall(f.read_text())]
    assert calls or list(tmp_path.glob("net.*"))  # strace did watch the browser
    dns = [c for c in calls if c[0] == "53"]
    # a call to another machine that did not fail at once (0, or a connection in progress)
    left = [
        c for c in calls if c[1] not in ("127.0.0.1", "::1") and c[3].strip() in ("", "EINPROGRESS")
    ]
    assert dns == [] and left == [], calls
