"""Genomic change -> coding change (c.) -> protein change (p.) on a bundled transcript model.

All work is done in *transcript orientation*: an oriented coordinate ``o`` is the genomic position
on a plus-strand transcript and its negative on a minus-strand one (ALK), so "3'" is always
``o + 1`` and alleles are reverse-complemented once. Indels are shifted to their 3'-most position
(HGVS 3' rule) before they are named, at the DNA level for ``c.`` and at the protein level for ``p.``.

Bases come from :class:`~alkannot.genome.sequence.ReferenceSequence`: the bundled ALK slice (codons
1058-1388 with intron flanks) or a user FASTA. A base outside both raises
:class:`~alkannot.genome.sequence.OutsideSliceError`, which the annotator reports as "needs
--reference".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from alkannot.genome.models import ALK_KINASE_DOMAIN, Transcript, transcripts
from alkannot.genome.sequence import OutsideSliceError, ReferenceSequence
from alkannot.hgvs import AA3, three_to_one, translate
from alkannot.models import ExternalAnnotation, ProteinChange

_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")
#: Residue ranges of catalogue-relevant domains, per gene (UniProt Q9UM73 for ALK).
KINASE_DOMAINS = {"ALK": ALK_KINASE_DOMAIN}
#: How many codons beyond an in-frame change are translated to apply the 3' rule in repeats.
_PROTEIN_CONTEXT = 12


def revcomp(seq: str) -> str:
    """Reverse complement of a DNA string."""
    return seq.translate(_COMP)[::-1]


@dataclass(frozen=True, slots=True)
class _Pos:
    """A transcript position: exonic ``c`` (offset 0) or intronic ``c+offset`` / ``c-offset``."""

    c: int  # c. number of the exonic anchor (<= 0: 5' UTR, > cds length: 3' UTR)
    offset: int = 0  # intronic distance from the anchor (+ after, - before)
    exon: int | None = None
    intron: int | None = None

    def hgvs(self, cds_length: int) -> str:
        if self.c <= 0:
            base = f"-{1 - self.c}"
        elif self.c > cds_length:
            base = f"*{self.c - cds_length}"
        else:
            base = str(self.c)
        if self.offset > 0:
            return f"{base}+{self.offset}"
        if self.offset < 0:
            return f"{base}{self.offset}"
        return base


class TranscriptMapper:
    """Map between genomic, oriented and c. coordinates for one transcript and reference."""

    def __init__(self, tx: Transcript, reference: ReferenceSequence):
        self.tx = tx
        self.ref = reference
        self.minus = tx.strand == "-"
        # transcript-order exons as oriented spans (o_start <= o_end) with their first t position
        self._exons = []
        t = 0
        first_coding_t = None
        for e in tx.exons:
            o_start, o_end = (-e.end, -e.start) if self.minus else (e.start, e.end)
            length = e.end - e.start + 1
            self._exons.append((e.number, o_start, o_end, t + 1))
            if e.cds_start == 1 and first_coding_t is None:
                n_coding = e.cds_end - e.cds_start + 1
                first_coding_t = t + 1 + (length - n_coding)
            t += length
        if first_coding_t is None:
            raise ValueError(f"{tx.name} has no coding exon")
        self._offset = first_coding_t - 1  # c = t - offset
        self.cds_length = tx.cds_length
        self.start, self.end = tx.start, tx.end  # genomic span, computed once

    # --- coordinates -------------------------------------------------------------------------
    def to_o(self, g: int) -> int:
        return -g if self.minus else g

    def to_g(self, o: int) -> int:
        return -o if self.minus else o

    def base_o(self, o: int) -> str:
        """Reference base at oriented position ``o``, in transcript orientation."""
        g = self.to_g(o)
        b = self.ref.fetch(self.tx.chrom, g, g)
        return b.translate(_COMP) if self.minus else b

    def seq_o(self, o_start: int, o_end: int) -> str:
        """Reference bases from ``o_start`` to ``o_end`` (inclusive), transcript orientation."""
        if o_end < o_start:
            return ""
        g1, g2 = sorted((self.to_g(o_start), self.to_g(o_end)))
        seq = self.ref.fetch(self.tx.chrom, g1, g2)
        return revcomp(seq) if self.minus else seq

    def position(self, o: int) -> _Pos:
        """The c. position (exonic or intronic) of an oriented coordinate inside the transcript."""
        for number, o_start, o_end, t_start in self._exons:
            if o_start <= o <= o_end:
                return _Pos(t_start + (o - o_start) - self._offset, 0, exon=number)
        for (n1, _s1, e1, t1), (_n2, s2, _e2, t2) in zip(
            self._exons, self._exons[1:], strict=False
        ):
            if e1 < o < s2:
                after, before = o - e1, s2 - o
                if after <= before:  # equidistant: HGVS uses the + form
                    return _Pos(t1 + (e1 - _s1) - self._offset, after, intron=n1)
                return _Pos(t2 - self._offset, -before, intron=n1)
        raise ValueError("position outside the transcript")

    def o_of_c(self, c: int) -> int:
        """Oriented coordinate of an exonic c. position (also in UTRs)."""
        t = c + self._offset
        for _number, o_start, o_end, t_start in self._exons:
            if t_start <= t <= t_start + (o_end - o_start):
                return o_start + (t - t_start)
        raise ValueError(f"c.{c} is outside the transcript")

    def cds(self, c1: int, c2: int) -> str:
        """Coding bases c.c1..c.c2 (1 <= c1 <= c2 <= cds length), transcript orientation."""
        return "".join(self.base_o(self.o_of_c(c)) for c in range(c1, c2 + 1))


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Remove shared suffix, then shared prefix (VCF anchor bases)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _aa3(seq: str) -> str:
    return "".join(AA3.get(a, "Xaa") for a in seq)


@lru_cache(maxsize=8)
def _mapper(tx: Transcript, reference: ReferenceSequence) -> TranscriptMapper:
    """One mapper per transcript and reference (it only reads the reference when asked)."""
    return TranscriptMapper(tx, reference)


def annotate_variant(
    gene: str, chrom: str, pos: int, ref: str, alt: str, reference: ReferenceSequence
) -> ProteinChange:
    """Return the c. and p. consequence of a VCF-style allele on the gene's bundled transcript.

    Parameters
    ----------
    gene
        ``"ALK"`` or ``"EML4"`` (the bundled transcript models).
    chrom, pos, ref, alt
        The allele as in the VCF (1-based, anchor bases allowed), canonical contig name.
    reference
        Reference bases of the same build.

    Raises
    ------
    OutsideSliceError
        A needed base is outside the bundled slice and no FASTA was given.
    ValueError
        The allele does not lie within the transcript, or is not a plain DNA allele.
    """
    tx = transcripts(reference.build)[gene]
    if chrom != tx.chrom:
        raise ValueError(f"{chrom} is not the contig of {gene}")
    ref, alt = ref.upper(), alt.upper()
    if not ref or not alt or set(ref + alt) - set("ACGTN"):
        raise ValueError(f"not a plain DNA allele: {ref}>{alt}")
    mapper = _mapper(tx, reference)
    pos, ref, alt = _trim(pos, ref, alt)
    if not ref and not alt:
        raise ValueError("REF equals ALT")
    # oriented span of the reference bases (for an insertion: the insertion lies before o_start)
    if ref:
        g_start, g_end = pos, pos + len(ref) - 1
        o_start, o_end = sorted((mapper.to_o(g_start), mapper.to_o(g_end)))
    else:  # insertion between pos-1 and pos (genomic); in transcript orientation before o_start
        o_start = mapper.to_o(pos) if not mapper.minus else mapper.to_o(pos - 1)
        o_end = o_start - 1
    o_ref = revcomp(ref) if mapper.minus else ref
    o_alt = revcomp(alt) if mapper.minus else alt
    if not (mapper.start <= pos <= mapper.end):
        raise ValueError(f"{chrom}:{pos} is outside {tx.name}")
    o_start, o_end, o_ref, o_alt = _shift_3prime(mapper, o_start, o_end, o_ref, o_alt)
    hgvsc, kind, dup_span = _hgvs_c(mapper, o_start, o_end, o_ref, o_alt)
    first = mapper.position(o_start if o_ref else o_start - 1)
    last = mapper.position(o_end if o_ref else o_start)
    intronic = [p for p in (first, last) if p.offset]
    exon = first.exon or last.exon
    intron = first.intron or last.intron
    common = dict(gene=gene, transcript=tx.name, hgvsc=hgvsc, exon=exon, intron=intron)
    if intronic:
        depth = min(abs(p.offset) for p in intronic)
        if depth <= 2:
            donor = any(p.offset > 0 for p in intronic if abs(p.offset) == depth)
            so = "splice_donor_variant" if donor else "splice_acceptor_variant"
            # the exon boundary it disrupts: a kinase-domain splice site when that codon is
            near = min(intronic, key=lambda p: abs(p.offset))
            codon = (near.c + 2) // 3
            return ProteinChange(
                hgvsp="p.?", short="", consequence=so,
                in_kinase_domain=near.c >= 1 and _in_domain(gene, codon, codon), **common,
            )  # fmt: skip
        so = "splice_region_variant" if depth <= 8 else "intron_variant"
        return ProteinChange(hgvsp="", short="", consequence=so, **common)
    if last.c < 1 or (first.c < 1 and not o_ref):
        return ProteinChange(hgvsp="", short="", consequence="5_prime_UTR_variant", **common)
    if first.c > mapper.cds_length:
        return ProteinChange(hgvsp="", short="", consequence="3_prime_UTR_variant", **common)
    starts = (1 <= first.c < 3) if not o_ref else (first.c <= 3 and last.c >= 1)
    if starts:
        return ProteinChange(
            hgvsp="p.Met1?",
            short="M1?",
            consequence="start_lost",
            protein_start=1,
            protein_end=1,
            **common,
        )
    return _protein_change(mapper, gene, first.c, last.c, o_ref, o_alt, kind, common)


def _shift_3prime(m: TranscriptMapper, o_start: int, o_end: int, ref: str, alt: str):
    """Shift a pure deletion or insertion to its 3'-most equivalent position."""
    if ref and not alt:  # deletion of ref at [o_start, o_end]
        while True:
            try:
                nxt = m.base_o(o_end + 1)
            except OutsideSliceError:
                break
            if nxt != ref[0]:
                break
            ref = ref[1:] + ref[0]
            o_start, o_end = o_start + 1, o_end + 1
        return o_start, o_end, ref, alt
    if alt and not ref:  # insertion of alt before o_start
        while True:
            try:
                nxt = m.base_o(o_start)
            except OutsideSliceError:
                break
            if nxt != alt[0]:
                break
            alt = alt[1:] + alt[0]
            o_start, o_end = o_start + 1, o_end + 1
        return o_start, o_end, ref, alt
    return o_start, o_end, ref, alt


