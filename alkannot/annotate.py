"""From parsed inputs to findings: consequence, catalogue matches, mechanisms, what was not assessed.

The annotator knows the catalogue and the genome models, and nothing of file formats: it receives
the readers' dataclasses (:class:`~alkannot.io.vcf.VcfData`, copy-number and fusion data) and
returns :class:`~alkannot.models.Finding` lists and skipped records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from alkannot.errors import BuildMismatchError
from alkannot.genome.models import bypass_hotspots, gene_spans, hotspot_codons
from alkannot.genome.sequence import OutsideSliceError, ReferenceSequence
from alkannot.models import Finding, FusionCall, GeneCopyNumber, SkippedRecord, Variant

#: Genes whose point mutations are looked for in the VCF (ALK on-target; bypass tracks).
MUTATION_GENES = ("ALK", "KRAS", "EGFR", "MET", "KIT", "IGF1R")
#: Genes whose copy number is called (review 2.2, 2.5, section 4; IGF1R and EGFR for completeness).
COPY_NUMBER_GENES = ("ALK", "MET", "KIT", "EGFR", "IGF1R", "KRAS")

_NON_CODING = {
    "intron_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "splice_region_variant",
}
_PROTEIN_ALTERING_WORDS = (
    "missense",
    "stop_gained",
    "stop_lost",
    "start_lost",
    "frameshift",
    "inframe",
    "protein_altering",
    "splice_donor",
    "splice_acceptor",
)


def target_regions(
    build: str, genes: Iterable[str] = MUTATION_GENES
) -> dict[str, list[tuple[int, int]]]:
    """Return canonical contig -> sorted, merged ``(start, end)`` spans of the given genes."""
    spans = gene_spans(build)
    out: dict[str, list[tuple[int, int]]] = {}
    for g in genes:
        s = spans[g]
        out.setdefault(s.chrom, []).append((s.start, s.end))
    for chrom, ivs in out.items():
        ivs.sort()
        merged = [ivs[0]]
        for start, end in ivs[1:]:
            if start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        out[chrom] = merged
    return out


def gene_at(build: str, chrom: str, pos: int, end: int | None = None) -> str | None:
    """Return the first mutation gene whose span overlaps ``chrom:pos-end``, or None."""
    end = pos if end is None else end
    for g in MUTATION_GENES:
        s = gene_spans(build)[g]
        if s.chrom == chrom and pos <= s.end and end >= s.start:
            return g
    return None


def check_reference_alleles(
    variants: Iterable[Variant], reference: ReferenceSequence, path: str
) -> None:
    """Stop with a build-mismatch error when a REF allele inside the bundled slice disagrees.

    Only bases of the bundled ALK slice are checked: that is what the build was checked against,
    and a wrong build there would silently give wrong codons.

    Raises
    ------
    BuildMismatchError
        Naming the first record whose REF disagrees with the bundled sequence.
    """
    for v in variants:
        end = v.pos + len(v.ref) - 1
        if not reference.in_slice(v.chrom, v.pos, end):
            continue
        expected = reference.fetch(v.chrom, v.pos, end)
        if v.ref.upper() != expected:
            raise BuildMismatchError(
                f"REF {v.ref} at {v.chrom}:{v.pos} disagrees with the {reference.build} reference "
                f"base(s) {expected} of ALK; the file is probably not {reference.build}: check "
                "its genome build or pass the right --build",
                path=path,
                record=v.record or f"{v.chrom}:{v.pos}",
            )


@dataclass
class VariantAnnotation:
    """Findings and skipped records from the variants of one VCF."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    not_translated: int = 0  # ALK variants that needed --reference
    non_coding: int = 0  # ALK intronic/UTR variants beyond the splice region


def _passes(v: Variant, min_vaf: float, min_depth: int) -> tuple[bool, tuple[str, ...]]:
    notes = []
    if not v.passed:
        notes.append(f"FILTER {';'.join(v.filter)}")
    if v.vaf is not None and v.vaf < min_vaf:
        notes.append(f"VAF {v.vaf:.4g} below the minimum {min_vaf:g}")
    if v.depth is not None and v.depth < min_depth:
        notes.append(f"depth {v.depth} below the minimum {min_depth}")
    return not notes, tuple(notes)


