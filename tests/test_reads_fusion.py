"""EML4-ALK from DNA reads: each kind of evidence alone, orientation, real H3122 and HCC827.

Synthetic junction (GRCh38): ALK breakpoint 29224000 lies in ALK intron 19 (exon 20 ends at
29223528, exon 19 starts at 29225461) and EML4 breakpoint 42299000 in EML4 intron 13 (exon 13
ends at 42295516, exon 14 starts at 42301241; shared/reference/ALK_NM_004304.5_exons.tsv and
EML4_NM_019063.5_exons.tsv), so the junction keeps EML4 exons 1-13 and ALK exons 20-29: E13;A20.
"""

from __future__ import annotations

from collections import Counter

import pysam

from alkannot.reads.bam import open_alignments
from alkannot.reads.fusion_reads import find_fusion, junction_check
from tests.reads_helpers import SHARED, BamBuilder, random_seq, revcomp
from tests.shared_data import needs_shared

B3, B5 = 29224000, 42299000
ALK_SEQ = random_seq(400, 1)  # invented bases standing for ALK intron 19 before B3
EML4_SEQ = random_seq(400, 2)  # invented bases standing for EML4 intron 13 before B5


def _discordant(b: BamBuilder, n: int, same_strand: bool = True) -> None:
    for i in range(n):
        # EML4::ALK: the ALK read and its EML4 mate both align forward, left of the breakpoints
        alk_flag = 1 + 64 + (0 if same_strand else 32)
        mate_flag = 1 + 128 + (0 if same_strand else 16)
        b.read(f"disc{i}", B3 - 250, ALK_SEQ[:100], flag=alk_flag, mate_start=B5 - 250, tlen=0)
        b.read(f"disc{i}", B5 - 250, EML4_SEQ[:100], flag=mate_flag, mate_start=B3 - 250, tlen=0)


def _split(b: BamBuilder, n: int, secondary_every: int = 0) -> None:
    # The ALK part (60 bases ending at B3) aligns reverse; the EML4 part (40 bases ending at B5)
    # is in the SA tag, forward, with the ALK part clipped after it (an inversion junction).
    for i in range(n):
        flag = 16 | (256 if secondary_every and i % secondary_every == 0 else 0)
        seq = ALK_SEQ[-60:] + revcomp(EML4_SEQ[-40:])
        sa = f"chr2,{B5 - 39},+,40M60S,60,0;"
        b.read(f"split{i}", B3 - 59, seq, cigar="60M40S", flag=flag, tags=[("SA", sa)])


def _softclip(b: BamBuilder, n: int) -> None:
    # reads over EML4 carry the partner sequence; ALK reads end at B3 with the reverse
    # complement of EML4's last 40 bases clipped on, and no SA tag
    for i in range(6):
        b.read(f"eml{i}", B5 - 99, EML4_SEQ[-100:])
    for i in range(n):
        b.read(f"clip{i}", B3 - 59, ALK_SEQ[-60:] + revcomp(EML4_SEQ[-40:]), cigar="60M40S")


def _wild_type(b: BamBuilder, n: int) -> None:
    for i in range(n):
        b.pair(f"wt{i}", B3 - 120, ALK_SEQ[:100], B3 + 40, ALK_SEQ[100:200])


def _find(tmp_path, build_reads, name="f.bam"):
    b = BamBuilder()
    build_reads(b)
    aln = open_alignments(str(b.write(tmp_path / name)), label="--bam", fasta=None)
    qc = Counter()
    return find_fusion(aln, "GRCh38", 20, None, qc), qc, aln


def test_discordant_pairs_alone(tmp_path):
    res, _, _ = _find(tmp_path, lambda b: (_discordant(b, 5), _wild_type(b, 20)))
    assert res.evidence["discordant_pairs"] == 5
    assert res.evidence["split_reads"] == res.evidence["soft_clips"] == 0
    assert res.call is not None and res.call.variant == "v1" and res.call.junction == "E13;A20"
    assert "approximate" in res.call.note  # no read crosses the junction


def test_discordant_pairs_with_the_wrong_orientation_are_not_evidence(tmp_path):
    res, qc, _ = _find(tmp_path, lambda b: _discordant(b, 5, same_strand=False))
    assert res.call is None
    assert qc["discordant_wrong_orientation"] == 5


