"""Input checksums for the reports' provenance, without reading whole files that are read by index.

An indexed VCF or FASTA is read by region: hashing all of it (about 0.3 s per 100 MB) would cost
more than the annotation. For such a file the SHA-256 covers its first MiB (the header), its whole
index and its size, and the record says so (``hashed``: :data:`HEAD_INDEX_SIZE`); any other file,
or any file when a full checksum is asked for, is hashed whole (:data:`WHOLE_FILE`).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from alkannot.models import InputFile

#: ``hashed`` values: what the SHA-256 of an input was computed over.
WHOLE_FILE = "file"
HEAD_INDEX_SIZE = "head+index+size"
#: Bytes of the file start covered by a head+index+size checksum (holds the header of a VCF).
HEAD_BYTES = 1 << 20
_INDEX_SUFFIXES = {
    "vcf": (".tbi", ".csi"),
    "baseline_vcf": (".tbi", ".csi"),
    "reference": (".fai",),
    # BAM/CRAM are read by region only (alkannot.reads)
    "bam": (".bai", ".csi", ".crai"),
    "baseline_bam": (".bai", ".csi", ".crai"),
    "rna_bam": (".bai", ".csi", ".crai"),
}


def file_checksum(path: str | Path) -> InputFile:
    """Return the :class:`InputFile` record (SHA-256 of the whole file, and size) of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return InputFile(role="", path=str(path), sha256=h.hexdigest(), size=os.path.getsize(path))


def usable_index(path: str | Path, role: str) -> str | None:
    """The index next to an input that the reader will use (present, not older), or None."""
    for suffix in _INDEX_SUFFIXES.get(role, ()):
        idx = f"{path}{suffix}"
        try:
            if os.path.getmtime(idx) >= os.path.getmtime(path):
                return idx
        except OSError:
            continue
    return None


def head_index_checksum(path: str | Path, index: str | Path) -> InputFile:
    """SHA-256 over the file's first :data:`HEAD_BYTES`, its index and its size, length-prefixed.

    Changes to the header, to the index (which locates every block of the file) or to the size
    change the digest; the records between the head and the end are not read.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    h = hashlib.sha256()
    for part in (head, Path(index).read_bytes(), str(size).encode()):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return InputFile(
        role="", path=str(path), sha256=h.hexdigest(), size=size, hashed=HEAD_INDEX_SIZE
    )


def input_checksum(path: str | Path, role: str, full: bool = False) -> InputFile:
    """The checksum record of an input: head+index+size when it is read by index, else whole."""
    index = None if full else usable_index(path, role)
    return head_index_checksum(path, index) if index else file_checksum(path)


class BackgroundChecksums:
    """Checksums of several inputs, computed one after another on a worker thread.

    hashlib releases the GIL, so a whole-file hash overlaps the reading of the inputs. (A plain
    thread, not concurrent.futures, whose import costs more than the hash of a small input.)
    """

    def __init__(self, paths: dict[str, str], full: bool = False) -> None:
        self._paths = paths
        self._full = full
        self._done: dict[str, InputFile | BaseException] = {}
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name="alkannot-checksums", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for role, path in self._paths.items():
            if self._cancelled:
                return
            try:
                self._done[role] = input_checksum(path, role, self._full)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
                self._done[role] = exc

    def result(self, role: str) -> InputFile:
        """The checksum record of ``role`` (waits for the worker); re-raises its error."""
        self._thread.join()
        value = self._done[role]
        if isinstance(value, BaseException):
            raise value
        return value

    def cancel(self) -> None:
        """Stop after the file being hashed (when the annotation failed)."""
        self._cancelled = True