def _base_finding(v: Variant, gene: str, passed: bool, notes: tuple[str, ...]) -> Finding:
    return Finding(
        kind="mutation",
        gene=gene,
        alteration="",
        chrom=v.chrom,
        pos=v.pos,
        ref=v.ref,
        alt=v.alt,
        vaf=v.vaf,
        depth=v.depth,
        filter=v.filter,
        passed_filters=passed,
        notes=notes,
        source="vcf",
    )


def _annotation_check(v: Variant, gene: str, short: str) -> str:
    from alkannot.hgvs import normalise_protein_change
    from alkannot.io.annotations import choose_annotation

    ext = choose_annotation(v.annotations, gene) if v.annotations else None
    if ext is None:
        return ""
    theirs = normalise_protein_change(ext.hgvsp) if ext.hgvsp else ""
    where = f"{ext.source} {ext.transcript}".strip()
    if ext.hgvsp and not theirs:
        return (
            f"{where} protein change '{ext.hgvsp}' could not be parsed (computed {short or 'none'})"
        )
    if not theirs:
        return f"{where} gives no protein change ({ext.consequence or 'no consequence'})"
    if theirs == short:
        return f"agrees with {where}"
    return f"DISAGREES with {where}: {ext.hgvsp} (computed {short or 'no protein change'})"


def annotate_alk(
    v: Variant, reference: ReferenceSequence, catalogue, passed: bool, notes: tuple[str, ...]
) -> Finding | SkippedRecord:
    """Translate an ALK variant and classify it against the catalogue."""
    from alkannot.consequence import annotate_variant

    try:
        pc = annotate_variant("ALK", v.chrom, v.pos, v.ref, v.alt, reference)
    except OutsideSliceError:
        return SkippedRecord(
            source="vcf",
            record=f"{v.chrom}:{v.pos} {v.ref}>{v.alt}",
            category="needs_reference",
            reason="needs --reference: ALK variant outside the bundled kinase-domain slice "
            "(codons 1058-1388); pass --reference genome.fa to translate it",
        )
    if pc.consequence in ("intron_variant", "5_prime_UTR_variant", "3_prime_UTR_variant"):
        # examined and named, but not protein-altering: listed with the reason, not as a finding
        return SkippedRecord(
            source="vcf",
            record=f"{v.chrom}:{v.pos} {v.ref}>{v.alt} ({pc.hgvsc})",
            category="non_coding",
            reason=f"ALK {pc.consequence.replace('_', ' ')} beyond the splice region: not protein-altering, "
            "not a resistance mechanism",
        )
    entry = catalogue.match_mutation("ALK", pc.short) if pc.short else None
    if entry is not None:
        significance = "known resistance mutation"
    elif pc.consequence == "synonymous_variant":
        significance = "synonymous: not a resistance mutation"
    elif pc.in_kinase_domain and any(w in pc.consequence for w in _PROTEIN_ALTERING_WORDS):
        significance = "kinase-domain variant of unknown significance"
    elif pc.consequence in _NON_CODING or not pc.hgvsp:
        significance = "not protein-altering"
    else:
        significance = "ALK variant outside the kinase domain, not in the catalogue"
    return replace(
        _base_finding(v, "ALK", passed, notes),
        alteration=pc.short or pc.hgvsc,
        hgvsp=pc.hgvsp,
        hgvsc=pc.hgvsc,
        consequence=pc.consequence,
        in_kinase_domain=pc.in_kinase_domain,
        catalogue_id=entry.id if entry else "",
        mechanism=entry.mechanism if entry else "",
        significance=significance,
        annotation_check=_annotation_check(v, "ALK", pc.short),
    )


