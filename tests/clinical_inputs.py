"""Input files for the clinical scenarios, written the way the program receives them.

Coordinates and codons come from the bundled reference tables only (the ALK kinase-domain slice
``resources/genome/{build}/alk_kinase_slice.tsv``, the UniProt Q9UM73 protein, the curated bypass
hotspot alleles ``bypass_hotspots.tsv``, the gene spans ``genes.tsv``) and the standard genetic
code written out below, never from alkannot's consequence engine: a scenario's expected protein
change is therefore independent of the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENOME = ROOT / "resources" / "genome"
_COMP = str.maketrans("ACGT", "TGCA")
# The standard genetic code (NCBI translation table 1), codons in TCAG order.
_BASES = "TCAG"
_AAS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {
    a + b + c: _AAS[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}
#: UniProt Q9UM73 "Protein kinase" domain (residues 1116-1392): outside it an ALK missense is not a
#: kinase-domain mutation.
KINASE_DOMAIN = (1116, 1392)
PROTEIN = "".join(
    x.strip() for x in (GENOME / "ALK_Q9UM73.fa").read_text().splitlines() if not x.startswith(">")
)


def _table(path: Path) -> list[dict[str, str]]:
    header, rows = None, []
    for line in path.read_text().splitlines():
        if not line or line.startswith("##"):
            continue
        if line.startswith("#"):
            header = line[1:].split("\t")
            continue
        rows.append(dict(zip(header, line.split("\t"), strict=True)))
    return rows


@dataclass(frozen=True)
class Record:
    """One tumour VCF record: allele, depth and supporting reads."""

    chrom: str
    pos: int
    ref: str
    alt: str
    depth: int = 300
    alt_reads: int = 60
    filter: str = "PASS"
    name: str = ""  # the protein change the scenario planted, for messages
    gt: str = "0/1"  # tumour genotype; "0|1" / "1|0" is phased (VCF 4.2 section 1.6.2)
    ps: str = ""  # FORMAT/PS phase set, written when given
    pgt: str = ""  # GATK physical phase FORMAT/PGT and FORMAT/PID, written when given
    pid: str = ""

    @property
    def vaf(self) -> float:
        return self.alt_reads / self.depth


class Build:
    """Reference facts of one build, read from the bundled resource tables."""

    def __init__(self, build: str):
        self.name = build
        self.chr = "chr" if build == "GRCh38" else ""
        rows = _table(GENOME / build / "alk_kinase_slice.tsv")
        self.base = {int(r["pos"]): r["base"] for r in rows}
        self.c_to_pos = {int(r["c_pos"][2:]): int(r["pos"]) for r in rows if r["c_pos"] != "."}
        self.genes = {r["gene"]: r for r in _table(GENOME / build / "genes.tsv")}
        self.hotspots = _table(GENOME / build / "bypass_hotspots.tsv")
        self.chr2_length = int(
            next(
                r["length"]
                for r in _table(GENOME / "contig_lengths.tsv")
                if r["build"] == build and r["contig"] == "2"
            )
        )

    def codon(self, n: int) -> tuple[str, list[int]]:
        """ALK codon ``n`` read in transcript (minus-strand) orientation, and its positions."""
        positions = [self.c_to_pos[3 * n - 2 + i] for i in range(3)]
        return "".join(self.base[p].translate(_COMP) for p in positions), positions

    def alk_snv(self, change: str, depth: int = 300, alt_reads: int = 60, **kw) -> Record:
        """A single-base change giving ALK protein change ``change`` (e.g. ``G1202R``)."""
        aa_from, n, aa_to = change[0], int(change[1:-1]), change[-1]
        ref_codon, positions = self.codon(n)
        assert CODE[ref_codon] == aa_from == PROTEIN[n - 1], (change, ref_codon)
        for i in range(3):
            for b in "ACGT":
                mut = ref_codon[:i] + b + ref_codon[i + 1 :]
                if b != ref_codon[i] and CODE[mut] == aa_to:
                    pos = positions[i]
                    return Record(
                        self.chr + "2",
                        pos,
                        self.base[pos],
                        b.translate(_COMP),
                        depth,
                        alt_reads,
                        name=change,
                        **kw,
                    )
        raise ValueError(f"no single-base change gives {change}")

    def alk_missense(self, n: int, **kw) -> Record:
        """Some single-base missense change of ALK codon ``n`` (for variants of unknown significance)."""
        ref_codon, _ = self.codon(n)
        aa_from = CODE[ref_codon]
        for aa_to in "ACDEFGHIKLMNPQRSTVWY":
            if aa_to == aa_from:
                continue
            try:
                return self.alk_snv(f"{aa_from}{n}{aa_to}", **kw)
            except ValueError:
                continue
        raise ValueError(f"no missense change at codon {n}")

    def alk_codon_dup(self, n: int, depth: int = 300, alt_reads: int = 60) -> Record:
        """The in-frame duplication of ALK codon ``n`` (the review's 1151Tins is T1151dup).

        ALK is on the minus strand: the codon's three bases are the plus-strand positions
        ``low..low+2``; inserting the same triplet after ``low - 1`` repeats the codon.
        """
        _, positions = self.codon(n)
        low = min(positions)
        anchor = low - 1
        triplet = "".join(self.base[p] for p in range(low, low + 3))
        return Record(
            self.chr + "2",
            anchor,
            self.base[anchor],
            self.base[anchor] + triplet,
            depth,
            alt_reads,
            name=f"{PROTEIN[n - 1]}{n}dup",
        )

    def alk_codon_del(self, n: int, depth: int = 300, alt_reads: int = 60) -> Record:
        """The in-frame deletion of ALK codon ``n``: its three plus-strand bases ``low..low+2``
        removed after the anchor base ``low - 1`` (VCF indel convention)."""
        _, positions = self.codon(n)
        low = min(positions)
        anchor = low - 1
        ref = "".join(self.base[p] for p in range(anchor, low + 3))
        return Record(
            self.chr + "2", anchor, ref, self.base[anchor], depth, alt_reads,
            name=f"{PROTEIN[n - 1]}{n}del",
        )  # fmt: skip

    def hotspot(self, gene: str, protein: str, depth: int = 300, alt_reads: int = 60) -> Record:
        """A curated bypass hotspot allele (DoCM table) by position and allele."""
        row = next(r for r in self.hotspots if r["gene"] == gene and r["protein"] == protein)
        return Record(
            row["chrom"],
            int(row["pos"]),
            row["ref"],
            row["alt"],
            depth,
            alt_reads,
            name=f"{gene} {protein}",
        )

    def span(self, gene: str) -> tuple[str, int, int]:
        g = self.genes[gene]
        return g["chrom"], int(g["start"]), int(g["end"])


def write_vcf(path: Path, build: Build, records: list[Record], tumour: str = "TUMOR") -> Path:
    """A Mutect2-style tumour/normal VCF (plain text) with AD, AF and DP per sample."""
    contigs = sorted({r.chrom for r in records} | {build.chr + "2"})
    header = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype">',
        '##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phasing set">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        "##source=FilterMutectCalls",
        "##normal_sample=NORMAL",
        f"##tumor_sample={tumour}",
    ]
    for c in contigs:
        length = f",length={build.chr2_length}" if c.removeprefix("chr") == "2" else ""
        header.append(f"##contig=<ID={c}{length}>")
    header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\t" + tumour)
    lines = []
    for r in sorted(records, key=lambda r: (r.chrom, r.pos)):
        keys, normal = "GT:AD:AF:DP", "0/0:100,0:0.0:100"
        tumour_v = f"{r.gt}:{r.depth - r.alt_reads},{r.alt_reads}:{r.vaf:.4f}:{r.depth}"
        for key, value in (("PGT", r.pgt), ("PID", r.pid), ("PS", r.ps)):
            if value:
                keys, normal, tumour_v = f"{keys}:{key}", f"{normal}:.", f"{tumour_v}:{value}"
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
                    f"DP={r.depth + 100}",
                    keys,
                    normal,
                    tumour_v,
                ]
            )
        )
    path.write_text("\n".join(header + lines) + "\n")
    return path


def write_cns(path: Path, segments: list[tuple[str, int, int, float]]) -> Path:
    """CNVkit ``.cns``: ``(chrom, start, end, log2)`` with 1-based inclusive start/end given,
    written 0-based half-open as CNVkit does (start - 1, end)."""
    lines = ["chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight"]
    for chrom, start, end, log2 in segments:
        lines.append(f"{chrom}\t{start - 1}\t{end}\t-\t{log2:.6f}\t{250 * 2**log2:.2f}\t40\t36.0")
    path.write_text("\n".join(lines) + "\n")
    return path


def focal_segments(
    build: Build, gene: str, log2: float, flank: int = 500_000
) -> list[tuple[str, int, int, float]]:
    """A focal segment over ``gene`` (gene +- ``flank``) inside neutral chromosome segments."""
    chrom, start, end = build.span(gene)
    return [
        (chrom, 10_001, start - flank - 1, 0.0),
        (chrom, start - flank, end + flank, log2),
        (chrom, end + flank + 1, end + flank + 40_000_000, 0.0),
    ]


def write_fusion_table(path: Path, sample: str, fusions: list[str]) -> Path:
    """The simplest fusion input: ``sample<TAB>fusion``, one row per fusion called."""
    path.write_text("sample\tfusion\n" + "".join(f"{sample}\t{f}\n" for f in fusions))
    return path
