"""Fusion and SV readers: VCF breakends and RNA/DNA fusion tables, to :class:`FusionCall` rows.

Formats (detected; ``fmt=`` overrides): SV VCF (Manta, DELLY, GRIDSS, FusionCatcher, SnpEff test
files: ``BND`` with ``MATEID``, ``<INV>``, missing mates, single breakends, and files without any
header, which is why SV VCFs are read as text here), Arriba ``fusions.tsv``, STAR-Fusion,
FusionCatcher ``final-list_candidate-fusion-genes.txt``, LINX ``.linx.fusion.tsv`` and a simple
``sample, fusion`` table (``EML4-ALK``, ``EML4--ALK``, ``EML4::ALK``, ``EML4_ALK``, ``EML4/ALK``).
Only calls involving ALK are kept; every other row is counted in a warning, not dropped silently.
"""

from __future__ import annotations

import contextlib
import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError
from alkannot.genome.build import canonical_contig
from alkannot.genome.models import gene_spans
from alkannot.models import FusionCall, SkippedRecord

FORMATS = ("vcf", "arriba", "star-fusion", "fusioncatcher", "linx", "table")
_SEP = re.compile(r"::|--|-|_|/")
_BND = re.compile(
    r"^(?P<pre>[A-Za-z.]*)(?P<b1>[\[\]])(?P<chrom>[^:\[\]]+):(?P<pos>\d+)(?P<b2>[\[\]])(?P<post>[A-Za-z.]*)$"
)


@dataclass
class FusionData:
    """What a fusion/SV file yielded."""

    path: str
    format: str
    calls: list[FusionCall] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    alk_assessed: bool = True


def _lines(path: str) -> list[str]:
    if not Path(path).is_file():
        raise InputFileError("fusion file not found", path=path)
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputFormatError(
            f"cannot read the file as text ({type(exc).__name__}); expected a "
            "fusion table or SV VCF",
            path=path,
        ) from None
    if not any(x.strip() for x in lines):
        raise InputFileError("the fusion file is empty", path=path)
    return lines


def detect_fusion_format(path: str | Path) -> str:
    """Name the format of a fusion/SV file from its first lines."""
    lines = _lines(str(path))
    first = next(x for x in lines if x.strip())
    low = first.lower()
    if (
        first.startswith("##fileformat=VCF")
        or first.startswith("#CHROM")
        or _looks_like_vcf_row(first)
    ):
        return "vcf"
    if low.startswith("#gene1"):
        return "arriba"
    if low.startswith("#fusionname"):
        return "star-fusion"
    if low.startswith("gene_1_symbol"):
        return "fusioncatcher"
    if "fiveprimebreakendid" in low or ("name" in low.split("\t") and "reportedtype" in low):
        return "linx"
    cols = [c.strip().lower() for c in first.lstrip("#").split("\t")]
    if "fusion" in cols or "fusiongene" in cols or {"genea", "geneb"} <= set(cols):
        return "table"
    raise InputFormatError(
        f"unknown fusion format (first line: {first[:60]!r}); pass "
        f"--fusion-format one of {', '.join(FORMATS)}",
        path=str(path),
    )


def _looks_like_vcf_row(line: str) -> bool:
    cols = line.split("\t")
    return (
        len(cols) >= 8 and cols[1].isdigit() and ("SVTYPE=" in cols[7] or cols[4].startswith("<"))
    )


def _gene_at(build: str, chrom: str, pos: int) -> str:
    for g, s in gene_spans(build).items():
        if s.chrom == chrom and s.start <= pos <= s.end:
            return g
    return ""


def _split_pair(name: str) -> tuple[str, str]:
    name = name.strip().split(" ")[0]
    for sep in ("::", "--", "/", "_", "-"):
        if sep in name:
            a, b = name.split(sep, 1)
            return a.strip(), b.strip()
    return name, ""


def _locus(text: str, build: str) -> tuple[str, int | None]:
    parts = text.strip().split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        return "", None
    return canonical_contig(parts[0], build), int(parts[1])


def _orient(gene5: str, gene3: str) -> tuple[str, str, bool | None]:
    """Order a partner pair so ALK is 3' when the other side is its known 5' partner."""
    if gene5 == "ALK" and gene3 and gene3 != "ALK":
        return gene5, gene3, False
    return gene5, gene3, (gene3 == "ALK") if gene3 else None


