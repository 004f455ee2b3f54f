"""GATK ModelSegments/CallCopyRatioSegments: ``@`` header, 1-based closed intervals."""

from __future__ import annotations

import re

from alkannot.errors import InputFormatError
from alkannot.genome.build import detect_build
from alkannot.io.cnv.base import CnvData, header, lines_of, table_segments


def read_gatk(path: str, build: str, sample: str | None) -> CnvData:
    """Read GATK segments; the ``@SQ`` lengths and ``@RG SM`` tell the build and the sample."""
    lines = lines_of(path)
    _, cols, _ = header(lines, path)
    value = next(
        (c for c in ("MEAN_LOG2_COPY_RATIO", "LOG2_COPY_RATIO_POSTERIOR_50") if c in cols), None
    )
    if value is None:
        raise InputFormatError(
            "GATK segments without MEAN_LOG2_COPY_RATIO or LOG2_COPY_RATIO_POSTERIOR_50", path=path
        )
    kind = (
        "GATK .called.seg"
        if "CALL" in cols
        else ("GATK .modelFinal.seg" if "POSTERIOR" in value else "GATK .cr.seg")
    )
    out = CnvData(path, kind, "")
    table_segments(
        path,
        build,
        out,
        {"chrom": "CONTIG", "start": "START", "end": "END", "value": value, "call": "CALL"},
        False,
        "log2",
    )
    lengths = {}
    for line in lines:
        m = re.match(r"@RG.*\tSM:(\S+)", line)
        if m:
            out.sample = m.group(1)
        sq = re.match(r"@SQ\tSN:(\S+)\tLN:(\d+)", line)
        if sq:
            lengths[sq.group(1)] = int(sq.group(2))
        if not line.startswith("@"):
            break
    out.declared_build, out.build_evidence = detect_build([], lengths)
    out.declared_build = out.declared_build or ""
    return out