def annotate_bypass(
    v: Variant, gene: str, build: str, catalogue, passed: bool, notes: tuple[str, ...]
) -> Finding | SkippedRecord:
    """Name a variant in a bypass-track gene: curated hotspot allele, else the VCF's annotation."""
    from alkannot.hgvs import normalise_protein_change, one_to_three
    from alkannot.io.annotations import choose_annotation

    short = hgvsp = hgvsc = consequence = how = ""
    for h in bypass_hotspots(build):
        if (h.chrom, h.pos, h.ref, h.alt) == (v.chrom, v.pos, v.ref.upper(), v.alt.upper()):
            short = h.protein.removeprefix("p.")
            hgvsp, hgvsc = one_to_three(short), h.hgvsc
            consequence, how = "hotspot allele", "curated hotspot allele (DoCM)"
            break
    if not short:
        from alkannot.genome.codons import translate_in_codon_span

        named = translate_in_codon_span(gene, build, v.chrom, v.pos, v.ref, v.alt)
        if named is not None:
            short, consequence = named
            hgvsp, how = one_to_three(short), "translated from the bundled codon sequence"
    ext = choose_annotation(v.annotations, gene) if v.annotations else None
    if not short and ext is not None and ext.hgvsp:
        short = normalise_protein_change(ext.hgvsp)
        hgvsp, hgvsc, consequence = ext.hgvsp, ext.hgvsc, ext.consequence
        how = f"named by {ext.source} ({ext.transcript})"
    if not short:
        codon = next(
            (
                name
                for chrom, s, e, name in hotspot_codons(build)
                if chrom == v.chrom and v.pos <= e and v.pos + len(v.ref) - 1 >= s
            ),
            None,
        )
        if codon is None:
            return SkippedRecord(
                source="vcf",
                record=f"{v.chrom}:{v.pos} {v.ref}>{v.alt}",
                category="unannotated_bypass_gene",
                reason=f"in {gene} but not a curated hotspot allele and without a VEP/SnpEff "
                "protein annotation; annotate the VCF (VEP or SnpEff) to name it",
            )
        return replace(
            _base_finding(v, gene, passed, notes),
            alteration=f"{codon.replace('_', ' ')} hotspot codon",
            significance="at a recurrent hotspot codon; allele not in the curated list, "
            "protein change not determined (no annotation)",
        )
    entry = catalogue.match_mutation(gene, short)
    check = _annotation_check(v, gene, short) if how.startswith(("curated", "translated")) else ""
    return replace(
        _base_finding(v, gene, passed, notes),
        alteration=short,
        hgvsp=hgvsp,
        hgvsc=hgvsc,
        consequence=consequence,
        catalogue_id=entry.id if entry else "",
        mechanism=entry.mechanism if entry else "",
        significance=(
            "catalogued bypass-track alteration"
            if entry
            else f"{gene} variant not in the catalogue"
        ),
        annotation_check=check,
        notes=notes + ((how,) if how else ()),
    )


def variant_findings(
    variants: Iterable[Variant],
    build: str,
    reference: ReferenceSequence,
    catalogue,
    min_vaf: float,
    min_depth: int,
) -> VariantAnnotation:
    """Annotate the VCF variants of the target genes; compound mutations become their own finding."""
    out = VariantAnnotation()
    for v in variants:
        gene = gene_at(build, v.chrom, v.pos, v.pos + len(v.ref) - 1)
        if gene is None:
            continue  # the reader returns only target-region records; a stray one is not ours
        passed, notes = _passes(v, min_vaf, min_depth)
        if gene == "ALK":
            item = annotate_alk(v, reference, catalogue, passed, notes)
        else:
            item = annotate_bypass(v, gene, build, catalogue, passed, notes)
        if isinstance(item, SkippedRecord):
            # the file's own contig name in the locator, and the record's VAF and depth
            record = item.record.replace(f"{v.chrom}:{v.pos}", v.record or f"{v.chrom}:{v.pos}", 1)
            item = replace(item, record=record, vaf=v.vaf, depth=v.depth)
            out.skipped.append(item)
            out.not_translated += item.category == "needs_reference"
            out.non_coding += item.category == "non_coding"
        else:
            out.findings.append(item)
    out.findings.extend(compound_findings(out.findings, catalogue))
    return out


def compound_findings(findings: list[Finding], catalogue) -> list[Finding]:
    """Catalogue compound entries whose every part is among the passing ALK mutations."""
    parts = [
        f
        for f in findings
        if f.kind == "mutation" and f.gene == "ALK" and f.passed_filters and f.alteration
    ]
    out = []
    for entry in catalogue.match_compounds("ALK", [f.alteration for f in parts]):
        vafs = [f.vaf for f in parts if f.vaf is not None]
        out.append(
            Finding(
                kind="mutation",
                gene="ALK",
                alteration=entry.alteration,
                hgvsp="",
                in_kinase_domain=True,
                vaf=min(vafs) if vafs else None,
                catalogue_id=entry.id,
                mechanism=entry.mechanism,
                significance="compound mutation (its own catalogue entry)",
                consequence="compound",
                notes=("phase (cis/trans) not determined from the VCF",),
                source="vcf",
            )
        )
    return out


