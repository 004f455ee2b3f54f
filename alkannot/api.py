"""The Python API: annotate one sample, write its reports, summarise a cohort.

>>> from alkannot.api import annotate_sample, write_sample_reports
>>> result = annotate_sample("rebiopsy.vcf.gz", cnv="rebiopsy.cns", prior_therapy=["crizotinib"])
>>> write_sample_reports(result, "results/P01")  # doctest: +SKIP

The CLI and the Snakemake rules call these functions and nothing else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from alkannot import __version__
from alkannot.annotate import (
    COPY_NUMBER_GENES,
    MUTATION_GENES,
    check_reference_alleles,
    copy_number_findings,
    fusion_absent_finding,
    fusion_findings,
    mechanisms_found,
    target_regions,
    variant_findings,
)
from alkannot.checksums import BackgroundChecksums, file_checksum
from alkannot.errors import ConfigError, InputFileError
from alkannot.genome.build import normalise_build
from alkannot.genome.codons import check_codon_reference
from alkannot.genome.sequence import ReferenceSequence
from alkannot.io.bounds import MONTHS, PLOIDY, PURITY, QUALITY, VAF, require_option
from alkannot.models import (
    Finding,
    InputFile,
    SampleMetadata,
    SampleResult,
    SkippedRecord,
    Thresholds,
)
from alkannot.sample_identity import check_bam_sample, check_sample_name

#: Defaults of the quality flags. Variants below them are reported, marked as not passing, and do
#: not enter the drug matrix: 2% VAF and 20 reads are common reporting limits of tissue panels;
#: lower them for cell-free DNA.
DEFAULT_MIN_VAF = Thresholds().min_vaf
DEFAULT_MIN_DEPTH = Thresholds().min_depth
DEFAULT_MIN_ALT_READS = Thresholds().min_alt_reads
REPORT_FORMATS = ("tsv", "json", "html", "xlsx")
#: Formats written only when asked for: ``pdf`` needs a Chromium browser on the machine.
OPTIONAL_FORMATS = ("pdf",)


_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_sample_id(name: str) -> str:
    """Return a file-name-safe sample id: a name of letters, digits and ``._-`` (not starting
    with ``.``) is kept; any other has each run of other characters replaced by ``_`` and the
    first 8 hex digits of its SHA-256 appended (``Müller`` -> ``M_ller-<hash>``).

    Distinct names so never share report files (replacing characters alone made every
    non-ASCII name of one length the same file, a second patient overwriting the first).
    """
    if _SAFE_ID.fullmatch(name) and not name.startswith("."):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{_UNSAFE.sub('_', name).lstrip('.') or 'sample'}-{digest}"


def _require_file(path: str | Path | None, option: str) -> str | None:
    if path is None or str(path) == "":
        return None
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{option} file does not exist; check the path", path=str(p))
    if not p.is_file():
        raise InputFileError(f"{option} is not a regular file", path=str(p))
    return str(p)


@dataclass
class _Inputs:
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
    vcf_normal: str = ""
    formats: dict[str, str] = field(default_factory=dict)


def _read_timepoint(
    vcf: str | None,
    *,
    label: str,
    vcf_sample: str | None,
    build: str | None,
    reference: ReferenceSequence | None,
    fasta: str | None,
    cnv: str | None,
    cnv_format: str | None,
    fusions: str | None,
    fusion_format: str | None,
    purity: float | None,
    ploidy: float | None,
    thresholds: Thresholds,
    catalogue,
    table_sample: str | None = None,
    input_format: str | None = None,
) -> tuple[_Inputs, ReferenceSequence]:
    from alkannot.io.maf import is_maf, read_maf
    from alkannot.io.vcf import read_vcf

    out = _Inputs()
    if vcf is None:  # reads only (--bam): the build comes from the BAM header
        out.build = str(build)
        if reference is None or reference.build != out.build:
            reference = ReferenceSequence(out.build, fasta)
    else:
        regions = lambda b: target_regions(b, (*MUTATION_GENES, "EML4"))  # noqa: E731
        if input_format not in (None, "vcf", "maf"):
            raise ConfigError(f"--input-format must be vcf or maf, not {input_format!r}")
        if input_format == "maf" or (input_format is None and is_maf(vcf)):
            data = read_maf(
                vcf, regions, sample=vcf_sample or table_sample, build=build, fasta=fasta
            )
        else:
            data = read_vcf(vcf, regions, sample=vcf_sample, build=build)
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
        va = variant_findings(rest, data.build, reference, catalogue, thresholds, purity=purity)
        out.findings += va.findings
        out.warnings += [f"{label}: {w}" for w in va.warnings]
        role = "maf" if data.caller == "MAF" else "vcf"
        out.skipped += _as_source(role, data.skipped + va.skipped + _eml4_skipped(eml4))
        out.not_translated = va.not_translated
        out.non_coding = va.non_coding
    build = out.build
    # without --sample-name, a multi-sample table must hold the VCF's (or MAF's) tumour sample;
    # a sample named by the user must be the table's own (a single-sample table of another id is
    # accepted, with a warning, only when the name was not given explicitly)
    explicit = bool(table_sample)
    table_sample = table_sample or out.vcf_sample or None
    if cnv:
        from alkannot.copynumber import gene_copy_numbers
        from alkannot.io.cnv import read_cnv

        cn = read_cnv(cnv, build, fmt=cnv_format, sample=table_sample)
        out.formats["cnv"] = cn.format
        out.warnings += _other_sample(
            f"{label} copy number", cn.sample, table_sample, explicit, cnv
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
            purity=purity,
            ploidy=ploidy,
            amplification_folds=folds,
            focal_max_bp=thresholds.focal_max_bp,
        )
        out.findings += copy_number_findings(out.copy_number, catalogue)
    if fusions:
        from alkannot.fusion import summarise_fusion_status, type_alk_fusion
        from alkannot.io.fusions import read_fusions

        fd = read_fusions(fusions, build, fmt=fusion_format, sample=table_sample)
        out.formats["fusions"] = fd.format
        out.warnings += _other_sample(
            f"{label} fusions", fd.sample, table_sample, explicit, fusions
        )
        out.skipped += _as_source("fusions", fd.skipped)
        out.warnings += [f"{label} fusions: {w}" for w in fd.warnings]
        out.fusions = [type_alk_fusion(c, build) for c in fd.calls]
        out.fusion_status = summarise_fusion_status(fd)
        out.findings += fusion_findings(out.fusions)
    return out, reference


def annotate_sample(
    vcf: str | Path | None = None,
    *,
    sample_name: str | None = None,
    vcf_sample: str | None = None,
    build: str | None = None,
    reference: str | Path | None = None,
    cnv: str | Path | None = None,
    cnv_format: str | None = None,
    fusions: str | Path | None = None,
    fusion_format: str | None = None,
    baseline_vcf: str | Path | None = None,
    baseline_cnv: str | Path | None = None,
    baseline_fusions: str | Path | None = None,
    prior_therapy: Sequence[str] = (),
    cns_metastases: bool | None = None,
    purity: float | None = None,
    ploidy: float | None = None,
    min_vaf: float = DEFAULT_MIN_VAF,
    min_depth: int = DEFAULT_MIN_DEPTH,
    catalogue: str | Path | None = None,
    min_alt_reads: int = DEFAULT_MIN_ALT_READS,
    progressed_on: Sequence[str] | None = None,
    specimen_type: str | None = None,
    tumour_type: str | None = None,
    time_on_therapy: dict[str, float] | None = None,
    full_checksums: bool = False,
    input_format: str | None = None,
    bam: str | Path | None = None,
    baseline_bam: str | Path | None = None,
    rna_bam: str | Path | None = None,
    min_mapq: int = 20,
    min_base_quality: int = 20,
    max_detection_limit: float = 0.05,
) -> SampleResult:
    """Annotate one re-biopsy: find resistance mechanisms and build the drug matrix.

    Parameters
    ----------
    vcf
        Somatic VCF of the re-biopsy (plain or bgzipped; a tabix/CSI index makes it fast).
    sample_name
        Sample id for reports and file names; default: the VCF's tumour sample name.
    vcf_sample
        The VCF column holding the tumour (default: found from the header or sample names).
    build
        ``GRCh37``/``GRCh38`` (aliases hg19, hg38, ...); default: detected from the VCF header.
    reference
        Indexed FASTA of the same build, to translate ALK variants outside the bundled slice.
    cnv, cnv_format
        Copy-number calls (CNVkit, GATK, SEG, PURPLE, CNV VCF, gene tables) and optional format.
    fusions, fusion_format
        Fusion/SV calls (Manta/DELLY/GRIDSS VCF, Arriba, STAR-Fusion, FusionCatcher, table).
    baseline_vcf, baseline_cnv, baseline_fusions
        The pre-treatment sample's inputs; each finding is then acquired, pre-existing or lost.
    prior_therapy
        ALK inhibitors the patient received, in order (e.g. ``["crizotinib", "alectinib"]``).
    cns_metastases
        Brain/CNS involvement: changes drug ranking and wording, never a call.
    purity, ploidy
        Tumour content (0-1) and ploidy, used to adjust copy-number calls.
    min_vaf, min_depth, min_alt_reads
        Support rules: variants below them are reported but do not enter the drug matrix.
    catalogue
        A local catalogue YAML instead of the bundled one (its path and SHA-256 are reported).
    bam, baseline_bam, rna_bam
        Re-biopsy BAM/CRAM (enough without a VCF: the build comes from its header), the
        pre-treatment one, and spliced RNA alignments for phasing (see :mod:`alkannot.reads`).
        A CRAM needs ``reference``.
    min_mapq, min_base_quality, max_detection_limit
        Read filters, and the detection limit above which a site is ``not_evaluable``.
    progressed_on
        The prior therapies the tumour progressed on (default: all of ``prior_therapy``); a drug
        received but stopped for another reason (toxicity) stays eligible.
    specimen_type, tumour_type, time_on_therapy
        Clinical context printed on the reports, never used in a call: ``tissue`` or ``plasma``,
        the tumour type as free text, and months on each inhibitor (``{"crizotinib": 14}``).
    full_checksums
        Hash every input whole. By default an indexed VCF or FASTA, read by region, is hashed
        over its head, index and size (:mod:`alkannot.checksums`; ``InputFile.hashed`` says so).
    input_format
        ``"vcf"`` or ``"maf"``: what ``vcf`` is; default: told from its content (a MAF header).

    Returns
    -------
    SampleResult
        Findings, copy number, fusions, mechanisms, drug matrix, skipped records and inputs.

    Raises
    ------
    AlkannotError
        For any input problem the user can fix (the message names file, record and remedy).
    """
    from alkannot.catalogue import load_catalogue
    from alkannot.drugs import build_drug_matrix
    from alkannot.outdir import check_sample_id

    vcf = _require_file(vcf, "VCF")
    fasta = _require_file(reference, "--reference")
    bams = {
        "bam": _require_file(bam, "--bam"),
        "baseline_bam": _require_file(baseline_bam, "--baseline-bam"),
        "rna_bam": _require_file(rna_bam, "--rna-bam"),
    }
    if not vcf and not bams["bam"]:
        raise ConfigError("give a VCF, a --bam, or both")
    if (bams["baseline_bam"] or bams["rna_bam"]) and not bams["bam"]:
        raise ConfigError("--baseline-bam/--rna-bam need --bam as well")
    paths = {
        "cnv": _require_file(cnv, "--cnv"),
        "fusions": _require_file(fusions, "--fusions"),
        "baseline_vcf": _require_file(baseline_vcf, "--baseline-vcf"),
        "baseline_cnv": _require_file(baseline_cnv, "--baseline-cnv"),
        "baseline_fusions": _require_file(baseline_fusions, "--baseline-fusions"),
    }
    if (paths["baseline_cnv"] or paths["baseline_fusions"]) and not paths["baseline_vcf"]:
        raise ConfigError("--baseline-cnv/--baseline-fusions need --baseline-vcf as well")
    if not 0.0 <= min_vaf <= 1.0:
        raise ConfigError(f"--min-vaf must be between 0 and 1, not {min_vaf}")
    if min_depth < 0:
        raise ConfigError(f"--min-depth must be >= 0, not {min_depth}")
    if min_alt_reads < 0:
        raise ConfigError(f"--min-alt-reads must be >= 0, not {min_alt_reads}")
    thresholds = Thresholds(min_vaf=min_vaf, min_depth=min_depth, min_alt_reads=min_alt_reads)
    require_option(purity, PURITY, "--purity")
    require_option(max_detection_limit, VAF, "--max-detection-limit")
    require_option(min_mapq, QUALITY, "--min-mapq")
    require_option(min_base_quality, QUALITY, "--min-base-quality")
    require_option(ploidy, PLOIDY, "--ploidy")
    build = normalise_build(build) if build else None
    context = clinical_context(specimen_type, tumour_type, time_on_therapy)
    bam_sample = ""
    if bams["bam"]:
        from alkannot.reads import bam_build

        found, bam_sample = bam_build(bams["bam"], fasta, build)
        build = build or (None if vcf else found)
    roles = {"vcf": vcf, "reference": fasta, **paths, **bams}
    if catalogue is not None:
        roles["catalogue"] = _require_file(catalogue, "--catalogue")
    # Checksums of files read whole are computed on another core while the inputs are read
    # (hashlib releases the GIL); indexed inputs are hashed over head, index and size only.
    hasher = BackgroundChecksums({role: p for role, p in roles.items() if p}, full_checksums)
    try:
        cat = load_catalogue(catalogue)
        therapies = tuple(cat.canonical_drug(t) for t in prior_therapy if t.strip())
        progressed = (
            tuple(cat.canonical_drug(t) for t in progressed_on if t.strip())
            if progressed_on is not None
            else None
        )
        if progressed is not None and set(progressed) - set(therapies):
            raise ConfigError(
                "--progressed-on names a drug not in --prior-therapy: "
                + ", ".join(sorted(set(progressed) - set(therapies)))
            )
        months = {cat.canonical_drug(k): v for k, v in context.pop("time_on_therapy").items()}

        common = dict(
            build=build,
            fasta=fasta,
            purity=purity,
            ploidy=ploidy,
            thresholds=thresholds,
            catalogue=cat,
            cnv_format=cnv_format,
            fusion_format=fusion_format,
            table_sample=sample_name,
            input_format=input_format,
        )
        now, ref = _read_timepoint(
            vcf,
            label="re-biopsy",
            vcf_sample=vcf_sample,
            reference=None,
            cnv=paths["cnv"],
            fusions=paths["fusions"],
            **common,
        )
        findings = now.findings
        skipped = list(now.skipped)
        warnings = list(now.warnings)
        warnings += check_sample_name(sample_name, now.vcf_sample, now.vcf_normal, vcf)
        if paths["baseline_vcf"]:
            from alkannot.baseline import compare_with_baseline

            base, _ = _read_timepoint(
                paths["baseline_vcf"],
                label="baseline",
                vcf_sample=None,
                reference=ref,
                cnv=paths["baseline_cnv"],
                fusions=paths["baseline_fusions"],
                **common,
            )
            if base.build != now.build:
                raise ConfigError(
                    f"the baseline VCF is {base.build} but the re-biopsy is {now.build}; both time "
                    "points must be on the same build",
                    path=paths["baseline_vcf"],
                )
            skipped += [
                SkippedRecord(
                    f"baseline {s.source}", s.record, s.reason, s.category, s.vaf, s.depth
                )
                for s in base.skipped
            ]
            warnings += base.warnings
            assessed = {"mutation"}
            if paths["cnv"] and paths["baseline_cnv"]:
                assessed.add("copy_number")
            if paths["fusions"] and paths["baseline_fusions"]:
                assessed.add("fusion")
            findings = compare_with_baseline(findings, base.findings, assessed)
            base_fusion = base.fusion_status
        else:
            base = None
            base_fusion = "not_assessed"
        reads = None
        if bams["bam"]:
            from alkannot.reads.integrate import add_read_evidence

            reads, findings, base_fusion = add_read_evidence(
                bams, now, base, findings, ref, cat, fasta=fasta, vcf_given=bool(vcf),
                base_fusion=base_fusion, thresholds=thresholds,
                min_mapq=min_mapq, min_base_quality=min_base_quality,
                max_detection_limit=max_detection_limit,
            )  # fmt: skip
            warnings += check_bam_sample(bam_sample, now.vcf_sample, now.vcf_normal, bams["bam"])
            if reads.compounds_rephased:  # the VCF-only verdicts on compounds are replaced
                warnings = [w for w in warnings if "not treated as the compound" not in w]
            warnings += [f"reads: {w}" for w in reads.warnings]
        if now.fusion_status == "absent":
            kd = [
                f
                for f in findings
                if f.kind == "mutation"
                and f.gene == "ALK"
                and f.mechanism == "on_target_mutation"
                and f.baseline_status != "lost"
            ]
            absent = fusion_absent_finding(
                cat, base_fusion, purity=purity, thresholds=thresholds, kinase_domain_mutations=kd
            )
            findings.append(absent)
            if "contradiction" in absent.alteration:
                warnings.append(absent.significance)

        first = Path(vcf or bams["bam"]).name.split(".")[0]
        sample = safe_sample_id(sample_name or now.vcf_sample or bam_sample or first)
        check_sample_id(sample)
        metadata = SampleMetadata(
            sample=sample,
            prior_therapy=therapies,
            progressed_on=progressed,
            cns_metastases=cns_metastases,
            purity=purity,
            ploidy=ploidy,
            build=now.build,
            time_on_therapy=months,
            **context,
        )
        inputs = []
        for role in (role for role, p in roles.items() if p):
            rec = hasher.result(role)
            fmt = now.formats.get(role.removeprefix("baseline_"), "")
            inputs.append(InputFile(role, rec.path, rec.sha256, rec.size, fmt, hashed=rec.hashed))
        findings = sort_findings(findings)
        return SampleResult(
            sample=sample,
            build=now.build,
            metadata=metadata,
            findings=findings,
            variants_examined=now.variants_examined,
            copy_number=now.copy_number,
            fusions=now.fusions,
            fusion_status=_fusion_status(now.fusion_status, findings),
            mechanisms=mechanisms_found(findings),
            drugs=build_drug_matrix(findings, cat, metadata),
            not_assessed=not_assessed(cat, {**paths, **bams}, now.not_translated),
            skipped=skipped,
            warnings=warnings,
            inputs=inputs,
            tool_version=__version__,
            catalogue_version=cat.version,
            settings={
                **thresholds.as_dict(),
                "vcf_sample": now.vcf_sample,
                "sample_name": sample_name or now.vcf_sample,
                **run_configuration(cat, now.build, catalogue is not None),
            },
            reads=reads,
        )
    finally:
        hasher.cancel()


SPECIMEN_TYPES = ("tissue", "plasma")


def parse_time_on_therapy(text: str | None) -> dict[str, str]:
    """Split ``"crizotinib=14,alectinib=9.5"`` (months; ``,`` or ``;`` between drugs).

    Raises
    ------
    ConfigError
        An item without ``=`` (the numbers are checked by :func:`clinical_context`).
    """
    out = {}
    for item in re.split(r"[,;]", text or ""):
        if not item.strip():
            continue
        drug, sep, months = item.partition("=")
        if not sep or not drug.strip():
            raise ConfigError(
                f"time on therapy {item.strip()!r} must be DRUG=MONTHS, e.g. crizotinib=14"
            )
        out[drug.strip()] = months.strip()
    return out


def clinical_context(
    specimen_type: str | None, tumour_type: str | None, time_on_therapy: dict[str, float] | None
) -> dict:
    """Check the optional clinical inputs; return them as :class:`SampleMetadata` keywords.

    Raises
    ------
    ConfigError
        An unknown specimen type, or a time on therapy that is not a non-negative number.
    """
    specimen = (specimen_type or "").strip().lower() or None
    if specimen is not None and specimen not in SPECIMEN_TYPES:
        raise ConfigError(
            f"--specimen-type must be one of {', '.join(SPECIMEN_TYPES)}, not {specimen_type!r}"
        )
    months: dict[str, float] = {}
    for drug, value in (time_on_therapy or {}).items():
        try:
            months[str(drug).strip()] = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"--time-on-therapy for {drug}: months must be a number, not {value!r}"
            ) from None
        require_option(months[str(drug).strip()], MONTHS, f"--time-on-therapy for {drug}")
    return {
        "specimen_type": specimen,
        "tumour_type": (tumour_type or "").strip() or None,
        "time_on_therapy": months,
    }


def run_configuration(cat, build: str, local: bool) -> dict:
    """What a reader needs to reproduce the run: transcripts and the catalogue's identity."""
    from alkannot.genome.models import transcripts

    models = transcripts(build)
    return {
        "transcripts": {g: f"{t.name} ({t.ensembl})" for g, t in sorted(models.items())},
        "catalogue": {
            "name": cat.name,
            "version": cat.version,
            "path": str(cat.path) if local else "bundled",
            "sha256": file_checksum(cat.path).sha256,
        },
    }


