"""Amino-acid codes and HGVS protein-change names: one alteration, one name.

Every spelling users, annotators and papers use for an ALK change (``p.Gly1202Arg``, ``G1202R``,
``ENSP...:p.(Gly1202Arg)``, ``p.Gly1202%3D``, the review's ``1151Tins``) is reduced to one short,
canonical form (``G1202R``, ``G1202=``, ``T1151dup``) that the catalogue is keyed by.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import unquote

AA3 = {
    "A": "Ala",
    "C": "Cys",
    "D": "Asp",
    "E": "Glu",
    "F": "Phe",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "K": "Lys",
    "L": "Leu",
    "M": "Met",
    "N": "Asn",
    "P": "Pro",
    "Q": "Gln",
    "R": "Arg",
    "S": "Ser",
    "T": "Thr",
    "V": "Val",
    "W": "Trp",
    "Y": "Tyr",
    "*": "Ter",
    "U": "Sec",
    "X": "Xaa",
}
AA1 = {v: k for k, v in AA3.items()}
_BASES = "TCAG"
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
#: The standard genetic code (DNA codons, upper case).
CODON_TABLE = {
    a + b + c: _CODE[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES)
    for j, b in enumerate(_BASES)
    for k, c in enumerate(_BASES)
}


def translate(dna: str) -> str:
    """Translate a DNA string codon by codon (a trailing partial codon is ignored; ``N`` gives X)."""
    dna = dna.upper()
    return "".join(CODON_TABLE.get(dna[i : i + 3], "X") for i in range(0, len(dna) - 2, 3))


_AA3_ALT = "|".join(sorted(AA1, key=len, reverse=True))
_RES3 = rf"(?:{_AA3_ALT})"
_RES1 = r"[ACDEFGHIKLMNPQRSTVWYUX*]"


def _to1(seq3: str) -> str:
    return "".join(AA1[seq3[i : i + 3]] for i in range(0, len(seq3), 3))


def three_to_one(hgvsp: str) -> str:
    """Convert a 3-letter HGVS protein change to the short 1-letter form.

    ``p.Gly1202Arg`` -> ``G1202R``; ``p.Thr1151dup`` -> ``T1151dup``; ``p.Gly1202=`` -> ``G1202=``;
    ``p.Arg1192Ter`` -> ``R1192*``; ``p.Arg1192ProfsTer5`` -> ``R1192Pfs*5``. Unparseable -> "".
    """
    text = _strip(hgvsp)
    if not text or text in ("?", "0", "="):
        return ""
    out = re.sub(_RES3, lambda m: AA1[m.group(0)], text)
    # only accept when nothing 3-letter-like remains (e.g. a residue name we could not map)
    return out if re.fullmatch(r"[A-Z*=0-9_a-z?]+", out) else ""


def one_to_three(short: str) -> str:
    """Convert a short 1-letter change (``G1202R``, ``p.G1202R``, ``T1151dup``) to 3-letter HGVS."""
    text = _strip(short)
    if not text:
        return ""

    def repl(m: re.Match) -> str:
        return AA3[m.group(0)]

    # residue letters are upper case (or *); keywords (dup, del, ins, fs, delins) are lower case
    converted = re.sub(r"[A-Z*]", repl, text)
    return "p." + converted.replace("fsTer", "fsTer")


def _strip(text: str) -> str:
    """Remove protein prefix, ``p.``, parentheses and URL escapes."""
    text = unquote(text.strip())
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    text = text.removeprefix("p.")
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text.strip()


_SHORT_PATTERNS = [
    # substitution / synonymous / nonsense: G1202R, G1202=, R1192*
    re.compile(rf"^(?P<a>{_RES1})(?P<n>\d+)(?P<b>{_RES1}|=)$"),
    # deletion / duplication of a residue or range: G1202del, T1151dup, L1152_T1153del
    re.compile(rf"^(?P<a>{_RES1})(?P<n>\d+)(?:_(?P<a2>{_RES1})(?P<n2>\d+))?(?P<op>del|dup)$"),
    # insertion between two residues: L1152_T1153insR
    re.compile(rf"^(?P<a>{_RES1})(?P<n>\d+)_(?P<a2>{_RES1})(?P<n2>\d+)ins(?P<ins>{_RES1}+)$"),
    # delins: G1202_D1203delinsRK
    re.compile(
        rf"^(?P<a>{_RES1})(?P<n>\d+)(?:_(?P<a2>{_RES1})(?P<n2>\d+))?delins(?P<ins>{_RES1}+)$"
    ),
    # frameshift: R1192Pfs*5, R1192fs
    re.compile(rf"^(?P<a>{_RES1})(?P<n>\d+)(?P<b>{_RES1})?fs(?:\*(?P<len>\d+|\?))?$"),
]
# The review's and the literature's insertion spellings: 1151Tins, T1151ins, 1151insT
_REVIEW_INS = re.compile(rf"^(?P<a>{_RES1})?(?P<n>\d+)(?P<b>{_RES1})?ins(?P<c>{_RES1})?$")


@cache
def protein_sequence(gene: str = "ALK") -> str:
    """Return the bundled protein sequence of ``gene`` (only ALK, UniProt Q9UM73, is bundled)."""
    from alkannot.resources import resource_path

    if gene != "ALK":
        raise KeyError(f"no bundled protein sequence for {gene}")
    lines = resource_path("genome", "ALK_Q9UM73.fa").read_text().splitlines()
    return "".join(x.strip() for x in lines if not x.startswith(">"))


def normalise_protein_change(text: str, protein: str | None = None) -> str:
    """Return the canonical short form of any spelling of a protein change, or "" if unparseable.

    Parameters
    ----------
    text
        ``p.G1202R``, ``G1202R``, ``p.Gly1202Arg``, ``ENSP...:p.Gly1202Arg``, ``NP_...:p.(Gly1202Arg)``,
        ``p.Gly1202%3D``, ``1151Tins``, ``T1151ins``, ``T1151dup``, ``T1151_L1152insT``, ...
    protein
        The protein sequence (1-based residues), used to turn an insertion that repeats the
        preceding residues into the duplication HGVS requires (``T1151_L1152insT`` -> ``T1151dup``)
        and to complete the review's ``1151Tins``. Without it those are returned as written.
    """
    raw = _strip(text)
    if not raw:
        return ""
    short = three_to_one("p." + raw) if re.search(_RES3, raw) else raw
    if not short:
        return ""
    short = short.replace("Ter", "*").replace("X", "*") if short.endswith(("Ter", "X")) else short
    for pattern in _SHORT_PATTERNS:
        m = pattern.match(short)
        if m:
            break
    else:
        m = _REVIEW_INS.match(short)
        if not m:
            return ""
        # "1151Tins": a T inserted at (after) 1151, which is a duplication of T1151 when residue
        # 1151 is T; "T1151ins" says the same with the residue first.
        n = int(m.group("n"))
        residue = m.group("a") or m.group("b") or m.group("c")
        if protein and residue and 0 < n <= len(protein) and protein[n - 1] == residue:
            return f"{residue}{n}dup"
        return short
    groups = m.groupdict()
    if groups.get("b") and groups["b"] == groups.get("a") and pattern is _SHORT_PATTERNS[0]:
        return f"{groups['a']}{groups['n']}="  # SnpEff writes synonymous as p.Gly1202Gly
    ins = groups.get("ins")
    if ins and "delins" not in short and protein and groups.get("n2"):
        # X_YinsZ: Z repeating the residues just before the insertion is a duplication
        n = int(groups["n"])
        start = n - len(ins) + 1
        if start >= 1 and protein[start - 1 : n] == ins:
            return (
                f"{protein[start - 1]}{start}dup"
                if len(ins) == 1
                else (f"{protein[start - 1]}{start}_{protein[n - 1]}{n}dup")
            )
    return short
