"""What the fusion readers share: the result record, loci, partner names, the table loop."""

from __future__ import annotations

from dataclasses import dataclass, field

from alkannot.bounds import READS, OutOfRange, parse_checked
from alkannot.errors import InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.genome.models import gene_spans
from alkannot.io.tables import NULL_TOKENS, choose_sample, read_lines
from alkannot.models import FusionCall, SkippedRecord

WHAT = "fusion file"
#: Partner names that mean "no partner": the row is a rearrangement within the gene.
INTRAGENIC = {"", "intragenic", "ALK", "-", "NA"}


@dataclass
class FusionData:
    """What a fusion/SV file yielded."""

    path: str
    format: str
    calls: list[FusionCall] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    alk_assessed: bool = True
    #: rows or records read (ALK or not): zero from a non-empty file is an error
    records: int = 0
    sample: str = ""
    declared_build: str = ""
    build_evidence: str = ""
    #: ends in ALK/EML4 of the other build only, none of this one's only: a file of the other build
    other_build_hits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TableSpec:
    """Column names (any of, case-insensitive) of one fusion-table format."""

    fmt: str
    gene5: tuple[str, ...] = ()
    gene3: tuple[str, ...] = ()
    bp5: tuple[str, ...] = ()
    bp3: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    name: tuple[str, ...] = ()  # one "GENE5--GENE3" column instead of two gene columns
    sample: tuple[str, ...] = ("sample", "sample_id", "tumor_sample_barcode")
    names_any_order: bool = False  # plain tables: "ALK-EML4" means EML4::ALK


def lines_of(path: str) -> list[str]:
    """The file's text lines (see :func:`alkannot.io.tables.read_lines`)."""
    return read_lines(path, WHAT)


def gene_at(build: str, chrom: str, pos: int) -> str:
    """The bundled gene whose span holds ``chrom:pos``, or ""."""
    for g, s in gene_spans(build).items():
        if s.chrom == chrom and s.start <= pos <= s.end:
            return g
    return ""


def split_pair(name: str) -> tuple[str, str]:
    """``EML4--ALK``, ``EML4::ALK``, ``EML4-ALK``, ``EML4_ALK``, ``EML4/ALK`` -> the two genes."""
    name = name.strip().split(" ")[0]
    for sep in ("::", "--", "/", "_", "-"):
        if sep in name:
            a, b = name.split(sep, 1)
            return a.strip(), b.strip()
    return name, ""


def locus(text: str, build: str) -> tuple[str, int | None]:
    """``chr2:29223528[:strand]`` -> canonical contig and position, or ("", None)."""
    parts = text.strip().split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return "", None
    return canonical_contig(parts[0], build), int(parts[1])


def support(row: list[str], columns: list[int], header: list[str]) -> int:
    """The row's supporting reads: the sum of its read-count columns (blank or ``.`` add 0).

    Raises
    ------
    OutOfRange
        A count that is negative, fractional, NaN or beyond :data:`~alkannot.bounds.READS`.
    """
    total = 0
    for i in columns:
        if i < len(row):
            v = parse_checked(row[i].strip(), READS, header[i])
            total += int(v) if v is not None else 0
    return total


def orient(gene5: str, gene3: str) -> bool | None:
    """Whether the kinase side is 3': ALK 5' with another 3' partner keeps no ALK kinase."""
    if gene5 == "ALK" and gene3 and gene3 != "ALK":
        return False
    return (gene3 == "ALK") if gene3 else None


#: Bypass-track kinases whose fusions are read besides ALK's (catalogue 3.0.0: MET rearrangement,
#: Dagogo-Jack 2020); the kinase must be the 3' partner for its kinase domain to be kept.
BYPASS_KINASES = ("MET",)


def bypass_kinase_pair(gene5: str, gene3: str, any_order: bool) -> tuple[str, str] | None:
    """``(partner, kinase)`` for a fusion of a bypass kinase with another gene, else None.

    In a table whose names come in either order (``ST7-MET``, ``MET-ST7``) the kinase is put 3';
    otherwise only a 3' kinase counts (a 5' MET keeps no MET kinase domain).
    """
    for kinase in BYPASS_KINASES:
        if gene3 == kinase and gene5 not in ("", kinase):
            return gene5, kinase
        if any_order and gene5 == kinase and gene3 not in ("", kinase):
            return gene3, kinase
    return None