def _table(
    path: str,
    build: str,
    sample: str | None,
    cols_5: list[str],
    cols_3: list[str],
    bp5: list[str],
    bp3: list[str],
    reads: list[str],
    fmt: str,
    name_col: str = "",
) -> FusionData:
    lines = _lines(path)
    out = FusionData(path, fmt)
    header = [c.strip().lstrip("#") for c in lines[0].split("\t")]
    low = [c.lower() for c in header]

    def col(names: list[str]) -> int | None:
        for n in names:
            if n.lower() in low:
                return low.index(n.lower())
        return None

    i5, i3, ib5, ib3, iname = (
        col(cols_5),
        col(cols_3),
        col(bp5),
        col(bp3),
        col([name_col] if name_col else []),
    )
    isample = col(["sample", "sample_id", "tumor_sample_barcode"])
    if isample is not None and sample:
        in_file = {
            r.split("\t")[isample] for r in lines[1:] if r.strip() and len(r.split("\t")) > isample
        }
        if sample not in in_file:
            # a sample id that is not in the table must not make the fusion look absent
            out.warnings.append(
                f"sample {sample!r} not in the fusion table's sample column; all rows used"
            )
            sample = None
    ireads = [i for i in (col([r]) for r in reads) if i is not None]
    if (i5 is None or i3 is None) and iname is None:
        raise InputFormatError(
            f"missing gene columns ({' / '.join(cols_5 + [name_col])})", path=path, record="line 1"
        )
    other = 0
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if isample is not None and sample and isample < len(row) and row[isample] != sample:
            continue
        if iname is not None and iname < len(row):
            g5, g3 = _split_pair(row[iname])
        else:
            if max(i5, i3) >= len(row):
                out.skipped.append(SkippedRecord(path, f"line {n}", "too few columns", "malformed"))
                continue
            g5, g3 = row[i5].split("^")[0].strip(), row[i3].split("^")[0].strip()
        if "ALK" not in (g5, g3):
            other += 1
            continue
        c5, p5 = _locus(row[ib5], build) if ib5 is not None and ib5 < len(row) else ("", None)
        c3, p3 = _locus(row[ib3], build) if ib3 is not None and ib3 < len(row) else ("", None)
        total = 0
        for i in ireads:
            with contextlib.suppress(ValueError, IndexError):
                total += int(float(row[i]))
        if fmt == "table" and g5 == "ALK" and g3 and g3 != "ALK":
            g5, g3, c5, p5, c3, p3 = g3, g5, c3, p3, c5, p5  # fusion names come in either order
        gene5, gene3, ok = _orient(g5, g3)
        out.calls.append(
            FusionCall(
                gene5,
                gene3,
                c5,
                p5,
                c3,
                p3,
                orientation_ok=ok,
                supporting_reads=total if ireads else None,
                source_format=fmt,
                record=f"line {n}",
            )
        )
    if other:
        out.warnings.append(f"{other} fusion(s) not involving ALK were not used")
    return out


def read_arriba(path: str, build: str, sample: str | None = None) -> FusionData:
    """Arriba fusions.tsv: gene1 is the 5' partner; breakpoints are 1-based ``chr:pos``."""
    return _table(
        path,
        build,
        sample,
        ["gene1"],
        ["gene2"],
        ["breakpoint1"],
        ["breakpoint2"],
        ["split_reads1", "split_reads2", "discordant_mates"],
        "Arriba",
    )


def read_star_fusion(path: str, build: str, sample: str | None = None) -> FusionData:
    """STAR-Fusion: ``LeftGene`` 5' (``SYMBOL^ENSG``), breakpoints ``chr:pos:strand``."""
    return _table(
        path,
        build,
        sample,
        ["LeftGene"],
        ["RightGene"],
        ["LeftBreakpoint"],
        ["RightBreakpoint"],
        ["JunctionReadCount", "SpanningFragCount"],
        "STAR-Fusion",
    )


def read_fusioncatcher(path: str, build: str, sample: str | None = None) -> FusionData:
    """FusionCatcher final list: gene 1 is the 5' partner."""
    return _table(
        path,
        build,
        sample,
        ["Gene_1_symbol(5end_fusion_partner)"],
        ["Gene_2_symbol(3end_fusion_partner)"],
        ["Fusion_point_for_gene_1(5end_fusion_partner)"],
        ["Fusion_point_for_gene_2(3end_fusion_partner)"],
        ["Spanning_pairs", "Spanning_unique_reads"],
        "FusionCatcher",
    )


def read_linx(path: str, build: str, sample: str | None = None) -> FusionData:
    """LINX fusions: ``name`` is ``GENE5_GENE3``."""
    return _table(path, build, sample, ["geneStart"], ["geneEnd"], [], [], [], "LINX")


def read_table(path: str, build: str, sample: str | None = None) -> FusionData:
    """Simple table: ``sample, fusion`` (any separator, either gene order), optional breakpoints."""
    return _table(
        path,
        build,
        sample,
        ["geneA", "gene1", "gene5"],
        ["geneB", "gene2", "gene3"],
        ["breakpoint5", "breakpoint1", "leftbreakpoint"],
        ["breakpoint3", "breakpoint2", "rightbreakpoint"],
        ["reads", "splitreads", "supporting_reads"],
        "table",
        name_col="fusion" if "fusion" in _lines(path)[0].lower().split("\t") else "FusionGene",
    )


