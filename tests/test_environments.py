"""The workflow's software environments: the conda route and the container image definitions.

Both need tools this machine may not have (conda, a container builder with access to the base
image); the tests say which is missing when they skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENVS = ROOT / "workflow" / "envs"


def _dependency_names(requirements: list[str]) -> set[str]:
    import re

    return {re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_conda_environment_lists_the_package_dependencies():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _dependency_names(project["dependencies"]) - {"snakemake"}
    env = yaml.safe_load((ENVS / "alkannot.yaml").read_text())
    conda = _dependency_names([d for d in env["dependencies"] if isinstance(d, str)])
    # conda-forge names the isal bindings python-isal
    conda = {"isal" if c == "python-isal" else c for c in conda}
    assert wanted <= conda, wanted - conda
    assert (ENVS / "alkannot.post-deploy.sh").stat().st_mode & 0o111


def test_conda_route(tmp_path):
    conda = next((c for c in ("mamba", "conda") if shutil.which(c)), None)
    if conda is None:
        pytest.skip(
            "conda/mamba not installed and not installable here (no conda channel reachable): "
            "the conda route cannot be tried"
        )
    out = tmp_path / "results"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--software-deployment-method",
            "conda",
            "--conda-prefix",
            str(tmp_path / "envs"),
            "--config",
            f"results={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert (out / "P01" / "P01.html").is_file()
    # the post-deploy script installed alkannot into the environment the jobs ran in
    assert list((tmp_path / "envs").glob("*/bin/alkannot"))


def _builder() -> tuple[list[str], str] | None:
    """A working container builder: (build command prefix, run command prefix), or None."""
    for tool in ("docker", "podman"):
        exe = shutil.which(tool)
        if exe and subprocess.run([exe, "info"], capture_output=True).returncode == 0:
            return [exe, "build", "-t", "alkannot-test:latest", "."], tool
    for tool in ("apptainer", "singularity"):
        exe = shutil.which(tool)
        if exe:
            return [
                exe,
                "build",
                "--fakeroot",
                "alkannot-test.sif",
                "workflow/envs/alkannot.def",
            ], tool
    return None


def test_container_definition_builds_and_runs_alkannot(tmp_path):
    builder = _builder()
    if builder is None:
        found = [t for t in ("docker", "podman", "apptainer", "singularity") if shutil.which(t)]
        pytest.skip(
            "no working container builder (found: "
            + (", ".join(found) or "none")
            + "; docker needs a running daemon)"
        )
    cmd, tool = builder
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert res.returncode == 0, res.stderr[-3000:]
    if tool in ("docker", "podman"):
        run = [tool, "run", "--rm", "alkannot-test:latest", "alkannot", "--version"]
    else:
        run = [tool, "exec", "alkannot-test.sif", "alkannot", "--version"]
        (ROOT / "alkannot-test.sif").replace(tmp_path / "alkannot-test.sif")
        run[2] = str(tmp_path / "alkannot-test.sif")
    version = subprocess.run(run, capture_output=True, text=True, timeout=600)
    assert version.returncode == 0 and "alkannot" in version.stdout


def test_rules_use_the_environment_and_the_image():
    text = (ROOT / "workflow" / "rules" / "annotate.smk").read_text()
    assert 'conda:\n            "../envs/alkannot.yaml"' in text
    assert 'container:\n            config["container"]' in text
    # the command is the package's entry point on PATH, never an interpreter path
    assert '"alkannot batch ' in text and "sys.executable" not in text


def _recipe_sources() -> tuple[list[str], list[str]]:
    """What the Dockerfile COPYs and what the Apptainer definition's %files copies."""
    docker = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            docker += line.split()[1:-1]
    apptainer, in_files = [], False
    for line in (ENVS / "alkannot.def").read_text().splitlines():
        if line.startswith("%"):
            in_files = line.strip() == "%files"
        elif in_files and line.strip():
            apptainer.append(line.split()[0])
    return docker, apptainer


def test_the_image_recipes_copy_enough_to_install_a_working_package(tmp_path):
    docker, apptainer = _recipe_sources()
    assert sorted(docker) == sorted(apptainer)
    context = tmp_path / "context"
    for name in docker:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, context / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            context.mkdir(exist_ok=True)
            shutil.copy(src, context / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    wheel = subprocess.run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "w"),
            str(context),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert wheel.returncode == 0, wheel.stderr[-2000:]
    site = tmp_path / "site"
    install = subprocess.run(
        [
            *pip,
            "install",
            "--no-deps",
            "--target",
            str(site),
            *map(str, (tmp_path / "w").iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # the installed package (not this checkout) annotates the example like the checkout does
    vcf = ROOT / "resources" / "examples" / "GRCh38" / "P01.rebiopsy.vcf.gz"
    outs = {}
    for name, path in (("installed", str(site)), ("checkout", str(ROOT))):
        env = {**os.environ, "PYTHONPATH": path}
        res = subprocess.run(
            [sys.executable, "-c", "import alkannot, sys; print(alkannot.__file__)"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert res.stdout.startswith(path), res.stdout
        out = tmp_path / name
        res = subprocess.run(
            [sys.executable, "-m", "alkannot", "annotate", str(vcf), "-o", str(out)]
            + ["--formats", "tsv"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert res.returncode == 0, res.stderr[-2000:]
        outs[name] = sorted((p.name, p.read_bytes()) for p in out.iterdir())
    assert outs["installed"] == outs["checkout"]
