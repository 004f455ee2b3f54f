"""Release-grade workflow behaviour: reruns by content, interrupted chunks, the closing summary,
the versions and MultiQC tables, the `.test/` config, and a wheel without the workflow engine."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_workflow import MAPPED, P01, ROOT, _sheet, planned, planned_samples, snakemake

P02_CNS = "resources/examples/GRCh38/P02.cns"


def _copy_of_p01(tmp_path: Path, name: str) -> Path:
    """An indexed copy of the P01 example: each sheet row needs its own re-biopsy VCF."""
    vcf = tmp_path / f"{name}.vcf.gz"
    shutil.copy(ROOT / P01, vcf)
    shutil.copy(ROOT / f"{P01}.tbi", f"{vcf}.tbi")  # copied after the VCF: not older
    return vcf


def _config(sheet: Path, out: Path, *extra: str) -> list[str]:
    return ["--config", f"samples={sheet}", f"results={out}", *extra]


def test_a_replaced_input_with_an_older_timestamp_reruns_its_sample(tmp_path):
    cnv = tmp_path / "a.cns"
    shutil.copy(ROOT / P02_CNS, cnv)
    sheet = _sheet(
        tmp_path,
        [
            f"A\t{P01}\t{cnv}\tcrizotinib\tP01_T",
            f"B\t{_copy_of_p01(tmp_path, 'B')}\t\tcrizotinib\tP01_T",
        ],
        "sample\tvcf\tcnv\tprior_therapy\tvcf_sample",
    )
    out = tmp_path / "results"
    assert snakemake("--cores", "1", *_config(sheet, out)).returncode == 0
    assert planned(snakemake("-n", "--cores", "1", *_config(sheet, out))) == {}
    # touched only (same bytes, newer time): nothing to do
    os.utime(cnv)
    assert planned(snakemake("-n", "--cores", "1", *_config(sheet, out))) == {}
    # replaced by other content carrying a time older than every output (as `cp -p`/`rsync -a`)
    lines = cnv.read_text().splitlines()
    cnv.write_text("\n".join(lines[:-1]) + "\n")  # one segment fewer
    old = time.time() - 10 * 86400
    os.utime(cnv, (old, old))
    assert planned_samples(snakemake("-n", "--cores", "1", *_config(sheet, out))) == ["A"]
    res = snakemake("--cores", "1", *_config(sheet, out))
    assert res.returncode == 0, res.stderr[-3000:]
    assert planned(snakemake("-n", "--cores", "1", *_config(sheet, out))) == {}


def _slow_vcf(path: Path) -> None:
    """The P01 example with 1.5 million header comment lines: valid, and seconds to read."""
    import gzip

    lines = gzip.decompress((ROOT / P01).read_bytes()).decode().splitlines()
    padding = (f"##note=padding line {i}" for i in range(1_500_000))
    with path.open("w") as fh:
        fh.write(lines[0] + "\n")
        fh.writelines(f"{x}\n" for x in padding)
        fh.writelines(f"{x}\n" for x in lines[1:])


def test_a_killed_chunk_resumes_and_a_later_edit_is_not_refused_as_incomplete(tmp_path):
    # the last sample's VCF takes seconds to read: the chunk job is killed (SIGKILL to Snakemake
    # and its job) once the first two samples' run records exist, while it reads the third
    slow = tmp_path / "slow.vcf"
    _slow_vcf(slow)
    s2 = _copy_of_p01(tmp_path, "S2")
    rows = [f"S{i}\t{vcf}\tcrizotinib\tP01_T" for i, vcf in ((1, P01), (2, s2), (3, slow))]
    sheet = _sheet(tmp_path, rows, MAPPED)
    out = tmp_path / "results"
    # a working directory of its own: the kill leaves Snakemake's lock and markers there
    (tmp_path / "config").mkdir()
    shutil.copy(ROOT / "config" / "config.yaml", tmp_path / "config")
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    # the root Snakefile: its folder's profiles/default is the workflow profile Snakemake applies
    snakefile = ["--snakefile", str(ROOT / "Snakefile")]

    def run(*args: str) -> subprocess.CompletedProcess:
        return snakemake(*snakefile, "--cores", "1", *args, *_config(sheet, out), cwd=tmp_path)

    cmd = [sys.executable, "-m", "snakemake", *snakefile, "--cores", "1", *_config(sheet, out)]
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 300
        while not all((out / s / f"{s}.run.json").exists() for s in ("S1", "S2")):
            assert time.time() < deadline and proc.poll() is None, "chunk did not reach S3"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert not (out / "S3" / "S3.run.json").exists(), "S3 finished before the kill"
    # the killed job left Snakemake's incomplete markers (the situation of the issue)
    assert list((tmp_path / ".snakemake" / "incomplete").rglob("*"))
    assert run("--unlock").returncode == 0  # what Snakemake asks the user to do after a kill
    slow.unlink()
    shutil.copy(ROOT / P01, slow)
    # resume: only the unfinished sample is planned
    assert planned_samples(run("-n")) == ["S3"]
    res = run()
    assert res.returncode == 0, res.stderr[-3000:]
    # a later clinical edit of a sample finished before the kill: planned and run, not refused
    rows[0] = f"S1\t{P01}\talectinib\tP01_T"
    _sheet(tmp_path, rows, MAPPED)
    assert planned_samples(run("-n")) == ["S1"]
    res = run()
    assert res.returncode == 0, res.stderr[-3000:]
    assert "IncompleteFilesException" not in res.stderr
    assert "alkannot: 3 of 3 samples annotated" in res.stderr


def test_failures_end_the_run_non_zero_unless_configured_and_the_summary_names_them(tmp_path):
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a VCF\n")
    sheet = _sheet(tmp_path, [f"OK\t{P01}\tcrizotinib\tP01_T", f"BAD\t{bad}\tcrizotinib\t"], MAPPED)
    out = tmp_path / "results"
    res = snakemake("--cores", "1", *_config(sheet, out))
    assert res.returncode == 1
    summary = [x for x in res.stderr.splitlines() if x.startswith("alkannot: ")]
    # one line: the counts, then the failed sample with its own one-line error (BAD.error.txt)
    error = (out / "BAD" / "BAD.error.txt").read_text().strip()
    assert error.startswith(f"{bad}: line 1: no VCF header")
    assert summary == [f"alkannot: 1 of 2 samples annotated; failed: BAD ({error})"]
    # every other output is written all the same
    assert (out / "OK" / "OK.html").is_file() and (out / "cohort" / "index.html").is_file()
    out2 = tmp_path / "results2"
    res = snakemake("--cores", "1", *_config(sheet, out2, "fail_on_sample_error=False"))
    assert res.returncode == 0, res.stderr[-2000:]
    assert "alkannot: 1 of 2 samples annotated; failed: BAD (" in res.stderr


def test_versions_and_multiqc_tables_describe_the_run(tmp_path):
    b = _copy_of_p01(tmp_path, "B")
    sheet = _sheet(tmp_path, [f"A\t{P01}\tcrizotinib\tP01_T", f"B\t{b}\talectinib\tP01_T"], MAPPED)
    out = tmp_path / "results"
    res = snakemake("--cores", "1", *_config(sheet, out))
    assert res.returncode == 0, res.stderr[-3000:]
    versions = list(csv.DictReader((out / "versions.tsv").open(), delimiter="\t"))
    by_name = {r["name"]: r for r in versions}
    # the package's one version (alkannot/__init__.py) and the catalogue's own version line
    init = (ROOT / "alkannot" / "__init__.py").read_text()
    assert by_name["alkannot"]["version"] == re.search(r'__version__ = "(.+)"', init).group(1)
    catalogue = (ROOT / "resources" / "catalogue" / "catalogue.yaml").read_text()
    cat_version = re.search(r"^version: (\S+)", catalogue, re.M).group(1)
    assert any(r["kind"] == "catalogue" and r["version"].startswith(cat_version) for r in versions)
    assert {"python", "htslib", "pysam", "snakemake"} <= {r["name"] for r in versions} | {
        r["kind"] for r in versions
    }
    mqc = (out / "cohort" / "alkannot_mqc.tsv").read_text().splitlines()
    header = [x for x in mqc if x.startswith("#")]
    assert "# plot_type: 'table'" in header and mqc[len(header)].startswith("Sample\t")
    assert [x.split("\t")[0] for x in mqc[len(header) + 1 :]] == ["A", "B"]


def test_rerun_reason_for_one_changed_cell_is_short(tmp_path):
    sheet = _sheet(tmp_path, [f"A\t{P01}\tcrizotinib\tP01_T"], MAPPED)
    out = tmp_path / "results"
    assert snakemake("--cores", "1", *_config(sheet, out)).returncode == 0
    _sheet(tmp_path, [f"A\t{P01}\talectinib\tP01_T"], MAPPED)
    res = snakemake("-n", "--cores", "1", *_config(sheet, out))
    reasons = [x for x in (res.stdout + res.stderr).splitlines() if "reason:" in x]
    assert reasons and max(len(x) for x in reasons) < 600, reasons


def test_the_test_config_runs(tmp_path):
    # the catalog's checks run the workflow on .test/ (config and sheet there)
    test_dir = tmp_path / ".test"
    shutil.copytree(ROOT / ".test", test_dir)
    (tmp_path / "resources").symlink_to(ROOT / "resources")  # the sheet's ../resources/...
    res = snakemake(
        "--cores", "1", "--snakefile", str(ROOT / "workflow" / "Snakefile"), cwd=test_dir
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert (test_dir / "results" / "cohort" / "index.html").is_file()


def test_changelog_names_the_package_version():
    init = (ROOT / "alkannot" / "__init__.py").read_text()
    version = re.search(r'__version__ = "(.+)"', init).group(1)
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    released = [h for h in headings if h != "Unreleased"]
    assert released and released[0] == version


def test_wheel_installs_without_snakemake_and_annotates_an_example(tmp_path):
    """The wheel's requirements hold no workflow engine; a clean venv with it annotates."""
    wheel_dir = tmp_path / "w"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    res = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    (wheel,) = wheel_dir.glob("alkannot-*.whl")
    import zipfile

    meta = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/METADATA"))
    requires = [
        x for x in zipfile.ZipFile(wheel).read(meta).decode().splitlines() if "Requires-Dist" in x
    ]
    base = [x for x in requires if "extra ==" not in x]
    assert not [x for x in base if "snakemake" in x.lower() or "cyvcf2" in x.lower()], base
    assert any("snakemake" in x and "extra == 'workflow'" in x for x in requires), requires
    assert any("pygments" in x and "extra == 'workflow'" in x for x in requires), requires
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    res = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if res.returncode != 0 and "No matching distribution" in res.stderr:
        pytest.skip("package index not reachable for the wheel's dependencies")
    assert res.returncode == 0, res.stderr[-2000:]
    check = subprocess.run(
        [str(py), "-c", "import importlib.util as u; print(u.find_spec('snakemake') is None)"],
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == "True"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = (
        "import alkannot, sys; from alkannot.api import annotate_sample, write_sample_reports;"
        "r = annotate_sample(str(alkannot.examples() / 'GRCh38' / 'P01.rebiopsy.vcf.gz'));"
        "write_sample_reports(r, 'out', ('tsv',)); print(alkannot.__file__)"
    )
    res = subprocess.run(
        [str(py), "-c", script], cwd=outside, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert str(venv) in res.stdout  # the installed package, not this checkout
    findings = list(
        csv.DictReader(next((outside / "out").glob("*.findings.tsv")).open(), delimiter="\t")
    )
    # the example's planted truth (resources/examples/truth.tsv, from the reference tables)
    lines = (ROOT / "resources" / "examples" / "truth.tsv").read_text().splitlines()
    truth = csv.DictReader([x for x in lines if not x.startswith("# ")], delimiter="\t")
    planted = {r["alteration"] for r in truth if r["sample"] == "P01" and r["kind"] == "mutation"}
    assert planted and planted <= {f["alteration"] for f in findings}


def test_container_recipes_and_workflow_default_name_the_package_version():
    init = (ROOT / "alkannot" / "__init__.py").read_text()
    version = re.search(r'__version__ = "(.+)"', init).group(1)
    docker = (ROOT / "Dockerfile").read_text()
    assert f'org.opencontainers.image.version="{version}"' in docker
    apptainer = (ROOT / "workflow" / "envs" / "alkannot.def").read_text()
    assert f"org.opencontainers.image.version {version}" in apptainer
    schema = (ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text()
    assert f'default: "docker://alkannot:{version}"' in schema


def test_conda_environment_carries_the_build_backend_for_an_offline_install():
    import yaml

    env = yaml.safe_load((ROOT / "workflow" / "envs" / "alkannot.yaml").read_text())
    names = {re.split(r"[<>=! ]", d)[0] for d in env["dependencies"] if isinstance(d, str)}
    backend = (ROOT / "pyproject.toml").read_text().split('requires = ["', 1)[1].split(">=")[0]
    assert backend == "hatchling" and backend in names
    post = (ROOT / "workflow" / "envs" / "alkannot.post-deploy.sh").read_text()
    assert "--no-build-isolation" in post


def test_snakedeploy_deployment_with_its_profiles_runs_the_example(tmp_path):
    """`snakedeploy deploy-workflow REPO DEST --branch main`, as the catalog tells users, then
    `snakemake --cores 2` in DEST: the deployed profiles/ (default workflow profile) apply."""
    snakedeploy = Path(sys.executable).parent / "snakedeploy"
    dest = tmp_path / "deployed"
    res = subprocess.run(
        [str(snakedeploy), "deploy-workflow", str(ROOT), str(dest), "--branch", "main"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert (dest / "profiles" / "default" / "config.yaml").is_file()
    assert (dest / "profiles" / "slurm" / "config.yaml").is_file()
    assert (dest / "config" / "config.yaml").is_file() and (dest / "LICENSE").is_file()
    # a deployment from a hosted repository names it as github(...); from a local checkout
    # snakedeploy writes the module path relative to the checkout: point it at this one
    snakefile = dest / "workflow" / "Snakefile"
    text = snakefile.read_text()
    assert 'snakefile: \n        "workflow/Snakefile"' in text or '"workflow/Snakefile"' in text
    snakefile.write_text(
        text.replace('"workflow/Snakefile"', f'"{ROOT / "workflow" / "Snakefile"}"')
    )
    (dest / "resources").symlink_to(ROOT / "resources")  # the sheet's relative example paths
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Using workflow specific profile profiles/default" in res.stdout + res.stderr
    sheet = (dest / "config" / "samples.tsv").read_text().splitlines()[1:]
    samples = [x.split("\t")[0] for x in sheet]
    for s in samples:
        assert (dest / "results" / s / f"{s}.html").is_file(), s
    assert f"alkannot: {len(samples)} of {len(samples)} samples annotated" in res.stderr
