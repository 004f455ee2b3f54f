#!/usr/bin/env python3
"""Write the bundled example batch in ``resources/examples/`` (deterministic).

Each sample is a small, realistic re-biopsy: a Mutect2-style tumour/normal VCF with a few hundred
background records plus planted ALK kinase-domain mutations, and for some samples a CNVkit
``.cns`` file, a fusion call file and a pre-treatment (baseline) sample.

Planted mutations are built from the reference tables alone (bundled ALK slice bases, the standard
genetic code, the curated bypass hotspot alleles), never from alkannot's own code, so
``resources/examples/truth.tsv`` is an independent expectation for the tests and the workflow.

Usage::

    python scripts/make_examples.py [--out resources/examples]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pysam

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_genome_resources import CODON  # noqa: E402 (same folder; the standard code)

from alkannot.io.samplesheet import COLUMNS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GENOME = ROOT / "resources" / "genome"
COMP = str.maketrans("ACGT", "TGCA")
BASES = "ACGT"
AA1 = dict(
    zip(
        "ACDEFGHIKLMNPQRSTVWY*",
        [
            "Ala",
            "Cys",
            "Asp",
            "Glu",
            "Phe",
            "Gly",
            "His",
            "Ile",
            "Lys",
            "Leu",
            "Met",
            "Asn",
            "Pro",
            "Gln",
            "Arg",
            "Ser",
            "Thr",
            "Val",
            "Trp",
            "Tyr",
            "Ter",
        ],
        strict=True,
    )
)
CHR2_LENGTH = {"GRCh38": 242193529, "GRCh37": 243199373}  # shared/reference/README.md


def _table(path: Path) -> list[dict[str, str]]:
    header, rows = None, []
    for line in path.read_text().splitlines():
        if line.startswith("##") or not line:
            continue
        if line.startswith("#"):
            header = line[1:].split("\t")
            continue
        rows.append(dict(zip(header, line.split("\t"), strict=True)))
    return rows


class Genome:
    """Reference facts of one build, read from the bundled resource tables."""

    def __init__(self, build: str):
        self.build = build
        self.chr = "chr" if build == "GRCh38" else ""
        slice_rows = _table(GENOME / build / "alk_kinase_slice.tsv")
        self.base = {int(r["pos"]): r["base"] for r in slice_rows}
        self.c_to_pos = {
            int(r["c_pos"][2:]): int(r["pos"]) for r in slice_rows if r["c_pos"] != "."
        }
        self.genes = {r["gene"]: r for r in _table(GENOME / build / "genes.tsv")}
        self.hotspots = _table(GENOME / build / "bypass_hotspots.tsv")
        self.exons = {
            (r["gene"], int(r["exon"])): (int(r["start"]), int(r["end"]))
            for r in _table(GENOME / build / "transcripts.tsv")
        }

    def codon(self, n: int) -> tuple[str, list[int]]:
        """Reference codon n of ALK in transcript orientation, and its genomic positions."""
        positions = [self.c_to_pos[3 * n - 2 + i] for i in range(3)]
        return "".join(self.base[p].translate(COMP) for p in positions), positions


@dataclass
class Planted:
    """A planted alteration and what a correct annotator must call it."""

    kind: str
    gene: str
    alteration: str
    hgvsp: str = ""
    chrom: str = ""
    pos: int = 0
    ref: str = ""
    alt: str = ""
    vaf: float = 0.0
    depth: int = 0
    filter: str = "PASS"
    expect: dict[str, str] = field(default_factory=dict)


def snv_for(genome: Genome, codon_no: int, aa_to: str, protein: str) -> Planted:
    """Plant a single-base change turning ALK codon ``codon_no`` into amino acid ``aa_to``."""
    ref_codon, positions = genome.codon(codon_no)
    aa_from = CODON[ref_codon]
    assert aa_from == protein[codon_no - 1], (codon_no, aa_from)
    for i in range(3):
        for b in BASES:
            if b == ref_codon[i]:
                continue
            mut = ref_codon[:i] + b + ref_codon[i + 1 :]
            if CODON[mut] == aa_to:
                pos = positions[i]
                ref = genome.base[pos]
                alt = b.translate(COMP)
                name = (
                    f"{aa_from}{codon_no}{aa_to}" if aa_to != aa_from else f"{aa_from}{codon_no}="
                )
                hgvsp = f"p.{AA1[aa_from]}{codon_no}" + ("=" if aa_to == aa_from else AA1[aa_to])
                return Planted("mutation", "ALK", name, hgvsp, genome.chr + "2", pos, ref, alt)
    raise ValueError(f"no single-base change makes codon {codon_no} code for {aa_to}")


def dup_codon(genome: Genome, codon_no: int, protein: str) -> Planted:
    """Plant an in-frame duplication of ALK codon ``codon_no`` (the review's 1151Tins)."""
    _, positions = genome.codon(codon_no)
    low = min(positions)  # minus strand: the codon's bases are low..low+2 on the plus strand
    anchor = low - 1
    triplet = "".join(genome.base[p] for p in range(low, low + 3))
    aa = protein[codon_no - 1]
    return Planted(
        "mutation",
        "ALK",
        f"{aa}{codon_no}dup",
        f"p.{AA1[aa]}{codon_no}dup",
        genome.chr + "2",
        anchor,
        genome.base[anchor],
        genome.base[anchor] + triplet,
    )


def hotspot(genome: Genome, gene: str, protein: str) -> Planted:
    """Plant a curated bypass hotspot allele (DoCM table) by position and allele."""
    row = next(r for r in genome.hotspots if r["gene"] == gene and r["protein"] == protein)
    short = protein.removeprefix("p.")
    aa_from, num, aa_to = short[0], short[1:-1], short[-1]
    return Planted(
        "mutation",
        gene,
        short,
        f"p.{AA1[aa_from]}{num}{AA1[aa_to]}",
        row["chrom"],
        int(row["pos"]),
        row["ref"],
        row["alt"],
    )


def background(genome: Genome, rng: random.Random, n: int) -> list[Planted]:
    """Random somatic-looking SNVs and indels away from every target gene."""
    out = []
    contigs = [str(c) for c in range(1, 23)] + ["X"]
    for _ in range(n):
        chrom = rng.choice(contigs)
        pos = rng.randrange(1_000_000, 40_000_000)
        if chrom == "2" and 29_000_000 < pos < 31_000_000:
            continue  # keep the ALK locus for planted records only
        if chrom in ("7", "12", "4", "15") and pos > 24_000_000:
            pos -= 20_000_000  # away from KRAS/EGFR/MET/KIT/IGF1R
        ref = rng.choice(BASES)
        r = rng.random()
        if r < 0.05:
            alt = ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))
        elif r < 0.10:
            alt, ref = ref, ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))
        else:
            alt = rng.choice([b for b in BASES if b != ref])
        out.append(
            Planted(
                "background",
                "",
                "",
                chrom=genome.chr + chrom,
                pos=pos,
                ref=ref,
                alt=alt,
                vaf=round(rng.uniform(0.05, 0.5), 3),
                depth=rng.randint(80, 400),
            )
        )
    return out


