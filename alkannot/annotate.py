"""From parsed inputs to findings: consequence, catalogue matches, mechanisms, what was not assessed.

The annotator knows the catalogue and the genome models, and nothing of file formats: it receives
the readers' dataclasses (:class:`~alkannot.io.vcf.VcfData`, copy-number and fusion data) and
returns :class:`~alkannot.models.Finding` lists and skipped records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from alkannot.errors import BuildMismatchError
from alkannot.genome.models import (
    ANNOTATION_GENES,
    bypass_hotspots,
    gene_spans,
    hotspot_codons,
)
from alkannot.genome.sequence import OutsideSliceError, ReferenceSequence
from alkannot.models import (
    Finding,
    FusionCall,
    GeneCopyNumber,
    SkippedRecord,
    Thresholds,
    Variant,
)

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
    warnings: list[str] = field(default_factory=list)


def alt_reads(v: Variant) -> int | None:
    """Reads supporting the ALT allele: the caller's count, else VAF x depth when both are given."""
    if v.alt_depth is not None:
        return v.alt_depth
    if v.vaf is not None and v.depth is not None:
        return round(v.vaf * v.depth)
    return None


def _passes(
    v: Variant, th: Thresholds, specimen: str | None = None
) -> tuple[bool, tuple[str, ...]]:
    """The support rules: FILTER, VAF floor (tissue) or detection limit (plasma), depth, alt reads."""
    notes = []
    if not v.passed:
        notes.append(f"FILTER {';'.join(v.filter)}")
    if specimen == "plasma":
        if v.vaf is not None and v.vaf < th.plasma_min_vaf:
            notes.append(
                f"VAF {v.vaf:.4g} below the plasma assay detection limit {th.plasma_min_vaf:g}"
            )
    elif v.vaf is not None and v.vaf < th.min_vaf:
        notes.append(f"VAF {v.vaf:.4g} below the minimum {th.min_vaf:g}")
    if v.depth is not None and v.depth < th.min_depth:
        notes.append(f"depth {v.depth} below the minimum {th.min_depth}")
    alt = alt_reads(v)
    if alt is not None and alt < th.min_alt_reads:
        notes.append(f"{alt} supporting read(s), below the minimum {th.min_alt_reads}")
    return not notes, tuple(notes)


#: The note a plasma variant carries: which support rule it was judged by.
PLASMA_RULE_NOTE = (
    "plasma (cell-free DNA): judged by supporting fragments and the assay detection limit, not "
    "the tissue VAF floor; tumour DNA is diluted in normal cell-free DNA, so a low VAF is not "
    "subclonality"
)


def is_subclonal(vaf: float | None, purity: float | None, th: Thresholds) -> bool:
    """True when the cancer-cell fraction 2 x VAF / purity is below ``th.subclonal_fraction``."""
    if vaf is None or not purity:
        return False
    return 2 * vaf / purity < th.subclonal_fraction


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
        alt_reads=alt_reads(v),
        phase_set=v.phase_set,
        haplotypes=v.haplotypes,
    )


def _as_observation(f: Finding) -> Finding:
    """A catalogued finding that may not drive calls keeps its entry but no mechanism."""
    if f.mechanism and not f.passed_filters:
        return replace(
            f,
            mechanism="",
            significance=f"{f.significance} (below the support rules: shown, not a call)",
        )
    return f


def _annotation_check(v: Variant, gene: str, short: str) -> str:
    from alkannot.consequence import choose_annotation
    from alkannot.hgvs import normalise_protein_change

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


def _alk_significance(pc, catalogued: bool) -> str:
    """The class of an ALK change: known resistance mutation, kinase-domain (splice) VUS, ..."""
    if catalogued:
        return "known resistance mutation"
    if pc.consequence == "synonymous_variant":
        return "synonymous: not a resistance mutation"
    if pc.in_kinase_domain and pc.consequence.startswith("splice_"):
        return "kinase-domain splice variant of unknown significance"
    if pc.in_kinase_domain and any(w in pc.consequence for w in _PROTEIN_ALTERING_WORDS):
        return "kinase-domain variant of unknown significance"
    if pc.consequence in _NON_CODING or not pc.hgvsp:
        return "not protein-altering"
    return "ALK variant outside the kinase domain, not in the catalogue"


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
    if entry is not None and not any(de.call != "unknown" for de in entry.drugs.values()):
        entry = None  # catalogued without a sourced drug call (G1202del): not a mechanism
        significance = (
            "kinase-domain variant of unknown significance (catalogued, no sourced drug call)"
        )
    else:
        significance = _alk_significance(pc, entry is not None)
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


