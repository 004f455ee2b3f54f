"""Citations a reader can resolve: the seed review in full, its bracketed numbers, PMID/DOI links.

The review's own reference list is not bundled (its text file lacks it); a bracketed number is
resolved only through ``resources/catalogue/review_references.tsv``, built by
``scripts/build_review_references.py`` from the review text and the CIViC export (the rule is in
that script's docstring). Links are plain navigation (``<a href>``): the page's
Content-Security-Policy forbids loads, not following a link the reader clicks.
"""

from __future__ import annotations

import re
from functools import cache

#: Authors, title, journal, volume, pages and date as in shared/review/CITATION.md (checked there
#: against the authors' university record); the DOI as printed on the publisher's article page.
#: No PMID: none was verified.
REVIEW = {
    "text": (
        "Isozaki H, Takigawa N, Kiura K. Mechanisms of acquired resistance to ALK inhibitors and "
        "the rationale for treating ALK-positive lung cancer. Cancers 2015; 7(2): 763-783 "
        "(published 30 April 2015)"
    ),
    "doi": "10.3390/cancers7020763",
}
_REVIEW_REF = re.compile(r"\bReview\s*\[([\d,\s–-]+)\]")


def pubmed_url(pmid: str) -> str:
    """The PubMed page of a PMID (digits only, else empty)."""
    pmid = str(pmid).strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else ""


def doi_url(doi: str) -> str:
    """The resolver link of a DOI (``10.`` prefix required, else empty)."""
    doi = str(doi).strip()
    if not re.fullmatch(r"10\.\d{4,9}/[^\s\"<>]+", doi):
        return ""
    return "https://doi.org/" + doi


def civic_url(eid: str) -> str:
    """The CIViC evidence page of ``EID123`` (else empty)."""
    m = re.fullmatch(r"(?:EID)?(\d+)", str(eid).strip())
    return f"https://civicdb.org/links/evidence_items/{m.group(1)}" if m else ""


@cache
def review_references() -> dict[str, dict[str, str]]:
    """Reference number -> row of ``review_references.tsv`` (citation and PMID when resolved)."""
    from alkannot.resources import read_table, resource_path

    return {r["ref"]: r for r in read_table(resource_path("catalogue", "review_references.tsv"))}


def review_numbers(citation: str) -> list[str]:
    """The bracketed review numbers a catalogue citation names (``Review [32,34]`` -> 32, 34)."""
    out: list[str] = []
    for m in _REVIEW_REF.finditer(citation or ""):
        for part in re.split(r"\s*,\s*", m.group(1).strip()):
            ends = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x.strip()]
            if ends:
                out += [str(n) for n in range(ends[0], ends[-1] + 1)]
    return out


def resolved(citation: str) -> list[dict[str, str]]:
    """For each review number in ``citation``: number, citation, PMID and URL (blank if unknown)."""
    table = review_references()
    out = []
    for n in review_numbers(citation):
        row = table.get(n, {})
        out.append(
            {
                "ref": n,
                "citation": row.get("citation", ""),
                "pmid": row.get("pmid", ""),
                "url": pubmed_url(row.get("pmid", "")),
                "why": row.get("resolved_via", ""),
            }
        )
    return out
