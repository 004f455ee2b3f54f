"""Reference sequence: the bundled ALK kinase-domain slice, or a user FASTA read with pysam.

The slice covers ALK exons 20-28 (codons 1058-1388) with a few intron bases on each side. A
position outside it needs ``--reference genome.fa``; :class:`ReferenceSequence` says so by raising
:class:`OutsideSliceError`, which the annotator turns into a skipped-table row.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alkannot.errors import ReferenceFastaError
from alkannot.genome.build import canonical_contig, normalise_build
from alkannot.resources import read_table, resource_path


class OutsideSliceError(LookupError):
    """A base was requested outside the bundled slice and no FASTA was given."""


@cache
def _slice(build: str) -> tuple[str, dict[int, str]]:
    rows = read_table(resource_path("genome", build, "alk_kinase_slice.tsv"))
    return rows[0]["chrom"], {int(r["pos"]): r["base"] for r in rows}


class ReferenceSequence:
    """Plus-strand reference bases for one build.

    Parameters
    ----------
    build
        ``"GRCh37"`` or ``"GRCh38"``.
    fasta
        Optional path to an indexed (``.fai``) FASTA of the same build; without it only the
        bundled ALK kinase-domain slice is available.
    """

    def __init__(self, build: str, fasta: str | Path | None = None):
        self.build = normalise_build(build)
        self.slice_chrom, self._bases = _slice(self.build)
        self.fasta_path = str(fasta) if fasta else None
        self._fasta = None
        self._fasta_contigs: dict[str, str] = {}
        if fasta:
            self._open_fasta(Path(fasta))

    def _open_fasta(self, path: Path) -> None:
        import pysam  # only when a FASTA is given

        if not path.is_file():
            raise ReferenceFastaError("reference FASTA not found", path=str(path))
        try:
            self._fasta = pysam.FastaFile(str(path))
        except (OSError, ValueError) as exc:
            raise ReferenceFastaError(
                f"cannot open the reference FASTA ({exc}); it must be plain or bgzipped FASTA, "
                "indexable with 'samtools faidx'",
                path=str(path),
            ) from None
        # Map canonical names to the FASTA's own names (chr2 vs 2).
        for name in self._fasta.references:
            self._fasta_contigs.setdefault(canonical_contig(name, self.build), name)

    def in_slice(self, chrom: str, start: int, end: int) -> bool:
        """True when every base of ``chrom:start-end`` is in the bundled slice."""
        return chrom == self.slice_chrom and all(p in self._bases for p in range(start, end + 1))

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Return the plus-strand bases of ``chrom:start-end`` (1-based inclusive), upper case.

        Raises
        ------
        OutsideSliceError
            When the span is not in the slice and no FASTA was given.
        ReferenceFastaError
            When the FASTA lacks the contig or the span runs off its end.
        """
        if end < start:
            return ""
        if self._fasta is not None:
            name = self._fasta_contigs.get(chrom)
            if name is None:
                raise ReferenceFastaError(
                    f"contig {chrom} is not in the reference FASTA; is it the {self.build} build?",
                    path=self.fasta_path,
                )
            seq = self._fasta.fetch(name, start - 1, end).upper()
            if len(seq) != end - start + 1:
                raise ReferenceFastaError(
                    f"{chrom}:{start}-{end} runs past the end of the contig", path=self.fasta_path
                )
            return seq
        if chrom == self.slice_chrom:
            try:
                return "".join(self._bases[p] for p in range(start, end + 1))
            except KeyError:
                pass
        raise OutsideSliceError(f"{chrom}:{start}-{end}")