def in_gene_unannotated(genome: Genome, gene: str, rng: random.Random, n: int) -> list[Planted]:
    """Records inside a gene that the bundled resources cannot name.

    For ALK: coding bases of exons 2-19, outside the bundled slice (they need --reference).
    For other genes: positions in the first third of the gene, away from curated hotspots.
    """
    g = genome.genes[gene]
    out = []
    for _ in range(n):
        if gene == "ALK":
            start, end = genome.exons[("ALK", rng.randint(2, 19))]
            pos = rng.randint(start, end)
        else:
            start, end = int(g["start"]), int(g["end"])
            pos = rng.randrange(start + 1000, start + (end - start) // 3)
        ref = rng.choice(BASES)
        out.append(
            Planted(
                "background",
                gene,
                "",
                chrom=g["chrom"],
                pos=pos,
                ref=ref,
                alt=rng.choice([b for b in BASES if b != ref]),
                vaf=round(rng.uniform(0.05, 0.5), 3),
                depth=rng.randint(80, 400),
            )
        )
    return out


def write_vcf(
    path: Path, genome: Genome, records: list[Planted], tumour: str, normal: str, rng: random.Random
) -> None:
    """Write a Mutect2-style tumour/normal VCF (normal column first), bgzipped and indexed."""
    contigs = sorted({r.chrom for r in records} | {genome.chr + "2"}, key=_contig_key)
    ref_line = (
        "##reference=file:///ref/Homo_sapiens_assembly38.fasta"
        if genome.build == "GRCh38"
        else "##reference=file:///ref/human_g1k_v37.fasta"
    )
    header = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
        'alleles in the order listed">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles '
        'in the tumor">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of '
        'variant existing versus not existing">',
        "##MutectVersion=2.2",
        f"##normal_sample={normal}",
        ref_line,
        "##source=FilterMutectCalls",
        f"##tumor_sample={tumour}",
    ]
    for c in contigs:
        length = f",length={CHR2_LENGTH[genome.build]}" if c.removeprefix("chr") == "2" else ""
        header.append(f"##contig=<ID={c}{length}>")
    header.append(
        "\t".join(
            [
                "#CHROM",
                "POS",
                "ID",
                "REF",
                "ALT",
                "QUAL",
                "FILTER",
                "INFO",
                "FORMAT",
                normal,
                tumour,
            ]
        )
    )
    lines = []
    for r in sorted(records, key=lambda r: (_contig_key(r.chrom), r.pos, r.ref, r.alt)):
        alt_reads = max(1, round(r.vaf * r.depth))
        ref_reads = r.depth - alt_reads
        n_depth = rng.randint(60, 200)
        tlod = round(3 + alt_reads * 2.5, 2)
        lines.append(
            "\t".join(
                [
                    r.chrom,
                    str(r.pos),
                    ".",
                    r.ref,
                    r.alt,
                    ".",
                    r.filter,
                    f"DP={r.depth + n_depth};TLOD={tlod}",
                    "GT:AD:AF:DP",
                    f"0/0:{n_depth},0:0.0:{n_depth}",
                    f"0/1:{ref_reads},{alt_reads}:{alt_reads / r.depth:.3f}:{r.depth}",
                ]
            )
        )
    plain = path.with_suffix("")  # x.vcf.gz -> x.vcf
    plain.write_text("\n".join(header + lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True)


def _contig_key(c: str) -> tuple[int, str]:
    bare = c.removeprefix("chr")
    return (int(bare), "") if bare.isdigit() else (100, bare)


def write_cns(path: Path, genome: Genome, gene_log2: dict[str, float]) -> None:
    """CNVkit .cns (0-based half-open), whole chromosomes 2, 4, 7, 12, 15 with focal segments."""
    rows = []
    spans = {
        g: (genome.genes[g]["chrom"], int(genome.genes[g]["start"]), int(genome.genes[g]["end"]))
        for g in ("ALK", "EML4", "KIT", "EGFR", "MET", "KRAS", "IGF1R")
    }
    by_chrom: dict[str, list[tuple[int, int, str, float]]] = {}
    for g, (chrom, s, e) in spans.items():
        by_chrom.setdefault(chrom, []).append((s, e, g, gene_log2.get(g, 0.0)))
    for chrom in sorted(by_chrom, key=_contig_key):
        cursor = 10000
        for s, e, g, log2 in sorted(by_chrom[chrom]):
            focal_start, focal_end = s - 50_000, e + 50_000
            if log2 != 0.0:
                rows.append((chrom, cursor, focal_start - 1, "-", 0.01, 800))
                rows.append((chrom, focal_start - 1, focal_end, g, log2, 40))
                cursor = focal_end
        rows.append((chrom, cursor, cursor + 60_000_000, "-", -0.02, 3000))
    lines = ["chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight"]
    for chrom, s, e, gene, log2, probes in rows:
        lines.append(
            f"{chrom}\t{s}\t{e}\t{gene}\t{log2:.4f}\t{250.0 * 2**log2:.2f}\t{probes}"
            f"\t{probes * 0.9:.1f}"
        )
    path.write_text("\n".join(lines) + "\n")


def write_arriba(path: Path, genome: Genome, with_alk: bool) -> None:
    """Arriba fusions.tsv; the EML4-ALK row joins EML4 exon 13 to ALK exon 20 (variant 1)."""
    cols = [
        "#gene1",
        "gene2",
        "strand1(gene/fusion)",
        "strand2(gene/fusion)",
        "breakpoint1",
        "breakpoint2",
        "site1",
        "site2",
        "type",
        "split_reads1",
        "split_reads2",
        "discordant_mates",
        "coverage1",
        "coverage2",
        "confidence",
        "reading_frame",
    ]
    lines = ["\t".join(cols)]
    chrom = "chr2" if genome.build == "GRCh38" else "2"
    if with_alk:
        eml4_exon13_end = genome.exons[("EML4", 13)][1]
        alk_exon20_first = genome.exons[("ALK", 20)][1]  # minus strand: exon starts at its end
        lines.append(
            "\t".join(
                [
                    "EML4",
                    "ALK",
                    "+/+",
                    "-/-",
                    f"{chrom}:{eml4_exon13_end}",
                    f"{chrom}:{alk_exon20_first}",
                    "splice-site",
                    "splice-site",
                    "inversion",
                    "21",
                    "17",
                    "9",
                    "180",
                    "240",
                    "high",
                    "in-frame",
                ]
            )
        )
    lines.append(
        "\t".join(
            [
                "PPIL4",
                "EML4",
                "+/+",
                "+/+",
                f"{chrom}:{genome.exons[('EML4', 2)][0] - 5000}",
                f"{chrom}:{genome.exons[('EML4', 2)][0]}",
                "intron",
                "splice-site",
                "deletion/read-through",
                "2",
                "1",
                "0",
                "40",
                "55",
                "low",
                ".",
            ]
        )
    )
    path.write_text("\n".join(lines) + "\n")


def write_fusion_table(path: Path, sample: str, fusion: str) -> None:
    """The simplest fusion input: sample and fusion name."""
    path.write_text(f"sample\tfusion\n{sample}\t{fusion}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "examples")
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    protein = "".join(
        line.strip()
        for line in (GENOME / "ALK_Q9UM73.fa").read_text().splitlines()
        if not line.startswith(">")
    )
    truth: list[list[str]] = []
    sheet: list[list[str]] = []
    g38, g37 = Genome("GRCh38"), Genome("GRCh37")

    def planted(genome, items, vafs, depth=300, filters=None):
        out_items = []
        for i, (p, vaf) in enumerate(zip(items, vafs, strict=True)):
            p.vaf, p.depth = vaf, depth
            if filters and filters[i]:
                p.filter = filters[i]
            out_items.append(p)
        return out_items

    samples = []
    # (sample, genome, re-biopsy alterations, baseline alterations, cnv log2, fusion, baseline
    #  fusion, prior therapy, cns)
    p01 = planted(g38, [snv_for(g38, 1202, "R", protein)], [0.18])
    p02 = planted(g38, [snv_for(g38, 1171, "T", protein)], [0.22])
    p03_kras = hotspot(g38, "KRAS", "p.G12C")
    # P03: EML4-ALK lost since baseline (tumour content 60 %), KRAS G12C present ab initio (review
    # 2.3 and 2.6); no ALK kinase-domain mutation, which would contradict the loss of the fusion
    p03 = planted(g38, [p03_kras], [0.31])
    p03_base = planted(g38, [hotspot(g38, "KRAS", "p.G12C")], [0.28])
    p04 = planted(
        g37,
        [
            snv_for(g37, 1196, "M", protein),
            snv_for(g37, 1202, "G", protein),
            snv_for(g37, 1156, "Y", protein),
        ],
        [0.25, 0.4, 0.03],
        filters=[None, None, "weak_evidence"],
    )
    p05 = planted(
        g37, [snv_for(g37, 1156, "Y", protein), snv_for(g37, 1198, "F", protein)], [0.2, 0.19]
    )
    p06 = planted(
        g37, [dup_codon(g37, 1151, protein), hotspot(g37, "EGFR", "p.L858R")], [0.15, 0.09]
    )
    samples = [
        ("P01", g38, p01, [], {}, "arriba", None, "crizotinib", "no"),
        ("P02", g38, p02, None, {"MET": 3.0}, None, None, "alectinib", ""),
        ("P03", g38, p03, p03_base, {}, "arriba-none", "table", "crizotinib", "no"),
        ("P04", g37, p04, None, {"ALK": 2.0}, None, None, "crizotinib", "yes"),
        ("P05", g37, p05, None, None, "table", None, "crizotinib,lorlatinib", ""),
        ("P06", g37, p06, None, None, None, None, "crizotinib", ""),
        ("P07", g38, [], None, {}, "arriba", None, "crizotinib", "no"),
    ]
    purity = {"P03": "0.6"}
    for sample, genome, alts, base_alts, cn, fus, base_fus, prior, cns in samples:
        d = out / genome.build
        d.mkdir(parents=True, exist_ok=True)
        rng = random.Random(f"alkannot-example-{sample}")
        bg = background(genome, rng, 300)
        bg += in_gene_unannotated(genome, "EGFR", rng, 2)
        bg += in_gene_unannotated(genome, "ALK", rng, 2)  # outside the slice: needs --reference
        row = {k: "" for k in COLUMNS}
        rel = lambda p: str(p.relative_to(ROOT))  # noqa: E731
        vcf = d / f"{sample}.rebiopsy.vcf.gz"
        write_vcf(vcf, genome, alts + bg, f"{sample}_T", f"{sample}_N", rng)
        row.update(
            sample=sample,
            vcf=rel(vcf),
            prior_therapy=prior,
            cns_metastases=cns,
            build=genome.build,
            purity=purity.get(sample, ""),
        )
        if base_alts is not None:
            bvcf = d / f"{sample}.baseline.vcf.gz"
            write_vcf(bvcf, genome, base_alts + bg[:250], f"{sample}_B", f"{sample}_N", rng)
            row["baseline_vcf"] = rel(bvcf)
        if cn is not None:
            cns_path = d / f"{sample}.cns"
            write_cns(cns_path, genome, cn)
            row["cnv"] = rel(cns_path)
        if fus:
            fpath = d / f"{sample}.fusions.tsv"
            if fus == "table":
                write_fusion_table(fpath, sample, "EML4::ALK")
            else:
                write_arriba(fpath, genome, with_alk=(fus == "arriba"))
            row["fusions"] = rel(fpath)
        if base_fus:
            bpath = d / f"{sample}.baseline.fusions.tsv"
            write_fusion_table(bpath, sample, "EML4--ALK")
            row["baseline_fusions"] = rel(bpath)
        sheet.append([row[k] for k in row])
        base_keys = {(b.gene, b.alteration) for b in (base_alts or [])}
        for a in alts:
            status = (
                "no_baseline"
                if base_alts is None
                else ("pre-existing" if (a.gene, a.alteration) in base_keys else "acquired")
            )
            truth.append(
                [
                    sample,
                    genome.build,
                    "mutation",
                    a.gene,
                    a.alteration,
                    a.hgvsp,
                    a.chrom,
                    str(a.pos),
                    a.ref,
                    a.alt,
                    f"{max(1, round(a.vaf * a.depth)) / a.depth:.4g}",
                    str(a.depth),
                    a.filter,
                    status,
                ]
            )
        for gene in cn or {}:
            truth.append(
                [
                    sample,
                    genome.build,
                    "copy_number",
                    gene,
                    "amplification",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "no_baseline",
                ]
            )
        if fus == "arriba-none" and base_fus:
            truth.append(
                [
                    sample,
                    genome.build,
                    "fusion_loss",
                    "ALK",
                    "fusion lost",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "lost",
                ]
            )
    header = list(COLUMNS)
    sheet_text = "\n".join(["\t".join(header)] + ["\t".join(r) for r in sheet]) + "\n"
    (out / "samples.tsv").write_text(sheet_text)
    if out == ROOT / "resources" / "examples":  # the workflow's bundled sheet is the same batch
        (ROOT / "config" / "samples.tsv").write_text(sheet_text)
    (out / "truth.tsv").write_text(
        "# Planted alterations per example sample, derived from the reference tables (not from\n"
        "# alkannot): ALK codons from the bundled slice + genetic code, bypass alleles from the\n"
        "# curated DoCM table. vaf = alt reads / depth as written in the VCF.\n"
        + "\t".join(
            [
                "sample",
                "build",
                "kind",
                "gene",
                "alteration",
                "hgvsp",
                "chrom",
                "pos",
                "ref",
                "alt",
                "vaf",
                "depth",
                "filter",
                "baseline_status",
            ]
        )
        + "\n"
        + "\n".join("\t".join(t) for t in truth)
        + "\n"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
