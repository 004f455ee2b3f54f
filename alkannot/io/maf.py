"""MAF (Mutation Annotation Format) as an alternative to the VCF: cBioPortal, OncoKB annotator,
vcf2maf (GDC MAF columns, ``#version`` lines allowed).

The build comes from ``NCBI_Build`` (one value for the whole file, or an error), the sample from
``Tumor_Sample_Barcode`` (one sample or an error naming them), the VAF from
``t_alt_count / (t_alt_count + t_ref_count)`` and the depth from ``t_depth``. Coordinates are
converted to VCF alleles (an indel needs its anchor base: from the bundled ALK slice or
``--reference``) and re-annotated by the engine like any VCF record; the protein change of the
first of :data:`PROTEIN_COLUMNS` the file has (``HGVSp_Short`` of GDC/vcf2maf, ``Protein_Change``
of TCGA/maftools, ``amino_acid_change``, the long ``HGVSp``) is kept as an external annotation and
cross-checked, as VEP's is. Rows without coordinates are listed in the skipped table, never read
from their protein change alone. A MAF is recognised by its header also through gzip/bgzip
(``.maf.gz`` as GDC, TCGA and maftools ship them).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from alkannot.bounds import PERCENT, READS, VAF, OutOfRange, parse_checked
from alkannot.errors import BuildMismatchError, ConfigError, InputFormatError
from alkannot.genome.build import build_of_label, canonical_contig, normalise_build
from alkannot.genome.models import ANNOTATION_GENES
from alkannot.genome.sequence import OutsideSliceError
from alkannot.hgvs import normalise_protein_change, one_to_three
from alkannot.io.tables import NULL_TOKENS, choose_sample, read_lines
from alkannot.io.vcf import Regions, VcfData
from alkannot.models import ExternalAnnotation, SkippedRecord, Variant

WHAT = "MAF"
REQUIRED = (
    "Hugo_Symbol",
    "Chromosome",
    "Start_Position",
    "Reference_Allele",
    "Tumor_Seq_Allele2",
    "Tumor_Sample_Barcode",
)
#: Columns holding the protein change, in order of preference; the first one a row fills is used.
PROTEIN_COLUMNS = ("HGVSp_Short", "Protein_Change", "amino_acid_change", "HGVSp")


def _header(lines: list[str]) -> tuple[int, list[str]]:
    for i, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            return i, [c.strip() for c in line.split("\t")]
    return len(lines), []


def is_maf(path: str) -> bool:
    """Whether the file's first table row is a MAF header (Hugo_Symbol ... Tumor_Sample_Barcode)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
        if head[:2] == b"\x1f\x8b":  # gzip or BGZF: the text at the start of the first member
            # (a truncated file still shows its header; reading it whole then says it is broken)
            head = zlib.decompressobj(wbits=31).decompress(head, 1 << 16)
    except (OSError, EOFError, zlib.error):
        return False
    for line in head.decode("utf-8", errors="replace").splitlines():
        if line.strip() and not line.startswith("#"):
            cols = {c.strip().lower() for c in line.split("\t")}
            return {"hugo_symbol", "tumor_sample_barcode"} <= cols or {
                "hugo_symbol",
                "ncbi_build",
                "chromosome",
            } <= cols
    return False


def input_format(path: str, forced: str | None = None) -> str:
    """``"maf"`` or ``"vcf"``: what the annotate input is, from its content or checked against it.

    Raises
    ------
    ConfigError
        ``forced`` is neither ``vcf`` nor ``maf``.
    InputFormatError
        ``forced`` is ``vcf`` but the file starts with a MAF header.
    """
    if forced not in (None, "vcf", "maf"):
        raise ConfigError(f"--input-format must be vcf or maf, not {forced!r}")
    found = is_maf(path)
    if forced == "vcf" and found:
        raise InputFormatError(
            "--input-format vcf, but the file starts with a MAF header (Hugo_Symbol ... "
            "Tumor_Sample_Barcode), not '##fileformat=VCF'; use --input-format maf or leave it out",
            path=path,
        )
    return forced or ("maf" if found else "vcf")


def _int(text: str) -> int | None:
    try:
        v = int(float(text))
    except (ValueError, OverflowError):
        return None
    return v if v >= 0 else None


def _count(row, get, name: str) -> int | None:
    """A read count of the row (None when blank); :class:`OutOfRange` when impossible."""
    v = parse_checked(get(row, name), READS, name)
    return None if v is None else int(v)