def test_split_reads_alone_whatever_the_secondary_flag(tmp_path):
    res, _, _ = _find(tmp_path, lambda b: (_split(b, 6, secondary_every=2), _wild_type(b, 18)))
    assert res.evidence["split_reads"] == 6  # three of them flagged secondary
    assert res.evidence["discordant_pairs"] == res.evidence["soft_clips"] == 0
    assert (res.call.pos5, res.call.pos3) == (B5, B3)
    assert res.call.junction == "E13;A20"
    assert res.evidence["wild_type_fragments_at_alk_breakpoint"] == 18
    assert "6 of 24 fragments" in res.call.note  # fusion fraction 6 / (6 + 18)


def test_partner_matching_soft_clips_alone(tmp_path):
    res, _, _ = _find(tmp_path, lambda b: _softclip(b, 4))
    assert res.evidence["soft_clips"] == 4
    assert res.evidence["split_reads"] == res.evidence["discordant_pairs"] == 0
    assert (res.call.pos5, res.call.pos3) == (B5, B3)


def test_soft_clips_that_do_not_match_the_partner_are_not_evidence(tmp_path):
    def reads(b):
        for i in range(6):
            b.read(f"eml{i}", B5 - 99, EML4_SEQ[-100:])
        for i in range(5):
            b.read(f"clip{i}", B3 - 59, ALK_SEQ[-60:] + random_seq(40, 3), cigar="60M40S")

    res, _, _ = _find(tmp_path, reads)
    assert res.call is None and res.evidence["soft_clips"] == 0


def test_junction_check_lost_versus_not_covered(tmp_path):
    b = BamBuilder()
    _wild_type(b, 25)
    aln = open_alignments(str(b.write(tmp_path / "wt.bam")), label="--bam", fasta=None)
    assert junction_check(aln, "GRCh38", B5, B3, 20, 20)[0] == "lost"
    assert junction_check(aln, "GRCh38", B5, B3, 20, 30)[0] == "not_covered"


DNAFUSION = SHARED / "wild" / "dnafusion"
needs_dnafusion = needs_shared("wild", "dnafusion", "H3122_EML4.bam")


def _exon_bounds(gene_file: str, build_col: str = "GRCh38") -> dict[int, tuple[int, int]]:
    rows = (SHARED / "reference" / gene_file).read_text().splitlines()
    head = rows[0].lstrip("#").split("\t")
    out = {}
    for line in rows[1:]:
        r = dict(zip(head, line.split("\t"), strict=False))
        out[int(r["exon"])] = (int(r[f"{build_col}_start"]), int(r[f"{build_col}_end"]))
    return out


def _independent_discordant_count(path) -> int:
    """Pairs with the read around ALK intron 19 and the mate in EML4, both forward (counted here)."""
    alk = _exon_bounds("ALK_NM_004304.5_exons.tsv")
    eml4 = _exon_bounds("EML4_NM_019063.5_exons.tsv")
    # ALK intron 19 with its exons, and up to a 500-bp fragment below exon 20 (the kept side)
    lo, hi = alk[20][0] - 500, alk[19][1]
    names = set()
    with pysam.AlignmentFile(str(path)) as f:
        for r in f.fetch("chr2", lo - 1, hi):
            if r.is_secondary or r.is_supplementary or r.is_duplicate or r.mapping_quality < 20:
                continue
            if r.is_unmapped or r.mate_is_unmapped or r.next_reference_name != "chr2":
                continue
            if not eml4[1][0] <= r.next_reference_start + 1 <= eml4[23][1]:
                continue
            if r.is_reverse == r.mate_is_reverse and not r.is_reverse:
                names.add(r.query_name)
    return len(names)


@needs_dnafusion
def test_h3122_eml4_alk_found_with_every_kind_of_evidence():
    path = DNAFUSION / "H3122_EML4.bam"
    aln = open_alignments(str(path), label="--bam", fasta=None)
    res = find_fusion(aln, "GRCh38", 20, None, Counter())
    assert res.call is not None
    assert res.evidence["discordant_pairs"] == _independent_discordant_count(path)
    assert res.evidence["split_reads"] > 0 and res.evidence["soft_clips"] > 0
    # NCI-H3122 carries EML4-ALK variant 1, EML4 exon 13 :: ALK exon 20 (CIViC EID1195,
    # Koivunen 2008; EID1203): the DNA breakpoints fall in ALK intron 19 and EML4 intron 13
    # (shared/reference exon tables)
    alk = _exon_bounds("ALK_NM_004304.5_exons.tsv")
    eml4 = _exon_bounds("EML4_NM_019063.5_exons.tsv")
    assert alk[20][1] < res.call.pos3 < alk[19][0]
    assert eml4[13][1] < res.call.pos5 < eml4[14][0]
    assert (res.call.exon5, res.call.exon3) == ("13", "20")
    assert (res.call.junction, res.call.variant) == ("E13;A20", "v1")
    # split parts of the same junction that map (MAPQ 0) to repeats elsewhere are not partners
    assert res.others == []


