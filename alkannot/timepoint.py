"""Stages 1 and 2 of one sample: read each time point into findings; check the inputs agree.

A time point's VCF or MAF, copy-number and fusion files are read by their readers (``io``) and
turned into findings by the annotator (``annotate``, ``copynumber``, ``fusion``). The tables
must be of the VCF's build and sample; the baseline must be of the re-biopsy's build.

Layer: a stage, above the readers and the decision modules, below ``api``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from alkannot.annotate import (
    COPY_NUMBER_GENES,
    MUTATION_GENES,
    check_reference_alleles,
    copy_number_findings,
    fusion_findings,
    non_kinase_alk_calls,
    target_regions,
    variant_findings,
)
from alkannot.errors import ConfigError
from alkannot.genome.codons import check_codon_reference
from alkannot.genome.sequence import ReferenceSequence
from alkannot.models import Finding, SkippedRecord, Thresholds
from alkannot.request import TimePoint


@dataclass
class TimePointData:
    """One time point's parsed inputs and what they yielded."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    copy_number: list = field(default_factory=list)
    fusions: list = field(default_factory=list)
    fusion_status: str = "not_assessed"
    variants_examined: int = 0
    not_translated: int = 0
    non_coding: int = 0
    build: str = ""
    vcf_sample: str = ""
    vcf_normal: str = ""  # the VCF's normal column, when it declares or names one
    formats: dict[str, str] = field(default_factory=dict)


def read_timepoint(
    tp: TimePoint,
    *,
    build: str | None,
    reference: ReferenceSequence | None,
    fasta: str | None,
    thresholds: Thresholds,
    catalogue,
    table_sample: str | None = None,
) -> tuple[TimePointData, ReferenceSequence]:
    """Read one time point's variants, copy number and fusions into findings.

    ``build`` (given or from the BAM) is checked against the VCF's; ``reference`` is reused when
    it is of the time point's build. ``table_sample`` (``--sample-name``, or the baseline's
    ``--baseline-sample``) picks the sample of multi-sample tables; without it a table must hold
    the VCF's tumour sample.

    Returns
    -------
    tuple
        The time point's data and the reference sequence of its build.
    """
    out = TimePointData()
    if tp.vcf is None:  # reads only (--bam): the build comes from the BAM header
        out.build = str(build)
        if reference is None or reference.build != out.build:
            reference = ReferenceSequence(out.build, fasta)
    else:
        reference = _read_variants(tp, out, build, reference, fasta, thresholds, catalogue,
                                   table_sample)  # fmt: skip
    # without --sample-name, a multi-sample table must hold the VCF's (or MAF's) tumour sample;
    # a sample named by the user must be the table's own (a single-sample table of another id is
    # accepted, with a warning, only when the name was not given explicitly)
    explicit = bool(table_sample)
    table_sample = table_sample or out.vcf_sample or None
    if tp.cnv:
        _read_copy_number(tp, out, thresholds, catalogue, table_sample, explicit)
    if tp.fusions:
        _read_fusions(tp, out, table_sample, explicit, catalogue)
    return out, reference


def _read_variants(tp, out, build, reference, fasta, thresholds, catalogue, table_sample):
    from alkannot.io.maf import input_format, read_maf
    from alkannot.io.vcf import read_vcf, sample_columns

    label, vcf = tp.label, tp.vcf
    regions = lambda b: target_regions(b, (*MUTATION_GENES, "EML4"))  # noqa: E731
    if input_format(vcf, tp.input_format) == "maf":  # a forced format is checked first
        data = read_maf(
            vcf, regions, sample=tp.vcf_sample or table_sample, build=build, fasta=fasta
        )
    else:
        # a VCF holding both time points: the time point's own sample names its column
        own = tp.sample if tp.sample and tp.sample in sample_columns(vcf) else None
        data = read_vcf(vcf, regions, sample=tp.vcf_sample or own, build=build)
    out.build, out.vcf_sample = data.build, data.sample
    out.vcf_normal = data.normal_sample or ""
    out.formats["vcf"] = " ".join(x for x in (data.caller, data.annotator) if x)
    out.warnings += [f"{label} VCF: {w}" for w in data.warnings]
    out.variants_examined = data.records_examined
    if reference is None or reference.build != data.build:
        reference = ReferenceSequence(data.build, fasta)
    check_reference_alleles(data.variants, reference, vcf)
    check_codon_reference(data.variants, data.build, vcf)
    eml4 = [v for v in data.variants if _in_gene(v, "EML4", data.build)]
    rest = [v for v in data.variants if not _in_gene(v, "EML4", data.build)]
    va = variant_findings(
        rest, data.build, reference, catalogue, thresholds, purity=tp.purity,
        specimen=tp.specimen_type,
    )  # fmt: skip
    out.findings += va.findings
    out.warnings += [f"{label}: {w}" for w in va.warnings]
    role = "maf" if data.caller == "MAF" else "vcf"
    out.skipped += _as_source(role, data.skipped + va.skipped + _eml4_skipped(eml4))
    out.not_translated = va.not_translated
    out.non_coding = va.non_coding
    return reference


