"""Open a BAM/CRAM with pysam and check it before any read is used.

Checks, each a one-line :class:`~alkannot.errors.AlkannotError`: the file exists and is BAM or
CRAM; a CRAM comes with ``--reference``; the file is coordinate-sorted and indexed (only region
fetches are done); it is not truncated; its build (from the ``@SQ`` length of chromosome 2) is
known and agrees with the other inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alkannot.errors import BuildMismatchError, InputFileError, InputFormatError
from alkannot.genome.build import canonical_contig, detect_build


@dataclass
class Alignments:
    """An opened, checked alignment file and what its header says."""

    path: str
    label: str  # the option it came from, for messages ("--bam", "--baseline-bam", ...)
    handle: object  # pysam.AlignmentFile
    build: str
    contigs: dict[str, str]  # canonical contig name -> the file's own name
    sample: str = ""  # @RG SM when there is exactly one
    build_note: str = ""  # set when the build was not in the header but given by other inputs
    fasta: str | None = None  # the reference a CRAM is decoded with

    def fetch(self, chrom: str, start: int, end: int):
        """Iterate the reads overlapping ``chrom:start-end`` (1-based inclusive, canonical name).

        Raises
        ------
        InputFileError
            When the file turns out truncated or corrupt while reading.
        """
        import pysam

        name = self.contigs.get(chrom)
        if name is None:
            return
        quiet = pysam.set_verbosity(0)  # htslib's own lines would break the one-line error
        try:
            yield from self.handle.fetch(name, max(0, start - 1), end)
        except (OSError, ValueError) as exc:
            wrong = self.fasta and self.handle.is_cram and not _reference_matches(self, name)
            raise InputFileError(
                f"cannot read {chrom}:{start}-{end}: the CRAM was not written with this "
                f"--reference ({name}'s MD5 differs from its @SQ M5); pass the FASTA it was "
                "written with"
                if wrong
                else f"cannot read {chrom}:{start}-{end} ({' '.join(str(exc).split())}); the "
                "file is truncated or corrupt: re-create it and its index",
                path=self.path,
            ) from None
        finally:
            pysam.set_verbosity(quiet)

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def _reference_matches(aln: Alignments, name: str) -> bool:
    """Whether the FASTA's sequence ``name`` has the MD5 the CRAM header records (SAM @SQ M5:
    of the upper-case sequence without line breaks); True when the header records none."""
    import hashlib

    import pysam

    m5 = next(
        (sq.get("M5") for sq in aln.handle.header.to_dict().get("SQ", []) if sq["SN"] == name),
        None,
    )
    if not m5:
        return True
    try:
        with pysam.FastaFile(aln.fasta) as fa:
            seq = fa.fetch(name).upper().encode()
    except (OSError, KeyError, ValueError):
        return False
    return hashlib.md5(seq).hexdigest() == m5.lower()


def _check_own_index(handle, path: str, label: str) -> None:
    """A ``.bai`` beside the BAM must be its own (a foreign one fetches other reads)."""
    from alkannot.reads.bam_index import ForeignIndex, check_bai

    stem = str(path)[:-4] if str(path).endswith(".bam") else str(path)
    bai = next((b for b in (f"{path}.bai", f"{stem}.bai") if Path(b).is_file()), None)
    if bai is None:
        return  # a CSI index: htslib checks it on load
    try:
        check_bai(path, bai)
    except (ForeignIndex, OSError) as exc:
        handle.close()
        raise InputFileError(
            f"{label}'s index {Path(bai).name} does not belong to it ({exc}); re-index it "
            "(samtools index)",
            path=path,
        ) from None


def open_alignments(
    path: str, *, label: str, fasta: str | None, build: str | None = None
) -> Alignments:
    """Open and check a BAM or CRAM.

    Parameters
    ----------
    path
        The BAM/CRAM; its index (``.bai``/``.csi``/``.crai``) must sit beside it.
    label
        The option it came from, for messages.
    fasta
        The reference FASTA (required for CRAM).
    build
        The build of the other inputs; a different one is an error.

    Raises
    ------
    AlkannotError
        One-line errors for a missing, unreadable, unsorted, unindexed, truncated file, a CRAM
        without ``--reference`` or a build that is unknown or disagrees.
    """
    import pysam

    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{label} file does not exist; check the path", path=path)
    with open(p, "rb") as fh:
        magic = fh.read(4)
    is_cram = magic == b"CRAM"
    if not (is_cram or magic[:2] == b"\x1f\x8b"):
        raise InputFormatError(f"{label} is not a BAM or CRAM file", path=path)
    if is_cram and not fasta:
        raise InputFileError(
            f"{label} is a CRAM: pass the reference FASTA it was written with (--reference)",
            path=path,
        )
    quiet = pysam.set_verbosity(0)  # header warnings: the checks below say what matters
    try:
        handle = pysam.AlignmentFile(
            str(p), "rc" if is_cram else "rb", reference_filename=fasta if is_cram else None
        )
    except (OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        hint = "the file is truncated" if "EOF" in reason or "truncat" in reason else reason
        raise InputFileError(
            f"cannot open {label} ({hint}); re-create the file and index it (samtools index)",
            path=path,
        ) from None
    finally:
        pysam.set_verbosity(quiet)
    header = handle.header.to_dict()
    order = header.get("HD", {}).get("SO", "")
    # "unknown" or no SO with an index is a sorted file (samtools index refuses unsorted ones)
    if order in ("unsorted", "queryname"):
        handle.close()
        raise InputFormatError(
            f"{label} is not coordinate-sorted (@HD SO:{order}); sort and index it "
            "(samtools sort, samtools index)",
            path=path,
        )
    if not handle.has_index():
        handle.close()
        raise InputFileError(
            f"{label} has no index beside it; sort and index it (samtools sort, samtools "
            "index) so that only the ALK/EML4 and hotspot regions are read",
            path=path,
        )
    if not is_cram:
        _check_own_index(handle, path, label)
    lengths = {sq["SN"]: sq["LN"] for sq in header.get("SQ", [])}
    found, evidence = detect_build((), lengths)
    note = ""
    if found is None and build:
        # a header without chromosome 2 at a known length (a subset header): the other inputs'
        # build is taken, and the outputs say so
        found = build
        note = f"{label}: build not in the header ({evidence}); taken as {build}"
    elif found is None:
        handle.close()
        raise BuildMismatchError(
            f"{label}: genome build unknown ({evidence}; chromosome 2 must be in @SQ with its "
            "GRCh37 or GRCh38 length); pass --build",
            path=path,
        )
    if build and found != build:
        handle.close()
        raise BuildMismatchError(
            f"{label} is {found} ({evidence}) but the other inputs are {build}; give files of "
            "one build",
            path=path,
        )
    contigs: dict[str, str] = {}
    for name in lengths:
        contigs.setdefault(canonical_contig(name, found), name)
    samples = {rg.get("SM", "") for rg in header.get("RG", [])} - {""}
    if len(samples) > 1:  # SAM: SM names the sample; two samples' reads would be pooled
        handle.close()
        raise InputFormatError(
            f"{label}'s read groups name {len(samples)} samples ({', '.join(sorted(samples))}); "
            "give one sample's reads per file (samtools split, or samtools view -r)",
            path=path,
        )
    return Alignments(
        path=str(path),
        label=label,
        handle=handle,
        build=found,
        contigs=contigs,
        sample=samples.pop() if len(samples) == 1 else "",
        build_note=note,
        fasta=fasta,
    )