def read_maf(
    path: str,
    regions: Callable[[str], Regions],
    sample: str | None = None,
    build: str | None = None,
    fasta: str | None = None,
) -> VcfData:
    """Read one sample's target-region rows of a MAF as :class:`~alkannot.io.vcf.VcfData`.

    Raises
    ------
    InputFormatError
        Missing columns, non-numeric positions, rows of several builds, no row read.
    SampleNotFoundError
        Several samples and none (or an absent one) chosen.
    BuildMismatchError
        No build in the file and no ``--build``, or ``--build`` contradicting ``NCBI_Build``.
    """
    from alkannot.genome.sequence import ReferenceSequence

    lines = read_lines(path, WHAT)
    h, cols = _header(lines)
    idx = {c: i for i, c in enumerate(cols)}
    low = {c.lower(): i for i, c in enumerate(cols)}
    missing = [c for c in REQUIRED if c.lower() not in low]
    if missing:
        raise InputFormatError(
            f"expected a MAF header with {', '.join(REQUIRED)}; missing {', '.join(missing)} "
            f"(found: {' '.join(cols[:6])[:80]!r}); is this a MAF (--input-format)?",
            path=path,
            record=f"line {h + 1}",
        )
    rows = [(n, x.split("\t")) for n, x in enumerate(lines[h + 1 :], start=h + 2)]
    rows = [(n, r) for n, r in rows if "".join(r).strip() and not r[0].startswith("#")]
    # a header and no rows is a valid empty result (no mutation called), as a header-only VCF

    def get(row: list[str], name: str) -> str:
        i = idx.get(name, low.get(name.lower()))
        v = row[i].strip() if i is not None and i < len(row) else ""
        return "" if v in NULL_TOKENS else v

    samples = list(dict.fromkeys(get(r, "Tumor_Sample_Barcode") for _, r in rows))
    chosen = choose_sample([s for s in samples if s], sample, path, WHAT) or ""
    mine = [(n, r) for n, r in rows if get(r, "Tumor_Sample_Barcode") == chosen]
    builds = {get(r, "NCBI_Build") for _, r in mine if get(r, "NCBI_Build")}
    build, evidence = _build(builds, build, path, bool(rows))
    data = VcfData(
        path=path,
        build=build,
        build_evidence=evidence,
        sample=chosen,
        normal_sample=None,
        caller="MAF",
        annotator=next((f"{c} column" for c in PROTEIN_COLUMNS if c.lower() in low), ""),
    )
    target = regions(build)
    reference = ReferenceSequence(build, fasta)
    without = [n for n, row in mine if _checked_row(data, n, row, get, build, target, reference)]
    if mine and len(without) == len(mine):
        # every row lacks coordinates: "no mutation found" would be a confident wrong answer
        raise InputFormatError(
            f"none of the {len(mine)} row(s) of sample {chosen!r} has genomic coordinates "
            "(Chromosome, Start_Position, Reference_Allele); alkannot names changes from "
            "coordinates, never from a protein change alone",
            path=path,
            record=f"line {without[0]}",
        )
    data.variants.sort(key=lambda v: (v.chrom, v.pos, v.ref, v.alt))
    return data


def _build(builds: set[str], build: str | None, path: str, has_rows: bool) -> tuple[str, str]:
    """The build and its evidence: ``--build``, checked against NCBI_Build, else NCBI_Build."""
    if len(builds) > 1:
        raise InputFormatError(
            f"rows of several builds in NCBI_Build ({', '.join(sorted(builds))})", path=path
        )
    declared = build_of_label(builds.pop(), path) if builds else None
    if build:
        build = normalise_build(build)
        if declared and declared != build:
            raise BuildMismatchError(
                f"--build {build} contradicts the MAF's NCBI_Build ({declared})", path=path
            )
        return build, "--build"
    if declared:
        return declared, "NCBI_Build column"
    what = "no NCBI_Build values" if has_rows else "a header and no rows, so no NCBI_Build value"
    raise BuildMismatchError(
        f"the MAF has {what}; pass --build GRCh37 or --build GRCh38", path=path
    )


#: VAF columns of MAFs without read counts: (column, scale): MuTect's ``tumor_f`` is a fraction,
#: WashU's ``i_TumorVAF_WU`` (TCGA, maftools' tcga_laml) a percentage
VAF_COLUMNS = (("tumor_f", 1.0), ("i_TumorVAF_WU", 100.0))


def _checked_row(data: VcfData, n: int, row, get, build: str, target, reference) -> bool:
    """Read one row; True when it has no coordinates. An impossible count or VAF skips it."""
    try:
        return _row(data, n, row, get, build, target, reference) is False
    except OutOfRange as e:  # an impossible count: the row is not evidence
        data.skipped.append(SkippedRecord(data.path, f"line {n}", str(e), "out_of_range"))
        return False


def _support(row: list[str], get) -> tuple[int | None, float | None, int | None, str]:
    """(ALT reads, VAF, depth, where the VAF came from): the read counts, else a VAF column."""
    alt_reads, ref_reads = _count(row, get, "t_alt_count"), _count(row, get, "t_ref_count")
    depth = _count(row, get, "t_depth")
    if alt_reads is not None and ref_reads is not None and alt_reads + ref_reads > 0:
        depth = depth if depth is not None else alt_reads + ref_reads
        vaf = alt_reads / (alt_reads + ref_reads)
        return alt_reads, vaf, depth, "MAF t_alt_count/(t_alt_count+t_ref_count)"
    vaf, source = _vaf_column(row, get)
    return alt_reads, vaf, depth, source


