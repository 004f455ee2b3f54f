"""PURPLE ``.purple.cnv.somatic.tsv``: absolute, purity/ploidy-adjusted copy number, 1-based."""

from __future__ import annotations

from alkannot.io.cnv.base import CnvData, table_segments


def read_purple(path: str, build: str, sample: str | None) -> CnvData:
    """Read PURPLE somatic segments."""
    out = CnvData(path, "PURPLE", "", value_kind="absolute")
    table_segments(
        path,
        build,
        out,
        {"chrom": "chromosome", "start": "start", "end": "end", "value": "copyNumber"},
        False,
        "absolute",
    )
    return out