#: The sourced role of bypass genes whose found allele has no catalogue entry of its own.
_BYPASS_ROLE = {
    "KRAS": "KRAS mutations are a reported bypass mechanism (review 2.6: G12C or G12V in two of 11 "
    "crizotinib-resistant patients [32]; bypass row 'KRAS mutation', Doebele 2012)",
    "EGFR": "EGFR activation is a reported bypass mechanism (review 2.4; bypass row 'EGFR "
    "activation / EGFR-mutant outgrowth', Doebele 2012, EID4288)",
}


def _bypass_role(gene: str, short: str) -> str:
    """A found bypass-gene variant without its own entry: found, with the gene's sourced role."""
    role = _BYPASS_ROLE.get(gene)
    if role is None:
        return f"{gene} variant not in the catalogue"
    return (
        f"{gene} {short} found: {role}, but the sources give no data for {short}: shown, not a call"
    )


def annotate_bypass(
    v: Variant, gene: str, build: str, catalogue, passed: bool, notes: tuple[str, ...]
) -> Finding | SkippedRecord:
    """Name a variant in a bypass-track gene: curated hotspot allele, else the VCF's annotation."""
    from alkannot.consequence import choose_annotation
    from alkannot.hgvs import normalise_protein_change, one_to_three

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
    codon = _hotspot_codon(v, build)
    if not short:
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
    entry = catalogue.match_mutation(gene, short) or loss_of_function_entry(
        gene, consequence, catalogue
    )
    check = _annotation_check(v, gene, short) if how.startswith(("curated", "translated")) else ""
    significance = "catalogued bypass-track alteration" if entry else _bypass_role(gene, short)
    if codon is not None and not entry:
        # the hotspot table's codon, in its own numbering (a MAF may name another isoform's)
        significance += f"; at the recurrent hotspot codon {codon.replace('_', ' ')}"
        if re.sub(r"\D", "", codon) != re.sub(r"\D", "", short.split("_")[0]):
            significance += f" (the hotspot table's numbering; {short} names another isoform)"
    return replace(
        _base_finding(v, gene, passed, notes),
        alteration=short,
        hgvsp=hgvsp,
        hgvsc=hgvsc,
        consequence=consequence,
        catalogue_id=entry.id if entry else "",
        mechanism=entry.mechanism if entry else "",
        significance=significance,
        annotation_check=check,
        notes=notes + ((how,) if how else ()),
    )


def _hotspot_codon(v: Variant, build: str) -> str | None:
    """The name of the bundled recurrent hotspot codon (``MET_D1010``) the variant overlaps."""
    end = v.pos + len(v.ref) - 1
    return next(
        (
            n
            for chrom, s, e, n in hotspot_codons(build)
            if chrom == v.chrom and v.pos <= e and end >= s
        ),
        None,
    )


#: Consequence words of a truncating change (VEP/SnpEff SO terms and MAF classifications).
TRUNCATING = (
    "stop_gained",
    "nonsense",
    "frameshift",
    "frame_shift",
    "splice_donor",
    "splice_acceptor",
)


def annotation_gene(v: Variant) -> str | None:
    """The gene of :data:`ANNOTATION_GENES` a variant's own annotation names (MAF rows), or None."""
    return next((a.gene for a in v.annotations if a.gene in ANNOTATION_GENES), None)


def loss_of_function_entry(gene: str, consequence: str, catalogue):
    """The gene's "loss of function" entry (NF2, Recondo 2020) for a truncating change, or None.

    Only truncating changes count: a missense change is not known to inactivate the gene.
    """
    if not any(w in consequence.lower() for w in TRUNCATING):
        return None
    return next(
        (
            e
            for e in catalogue.entries.values()
            if e.gene == gene and e.kind == "mutation" and e.alteration == "loss of function"
        ),
        None,
    )


