#!/usr/bin/env python3
"""Build ``resources/catalogue/review_references.tsv``: the review's bracketed numbers, resolved.

The review text (``shared/review/000_690d235e66a3fb30.txt``) cites its sources as ``[34]`` or
``[32,34]`` but does not contain its own reference list. A number is therefore resolved to a paper
only when both of these hold, and the row says why:

1. the review names the first author in the sentence that carries the number
   ("Katayama et al. ... in four patients [34]"), and
2. exactly one paper of that first author, published before the review (2015), appears in the
   CIViC evidence export of ``shared/literature/`` with an evidence item about a finding the same
   sentence names (a mutation such as ``G1202R``, "amplification", "amphiregulin", ...).

Every other number is listed with the sections and the first sentence that cite it, unresolved.
Run it when the review or the literature tables change; the program never reads ``shared/``::

    python scripts/build_review_references.py [--shared ../shared] [--out resources/catalogue]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
from pathlib import Path

REVIEW = "review/000_690d235e66a3fb30.txt"
CIVIC = "literature/civic_01-Aug-2024_ALK_context_evidence.tsv"
REVIEW_YEAR = 2015
BRACKET = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+)*)\]")
SECTION = re.compile(r"^(\d+(?:\.\d+)?)\.\s+\S")
AUTHOR = re.compile(r"\b([A-Z][a-z]+) et al\.")
# Findings a sentence can name: protein changes (G1202R, 1151Tins) and mechanism words.
TERMS = re.compile(r"\b([A-Z]?\d{4}[A-Z][a-z]*|amplification|amphiregulin|EGFR|KRAS|KIT|IGF-1R)\b")
COLUMNS = (
    "ref",
    "sections",
    "named_in_review",
    "citation",
    "pmid",
    "resolved_via",
    "first_sentence",
)


def numbers(group: str) -> list[int]:
    """``"32,34"`` -> [32, 34]; ``"40–42"`` -> [40, 41, 42]."""
    out: list[int] = []
    for part in re.split(r"\s*,\s*", group):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part)]
        out += list(range(ends[0], ends[-1] + 1))
    return out


def sentences(text: str):
    """Yield (section, sentence) over the review body."""
    section = "abstract"
    for para in text.split("\n"):
        m = SECTION.match(para.strip())
        if m:
            section = m.group(1)
            continue
        if para.startswith("Figure "):
            section = para.strip()
        for s in re.split(r"(?<=[.!?\]])\s+(?=[A-Z])", para.strip()):
            if s:
                yield section, s


def civic_papers(path: Path) -> dict[str, list[dict]]:
    """First-author surname -> CIViC rows (citation, PMID, statement, profile)."""
    out: dict[str, list[dict]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            m = re.match(r"([A-Z][A-Za-z-]+) et al\., (\d{4})", row["citation"])
            if m and int(m.group(2)) <= REVIEW_YEAR:
                out.setdefault(m.group(1), []).append(row)
    return out


def resolve(author: str, sentence: str, papers: dict[str, list[dict]]):
    """The one paper that matches author spelling and a named finding, with the reason."""
    close = difflib.get_close_matches(author, list(papers), n=1, cutoff=0.85)
    if not close:
        return None
    terms = set(TERMS.findall(sentence))
    terms |= {"T1151dup" for t in terms if t == "1151Tins"}  # the same insertion, HGVS-named
    hits: dict[str, set[str]] = {}
    for row in papers[close[0]]:
        text = f"{row['molecular_profile']} {row['evidence_statement']}".lower()
        found = {t for t in terms if t.lower() in text}
        if found:
            key = (row["citation"], row["citation_id"])
            hits.setdefault(key, set()).update(found | {f"EID{row['evidence_id']}"})
    if len(hits) != 1:
        return None
    (citation, pmid), why = next(iter(hits.items()))
    eids = sorted(w for w in why if w.startswith("EID"))
    named = sorted(w for w in why if not w.startswith("EID"))
    spelled = "" if close[0] == author else f" (spelled {author!r} in the review)"
    return (
        citation,
        pmid,
        f"review names {close[0]} et al.{spelled} with this number beside "
        f"{', '.join(named)}; CIViC {', '.join(eids[:3])} of {citation} report the same",
    )


def build(shared: Path) -> list[dict[str, str]]:
    text = (shared / REVIEW).read_text(encoding="utf-8")
    papers = civic_papers(shared / CIVIC)
    refs: dict[int, dict] = {}
    for section, s in sentences(text):
        for m in BRACKET.finditer(s):
            for n in numbers(m.group(1)):
                r = refs.setdefault(
                    n, {"ref": str(n), "sections": [], "first_sentence": s, "named": []}
                )
                if section not in r["sections"]:
                    r["sections"].append(section)
                authors = AUTHOR.findall(s)
                if len(authors) == 1 and len(BRACKET.findall(s)) == 1:
                    r["named"].append((authors[0], s))
    rows = []
    for n in sorted(refs):
        r = refs[n]
        row = {
            "ref": r["ref"],
            "sections": "; ".join(r["sections"]),
            "named_in_review": "",
            "citation": "",
            "pmid": "",
            "resolved_via": "",
            "first_sentence": r["first_sentence"],
        }
        for author, s in r["named"]:
            row["named_in_review"] = f"{author} et al."
            found = resolve(author, s, papers)
            if found:
                row["citation"], row["pmid"], row["resolved_via"] = found
                break
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--out", type=Path, default=Path("resources/catalogue"))
    args = ap.parse_args()
    rows = build(args.shared)
    out = args.out / "review_references.tsv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write(
            "## The review's bracketed reference numbers; resolved only where the review names the "
            "author and one CIViC item of that author's paper reports the same finding "
            "(scripts/build_review_references.py)\n"
        )
        fh.write("#" + "\t".join(COLUMNS) + "\n")
        for row in rows:
            fh.write("\t".join(row[c].replace("\t", " ") for c in COLUMNS) + "\n")
    print(f"{out}: {len(rows)} numbers, {sum(1 for r in rows if r['pmid'])} resolved")


if __name__ == "__main__":
    main()