@needs_dnafusion
def test_hcc827_has_no_fusion_evidence():
    path = DNAFUSION / "HCC827_EML4.bam"
    aln = open_alignments(str(path), label="--bam", fasta=None)
    res = find_fusion(aln, "GRCh38", 20, None, Counter())
    assert res.call is None and res.others == []
    assert _independent_discordant_count(path) == 0
    assert res.evidence["supporting_fragments"] == 0
    assert res.evidence["split_reads"] == res.evidence["soft_clips"] == 0


def test_baseline_bam_junction_decides_lost_or_not_covered(tmp_path):
    from alkannot.api import annotate_sample

    base = BamBuilder()
    _split(base, 6)
    _wild_type(base, 20)
    base_bam = base.write(tmp_path / "base.bam")
    covered = BamBuilder()
    _wild_type(covered, 30)  # 30 wild-type fragments span the baseline junction, none fused
    thin = BamBuilder()
    _wild_type(thin, 3)
    # "lost" needs a stated, adequate tumour content (issue 20 point 2; review 2.3 [47])
    lost = annotate_sample(
        bam=str(covered.write(tmp_path / "covered.bam")),
        baseline_bam=str(base_bam),
        sample_name="a",
        purity=0.6,
    )
    assert lost.reads.baseline_fusion_status == "present"
    assert "baseline junction: lost" in lost.reads.fusion_check
    assert lost.fusion_status == "lost"
    unsure = annotate_sample(
        bam=str(thin.write(tmp_path / "thin.bam")), baseline_bam=str(base_bam), sample_name="b"
    )
    assert "baseline junction: not_covered" in unsure.reads.fusion_check
    assert unsure.fusion_status != "lost"


SPLITFUSION = SHARED / "wild" / "splitfusion" / "Lib001.consolidated.bam"


@needs_shared("wild", "splitfusion", "Lib001.consolidated.bam")
def test_grch37_rna_library_split_reads_end_at_the_eml4_exon_table():
    # an RNA-derived library: junction reads join exon ends. SplitFusion's own result for this
    # library (Zheng-NGS-Lab/SplitFusion inst/data/example_data/output/Lib001/Lib001.brief.summary)
    # is "EML4_exon6---ALK_exon20", breakpoint 2_29446396__2_42491871: EML4 exon 6 (its end,
    # 42491871, in shared/reference/EML4_NM_019063.5_exons.tsv, GRCh37 columns) to ALK exon 20,
    # variant 3 (E6;A20; 3a and 3b differ by 33 bp that DNA-level typing does not tell apart)
    aln = open_alignments(str(SPLITFUSION), label="--bam", fasta=None)
    assert aln.build == "GRCh37"  # from the @SQ length of contig 2
    res = find_fusion(aln, "GRCh37", 20, None, Counter())
    assert res.call is not None and res.evidence["split_reads"] > 0
    eml4 = _exon_bounds("EML4_NM_019063.5_exons.tsv", "GRCh37")
    assert (res.call.pos5, res.call.pos3) == (42491871, 29446396) == (eml4[6][1], 29446396)
    assert (res.call.exon5, res.call.exon3, res.call.junction) == ("6", "20", "E6;A20")
    assert res.call.variant == "v3a/v3b"
    assert "cannot be told apart from DNA" in res.call.note


def test_split_reads_to_another_locus_are_shown_not_taken_as_the_fusion(tmp_path):
    def reads(b):
        for i in range(4):  # ALK part ends at B3; the rest aligns on chr5 (no bundled gene there)
            seq = ALK_SEQ[-60:] + random_seq(40, 9)
            b.read(
                f"o{i}", B3 - 59, seq, cigar="60M40S", tags=[("SA", "chr5,1000001,+,40M60S,60,0;")]
            )
        b.read("lone", B3 - 59, ALK_SEQ[-60:] + random_seq(40, 8), cigar="60M40S",
               tags=[("SA", "chr9,5000001,+,40M60S,60,0;")])  # fmt: skip

    res, _, _ = _find(tmp_path, reads)
    assert res.call is None  # not EML4
    (other,) = res.others  # the single chr9 read is below the support of a cluster
    assert (other.chrom5, other.pos5, other.pos3) == ("chr5", 1000040, B3)
    assert other.supporting_reads == 4 and other.filter == ("partner_unverified",)
