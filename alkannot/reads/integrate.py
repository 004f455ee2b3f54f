"""Put read evidence beside the calls, never silently into them.

- A mutation the VCF calls gets the reads' count as a note (detected or not), nothing else.
- A catalogued mutation detected in the reads but absent from the VCF, or filtered there, is
  *read evidence only*: a finding that does not pass the filters, so it is shown and never drives a
  drug call. Without a VCF the reads are the caller: a detection passes the same support rules
  (minimum VAF and depth) as a VCF variant.
- The phase of a compound's parts decides the compound (the annotator's rule,
  :func:`alkannot.annotate.compound_findings`): ``cis`` (or ``mixed``: a both-mutant clone
  exists) confirms it, ``trans`` keeps each mutation's own profile with a note on polyclonal
  resistance.
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.models import Finding, PhaseCall, ReadEvidence, ReadGenotype, Thresholds


def _count(g: ReadGenotype) -> str:
    if g.status == "not_evaluable":
        return f"reads: not evaluable ({g.note})"
    limit = f", detectable from {g.detection_limit:.1%}" if g.detection_limit is not None else ""
    word = "detected" if g.status == "detected" else "not detected"
    return f"reads: {word}, {g.alt_fragments}/{g.fragments} fragments{limit}"


def merge_genotypes(
    findings: list[Finding],
    evidence: ReadEvidence,
    catalogue,
    *,
    vcf_given: bool,
    thresholds: Thresholds,
) -> list[Finding]:
    """Annotate VCF findings with the reads' counts; add read-only detections as findings."""
    by_key = {
        (f.gene, f.alteration): i
        for i, f in enumerate(findings)
        if f.kind == "mutation" and f.source == "vcf"
    }
    out = list(findings)
    genotypes = []
    for g in evidence.genotypes:
        if g.source != "dna":
            genotypes.append(g)
            continue
        i = by_key.get((g.gene, g.alteration))
        if i is not None:
            f = out[i]
            out[i] = replace(f, notes=f.notes + (_count(g),))
            genotypes.append(replace(g, vcf_status="called" if f.passed_filters else "filtered"))
            continue
        status = "not in VCF" if vcf_given else "no VCF"
        genotypes.append(replace(g, vcf_status=status))
        if g.status == "detected":
            out.append(_read_finding(g, catalogue, vcf_given, thresholds))
    evidence.genotypes = genotypes
    return out


def _read_finding(g: ReadGenotype, catalogue, vcf_given: bool, th: Thresholds) -> Finding:
    entry = catalogue.entries.get(g.catalogue_id) if g.catalogue_id else None
    notes = [_count(g), f"95% CI {g.ci_low:.1%}-{g.ci_high:.1%}"]
    if vcf_given:
        passed = False
        significance = "read evidence only: detected in the reads, not called in the VCF"
    else:
        passed = (
            (g.vaf or 0) >= th.min_vaf
            and g.fragments >= th.min_depth
            and g.alt_fragments >= th.min_alt_reads
        )
        significance = "catalogued mutation detected in the reads (no VCF given)"
        if not passed:
            notes.append(
                f"below the support rules (VAF {th.min_vaf:g}, depth {th.min_depth}, "
                f"{th.min_alt_reads} alt fragments): shown, not a call"
            )
    return Finding(
        kind="mutation",
        gene=g.gene,
        alteration=g.alteration,
        chrom=g.chrom,
        pos=g.pos,
        in_kinase_domain=g.gene == "ALK",
        vaf=g.vaf,
        depth=g.fragments,
        filter=("PASS",) if passed else ("read_evidence_only",),
        catalogue_id=g.catalogue_id,
        mechanism=entry.mechanism if entry and passed else "",  # an observation cannot drive
        significance=significance,
        passed_filters=passed,
        notes=tuple(notes),
        source="reads",
        alt_reads=g.alt_fragments,
    )


def phase_verdicts(phases: list[PhaseCall]) -> dict[frozenset[str], str]:
    """Phase by pair of alteration names, as :func:`alkannot.annotate.compound_findings` reads it.

    ``mixed`` counts as ``cis`` there: a clone carrying both mutations exists.
    """
    out = {}
    for p in phases:
        key = frozenset((p.variant_a.removeprefix("ALK "), p.variant_b.removeprefix("ALK ")))
        out[key] = "cis" if p.phase == "mixed" else p.phase
    return out