def variant_findings(
    variants: Iterable[Variant],
    build: str,
    reference: ReferenceSequence,
    catalogue,
    thresholds: Thresholds | None = None,
    purity: float | None = None,
    specimen: str | None = None,
) -> VariantAnnotation:
    """Annotate the VCF variants of the target genes; compound mutations become their own finding.

    Variants below the support rules (FILTER, VAF, depth, alt reads) are findings that never drive
    a call; with ``purity``, a variant whose cancer-cell fraction is below
    ``thresholds.subclonal_fraction`` is flagged subclonal and does not drive calls either. In
    plasma (``specimen="plasma"``) the VAF floor is the assay's detection limit and the tissue
    purity does not apply (no subclonal flag from it).
    """
    out = VariantAnnotation()
    th = thresholds or Thresholds()
    for v in variants:
        gene = gene_at(build, v.chrom, v.pos, v.pos + len(v.ref) - 1) or annotation_gene(v)
        if gene is None:
            continue  # the reader returns only target-region records; a stray one is not ours
        passed, notes = _passes(v, th, specimen)
        if specimen == "plasma":
            notes += (PLASMA_RULE_NOTE,)
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
            continue
        if specimen != "plasma" and is_subclonal(item.vaf, purity, th):
            ccf = 2 * item.vaf / purity
            item = replace(
                item,
                subclonal=True,
                mechanism="",
                notes=item.notes
                + (
                    f"subclonal: VAF {item.vaf:.3g} at purity {purity:g} is a cancer-cell "
                    f"fraction of {ccf:.2f} (< {th.subclonal_fraction:g}); shown, not a call",
                ),
            )
        out.findings.append(_as_observation(item))
    out.findings, repeated = one_per_change(out.findings)
    out.skipped.extend(repeated)
    compounds, warnings = compound_findings(out.findings, catalogue)
    out.findings.extend(compounds)
    out.warnings.extend(warnings)
    return out


def _same_change(a: Finding, b: Finding) -> bool:
    """Two records of one protein change written two ways: the same gene and alteration, and
    substitutions whose spans overlap with the same ALT base wherever both have one (an SNV
    and an MNV holding it, as callers and MAF converters write G12C); or identical records."""
    if (a.gene, a.alteration, a.chrom) != (b.gene, b.alteration, b.chrom) or not a.alteration:
        return False
    if (a.pos, a.ref, a.alt) == (b.pos, b.ref, b.alt):
        return True
    if a.pos is None or b.pos is None or len(a.ref) != len(a.alt) or len(b.ref) != len(b.alt):
        return False
    alt_a = {a.pos + i: x for i, x in enumerate(a.alt.upper()) if x != a.ref[i].upper()}
    alt_b = {b.pos + i: x for i, x in enumerate(b.alt.upper()) if x != b.ref[i].upper()}
    shared = alt_a.keys() & alt_b.keys()
    return bool(shared) and all(alt_a[p] == alt_b[p] for p in shared)


def one_per_change(findings: list[Finding]) -> tuple[list[Finding], list[SkippedRecord]]:
    """Count a protein change once when the input writes it as two records.

    The record kept is the one that passes the support rules, then the one with more ALT reads,
    then the first; each other goes to the skipped table naming the one kept.
    """
    order = sorted(
        range(len(findings)),
        key=lambda i: (not findings[i].passed_filters, -(findings[i].alt_reads or 0), i),
    )
    kept: list[int] = []
    skipped: list[SkippedRecord] = []
    for i in order:
        f = findings[i]
        twin = next((findings[k] for k in kept if _same_change(findings[k], f)), None)
        if twin is None:
            kept.append(i)
            continue
        skipped.append(
            SkippedRecord(
                f.source or "vcf",
                f"{f.chrom}:{f.pos} {f.ref}>{f.alt}",
                f"{f.gene} {f.alteration} again: the change of {twin.chrom}:{twin.pos} "
                f"{twin.ref}>{twin.alt} written another way (counted once, as that record)",
                "same_change",
                f.vaf,
                f.depth,
            )
        )
    return [findings[i] for i in sorted(kept)], skipped


#: Two mutations "fit one clone" when the smaller VAF is at least this fraction of the larger.
CLONE_VAF_RATIO = 0.5


def vafs_fit_one_clone(a: float | None, b: float | None) -> bool:
    """True when both VAFs are known and the smaller is >= :data:`CLONE_VAF_RATIO` of the larger."""
    if a is None or b is None or max(a, b) <= 0:
        return False
    return min(a, b) / max(a, b) >= CLONE_VAF_RATIO


def caller_phase(a: Finding, b: Finding) -> str:
    """``cis`` or ``trans`` from the caller's phase of two findings, "" when it does not say.

    VCF 4.2 section 1.6.2: phased genotypes with the same phase set (``PS``; or GATK's ``PID``)
    are one multi-marker haplotype: the same haplotype is cis, opposite haplotypes are trans.
    """
    if not (a.phase_set and a.phase_set == b.phase_set and a.haplotypes and b.haplotypes):
        return ""
    return "cis" if set(a.haplotypes) & set(b.haplotypes) else "trans"


