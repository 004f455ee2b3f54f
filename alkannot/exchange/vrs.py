"""GA4GH VRS 2.x identifiers, computed offline: Allele and CopyNumberChange ids for findings.

VRS (https://vrs.ga4gh.org, "Conventions") gives a variant a global id from its content:

1. **Normalise** the Allele ("fully-justified", adapted from NCBI's VOCA): trim the common suffix
   then prefix of REF and ALT; a substitution keeps its trimmed span; an insertion or deletion
   is rolled left and right over the reference and expanded over the whole region where it could
   sit. A deletion, and an insertion that repeats the reference, becomes a
   ``ReferenceLengthExpression`` (length + repeat subunit length); any other insertion a
   ``LiteralSequenceExpression``.
2. **Serialise** the digest keys of each object (RFC 8785 JSON: sorted keys, no whitespace), with
   a nested identifiable object (the ``SequenceLocation``) replaced by its digest.
3. **Digest** with sha512t24u: SHA-512, the first 24 bytes, base64url.

The chromosome is named by its refget accession (``resources/genome/refget_accessions.tsv``, with
its source). The rolls need reference bases beside the variant: they come from the VCF's REF, the
bundled sequence (the ALK kinase-domain slice, the KRAS/EGFR hotspot codon spans) and, when
given, ``--reference``. Where a roll reaches a base none of them holds, the id is left empty:
an id from a guessed window would be a confident wrong answer.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

from alkannot.genome.build import canonical_contig, normalise_build
from alkannot.models import Finding, GeneCopyNumber
from alkannot.resources import read_table, resource_path

_BASES = frozenset("ACGTN")
#: copy-number calls as VRS ``copyChange`` values (EFO terms named by VRS 2.0)
COPY_CHANGE = {"amplification": "high-level gain", "gain": "gain", "broad gain": "gain"}


class UnknownBase(LookupError):
    """Normalisation needs a reference base that no bundled or given sequence holds."""


def sha512t24u(blob: bytes) -> str:
    """The GA4GH truncated digest: SHA-512, first 24 bytes, base64url (32 characters)."""
    return base64.urlsafe_b64encode(hashlib.sha512(blob).digest()[:24]).decode("ascii")


def _serialise(obj: dict) -> bytes:
    # RFC 8785 for this content (ASCII strings, integers): sorted keys, no whitespace
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@cache
def _accessions() -> dict[tuple[str, str], dict[str, str]]:
    rows = read_table(resource_path("genome", "refget_accessions.tsv"))
    return {(r["build"], r["chromosome"]): r for r in rows}


def refget_accession(build: str, chrom: str) -> str:
    """The refget accession (``SQ.…``) of a chromosome of ``build``, or "" when not bundled."""
    build = normalise_build(build)
    bare = canonical_contig(chrom, "GRCh37")
    row = _accessions().get((build, bare))
    return row["refget_accession"] if row else ""


def refseq_accession(build: str, chrom: str) -> str:
    """The RefSeq accession paired with the refget one in the bundled table, or ""."""
    row = _accessions().get((normalise_build(build), canonical_contig(chrom, "GRCh37")))
    return row["refseq"] if row else ""


def sequence_location(accession: str, start: int, end: int) -> dict:
    """A VRS ``SequenceLocation`` (inter-residue ``start``/``end``) with its computed id."""
    loc = {
        "type": "SequenceLocation",
        "sequenceReference": {"type": "SequenceReference", "refgetAccession": accession},
        "start": start,
        "end": end,
    }
    digest = sha512t24u(_serialise(loc))
    return {"id": f"ga4gh:SL.{digest}", "digest": digest, **loc}


def _identified(obj: dict, prefix: str, keys: tuple[str, ...]) -> dict:
    """Add ``id``/``digest``: the location is replaced by its digest, other keys kept as they are."""
    blob = {k: (obj[k]["digest"] if k == "location" else obj[k]) for k in keys}
    digest = sha512t24u(_serialise(blob))
    return {"id": f"ga4gh:{prefix}.{digest}", "digest": digest, **obj}


def _trim(ref: str, alt: str, start: int, end: int) -> tuple[str, str, int, int]:
    """Trim the common suffix, then the common prefix (VRS normalisation step 1)."""
    n = 0
    while n < min(len(ref), len(alt)) and ref[-1 - n] == alt[-1 - n]:
        n += 1
    ref, alt, end = ref[: len(ref) - n], alt[: len(alt) - n], end - n
    n = 0
    while n < min(len(ref), len(alt)) and ref[n] == alt[n]:
        n += 1
    return ref[n:], alt[n:], start + n, end


def _expand(base: Callable[[int], str], seq: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the region where an insertion/deletion of ``seq`` at ``start``-``end`` may sit.

    ``base(i)`` is the reference base at inter-residue position ``i``..``i+1``.
    """
    left, s = start, seq
    while left > 0 and s[-1] == base(left - 1):  # roll left: the base before equals the last
        left -= 1
        s = s[-1] + s[:-1]
    right, s = end, seq
    while s[0] == base(right):  # roll right: the base after equals the first
        right += 1
        s = s[1:] + s[0]
    return left, right


