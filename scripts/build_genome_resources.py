#!/usr/bin/env python3
"""Build ``resources/genome/{GRCh38,GRCh37}/`` from the checked tables in ``shared/reference/``.

Run it when the reference tables change; the program itself never reads ``shared/``::

    python scripts/build_genome_resources.py [--shared ../shared] [--out resources/genome]

Each output file is a small TSV with a ``#`` header naming its columns and its source. The script
checks what it copies (exon lengths against CDS ranges, the slice's translation against the
protein) and stops on any disagreement, so a bad table never becomes a resource.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

BUILDS = ("GRCh38", "GRCh37")
# Canonical contig naming per build, as the reference tables and most pipelines use it.
CHROM_PREFIX = {"GRCh38": "chr", "GRCh37": ""}
CODON = {
    a + b + c: aa
    for (a, b, c), aa in zip(
        ((x, y, z) for x in "TCAG" for y in "TCAG" for z in "TCAG"),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=True,
    )
}


def _rows(path: Path) -> list[list[str]]:
    out = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        out.append(line.split("\t"))
    return out


def _chrom(build: str, chrom: str) -> str:
    bare = chrom.removeprefix("chr")
    return CHROM_PREFIX[build] + bare


def _write(path: Path, header: str, rows: list[list[object]], source: str) -> None:
    lines = [f"## source: {source}", "#" + header]
    lines += ["\t".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def build_genes(shared: Path, out: Path) -> None:
    rows = _rows(shared / "reference" / "genes.tsv")
    for build in BUILDS:
        col = 4 if build == "GRCh38" else 6
        table = [
            [g, entrez, _chrom(build, chrom), strand, int(r[col]), int(r[col + 1])]
            for r in rows
            for g, entrez, chrom, strand in [r[:4]]
        ]
        _write(
            out / build / "genes.tsv",
            "gene\tentrez\tchrom\tstrand\tstart\tend",
            sorted(table),
            "shared/reference/genes.tsv (GRCh38 org.Hs.eg.db 3.16; GRCh37 by liftover)",
        )


def build_transcripts(shared: Path, out: Path) -> None:
    specs = [
        ("ALK", "NM_004304.5", "ENST00000389048", "-", "ALK_NM_004304.5_exons.tsv"),
        ("EML4", "NM_019063.5", "ENST00000318522", "+", "EML4_NM_019063.5_exons.tsv"),
    ]
    for build in BUILDS:
        table = []
        for gene, nm, enst, strand, fname in specs:
            for r in _rows(shared / "reference" / fname):
                exon = int(r[0])
                s38, e38, s37, e37, length, c_start, c_end = (int(x) for x in r[1:8])
                start, end = (s38, e38) if build == "GRCh38" else (s37, e37)
                if end - start + 1 != length:
                    sys.exit(f"{fname}: exon {exon} length {length} != span {end - start + 1}")
                table.append(
                    [
                        gene,
                        nm,
                        enst,
                        "chr2" if build == "GRCh38" else "2",
                        strand,
                        exon,
                        start,
                        end,
                        c_start,
                        c_end,
                    ]
                )
        _write(
            out / build / "transcripts.tsv",
            "gene\ttranscript\tensembl\tchrom\tstrand\texon\tstart\tend\tcds_start\tcds_end",
            table,
            "shared/reference/ALK_NM_004304.5_exons.tsv, EML4_NM_019063.5_exons.tsv "
            "(cds_start/cds_end: c. positions of the exon's coding bases; 0 = non-coding exon)",
        )


def build_slice(shared: Path, out: Path) -> str:
    rows = _rows(shared / "reference" / "ALK_exons20-28_plus_strand_bases.tsv")
    for build in BUILDS:
        col = 1 if build == "GRCh38" else 2
        table = sorted(
            (
                [_chrom(build, r[0]), int(r[col]), r[3], r[4] if r[4].startswith("c.") else "."]
                for r in rows
            ),
            key=lambda t: t[1],
        )
        _write(
            out / build / "alk_kinase_slice.tsv",
            "chrom\tpos\tbase\tc_pos",
            table,
            "shared/reference/ALK_exons20-28_plus_strand_bases.tsv: ALK exons 20-28 (c.3173-c.4164, "
            "codons 1058-1388) with 15 nt upstream and 10 nt downstream intron per exon; plus strand",
        )
    # Check: coding bases in c. order, complemented, translate to the protein residues 1059-1388.
    comp = str.maketrans("ACGT", "TGCA")
    coding = sorted((int(r[4][2:]), r[3].translate(comp)) for r in rows if r[4].startswith("c."))
    cds = "".join(b for _, b in coding)
    fa = "".join(
        line.strip()
        for line in (shared / "reference" / "ALK_cds_c3173-c4164.fa").read_text().splitlines()
        if not line.startswith(">")
    )
    if cds != fa:
        sys.exit("slice coding bases disagree with ALK_cds_c3173-c4164.fa")
    return cds


def build_protein(shared: Path, out: Path, cds: str) -> None:
    lines = (shared / "reference" / "ALK_Q9UM73_protein.fasta").read_text().splitlines()
    protein = "".join(line.strip() for line in lines if not line.startswith(">"))
    if len(protein) != 1620:
        sys.exit(f"protein length {len(protein)} != 1620")
    # c.3173 is the 2nd base of codon 1058; codon 1059 starts at c.3175 (index 2 of the slice).
    translated = "".join(CODON[cds[i : i + 3]] for i in range(2, len(cds) - 2, 3))
    if translated != protein[1058:1388]:
        sys.exit("slice translation disagrees with Q9UM73 residues 1059-1388")
    (out / "ALK_Q9UM73.fa").write_text(
        ">ALK Q9UM73 1620 aa (shared/reference/ALK_Q9UM73_protein.fasta; residues 1059-1620 high "
        "confidence, 1-1057 medium)\n"
        + "\n".join(protein[i : i + 60] for i in range(0, 1620, 60))
        + "\n"
    )


_LOC = re.compile(r"^(chr)?(\w+):(\d+):([ACGT]+)>([ACGT]+)")


def build_hotspots(shared: Path, out: Path) -> None:
    for build in BUILDS:
        bed = _rows(shared / "reference" / f"hotspot_codons_{build}.bed")
        _write(
            out / build / "hotspot_codons.tsv",
            "chrom\tstart\tend\tname",
            # BED is 0-based half-open; stored here 1-based inclusive like every internal coordinate.
            [[_chrom(build, r[0]), int(r[1]) + 1, int(r[2]), r[3]] for r in bed],
            f"shared/reference/hotspot_codons_{build}.bed (cancerhotspots.org), converted to 1-based",
        )
    rows = _rows(shared / "reference" / "bypass_hotspot_variants.tsv")
    for build in BUILDS:
        col = 3 if build == "GRCh37" else 4
        seen: dict[tuple, list] = {}
        for r in rows:
            m = _LOC.match(r[col])
            if not m:
                sys.exit(f"bypass_hotspot_variants.tsv: cannot parse {r[col]!r}")
            key = (r[0], r[1], _chrom(build, m.group(2)), int(m.group(3)), m.group(4), m.group(5))
            seen.setdefault(key, []).append(r[2])
        table = [[*k, " / ".join(v)] for k, v in sorted(seen.items())]
        _write(
            out / build / "bypass_hotspots.tsv",
            "gene\tprotein\tchrom\tpos\tref\talt\thgvs_c",
            table,
            "shared/reference/bypass_hotspot_variants.tsv (DoCM; chain-lifted where marked)",
        )


DERIVED = Path(__file__).resolve().parent / "reference" / "bypass_codon_bases.tsv"
_COMP = str.maketrans("ACGT", "TGCA")


def translate_span(bases: str, strand: str) -> str:
    """Translate plus-strand codon-span bases on the gene's strand."""
    coding = bases if strand == "+" else bases.translate(_COMP)[::-1]
    return "".join(CODON[coding[i : i + 3]] for i in range(0, len(coding), 3))


