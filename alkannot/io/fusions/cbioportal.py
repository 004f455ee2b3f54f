"""cBioPortal structural variants (``data_structural_variants.txt``).

Site 1 is the 5' gene and site 2 the 3' gene of a fusion (``Event_Info`` names them in that
order, e.g. ``EML4-ALK.E6bA20``). ``Site1/2_Region_Number`` are exon numbers when the region is
an exon; ``Event_Info`` or ``Annotation`` may name the junction itself (``EML4-ALK.E6bA20``:
EML4 exon 6b, ALK exon 20), which gives variant 3b directly. ``NCBI_Build`` declares the build of every row.
"""

from __future__ import annotations

import re
from dataclasses import replace

from alkannot.bounds import READS, OutOfRange, parse_checked
from alkannot.errors import InputFormatError
from alkannot.genome.build import build_of_label, canonical_contig
from alkannot.io.fusions.base import (
    INTRAGENIC,
    WHAT,
    FusionData,
    lines_of,
    orient,
    within_alk,
)
from alkannot.io.tables import NULL_TOKENS, choose_sample
from alkannot.models import FusionCall, SkippedRecord

_JUNCTION = re.compile(r"\bE(\d+[ab]?)A(\d+)\b")
#: EML4-ALK variants by junction (EML4 exon; ALK exon), as shared/reference/README.md names them:
#: v1 = E13;A20, v2 = E20;A20, v3a/v3b = E6a/E6b;A20 (a plain "6" cannot tell 3a from 3b)
NAMED = {"13;20": "v1", "20;20": "v2", "6a;20": "v3a", "6b;20": "v3b", "6;20": "v3a/v3b"}


def read_cbioportal_sv(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read a cBioPortal SV file: one sample's ALK rows become fusion calls."""
    lines = lines_of(path)
    header = lines[0].split("\t")
    idx = {c.strip(): i for i, c in enumerate(header)}
    need = ("Sample_Id", "Site1_Hugo_Symbol", "Site2_Hugo_Symbol")
    if any(c not in idx for c in need):
        raise InputFormatError(
            f"missing cBioPortal SV column(s) {', '.join(c for c in need if c not in idx)}",
            path=path,
            record="line 1",
        )
    out = FusionData(path, "cBioPortal SV")
    rows = [(n, x.split("\t")) for n, x in enumerate(lines[1:], start=2) if x.strip()]
    out.data_rows = len(rows)

    def get(row: list[str], name: str) -> str:
        i = idx.get(name)
        value = row[i].strip() if i is not None and i < len(row) else ""
        return "" if value in NULL_TOKENS else value

    samples = list(dict.fromkeys(get(r, "Sample_Id") for _, r in rows if get(r, "Sample_Id")))
    chosen = choose_sample(samples, sample, path, WHAT)
    out.sample = chosen or ""
    builds = {get(r, "NCBI_Build") for _, r in rows if get(r, "NCBI_Build")}
    if len(builds) > 1:
        raise InputFormatError(f"rows of several builds ({', '.join(sorted(builds))})", path=path)
    if builds:
        out.declared_build = build_of_label(builds.pop(), path)
        out.build_evidence = "NCBI_Build column"
    other = 0
    for n, row in rows:
        if get(row, "Sample_Id") != chosen:
            continue
        out.records += 1
        g5, g3 = get(row, "Site1_Hugo_Symbol"), get(row, "Site2_Hugo_Symbol")
        if "ALK" not in (g5, g3):
            other += 1
            continue
        cells = [
            (get(row, f"{s}_Chromosome"), get(row, f"{s}_Position")) for s in ("Site1", "Site2")
        ]
        loci = [
            (canonical_contig(c, build), int(p)) if c and p.isdigit() else ("", None)
            for c, p in cells
        ]
        bad = [f"{c}:{p}" for c, p in cells if p and not p.isdigit()]
        note = ""
        if bad:  # never half-used: one broken position and neither is kept
            loci, note = [("", None)] * 2, f"malformed breakpoint {bad[0]!r}: no position kept"
        (c5, p5), (c3, p3) = loci
        partner = g3 if g5 == "ALK" else g5
        if partner in INTRAGENIC and within_alk(out, build, f"line {n}", c5, p5, c3, p3):
            continue
        try:
            split = parse_checked(
                get(row, "Tumor_Split_Read_Count"), READS, "Tumor_Split_Read_Count"
            )
        except OutOfRange as e:  # a negative or NaN count is not support
            out.skipped.append(SkippedRecord(path, f"line {n}", str(e), "out_of_range"))
            continue
        call = FusionCall(
            g5,
            g3,
            c5,
            p5,
            c3,
            p3,
            orientation_ok=orient(g5, g3),
            supporting_reads=None if split is None else int(split),
            source_format=out.format,
            record=f"line {n}",
            note=note,
        )
        out.calls.append(_exons(call, row, get))
    if other:
        out.warnings.append(f"{other} fusion(s) not involving ALK were not used")
    return out


def _exons(call: FusionCall, row: list[str], get) -> FusionCall:
    """Exons from ``Event_Info``/``Annotation`` (``E6bA20``) or exonic ``Region_Number`` values."""
    m = _JUNCTION.search(get(row, "Event_Info")) or _JUNCTION.search(get(row, "Annotation"))
    if m and call.gene5 != "ALK" and call.gene3 == "ALK":
        exon5, exon3 = m.group(1), m.group(2)
    else:
        exon5 = get(row, "Site1_Region_Number") if get(row, "Site1_Region") == "EXON" else ""
        exon3 = get(row, "Site2_Region_Number") if get(row, "Site2_Region") == "EXON" else ""
    if not (exon5 and exon3):
        return call
    variant = NAMED.get(f"{exon5};{exon3}", "") if call.gene5 == "EML4" else ""
    # "E{partner exon};A{ALK exon}" names an ALK 3' junction only (ALK-PTPN3 is not "A3")
    junction = f"E{exon5};A{exon3}" if call.gene3 == "ALK" else ""
    return replace(call, exon5=exon5, exon3=exon3, junction=junction, variant=variant)
