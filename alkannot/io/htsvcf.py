"""The htslib VCF reader alkannot uses: pysam's ``VariantFile`` behind a small record interface.

htslib parses every record (``vcf_parse``), finds region records through the tabix/CSI index and
formats records back to text (``vcf_format``). pysam is used rather than cyvcf2 because it reaches
htslib without importing numpy, which would cost more than reading a few thousand target records.

The interface is the part of cyvcf2's that the reader needs (``raw_header``, ``samples``,
``seqnames``, region calls and iteration; records with ``CHROM``, ``POS``, ``REF``, ``ALT``, ``ID``,
``QUAL``, ``INFO.get`` and ``str``), with cyvcf2's value shapes: INFO strings are never split at
commas and a single number is a scalar, so every input path reads the same values.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


class _Info:
    __slots__ = ("_info",)

    def __init__(self, info) -> None:
        self._info = info

    def get(self, key: str, default=None):
        """The INFO value: a string as written, a number, a tuple of numbers, True for a flag."""
        try:
            value = self._info[key]
        except (KeyError, ValueError):  # absent, or not declared and not present
            return default
        if isinstance(value, tuple):
            if value and all(isinstance(v, str) for v in value):
                return ",".join(value)
            if len(value) == 1:
                return value[0]
        return default if value is None else value


class Record:
    """One VCF record as htslib parsed it."""

    __slots__ = ("_rec",)

    def __init__(self, rec) -> None:
        self._rec = rec

    @property
    def CHROM(self) -> str:  # noqa: N802 - the VCF column names, as cyvcf2 spells them
        return self._rec.chrom

    @property
    def POS(self) -> int:  # noqa: N802
        return self._rec.pos

    @property
    def REF(self) -> str:  # noqa: N802
        return self._rec.ref

    @property
    def ALT(self) -> list[str]:  # noqa: N802
        return list(self._rec.alts or ())

    @property
    def ID(self) -> str | None:  # noqa: N802
        return self._rec.id

    @property
    def QUAL(self) -> float | None:  # noqa: N802
        return self._rec.qual

    @property
    def INFO(self) -> _Info:  # noqa: N802
        return _Info(self._rec.info)

    def __str__(self) -> str:
        return str(self._rec)


class VcfFile:
    """An open VCF (plain, gzip or BGZF; with its index when there is one). Close it when done.

    A compressed file's header is parsed from a copy of its header lines, so that opening it does
    not load its index (pysam's ``VariantFile`` would, costing more than the records of a
    re-biopsy). Region queries load the index once, through tabix: tabix finds the raw lines of
    the region and htslib parses them from a small temporary VCF (header + those lines).
    """

    def __init__(self, path: str) -> None:
        from pysam.libcbcf import VariantFile

        self._path = path
        self._tabix = None
        self._header_copy: str | None = None
        with open(path, "rb") as fh:
            self._compressed = fh.read(2) == b"\x1f\x8b"
        if self._compressed:
            self._header_copy = _plain_copy(path, header_only=True)
            self._vf = VariantFile(self._header_copy)
        else:
            self._vf = VariantFile(path)
        header = self._vf.header
        self.raw_header: str = str(header)
        self.samples: list[str] = list(header.samples)
        self._contigs = list(header.contigs)

    @property
    def seqnames(self) -> list[str]:
        """The header's contigs; without ``##contig`` lines, the index's (as cyvcf2 does)."""
        if self._contigs or not self._compressed:
            return self._contigs
        try:
            return list(self._index().contigs)
        except (OSError, ValueError):  # no index
            return []

    def _index(self):
        """The tabix view of the file, with its .tbi or .csi index (an error when there is none)."""
        if self._tabix is None:
            from pysam.libctabix import TabixFile

            index = next(
                (f"{self._path}{x}" for x in (".tbi", ".csi") if os.path.exists(self._path + x)),
                None,
            )
            if index is None:
                raise OSError(f"no .tbi or .csi index next to {self._path}")
            # latin-1 gives back every byte as it is; htslib (then the reader) judges the text
            self._tabix = TabixFile(self._path, index=index, encoding="latin-1")
        return self._tabix

    def __call__(self, region: str) -> Iterator[Record]:
        """Records overlapping ``contig:start-end`` (1-based inclusive), through the index.

        A contig the index does not know has no records; a missing or unreadable index raises.
        """
        name, _, span = region.rpartition(":")
        start, _, end = span.partition("-")
        index = self._index()
        if name not in index.contigs:
            return iter(())
        return self._parse(index.fetch(name, int(start) - 1, int(end)))

    def _parse(self, lines) -> Iterator[Record]:
        from pysam.libcbcf import VariantFile

        fd, tmp = tempfile.mkstemp(prefix="alkannot-region-", suffix=".vcf")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(Path(self._header_copy or self._path).read_bytes())
                for line in lines:
                    out.write(line.encode("latin-1") + b"\n")
            with VariantFile(tmp) as vf:
                for rec in vf:
                    yield Record(rec)
        finally:
            os.unlink(tmp)

    def __iter__(self) -> Iterator[Record]:
        from pysam.libcbcf import VariantFile

        if not self._compressed:
            return (Record(r) for r in self._vf)
        if not _plain_gzip(self._path):
            return (Record(r) for r in VariantFile(self._path))
        return self._iter_plain_copy()

    def _iter_plain_copy(self) -> Iterator[Record]:
        # pysam cannot start a plain (non-BGZF) gzip stream (it needs tell()): parse a plain copy
        from pysam.libcbcf import VariantFile

        tmp = _plain_copy(self._path, header_only=False)
        try:
            with VariantFile(tmp) as vf:
                for rec in vf:
                    yield Record(rec)
        finally:
            os.unlink(tmp)

    def close(self) -> None:
        """Close the file and remove any temporary copy."""
        self._vf.close()
        if self._tabix is not None:
            self._tabix.close()
        if self._header_copy:
            os.unlink(self._header_copy)
            self._header_copy = None


def _plain_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head[:2] == b"\x1f\x8b" and not (head[3] & 4 and head[12:14] == b"BC")


def _plain_copy(path: str, header_only: bool) -> str:
    """Decompress a gzip file (or its header lines) to a temporary file; the caller deletes it."""
    fd, tmp = tempfile.mkstemp(prefix="alkannot-", suffix=".vcf")
    with gzip.open(path, "rb") as src, os.fdopen(fd, "wb") as out:
        if header_only:
            for line in src:
                if not line.startswith(b"#"):
                    break
                out.write(line)
        else:
            shutil.copyfileobj(src, out, 1 << 22)
    return tmp
