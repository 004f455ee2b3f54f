"""Fusion and SV readers: one module per format family, the readers table here.

Formats (detected; ``fmt=`` overrides): SV VCF (Manta, DELLY, GRIDSS, FusionCatcher, SnpEff test
files), Arriba ``fusions.tsv``, STAR-Fusion and CTAT-LR-Fusion, FusionCatcher, LINX, cBioPortal
structural variants, plain tables (``sample, fusion`` in any notation; OncoKB ``Fusion`` and
``GeneA/GeneB``; PCGR ``FusionGene``), and one module each for JAFFA/JAFFAL, pbfusion,
FusionSeeker, LongGF, EricScript, pizzly, SQUID and generic BEDPE (their shared row loop is
:mod:`~alkannot.io.fusions.pairs`, the table loop of the older callers
``base.read_table``). Only calls involving ALK are kept; every other row is counted in a
warning, not dropped silently.

After reading, :func:`read_fusions` checks what the file yielded. "Empty" means two things: a
recognised file with no data rows is a valid result (no fusion called by the tool: the ALK fusion
is "not detected", with the usual caution), while a file with data rows none of which could be
used is an error. Then the build: the file's declared build, and every named breakpoint, which
must fall in its named gene in the build in use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alkannot.errors import BuildMismatchError, InputFormatError
from alkannot.genome.build import BUILDS
from alkannot.genome.models import gene_spans
from alkannot.io.fusions import (
    bedpe,
    ericscript,
    fusionseeker,
    jaffa,
    longgf,
    pbfusion,
    pizzly,
    squid,
)
from alkannot.io.fusions.base import FusionData, lines_of
from alkannot.io.fusions.callers import (
    read_arriba,
    read_fusioncatcher,
    read_linx,
    read_plain_table,
    read_star_fusion,
)
from alkannot.io.fusions.cbioportal import read_cbioportal_sv
from alkannot.io.fusions.sv_vcf import looks_like_vcf_row, read_sv_vcf

__all__ = ["FORMATS", "FusionData", "detect_fusion_format", "read_fusions"]

_READERS: dict[str, Callable[[str, str, str | None], FusionData]] = {
    "vcf": read_sv_vcf,
    "arriba": read_arriba,
    "star-fusion": read_star_fusion,
    "fusioncatcher": read_fusioncatcher,
    "linx": read_linx,
    "cbioportal": read_cbioportal_sv,
    "table": read_plain_table,
    "jaffa": jaffa.read_jaffa,
    "pbfusion": pbfusion.read_pbfusion,
    "fusionseeker": fusionseeker.read_fusionseeker,
    "longgf": longgf.read_longgf,
    "ericscript": ericscript.read_ericscript,
    "pizzly": pizzly.read_pizzly,
    "squid": squid.read_squid,
    "bedpe": bedpe.read_bedpe,
}
FORMATS = tuple(_READERS)
#: Header columns (lower case) that each table format writes: which formats could fit a file
SIGNATURES: dict[str, tuple[str, ...]] = {
    "arriba": ("gene1", "gene2", "breakpoint1", "breakpoint2", "split_reads1", "discordant_mates"),
    "star-fusion": ("fusionname", "leftgene", "rightgene", "leftbreakpoint", "rightbreakpoint"),
    "fusioncatcher": (
        "gene_1_symbol(5end_fusion_partner)",
        "gene_2_symbol(3end_fusion_partner)",
        "spanning_pairs",
    ),
    "linx": ("name", "reportedtype", "genestart", "geneend", "fiveprimebreakendid"),
    "cbioportal": ("sample_id", "site1_hugo_symbol", "site2_hugo_symbol"),
    "table": ("sample", "fusion", "fusiongene", "genea", "geneb"),
    "jaffa": jaffa.REQUIRED,
    "pbfusion": pbfusion.REQUIRED,
    "fusionseeker": fusionseeker.REQUIRED,
    "ericscript": ericscript.REQUIRED,
    "pizzly": pizzly.REQUIRED,
    "squid": squid.REQUIRED,
    "bedpe": bedpe.COLUMNS,
}
#: How far outside its named gene a breakpoint may fall (promoter-side DNA breakpoints) before
#: the row is checked against the other build; the builds differ by ~223 kb at ALK and ~227 kb at
#: EML4 (shared/reference exon tables).
BREAKPOINT_MARGIN = 20_000


def header_columns(lines: list[str]) -> tuple[str, set[str]]:
    """The first line that is not a ``##`` meta line, and its cells (lower case, ``#`` stripped;
    split on tabs, or on commas when it has none)."""
    first = next((x for x in lines if x.strip() and not x.startswith("##")), "")
    sep = "\t" if "\t" in first else ","
    return first, {c.strip().lstrip("#").strip().lower() for c in first.split(sep)}


def detect_fusion_format(path: str | Path) -> str:
    """Name the format of a fusion/SV file from its content."""
    lines = lines_of(str(path))
    first, cols = header_columns(lines)
    low = first.lower()
    if (
        lines[0].startswith("##fileformat=VCF")
        or first.startswith("#CHROM\t")
        or looks_like_vcf_row(first)
    ):
        return "vcf"
    found = _detect_new(lines, cols)
    if found:
        return found
    if low.startswith("#gene1"):
        return "arriba"
    if low.startswith("#fusionname") or {"leftgene", "rightgene", "leftbreakpoint"} <= set(cols):
        return "star-fusion"
    if low.startswith("gene_1_symbol"):
        return "fusioncatcher"
    if "fiveprimebreakendid" in low or ("name" in cols and "reportedtype" in low):
        return "linx"
    if {"site1_hugo_symbol", "site2_hugo_symbol"} <= set(cols):
        return "cbioportal"
    if {"fusion", "fusiongene"} & set(cols) or {"genea", "geneb"} <= set(cols):
        return "table"
    fits = could_fit(cols)
    raise InputFormatError(
        f"unknown fusion format (first line: {first[:60]!r}); "
        + (
            f"formats sharing its columns: {', '.join(fits)}; pass --fusion-format"
            if fits
            else "no known format has its columns; formats of its shape: "
            f"{', '.join(of_shape(first))}; pass --fusion-format"
        ),
        path=str(path),
    )


def _detect_new(lines: list[str], cols: set[str]) -> str:
    """The long-read and BEDPE formats (their meta lines, logs or headers), or ""."""
    if pbfusion.is_pbfusion(lines):
        return "pbfusion"
    if longgf.is_longgf(lines):
        return "longgf"
    if pizzly.is_pizzly_json(lines):
        return "pizzly"
    for name, test in (
        ("jaffa", jaffa.is_jaffa),
        ("fusionseeker", fusionseeker.is_fusionseeker),
        ("ericscript", ericscript.is_ericscript),
        ("pizzly", pizzly.is_pizzly),
        ("squid", squid.is_squid),
    ):
        if test(cols):
            return name
    return "bedpe" if bedpe.is_bedpe(lines) else ""


def of_shape(first: str) -> list[str]:
    """The formats a header line of this shape could belong to (comma-separated: JAFFA; tab-
    separated: the tables, and VCF only for 8 or more columns), when no column name fits."""
    if "\t" not in first:
        return ["jaffa"] if "," in first else ["longgf", "table"]
    tables = sorted(f for f in FORMATS if f not in ("vcf", "jaffa", "longgf"))
    return tables + (["vcf"] if len(first.split("\t")) >= 8 else [])


def could_fit(cols: set[str]) -> list[str]:
    """Formats sharing header columns with a file, most shared first."""
    shared = {f: len(cols & set(sig)) for f, sig in SIGNATURES.items()}
    return sorted((f for f, n in shared.items() if n), key=lambda f: (-shared[f], f))


def expected(fmt: str) -> str:
    """What a file of ``fmt`` starts with, for messages."""
    if fmt == "vcf":
        return "a VCF ('##fileformat=VCF', '#CHROM', or records with a numeric POS and SVTYPE)"
    if fmt == "longgf":
        return "LongGF output (its log lines and 'SumGF' result lines)"
    return f"a {fmt} header with {', '.join(SIGNATURES[fmt][:5])}"


def check_forced_format(path: str, fmt: str) -> None:
    """A forced format must fit the content: one error naming what was expected and found.

    The content is identified as without ``--fusion-format``; a file identified as another
    format, or (for ``vcf``) one whose first line is not VCF, is refused rather than misread
    (a BEDPE file read as VCF records would be "SVs not involving ALK").
    """
    if fmt not in _READERS:
        raise InputFormatError(
            f"unknown --fusion-format {fmt!r}; use one of {', '.join(FORMATS)}", path=path
        )
    first, _ = header_columns(lines_of(path))
    try:
        found = detect_fusion_format(path)
    except InputFormatError:
        found = ""
    if found == fmt or (not found and fmt != "vcf"):
        return  # unknown content: the reader checks its own columns
    what = f"the content is {found}" if found else "the content is not VCF"
    raise InputFormatError(
        f"--fusion-format {fmt} does not fit: expected {expected(fmt)}; {what} (first line: "
        f"{first[:60]!r}); leave --fusion-format out"
        + (f" or use --fusion-format {found}" if found else ""),
        path=path,
    )


def read_fusions(
    path: str | Path, build: str, fmt: str | None = None, sample: str | None = None
) -> FusionData:
    """Read a fusion/SV file of any supported format (ALK calls only), for one sample.

    Raises
    ------
    InputFormatError
        Unknown format, missing columns, or no record read from a non-empty file.
    SampleNotFoundError
        Several samples and none (or an absent one) chosen.
    BuildMismatchError
        The file declares another build, or its breakpoints fit their genes only in the other.
    """
    path = str(path)
    if fmt:
        check_forced_format(path, fmt)
    else:
        fmt = detect_fusion_format(path)
    data = _READERS[fmt](path, build, sample)
    if data.records == 0 and data.data_rows == 0:
        data.warnings.append(
            f"no fusion called by {data.format}: the file has a header and no data rows (read as "
            "ALK fusion not detected)"
        )
    elif data.records == 0:
        first = (
            f" (first: {data.skipped[0].record}: {data.skipped[0].reason})" if data.skipped else ""
        )
        raise InputFormatError(
            f"no fusion or SV record was read as {fmt}: none of its {data.data_rows} data row(s) "
            f"could be used{first}; such a file cannot say the ALK fusion is absent: check the "
            "file and --fusion-format",
            path=path,
        )
    check_fusion_build(data, build)
    return data


def check_fusion_build(data: FusionData, build: str) -> None:
    """Stop when the file's build, or a named breakpoint's gene, contradicts ``build``."""
    if data.declared_build and data.declared_build != build:
        raise BuildMismatchError(
            f"the fusion file is {data.declared_build} ({data.build_evidence}) but the VCF is "
            f"{build}; give files of one build",
            path=data.path,
        )
    other = next(b for b in BUILDS if b != build)
    if data.other_build_hits:
        # breakends in ALK/EML4 of the other build only: neither "absent" nor a mistyped fusion
        raise BuildMismatchError(
            f"{len(data.other_build_hits)} breakend(s) fall in ALK or EML4 only in {other} "
            f"(first: {data.other_build_hits[0]}) and none only in {build}: the SV file looks "
            f"{other}; give files of one build",
            path=data.path,
        )
    here, there = gene_spans(build), gene_spans(other)
    for call in data.calls:
        for gene, chrom, pos in (
            (call.gene5, call.chrom5, call.pos5),
            (call.gene3, call.chrom3, call.pos3),
        ):
            if gene not in here or not pos:
                continue
            s, t = here[gene], there[gene]
            if s.chrom == chrom and s.start - BREAKPOINT_MARGIN <= pos <= s.end + BREAKPOINT_MARGIN:
                continue
            fits_other = (
                t.chrom.removeprefix("chr") == chrom.removeprefix("chr") and t.start <= pos <= t.end
            )
            where = f"{call.record}: the {gene} breakpoint {chrom}:{pos}"
            raise BuildMismatchError(
                f"{where} is outside {gene} in {build} ({s.chrom}:{s.start}-{s.end})"
                + (
                    f" but inside it in {other}: the fusion file looks {other}; give files of one "
                    "build"
                    if fits_other
                    else "; check the file's build and breakpoints"
                ),
                path=data.path,
            )
