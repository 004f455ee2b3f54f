"""RNA/DNA fusion callers' tables: Arriba, STAR-Fusion (and CTAT-LR-Fusion), FusionCatcher, LINX,
and plain tables (``sample, fusion``; OncoKB ``Fusion``; OncoKB SV ``GeneA, GeneB``; PCGR
``FusionGene``)."""

from __future__ import annotations

from alkannot.io.fusions.base import FusionData, TableSpec, lines_of, read_table

ARRIBA = TableSpec(
    "Arriba",
    gene5=("gene1",),
    gene3=("gene2",),
    bp5=("breakpoint1",),
    bp3=("breakpoint2",),
    reads=("split_reads1", "split_reads2", "discordant_mates"),
    strand5=("strand1(gene/fusion)",),
    strand3=("strand2(gene/fusion)",),
    # Arriba's output documentation: each prediction is "low", "medium" or "high" confidence
    confidence=("confidence",),
    low_confidence=("low",),
)
STAR_FUSION = TableSpec(
    "STAR-Fusion",
    gene5=("LeftGene",),
    gene3=("RightGene",),
    bp5=("LeftBreakpoint",),
    bp3=("RightBreakpoint",),
    reads=("JunctionReadCount", "SpanningFragCount", "num_LR"),
)
FUSIONCATCHER = TableSpec(
    "FusionCatcher",
    gene5=("Gene_1_symbol(5end_fusion_partner)",),
    gene3=("Gene_2_symbol(3end_fusion_partner)",),
    bp5=("Fusion_point_for_gene_1(5end_fusion_partner)",),
    bp3=("Fusion_point_for_gene_2(3end_fusion_partner)",),
    reads=("Spanning_pairs", "Spanning_unique_reads"),
)
LINX = TableSpec("LINX", gene5=("geneStart",), gene3=("geneEnd",))
TABLE = TableSpec(
    "table",
    gene5=("geneA", "gene1", "gene5"),
    gene3=("geneB", "gene2", "gene3"),
    bp5=("breakpoint5", "breakpoint1", "leftbreakpoint"),
    bp3=("breakpoint3", "breakpoint2", "rightbreakpoint"),
    reads=("reads", "splitreads", "supporting_reads"),
    name=("fusion", "FusionGene"),
    names_any_order=True,
)


def read_arriba(path: str, build: str, sample: str | None = None) -> FusionData:
    """Arriba fusions.tsv: gene1 is the 5' partner; breakpoints are 1-based ``chr:pos``."""
    return read_table(path, build, sample, ARRIBA)


def read_star_fusion(path: str, build: str, sample: str | None = None) -> FusionData:
    """STAR-Fusion / CTAT-LR-Fusion: ``LeftGene`` 5' (``SYMBOL^ENSG``), ``chr:pos:strand``."""
    return read_table(path, build, sample, STAR_FUSION)


def read_fusioncatcher(path: str, build: str, sample: str | None = None) -> FusionData:
    """FusionCatcher final list: gene 1 is the 5' partner."""
    return read_table(path, build, sample, FUSIONCATCHER)


def read_linx(path: str, build: str, sample: str | None = None) -> FusionData:
    """LINX fusions: ``geneStart`` 5', ``geneEnd`` 3'."""
    return read_table(path, build, sample, LINX)


def read_plain_table(path: str, build: str, sample: str | None = None) -> FusionData:
    """Simple tables: ``sample, fusion`` (any separator, either gene order), gene pairs."""
    lines_of(path)  # existence, encoding and emptiness first
    return read_table(path, build, sample, TABLE)
