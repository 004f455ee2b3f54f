"""Evidence from aligned reads (BAM/CRAM, read with pysam): genotypes, phase, fusion.

:func:`read_evidence` is the public entry: it opens and checks the files, looks up every
catalogued mutation (ALK, curated KRAS/EGFR hotspots) with a detection limit, phases each pair of
ALK variants present, and looks for EML4-ALK junction fragments. One region fetch per catalogued
window; nothing reads a whole file.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from alkannot.errors import InputFileError
from alkannot.genome.sequence import ReferenceSequence
from alkannot.models import Finding, FusionCall, PhaseCall, ReadEvidence, ReadGenotype
from alkannot.reads.bam import Alignments, open_alignments
from alkannot.reads.fragments import ReadFilters
from alkannot.reads.genotype import GenotypeModel, genotype
from alkannot.reads.targets import Target, catalogued_targets, variant_target

__all__ = ["GenotypeModel", "ReadFilters", "bam_build", "read_evidence"]


def bam_build(
    path: str, fasta: str | None, build: str | None = None, label: str = "--bam"
) -> tuple[str, str]:
    """The build of a BAM/CRAM from its ``@SQ`` lengths, and its single ``@RG`` sample (or "").

    ``build`` (``--build``) is checked against the header, and taken when the header cannot tell.
    """
    aln = open_alignments(path, label=label, fasta=fasta, build=build)
    try:
        return aln.build, aln.sample
    finally:
        aln.close()


def read_evidence(
    bam: str,
    *,
    build: str,
    catalogue,
    reference: ReferenceSequence,
    fasta: str | None = None,
    baseline_bam: str | None = None,
    rna_bam: str | None = None,
    vcf_findings: Sequence[Finding] = (),
    baseline_junction: FusionCall | None = None,
    model: GenotypeModel | None = None,
    min_depth: int = 20,
) -> ReadEvidence:
    """Collect the read evidence of one sample.

    Parameters
    ----------
    bam
        Tumour (re-biopsy) BAM or CRAM, coordinate-sorted and indexed.
    build
        The build of the other inputs; the files must agree.
    catalogue
        The loaded catalogue (which mutations to look up).
    reference
        Reference bases (bundled ALK slice, or the user FASTA) for codons and indel windows.
    fasta
        The FASTA path (needed to read a CRAM).
    baseline_bam
        Pre-treatment BAM/CRAM: genotyped the same way; its EML4-ALK junction is checked in the
        tumour (lost versus not covered).
    rna_bam
        Spliced RNA alignments, used to phase pairs short DNA fragments cannot span.
    vcf_findings
        The VCF's findings: their ALK mutations are phased with the read-detected ones.
    baseline_junction
        A known baseline EML4-ALK junction (from baseline fusion calls) to check in the tumour.
    model
        Read filters and the statistical model.
    min_depth
        Wild-type fragments needed at a baseline junction to call the fusion lost.

    Raises
    ------
    AlkannotError
        Bad files (see :func:`alkannot.reads.bam.open_alignments`), or no reads at all in the
        catalogued regions.
    """
    from alkannot.reads.fusion_reads import find_fusion, junction_check

    model = model or GenotypeModel()
    qc: Counter = Counter()
    targets = catalogued_targets(build, reference, catalogue)
    partner_seq = reference if reference.fasta_path else None  # EML4 bases for soft clips
    evidence = ReadEvidence(build=build, settings=model.describe(), files={"bam": bam})
    tumour = open_alignments(bam, label="--bam", fasta=fasta, build=build)
    opened = [tumour]
    if tumour.build_note:
        evidence.warnings.append(tumour.build_note)
    try:
        evidence.genotypes = genotype(tumour, targets, model, qc)
        found = find_fusion(tumour, build, model.filters.min_mapq, partner_seq, qc)
        seen = ("reads_fetched", "fusion_reads_fetched", "windows_with_reads_not_evaluable")
        if not any(qc[k] for k in seen):
            raise InputFileError(
                "no reads in the ALK, EML4, KRAS or EGFR regions; is it the right file (a "
                "panel or genome covering ALK) and the right build?",
                path=bam,
            )
        evidence.fusions = ([found.call] if found.call else []) + found.others
        evidence.fusion_check = found.sentence
        evidence.fusion_status = "present" if found.call else "absent"
        if found.call is None and found.evidence["fragments_in_region"] < min_depth:
            evidence.fusion_status = "not_assessed"
            evidence.fusion_check += f"; fewer than {min_depth} fragments there: not assessed"
        baseline = None
        if baseline_bam:
            baseline = open_alignments(
                baseline_bam, label="--baseline-bam", fasta=fasta, build=build
            )
            opened.append(baseline)
            if baseline.build_note:
                evidence.warnings.append(baseline.build_note)
            evidence.files["baseline_bam"] = baseline_bam
            evidence.genotypes += genotype(baseline, targets, model, Counter(), source="baseline")
            base_found = find_fusion(baseline, build, model.filters.min_mapq, partner_seq)
            evidence.baseline_fusion_status = "present" if base_found.call else "absent"
            if base_found.call is not None:
                baseline_junction = base_found.call
        if found.call is None and baseline_junction and baseline_junction.pos3:
            status, sentence = junction_check(
                tumour,
                build,
                baseline_junction.pos5 or 0,
                baseline_junction.pos3,
                model.filters.min_mapq,
                min_depth,
            )
            evidence.fusion_status = "absent" if status == "lost" else "not_assessed"
            evidence.fusion_check = f"{found.sentence}; baseline junction: {status}: {sentence}"
        rna = None
        if rna_bam:
            rna = open_alignments(rna_bam, label="--rna-bam", fasta=fasta, build=build)
            opened.append(rna)
            if rna.build_note:
                evidence.warnings.append(rna.build_note)
            evidence.files["rna_bam"] = rna_bam
        evidence.phases = _phases(
            tumour, rna, targets, evidence.genotypes, vcf_findings, reference, model
        )
    finally:
        for aln in opened:
            aln.close()
    evidence.qc = dict(sorted(qc.items()))
    return evidence


def _present_alk(
    targets: list[Target],
    genotypes: list[ReadGenotype],
    vcf_findings: Sequence[Finding],
    reference: ReferenceSequence,
) -> list[Target]:
    """ALK variants present: the VCF's protein-altering ALK mutations and read detections."""
    by_name = {t.alteration: t for t in targets if t.gene == "ALK"}
    present: dict[str, Target] = {}
    for f in vcf_findings:
        if f.kind != "mutation" or f.gene != "ALK" or f.consequence == "compound":
            continue
        if not f.hgvsp or f.hgvsp.endswith("=") or not f.ref or not f.alt or f.pos is None:
            continue
        name = f.alteration
        present[name] = by_name.get(name) or variant_target(
            reference, "ALK", name, f.chrom, f.pos, f.ref, f.alt
        )
    for g in genotypes:
        if g.gene == "ALK" and g.status == "detected" and g.source == "dna":
            present.setdefault(g.alteration, by_name[g.alteration])
    return [present[k] for k in sorted(present)]


