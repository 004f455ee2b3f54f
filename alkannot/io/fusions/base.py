"""What the fusion readers share: the result record, loci, partner names, the table loop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alkannot.bounds import READS, OutOfRange, parse_checked
from alkannot.errors import InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.genome.models import gene_spans, transcripts
from alkannot.io.tables import NULL_TOKENS, choose_sample, read_lines
from alkannot.models import FusionCall, SkippedRecord

WHAT = "fusion file"
#: Partner names that mean "no partner": the row is a rearrangement within the gene.
INTRAGENIC = {"", "intragenic", "ALK", "-", "NA"}
PAIR_SEPARATORS = ("::", "--", "/", "_", "-")
#: A breakpoint cell: ``chr2:29223528``, ``2:29223528:-`` (STAR-Fusion, FusionCatcher strands)
LOCUS = re.compile(r"^[A-Za-z0-9_.]+:\d+(:[+.-])?$")
_STRANDS = re.compile(r"^([+.-])/([+.-])$")


@dataclass
class FusionData:
    """What a fusion/SV file yielded."""

    path: str
    format: str
    calls: list[FusionCall] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    alk_assessed: bool = True
    #: rows or records interpreted (ALK or not); malformed ones are skipped and not counted
    records: int = 0
    #: data rows or records in the file (any sample), usable or not: zero is a valid empty result
    data_rows: int = 0
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
    strand5: tuple[str, ...] = ()  # Arriba "strand1(gene/fusion)": gene strand / transcribed strand
    strand3: tuple[str, ...] = ()
    names_any_order: bool = False  # plain tables: "ALK-EML4" means EML4::ALK
    #: a confidence column and the values that mark a call as not passing (Arriba ``low``)
    confidence: tuple[str, ...] = ()
    low_confidence: tuple[str, ...] = ()


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
    for sep in PAIR_SEPARATORS:
        if sep in name:
            a, b = name.split(sep, 1)
            return a.strip(), b.strip()
    return name, ""


def locus(text: str, build: str) -> tuple[str, int | None]:
    """``chr2:29223528[:strand]`` -> canonical contig and position, or ("", None)."""
    parts = text.strip().split(":")
    if not LOCUS.match(text.strip()):
        return "", None
    return canonical_contig(parts[0], build), int(parts[1])


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
    """Read a fusion table of the format ``spec`` describes; ALK calls become FusionCalls.

    Every data row is accounted for: a call, a skipped row with its reason (too few columns, a
    fusion name without one partner, a rearrangement within ALK), or a fusion not involving ALK
    (counted in a warning). A row whose breakpoint is malformed keeps no position and says so.
    """
    lines = lines_of(path)
    out = FusionData(path, spec.fmt)
    h = next(i for i, x in enumerate(lines) if x.strip())
    cols = _columns(lines[h], spec, path, h)
    rows = [(n, line.split("\t")) for n, line in enumerate(lines[h + 1 :], start=h + 2)]
    rows = [(n, r) for n, r in rows if "".join(r).strip() and not r[0].startswith("#")]
    out.data_rows = len(rows)
    isample = cols["sample"]
    samples: dict[str, None] = {}
    if isample is not None:
        for _, r in rows:
            if isample < len(r) and r[isample].strip():
                samples.setdefault(r[isample].strip(), None)
    chosen = choose_sample(list(samples), sample, path, WHAT)
    out.sample = chosen or ""
    other = 0
    for n, row in rows:
        if chosen is not None and (isample >= len(row) or row[isample].strip() != chosen):  # type: ignore[operator]
            continue
        other += _table_row(out, build, spec, cols, n, row) is False
    count_other(out, other)
    return out


def _columns(line: str, spec: TableSpec, path: str, h: int) -> dict:
    """Column indexes of ``spec``'s fields in the header ``line`` (None when absent)."""
    low = [c.strip().lstrip("#").strip().lower() for c in line.split("\t")]

    def col(names: tuple[str, ...]) -> int | None:
        return next((low.index(n.lower()) for n in names if n.lower() in low), None)

    cols = {
        k: col(getattr(spec, k))
        for k in (
            "gene5",
            "gene3",
            "bp5",
            "bp3",
            "name",
            "sample",
            "strand5",
            "strand3",
            "confidence",
        )
    }
    cols["reads"] = [i for i in (col((r,)) for r in spec.reads) if i is not None]
    cols["read_names"] = {i: low[i] for i in cols["reads"]}
    if (cols["gene5"] is None or cols["gene3"] is None) and cols["name"] is None:
        raise InputFormatError(
            f"expected {spec.fmt} gene columns ({' / '.join(spec.gene5 + spec.gene3 + spec.name)});"
            f" found {' '.join(low[:6])[:80]!r}; is this the right --fusion-format?",
            path=path,
            record=f"line {h + 1}",
        )
    return cols


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def _table_row(out: FusionData, build: str, spec: TableSpec, cols: dict, n: int, row) -> bool:
    """One data row: True when it was an ALK row (a call or a skipped row), False when not ALK."""
    record = f"line {n}"
    if cols["name"] is not None and cols["name"] < len(row):
        raw = row[cols["name"]].strip()
        g5, g3 = split_pair(raw)
        if _one_sided(raw, g5, g3) and (g5 or g3) != "ALK":
            # "EML4-" or "--NTRK3": the missing side could be ALK; "--ALK" is judged below by
            # its breakpoints (within ALK or a partner outside it)
            reason = f"fusion name {raw!r} names one partner only (the other could be ALK)"
            out.skipped.append(SkippedRecord(out.path, record, reason, "malformed"))
            return True
    elif None not in (cols["gene5"], cols["gene3"]) and max(cols["gene5"], cols["gene3"]) < len(
        row
    ):
        g5, g3 = (_cell(row, cols[k]).split("^")[0].strip() for k in ("gene5", "gene3"))
    else:
        out.skipped.append(SkippedRecord(out.path, record, "too few columns", "malformed"))
        return True
    out.records += 1
    g5, g3 = ("" if g5 in NULL_TOKENS else g5), ("" if g3 in NULL_TOKENS else g3)
    bypass = "ALK" not in (g5, g3)
    if bypass and bypass_kinase_pair(g5, g3, spec.names_any_order) is None:
        return False
    c5, p5, s5, c3, p3, s3, note = _breakpoints(row, cols, build)
    notes = [note] if note else []
    kinase = "MET" if bypass else "ALK"
    if spec.names_any_order and g5 == kinase and g3 and g3 != kinase:
        g5, g3, c5, p5, c3, p3, s5, s3 = g3, g5, c3, p3, c5, p5, s3, s5  # names in either order
    partner = g3 if g5 == "ALK" else g5
    if not bypass and partner in INTRAGENIC and within_alk(out, build, record, c5, p5, c3, p3):
        return True
    strand_ok, strand_note = strands_agree(
        (g5, _cell(row, cols["strand5"])), (g3, _cell(row, cols["strand3"]))
    )
    against = antisense(build, (g5, s5), (g3, s3))
    notes += [x for x in (strand_note, *against) if x]
    ok = False if strand_ok is False or against else orient(g5, g3)
    ok = None if bypass else ok  # the orientation rule is ALK's (its kinase kept 3')
    try:
        reads = read_count(row, cols["reads"], cols["read_names"])
    except OutOfRange as e:  # a negative/NaN count is not support: the row is skipped
        out.skipped.append(SkippedRecord(out.path, record, str(e), "out_of_range"))
        return True
    out.calls.append(
        FusionCall(
            g5,
            g3,
            c5,
            p5,
            c3,
            p3,
            orientation_ok=ok,
            supporting_reads=reads,
            source_format=spec.fmt,
            record=record,
            note="; ".join(notes),
            filter=_confidence_filter(spec, _cell(row, cols["confidence"])),
        )
    )
    return True