def copy_number_findings(calls: Iterable[GeneCopyNumber], catalogue) -> list[Finding]:
    """Findings for genes called amplified or gained (the review's copy-number mechanisms)."""
    out = []
    for c in calls:
        if c.call not in ("amplification", "gain"):
            continue
        entry = catalogue.match_copy_number(c.gene, c.call)
        cn = f"copy number {c.copy_number:.3g}" if c.copy_number is not None else ""
        fold = f"fold {c.fold_change:.3g}" if c.fold_change is not None else ""
        log2 = f"log2 {c.log2:.3g}" if c.log2 is not None else ""
        out.append(
            Finding(
                kind="copy_number",
                gene=c.gene,
                alteration=c.call,
                chrom=c.chrom,
                pos=c.start,
                catalogue_id=entry.id if entry else "",
                mechanism=entry.mechanism if entry else "",
                significance=(
                    "catalogued copy-number mechanism"
                    if entry
                    else f"{c.gene} {c.call}, not in the catalogue"
                ),
                notes=tuple(x for x in (cn, fold, log2, c.note) if x),
                source="cnv",
            )
        )
    return out


def fusion_findings(calls: Iterable[FusionCall]) -> list[Finding]:
    """Findings for ALK fusions present in the sample (context, not resistance by themselves)."""
    out = []
    for c in calls:
        if "ALK" not in (c.gene3, c.gene5):
            continue
        notes = [
            x
            for x in (
                c.junction and f"junction {c.junction}",
                c.variant and f"variant {c.variant}",
                c.orientation_ok is False and "orientation does not keep the ALK kinase domain 3'",
                c.note,
            )
            if x
        ]
        out.append(
            Finding(
                kind="fusion",
                gene="ALK",
                alteration=c.name,
                chrom=c.chrom3,
                pos=c.pos3,
                filter=c.filter,
                significance="ALK fusion detected",
                notes=tuple(notes),
                passed_filters=c.filter in (("PASS",), (".",), ()),
                source="fusions",
            )
        )
    return out


def fusion_absent_finding(catalogue, baseline_status: str) -> Finding:
    """The ALK fusion was assessed and not found in the re-biopsy (review 2.3).

    ``baseline_status`` is the baseline's fusion status: ``present`` makes this a loss of the
    fusion; ``absent`` means it was not detected before treatment either.
    """
    entry = catalogue.match_fusion_loss("ALK")
    caution = (
        "review 2.3: loss of ALK is difficult to prove in clinical samples; detection "
        "depends on tumour content and sample processing [47]"
    )
    if baseline_status == "present":
        alteration, status = "fusion lost", "lost"
        significance = "ALK fusion detected at baseline, not detected at re-biopsy"
    elif baseline_status == "absent":
        alteration, status = "fusion not detected", "pre-existing"
        significance = "ALK fusion not detected at baseline or at re-biopsy: check the assay"
    else:
        alteration, status = "fusion not detected", "no_baseline"
        significance = "ALK fusion not detected in the re-biopsy"
    return Finding(
        kind="fusion_loss",
        gene="ALK",
        alteration=alteration,
        catalogue_id=entry.id if entry else "",
        mechanism=entry.mechanism if entry else "",
        significance=significance,
        baseline_status=status,
        notes=(caution,),
        source="fusions",
        passed_filters=baseline_status != "absent",
    )


def mechanisms_found(findings: Iterable[Finding]) -> list[str]:
    """Mechanism classes supported by passing, catalogued findings, in a fixed order."""
    order = ("on_target_mutation", "on_target_amplification", "fusion_loss", "bypass")
    found = set()
    for f in findings:
        if not (f.mechanism and f.catalogue_id and f.passed_filters):
            continue
        if f.baseline_status == "lost" and f.kind != "fusion_loss":
            continue  # present before treatment, gone now: not what drives this progression
        found.add(f.mechanism)
    return [m for m in order if m in found]