def _phases(
    tumour: Alignments,
    rna: Alignments | None,
    targets: list[Target],
    genotypes: list[ReadGenotype],
    vcf_findings: Sequence[Finding],
    reference: ReferenceSequence,
    model: GenotypeModel,
) -> list[PhaseCall]:
    from alkannot.reads.phase import phase_pair

    present = _present_alk(targets, genotypes, vcf_findings, reference)
    errors = {
        g.alteration: g.error_rate
        for g in genotypes
        if g.gene == "ALK" and g.source == "dna" and g.error_rate is not None
    }
    out = []
    for a, b in itertools.combinations(present, 2):
        e = max(errors.get(a.alteration, 0.0), errors.get(b.alteration, 0.0), model.error_floor)
        kwargs = dict(error_rate=e, alpha=model.alpha, min_support=model.min_alt_fragments)
        call = phase_pair(tumour, a, b, model.filters, **kwargs)
        if rna is not None and call.phase in ("not_phaseable", "indeterminate"):
            rna_call = phase_pair(rna, a, b, model.filters, source="rna", **kwargs)
            if rna_call.spanning_fragments:
                from dataclasses import replace

                call = replace(rna_call, note=f"{rna_call.note}; DNA: {call.phase} ({call.note})")
        out.append(call)
    return out