def _hgvs_c(m: TranscriptMapper, o_start: int, o_end: int, ref: str, alt: str):
    """Return ``(hgvsc, kind, dup_span)``; kind is snv, mnv, del, ins, dup or delins."""
    cdl = m.cds_length
    p = lambda o: m.position(o).hgvs(cdl)  # noqa: E731
    if ref and alt:
        if len(ref) == 1 and len(alt) == 1:
            return f"c.{p(o_start)}{ref}>{alt}", "snv", None
        span = p(o_start) if o_start == o_end else f"{p(o_start)}_{p(o_end)}"
        kind = "mnv" if len(ref) == len(alt) else "delins"
        return f"c.{span}delins{alt}", kind, None
    if ref:
        span = p(o_start) if o_start == o_end else f"{p(o_start)}_{p(o_end)}"
        return f"c.{span}del", "del", None
    n = len(alt)
    try:
        before = m.seq_o(o_start - n, o_start - 1)
    except OutsideSliceError:
        before = ""
    if before == alt:
        d1, d2 = o_start - n, o_start - 1
        span = p(d1) if d1 == d2 else f"{p(d1)}_{p(d2)}"
        return f"c.{span}dup", "dup", (d1, d2)
    return f"c.{p(o_start - 1)}_{p(o_start)}ins{alt}", "ins", None