def pair_phase(
    a: Finding, b: Finding, read_phases: dict[frozenset[str], str]
) -> tuple[str, str, str]:
    """``(phase, how, warning)`` of two mutations: reads first, then the caller's phase.

    A decided read phase (``cis``/``trans``, each cell above the error threshold) wins over the
    caller's; a disagreement between the two is a warning. ``phase`` is "" when neither says.
    """
    reads = read_phases.get(frozenset((a.alteration, b.alteration)), "")
    vcf = caller_phase(a, b)
    if reads in ("cis", "trans"):
        warning = ""
        if vcf and vcf != reads:
            warning = (
                f"ALK {a.alteration} / {b.alteration}: the caller's phase ({a.phase_set}) says "
                f"{vcf}, the reads say {reads}; the fragments spanning both sites decide: {reads}"
            )
        return reads, f"{reads} from reads", warning
    if vcf:
        return vcf, f"{vcf} from the caller's phase ({a.phase_set})", ""
    return "", "", ""


def _compound_parts(findings: list[Finding], catalogue) -> list[Finding]:
    """Catalogued ALK resistance mutations that drive calls: the only possible compound parts."""
    return [
        f
        for f in findings
        if f.kind == "mutation"
        and f.gene == "ALK"
        and f.drives_calls
        and f.alteration
        and catalogue.entries.get(f.catalogue_id, None) is not None
        and catalogue.entries[f.catalogue_id].kind == "mutation"
    ]


def _named_parts(findings: list[Finding], catalogue) -> list[Finding]:
    """Passing ALK variants without sourced calls of their own (so not mechanisms alone) that a
    compound entry names as a part (F1174I, L1198H: Mizuta 2021 studied them only with I1171N).

    They may complete the compounds that name them, never the "second mutation" wildcard.
    """
    named = {
        p for e in catalogue.entries.values() if e.kind == "compound" for p in e.parts if p != "*"
    }
    return [
        f
        for f in findings
        if f.kind == "mutation"
        and f.gene == "ALK"
        and f.passed_filters
        and not f.subclonal
        and not f.catalogue_id
        and f.alteration in named
    ]


def _wildcard_warnings(
    findings: list[Finding], by_name: dict[str, Finding], catalogue
) -> list[str]:
    """Why another ALK change beside "G1202R + a second mutation" does not complete it."""
    warnings = []
    for entry in catalogue.entries.values():
        if entry.kind != "compound" or "*" not in entry.parts:
            continue
        named = [p for p in entry.parts if p != "*"]
        if not all(p in by_name for p in named):
            continue
        for f in findings:
            if not (
                f.kind == "mutation"
                and f.gene == "ALK"
                and f.alteration
                and f.alteration not in by_name
                and not f.alteration.endswith("=")
                and f.consequence != "compound"
            ):
                continue
            why = (
                "not a catalogued ALK resistance mutation"
                if not f.catalogue_id
                else "below the support rules"
            )
            warnings.append(
                f"ALK {' + '.join(named)} with {f.alteration} (VAF {_fmt(f.vaf)}): {f.alteration} "
                f"is {why}, so the {entry.alteration} rule does not apply; each keeps its own "
                "profile"
            )
    return warnings


def one_clone(
    a: Finding, b: Finding, read_phases: dict[frozenset[str], str]
) -> tuple[bool, str, str, str]:
    """Whether two parts fit one clone: ``(ok, why, subclonal_note, warning)``.

    Phase decides when known (``cis`` confirms, ``trans`` refutes); in cis with VAFs more than
    twofold apart the compound is in a subclone of the larger clone (flagged, still a compound).
    Without phase, the VAFs must fit one clone (:data:`CLONE_VAF_RATIO`).
    """
    phase, how, warning = pair_phase(a, b, read_phases)
    fits = vafs_fit_one_clone(a.vaf, b.vaf)
    if phase == "cis":
        sub = ""
        if not fits and a.vaf is not None and b.vaf is not None:
            sub = (
                f"subclonal compound: {a.alteration} (VAF {_fmt(a.vaf)}) and {b.alteration} "
                f"(VAF {_fmt(b.vaf)}) are in cis but their VAFs differ more than twofold: the "
                "compound is carried by a subclone, beside cells with the larger one alone"
            )
        return True, how, sub, warning
    if phase == "trans":
        return False, f"{how}: on different copies, not one compound", "", warning
    return fits, ("VAFs fit one clone" if fits else "VAFs do not fit one clone"), "", warning