def _confidence_filter(spec: TableSpec, value: str) -> tuple[str, ...]:
    """``("PASS",)``, or ``("low_confidence",)`` for a value the format calls low: such a call
    is reported but not confirmed (never a detection, never evidence of absence)."""
    if value.lower() in spec.low_confidence:
        return ("low_confidence",)
    return ("PASS",)


def _breakpoints(row: list[str], cols: dict, build: str):
    """(chrom5, pos5, strand5, chrom3, pos3, strand3, note) from the breakpoint cells.

    Never half-used: a row with one malformed breakpoint keeps neither position, and the note
    says so. STAR-Fusion and FusionCatcher write the strand read after the position
    (``2:29223528:-``).
    """
    texts = (_cell(row, cols["bp5"]), _cell(row, cols["bp3"]))
    bad = [t for t in texts if t not in NULL_TOKENS and not LOCUS.match(t)]
    if bad:
        note = f"malformed breakpoint {bad[0]!r}: no position kept, junction not typed"
        return "", None, "", "", None, "", note
    (c5, p5), (c3, p3) = (locus(t, build) for t in texts)
    s5, s3 = (t.split(":")[2] if t.count(":") == 2 else "" for t in texts)
    return c5, p5, s5, c3, p3, s3, ""


def _one_sided(raw: str, g5: str, g3: str) -> bool:
    """A fusion name written with a separator but one partner only (``EML4-``, ``--NTRK3``)."""
    name = raw.split(" ")[0]
    return any(sep in name for sep in PAIR_SEPARATORS) and bool(g5) != bool(g3)