def _protein_change(
    m: TranscriptMapper,
    gene: str,
    c_first: int,
    c_last: int,
    ref: str,
    alt: str,
    kind: str,
    common: dict,
) -> ProteinChange:
    """Translate the reference and mutant coding sequence around the change and name the difference."""
    cdl = m.cds_length
    is_insertion = not ref  # inserted after c_first (kind "ins" or "dup")
    if is_insertion:
        c_last = min(c_first + 1, cdl)
    codon_lo = (max(1, c_first) - 1) // 3 + 1
    codon_hi = (max(c_first, c_last) - 1) // 3 + 1
    frameshift = (len(alt) - len(ref)) % 3 != 0
    # extend the window downstream (3' rule and frameshift stop search) as far as sequence allows
    n_codons = cdl // 3
    win_lo = max(1, codon_lo - _PROTEIN_CONTEXT)
    want_hi = n_codons if frameshift else min(n_codons, codon_hi + _PROTEIN_CONTEXT)
    ref_nt, win_hi = _fetch_codons(m, win_lo, codon_hi, want_hi)
    rel = c_first - (3 * (win_lo - 1) + 1)  # index of c_first in the window
    if is_insertion:
        alt_nt = ref_nt[: rel + 1] + alt + ref_nt[rel + 1 :]
    else:
        alt_nt = ref_nt[:rel] + alt + ref_nt[rel + len(ref) :]
    ref_p, alt_p = translate(ref_nt), translate(alt_nt)
    offset = win_lo - 1  # residue number = index + 1 + offset
    in_domain = _in_domain(gene, codon_lo, codon_hi)
    if frameshift:
        return _frameshift(ref_p, alt_nt, offset, win_hi == n_codons, common, in_domain)
    # trim common prefix (maximal: gives the 3'-most placement), then common suffix
    i = 0
    while i < len(ref_p) and i < len(alt_p) and ref_p[i] == alt_p[i]:
        i += 1
    j = 0
    while j < len(ref_p) - i and j < len(alt_p) - i and ref_p[-1 - j] == alt_p[-1 - j]:
        j += 1
    r_seg, a_seg = ref_p[i : len(ref_p) - j], alt_p[i : len(alt_p) - j]
    start = i + 1 + offset
    if not r_seg and not a_seg:
        aa = ref_p[codon_lo - 1 - offset]
        return _pc(
            f"p.{_aa3(aa)}{codon_lo}=", "synonymous_variant", codon_lo, codon_lo, common, in_domain
        )
    if not r_seg:  # insertion between residues start-1 and start
        n = len(a_seg)
        prev = ref_p[i - n : i] if i - n >= 0 else ""
        if prev == a_seg:
            s = start - n
            span = (
                f"{_aa3(prev[0])}{s}"
                if n == 1
                else (f"{_aa3(prev[0])}{s}_{_aa3(prev[-1])}{start - 1}")
            )
            return _pc(f"p.{span}dup", "inframe_insertion", s, start - 1, common, in_domain)
        if "*" in a_seg:
            a_seg = a_seg[: a_seg.index("*") + 1]
        left, right = ref_p[i - 1], ref_p[i] if i < len(ref_p) else "*"
        return _pc(
            f"p.{_aa3(left)}{start - 1}_{_aa3(right)}{start}ins{_aa3(a_seg)}",
            "inframe_insertion",
            start - 1,
            start,
            common,
            in_domain,
        )
    end = start + len(r_seg) - 1
    span = (
        f"{_aa3(r_seg[0])}{start}"
        if len(r_seg) == 1
        else (f"{_aa3(r_seg[0])}{start}_{_aa3(r_seg[-1])}{end}")
    )
    if not a_seg:
        return _pc(f"p.{span}del", "inframe_deletion", start, end, common, in_domain)
    if a_seg[0] == "*":
        return _pc(f"p.{span[:3]}{start}Ter", "stop_gained", start, start, common, in_domain)
    if r_seg[0] == "*":
        return _pc(
            f"p.Ter{start}{_aa3(a_seg[0])}ext*?", "stop_lost", start, start, common, in_domain
        )
    if len(r_seg) == 1 and len(a_seg) == 1:
        return _pc(f"p.{span}{_aa3(a_seg)}", "missense_variant", start, end, common, in_domain)
    if "*" in a_seg:
        a_seg = a_seg[: a_seg.index("*") + 1]
        return _pc(f"p.{span}delins{_aa3(a_seg)}", "stop_gained", start, end, common, in_domain)
    so = (
        "inframe_deletion"
        if len(a_seg) < len(r_seg)
        else "inframe_insertion"
        if len(a_seg) > len(r_seg)
        else "protein_altering_variant"
    )
    return _pc(f"p.{span}delins{_aa3(a_seg)}", so, start, end, common, in_domain)