def compound_findings(
    findings: list[Finding], catalogue, phases: dict[frozenset[str], str] | None = None
) -> tuple[list[Finding], list[str]]:
    """Compound entries whose parts are all present, and warnings for pairs that are not compounds.

    Only catalogued ALK resistance mutations that drive calls count as parts (a variant of unknown
    significance never completes a compound). The parts must fit one clone (:func:`one_clone`):
    read-backed phase when given, else the caller's phase (GT ``|`` + ``PS``, ``PGT``/``PID``),
    else VAFs within a factor of two. When they do not, each mutation keeps its own profile and a
    warning names the other variant. Two parts in one clone that no entry names are warned about:
    their profiles are combined, which is not evidence about the compound.
    """
    phases = phases or {}
    parts = _compound_parts(findings, catalogue)
    by_name = {f.alteration: f for f in parts + _named_parts(findings, catalogue)}
    warnings = _wildcard_warnings(findings, by_name, catalogue)
    matched, out = [], []
    for entry in catalogue.match_compounds("ALK", list(by_name)):
        named = [p for p in entry.parts if p != "*"]
        members = [by_name[p] for p in named if p in by_name]
        if "*" in entry.parts:
            members += [f for f in parts if f.alteration not in named]
        if len(members) < 2:
            continue
        verdicts = [
            one_clone(a, b, phases) for i, a in enumerate(members) for b in members[i + 1 :]
        ]
        warnings += sorted({w for *_, w in verdicts if w})
        names = " + ".join(f.alteration for f in members)  # for messages
        if not all(ok for ok, *_ in verdicts):
            why = "; ".join(sorted({w for ok, w, *_ in verdicts if not ok}))
            warnings.append(
                f"ALK {names}: not treated as the compound {entry.alteration} ({why}: "
                + ", ".join(f"{f.alteration} VAF {_fmt(f.vaf)}" for f in members)
                + "); each mutation keeps its own profile (possibly polyclonal resistance)"
            )
            continue
        matched.append((entry, frozenset(f.alteration for f in members)))
        out.append(_compound_finding(entry, members, verdicts, bool(phases)))
        warnings += [f"ALK {names}: {sub}" for _, _, sub, _ in verdicts if sub]
    keep, covered_w = _largest_compounds(matched)
    warnings += covered_w
    warnings += _unnamed_compounds(parts, [matched[i][1] for i in keep], phases)
    return [out[i] for i in keep], warnings


def _compound_finding(entry, members: list[Finding], verdicts: list, phased: bool) -> Finding:
    vafs = [f.vaf for f in members if f.vaf is not None]
    phase_known = any(w.startswith(("cis", "trans")) for _, w, *_ in verdicts)
    subclonal = [sub for _, _, sub, _ in verdicts if sub]
    return Finding(
        kind="mutation",
        gene="ALK",
        alteration="+".join(f.alteration for f in members)
        if "*" in entry.parts
        else entry.alteration,
        hgvsp="",
        in_kinase_domain=True,
        vaf=min(vafs) if vafs else None,
        catalogue_id=entry.id,
        mechanism=entry.mechanism,
        significance="compound mutation (its own catalogue entry)"
        + ("; subclonal compound" if subclonal else ""),
        consequence="compound",
        baseline_status="not_compared",
        notes=tuple(sorted({w for _, w, *_ in verdicts}))
        + tuple(subclonal)
        + (() if phase_known or phased else ("phase (cis/trans) not determined",)),
        source="vcf",
    )


def _largest_compounds(matched: list[tuple]) -> tuple[list[int], list[str]]:
    """One compound per set of alleles: a named entry over the wildcard for the same alleles,
    and the largest named compound over the smaller ones it contains (G1202R+I1171N+L1196M,
    EID11114, over I1171N+L1196M and over "G1202R + second mutation")."""
    keep, warnings = [], []
    for i, (entry, members) in enumerate(matched):
        covered = any(
            members < other or (members == other and "*" in entry.parts and "*" not in e2.parts)
            for j, (e2, other) in enumerate(matched)
            if j != i
        )
        if covered:
            warnings.append(
                f"ALK {' + '.join(sorted(members))}: reported as the larger or named compound "
                f"that contains it, not as {entry.alteration}"
            )
        else:
            keep.append(i)
    return keep, warnings


def _unnamed_compounds(
    parts: list[Finding], compounds: list[frozenset], phases: dict[frozenset[str], str]
) -> list[str]:
    """Warn about two parts in one clone that no catalogued compound covers."""
    out = []
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            pair = frozenset((a.alteration, b.alteration))
            if any(pair <= c for c in compounds):
                continue
            ok, why, _, _ = one_clone(a, b, phases)
            if ok:
                out.append(
                    f"ALK {a.alteration} + {b.alteration} look like one clone ({why}), a compound "
                    "no source names: each drug's call combines the two single-mutation "
                    "profiles (worst call), which is not evidence about the compound itself"
                )
    return out


def _fmt(v: float | None) -> str:
    return "unknown" if v is None else f"{v:.3g}"


