"""Locate the bundled resources (genome models, catalogue, examples) inside the repository/package."""

from __future__ import annotations

from pathlib import Path

# The resources live at the repository top level (resources/) and are installed alongside the
# package as package data; look in both places so an editable and a wheel install both work.
_PKG = Path(__file__).resolve().parent
_CANDIDATES = (_PKG / "_resources", _PKG.parent / "resources")


def resources_dir() -> Path:
    """Return the directory holding ``genome/``, ``catalogue/`` and ``examples/``."""
    for cand in _CANDIDATES:
        if (cand / "genome").is_dir():
            return cand
    raise FileNotFoundError("alkannot resources not found; reinstall the package")


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource file, e.g. ``resource_path("genome", "GRCh38", "genes.tsv")``."""
    return resources_dir().joinpath(*parts)


def read_table(path: Path) -> list[dict[str, str]]:
    """Read a resource TSV whose header line starts with a single ``#`` (``##`` lines are comments)."""
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("##"):
                continue
            if line.startswith("#") and header is None:
                header = line[1:].split("\t")
                continue
            if header is None:
                raise ValueError(f"{path}: no header line")
            rows.append(dict(zip(header, line.split("\t"), strict=True)))
    return rows