def _fetch_codons(m: TranscriptMapper, win_lo: int, need_hi: int, want_hi: int) -> tuple[str, int]:
    """Coding bases of codons ``win_lo..want_hi``, shortened to what the reference holds.

    The codons up to ``need_hi`` (the changed ones) must be available; beyond them the window
    stops at the first codon the reference cannot give.
    """
    core = m.cds(3 * (win_lo - 1) + 1, 3 * need_hi)
    extra = []
    hi = need_hi
    while hi < want_hi:
        try:
            extra.append(m.cds(3 * hi + 1, 3 * hi + 3))
        except OutsideSliceError:
            break
        hi += 1
    return core + "".join(extra), hi


def _frameshift(
    ref_p: str, alt_nt: str, offset: int, reached_end: bool, common: dict, in_domain: bool
) -> ProteinChange:
    alt_p = translate(alt_nt)
    i = 0
    while i < len(ref_p) and i < len(alt_p) and ref_p[i] == alt_p[i]:
        i += 1
    start = i + 1 + offset
    if i >= len(alt_p) or i >= len(ref_p):
        return _pc("p.?", "frameshift_variant", start, start, common, in_domain)
    new = alt_p[i:]
    if new[0] == "*":
        return _pc(f"p.{_aa3(ref_p[i])}{start}Ter", "stop_gained", start, start, common, in_domain)
    stop = new.find("*")
    # a stop beyond the sequence we hold is not invented: "Ter?" says it is unknown
    length = str(stop + 1) if stop >= 0 else "?"
    if stop < 0 and reached_end:
        length = "?"
    return _pc(
        f"p.{_aa3(ref_p[i])}{start}{_aa3(new[0])}fsTer{length}",
        "frameshift_variant",
        start,
        start,
        common,
        in_domain,
    )


