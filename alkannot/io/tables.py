"""What every tabular reader shares: reading text safely, splitting rows, choosing the sample.

Text is read by content, not by file name: gzip is recognised by its magic bytes (and a gzip
stream that does not inflate is an error), a UTF-8 byte-order mark is dropped, UTF-16 and binary
files are refused with one line. Multi-sample tables follow one rule (:func:`choose_sample`):
the requested sample or nothing, never pooled and never "first row wins".
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from alkannot.errors import InputFileError, InputFormatError, SampleNotFoundError

#: Tokens that mean "no value" in the tables of cBioPortal, OncoKB, GISTIC and R.
NULL_TOKENS = frozenset(
    {"", "NA", "N/A", "NaN", "nan", ".", "[Not Available]", "[Unknown]", "NULL"}
)


def read_lines(path: str, what: str) -> list[str]:
    """Return the lines of a (possibly gzipped) UTF-8 text file.

    Parameters
    ----------
    path
        The file.
    what
        What the file should be ("copy-number table", "fusion table", "MAF"), for messages.

    Raises
    ------
    InputFileError
        Missing or empty file.
    InputFormatError
        Binary content, UTF-16, a gzip stream that does not inflate, bytes that are not UTF-8.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{what} not found; check the path", path=path)
    raw = p.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            # a BAM (BGZF of binary records) is told from its first block, before inflating all
            head = zlib.decompressobj(wbits=31).decompress(raw[: 1 << 16], 4096)
            if b"\x00" in head and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: below
                raise InputFormatError(f"binary content: this is not a {what} (text)", path=path)
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFormatError(
                f"gzip-compressed but does not inflate ({exc}); recompress the {what}", path=path
            ) from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputFormatError(
            f"the file is UTF-16 text; save the {what} as UTF-8 (e.g. iconv -f utf-16 -t utf-8)",
            path=path,
        )
    if b"\x00" in raw[:4096]:
        raise InputFormatError(f"binary content: this is not a {what} (text)", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFormatError(
            f"bytes that are not UTF-8; expected a {what} in UTF-8 text",
            path=path,
            record=f"line {line}",
        ) from None
    lines = text.splitlines()
    if not any(x.strip() for x in lines):
        raise InputFileError(f"the {what} is empty", path=path)
    return lines


def split_row(line: str) -> list[str]:
    """Split a table row on tabs (or on runs of spaces when it has none), unquoting cells."""
    cells = line.split("\t") if "\t" in line else line.split()
    return [c.strip().strip('"') for c in cells]


def choose_sample(samples: list[str], requested: str | None, path: str, what: str) -> str | None:
    """The one sample to read from a table listing ``samples`` (in file order).

    The requested sample when present; the only sample when there is one (a single-sample file
    given for this sample, whatever its id); otherwise an error naming the samples present.
    Returns None when the table has no sample column.

    Raises
    ------
    SampleNotFoundError
        Several samples and none requested, or the requested one absent from several.
    """
    if not samples:
        return None
    if requested and requested in samples:
        return requested
    if len(samples) == 1:
        return samples[0]
    shown = ", ".join(samples[:8]) + (f", ... ({len(samples)} in all)" if len(samples) > 8 else "")
    if requested:
        raise SampleNotFoundError(
            f"sample {requested!r} is not in the {what}; its samples are: {shown}; pass the "
            "matching id with --sample-name (--baseline-sample for a baseline file; or the "
            "sample sheet)",
            path=path,
        )
    raise SampleNotFoundError(
        f"the {what} holds {len(samples)} samples ({shown}) and none was chosen; pass "
        "--sample-name (--baseline-sample for a baseline file; or the sample sheet's columns) "
        "matching one of them",
        path=path,
    )
