"""Gene-level copy number: PURPLE ``.purple.cnv.gene.tsv``, cBioPortal/GISTIC/OncoKB discrete
tables, wide (one column per sample) or long (``sample, gene, value``).

Discrete values are cBioPortal's: -2 homozygous deletion, -1 hemizygous deletion, 0 neutral,
1 gain, 2 high-level amplification (the study's ``meta_cna_discrete.txt`` says so); cBioPortal
also accepts -1.5, read here as a loss (never an amplification). Null tokens (``NA``,
``[Not Available]``, blank) mean "not profiled": the row goes to the skipped table.
"""

from __future__ import annotations

from alkannot.errors import InputFormatError
from alkannot.io.cnv.base import WHAT, CnvData, header, lines_of, num, sample_column_values
from alkannot.io.tables import NULL_TOKENS, choose_sample, split_row
from alkannot.models import Segment, SkippedRecord

GENE_COLUMNS = ("hugo_symbol", "gene", "gene symbol", "gene_symbol")
_META = {
    "hugo_symbol",
    "entrez_gene_id",
    "locus id",
    "cytoband",
    "gene symbol",
    "gene",
    "gene_symbol",
}
_WORDS = {
    "amplification": 2,
    "amp": 2,
    "gain": 1,
    "loss": -1,
    "deletion": -2,
    "homdel": -2,
    "hetloss": -1,
    "neutral": 0,
}
_DISCRETE = {-2.0: -2, -1.5: -1, -1.0: -1, 0.0: 0, 1.0: 1, 2.0: 2}


def read_gene_table(path: str, build: str, sample: str | None) -> CnvData:
    """Read a gene-level table of any of the kinds above (rows carry genes, not coordinates)."""
    lines = lines_of(path)
    h, cols, _ = header(lines, path)
    low = [c.lower() for c in cols]
    out = CnvData(path, "gene table", "", value_kind="discrete")
    gene_col = next((i for i, c in enumerate(low) if c in GENE_COLUMNS), None)
    if gene_col is None:
        raise InputFormatError(
            f"no gene column ({', '.join(GENE_COLUMNS)}); is this the right --cnv-format?",
            path=path,
            record=f"line {h + 1}",
        )
    value_col = next(
        (
            i
            for i, c in enumerate(low)
            if c in ("copy_number", "copynumber", "value", "copy_number_alteration", "cn")
        ),
        None,
    )
    sample_col = next(
        (i for i, c in enumerate(low) if c in ("sample", "sample_id", "tumor_sample_barcode")), None
    )
    if "mincopynumber" in low:
        out.format, out.value_kind = "PURPLE gene", "absolute"
        value_col = low.index("mincopynumber")
    elif value_col is not None and low[value_col] in ("copy_number", "copynumber", "cn"):
        out.value_kind = "absolute"  # long form with absolute copy number
    wide = value_col is None
    if wide and {"start", "end"} <= set(low):
        raise InputFormatError(
            "the table has coordinates (start, end) and no value column: not a gene-level "
            "table; is this the right --cnv-format?",
            path=path,
            record=f"line {h + 1}",
        )
    if wide and sample_col is not None:
        # one row per sample and gene (OncoKB's atypical alterations: HUGO_SYMBOL, SAMPLE_ID,
        # ALTERATION): its other columns are not samples, so it is not a wide table either
        raise InputFormatError(
            f"the table has a sample column ({cols[sample_col]}) but no copy-number value column "
            "(copy_number, copy_number_alteration, value, cn): not a long copy-number table; is "
            "this a copy-number file?",
            path=path,
            record=f"line {h + 1}",
        )
    if wide:
        samples = [c for c in cols if c.lower() not in _META]
        if not samples:
            raise InputFormatError("gene table without value or sample columns", path=path)
        chosen = choose_sample(samples, sample, path, WHAT)
        value_col = cols.index(chosen)  # type: ignore[arg-type]
    else:
        chosen = choose_sample(sample_column_values(lines, h + 1, sample_col), sample, path, WHAT)
    out.sample = chosen or ""
    for n, line in enumerate(lines[h + 1 :], start=h + 2):
        if not line.strip():
            continue
        row = [c.strip() for c in line.split("\t")] if "\t" in line else split_row(line)
        if len(row) <= max(gene_col, value_col):  # type: ignore[type-var]
            out.skipped.append(SkippedRecord(path, f"line {n}", "too few columns", "malformed"))
            continue
        if not wide and sample_col is not None and row[sample_col] != chosen:
            continue
        gene = row[gene_col]
        raw = row[value_col]  # type: ignore[index]
        if raw in NULL_TOKENS:
            out.skipped.append(
                SkippedRecord(
                    path, f"line {n}", f"{gene}: not profiled ({raw or 'blank'})", "missing_value"
                )
            )
            continue
        value = float(_WORDS[raw.lower()]) if raw.lower() in _WORDS else None
        if value is None:
            value = num(raw, path, n, f"copy-number value of {gene}")
        if out.value_kind == "discrete":
            if value not in _DISCRETE:
                out.skipped.append(
                    SkippedRecord(
                        path,
                        f"line {n}",
                        f"{gene}: discrete value {raw} is not one of -2, -1.5, -1, 0, 1, 2",
                        "malformed",
                    )
                )
                continue
            extra = {"discrete": _DISCRETE[value]}
        else:
            extra = {"copy_number": value}
        out.segments.append(
            Segment("", 0, 0, gene=gene, record=f"line {n}", sample=out.sample, **extra)  # type: ignore[arg-type]
        )
    _one_row_per_gene(out)
    return out


def _one_row_per_gene(out: CnvData) -> None:
    """A gene listed twice for the sample: one row kept when the values agree; when they
    disagree, none (the gene is then not assessed), each row listed in the skipped table."""
    rows: dict[str, list[Segment]] = {}
    for seg in out.segments:
        rows.setdefault(seg.gene, []).append(seg)
    keep = []
    for gene, segs in rows.items():
        values = {(s.discrete, s.copy_number) for s in segs}
        if len(values) == 1:
            keep.append(segs[0])
        reason = (
            f"{gene} listed again with the same value (first: {segs[0].record})"
            if len(values) == 1
            else f"{gene} listed {len(segs)} times with different values ("
            + ", ".join(
                f"{s.record}: {s.discrete if s.discrete is not None else s.copy_number}"
                for s in segs
            )
            + "): not used"
        )
        for s in segs[1:] if len(values) == 1 else segs:
            out.skipped.append(SkippedRecord(out.path, s.record, reason, "conflicting_rows"))
    out.segments = keep