def build_bypass_codons(shared: Path, out: Path) -> None:
    """KRAS/EGFR hotspot codon spans with their bases (scripts/reference/bypass_codon_bases.tsv),
    checked: whole codons, every named codon translates to the residue its name gives (KRAS_G12
    -> G; codons named inside the EGFR 745-759 and 764-774 spans too), and the REF alleles of
    the curated KRAS/EGFR variants of bypass_hotspot_variants.tsv are the bases in both builds."""
    strands = {r[0]: r[3] for r in _rows(shared / "reference" / "genes.tsv")}
    spans: dict[str, list[list[str]]] = {}
    for r in _rows(DERIVED):
        spans.setdefault(r[1], []).append(r)
    # residue of every named single codon, by gene and codon number
    named: dict[tuple[str, int], str] = {}
    for span in spans:
        gene, label = span.split("_")
        if label[0].isalpha():
            named[(gene, int(label[1:]))] = label[0]
    tables: dict[str, list[list[object]]] = {b: [] for b in BUILDS}
    bases_at: dict[str, dict[tuple[str, int], str]] = {b: {} for b in BUILDS}
    for span, rows in sorted(spans.items()):
        gene, label = span.split("_")
        first = int("".join(c for c in label.split("-")[0] if c.isdigit()))
        pos37 = [int(r[3]) for r in rows]
        if len(rows) % 3 or pos37 != list(range(pos37[0], pos37[0] + len(rows))):
            sys.exit(f"{span}: not a run of whole codons")
        plus = "".join(r[5] for r in rows)
        protein = translate_span(plus, strands[gene])
        for i, aa in enumerate(protein):
            want = named.get((gene, first + i))
            if want and want != aa:
                sys.exit(f"{span}: codon {first + i} translates to {aa}, its name says {want}")
        for build, col in (("GRCh37", 3), ("GRCh38", 4)):
            start = int(rows[0][col])
            chrom = _chrom(build, rows[0][2])
            tables[build].append(
                [
                    gene,
                    span,
                    first,
                    chrom,
                    start,
                    start + len(rows) - 1,
                    strands[gene],
                    plus,
                    protein,
                ]
            )
            for r in rows:
                bases_at[build][(chrom, int(r[col]))] = r[5]
    for r in _rows(shared / "reference" / "bypass_hotspot_variants.tsv"):
        for build, col in (("GRCh37", 3), ("GRCh38", 4)):
            m = _LOC.match(r[col])
            chrom, pos, ref = _chrom(build, m.group(2)), int(m.group(3)), m.group(4)
            have = "".join(bases_at[build].get((chrom, pos + i), "?") for i in range(len(ref)))
            if "?" not in have and have != ref:
                sys.exit(f"{r[0]} {r[1]} {build}: REF {ref} but the derived bases are {have}")
    for build in BUILDS:
        _write(
            out / build / "bypass_codons.tsv",
            "gene\tspan\tfirst_codon\tchrom\tstart\tend\tstrand\tbases\tprotein",
            tables[build],
            "scripts/reference/bypass_codon_bases.tsv (reference bases from aligned reads' MD "
            "tags) over shared/reference/hotspot_codons_*.bed spans; bases on the plus strand, "
            "protein in codon order; checked against the codon names and the curated REF alleles",
        )