def _in_domain(gene: str, first: int, last: int) -> bool:
    lo, hi = KINASE_DOMAINS.get(gene, (0, -1))
    return first <= hi and last >= lo


def _pc(hgvsp: str, so: str, start: int, end: int, common: dict, in_domain: bool) -> ProteinChange:
    gene = common["gene"]
    return ProteinChange(
        hgvsp=hgvsp,
        short=three_to_one(hgvsp),
        consequence=so,
        protein_start=start,
        protein_end=end,
        in_kinase_domain=_in_domain(gene, start, end) or (in_domain and so == "frameshift_variant"),
        **common,
    )


def alk_codon_positions(codon: int, build: str) -> tuple[tuple[str, int], ...]:
    """Genomic ``(chrom, pos)`` of the three bases of ALK codon ``codon``, in c. order."""
    ref = ReferenceSequence(build)
    m = TranscriptMapper(transcripts(build)["ALK"], ref)
    return tuple((m.tx.chrom, m.to_g(m.o_of_c(c))) for c in range(3 * codon - 2, 3 * codon + 1))


#: transcripts preferred among a VCF's annotation blocks after MANE, PICK and canonical
_PREFERRED_TRANSCRIPTS = {"ALK": ("NM_004304", "ENST00000389048")}


def choose_annotation(
    annotations: Sequence[ExternalAnnotation], gene: str
) -> ExternalAnnotation | None:
    """Choose the block for ``gene``: MANE Select, PICK, canonical, the bundled transcript, first."""
    blocks = [a for a in annotations if a.gene == gene]
    if not blocks:
        return None
    preferred = _PREFERRED_TRANSCRIPTS.get(gene, ())

    def rank(a: ExternalAnnotation) -> tuple:
        return (
            not a.mane_select,
            not a.pick,
            not a.canonical,
            not any(a.transcript.startswith(p) for p in preferred),
            not a.hgvsp,
        )

    return sorted(blocks, key=rank)[0]