def read_count(
    row: list[str], indexes: list[int], names: dict[int, str] | None = None
) -> int | None:
    """The sum of the supporting-read columns (None when the format has none; a blank or ``.``
    cell adds 0).

    Raises
    ------
    OutOfRange
        A count that is negative, fractional, NaN or beyond :data:`~alkannot.bounds.READS`.
    """
    if not indexes:
        return None
    total = 0
    for i in indexes:
        if i < len(row):
            name = (names or {}).get(i, f"column {i + 1}")
            value = parse_checked(row[i].strip(), READS, name)
            total += int(value) if value is not None else 0
    return total


def strands_agree(*sides: tuple[str, str]) -> tuple[bool | None, str]:
    """Arriba's ``strand(gene/fusion)`` cells: False when a partner is transcribed antisense.

    Before the slash is the gene's annotated strand, after it the strand the fusion transcript
    was read from (Arriba's documentation); a partner transcribed against its own gene keeps no
    sense transcript of it. ``.`` (unknown) or an absent column checks nothing.
    """
    for gene, cell in sides:
        if not cell or cell in NULL_TOKENS:
            continue
        m = _STRANDS.match(cell)
        if not m:
            return None, f"strand column {cell!r} of {gene} is not gene/fusion (+/-): not checked"
        if "." not in m.groups() and m.group(1) != m.group(2):
            return False, f"{gene} strand {cell}: the fusion transcript runs antisense to {gene}"
    return None, ""


def antisense(build: str, *sides: tuple[str, str]) -> list[str]:
    """Notes for the partners read on the strand opposite their bundled gene's (ALK, EML4).

    ``sides`` are (gene, strand the fusion transcript was read from: ``+``, ``-`` or "").
    """
    known = transcripts(build)
    return [
        f"{gene} read on the {strand} strand, its gene is on {known[gene].strand}: the fusion "
        f"transcript runs antisense to {gene}"
        for gene, strand in sides
        if gene in known and strand in ("+", "-") and strand != known[gene].strand
    ]


def integer(text: str) -> int | None:
    """A whole number of reads or a position, or None."""
    text = text.strip()
    return int(text) if text.isdigit() else None


def count(text: str, field: str = "read count") -> int | None:
    """A supporting-read count: None when blank or not a number (``.``, ``NA``).

    Raises
    ------
    OutOfRange
        A number that is negative, fractional, NaN or beyond :data:`~alkannot.bounds.READS`.
    """
    value = parse_checked(text.strip(), READS, field)
    return None if value is None else int(value)


def count_other(out: FusionData, other: int) -> None:
    """The warning that counts rows not involving ALK (never dropped silently)."""
    if other:
        out.warnings.append(f"{other} fusion(s) not involving ALK were not used")