def normalise(
    base: Callable[[int], str], start: int, end: int, ref: str, alt: str
) -> tuple[int, int, dict]:
    """Fully-justified normalisation of REF>ALT at inter-residue ``start``-``end``.

    Returns the new ``(start, end, state)``; raises :class:`UnknownBase` when a roll needs a base
    ``base`` cannot give.
    """
    tref, talt, s, e = _trim(ref, alt, start, end)
    if not tref and not talt:  # reference allele: the input span, state of its own length
        n = end - start
        return (
            start,
            end,
            {"type": "ReferenceLengthExpression", "length": n, "repeatSubunitLength": n},
        )
    if tref and talt:
        return s, e, {"type": "LiteralSequenceExpression", "sequence": talt}
    seed = tref or talt
    left, right = _expand(base, seed, s, e)
    ext_ref = "".join(base(i) for i in range(left, right))
    # the expanded ALT: reference before the event, the inserted bases, reference after it
    ext_alt = ext_ref[: s - left] + talt + ext_ref[e - left :]
    if not ext_ref:
        return left, right, {"type": "LiteralSequenceExpression", "sequence": ext_alt}
    if len(ext_alt) < len(ext_ref):  # a deletion is derived from the reference
        return left, right, _rle(ext_alt, len(seed))
    for d in sorted((d for d in range(1, len(seed) + 1) if len(seed) % d == 0), reverse=True):
        # an insertion that repeats the reference's last d bases is reference-derived
        if d <= len(ext_ref) and _repeats(ext_ref[-d:], ext_alt[len(ext_ref) :]):
            return left, right, _rle(ext_alt, d)
    return left, right, {"type": "LiteralSequenceExpression", "sequence": ext_alt}


def _repeats(unit: str, tail: str) -> bool:
    return all(c == unit[i % len(unit)] for i, c in enumerate(tail))


def _rle(sequence: str, subunit: int) -> dict:
    # ``sequence`` is decoration (not a digest key), as in the VRS schema
    return {
        "type": "ReferenceLengthExpression",
        "length": len(sequence),
        "repeatSubunitLength": subunit,
        "sequence": sequence,
    }


def allele(accession: str, start: int, end: int, state: dict) -> dict:
    """A VRS ``Allele`` with computed ids for it and its location."""
    obj = {
        "type": "Allele",
        "location": sequence_location(accession, start, end),
        "state": {k: v for k, v in state.items() if k != "sequence" or "length" not in state},
    }
    ident = _identified(obj, "VA", ("location", "state", "type"))
    ident["state"] = state
    return ident


def copy_number_change(accession: str, start: int, end: int, change: str) -> dict:
    """A VRS ``CopyNumberChange`` over inter-residue ``start``-``end`` with its computed id."""
    obj = {
        "type": "CopyNumberChange",
        "location": sequence_location(accession, start, end),
        "copyChange": change,
    }
    return _identified(obj, "CX", ("copyChange", "location", "type"))


@cache
def _bundled_bases(build: str) -> dict[str, dict[int, str]]:
    """Bundled plus-strand reference bases by contig (1-based): ALK slice and hotspot codons."""
    out: dict[str, dict[int, str]] = {}
    for r in read_table(resource_path("genome", build, "alk_kinase_slice.tsv")):
        out.setdefault(r["chrom"], {})[int(r["pos"])] = r["base"].upper()
    for r in read_table(resource_path("genome", build, "bypass_codons.tsv")):
        contig = out.setdefault(r["chrom"], {})
        for i, b in enumerate(r["bases"].upper()):
            contig[int(r["start"]) + i] = b
    return out