def _read_copy_number(tp, out, thresholds, catalogue, table_sample, explicit) -> None:
    from alkannot.copynumber import gene_copy_numbers
    from alkannot.io.cnv import read_cnv

    label, build = tp.label, out.build
    cn = _by_either_name(read_cnv, tp.vcf_sample, tp.cnv, build, tp.cnv_format, table_sample)
    out.formats["cnv"] = cn.format
    out.warnings += _other_sample(
        f"{label} copy number", cn.sample, table_sample, explicit, tp.cnv, tp.vcf_sample
    )
    out.skipped += _as_source("cnv", cn.skipped)
    out.warnings += [f"{label} copy number: {w}" for w in cn.warnings]
    folds = {
        g: th["fold"]
        for g in COPY_NUMBER_GENES
        if (th := catalogue.amplification_threshold(g)) is not None
    }
    out.copy_number = gene_copy_numbers(
        cn,
        build,
        COPY_NUMBER_GENES,
        purity=tp.purity,
        ploidy=tp.ploidy,
        amplification_folds=folds,
        focal_max_bp=thresholds.focal_max_bp,
    )
    out.findings += copy_number_findings(out.copy_number, catalogue)


def _read_fusions(tp, out, table_sample, explicit, catalogue=None) -> None:
    from alkannot.fusion import summarise_fusion_status, type_alk_fusion
    from alkannot.io.fusions import read_fusions

    label, build = tp.label, out.build
    fd = _by_either_name(
        read_fusions, tp.vcf_sample, tp.fusions, build, tp.fusion_format, table_sample
    )
    out.formats["fusions"] = fd.format
    out.warnings += _other_sample(
        f"{label} fusions", fd.sample, table_sample, explicit, tp.fusions, tp.vcf_sample
    )
    out.skipped += _as_source("fusions", fd.skipped)
    out.warnings += [f"{label} fusions: {w}" for w in fd.warnings]
    out.fusions = [type_alk_fusion(c, build) for c in fd.calls]
    out.fusion_status = summarise_fusion_status(fd)
    out.findings += fusion_findings(out.fusions, catalogue)
    out.skipped += non_kinase_alk_calls(out.fusions, "fusions")


def check_same_build(now: TimePointData, base: TimePointData, path: str | None) -> None:
    """Both time points must be on one build.

    Raises
    ------
    ConfigError
        Naming the baseline VCF and both builds.
    """
    if base.build != now.build:
        raise ConfigError(
            f"the baseline VCF is {base.build} but the re-biopsy is {now.build}; both time "
            "points must be on the same build",
            path=path,
        )


def _by_either_name(reader, stated, path, build, fmt, table_sample):
    """Read a copy-number or fusion table for ``table_sample``; a multi-sample table without it
    is read for the tumour's name the user stated (``--sample``), when it holds that one."""
    from alkannot.errors import SampleNotFoundError

    try:
        return reader(path, build, fmt=fmt, sample=table_sample)
    except SampleNotFoundError:
        if not stated or stated == table_sample:
            raise
        return reader(path, build, fmt=fmt, sample=stated)


def _other_sample(
    what: str,
    used: str,
    requested: str | None,
    explicit: bool,
    path: str,
    stated: str | None = None,
) -> list[str]:
    """A single-sample table of another sample id: refused when the user named the sample,
    else used and said so (the default name comes from the VCF, whose ids often differ). The
    tumour's name the user stated for the files (``--sample``) is this sample's."""
    option = "--baseline-sample" if what.startswith("baseline") else "--sample-name"
    if requested and used and used not in (requested, stated):
        if explicit:
            from alkannot.errors import SampleNotFoundError

            raise SampleNotFoundError(
                f"sample {requested!r} is not in the {what.split(' ', 1)[-1]} file; its only "
                f"sample is {used!r}; pass the matching {option} or the right file",
                path=path,
            )
        return [f"{what}: the file's only sample is {used!r}, not {requested!r}; it was used"]
    return []


def _in_gene(v, gene: str, build: str) -> bool:
    from alkannot.genome.models import gene_spans

    s = gene_spans(build)[gene]
    return v.chrom == s.chrom and v.pos <= s.end and v.pos + len(v.ref) - 1 >= s.start


def _eml4_skipped(variants) -> list[SkippedRecord]:
    """EML4 point variants are examined and listed: the catalogue holds none, the fusion is
    assessed from --fusions."""
    return [
        SkippedRecord(
            "vcf",
            f"{v.record} {v.ref}>{v.alt}",
            "in EML4 (the usual ALK fusion partner): EML4 point variants are not catalogued "
            "resistance mechanisms; the fusion itself is assessed from --fusions",
            "eml4_variant",
            vaf=v.vaf,
            depth=v.depth,
        )
        for v in variants
    ]


def _as_source(role: str, records: list[SkippedRecord]) -> list[SkippedRecord]:
    """One ``source`` per input role (``vcf``, ``cnv``, ``fusions``) whatever the reader wrote."""
    return [replace(s, source=role) for s in records]
