"""The Python API: annotate one sample, write its reports, summarise a cohort.

>>> from alkannot.api import annotate_sample, write_sample_reports
>>> from alkannot.request import ClinicalContext, SampleRequest, TimePoint
>>> request = SampleRequest(
...     TimePoint(vcf="rebiopsy.vcf.gz", cnv="rebiopsy.cns"),
...     context=ClinicalContext(prior_therapy=("crizotinib",)),
... )  # doctest: +SKIP
>>> write_sample_reports(annotate_sample(request), "results/P01")  # doctest: +SKIP

One sample goes through named stages, each a function of the module that owns it: read each
time point (:mod:`alkannot.timepoint`) -> check the inputs agree (build, sample) -> compare with
the baseline (:mod:`alkannot.baseline`) -> add read evidence (:mod:`alkannot.reads.integrate`)
-> decide (findings -> mechanisms -> drug matrix: :mod:`alkannot.annotate`,
:mod:`alkannot.drugs`) -> assemble the result. The CLI, the sample-sheet reader and the
Snakemake rules build a :class:`~alkannot.request.SampleRequest` and call these functions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from alkannot import __version__
from alkannot.annotate import (
    add_fusion_absence,
    fusion_status_of,
    mechanisms_found,
    not_assessed,
    sort_findings,
)
from alkannot.checksums import BackgroundChecksums
from alkannot.exchange.vrs import add_vrs_ids
from alkannot.models import CohortResult, InputFile, SampleMetadata, SampleResult, Thresholds
from alkannot.report.sample import OPTIONAL_FORMATS, REPORT_FORMATS, write_sample_reports
from alkannot.request import SampleRequest, parse_time_on_therapy, sample_request
from alkannot.sample_identity import (
    check_bam_sample,
    check_baseline_sample,
    check_more_reads,
    check_sample_name,
)
from alkannot.timepoint import check_same_build, read_timepoint

__all__ = [
    "OPTIONAL_FORMATS",
    "REPORT_FORMATS",
    "CohortResult",
    "annotate_cohort",
    "annotate_sample",
    "parse_time_on_therapy",
    "write_sample_reports",
]

#: Defaults of the quality flags. Variants below them are reported, marked as not passing, and do
#: not enter the drug matrix: 2% VAF and 20 reads are common reporting limits of tissue panels;
#: lower them for cell-free DNA.
DEFAULT_MIN_VAF = Thresholds().min_vaf
DEFAULT_MIN_DEPTH = Thresholds().min_depth
DEFAULT_MIN_ALT_READS = Thresholds().min_alt_reads
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


def annotate_sample(
    request: SampleRequest | str | Path | None = None, /, **options: Any
) -> SampleResult:
    """Annotate one re-biopsy: find resistance mechanisms and build the drug matrix.

    ``request`` is a :class:`~alkannot.request.SampleRequest`. The keyword form, kept for
    backwards compatibility, takes the re-biopsy VCF/MAF path (or ``None`` with ``bam=``) and
    the options of ``alkannot annotate`` as keywords (``cnv=``, ``prior_therapy=``, ...; see
    :func:`~alkannot.request.sample_request`), and builds the request from them.

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

    if not isinstance(request, SampleRequest):
        request = sample_request(request, **options)
    elif options:
        raise TypeError("annotate_sample(request) takes no keyword options")
    build, bam_sample = _bam_header(request)
    # Checksums of files read whole are computed on another core while the inputs are read
    # (hashlib releases the GIL); indexed inputs are hashed over head, index and size only.
    hasher = BackgroundChecksums(request.input_files(), request.options.full_checksums)
    try:
        cat = load_catalogue(request.options.catalogue)
        context = request.context.with_catalogue_names(cat)
        now, base, ref = _read_timepoints(request, build, cat, bam_sample)
        findings, skipped, warnings, base_fusion = _compare_baseline(request, now, base)
        reads = None
        if request.rebiopsy.bam:
            reads, findings, warnings, base_fusion = _add_reads(
                request, now, base, ref, cat, findings, warnings, base_fusion
            )
        findings, more = add_fusion_absence(
            findings, now.fusion_status, cat, base_fusion,
            purity=request.rebiopsy.purity, thresholds=request.thresholds,
            specimen=request.rebiopsy.specimen_type,
        )  # fmt: skip
        sample = _sample_id(request, now.vcf_sample, bam_sample)
        findings = add_vrs_ids(
            sort_findings(findings), now.build, request.options.reference, now.copy_number
        )
        result = _assemble(request, sample, context, now, findings, cat)
        result.skipped, result.warnings, result.reads = skipped, warnings + more, reads
        result.inputs = _input_files(request, hasher, now.formats)
        return result
    finally:
        hasher.cancel()