class GenomeBases:
    """Reference bases for normalisation: a variant's own REF, the bundled windows, a FASTA.

    Parameters
    ----------
    build
        ``GRCh37`` or ``GRCh38``.
    fasta
        Optional indexed FASTA of the same build (``--reference``), read only for bases the
        bundled windows lack.
    """

    def __init__(self, build: str, fasta: str | Path | None = None):
        self.build = normalise_build(build)
        self._fasta = fasta
        self._reference = None

    def getter(self, chrom: str, pos: int, ref: str) -> Callable[[int], str]:
        """``base(i)`` for contig ``chrom`` (0-based), knowing ``ref`` starts at 1-based ``pos``."""
        chrom = canonical_contig(chrom, self.build)
        known = _bundled_bases(self.build).get(chrom, {})
        own = {pos + i: b for i, b in enumerate(ref.upper())}

        def base(i: int) -> str:
            p = i + 1
            b = own.get(p) or known.get(p)
            if b is None:
                b = self._from_fasta(chrom, p)
            if b is None:
                raise UnknownBase(f"{chrom}:{p}")
            return b

        return base

    def _from_fasta(self, chrom: str, p: int) -> str | None:
        if not self._fasta:
            return None
        if self._reference is None:
            from alkannot.genome.sequence import ReferenceSequence

            self._reference = ReferenceSequence(self.build, self._fasta)
        from alkannot.errors import ReferenceFastaError

        try:
            return self._reference.fetch(chrom, p, p) or None
        except ReferenceFastaError:
            return None


def vcf_allele(
    bases: GenomeBases, chrom: str, pos: int, ref: str, alt: str
) -> tuple[dict | None, str]:
    """The normalised VRS Allele of a VCF-style record, or ``(None, reason)``."""
    acc = refget_accession(bases.build, chrom)
    if not acc:
        return None, f"no refget accession bundled for {chrom} ({bases.build})"
    ref, alt = ref.upper(), alt.upper()
    if not ref or not alt or not set(ref + alt) <= _BASES:
        return None, f"alleles {ref or '-'}>{alt or '-'} are not plain sequence"
    try:
        start, end, state = normalise(
            bases.getter(chrom, pos, ref), pos - 1, pos - 1 + len(ref), ref, alt
        )
    except UnknownBase as exc:
        return None, f"normalisation needs reference base {exc} (give --reference)"
    return allele(acc, start, end, state), ""


def finding_variation(
    f: Finding, bases: GenomeBases, gene_spans: dict[str, GeneCopyNumber] | None = None
) -> tuple[dict | None, str]:
    """The VRS variation of a finding (Allele or CopyNumberChange), or ``(None, reason)``.

    A fusion has no VRS Allele (VRS 2 ``Adjacency`` needs both breakpoints, which fusion
    callers do not all give): its reason says so.
    """
    if f.kind == "mutation" and f.pos is not None and f.ref and f.alt:
        return vcf_allele(bases, f.chrom, f.pos, f.ref, f.alt)
    if f.kind == "copy_number":
        change = COPY_CHANGE.get(f.alteration)
        cn = (gene_spans or {}).get(f.gene)
        if change is None or cn is None:
            return None, "no copy-number change with a genomic span"
        acc = refget_accession(bases.build, cn.chrom)
        if not acc:
            return None, f"no refget accession bundled for {cn.chrom} ({bases.build})"
        return copy_number_change(acc, cn.start - 1, cn.end, change), ""
    return None, f"no VRS representation for a {f.kind.replace('_', ' ')} finding"


def add_vrs_ids(
    findings: list[Finding],
    build: str,
    fasta: str | Path | None = None,
    copy_number: list[GeneCopyNumber] | None = None,
) -> list[Finding]:
    """Return the findings with ``vrs_id`` set where a VRS id can be computed offline."""
    bases = GenomeBases(build, fasta)
    spans = {c.gene: c for c in copy_number or ()}
    out = []
    for f in findings:
        var, _ = finding_variation(f, bases, spans)
        out.append(replace(f, vrs_id=var["id"]) if var else f)
    return out
