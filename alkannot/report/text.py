"""Text hygiene shared by every writer: bidirectional controls and spreadsheet formulas.

A Unicode bidirectional control (U+202A-U+202E embeddings and overrides, U+2066-U+2069
isolates) in a VCF sample name or an annotation can make a report *display* text in another order
than it is stored ("Trojan Source"): ``G1202R`` could read as ``R2021G``. Every output replaces
them with a visible ``<U+202E>`` (JSON keeps the character as a ``\\u202e`` escape, so the data stay
exact but no viewer applies it).

A spreadsheet program evaluates a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and strips a
leading tab or carriage return before looking): such text cells in TSV files get a leading
apostrophe, the convention spreadsheets treat as "this is text" (OWASP, CSV injection).
"""

from __future__ import annotations

import re

#: U+202A-U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066-U+2069 (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_bidi(text: str) -> str:
    """Replace each bidirectional control with its visible code point, ``<U+202E>``."""
    return BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def escape_bidi_json(text: str) -> str:
    """Write bidirectional controls as JSON escapes such as ``\\u202e`` (same data)."""
    return BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def inert_cell(text: str, raw: str | None = None) -> str:
    """Prefix with an apostrophe text a spreadsheet would evaluate as a formula.

    ``raw`` is the value before tabs and line breaks were flattened to spaces: a leading tab or CR
    there counts too.
    """
    starts = text.startswith(_FORMULA_START) or (raw or "").startswith(_FORMULA_START)
    return "'" + text if starts else text
