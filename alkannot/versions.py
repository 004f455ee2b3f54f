"""The versions of what produces a run's results: alkannot, its catalogue, Python, the packages
and the system tools it calls (the workflow's ``versions.tsv``, ``alkannot versions``)."""

from __future__ import annotations

import hashlib
import platform
import shutil
import subprocess
from importlib import metadata

#: Python distributions alkannot uses (imported or called), in the table's order.
PACKAGES = (
    "pysam",
    "numpy",
    "isal",
    "click",
    "jinja2",
    "pyyaml",
    "jsonschema",
    "pandas",
    "snakemake",
    "snakemake-executor-plugin-slurm",
    "openpyxl",
)
#: System tools some inputs or outputs use: PDF rendering, SLURM.
SYSTEM_TOOLS = (("chromium", "--version"), ("sbatch", "--version"))


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _tool_version(command: str, flag: str) -> str:
    path = shutil.which(command)
    if path is None:
        return "not installed"
    try:
        res = subprocess.run([path, flag], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "not runnable"
    # the version goes to stdout; stderr holds complaints (sbatch without a cluster configured)
    lines = res.stdout.strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def versions_rows() -> list[tuple[str, str, str]]:
    """``(kind, name, version)`` rows: the tool and catalogue first, then Python, packages, tools.

    The catalogue row carries its version, date and the SHA-256 of the file.
    """
    from pysam import version as pysam_version

    from alkannot import __version__
    from alkannot.catalogue import load_catalogue

    catalogue = load_catalogue()
    with open(catalogue.path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    rows = [
        ("tool", "alkannot", __version__),
        ("catalogue", catalogue.name, f"{catalogue.version} sha256:{digest}"),
        ("python", platform.python_implementation(), platform.python_version()),
        ("system", "platform", platform.platform()),
        ("library", "htslib", pysam_version.__htslib_version__),
    ]
    rows += [("package", name, _package_version(name)) for name in PACKAGES]
    rows += [("system", cmd, _tool_version(cmd, flag)) for cmd, flag in SYSTEM_TOOLS]
    return rows


def versions_tsv() -> str:
    """The rows of :func:`versions_rows` as a tab-separated table with a header."""
    lines = ["kind\tname\tversion"]
    lines += ["\t".join(" ".join(v.split()) for v in row) for row in versions_rows()]
    return "\n".join(lines) + "\n"
