"""Build small BAM/CRAM fixtures with pysam at test time (no file is checked in).

Reads are made from the reference bases of the bundled ALK slice (resources/genome/GRCh38/
alk_kinase_slice.tsv, itself derived from shared/reference) so that the only differences from
the reference are the ones a test writes in. Every count a test expects is the number of
fragments it built here.
"""

from __future__ import annotations

import random
from pathlib import Path

import pysam

ROOT = Path(__file__).resolve().parent.parent
from tests.shared_data import SHARED  # noqa: E402,F401 (the one place that finds it)

#: chr2 length in GRCh38 and GRCh37 (resources/genome/contig_lengths.tsv).
CHR2 = {"GRCh38": 242193529, "GRCh37": 243199373}

# GRCh38 codon positions (plus strand, sorted) from shared/reference/ALK_exons20-28_plus_strand_
# bases.tsv: c.3604-c.3606 (codon 1202) and c.3586-c.3588 (codon 1196), c.3511-3513 (codon 1171)
G1202 = (29220745, 29220746, 29220747)
L1196 = (29220763, 29220764, 29220765)
I1171 = (29222346, 29222347, 29222348)
EXON23 = (29220706, 29220835)
EXON22 = (29222344, 29222408)


def slice_bases(build: str = "GRCh38") -> dict[int, str]:
    """Plus-strand bases of the bundled ALK slice by position."""
    out = {}
    path = ROOT / "resources" / "genome" / build / "alk_kinase_slice.tsv"
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        _chrom, pos, base, _c = line.split("\t")
        out[int(pos)] = base
    return out


_BASES = slice_bases()


def ref(start: int, end: int) -> str:
    """Reference bases ``start..end`` (1-based inclusive) of the ALK slice."""
    return "".join(_BASES[p] for p in range(start, end + 1))


def mutate(seq: str, seq_start: int, changes: dict[int, str]) -> str:
    """Replace bases of ``seq`` (which starts at ``seq_start``) at the given positions."""
    s = list(seq)
    for pos, base in changes.items():
        if seq_start <= pos < seq_start + len(s):
            s[pos - seq_start] = base
    return "".join(s)


class BamBuilder:
    """Collect reads, then write a sorted, indexed BAM (or CRAM)."""

    def __init__(
        self,
        build: str = "GRCh38",
        contigs=None,
        sort_order: str = "coordinate",
        sample: str = "TUMOR",
    ):
        chrom = "chr2" if build == "GRCh38" else "2"
        self.contigs = contigs or [(chrom, CHR2[build])]
        self.chrom = self.contigs[0][0]
        self.sort_order = sort_order
        self.header = {
            "HD": {"VN": "1.6", "SO": sort_order},
            "SQ": [{"SN": n, "LN": ln} for n, ln in self.contigs],
            # a placeholder name (identifies nobody, so agrees with any VCF column); tests of
            # sample identity give their own
            "RG": [{"ID": "rg1", "SM": sample}],
        }
        self.reads: list[dict] = []

    def read(
        self,
        name: str,
        start: int,
        seq: str,
        *,
        cigar: str | None = None,
        flag: int = 0,
        mapq: int = 60,
        mate_start: int | None = None,
        mate_chrom: str | None = None,
        tlen: int = 0,
        tags: list | None = None,
        qual: int = 35,
        chrom: str | None = None,
    ) -> None:
        """Add one read (``start`` 1-based)."""
        self.reads.append(
            dict(
                name=name,
                chrom=chrom or self.chrom,
                start=start,
                seq=seq,
                cigar=cigar or f"{len(seq)}M",
                flag=flag,
                mapq=mapq,
                mate_start=mate_start,
                mate_chrom=mate_chrom,
                tlen=tlen,
                tags=tags or [],
                qual=qual,
            )
        )

    def pair(self, name: str, start1: int, seq1: str, start2: int, seq2: str, **kw) -> None:
        """A proper pair: first mate forward at ``start1``, second reverse at ``start2``."""
        end2 = start2 + len(seq2) - 1
        tlen = end2 - start1 + 1
        c1, c2 = kw.pop("cigar1", None), kw.pop("cigar2", None)
        self.read(name, start1, seq1, cigar=c1, flag=99, mate_start=start2, tlen=tlen, **kw)
        self.read(name, start2, seq2, cigar=c2, flag=147, mate_start=start1, tlen=-tlen, **kw)

    def write(self, path: Path, *, index: bool = True, fmt: str = "bam", fasta=None) -> Path:
        """Write the reads (sorted unless the header says otherwise) and index them."""
        tmp = path.with_suffix(".unsorted.bam")
        with pysam.AlignmentFile(str(tmp), "wb", header=self.header) as out:
            for r in self.reads:
                a = pysam.AlignedSegment(out.header)
                a.query_name = r["name"]
                a.reference_name = r["chrom"]
                a.reference_start = r["start"] - 1
                a.cigarstring = r["cigar"]
                a.query_sequence = r["seq"]
                a.query_qualities = pysam.qualitystring_to_array(
                    chr(33 + r["qual"]) * len(r["seq"])
                )
                a.flag = r["flag"]
                a.mapping_quality = r["mapq"]
                if r["mate_start"] is not None:
                    a.next_reference_name = r["mate_chrom"] or r["chrom"]
                    a.next_reference_start = r["mate_start"] - 1
                a.template_length = r["tlen"]
                a.set_tag("RG", "rg1")
                for tag, value in r["tags"]:
                    a.set_tag(tag, value)
                out.write(a)
        if self.sort_order != "coordinate":
            tmp.rename(path)
            return path
        if fmt == "cram":
            sorted_bam = path.with_suffix(".sorted.bam")
            pysam.sort("-o", str(sorted_bam), str(tmp))
            pysam.view("-C", "-T", str(fasta), "-o", str(path), str(sorted_bam), catch_stdout=False)
            sorted_bam.unlink()
        else:
            pysam.sort("-o", str(path), str(tmp))
        tmp.unlink()
        if index:
            pysam.index(str(path))
        return path


def random_seq(n: int, seed: int) -> str:
    """A reproducible random ACGT string (invented partner sequence for fusion fixtures)."""
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(n))


def revcomp(seq: str) -> str:
    """Reverse complement (written out here so tests do not use the code under test)."""
    return seq.translate(str.maketrans("ACGT", "TGCA"))[::-1]
