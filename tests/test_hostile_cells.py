"""Every number cell of every crafted fusion and copy-number table, made hostile.

Expected outcome (README, "Every number read has a valid range"): a record with a number that is
NaN, infinite, out of range or not a number is skipped with its reason, or the file is refused
in one line (an ``AlkannotError``); no other exception, and no NaN or infinity reaches a call or
a segment. Each cell of each table's first data row is replaced in turn.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from alkannot.errors import AlkannotError
from alkannot.io.cnv import read_cnv
from alkannot.io.fusions import read_fusions

FIX = Path(__file__).resolve().parent / "fixtures"
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
HOSTILE = ("nan", "inf", "-inf", "1e400", "-5", "1e20", "0x10", "")
TABLES = [
    ("fusions", p)
    for p in sorted((FIX / "fusions").iterdir())
    if p.suffix in (".tsv", ".bedpe", ".txt", ".csv", ".out", ".bed")
] + [("cnv", p) for p in sorted((FIX / "cnv").iterdir()) if p.suffix != ".py"]


def _first_data_row(lines: list[str], sep: str) -> int | None:
    for i, line in enumerate(lines):
        if line.startswith(("#", "@")) or not line.strip():
            continue
        if any(NUMBER.match(c.strip().strip('"')) for c in line.rstrip("\n").split(sep)):
            return i
    return None


def _finite(value) -> bool:
    """True when no float inside ``value`` (a dataclass, list or number) is NaN or infinite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if is_dataclass(value):
        return all(_finite(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    return True


@pytest.mark.parametrize(("kind", "path"), TABLES, ids=[p.name for _, p in TABLES])
def test_every_number_cell_of_the_first_row_made_hostile(kind, path, tmp_path):
    build = "GRCh37" if "GRCh37" in path.name else "GRCh38"
    sep = "," if path.suffix == ".csv" else "\t"
    lines = path.read_text().splitlines(keepends=True)
    row = _first_data_row(lines, sep)
    if row is None:
        pytest.skip("no number cell (a JSON or header-only table)")
    cells = lines[row].rstrip("\n").split(sep)
    tried = 0
    for i, cell in enumerate(cells):
        if not NUMBER.match(cell.strip().strip('"')):
            continue
        for bad in HOSTILE:
            mutated = list(lines)
            mutated[row] = sep.join([*cells[:i], bad, *cells[i + 1 :]]) + "\n"
            p = tmp_path / f"m{path.suffix}"
            p.write_text("".join(mutated))
            tried += 1
            try:
                data = (read_fusions if kind == "fusions" else read_cnv)(p, build)
            except AlkannotError:
                continue
            items = data.calls if kind == "fusions" else data.segments
            assert _finite(items), (path.name, i, bad)
    assert tried  # the row had number cells to make hostile