def read_sv_vcf(path: str, build: str, sample: str | None = None) -> FusionData:
    """SV VCF breakends and inversions joining ALK to a partner (headerless files accepted)."""
    lines = _lines(path)
    out = FusionData(path, "SV VCF")
    records: dict[str, dict] = {}
    order = []
    other = 0
    for n, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            if line.startswith("##source="):
                out.format = f"SV VCF ({line.split('=', 1)[1].split()[0]})"
            continue
        row = line.split("\t")
        if len(row) < 8 or not row[1].isdigit():
            out.skipped.append(
                SkippedRecord(
                    path,
                    f"line {n}",
                    "not a VCF record (fewer than 8 columns or non-numeric POS)",
                    "malformed",
                )
            )
            continue
        info = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in row[7].split(";"))
        rec = {
            "n": n,
            "chrom": canonical_contig(row[0], build),
            "pos": int(row[1]),
            "id": row[2],
            "alt": row[4],
            "filter": tuple(row[6].split(";")) if row[6] else (".",),
            "info": info,
        }
        records[row[2]] = rec
        order.append(rec)
    used = set()
    for rec in order:
        if rec["id"] in used:
            continue
        info = rec["info"]
        alt = rec["alt"]
        svtype = info.get("SVTYPE", "")
        mate = None
        m = _BND.match(alt)
        if m:
            chrom2, pos2 = canonical_contig(m.group("chrom"), build), int(m.group("pos"))
            mate = records.get(info.get("MATEID", "\0"))
        elif alt in ("<INV>", "<DEL>", "<DUP>", "<DUP:TANDEM>") or svtype in ("INV",):
            if "END" not in info:
                continue
            chrom2, pos2 = info.get("CHR2", rec["chrom"]), int(info["END"])
            chrom2 = canonical_contig(chrom2, build)
        elif alt.endswith(".") or alt.startswith("."):
            if _gene_at(build, rec["chrom"], rec["pos"]) == "ALK":
                out.skipped.append(
                    SkippedRecord(
                        path,
                        f"line {rec['n']}",
                        "single breakend in ALK: partner unknown",
                        "single_breakend",
                    )
                )
            continue
        else:
            continue
        used.add(rec["id"])
        if mate is not None:
            used.add(mate["id"])
        g1 = info.get("GENE5") or _gene_at(build, rec["chrom"], rec["pos"])
        g2 = info.get("GENE3") or _gene_at(build, chrom2, pos2)
        if "ALK" not in (g1, g2):
            other += 1
            continue
        if g1 == g2 == "ALK":
            out.skipped.append(
                SkippedRecord(
                    path, f"line {rec['n']}", "rearrangement within ALK, not a fusion", "intragenic"
                )
            )
            continue
        # ALK is the 3' partner; the other side is 5' (its name, or its locus when not a known gene)
        if g1 == "ALK" and g2 != "ALK":
            alk_chrom, alk_pos, p_chrom, p_pos, partner = rec["chrom"], rec["pos"], chrom2, pos2, g2
        else:
            alk_chrom, alk_pos, p_chrom, p_pos, partner = chrom2, pos2, rec["chrom"], rec["pos"], g1
        note = ""
        if not partner:
            partner = f"{p_chrom}:{p_pos}"
            note = "partner outside the bundled gene spans; named by its locus"
        if m and mate is None and info.get("MATEID"):
            note = (note + "; " if note else "") + "mate record not in the file"
        ok = None
        if partner == "EML4":
            # EML4 (+) 5' exons joined to ALK (-) 3' exons: an inversion, or a t]p] / ]p]t breakend
            ok = alt == "<INV>" or svtype == "INV" or bool(m and m.group("b1") == "]")
        reads = None
        for key in ("SR", "SP", "PE"):
            if info.get(key, "").isdigit():
                reads = (reads or 0) + int(info[key])
        out.calls.append(
            FusionCall(
                partner,
                "ALK",
                p_chrom,
                p_pos,
                alk_chrom,
                alk_pos,
                orientation_ok=ok,
                supporting_reads=reads,
                source_format=out.format + (f" {svtype}" if svtype else ""),
                record=f"line {rec['n']}",
                filter=rec["filter"],
                note=note,
            )
        )
    if other:
        out.warnings.append(f"{other} SV record(s) not involving ALK were not used")
    return out


_READERS = {
    "vcf": read_sv_vcf,
    "arriba": read_arriba,
    "star-fusion": read_star_fusion,
    "fusioncatcher": read_fusioncatcher,
    "linx": read_linx,
    "table": read_table,
}


def read_fusions(
    path: str | Path, build: str, fmt: str | None = None, sample: str | None = None
) -> FusionData:
    """Read a fusion/SV file of any supported format (ALK calls only)."""
    path = str(path)
    fmt = fmt or detect_fusion_format(path)
    if fmt not in _READERS:
        raise InputFormatError(
            f"unknown --fusion-format {fmt!r}; use one of {', '.join(FORMATS)}", path=path
        )
    return _READERS[fmt](path, build, sample)
