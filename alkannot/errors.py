"""The single exception hierarchy of alkannot.

Every error a user can fix is an :class:`AlkannotError`. Its message names the file, the line or
record, what was expected and what to do; the CLI prints it as one line and exits with code 2.
"""

from __future__ import annotations


class AlkannotError(Exception):
    """Base class of every error the user can fix (bad input, bad option, missing file)."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, record: str | None = None):
        self.path = path
        self.record = record
        parts = []
        if path:
            parts.append(str(path))
        if record:
            parts.append(str(record))
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def one_line(self) -> str:
        """Return the message folded onto a single line, as the CLI prints it."""
        return " ".join(str(self).split())


class InputFileError(AlkannotError):
    """An input file is missing, unreadable, empty or not of the expected kind."""


class InputFormatError(AlkannotError):
    """An input file is of the right kind but malformed (bad header, bad record, bad value)."""


class BuildMismatchError(AlkannotError):
    """The genome build of an input disagrees with the declared or bundled one."""


class SampleNotFoundError(AlkannotError):
    """A requested sample is not in the input file, or the tumour sample cannot be chosen."""


class SampleMismatchError(SampleNotFoundError):
    """A name the user gave and the sample an input file names are two different samples."""


class ReferenceFastaError(AlkannotError):
    """The reference FASTA is missing, unindexed or lacks a needed contig."""


class CatalogueError(AlkannotError):
    """The resistance catalogue is malformed or fails its schema."""


class ConfigError(AlkannotError):
    """A configuration value, sample sheet or command-line option is invalid."""
