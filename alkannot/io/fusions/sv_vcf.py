"""SV VCF breakends and inversions joining ALK to a partner (Manta, DELLY, GRIDSS, ...).

Read as text, because SV VCFs come without headers, with single breakends and with missing
mates. Every record is counted: ALK joins become calls; single breakends and rearrangements
within ALK, and sequence-resolved insertions in ALK (DELLY ``SVTYPE=INS``), go to the skipped
table; the rest are counted in a warning. The header's contig lengths and ``##reference`` give
the file's own build, checked against the build in use.
"""

from __future__ import annotations

import re

from alkannot.bounds import READS, OutOfRange, parse_checked
from alkannot.errors import InputFormatError
from alkannot.genome.build import BUILDS, canonical_contig, detect_build
from alkannot.io.fusions.base import FusionData, gene_at, lines_of
from alkannot.models import FusionCall, SkippedRecord

#: A breakend ALT (VCF 4.x 5.4): t[p[, t]p], ]p]t or [p[t: one bracket kind on both sides of the
#: mate's position, and bases on exactly one side (checked in :func:`bnd_alt`)
_BND = re.compile(
    r"^(?P<pre>[A-Za-z]*)(?P<b1>[\[\]])(?P<chrom>[^:\[\]]+):(?P<pos>\d+)(?P=b1)(?P<post>[A-Za-z]*)$"
)


def bnd_alt(alt: str) -> re.Match | None:
    """The parts of a well-formed breakend ALT, or None."""
    m = _BND.match(alt)
    return m if m and bool(m.group("pre")) != bool(m.group("post")) else None


def looks_like_vcf_row(line: str) -> bool:
    """A headerless SV VCF starts with a record: numeric POS and an SV INFO or symbolic ALT."""
    cols = line.split("\t")
    return (
        len(cols) >= 8 and cols[1].isdigit() and ("SVTYPE=" in cols[7] or cols[4].startswith("<"))
    )


def _header_build(out: FusionData, meta: list[str]) -> None:
    lengths = {}
    for line in meta:
        m = re.match(r"##contig=<ID=([^,>]+).*length=(\d+)", line)
        if m:
            lengths[m.group(1)] = int(m.group(2))
    build, evidence = detect_build(meta, lengths)
    if build:
        out.declared_build, out.build_evidence = build, evidence


def _other_build_hits(out: FusionData, order: list[dict], build: str) -> None:
    """Ends that fall in ALK or EML4 in only one of the builds tell the file's build: when some
    do so only in the other build and none only in this one, the file is of the other build.
    (Ends in the part of ALK that both builds cover say nothing.)"""
    other = next(b for b in BUILDS if b != build)
    genes = ("ALK", "EML4")
    here_only, there_only = [], []
    for rec in order:
        ends = [(rec["file_chrom"], rec["pos"])]
        m = bnd_alt(rec["alt"])
        if m:
            ends.append((m.group("chrom"), int(m.group("pos"))))
        elif rec["info"].get("END", "").isdigit():
            ends.append((rec["info"].get("CHR2", rec["file_chrom"]), int(rec["info"]["END"])))
        for chrom, pos in ends:
            here = gene_at(build, canonical_contig(chrom, build), pos) in genes
            there = gene_at(other, canonical_contig(chrom, other), pos)
            if here and there not in genes:
                here_only.append(rec["n"])
            elif there in genes and not here:
                there_only.append(f"line {rec['n']} ({chrom}:{pos} in {there} in {other})")
    if there_only and not here_only:
        out.other_build_hits = there_only


def read_sv_vcf(path: str, build: str, sample: str | None = None) -> FusionData:
    """Read the ALK joins of an SV VCF (headerless files accepted)."""
    lines = lines_of(path)
    out = FusionData(path, "SV VCF")
    _header_build(out, [x for x in lines if x.startswith("##")])
    records: dict[str, dict] = {}
    order = []
    for n, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            if line.startswith("##source="):
                out.format = f"SV VCF ({line.split('=', 1)[1].split()[0]})"
            continue
        row = line.split("\t")
        out.data_rows += 1
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
        out.records += 1
        info = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in row[7].split(";"))
        rec = {
            "n": n,
            "file_chrom": row[0],
            "chrom": canonical_contig(row[0], build),
            "pos": int(row[1]),
            "id": row[2],
            "alt": row[4],
            "filter": tuple(row[6].split(";")) if row[6] else (".",),
            "info": info,
        }
        records[row[2]] = rec
        order.append(rec)
    _refuse_small_variants(out, order)
    _other_build_hits(out, order, build)
    used: set[str] = set()
    other = 0
    for rec in order:
        if rec["id"] in used and rec["id"] != ".":
            continue
        other += not _record(out, rec, records, used, build)
    if other:
        out.warnings.append(f"{other} SV record(s) not involving ALK were not used")
    return out


