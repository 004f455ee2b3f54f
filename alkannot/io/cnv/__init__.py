"""Copy-number readers: one module per format, the readers table here (as CNVkit's ``tabio``).

Formats (detected from the header; ``fmt=`` overrides): CNVkit ``.cns``/``.call.cns``/``.cnr``
(0-based half-open, log2, ``cn`` when called), GATK ``.cr.seg``/``.modelFinal.seg``/``.called.seg``
(SAM-style ``@`` header, 1-based), DNAcopy/IGV/cBioPortal SEG (multi-sample, quoted headers),
PURPLE ``.purple.cnv.somatic.tsv`` and ``.purple.cnv.gene.tsv``, allele-specific segments
(ASCAT; PCGR ``Chromosome Start End nMajor nMinor``), copy number in VCF, and gene-level tables
(cBioPortal/GISTIC/OncoKB discrete -2..2, wide or long). Every reader returns 1-based inclusive
:class:`~alkannot.models.Segment` rows on canonical contigs, of one sample.

After reading, :func:`read_cnv` checks what the file yielded: something, one sample, no
overlaps, and the build: the build the file declares, and the genes it names on its rows, must
agree with the build in use. "Empty" follows the fusion files' rule where a tool can write an
empty file: a CNV VCF lists only the changes called, so one with a header and no record is a
valid result (no copy-number change called; the genes are then not assessed, never "normal").
Segment tables cannot be empty: CNVkit, GATK, SEG, PURPLE, ASCAT and PCGR write a segment for
every region they covered, normal ones included, and gene tables a row per profiled gene, so a
header without rows is a failed or truncated run and an error, as is a file whose rows were all
unusable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alkannot.bounds import COPY_NUMBER, LOG2
from alkannot.errors import BuildMismatchError, InputFormatError
from alkannot.genome.build import BUILDS, primary_length
from alkannot.genome.models import gene_spans
from alkannot.io.cnv.ascat import read_ascat
from alkannot.io.cnv.base import CnvData, header, lines_of
from alkannot.io.cnv.cnvkit import read_cnvkit
from alkannot.io.cnv.gatk import read_gatk
from alkannot.io.cnv.gene_table import GENE_COLUMNS, read_gene_table
from alkannot.io.cnv.purple import read_purple
from alkannot.io.cnv.seg import read_seg, seg_columns
from alkannot.io.cnv.vcf import read_cnv_vcf
from alkannot.models import SkippedRecord

__all__ = ["FORMATS", "CnvData", "detect_cnv_format", "read_cnv"]

_READERS: dict[str, Callable[[str, str, str | None], CnvData]] = {
    "cnvkit": read_cnvkit,
    "gatk": read_gatk,
    "seg": read_seg,
    "purple": read_purple,
    "purple_gene": read_gene_table,
    "ascat": read_ascat,
    "vcf": read_cnv_vcf,
    "gene_table": read_gene_table,
}
FORMATS = tuple(_READERS)
#: Header columns (lower case) each table format writes: which formats could fit a file
SIGNATURES = {
    "cnvkit": ("chromosome", "start", "end", "gene", "log2"),
    "gatk": ("contig", "start", "end", "num_points_copy_ratio", "mean_log2_copy_ratio"),
    "seg": ("id", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean"),
    "purple": ("chromosome", "start", "end", "copynumber"),
    "purple_gene": ("gene", "mincopynumber", "maxcopynumber"),
    "ascat": ("chr", "startpos", "endpos", "nmajor", "nminor"),
    "gene_table": ("hugo_symbol", "gene", "entrez_gene_id"),
}
#: How far from a gene a row naming it may lie (bins labelled with a gene they flank). The builds
#: differ by more than this at ALK, EML4, MET, KIT and IGF1R (genes.tsv), so a row of the other
#: build is still told apart there.
NAMED_GENE_MARGIN = 150_000


def detect_cnv_format(path: str | Path) -> str:
    """Name the format of a copy-number file from its header."""
    lines = lines_of(str(path))
    if lines[0].startswith("##fileformat=VCF"):
        return "vcf"
    _, cols, _ = header(lines, str(path))
    low = {c.lower() for c in cols}
    if {"chromosome", "start", "end", "log2"} <= low:
        return "cnvkit"
    if {"contig", "start", "end"} <= low:
        return "gatk"
    if {"chromosome", "start", "end", "copynumber"} <= low:
        return "purple"
    if {"gene", "mincopynumber", "maxcopynumber"} <= low:
        return "purple_gene"
    if {"nmajor", "nminor"} <= low and (
        {"chr", "startpos", "endpos"} <= low or {"chromosome", "start", "end"} <= low
    ):
        return "ascat"
    if seg_columns(cols):
        return "seg"
    if low & set(GENE_COLUMNS) and not {"start", "end"} <= low:
        return "gene_table"
    if {"purity", "ploidy", "normfactor"} <= low:
        raise InputFormatError(
            "a PURPLE purity table (purity, ploidy), not copy-number calls: give its values with "
            "--purity and --ploidy, and the .purple.cnv.somatic.tsv as --cnv",
            path=str(path),
        )
    if {"peak_start", "peak_end", "region_start"} <= low:
        raise InputFormatError(
            "a GISTIC peak table (recurrent regions of a cohort, no sample's values), not one "
            "sample's copy number: give the sample's segments or its column of GISTIC's "
            "all_thresholded.by_genes table (cBioPortal data_cna.txt) as --cnv",
            path=str(path),
        )
    shared = {f: len(low & set(sig)) for f, sig in SIGNATURES.items()}
    fits = sorted((f for f, n in shared.items() if n), key=lambda f: (-shared[f], f))
    raise InputFormatError(
        f"unknown copy-number format (header: {' '.join(cols[:8])}); "
        + (
            f"formats sharing its columns: {', '.join(fits)}; pass --cnv-format"
            if fits
            else f"no known format has its columns; --cnv-format is one of {', '.join(FORMATS)}"
        ),
        path=str(path),
    )


#: What each format's header holds, for the forced-format message
EXPECTED = {
    "cnvkit": "chromosome, start, end, log2 (CNVkit .cns/.cnr)",
    "gatk": "'@' SAM-style lines, then CONTIG, START, END (GATK .seg)",
    "seg": "ID/sample, chrom, loc.start, loc.end, ..., seg.mean (SEG)",
    "purple": "chromosome, start, end, copyNumber (PURPLE .cnv.somatic.tsv)",
    "purple_gene": "gene, minCopyNumber, maxCopyNumber (PURPLE .cnv.gene.tsv)",
    "ascat": "chr/chromosome, startpos/start, endpos/end, nMajor, nMinor (ASCAT, PCGR)",
    "vcf": "a VCF ('##fileformat=VCF', '#CHROM')",
    "gene_table": "a gene column (Hugo_Symbol, gene) and values per sample, without start/end",
}


def check_forced_format(path: str, fmt: str) -> None:
    """A forced format must fit the content: one error naming what was expected and found."""
    if fmt not in _READERS:
        raise InputFormatError(
            f"unknown --cnv-format {fmt!r}; use one of {', '.join(FORMATS)}", path=path
        )
    try:
        found = detect_cnv_format(path)
    except InputFormatError:
        return  # unknown content: the reader checks its own columns
    # PURPLE's gene table is read by the gene-table reader: both names fit it
    if found == fmt or {found, fmt} == {"purple_gene", "gene_table"}:
        return
    lines = lines_of(path)
    _, cols, _ = header(lines, path) if not lines[0].startswith("##") else (0, lines[:1], [])
    raise InputFormatError(
        f"--cnv-format {fmt} does not fit: expected {EXPECTED[fmt]}; the content is {found} "
        f"(header: {' '.join(cols[:6])[:80]!r}); leave --cnv-format out or use --cnv-format "
        f"{found}",
        path=path,
    )


def read_cnv(
    path: str | Path, build: str, fmt: str | None = None, sample: str | None = None
) -> CnvData:
    """Read a copy-number file of any supported format, for one sample, in ``build``.

    Parameters
    ----------
    path
        The file (plain or gzipped text).
    build
        The build in use (the VCF's): the file must agree with it.
    fmt
        One of :data:`FORMATS`; default: detected.
    sample
        The sample to read from a multi-sample table (see
        :func:`alkannot.io.tables.choose_sample`).

    Raises
    ------
    InputFormatError
        Unknown format, missing column, non-numeric value, overlapping segments, nothing read.
    SampleNotFoundError
        Several samples and none (or an absent one) chosen.
    BuildMismatchError
        The file declares another build, or names genes where the build has none.
    """
    path = str(path)
    if fmt:
        check_forced_format(path, fmt)
    else:
        fmt = detect_cnv_format(path)
    data = _READERS[fmt](path, build, sample)
    _drop_out_of_range(data)
    if not data.segments:
        _empty_result(data, fmt)
    check_cnv_build(data, build)
    _check_overlaps(data)
    return data


def _drop_out_of_range(data: CnvData) -> None:
    """Segments whose copy number or log2 ratio is impossible go to the skipped table."""
    keep = []
    for s in data.segments:
        why = next(
            (
                rng.problem(v)
                for v, rng in ((s.copy_number, COPY_NUMBER), (s.log2, LOG2))
                if v is not None and rng.problem(v)
            ),
            None,
        )
        if why is None:
            keep.append(s)
        else:
            label = f"{s.gene}: " if s.gene else ""
            data.skipped.append(SkippedRecord(data.path, s.record, label + why, "out_of_range"))
    data.segments = keep


def _data_rows(data: CnvData, fmt: str) -> int:
    """Data rows of the file, usable or not (blank, ``#`` and header lines aside)."""
    lines = lines_of(data.path)
    if fmt == "vcf":
        return sum(1 for x in lines if x.strip() and not x.startswith("#"))
    h, _, _ = header(lines, data.path)
    return sum(1 for x in lines[h + 1 :] if x.strip() and not x.startswith("#"))


def _empty_result(data: CnvData, fmt: str) -> None:
    """Accept a CNV VCF without records (nothing called); refuse every other empty result."""
    rows = _data_rows(data, fmt)
    if fmt == "vcf" and rows == 0:
        data.warnings.append(
            "no copy-number change called: the CNV VCF has a header and no record (the genes "
            "are not assessed)"
        )
        return
    if rows == 0:
        raise InputFormatError(
            f"a header and no rows: a {fmt} file always lists segments (or genes), normal ones "
            "included, so an empty one is a failed or truncated run; check the caller's output",
            path=data.path,
        )
    first = f" (first: {data.skipped[0].record}: {data.skipped[0].reason})" if data.skipped else ""
    raise InputFormatError(
        f"no usable copy-number record was read as {fmt}: none of its {rows} data row(s) could "
        f"be used{first}; check the file and --cnv-format",
        path=data.path,
    )


def check_cnv_build(data: CnvData, build: str) -> None:
    """Stop when the file's declared build, or the genes it names, contradict ``build``.

    A chromosome 2 segment may not end beyond chromosome 2 of the build in use. A row naming a
    gene (CNVkit's ``gene`` column) must lie on or near (within :data:`NAMED_GENE_MARGIN`) that
    gene's span in the build in use; a row far from it that overlaps the gene in the other build
    shows the file is of the other build.
    """

    if data.declared_build and data.declared_build != build:
        raise BuildMismatchError(
            f"the copy-number file is {data.declared_build} ({data.build_evidence}) but the VCF "
            f"is {build}; give files of one build",
            path=data.path,
        )
    other = next(b for b in BUILDS if b != build)
    _check_segment_ends(data, build, other, only="2")
    spans = {b: gene_spans(b) for b in BUILDS}
    for record, chrom, start, end, genes in data.named:
        for gene in genes:
            if gene not in spans[build]:
                continue
            here, there = spans[build][gene], spans[other][gene]
            pad = NAMED_GENE_MARGIN
            if here.chrom == chrom and start <= here.end + pad and end >= here.start - pad:
                continue
            if there.chrom.removeprefix("chr") == chrom.removeprefix("chr") and (
                start <= there.end and end >= there.start
            ):
                raise BuildMismatchError(
                    f"{record} names {gene} at {chrom}:{start}-{end}, outside {gene} in {build} "
                    f"({here.chrom}:{here.start}-{here.end}) but inside it in {other}: the "
                    f"copy-number file looks {other}; give files of one build",
                    path=data.path,
                )
    # the named genes say more than a length, so the other chromosomes are looked at last
    _check_segment_ends(data, build, other)


def _check_segment_ends(data: CnvData, build: str, other: str, only: str | None = None) -> None:
    """A segment may not end beyond its chromosome in ``build`` yet within it in ``other``.

    Every primary chromosome whose lengths differ between the builds is looked at (``only``: one
    of them), chromosome 2 first: a whole-genome table need not reach the end of chromosome 2
    (PCGR's GRCh38 example ends it short of both lengths, but chromosome 3 beyond GRCh37's).
    """
    longest: dict[str, int] = {}
    for s in data.segments:
        bare = s.chrom.removeprefix("chr").removeprefix("CHR").upper()
        if only is None or bare == only:
            longest[bare] = max(longest.get(bare, 0), s.end)
    for bare in sorted(longest, key=lambda c: (c != "2", int(c) if c.isdigit() else 99, c)):
        end = longest[bare]
        here, there = primary_length(bare, build), primary_length(bare, other)
        if here is not None and there is not None and here < end <= there:
            raise BuildMismatchError(
                f"a chromosome {bare} segment ends at {end}, beyond its {build} length ({here}) "
                f"but within {other}'s ({there}): the copy-number file looks {other}; give files "
                "of one build",
                path=data.path,
            )


def _check_overlaps(data: CnvData) -> None:
    """Segments may come in any order; overlapping segments of one sample are an error.

    Adjacent segments that share their boundary base (common in SEG files) are accepted.
    """
    if data.format == "CNVkit" and data.path.endswith(".cnr"):
        return  # bins, not segments
    by_chrom: dict[str, list] = {}
    for s in data.segments:
        if s.chrom:
            by_chrom.setdefault(s.chrom, []).append(s)
    for segs in by_chrom.values():
        segs.sort(key=lambda s: (s.start, s.end))
        for a, b in zip(segs, segs[1:], strict=False):
            if b.start < a.end:
                raise InputFormatError(
                    f"segments overlap ({a.record}: {a.chrom}:{a.start}-{a.end} and "
                    f"{b.record}: {b.start}-{b.end}); one sample per file, "
                    "non-overlapping segments expected",
                    path=data.path,
                )