def _add_reads(request, now, base, ref, cat, findings, warnings, base_fusion):
    """Stage 4: read evidence from the BAM/CRAM (at the specimen's support rule) and the
    warnings it brings; returns reads, findings, warnings and the baseline's fusion status."""
    from alkannot.reads.integrate import add_read_evidence, read_warnings

    reads, findings, base_fusion = add_read_evidence(
        request.bams(), now, base, findings, ref, cat, fasta=request.options.reference,
        vcf_given=bool(request.rebiopsy.vcf), base_fusion=base_fusion,
        thresholds=specimen_thresholds(request.thresholds, request.rebiopsy.specimen_type),
    )  # fmt: skip
    warnings = read_warnings(warnings, reads)
    return reads, findings, warnings, base_fusion


def specimen_thresholds(thresholds: Thresholds, specimen: str | None) -> Thresholds:
    """The support rule of the specimen: in plasma the VAF floor is the assay's detection limit."""
    if specimen == "plasma":
        return replace(thresholds, min_vaf=thresholds.plasma_min_vaf)
    return thresholds


def _bam_header(request: SampleRequest) -> tuple[str | None, str]:
    """The build (``--build``, else the BAM's when there is no VCF) and the BAM's sample."""
    build = request.options.build
    if not request.rebiopsy.bam:
        return build, ""
    from alkannot.reads import bam_build

    found, bam_sample = bam_build(request.rebiopsy.bam, request.options.reference, build)
    return build or (None if request.rebiopsy.vcf else found), bam_sample


def _read_timepoints(request: SampleRequest, build: str | None, cat, bam_sample: str = ""):
    """Stages 1-2: read the re-biopsy, then the baseline (when it has variant calls), on one
    build and one reference sequence; the names given and the files' samples must agree."""
    common = dict(
        build=build, fasta=request.options.reference, thresholds=request.thresholds,
        catalogue=cat,
    )  # fmt: skip
    chosen = request.rebiopsy.sample or request.sample_name
    now, ref = read_timepoint(request.rebiopsy, reference=None, table_sample=chosen, **common)
    # one tumour: a --sample-name or a BAM naming another sample stops (before the reads are
    # read) unless --sample stated the mapping; then the report says it
    rb = request.rebiopsy
    now.warnings += check_sample_name(
        request.sample_name, now.vcf_sample or bam_sample, now.vcf_normal,
        rb.vcf or rb.bam, stated=rb.vcf_sample,
    )  # fmt: skip
    check_bam_sample(bam_sample, now.vcf_sample, now.vcf_normal, rb.bam)
    base = None
    if request.baseline is not None and request.baseline.vcf:
        # the baseline's own sample (--baseline-sample), never the re-biopsy's
        base, _ = read_timepoint(
            request.baseline, reference=ref, table_sample=request.baseline.sample, **common
        )
        check_same_build(now, base, request.baseline.vcf)
        check_baseline_sample(
            now.vcf_sample, now.vcf_normal, base.vcf_sample, request.rebiopsy.files(),
            request.baseline.files(), request.baseline.sample,
        )  # fmt: skip
    _check_more_reads(request, now, base, bam_sample, build)
    return now, base, ref


def _check_more_reads(request: SampleRequest, now, base, bam_sample: str, build) -> None:
    """The RNA and baseline BAMs' read-group samples, from their headers, before any read."""
    bams = request.bams()
    if not (bams["rna_bam"] or bams["baseline_bam"]):
        return
    from alkannot.reads import bam_build

    def sample_of(role: str) -> str:
        if not bams[role]:
            return ""
        label = f"--{role.replace('_', '-')}"
        return bam_build(bams[role], request.options.reference, build or now.build, label)[1]

    named = request.baseline.sample if request.baseline else None
    base_name = (base.vcf_sample if base else "") or (named or "")
    check_more_reads(
        sample_of("rna_bam"), sample_of("baseline_bam"), now.vcf_sample or bam_sample,
        now.vcf_normal, base_name, bams,
    )  # fmt: skip


