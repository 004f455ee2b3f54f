"""Put read evidence beside the calls, never silently into them.

- A mutation the VCF calls gets the reads' count as a note (detected or not), nothing else.
- A catalogued mutation detected in the reads but absent from the VCF, or filtered there, is
  *read evidence only*: a finding that does not pass the filters, so it is shown and never drives a
  drug call. Without a VCF the reads are the caller: a detection passes the same support rules
  (minimum VAF and depth) as a VCF variant.
- The phase of a compound's parts changes the compound finding: ``cis`` confirms it, ``trans``
  keeps each mutation's own profile (the compound finding no longer passes) with a note on
  polyclonal resistance.
"""

from __future__ import annotations

from dataclasses import replace

from alkannot.models import Finding, PhaseCall, ReadEvidence, ReadGenotype


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
    min_vaf: float,
    min_depth: int,
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
            out.append(_read_finding(g, catalogue, vcf_given, min_vaf, min_depth))
    evidence.genotypes = genotypes
    return out


def _read_finding(
    g: ReadGenotype, catalogue, vcf_given: bool, min_vaf: float, min_depth: int
) -> Finding:
    entry = catalogue.entries.get(g.catalogue_id) if g.catalogue_id else None
    notes = [_count(g), f"95% CI {g.ci_low:.1%}-{g.ci_high:.1%}"]
    if vcf_given:
        passed = False
        significance = "read evidence only: detected in the reads, not called in the VCF"
    else:
        passed = (g.vaf or 0) >= min_vaf and g.fragments >= min_depth
        significance = "catalogued mutation detected in the reads (no VCF given)"
        if not passed:
            notes.append(f"below the minimum VAF {min_vaf:g} or depth {min_depth}")
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
        mechanism=entry.mechanism if entry else "",
        significance=significance,
        passed_filters=passed,
        notes=tuple(notes),
        source="reads",
    )


def _parts(entry) -> tuple[set[str], bool]:
    return {p for p in entry.parts if p != "*"}, "*" in entry.parts


def apply_phase(findings: list[Finding], phases: list[PhaseCall], catalogue) -> list[Finding]:
    """Let the phase of a compound's parts confirm it (cis) or set it aside (trans)."""
    if not phases:
        return findings
    out = []
    for f in findings:
        entry = catalogue.entries.get(f.catalogue_id) if f.catalogue_id else None
        if f.consequence != "compound" or entry is None or not entry.parts:
            out.append(f)
            continue
        named, wildcard = _parts(entry)
        relevant = []
        for p in phases:
            a, b = p.variant_a.removeprefix("ALK "), p.variant_b.removeprefix("ALK ")
            pair = {a, b}
            if pair <= named or (wildcard and len(pair & named) == 1):
                relevant.append(p)
        if not relevant:
            out.append(f)
            continue
        notes = tuple(n for n in f.notes if not n.startswith("phase (cis/trans) not determined"))
        words = [
            f"{p.variant_a} / {p.variant_b}: {p.phase} ({p.both} both, {p.a_only} and "
            f"{p.b_only} alone, of {p.spanning_fragments} spanning {p.source.upper()} fragments)"
            for p in relevant
        ]
        phases_seen = {p.phase for p in relevant}
        if phases_seen & {"cis", "mixed"}:
            notes += ("phase from the reads confirms the compound: " + "; ".join(words),)
            out.append(replace(f, notes=notes))
        elif phases_seen == {"trans"}:
            notes += (
                "parts on different molecules (trans): polyclonal resistance, each mutation's "
                "own profile applies, not the compound's: " + "; ".join(words),
            )
            out.append(replace(f, notes=notes, passed_filters=False))
        else:
            notes += ("phase not determined from the reads: " + "; ".join(words),)
            out.append(replace(f, notes=notes))
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
    min_vaf: float,
    min_depth: int,
    min_mapq: int,
    min_base_quality: int,
    max_detection_limit: float,
) -> tuple[ReadEvidence, list[Finding], str]:
    """Read the BAMs and fold their evidence into the findings (the API's step for ``--bam``).

    ``now`` and ``base`` are the re-biopsy's and baseline's parsed inputs; ``now.fusions`` and
    ``now.fusion_status`` are updated with a fusion found in the reads. Returns the evidence, the
    findings and the baseline fusion status.
    """
    from alkannot.annotate import compound_findings, fusion_findings
    from alkannot.reads import GenotypeModel, ReadFilters, read_evidence

    model = GenotypeModel(
        filters=ReadFilters(min_mapq=min_mapq, min_base_quality=min_base_quality),
        max_detection_limit=max_detection_limit,
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
        min_depth=min_depth,
    )
    findings = merge_genotypes(
        findings, reads, catalogue, vcf_given=vcf_given, min_vaf=min_vaf, min_depth=min_depth
    )
    if not vcf_given:
        read_only = [f for f in findings if f.source == "reads"]
        findings += [replace(f, source="reads") for f in compound_findings(read_only, catalogue)]
    findings = apply_phase(findings, reads.phases, catalogue)
    if reads.fusions:
        findings += [replace(f, source="reads") for f in fusion_findings(reads.fusions)]
        if now.fusion_status == "absent":
            reads.warnings.append(
                "the fusion calls report no ALK fusion, but the DNA reads show EML4-ALK; "
                "check the fusion caller"
            )
        now.fusions = list(now.fusions) + reads.fusions
        now.fusion_status = "present"
    elif now.fusion_status == "not_assessed":
        now.fusion_status = reads.fusion_status
    if base_fusion == "not_assessed":
        base_fusion = reads.baseline_fusion_status
    return reads, findings, base_fusion