def _sv_like(rec: dict) -> bool:
    """A structural-variant record: SVTYPE or FusionCatcher's GENE5, or a symbolic, breakend or
    single-breakend ALT."""
    alt = rec["alt"]
    return (
        "SVTYPE" in rec["info"]
        or "GENE5" in rec["info"]
        or alt.startswith(("<", "."))
        or alt.endswith(".")
        or "[" in alt
        or "]" in alt
    )


def _refuse_small_variants(out: FusionData, order: list[dict]) -> None:
    """A VCF of small variants only (a somatic caller's) given as fusions would read as "no
    fusion called": refused, saying where it belongs."""
    if order and not any(_sv_like(rec) for rec in order):
        raise InputFormatError(
            f"small-variant calls, not structural variants: none of its {len(order)} record(s) "
            "has SVTYPE or a symbolic or breakend ALT; give it as the variant VCF, and the SV "
            "caller's VCF (or a fusion table) as --fusions",
            path=out.path,
        )


def _other_end(out: FusionData, rec: dict, build: str) -> tuple[str, int] | bool:
    """The partner end of a record (contig, position), or, when it has none, whether the
    record was an ALK one (then skipped here with its reason) for the caller to count."""
    info, alt = rec["info"], rec["alt"]
    svtype = info.get("SVTYPE", "")
    in_alk = gene_at(build, rec["chrom"], rec["pos"]) == "ALK"
    m = bnd_alt(alt)
    if m:
        return canonical_contig(m.group("chrom"), build), int(m.group("pos"))
    reason, category = f"{svtype or 'sequence'} record within ALK: not a fusion", "intragenic"
    if alt in ("<INV>", "<DEL>", "<DUP>", "<DUP:TANDEM>") or svtype in ("INV", "DEL", "DUP"):
        if info.get("END", "").isdigit():
            return canonical_contig(info.get("CHR2", rec["file_chrom"]), build), int(info["END"])
        reason, category = f"{svtype or alt} in ALK without END", "malformed"
    elif alt.endswith(".") or alt.startswith("."):
        reason, category = "single breakend in ALK: partner unknown", "single_breakend"
    elif "[" in alt or "]" in alt or svtype == "BND":
        # never half-used: a breakend whose ALT does not follow the grammar has no usable mate
        out.records -= 1  # not interpreted (a file of such records only is an error)
        reason = f"malformed breakend ALT {alt!r} (expected t[p[, t]p], ]p]t or [p[t)"
        category, in_alk = "malformed", True
    # else: sequence-resolved insertions (DELLY SVTYPE=INS) and other records: no partner gene
    if in_alk:
        where = f"line {rec['n']} ({rec['file_chrom']}:{rec['pos']})"
        out.skipped.append(SkippedRecord(out.path, where, reason, category))
    return in_alk


def _record(out: FusionData, rec: dict, records: dict, used: set[str], build: str) -> bool:
    """Handle one record; False when it does not involve ALK (counted by the caller)."""
    info, alt = rec["info"], rec["alt"]
    svtype = info.get("SVTYPE", "")
    where = f"line {rec['n']} ({rec['file_chrom']}:{rec['pos']})"
    end = _other_end(out, rec, build)
    if isinstance(end, bool):
        return end
    chrom2, pos2 = end
    m = bnd_alt(alt)
    mate = records.get(info.get("MATEID", "\0")) if m else None
    used.add(rec["id"])
    if mate is not None:
        used.add(mate["id"])
    g1 = info.get("GENE5") or gene_at(build, rec["chrom"], rec["pos"])
    g2 = info.get("GENE3") or gene_at(build, chrom2, pos2)
    if "ALK" not in (g1, g2):
        return False
    if g1 == g2 == "ALK":
        out.skipped.append(
            SkippedRecord(out.path, where, "rearrangement within ALK, not a fusion", "intragenic")
        )
        return True
    # ALK is the 3' partner; the other side is 5' (its name, or its locus when not a known gene)
    if g1 == "ALK":
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
    try:
        counts = [
            parse_checked(info[k], READS, f"INFO/{k}") for k in ("SR", "SP", "PE") if k in info
        ]
    except OutOfRange as e:  # a negative or NaN count is not support
        out.skipped.append(SkippedRecord(out.path, where, str(e), "out_of_range"))
        return True
    known = [int(c) for c in counts if c is not None]
    reads = sum(known) if known else None
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
    return True
