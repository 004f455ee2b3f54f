"""Transcript models and gene spans, loaded from ``resources/genome/{build}/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alkannot.genome.build import normalise_build
from alkannot.resources import read_table, resource_path

#: ALK kinase domain (UniProt Q9UM73), inclusive residue range.
ALK_KINASE_DOMAIN = (1116, 1383)
#: Codons covered by the bundled ALK sequence slice (c.3173 is the 2nd base of codon 1058).
ALK_SLICE_CODONS = (1058, 1388)


@dataclass(frozen=True, slots=True)
class Exon:
    """One exon: genomic span (1-based inclusive) and the c. range of its coding bases (0 = none)."""

    number: int
    start: int
    end: int
    cds_start: int
    cds_end: int


@dataclass(frozen=True, slots=True)
class Transcript:
    """A transcript model on one build; exons in transcript order (5' to 3')."""

    gene: str
    name: str  # RefSeq accession with version
    ensembl: str
    chrom: str
    strand: str  # "+" or "-"
    exons: tuple[Exon, ...]

    @property
    def cds_length(self) -> int:
        """Length of the coding sequence including the stop codon."""
        return max(e.cds_end for e in self.exons)

    @property
    def start(self) -> int:
        """Lowest genomic coordinate."""
        return min(e.start for e in self.exons)

    @property
    def end(self) -> int:
        """Highest genomic coordinate."""
        return max(e.end for e in self.exons)


@dataclass(frozen=True, slots=True)
class GeneSpan:
    """A gene's genomic span on one build (1-based inclusive)."""

    gene: str
    chrom: str
    strand: str
    start: int
    end: int


@cache
def transcripts(build: str) -> dict[str, Transcript]:
    """Return the bundled transcript models of a build, keyed by gene symbol."""
    build = normalise_build(build)
    rows = read_table(resource_path("genome", build, "transcripts.tsv"))
    by_gene: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_gene.setdefault(r["gene"], []).append(r)
    out = {}
    for gene, rs in by_gene.items():
        exons = tuple(
            Exon(
                int(r["exon"]),
                int(r["start"]),
                int(r["end"]),
                int(r["cds_start"]),
                int(r["cds_end"]),
            )
            for r in sorted(rs, key=lambda r: int(r["exon"]))
        )
        r0 = rs[0]
        out[gene] = Transcript(
            gene, r0["transcript"], r0["ensembl"], r0["chrom"], r0["strand"], exons
        )
    return out


#: Genes with no bundled span or codon model, read only where a row names them (MAF
#: ``Hugo_Symbol``): NF2 loss of function (a lorlatinib bypass, Recondo 2020), TP53 and RB1
#: (prognostic context and the histologic re-review note, catalogue 3.0.0).
ANNOTATION_GENES = ("NF2", "TP53", "RB1")


@cache
def gene_spans(build: str) -> dict[str, GeneSpan]:
    """Return the bundled gene spans of a build (ALK, EML4, KRAS, EGFR, MET, KIT, IGF1R)."""
    build = normalise_build(build)
    rows = read_table(resource_path("genome", build, "genes.tsv"))
    return {
        r["gene"]: GeneSpan(r["gene"], r["chrom"], r["strand"], int(r["start"]), int(r["end"]))
        for r in rows
    }


@dataclass(frozen=True, slots=True)
class BypassHotspot:
    """A curated bypass-track variant (KRAS G12C, EGFR T790M, ...) at a genomic allele."""

    gene: str
    protein: str  # "p.G12C" as in the source table
    chrom: str
    pos: int
    ref: str
    alt: str
    hgvsc: str


@cache
def bypass_hotspots(build: str) -> tuple[BypassHotspot, ...]:
    """Return the curated bypass hotspot alleles of a build."""
    build = normalise_build(build)
    rows = read_table(resource_path("genome", build, "bypass_hotspots.tsv"))
    return tuple(
        BypassHotspot(
            r["gene"], r["protein"], r["chrom"], int(r["pos"]), r["ref"], r["alt"], r["hgvs_c"]
        )
        for r in rows
    )


@cache
def hotspot_codons(build: str) -> tuple[tuple[str, int, int, str], ...]:
    """Return recurrent hotspot codon spans ``(chrom, start, end, name)``, 1-based inclusive."""
    build = normalise_build(build)
    rows = read_table(resource_path("genome", build, "hotspot_codons.tsv"))
    return tuple((r["chrom"], int(r["start"]), int(r["end"]), r["name"]) for r in rows)