#: Real VCF headers of each build whose ##contig lines give the primary contigs' lengths; each is
#: checked against the chr2 length the reference README states before it is used.
CONTIG_HEADERS = {
    "GRCh38": "formats/annotated_vcf/vep/vatools_mutect2_filtered_vep106.vcf",
    "GRCh37": "formats/somatic_vcf/mutect2/gatk_cfdna-unfiltered.mutect2.vcf",
}
CHR2 = {"GRCh38": 242193529, "GRCh37": 243199373}  # shared/reference/README.md
_CONTIG = re.compile(r"^##contig=<ID=(?:chr)?([0-9]{1,2}|X|Y),length=(\d+)")


def build_contigs(shared: Path, out: Path) -> None:
    # chr2 from the reference README; the other primary contigs from a real header of each
    # build, used only after its chr2 agrees with the README (a header of the wrong build stops)
    rows = []
    for build, rel in CONTIG_HEADERS.items():
        lengths = {}
        for line in (shared / rel).read_text().splitlines():
            m = _CONTIG.match(line)
            if m:
                lengths[m.group(1)] = int(m.group(2))
        if lengths.get("2") != CHR2[build] or len(lengths) != 24:
            sys.exit(f"{rel}: not a full {build} header (chr2 {lengths.get('2')}, {len(lengths)})")
        rows += [[build, c, n] for c, n in lengths.items()]
    _write(
        out / "contig_lengths.tsv",
        "build\tcontig\tlength",
        rows,
        "shared/reference/README.md (chr2 length per build); 1-22, X, Y from the ##contig lines of "
        + " and ".join(f"shared/{rel} ({b})" for b, rel in CONTIG_HEADERS.items()),
    )


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=here.parent / "shared")
    parser.add_argument("--out", type=Path, default=here / "resources" / "genome")
    args = parser.parse_args()
    for build in BUILDS:
        (args.out / build).mkdir(parents=True, exist_ok=True)
    build_genes(args.shared, args.out)
    build_transcripts(args.shared, args.out)
    cds = build_slice(args.shared, args.out)
    build_protein(args.shared, args.out, cds)
    build_hotspots(args.shared, args.out)
    build_bypass_codons(args.shared, args.out)
    build_contigs(args.shared, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