def _vaf_column(row: list[str], get) -> tuple[float | None, str]:
    """The VAF from a VAF column, when the row has one in range; else (None, "")."""
    for column, scale in VAF_COLUMNS:
        # a number outside its range is OutOfRange (the row is skipped), never passed over
        value = parse_checked(get(row, column), VAF if scale == 1.0 else PERCENT, column)
        if value is not None:
            return value / scale, f"MAF {column}" + (" (%)" if scale != 1.0 else "")
    return None, ""


def _protein(row: list[str], get) -> tuple[str, str]:
    """(column, protein change as written) from the first protein column the row fills."""
    for column in PROTEIN_COLUMNS:
        if value := get(row, column):
            return column, value
    return "", ""


def _vcf_alleles(reference, chrom: str, start: int, ref: str, alt: str):
    """(pos, REF, ALT) in VCF form (an indel gains its anchor base), or why it cannot be."""
    pos = start
    if "-" in (ref, alt):
        try:
            pos = start - 1 if alt == "-" else start
            anchor = reference.fetch(chrom, pos, pos)
        except OutsideSliceError:
            return (
                "MAF indel: its VCF anchor base is outside the bundled ALK slice; pass "
                "--reference genome.fa"
            )
        ref, alt = (anchor + ref, anchor) if alt == "-" else (anchor, anchor + alt)
    if set(ref + alt) - set("ACGT"):
        return "alleles are not DNA"
    return pos, ref, alt


def _row(data: VcfData, n: int, row, get, build: str, target: Regions, reference) -> bool:
    """Read one row into ``data``; False when it has no coordinates (then skipped with why)."""
    gene = get(row, "Hugo_Symbol")
    chrom_raw, start = get(row, "Chromosome"), _int(get(row, "Start_Position"))
    ref = get(row, "Reference_Allele").upper()
    alt = get(row, "Tumor_Seq_Allele2").upper()
    if alt == ref:
        alt = get(row, "Tumor_Seq_Allele1").upper()
    column, written = _protein(row, get)
    label = f"line {n} ({gene} {written})".replace(" )", ")")
    if not chrom_raw or start is None or not ref:
        data.skipped.append(
            SkippedRecord(
                data.path,
                label,
                "no genomic coordinates or alleles: alkannot names changes from coordinates, "
                "never from a protein change alone",
                "no_coordinates",
            )
        )
        return False
    chrom = canonical_contig(chrom_raw, build)
    end = start + max(len(ref), 1) - 1
    spans = target.get(chrom, ())
    if not any(start <= e and end >= s for s, e in spans) and gene not in ANNOTATION_GENES:
        return True
    data.records_examined += 1
    alt_reads, vaf, depth, vaf_source = _support(row, get)
    locus = f"{chrom_raw}:{start}"
    if not alt or alt == ref:
        raise InputFormatError(
            f"Tumor_Seq_Allele1/2 equal Reference_Allele {ref}: not a variant; fix or remove the row",
            path=data.path,
            record=f"line {n} ({locus})",
        )
    alleles = _vcf_alleles(reference, chrom, start, ref, alt)
    if isinstance(alleles, str):
        data.skipped.append(
            SkippedRecord(
                data.path,
                f"{locus} {ref}>{alt}",
                alleles,
                "needs_reference" if "--reference" in alleles else "malformed",
                vaf=vaf,
                depth=depth,
            )
        )
        return True
    pos, ref, alt = alleles
    data.variants.append(
        Variant(
            chrom=chrom,
            pos=pos,
            ref=ref,
            alt=alt,
            filter=tuple(get(row, "FILTER").split(";")) if get(row, "FILTER") else (".",),
            vaf=vaf,
            depth=depth,
            alt_depth=alt_reads,
            vaf_source=vaf_source,
            sample=data.sample,
            record=locus,
            annotations=(_annotation(row, get, alt, column, written),) if gene else (),
        )
    )
    return True


def _annotation(row: list[str], get, alt: str, column: str, written: str) -> ExternalAnnotation:
    """The row's own protein change (and c. change), to be cross-checked like VEP's."""
    short = normalise_protein_change(written)
    return ExternalAnnotation(
        source="MAF",
        allele=alt,
        gene=get(row, "Hugo_Symbol"),
        transcript=get(row, "Transcript_ID") or column or "MAF",
        consequence=get(row, "Variant_Classification"),
        hgvsc=get(row, "HGVSc"),
        # 3-letter like VEP's HGVSp; an unparseable text is kept as written, and reported so
        hgvsp=one_to_three(short) if short else written,
    )
