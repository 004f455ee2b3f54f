"""EML4-ALK from DNA reads: discordant pairs, split reads (SA tag) and partner-matching soft clips.

EML4-ALK is an inversion: EML4 (plus strand) is joined to ALK (minus strand) in ALK intron 19,
so the two sides of a junction read align to the *same* strand (discordant pairs: both mates
forward for the EML4::ALK junction, both reverse for the reciprocal one) and the two parts of a
split read to *opposite* strands. Evidence with any other orientation is counted in QC and not
used. Split reads are taken from the SA tag whatever the secondary flag says (``bwa mem -M``
marks the supplementary part secondary). A soft clip counts when its sequence (reverse
complemented, as the inversion requires) matches EML4: the reference FASTA when given, else the
EML4 reads of the same file.

The regions come from the bundled transcript models: the ALK breakpoint region is exon 20 to
exon 19 (intron 19 between them), the partner region the EML4 gene span.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from alkannot.errors import ReferenceFastaError
from alkannot.genome.models import gene_spans, transcripts
from alkannot.models import FusionCall
from alkannot.reads.bam import Alignments
from alkannot.reads.fragments import fragment_name
from alkannot.reads.targets import revcomp

#: Shortest soft clip compared with the partner, and the k-mer length used to compare it.
MIN_CLIP = 20
KMER = 20
#: Fragments needed to report a fusion from the reads (EML4; another partner).
MIN_SUPPORT = 2
MIN_OTHER_SUPPORT = 3
#: How far below ALK exon 20 junction fragments are looked for (a long fragment).
_REACH = 500
#: Split-read junctions within this many bp are one junction.
_CLUSTER = 10
#: Reads farther than this from the breakpoint do not count as wild type spanning it.
_SPAN_MARGIN = 10
#: Longest fragment looked for when counting wild-type fragments across a breakpoint.
_MAX_FRAGMENT = 1000
# SAM flag bits: unmapped, QC-failed, duplicate; secondary, supplementary
_UNUSABLE = 0x4 | 0x200 | 0x400
_NOT_PRIMARY = 0x100 | 0x800


def alk_breakpoint_region(build: str) -> tuple[str, int, int]:
    """ALK exon 20 to exon 19 (intron 19 between them), where EML4-ALK breakpoints fall.

    The region reaches :data:`_REACH` bp below exon 20: the read of a junction fragment lies on
    the kept (lower) side of the breakpoint, up to a fragment length away from it.
    """
    alk = transcripts(build)["ALK"]
    ex = {e.number: e for e in alk.exons}
    return alk.chrom, min(ex[20].start, ex[19].start) - _REACH, max(ex[20].end, ex[19].end)


@dataclass
class _Evidence:
    """Fragments by kind of evidence, and breakpoints seen."""

    discordant: set[str] = field(default_factory=set)
    split: set[str] = field(default_factory=set)
    softclip: set[str] = field(default_factory=set)
    breakpoints: Counter = field(default_factory=Counter)  # (pos5, pos3) from split reads
    clip_pos3: Counter = field(default_factory=Counter)  # ALK ends of partner-matching clips
    clip_pos5: Counter = field(default_factory=Counter)
    mate_ends5: list[int] = field(default_factory=list)  # discordant: EML4 mate starts
    read_ends3: list[int] = field(default_factory=list)  # discordant: ALK read ends

    @property
    def fragments(self) -> set[str]:
        return self.discordant | self.split | self.softclip


@dataclass
class ReadFusionResult:
    """What the fusion search found in one file."""

    call: FusionCall | None
    evidence: dict[str, int]
    sentence: str
    breakpoint3: int | None = None
    breakpoint5: int | None = None
    wild_type3: int = 0
    others: list[FusionCall] = field(default_factory=list)  # ALK junctions to other loci


def _ref_length(cigar: str) -> tuple[int, bool, bool]:
    """Reference length of a CIGAR string, and whether it starts / ends with a clip."""
    import re

    ops = re.findall(r"(\d+)([MIDNSHP=X])", cigar)
    length = sum(int(n) for n, op in ops if op in "MDN=X")
    lead = bool(ops) and ops[0][1] in "SH" and int(ops[0][0]) >= MIN_CLIP
    trail = bool(ops) and ops[-1][1] in "SH" and int(ops[-1][0]) >= MIN_CLIP
    return length, lead, trail


def _clips(read, ops: tuple[int, ...] = (4, 5)) -> tuple[int, int]:
    """Clip lengths at the start and end of the alignment (soft and hard; ``ops=(4,)``: soft)."""
    cig = read.cigartuples or ()
    lead = cig[0][1] if cig and cig[0][0] in ops else 0
    trail = cig[-1][1] if cig and cig[-1][0] in ops else 0
    return lead, trail


def _partner_kmers(aln: Alignments, build: str, fasta, qc: Counter) -> dict[str, int]:
    """EML4 plus-strand k-mers -> position of their last base, from the FASTA or the reads.

    ``fasta`` is a :class:`~alkannot.genome.sequence.ReferenceSequence` with a FASTA, or None.
    """
    span = gene_spans(build)["EML4"]
    kmers: dict[str, int] = {}
    if fasta is not None:
        try:
            seq = fasta.fetch(span.chrom, span.start, span.end)
        except ReferenceFastaError:
            seq = ""  # the FASTA lacks EML4: use the reads, as without a FASTA
            qc["partner_not_in_fasta"] += 1
        for i in range(len(seq) - KMER + 1):
            kmers.setdefault(seq[i : i + KMER], span.start + i + KMER - 1)
        if seq:
            return kmers
    for read in aln.fetch(span.chrom, span.start, span.end):
        qc["partner_reads_fetched"] += 1
        if read.is_unmapped or read.is_duplicate or read.query_sequence is None:
            continue
        seq = read.query_sequence
        for q_start, r_start, length in _blocks(read):
            block = seq[q_start : q_start + length]
            for i in range(len(block) - KMER + 1):
                kmers.setdefault(block[i : i + KMER], r_start + i + KMER)
    return kmers


def _blocks(read):
    """Aligned blocks as (query offset, 0-based reference start, length)."""
    q = 0
    r = read.reference_start
    for op, n in read.cigartuples or ():
        if op in (0, 7, 8):
            yield q, r, n
            q += n
            r += n
        elif op in (1, 4):
            q += n
        elif op in (2, 3):
            r += n


def _match_clip(clip: str, kmers: dict[str, int], junction_end: bool) -> int | None:
    """Position of EML4 matching the reverse-complemented clip (inversion), or None.

    More than half of the clip's k-mers must be EML4's; the position returned is the EML4 base
    next to the junction (the last base for the EML4::ALK side, the first for the reciprocal).
    """
    rc = revcomp(clip)
    hits = [kmers.get(rc[i : i + KMER]) for i in range(len(rc) - KMER + 1)]
    found = [h for h in hits if h is not None]
    if not hits or len(found) * 2 <= len(hits):
        return None
    return max(found) if junction_end else min(found) - KMER + 1


def find_fusion(
    aln: Alignments, build: str, min_mapq: int, fasta=None, qc: Counter | None = None
) -> ReadFusionResult:
    """Look for EML4-ALK junction fragments in one alignment file."""
    qc = qc if qc is not None else Counter()
    chrom, lo, hi = alk_breakpoint_region(build)
    eml4 = gene_spans(build)["EML4"]
    fwd, rev = _Evidence(), _Evidence()  # EML4::ALK junction and its reciprocal
    spans: list[tuple[int, int]] = []
    clip_candidates: list[tuple[str, str, bool, int]] = []
    eml4_name = aln.contigs.get(eml4.chrom)
    alk_span = gene_spans(build)["ALK"]
    others: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    n_fetched = 0
    for read in aln.fetch(chrom, lo, hi):
        n_fetched += 1
        flag = read.flag
        if flag & _UNUSABLE:
            continue
        name = fragment_name(read)
        has_sa = read.has_tag("SA")
        if has_sa:
            _split_evidence(read, eml4, alk_span, fwd, rev, others, qc, min_mapq)
        if flag & _NOT_PRIMARY or read.mapping_quality < min_mapq:
            continue
        paired = read.is_paired and not read.mate_is_unmapped
        tlen = read.template_length
        start = read.reference_start
        if paired and tlen > 0:
            spans.append((start + 1, start + tlen))
        elif not paired:
            spans.append((start + 1, read.reference_end))
        if paired and read.next_reference_name == eml4_name:
            mate = read.next_reference_start + 1
            if eml4.start <= mate <= eml4.end:
                if read.is_reverse != read.mate_is_reverse:
                    qc["discordant_wrong_orientation"] += 1
                else:
                    ev = rev if read.is_reverse else fwd
                    ev.discordant.add(name)
                    ev.mate_ends5.append(mate)
                    ev.read_ends3.append(read.reference_end)
        if has_sa:
            continue
        lead, trail = _clips(read, (4,))  # a hard clip has no sequence to compare
        if trail >= MIN_CLIP or lead >= MIN_CLIP:
            seq = read.query_sequence or ""
            if trail >= MIN_CLIP:
                clip_candidates.append((name, seq[-trail:], True, read.reference_end))
            if lead >= MIN_CLIP:
                clip_candidates.append((name, seq[:lead], False, start + 1))
    qc["fusion_reads_fetched"] += n_fetched
    if clip_candidates:
        kmers = _partner_kmers(aln, build, fasta, qc)
        for name, clip, right, pos3 in clip_candidates:
            pos5 = _match_clip(clip, kmers, junction_end=right)
            if pos5 is None:
                continue
            ev = fwd if right else rev
            ev.softclip.add(name)
            ev.clip_pos3[pos3] += 1
            ev.clip_pos5[pos5] += 1
    result = _summarise(aln, build, fwd, rev, spans, min_mapq)
    # a junction at the EML4-ALK breakpoint is that junction, its partner part mis-mapped
    result.others = [
        c
        for c in _other_partners(aln, build, others)
        if result.breakpoint3 is None or abs((c.pos3 or 0) - result.breakpoint3) > _CLUSTER
    ]
    return result


def _split_evidence(read, eml4, alk, fwd, rev, others, qc, min_mapq: int) -> None:
    strand = "-" if read.is_reverse else "+"
    lead, trail = _clips(read)
    for entry in read.get_tag("SA").rstrip(";").split(";"):
        parts = entry.split(",")
        if len(parts) < 4:
            continue
        sa_chrom, sa_pos, sa_strand, sa_cigar = parts[0], int(parts[1]), parts[2], parts[3]
        same_contig = sa_chrom.removeprefix("chr") == eml4.chrom.removeprefix("chr")
        if not (same_contig and eml4.start <= sa_pos <= eml4.end):
            mapq = int(parts[4]) if len(parts) > 4 and parts[4].isdigit() else 0
            inside_alk = same_contig and alk.start <= sa_pos <= alk.end
            if trail >= MIN_CLIP and not inside_alk and mapq >= min_mapq:
                # another partner: the ALK part ends at the clip, the kinase side kept; the
                # partner part must map uniquely (repeats attract clipped EML4 sequence)
                length, sa_lead, sa_trail = _ref_length(sa_cigar)
                if sa_lead or sa_trail:
                    end5 = sa_pos + length - 1 if sa_trail else sa_pos
                    others[(sa_chrom, end5, read.reference_end)].add(fragment_name(read))
            continue
        if sa_strand == strand:
            qc["split_wrong_orientation"] += 1
            continue
        length, sa_lead, sa_trail = _ref_length(sa_cigar)
        if trail >= MIN_CLIP and sa_trail:
            fwd.split.add(fragment_name(read))
            fwd.breakpoints[(sa_pos + length - 1, read.reference_end)] += 1
        elif lead >= MIN_CLIP and sa_lead:
            rev.split.add(fragment_name(read))
            rev.breakpoints[(sa_pos, read.reference_start + 1)] += 1
        else:
            qc["split_unclear_junction"] += 1


def _breakpoints(ev: _Evidence) -> tuple[int | None, int | None, str]:
    if ev.breakpoints:
        (b5, b3), _n = ev.breakpoints.most_common(1)[0]
        return b5, b3, "from split reads"
    if ev.clip_pos3 and ev.clip_pos5:
        return (
            ev.clip_pos5.most_common(1)[0][0],
            ev.clip_pos3.most_common(1)[0][0],
            "from partner-matching soft clips",
        )
    if ev.mate_ends5:
        # discordant pairs only: the junction lies just beyond the reads nearest to it
        return (
            max(ev.mate_ends5),
            max(ev.read_ends3),
            "approximate: from discordant pairs only (the junction lies beyond the reads)",
        )
    return None, None, ""


def _other_partners(aln, build, others) -> list[FusionCall]:
    """Junctions from ALK intron 19 to another locus, supported by split reads of one cluster.

    Junctions within :data:`_CLUSTER` bp of each other are one; a cluster needs
    :data:`MIN_OTHER_SUPPORT` fragments. The partner's strand is not checked and the call is
    filtered ``partner_unverified``: it is shown, never taken as the ALK fusion being present.
    """
    from alkannot.fusion import type_alk_fusion
    from alkannot.genome.build import canonical_contig

    clusters: list[list] = []
    for (chrom, end5, end3), names in sorted(others.items()):
        last = clusters[-1] if clusters else None
        if (
            last
            and last[0] == chrom
            and end5 - last[1] <= _CLUSTER
            and abs(end3 - last[2]) <= _CLUSTER
        ):
            last[3] |= names
            continue
        clusters.append([chrom, end5, end3, set(names)])
    out = []
    for chrom, end5, end3, names in clusters:
        if len(names) < MIN_OTHER_SUPPORT:
            continue
        chrom5 = canonical_contig(chrom, build)
        gene = next(
            (
                g.gene
                for g in gene_spans(build).values()
                if g.chrom == chrom5 and g.start <= end5 <= g.end and g.gene != "ALK"
            ),
            "",
        )
        call = FusionCall(
            gene5=gene,
            gene3="ALK",
            chrom5=chrom5,
            pos5=end5,
            chrom3=transcripts(build)["ALK"].chrom,
            pos3=end3,
            supporting_reads=len(names),
            source_format="DNA reads",
            record=aln.path,
            filter=("partner_unverified",),
            orientation_ok=None,
            note=(
                f"{len(names)} split read(s) from ALK to {chrom5}:{end5}"
                + ("" if gene else " (no gene of the bundled tables there)")
                + "; the partner's orientation is not checked"
            ),
        )
        out.append(type_alk_fusion(call, build))
    return out


def _summarise(aln, build, fwd, rev, spans, min_mapq) -> ReadFusionResult:
    from alkannot.fusion import type_alk_fusion

    counts = {
        "discordant_pairs": len(fwd.discordant),
        "split_reads": len(fwd.split),
        "soft_clips": len(fwd.softclip),
        "supporting_fragments": len(fwd.fragments),
        "reciprocal_fragments": len(rev.fragments),
        "fragments_in_region": len(spans),
    }
    supporting = len(fwd.fragments)
    b5, b3, how = _breakpoints(fwd)
    chrom3 = transcripts(build)["ALK"].chrom
    wt3 = 0 if b3 is None else wild_type_spanning(aln, chrom3, b3, min_mapq, fwd.fragments)
    counts["wild_type_fragments_at_alk_breakpoint"] = wt3
    if supporting < MIN_SUPPORT:
        region = "ALK intron 19"
        sentence = (
            f"no EML4-ALK junction in the DNA reads of {aln.label} ({supporting} supporting "
            f"fragment(s); {MIN_SUPPORT} needed) over {region}"
        )
        return ReadFusionResult(None, counts, sentence)
    fraction = supporting / (supporting + wt3)
    wt5 = wild_type_spanning(aln, gene_spans(build)["EML4"].chrom, b5, min_mapq, fwd.fragments)
    counts["wild_type_fragments_at_eml4_breakpoint"] = wt5
    call = FusionCall(
        gene5="EML4",
        gene3="ALK",
        chrom5=gene_spans(build)["EML4"].chrom,
        pos5=b5,
        chrom3=chrom3,
        pos3=b3,
        supporting_reads=supporting,
        source_format="DNA reads",
        record=aln.path,
        note=(
            f"{len(fwd.discordant)} discordant pair(s), {len(fwd.split)} split read(s), "
            f"{len(fwd.softclip)} partner-matching soft clip(s); breakpoints {how}; fusion "
            f"fraction {fraction:.1%} ({supporting} of {supporting + wt3} fragments spanning "
            f"the ALK breakpoint; {wt5} wild-type fragment(s) span the EML4 breakpoint)"
        ),
    )
    call = type_alk_fusion(call, build)
    if call.variant == "v3a/v3b":
        call = _add_note(
            call, "v3a and v3b cannot be told apart from DNA: they differ in the spliced RNA"
        )
    sentence = f"EML4-ALK found in the DNA reads of {aln.label}: {call.note}"
    counts["fusion_fraction_permille"] = round(1000 * fraction)
    return ReadFusionResult(call, counts, sentence, b3, b5, wt3)


def _add_note(call: FusionCall, note: str) -> FusionCall:
    from dataclasses import replace

    return replace(call, note="; ".join(x for x in (call.note, note) if x))


def wild_type_spanning(
    aln: Alignments, chrom: str, pos: int, min_mapq: int, exclude: set[str] = frozenset()
) -> int:
    """Primary fragments spanning ``pos`` (by their template, mates merged), not in ``exclude``.

    A fragment spans the breakpoint even when neither mate overlaps it: the leftmost mates are
    fetched up to one long fragment before it.
    """
    names = set()
    for read in aln.fetch(chrom, pos - _MAX_FRAGMENT, pos + _SPAN_MARGIN):
        flag = read.flag
        if flag & (_UNUSABLE | _NOT_PRIMARY) or read.mapping_quality < min_mapq:
            continue
        start = read.reference_start + 1
        tlen = read.template_length
        paired = read.is_paired and not read.mate_is_unmapped
        if paired and tlen <= 0:
            continue  # the leftmost mate stands for the fragment
        end = read.reference_start + tlen if paired else read.reference_end
        name = fragment_name(read)
        if start <= pos - _SPAN_MARGIN and end >= pos + _SPAN_MARGIN and name not in exclude:
            names.add(name)
    return len(names)


def junction_check(
    aln: Alignments, build: str, pos5: int, pos3: int, min_mapq: int, min_depth: int
) -> tuple[str, str]:
    """Decide ``present``, ``lost`` or ``not_covered`` for a known junction in another file.

    ``lost``: no supporting fragment although at least ``min_depth`` wild-type fragments span the
    ALK breakpoint; ``not_covered``: too few fragments there to say.
    """
    found = find_fusion(aln, build, min_mapq)
    if found.call is not None:
        return "present", found.sentence
    chrom, _lo, _hi = alk_breakpoint_region(build)
    wt = wild_type_spanning(aln, chrom, pos3, min_mapq)
    where = f"the baseline junction (EML4 {pos5}, ALK {pos3})"
    if wt >= min_depth:
        return "lost", f"no fragment supports {where}; {wt} wild-type fragments span it"
    return "not_covered", f"{where} is covered by {wt} fragment(s) only: cannot say lost"
