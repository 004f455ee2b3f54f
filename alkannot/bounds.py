"""Valid ranges of the numbers alkannot reads, and the one check every reader goes through.

A number outside its range (or not finite: NaN, inf) is never used as evidence. Where it is one
record of many (a variant, a segment, a fusion row) the record goes to the skipped table with
the reason; where it is the run's own setting (``--purity``, a sheet's ``ploidy``) it is an error.
The ranges, and why, are the README's ("Nothing dropped silently"):

- allele fraction: [0, 1] (a fraction of reads); VarScan's ``FREQ``: [0, 100] %;
- read counts (depth, ``AD``, ``t_alt_count``, fusion support): whole numbers in [0, 1e9]
  (far above any sequencing depth, so a count beyond it is a corrupt field);
- absolute copy number: [-1, 1024] (fitted copy numbers, as PURPLE's, can dip below 0 in a
  deep deletion); log2 ratio: [-30, 9] (2**9 = 512-fold, 1024 copies at ploidy
  2; below -30 the ratio is zero for any use; CNVkit writes -20 for bins without coverage);
- purity: [0.01, 1] (the purity adjustment divides by it); ploidy: [1, 10];
- months on a therapy: [0, 1200]; ``--min-mapq``/``--min-base-quality``: [0, 255] (SAM's
  MAPQ is 0-255); ``--max-detection-limit``, ``--min-vaf``: [0, 1];
- positions: [1, 2**31 - 1] (the VCF specification's limit on POS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alkannot.errors import ConfigError, InputFormatError


@dataclass(frozen=True)
class Range:
    """The closed range ``[low, high]`` of one kind of number; ``integer``: whole numbers only."""

    name: str
    low: float
    high: float
    integer: bool = False

    def describe(self) -> str:
        """The range as the README writes it, e.g. ``[0, 1]``."""
        return f"[{self.low:g}, {self.high:g}]" + (" (whole numbers)" if self.integer else "")

    def problem(self, value: float) -> str | None:
        """Why ``value`` is not a valid ``name``, or None when it is."""
        if not math.isfinite(value):
            return f"{self.name} {value} is not a finite number"
        if not self.low <= value <= self.high:
            return f"{self.name} {value:g} is outside its valid range {self.describe()}"
        if self.integer and value != int(value):
            return f"{self.name} {value:g} is not a whole number"
        return None


VAF = Range("allele fraction", 0.0, 1.0)
PERCENT = Range("allele frequency (%)", 0.0, 100.0)
READS = Range("read count", 0.0, 1e9, integer=True)
COPY_NUMBER = Range("copy number", -1.0, 1024.0)
LOG2 = Range("log2 ratio", -30.0, 9.0)
PURITY = Range("purity", 0.01, 1.0)
PLOIDY = Range("ploidy", 1.0, 10.0)
MONTHS = Range("months on therapy", 0.0, 1200.0)
QUALITY = Range("quality", 0.0, 255.0, integer=True)
POSITION = Range("position", 1.0, 2.0**31 - 1, integer=True)


class OutOfRange(ValueError):
    """A number read from a record is outside its :class:`Range` (the record is skipped)."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def checked(value: float, rng: Range, field: str) -> float:
    """``value`` when it lies in ``rng``, else :class:`OutOfRange` naming the file's ``field``."""
    why = rng.problem(value)
    if why is not None:
        raise OutOfRange(field, why)
    return value


def parse_checked(text: object, rng: Range, field: str) -> float | None:
    """``text`` as a number in ``rng``; None when it is not a number at all (``.``, blank).

    Raises
    ------
    OutOfRange
        When it is a number (including ``nan``/``inf``) outside the range.
    """
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return checked(value, rng, field)


def require_option(value: float | None, rng: Range, option: str) -> float | None:
    """A run setting (``--purity``) in its range, else a one-line :class:`ConfigError`."""
    if value is None:
        return None
    why = rng.problem(float(value))
    if why is not None:
        raise ConfigError(f"{option}: {why}")
    return value


def require_in_file(value: float, rng: Range, path: str, record: str, field: str) -> float:
    """A value the whole file stands on: in range, else a one-line :class:`InputFormatError`."""
    why = rng.problem(value)
    if why is not None:
        raise InputFormatError(f"{field}: {why}; fix the file", path=path, record=record)
    return value
