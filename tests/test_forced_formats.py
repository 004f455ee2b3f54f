"""Every format forced on every file: a result or one clear error, never a crash."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.errors import AlkannotError
from alkannot.io.cnv import FORMATS as CNV_FORMATS
from alkannot.io.cnv import read_cnv
from alkannot.io.fusions import FORMATS as FUSION_FORMATS
from alkannot.io.fusions import read_fusions

ROOT = Path(__file__).resolve().parents[1]
from tests.shared_data import SHARED  # noqa: E402

FILES = sorted(
    p
    for p in [
        *(ROOT / "tests" / "fixtures" / "cnv").iterdir(),
        *(ROOT / "tests" / "fixtures" / "fusions").iterdir(),
        *(ROOT / "tests" / "bad_inputs" / "other").iterdir(),
        *(SHARED / "wild").glob("*/*"),
        # the more-tools files below 300 kB (the long-read tables above it are read whole by
        # tests/test_wild_more_tools.py)
        *(p for p in (SHARED / "wild" / "more-tools").glob("*/*") if p.stat().st_size < 300_000),
    ]
    if p.is_file() and p.suffix not in (".py", ".bai", ".tbi") and p.name != "README.md"
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


MUTABLE = [
    p
    for p in FILES
    if p.stat().st_size < 100_000 and p.suffix not in (".gz", ".bam", ".json", ".yaml")
]


@settings(max_examples=120, deadline=None)
@given(
    pick=st.integers(min_value=0),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(["flip", "delete", "insert"]),
                  st.sampled_from(list(b'\t\n\r.,:;-0123456789ACGTN#"\x00\xff '))),
        min_size=1, max_size=5,
    ),
)  # fmt: skip
def test_mutated_tables_give_a_result_or_one_clear_error(tmp_path_factory, pick, edits):
    from alkannot.annotate import target_regions
    from alkannot.io.maf import read_maf

    src = MUTABLE[pick % len(MUTABLE)]
    data = bytearray(src.read_bytes())
    for pos, op, ch in edits:
        pos = pos % max(len(data), 1)
        if op == "flip" and data:
            data[pos] = ch
        elif op == "delete" and data:
            del data[pos]
        else:
            data.insert(pos, ch)
    path = tmp_path_factory.mktemp("mut") / src.name
    path.write_bytes(bytes(data))
    build = "GRCh37" if "37" in src.name else "GRCh38"
    for read in (
        lambda: read_cnv(path, build),
        lambda: read_fusions(path, build),
        lambda: read_maf(str(path), target_regions),
    ):
        with contextlib.suppress(AlkannotError):
            read()
