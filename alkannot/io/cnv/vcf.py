"""Copy number in VCF: ``<DUP>``/``<DEL>``/``SVTYPE=CNV`` with ``FORMAT/CN`` or fold change."""

from __future__ import annotations

import re

from alkannot.genome.build import detect_build
from alkannot.io.cnv.base import CnvData, contig, lines_of, num, position
from alkannot.io.tables import choose_sample
from alkannot.models import Segment, SkippedRecord


def read_cnv_vcf(path: str, build: str, sample: str | None) -> CnvData:
    """Read CNV records; the header's contig lengths and ``##reference`` tell its build."""
    out = CnvData(path, "CNV VCF", "")
    lines = lines_of(path)
    meta = [x for x in lines if x.startswith("##")]
    lengths = {}
    for line in meta:
        m = re.match(r"##contig=<ID=([^,>]+).*length=(\d+)", line)
        if m:
            lengths[m.group(1)] = int(m.group(2))
    declared, evidence = detect_build(meta, lengths)
    out.declared_build, out.build_evidence = declared or "", evidence if declared else ""
    cols = next((x[1:].split("\t") for x in lines if x.startswith("#CHROM")), [])
    chosen = choose_sample(cols[9:], sample, path, "copy-number VCF")
    s_index = cols.index(chosen) if chosen else -1
    out.sample = chosen or ""
    other = 0
    for n, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            continue
        row = line.split("\t")
        if len(row) < 8 or not row[1].isdigit():
            out.skipped.append(
                SkippedRecord(path, f"line {n}", "not a VCF record (columns, POS)", "malformed")
            )
            continue
        info = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in row[7].split(";"))
        svtype = info.get("SVTYPE", row[4].strip("<>"))
        if svtype not in ("DUP", "DEL", "CNV"):
            other += 1  # a breakend, inversion or small variant: not a copy-number record
            continue
        chrom = contig(row[0], build, path, n, out)
        if chrom is None:
            continue
        start = max(1, int(row[1]))
        end = position(info.get("END", row[1]), path, n, "INFO/END")
        cn = None
        if s_index > 0 and len(row) > s_index:
            fmt = dict(zip(row[8].split(":"), row[s_index].split(":"), strict=False))
            if fmt.get("CN", ".") not in (".", ""):
                cn = num(fmt["CN"], path, n, "FORMAT/CN")
            elif svtype == "DEL" and fmt.get("GT") in ("1/1", "1|1"):
                cn = 0.0
        log2 = (
            num(info["FOLD_CHANGE_LOG"], path, n, "FOLD_CHANGE_LOG")
            if "FOLD_CHANGE_LOG" in info
            else None
        )
        if cn is None and log2 is None:
            out.skipped.append(
                SkippedRecord(
                    path, f"line {n}", "CNV record without CN or fold change", "missing_value"
                )
            )
            continue
        out.segments.append(
            Segment(
                chrom,
                start,
                end,
                log2=log2,
                copy_number=cn,
                record=f"line {n}",
                call=svtype,
                sample=out.sample,
            )
        )
    if other:
        out.warnings.append(f"{other} record(s) other than DUP/DEL/CNV were not used")
    out.value_kind = "absolute" if all(s.copy_number is not None for s in out.segments) else "log2"
    return out