def within_alk(out: FusionData, build: str, record: str, c5: str, p5, c3: str, p3) -> bool:
    """Record a partner-less ALK row as a rearrangement within ALK; True when it was one."""
    inside = [gene_at(build, c, p) == "ALK" for c, p in ((c5, p5), (c3, p3)) if c and p]
    if inside and not all(inside):
        return False
    out.skipped.append(
        SkippedRecord(
            out.path,
            record,
            "rearrangement within ALK (no partner gene): not an ALK fusion",
            "intragenic",
        )
    )
    return True


def read_table(path: str, build: str, sample: str | None, spec: TableSpec) -> FusionData:
    """Read a fusion table of the format ``spec`` describes; ALK calls become FusionCalls."""
    lines = lines_of(path)
    out = FusionData(path, spec.fmt)
    h = next(i for i, x in enumerate(lines) if x.strip())
    header = [c.strip().lstrip("#") for c in lines[h].split("\t")]
    low = [c.lower() for c in header]

    def col(names: tuple[str, ...]) -> int | None:
        return next((low.index(n.lower()) for n in names if n.lower() in low), None)

    i5, i3, ib5, ib3, iname = (
        col(spec.gene5),
        col(spec.gene3),
        col(spec.bp5),
        col(spec.bp3),
        col(spec.name),
    )
    if (i5 is None or i3 is None) and iname is None:
        raise InputFormatError(
            f"missing gene columns ({' / '.join(spec.gene5 + spec.name)}); is this the right "
            "--fusion-format?",
            path=path,
            record=f"line {h + 1}",
        )
    isample = col(spec.sample)
    rows = [(n, line.split("\t")) for n, line in enumerate(lines[h + 1 :], start=h + 2)]
    rows = [(n, r) for n, r in rows if "".join(r).strip() and not r[0].startswith("#")]
    samples: dict[str, None] = {}
    if isample is not None:
        for _, r in rows:
            if isample < len(r) and r[isample].strip():
                samples.setdefault(r[isample].strip(), None)
    chosen = choose_sample(list(samples), sample, path, WHAT)
    out.sample = chosen or ""
    ireads = [i for i in (col((r,)) for r in spec.reads) if i is not None]
    other = 0
    for n, row in rows:
        if chosen is not None and (isample >= len(row) or row[isample].strip() != chosen):  # type: ignore[operator]
            continue
        out.records += 1
        if iname is not None and iname < len(row):
            g5, g3 = split_pair(row[iname])
        elif i5 is not None and i3 is not None and max(i5, i3) < len(row):
            g5, g3 = row[i5].split("^")[0].strip(), row[i3].split("^")[0].strip()
        else:
            out.skipped.append(SkippedRecord(path, f"line {n}", "too few columns", "malformed"))
            continue
        g5, g3 = ("" if g5 in NULL_TOKENS else g5), ("" if g3 in NULL_TOKENS else g3)
        bypass = "ALK" not in (g5, g3)
        if bypass and bypass_kinase_pair(g5, g3, spec.names_any_order) is None:
            other += 1
            continue
        c5, p5 = locus(row[ib5], build) if ib5 is not None and ib5 < len(row) else ("", None)
        c3, p3 = locus(row[ib3], build) if ib3 is not None and ib3 < len(row) else ("", None)
        kinase = "MET" if bypass else "ALK"
        if spec.names_any_order and g5 == kinase and g3 and g3 != kinase:
            g5, g3, c5, p5, c3, p3 = g3, g5, c3, p3, c5, p5  # fusion names come in either order
        partner = g3 if g5 == "ALK" else g5
        if (
            not bypass
            and partner in INTRAGENIC
            and within_alk(out, build, f"line {n}", c5, p5, c3, p3)
        ):
            continue
        try:
            total = support(row, ireads, header)
        except OutOfRange as e:  # a negative/NaN count is not support: the row is skipped
            out.skipped.append(SkippedRecord(path, f"line {n}", str(e), "out_of_range"))
            continue
        out.calls.append(
            FusionCall(
                g5,
                g3,
                c5,
                p5,
                c3,
                p3,
                orientation_ok=None if bypass else orient(g5, g3),
                supporting_reads=total if ireads else None,
                source_format=spec.fmt,
                record=f"line {n}",
            )
        )
    if other:
        out.warnings.append(f"{other} fusion(s) not involving ALK were not used")
    return out
