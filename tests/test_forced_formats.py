"""Every format forced on every file: a result or one clear error, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alkannot.errors import AlkannotError
from alkannot.io.cnv import FORMATS as CNV_FORMATS
from alkannot.io.cnv import read_cnv
from alkannot.io.fusions import FORMATS as FUSION_FORMATS
from alkannot.io.fusions import read_fusions

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALKANNOT_SHARED", ROOT.parent / "shared"))
FILES = sorted(
    p
    for p in [
        *(ROOT / "tests" / "fixtures" / "cnv").iterdir(),
        *(ROOT / "tests" / "fixtures" / "fusions").iterdir(),
        *(ROOT / "tests" / "bad_inputs" / "other").iterdir(),
        *(SHARED / "wild").glob("*/*"),
    ]
    if p.is_file() and p.suffix not in (".py", ".bai", ".tbi")
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_forced_formats_give_a_result_or_one_clear_error(path):
    build = "GRCh37" if "37" in path.name else "GRCh38"
    for reader, formats in ((read_cnv, CNV_FORMATS), (read_fusions, FUSION_FORMATS)):
        for fmt in (*formats, None):
            try:
                reader(path, build, fmt=fmt)
            except AlkannotError as exc:
                assert "\n" not in exc.one_line() and str(path) in exc.one_line()