def _compare_baseline(request: SampleRequest, now, base) -> tuple[list, list, list, str]:
    """Stage 3: findings, skipped records, warnings and the baseline's fusion status."""
    if base is None:
        return now.findings, list(now.skipped), list(now.warnings), "not_assessed"
    from alkannot.baseline import assessed_at_both, compare_timepoints

    both = assessed_at_both(request.rebiopsy.files(), request.baseline.files())
    findings, skipped, warnings = compare_timepoints(now, base, both)
    return findings, now.skipped + skipped, now.warnings + warnings, base.fusion_status


def _sample_id(request: SampleRequest, vcf_sample: str, bam_sample: str) -> str:
    from alkannot.outdir import check_sample_id

    first = Path(request.rebiopsy.vcf or request.rebiopsy.bam).name.split(".")[0]
    sample = safe_sample_id(request.sample_name or vcf_sample or bam_sample or first)
    check_sample_id(sample)
    return sample


def _assemble(request, sample, context, now, findings, cat) -> SampleResult:
    """The decision (mechanisms, drug matrix) and the result, without skipped, warnings,
    reads and inputs, which the caller adds."""
    from alkannot.drugs import build_drug_matrix
    from alkannot.lines import board_context

    tp = request.rebiopsy
    metadata = SampleMetadata(
        sample=sample, prior_therapy=context.prior_therapy, progressed_on=context.progressed_on,
        cns_metastases=context.cns_metastases, purity=tp.purity, ploidy=tp.ploidy,
        build=now.build, time_on_therapy=context.time_on_therapy,
        specimen_type=tp.specimen_type, tumour_type=context.tumour_type,
        treatment_naive=context.treatment_naive, collection_date=tp.collection_date,
    )  # fmt: skip
    return SampleResult(
        sample=sample, build=now.build, metadata=metadata, findings=findings,
        variants_examined=now.variants_examined, copy_number=now.copy_number,
        fusions=now.fusions, fusion_status=fusion_status_of(now.fusion_status, findings),
        mechanisms=mechanisms_found(findings),
        drugs=build_drug_matrix(findings, cat, metadata),
        not_assessed=not_assessed(cat, request.input_files(), now.not_translated),
        tool_version=__version__, catalogue_version=cat.version,
        settings={
            **request.thresholds.as_dict(),
            "vcf_sample": now.vcf_sample,
            "sample_name": request.sample_name or now.vcf_sample,
            **run_configuration(cat, now.build, request.options.catalogue is not None),
        },
        board_context=board_context(findings, metadata, cat),
    )  # fmt: skip


def _input_files(request: SampleRequest, hasher, formats: dict[str, str]) -> list[InputFile]:
    out = []
    for role in request.input_files():
        rec = hasher.result(role)
        fmt = formats.get(role.removeprefix("baseline_"), "")
        out.append(InputFile(role, rec.path, rec.sha256, rec.size, fmt, hashed=rec.hashed))
    return out


def run_configuration(cat, build: str, local: bool) -> dict:
    """What a reader needs to reproduce the run: transcripts and the catalogue's identity."""
    from alkannot.genome.models import transcripts

    models = transcripts(build)
    return {
        "transcripts": {g: f"{t.name} ({t.ensembl})" for g, t in sorted(models.items())},
        "catalogue": cat.provenance(local),
    }


def annotate_cohort(
    sample_json_paths: Sequence[str | Path],
    outdir: str | Path,
    report_date: str | None = None,
    patients: str | Path | None = None,
    warn=lambda message: None,
) -> CohortResult:
    """Summarise per-sample results into ``cohort.tsv``, ``mechanisms.tsv`` and ``index.html``.

    Each path is a sample's JSON result or a sample directory (``{sample}/``, as ``alkannot batch``
    and the workflow write them) holding either ``{sample}.json`` or the error record
    ``{sample}.error.txt``; failed samples are listed on the overview and in ``failed.tsv``.
    Every JSON is checked before anything is written. ``patients``: the folder of the patient
    timelines (``alkannot patient``), to group the samples by patient. A sample given twice is
    counted once (its id and inputs' checksums); ``warn`` receives a line naming each duplicate.

    Returns
    -------
    CohortResult
        The samples summarised (their results), the failed samples and the written paths.
    """
    from alkannot.io.results import collect_results
    from alkannot.report.cohort import write_cohort

    jsons, results, failures, passed_over = collect_results(sample_json_paths)
    from alkannot.io.results import read_patient_index

    index = read_patient_index(patients) if patients else None
    paths = write_cohort(
        jsons, Path(outdir), report_date, failures=failures, patients=index, warn=warn
    )
    return CohortResult(results=results, failed=failures, paths=paths, passed_over=passed_over)