def add_read_evidence(
    bams: dict[str, str | None],
    now,
    base,
    findings: list[Finding],
    reference,
    catalogue,
    *,
    fasta: str | None,
    vcf_given: bool,
    base_fusion: str,
    thresholds: Thresholds,
) -> tuple[ReadEvidence, list[Finding], str]:
    """Read the BAMs and fold their evidence into the findings (the API's step for ``--bam``).

    ``bams`` holds ``bam``, ``baseline_bam`` and ``rna_bam``; ``now`` and ``base`` are the
    re-biopsy's and baseline's parsed inputs; ``now.fusions`` and ``now.fusion_status`` are
    updated with a fusion found in the reads. The read filters and the detection limit come from
    ``thresholds``. Returns the evidence, the findings and the baseline fusion status.
    """
    from alkannot.reads import GenotypeModel, ReadFilters, read_evidence

    model = GenotypeModel(
        filters=ReadFilters(
            min_mapq=thresholds.min_mapq, min_base_quality=thresholds.min_base_quality
        ),
        max_detection_limit=thresholds.max_detection_limit,
    )
    junction = None
    if base is not None:
        junction = next(
            (c for c in base.fusions if c.gene3 == "ALK" and c.pos3 and c.gene5 == "EML4"), None
        )
    reads = read_evidence(
        bams["bam"],
        build=now.build,
        catalogue=catalogue,
        reference=reference,
        fasta=fasta,
        baseline_bam=bams["baseline_bam"],
        rna_bam=bams["rna_bam"],
        vcf_findings=findings,
        baseline_junction=junction,
        model=model,
        min_depth=thresholds.min_depth,
    )
    findings = merge_genotypes(
        findings, reads, catalogue, vcf_given=vcf_given, thresholds=thresholds
    )
    if reads.phases or not vcf_given:
        findings = _rephase_compounds(findings, reads, catalogue, vcf_given)
    findings = _merge_read_fusions(now, reads, findings)
    if base_fusion == "not_assessed":
        base_fusion = reads.baseline_fusion_status
    return reads, findings, base_fusion


def _rephase_compounds(findings, reads: ReadEvidence, catalogue, vcf_given: bool) -> list[Finding]:
    """The compounds again, now with the phase from the reads (and read-only calls)."""
    from alkannot.annotate import compound_findings

    singles = [f for f in findings if f.consequence != "compound"]
    compounds, warnings = compound_findings(singles, catalogue, phase_verdicts(reads.phases))
    source = "reads" if not vcf_given else "vcf"
    reads.warnings += warnings
    reads.compounds_rephased = True
    return singles + [
        replace(f, source=source, notes=f.notes + _phase_notes(f, reads.phases)) for f in compounds
    ]


def _merge_read_fusions(now, reads: ReadEvidence, findings: list[Finding]) -> list[Finding]:
    """A fusion seen in the reads joins the findings and the re-biopsy's fusions; its status
    fills one the calls left open, and a disagreement with the fusion calls is said."""
    from alkannot.annotate import fusion_findings

    if reads.fusions:
        findings = findings + [replace(f, source="reads") for f in fusion_findings(reads.fusions)]
        now.fusions = list(now.fusions) + reads.fusions
    if reads.fusion_status == "present":
        if now.fusion_status == "absent":
            reads.warnings.append(
                "the fusion calls report no ALK fusion, but the DNA reads show EML4-ALK; "
                "check the fusion caller"
            )
        now.fusion_status = "present"
    elif now.fusion_status == "not_assessed":
        now.fusion_status = reads.fusion_status
    return findings


def read_warnings(warnings: list[str], reads: ReadEvidence) -> list[str]:
    """The run's warnings once the reads are in: the VCF-only verdicts on compounds are dropped
    when the reads re-phased them; the reads' own follow. (Whose reads they are was checked
    before they were read: :func:`alkannot.sample_identity.check_bam_sample`.)"""
    warnings = list(warnings)
    if reads.compounds_rephased:  # the VCF-only verdicts on compounds are replaced
        warnings = [w for w in warnings if "not treated as the compound" not in w]
    return warnings + [f"reads: {w}" for w in reads.warnings]


def _phase_notes(compound: Finding, phases: list[PhaseCall]) -> tuple[str, ...]:
    parts = set(compound.alteration.split("+"))
    return tuple(
        f"{p.variant_a} / {p.variant_b}: {p.phase} ({p.both} both, {p.a_only} and {p.b_only} "
        f"alone, of {p.spanning_fragments} spanning {p.source.upper()} fragments)"
        for p in phases
        if {p.variant_a.removeprefix("ALK "), p.variant_b.removeprefix("ALK ")} <= parts
    )