def copy_number_findings(calls: Iterable[GeneCopyNumber], catalogue) -> list[Finding]:
    """Findings for genes called amplified (a mechanism) or gained (an observation).

    Only a focal amplification at or above the gene's sourced threshold matches the catalogue; a
    gain, a broad (arm-level) gain or a high-level gain below the threshold is shown and never
    drives a call.
    """
    out = []
    for c in calls:
        if c.call not in ("amplification", "gain"):
            continue
        entry = catalogue.match_copy_number(c.gene, c.call)
        cn = f"copy number {c.copy_number:.3g}" if c.copy_number is not None else ""
        fold = f"fold {c.fold_change:.3g}" if c.fold_change is not None else ""
        log2 = f"log2 {c.log2:.3g}" if c.log2 is not None else ""
        threshold = catalogue.amplification_threshold(c.gene) if entry else None
        th_note = ""
        if threshold:
            th_note = (
                f"amplification threshold {threshold['fold']:g}-fold [{threshold['citation']}]"
            )
            if threshold.get("borrowed"):
                th_note += f"; no {c.gene} level in the sources: the ALK level is borrowed"
            if threshold.get("provenance"):
                th_note += f"; provenance: {threshold['provenance']}"
        if entry is not None and entry.ligand_note is not None and c.call == "amplification":
            ln = entry.ligand_note
            th_note += f"; {ln.statement} [{ln.citation}]: DNA sequencing cannot show the ligand"
        broad = "broad gain" in c.note
        unverifiable = c.call == "amplification" and c.fold_change is None
        if unverifiable:
            # a tool's discrete high-level call (GISTIC/cBioPortal 2, "Amplification"): counted
            # as amplification (issue 20 point 5), but the sourced level cannot be checked
            alteration = "amplification"
            significance = (
                f"{c.gene} amplification by the tool's discrete high-level call: level not "
                "verifiable (the sourced amplification level cannot be checked from it)"
            )
            th_note += "; level not verifiable: confirm the level (FISH or absolute copy number)"
        elif c.call == "amplification":
            significance = (
                "catalogued copy-number mechanism (amplification)"
                if entry
                else f"{c.gene} amplification, not in the catalogue"
            )
            alteration = "amplification"
            if c.segment_bp is None:
                th_note += "; segment size not given (gene-level values): focality not checked"
        else:
            alteration = "broad gain" if broad else "gain"
            significance = "copy-number gain: an observation, not a resistance mechanism" + (
                " (arm-level or polysomy)" if broad else " (below the amplification threshold)"
            )
        out.append(
            Finding(
                kind="copy_number",
                gene=c.gene,
                alteration=alteration,
                chrom=c.chrom,
                pos=c.start,
                catalogue_id=entry.id if entry else "",
                mechanism=entry.mechanism if entry else "",
                significance=significance,
                notes=tuple(x for x in (cn, fold, log2, c.note, th_note) if x),
                source="cnv",
            )
        )
    return out


def fusion_findings(calls: Iterable[FusionCall], catalogue=None) -> list[Finding]:
    """Findings for ALK fusions present in the sample (context, not resistance by themselves),
    and for MET fusions (a bypass track when a catalogue entry names the partner)."""
    from alkannot.fusion import keeps_alk_kinase

    out = []
    for c in calls:
        if "ALK" not in (c.gene3, c.gene5):
            if c.gene3 == "MET":
                out.append(met_fusion_finding(c, catalogue))
            continue
        if not keeps_alk_kinase(c):
            continue  # not an ALK fusion: in the skipped table (not_alk_fusion)
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
        significance = "ALK fusion detected"
        if not c.passed:
            significance = (
                f"ALK fusion called but failed the caller's filters (FILTER {';'.join(c.filter)}):"
                " not confirmed, not evidence of absence"
            )
        out.append(_fusion_finding(c, "ALK", significance=significance, notes=tuple(notes)))
    return out


def non_kinase_alk_calls(calls: Iterable[FusionCall], source: str) -> list[SkippedRecord]:
    """Skipped-table rows for ALK calls whose orientation keeps no ALK kinase domain 3'."""
    from alkannot.fusion import keeps_alk_kinase

    return [
        SkippedRecord(
            source,
            f"{c.record} ({c.name})" if c.record else c.name,
            "the orientation keeps no ALK kinase domain 3' (ALK the 5' partner, or read antisense)"
            + (f": {c.note}" if c.note else "")
            + "; not an ALK fusion",
            "not_alk_fusion",
        )
        for c in calls
        if "ALK" in (c.gene3, c.gene5) and not keeps_alk_kinase(c)
    ]


def _fusion_finding(c: FusionCall, gene: str, **kw) -> Finding:
    """A fusion finding of ``gene`` at the call's 3' breakpoint (PASS or unfiltered passes)."""
    return Finding(
        kind="fusion",
        gene=gene,
        alteration=c.name,
        chrom=c.chrom3,
        pos=c.pos3,
        filter=c.filter,
        passed_filters=c.passed,
        source="fusions",
        **kw,
    )