def _other_sample(
    what: str, used: str, requested: str | None, explicit: bool, path: str
) -> list[str]:
    """A single-sample table of another sample id: refused when the user named the sample,
    else used and said so (the default name comes from the VCF, whose ids often differ)."""
    if requested and used and used != requested:
        if explicit:
            from alkannot.errors import SampleNotFoundError

            raise SampleNotFoundError(
                f"sample {requested!r} is not in the {what.split(' ', 1)[-1]} file; its only "
                f"sample is {used!r}; pass the matching --sample-name or the right file",
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
    from dataclasses import replace

    return [replace(s, source=role) for s in records]


def _fusion_status(status: str, findings: list[Finding]) -> str:
    """``present``, ``lost`` (confirmed), ``not_detected`` (unconfirmed or contradicted),
    ``absent`` (not detected at baseline either) or ``not_assessed``."""
    for f in findings:
        if f.kind == "fusion_loss":
            if f.mechanism:
                return "lost"
            return "absent" if f.alteration == "fusion not detected" else "not_detected"
    return status


_KIND_ORDER = {"mutation": 0, "copy_number": 1, "fusion_loss": 2, "fusion": 3}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Resistance-relevant first (catalogued, passing), then by kind, gene and position."""
    return sorted(
        findings,
        key=lambda f: (
            not (f.catalogue_id and f.passed_filters),
            _KIND_ORDER.get(f.kind, 9),
            f.gene,
            f.pos or 0,
            f.alteration,
        ),
    )


def not_assessed(catalogue, paths: dict[str, str | None], not_translated: int) -> list[str]:
    """Sentences naming what this run could not assess, and why."""
    out = []
    if not paths["cnv"]:
        out.append(
            "Copy number (ALK, MET, KIT amplification) not assessed: no copy-number file "
            "was given (--cnv)."
        )
    if not paths["fusions"] and not paths.get("bam"):
        out.append(
            "ALK fusion status not assessed: a fusion cannot be called lost without "
            "fusion/SV input (--fusions)."
        )
    if not paths["baseline_vcf"]:
        out.append(
            "Acquired versus pre-existing not assessed: no baseline (pre-treatment) sample "
            "was given (--baseline-vcf)."
        )
    if not_translated:
        out.append(
            f"{not_translated} ALK variant(s) outside codons 1058-1388 were not translated: "
            "pass --reference genome.fa (see the skipped table)."
        )
    for entry in catalogue.not_detectable_in_dna():
        name = f"{entry.gene} {entry.alteration}".strip()
        out.append(f"{name}: not visible in DNA sequencing ({entry.summary})")
    read = set(MUTATION_GENES) | set(COPY_NUMBER_GENES)
    for entry in catalogue.entries.values():
        if entry.detectable_in_dna and entry.gene and entry.gene not in read:
            out.append(
                f"{entry.gene} {entry.alteration}: not assessed, {entry.gene} is not among the "
                f"genes alkannot reads ({entry.summary})"
            )
    return out


def write_sample_reports(
    result: SampleResult,
    outdir: str | Path,
    formats: Sequence[str] = REPORT_FORMATS,
    report_date: str | None = None,
    signoff: dict[str, str | None] | None = None,
    paper: str | None = None,
) -> dict[str, Path]:
    """Write the per-sample outputs into ``outdir`` and return their paths by kind.

    ``tsv`` writes ``{sample}.findings.tsv``, ``{sample}.drugs.tsv`` and ``{sample}.skipped.tsv``
    (and ``{sample}.reads.tsv``, ``{sample}.phase.tsv`` when there is read evidence);
    ``json``, ``html`` and ``xlsx`` write ``{sample}.json``, ``{sample}.html``, ``{sample}.xlsx``;
    ``pdf`` (optional, not in the defaults) prints the HTML page to ``{sample}.pdf`` with headless
    Chromium. Every file is written atomically, all or nothing. ``report_date`` (``YYYY-MM-DD``)
    is printed on the HTML page; without it the page says "not given", so that outputs depend on
    the inputs alone. ``signoff`` fills the sign-off block (``reviewed_by``, ``date``,
    ``decision``); ``paper`` (``A4``/``Letter``) is the PDF page size.
    """
    unknown = sorted(set(formats) - set(REPORT_FORMATS) - set(OPTIONAL_FORMATS))
    if unknown:
        raise ConfigError(
            f"unknown report format(s) {', '.join(unknown)}; choose from "
            f"{', '.join(REPORT_FORMATS + OPTIONAL_FORMATS)}"
        )
    if report_date:
        from alkannot.report.html import report_date as check_date

        check_date(report_date)  # a bad date fails before any file is written
    if "pdf" in formats:
        from alkannot.report.pdf import find_browser

        find_browser()  # no browser: fail before any file is written
    from alkannot.outdir import staged

    outdir = Path(outdir)
    paths: dict[str, Path] = {}
    # all or nothing: written into a staging folder, then moved into place together
    with staged(outdir, sample=result.sample) as stage:
        if "tsv" in formats:
            from alkannot.report.tsv import write_tsvs

            paths.update(write_tsvs(result, stage))
            if result.reads is not None:
                from alkannot.report.reads import write_read_tsvs

                paths.update(write_read_tsvs(result, stage))
        if "json" in formats:
            from alkannot.report.json import write_json

            paths["json"] = stage / f"{result.sample}.json"
            write_json(result, paths["json"])
        if "html" in formats:
            from alkannot.report.html import write_html

            paths["html"] = stage / f"{result.sample}.html"
            write_html(result, paths["html"], report_date, signoff)
        if "xlsx" in formats:
            from alkannot.report.xlsx import write_xlsx

            paths["xlsx"] = stage / f"{result.sample}.xlsx"
            write_xlsx(result, paths["xlsx"])
        if "pdf" in formats:
            from alkannot.report.html import render_html
            from alkannot.report.pdf import write_pdf

            paths["pdf"] = stage / f"{result.sample}.pdf"
            write_pdf(render_html(result, report_date, signoff, paper or "A4"), paths["pdf"])
    return {kind: outdir / p.name for kind, p in paths.items()}


def annotate_cohort(
    sample_json_paths: Sequence[str | Path],
    outdir: str | Path,
    report_date: str | None = None,
    warn=lambda message: None,
) -> dict[str, Path]:
    """Summarise per-sample results into ``cohort.tsv``, ``mechanisms.tsv`` and ``index.html``.

    Each path is a sample's JSON result or a sample directory (``{sample}/``, as ``alkannot batch``
    and the workflow write them) holding either ``{sample}.json`` or the error record
    ``{sample}.error.txt``; failed samples are listed on the overview and in ``failed.tsv``.
    Every JSON is checked before anything is written. A sample given twice (by id, or by its
    inputs' checksums) is counted once; ``warn`` receives a line naming each duplicate.
    """
    from alkannot.io.results import read_result_json
    from alkannot.report.cohort import write_cohort

    jsons, failures = [], []
    for p in map(Path, sample_json_paths):
        if p.name.endswith(".run.json"):
            continue  # a batch run record (settings and status), not a sample result
        if p.is_dir():
            if (p / f"{p.name}.json").is_file():
                p = p / f"{p.name}.json"
            elif (p / f"{p.name}.error.txt").is_file():
                message = (p / f"{p.name}.error.txt").read_text(encoding="utf-8").strip()
                failures.append((p.name, message))
                continue
        if not p.is_file():
            raise InputFileError(
                "sample result JSON not found; annotate the sample first", path=str(p)
            )
        read_result_json(p)
        jsons.append(p)
    return write_cohort(jsons, Path(outdir), report_date, failures=failures, warn=warn)
