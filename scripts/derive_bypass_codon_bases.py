#!/usr/bin/env python3
"""Derive the reference bases of KRAS and EGFR hotspot codons (a ``shared/reference``-style table).

The bundle has no KRAS/EGFR sequence, and no genome FASTA is at hand. Aligned reads carry their
aligner's reference: where a read matches, the reference base is the read base, and the SAM ``MD``
tag spells the reference base where it does not (``samtools calmd``'s rule). The anchored
multiplex PCR library ``shared/wild/splitfusion/Lib001.consolidated.bam`` (GRCh37, hs37d5-style
contigs) covers KRAS codons 12, 13, 61, 117 and 146 and the EGFR hotspots of exons 18-21. For
every base of those codon spans (cancerhotspots.org BED, ``shared/reference``) this script
collects the reference base from every covering read and keeps it only when at least
``MIN_READS`` reads agree and none disagrees. GRCh38 positions are GRCh37 positions minus one
offset per gene, accepted only if it is the same at every hotspot codon of that gene in the two
BED files. The table is checked again (translation against the codon names, REF alleles of the
curated variants) by ``build_genome_resources.py``.

    python scripts/derive_bypass_codon_bases.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import pysam

MIN_READS = 3
KRAS_CODONS = {12, 13, 61, 117, 146}
EGFR_EXONS_18_21 = range(688, 876)  # EGFR codons of exons 18-21 (NM_005228: p.688-875)
OUT = Path(__file__).resolve().parent / "reference" / "bypass_codon_bases.tsv"


def _bed(path: Path) -> dict[str, tuple[str, int, int]]:
    spans = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            chrom, start, end, name = line.split("\t")[:4]
            spans[name] = (chrom.removeprefix("chr"), int(start) + 1, int(end))  # 1-based
    return spans


def _first_codon(name: str) -> int:
    return int("".join(c for c in name.split("_")[1].split("-")[0] if c.isdigit()))


def wanted(name: str) -> bool:
    gene = name.split("_")[0]
    if gene == "KRAS":
        return _first_codon(name) in KRAS_CODONS
    return gene == "EGFR" and _first_codon(name) in EGFR_EXONS_18_21


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=here.parent / "shared")
    args = ap.parse_args()
    b37 = _bed(args.shared / "reference" / "hotspot_codons_GRCh37.bed")
    b38 = _bed(args.shared / "reference" / "hotspot_codons_GRCh38.bed")
    offsets: dict[str, set[int]] = defaultdict(set)
    for name, (_, start, _) in b37.items():
        if name.split("_")[0] in ("KRAS", "EGFR"):
            offsets[name.split("_")[0]].add(start - b38[name][1])
    for gene, seen in offsets.items():
        if len(seen) != 1:
            sys.exit(f"{gene}: GRCh37-GRCh38 offsets differ between hotspot codons: {sorted(seen)}")
    bam_path = args.shared / "wild" / "splitfusion" / "Lib001.consolidated.bam"
    bam = pysam.AlignmentFile(str(bam_path))
    rows = []
    for name in sorted(n for n in b37 if wanted(n)):
        chrom, start, end = b37[name]
        votes: dict[int, list[str]] = defaultdict(list)
        for read in bam.fetch(chrom, start - 1, end):
            if read.is_unmapped or read.is_secondary or read.is_supplementary:
                continue
            for _, rpos, base in read.get_aligned_pairs(matches_only=True, with_seq=True):
                if start <= rpos + 1 <= end:
                    votes[rpos + 1].append(base.upper())
        gene = name.split("_")[0]
        offset = next(iter(offsets[gene]))
        for pos in range(start, end + 1):
            bases = set(votes[pos])
            if len(bases) != 1 or len(votes[pos]) < MIN_READS:
                sys.exit(f"{name} {chrom}:{pos}: reads give {sorted(votes[pos])}")
            rows.append([gene, name, chrom, pos, pos - offset, bases.pop(), len(votes[pos])])
    lines = [
        "## source: derived by scripts/derive_bypass_codon_bases.py: reference bases from the MD "
        "tags and matching bases of shared/wild/splitfusion/Lib001.consolidated.bam (GRCh37), "
        f"at least {MIN_READS} agreeing reads per base; codon spans from "
        "shared/reference/hotspot_codons_GRCh37.bed; GRCh38 = GRCh37 - "
        + ", ".join(f"{g} {next(iter(o))}" for g, o in sorted(offsets.items()))
        + " (the same at every hotspot codon of the gene in both BED files)",
        "#gene\tspan\tchrom\tpos_GRCh37\tpos_GRCh38\tbase\treads",
    ]
    lines += ["\t".join(str(v) for v in r) for r in rows]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}: {len(rows)} bases in {len({r[1] for r in rows})} codon spans")


if __name__ == "__main__":
    main()