def met_fusion_finding(c: FusionCall, catalogue=None) -> Finding:
    """A MET fusion: the catalogue's MET rearrangement entry when it names this partner (ST7-MET,
    Dagogo-Jack 2020), otherwise an observation (no ALK-context source for that partner)."""
    entry = None
    if catalogue is not None:
        entry = next(
            (
                e
                for e in catalogue.entries_of_kind("rearrangement")
                if e.gene == "MET" and f"({c.gene5}-MET)" in e.alteration
            ),
            None,
        )
    return _fusion_finding(
        c,
        "MET",
        catalogue_id=entry.id if entry else "",
        mechanism=entry.mechanism if entry else "",
        significance="catalogued bypass-track alteration (MET fusion)"
        if entry
        else f"MET fusion with {c.gene5}: no ALK-context source for this partner; shown, not a call",
    )


#: The review's caution on fusion loss (section 2.3), quoted for the headline.
FUSION_LOSS_CAUTION = (
    'review 2.3: "It is difficult to prove loss of ALK in clinical samples, because ALK detection '
    'is affected easily by various factors"; tumour content and sample processing matter [47]'
)


#: Agreement of plasma with tissue for ALK fusions (the sourced figure a plasma negative carries).
PLASMA_FUSION_AGREEMENT = (
    "a plasma negative does not rule out the fusion: capture-based plasma NGS found the ALK "
    "fusion in 13 of 24 tissue ALK-positive patients, sensitivity 54.2% (Cui et al. 2017, "
    "Oncotarget 8:2771-2780, doi:10.18632/oncotarget.13741); positive percent agreement 50-86% "
    "across the plasma studies of Table 6 of doi:10.1186/s12935-021-02382-0"
)


def fusion_absent_finding(
    catalogue,
    baseline_status: str,
    *,
    purity: float | None = None,
    thresholds: Thresholds | None = None,
    kinase_domain_mutations: Iterable[Finding] = (),
    specimen: str | None = None,
    filtered_calls: Iterable[Finding] = (),
) -> Finding:
    """The ALK fusion was assessed and not detected in the re-biopsy (review 2.3).

    A re-biopsy whose ALK fusion call(s) failed the caller's filters (``filtered_calls``: a
    non-PASS FILTER, an Arriba low-confidence row) did not show the fusion to be absent: the
    finding is "not detected (unconfirmed)" naming those calls, never "lost".

    "Lost" (a mechanism) needs a tissue specimen, a fusion-positive baseline
    (``baseline_status == "present"``), a stated, adequate tumour content (``purity`` at least
    ``thresholds.min_fusion_purity``) and no ALK kinase-domain resistance mutation, which needs
    the fusion: such a mutation beside "fusion not detected" is a contradiction to resolve, not a
    loss. In plasma a negative is never a loss (:data:`PLASMA_FUSION_AGREEMENT`). Otherwise the
    finding is "fusion not detected (unconfirmed)", an observation that never drives a call.
    """
    th = thresholds or Thresholds()
    entry = catalogue.match_fusion_loss("ALK")
    kd = [f for f in kinase_domain_mutations if f.drives_calls]
    notes = [FUSION_LOSS_CAUTION]
    status = "no_baseline" if baseline_status == "not_assessed" else "not_compared"
    alteration = "fusion not detected (unconfirmed)"
    lost = False
    filtered = list(filtered_calls)
    if filtered:
        significance = _filtered_fusion_text(filtered, kd)
        status = "not_compared" if baseline_status != "not_assessed" else status
        if specimen == "plasma":
            notes.append(PLASMA_FUSION_AGREEMENT)
    elif kd:
        alteration = "fusion not detected (contradiction)"
        significance = (
            "CONTRADICTION: ALK kinase-domain resistance mutation(s) "
            + ", ".join(f.alteration for f in kd)
            + " need the ALK fusion, which was not detected: check the fusion assay, its "
            "coverage and the tumour content before calling the fusion lost"
        )
        status = "lost" if baseline_status == "present" else status
    elif specimen == "plasma":
        alteration = "fusion not detected in plasma (does not rule out)"
        significance = (
            f"ALK fusion not detected in plasma (cell-free DNA): {PLASMA_FUSION_AGREEMENT}; "
            "not a loss and not a mechanism: test tissue to confirm"
        )
        status = "not_compared" if baseline_status != "not_assessed" else status
    elif baseline_status == "present":
        significance, lost = _tissue_loss(purity, th)
        alteration = "fusion lost" if lost else alteration
        status = "lost"
    elif baseline_status == "absent":
        alteration = "fusion not detected"
        significance = "ALK fusion not detected at baseline or at re-biopsy: check the assay"
        status = "pre-existing"
    else:
        significance = (
            "ALK fusion not detected in the re-biopsy, with no fusion-positive baseline to "
            "compare: not evidence of loss"
        )
    return Finding(
        kind="fusion_loss",
        gene="ALK",
        alteration=alteration,
        catalogue_id=entry.id if (entry and lost) else "",
        mechanism=entry.mechanism if (entry and lost) else "",
        significance=significance,
        baseline_status=status,
        notes=tuple(notes),
        source="fusions",
        passed_filters=lost,
    )


