"""MAF (Mutation Annotation Format) as an alternative to the VCF: cBioPortal, OncoKB annotator,
vcf2maf (GDC MAF columns, ``#version`` lines allowed).

The build comes from ``NCBI_Build`` (one value for the whole file, or an error), the sample from
``Tumor_Sample_Barcode`` (one sample or an error naming them), the VAF from
``t_alt_count / (t_alt_count + t_ref_count)`` and the depth from ``t_depth``. Coordinates are
converted to VCF alleles (an indel needs its anchor base: from the bundled ALK slice or
``--reference``) and re-annotated by the engine like any VCF record; ``HGVSp_Short`` is kept
as an external annotation and cross-checked, as VEP's is. Rows without coordinates are listed in
the skipped table, never read from their protein change alone.
"""

from __future__ import annotations

from collections.abc import Callable

from alkannot.bounds import READS, OutOfRange, parse_checked
from alkannot.errors import BuildMismatchError, InputFormatError
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
    except OSError:
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
            f"missing MAF column(s) {', '.join(missing)}; is this a MAF (--input-format)?",
            path=path,
            record=f"line {h + 1}",
        )
    rows = [(n, x.split("\t")) for n, x in enumerate(lines[h + 1 :], start=h + 2)]
    rows = [(n, r) for n, r in rows if "".join(r).strip() and not r[0].startswith("#")]
    if not rows:
        raise InputFormatError("the MAF has a header but no rows", path=path)

    def get(row: list[str], name: str) -> str:
        i = idx.get(name, low.get(name.lower()))
        v = row[i].strip() if i is not None and i < len(row) else ""
        return "" if v in NULL_TOKENS else v

    samples = list(dict.fromkeys(get(r, "Tumor_Sample_Barcode") for _, r in rows))
    chosen = choose_sample([s for s in samples if s], sample, path, WHAT) or ""
    mine = [(n, r) for n, r in rows if get(r, "Tumor_Sample_Barcode") == chosen]
    builds = {get(r, "NCBI_Build") for _, r in mine if get(r, "NCBI_Build")}
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
        evidence = "--build"
    elif declared:
        build, evidence = declared, "NCBI_Build column"
    else:
        raise BuildMismatchError(
            "the MAF has no NCBI_Build values; pass --build GRCh37 or --build GRCh38", path=path
        )
    data = VcfData(
        path=path,
        build=build,
        build_evidence=evidence,
        sample=chosen,
        normal_sample=None,
        caller="MAF",
        annotator="MAF HGVSp_Short" if "hgvsp_short" in low else "",
    )
    target = regions(build)
    reference = ReferenceSequence(build, fasta)
    for n, row in mine:
        try:
            _row(data, n, row, get, build, target, reference)
        except OutOfRange as e:  # an impossible count: the row is not evidence
            data.skipped.append(SkippedRecord(path, f"line {n}", str(e), "out_of_range"))
    data.variants.sort(key=lambda v: (v.chrom, v.pos, v.ref, v.alt))
    return data


def _row(data: VcfData, n: int, row, get, build: str, target: Regions, reference) -> None:
    gene = get(row, "Hugo_Symbol")
    chrom_raw, start = get(row, "Chromosome"), _int(get(row, "Start_Position"))
    ref = get(row, "Reference_Allele").upper()
    alt = get(row, "Tumor_Seq_Allele2").upper()
    if alt == ref:
        alt = get(row, "Tumor_Seq_Allele1").upper()
    label = f"line {n} ({gene} {get(row, 'HGVSp_Short') or ''})".replace(" )", ")")
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
        return
    chrom = canonical_contig(chrom_raw, build)
    end = start + max(len(ref), 1) - 1
    spans = target.get(chrom, ())
    if not any(start <= e and end >= s for s, e in spans) and gene not in ANNOTATION_GENES:
        return
    data.records_examined += 1
    alt_reads, ref_reads = _count(row, get, "t_alt_count"), _count(row, get, "t_ref_count")
    depth = _count(row, get, "t_depth")
    vaf = None
    if alt_reads is not None and ref_reads is not None and alt_reads + ref_reads > 0:
        vaf = alt_reads / (alt_reads + ref_reads)
        depth = depth if depth is not None else alt_reads + ref_reads
    locus = f"{chrom_raw}:{start}"
    if not alt or alt == ref:
        raise InputFormatError(
            f"Tumor_Seq_Allele1/2 equal Reference_Allele {ref}: not a variant; fix or remove the row",
            path=data.path,
            record=f"line {n} ({locus})",
        )
    if "-" in (ref, alt):
        try:
            pos = start - 1 if alt == "-" else start
            anchor = reference.fetch(chrom, pos, pos)
        except OutsideSliceError:
            data.skipped.append(
                SkippedRecord(
                    data.path,
                    f"{locus} {ref}>{alt}",
                    "MAF indel: its VCF anchor base is outside the bundled ALK slice; pass "
                    "--reference genome.fa",
                    "needs_reference",
                    vaf=vaf,
                    depth=depth,
                )
            )
            return
        ref, alt = (anchor + ref, anchor) if alt == "-" else (anchor, anchor + alt)
    else:
        pos = start
    if set(ref + alt) - set("ACGT"):
        data.skipped.append(
            SkippedRecord(data.path, f"{locus} {ref}>{alt}", "alleles are not DNA", "malformed")
        )
        return
    short = normalise_protein_change(get(row, "HGVSp_Short") or get(row, "HGVSp"))
    # 3-letter like VEP's HGVSp; an unparseable text is kept as written, and reported as such
    hgvsp = one_to_three(short) if short else get(row, "HGVSp_Short") or get(row, "HGVSp")
    ann = ExternalAnnotation(
        source="MAF",
        allele=alt,
        gene=gene,
        transcript=get(row, "Transcript_ID") or "HGVSp_Short",
        consequence=get(row, "Variant_Classification"),
        hgvsc=get(row, "HGVSc"),
        hgvsp=hgvsp,
    )
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
            vaf_source="MAF t_alt_count/(t_alt_count+t_ref_count)" if vaf is not None else "",
            sample=data.sample,
            record=locus,
            annotations=(ann,) if gene else (),
        )
    )
