"""CNVkit ``.cns``/``.call.cns``/``.cnr``: 0-based half-open, log2, ``cn`` when called."""

from __future__ import annotations

from alkannot.io.cnv.base import CnvData, table_segments


def read_cnvkit(path: str, build: str, sample: str | None) -> CnvData:
    """Read CNVkit segments or bins; the ``gene`` column is kept to check the build."""
    out = CnvData(path, "CNVkit", "")
    table_segments(
        path,
        build,
        out,
        {
            "chrom": "chromosome",
            "start": "start",
            "end": "end",
            "value": "log2",
            "cn": "cn",
            "genes": "gene",
        },
        True,
        "log2",
    )
    return out