def _filtered_fusion_text(filtered: list[Finding], kd: list[Finding]) -> str:
    """Why a fusion call that failed the caller's filters leaves the fusion unconfirmed."""
    calls = ", ".join(f"{f.alteration} (FILTER {';'.join(f.filter) or '.'})" for f in filtered)
    text = (
        f"ALK fusion call(s) {calls} failed the caller's filters: a filtered call is not "
        "evidence of absence; the fusion is neither confirmed nor ruled out (review the call's "
        "reads, or test again), so it is not a loss and not a mechanism"
    )
    if kd:
        text += (
            "; ALK kinase-domain mutation(s) "
            + ", ".join(f.alteration for f in kd)
            + " need the fusion"
        )
    return text


def _tissue_loss(purity: float | None, th: Thresholds) -> tuple[str, bool]:
    """Tissue, fusion-positive baseline: lost only with a stated, adequate tumour content."""
    if purity is None:
        return (
            "ALK fusion detected at baseline, not detected at re-biopsy; tumour content not "
            "stated: loss unconfirmed (give --purity; review 2.3: detection depends on tumour "
            "content [47])",
            False,
        )
    if purity < th.min_fusion_purity:
        return (
            f"ALK fusion detected at baseline, not detected at re-biopsy; tumour content "
            f"{purity:.0%} is below {th.min_fusion_purity:.0%}: loss unconfirmed",
            False,
        )
    return (
        f"ALK fusion detected at baseline, not detected at re-biopsy at tumour content "
        f"{purity:.0%}",
        True,
    )


def add_fusion_absence(
    findings: list[Finding],
    fusion_status: str,
    catalogue,
    baseline_status: str,
    *,
    purity: float | None,
    thresholds: Thresholds,
    specimen: str | None = None,
) -> tuple[list[Finding], list[str]]:
    """The fusion was assessed and not detected (``fusion_status == "absent"``): add the
    :func:`fusion_absent_finding` judged beside the kinase-domain mutations still present, and
    a warning when the two contradict each other. Returns the findings and the new warnings."""
    if fusion_status != "absent":
        return findings, []
    kd = [
        f
        for f in findings
        if f.kind == "mutation"
        and f.gene == "ALK"
        and f.mechanism == "on_target_mutation"
        and f.baseline_status != "lost"
    ]
    filtered = [
        f for f in findings if f.kind == "fusion" and f.gene == "ALK" and not f.passed_filters
    ]
    absent = fusion_absent_finding(
        catalogue, baseline_status, purity=purity, thresholds=thresholds,
        kinase_domain_mutations=kd, specimen=specimen, filtered_calls=filtered,
    )  # fmt: skip
    warnings = [absent.significance] if "contradiction" in absent.alteration else []
    return [*findings, absent], warnings


def fusion_status_of(status: str, findings: list[Finding]) -> str:
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
    """Sentences naming what this run could not assess, and why (``paths``: input file by role,
    e.g. ``cnv``, ``fusions``, ``baseline_vcf``, ``bam``; a missing role was not given)."""
    out = []
    if not paths.get("cnv"):
        out.append(
            "Copy number (ALK, MET, KIT amplification) not assessed: no copy-number file "
            "was given (--cnv)."
        )
    if not paths.get("fusions") and not paths.get("bam"):
        out.append(
            "ALK fusion status not assessed: a fusion cannot be called lost without "
            "fusion/SV input (--fusions)."
        )
    if not paths.get("baseline_vcf"):
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
        if entry.detectable_in_dna and entry.gene in ANNOTATION_GENES:
            out.append(
                f"{entry.gene} {entry.alteration}: assessed only in MAF input (rows naming "
                f"{entry.gene}); a VCF is not searched for {entry.gene} ({entry.summary})"
            )
        elif entry.detectable_in_dna and entry.gene and entry.gene not in read:
            out.append(
                f"{entry.gene} {entry.alteration}: not assessed, {entry.gene} is not among the "
                f"genes alkannot reads ({entry.summary})"
            )
    return out


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
