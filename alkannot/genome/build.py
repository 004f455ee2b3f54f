"""Genome builds: canonical contig names and build detection from file headers.

GRCh38 names contigs ``chr2`` (UCSC style), GRCh37 ``2`` (Ensembl/b37 style), as the bundled
reference tables do. Inputs in the other style (``2`` in a GRCh38 file, ``chr2`` or ``CHR2`` in a
GRCh37 file) are accepted and converted at the border.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from alkannot.errors import ConfigError
from alkannot.resources import read_table, resource_path

BUILDS = ("GRCh37", "GRCh38")

_ALIASES = {
    "grch38": "GRCh38",
    "hg38": "GRCh38",
    "b38": "GRCh38",
    "38": "GRCh38",
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "b37": "GRCh37",
    "37": "GRCh37",
    "hs37d5": "GRCh37",
    "human_g1k_v37": "GRCh37",
}


def normalise_build(name: str) -> str:
    """Return ``"GRCh37"`` or ``"GRCh38"`` for a build name or alias.

    Raises
    ------
    ConfigError
        When the name is not a known alias of either build.
    """
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ConfigError(f"unknown genome build {name!r}; use GRCh37 (hg19, b37) or GRCh38 (hg38)")


def build_of_label(label: str, path: str | None = None) -> str:
    """A build from a column value such as ``NCBI_Build`` (``GRCh37``, ``37``, ``hg19``,
    ``GRCh37-lite``, ``GRCh38.p13``).

    Raises
    ------
    ConfigError
        Naming the file, when the value names neither build.
    """
    try:
        return normalise_build(label)
    except ConfigError:
        if _HG38.search(label):
            return "GRCh38"
        if _HG37.search(label):
            return "GRCh37"
        raise ConfigError(
            f"NCBI_Build {label!r} names neither GRCh37 nor GRCh38 (human builds only)", path=path
        ) from None


def canonical_contig(chrom: str, build: str) -> str:
    """Return the build's canonical name for a contig (``chr2`` in GRCh38, ``2`` in GRCh37)."""
    bare = chrom
    if bare[:3].lower() == "chr":
        bare = bare[3:]
    if bare in ("M", "MT"):
        bare = "M" if build == "GRCh38" else "MT"
    elif bare == "23":
        bare = "X"
    elif bare == "24":
        bare = "Y"
    elif bare.lower() in ("x", "y"):
        bare = bare.upper()
    return f"chr{bare}" if build == "GRCh38" else bare


@cache
def _chr2_lengths() -> dict[int, str]:
    rows = read_table(resource_path("genome", "contig_lengths.tsv"))
    return {int(r["length"]): r["build"] for r in rows if r["contig"] == "2"}


#: CrossMap/liftOver lines: the chain file names source and target (``hg19ToHg38``), and
#: ``##new_reference_genome`` the target FASTA. They outrank a ``##reference`` line, which a
#: lifted file keeps from before the liftover.
_CHAIN = re.compile(r"(hg19|hg38|grch37|grch38|b37)to(hg19|hg38|grch37|grch38|b37)", re.I)


def liftover_build(header_lines: Iterable[str]) -> tuple[str | None, str]:
    """The target build of a lifted-over file, from its CrossMap/liftOver header lines."""
    for line in header_lines:
        low = line.lower()
        if low.startswith(("##liftoverchainfile", "##liftoverfile", "##liftover_chain")):
            m = _CHAIN.search(line.rsplit("/", 1)[-1])
            if m:
                return normalise_build(m.group(2)), line.strip()[:120]
        if low.startswith("##new_reference_genome"):
            target = line.split("=", 1)[-1].rsplit("/", 1)[-1]
            if _HG38.search(target):
                return "GRCh38", line.strip()[:120]
            if _HG37.search(target):
                return "GRCh37", line.strip()[:120]
    return None, ""


def chr2_length(build: str) -> int:
    """The length of chromosome 2 in ``build`` (the one contig length the bundle holds)."""
    return next(n for n, b in _chr2_lengths().items() if b == build)


@cache
def _primary_lengths() -> dict[str, dict[int, set[str]]]:
    """Contig (``1``..``22``, ``X``, ``Y``) -> length -> the builds of that length."""
    out: dict[str, dict[int, set[str]]] = {}
    for r in read_table(resource_path("genome", "contig_lengths.tsv")):
        out.setdefault(r["contig"], {}).setdefault(int(r["length"]), set()).add(r["build"])
    return out


def primary_length(contig: str, build: str) -> int | None:
    """The length of a primary contig (``1``..``22``, ``X``, ``Y``, any alias) in ``build``.

    Returns ``None`` for other contigs (alts, decoys, MT) and names the bundle does not hold.
    """
    bare = contig.removeprefix("chr").removeprefix("CHR").removeprefix("Chr").upper()
    lengths = _primary_lengths().get(bare, {})
    return next((n for n, builds in lengths.items() if build in builds), None)


def contig_length_conflicts(contig_lengths: dict[str, int]) -> list[str]:
    """The contigs whose lengths name different builds (a header mixing GRCh37 and GRCh38).

    The bundled lengths of the primary contigs (1-22, X, Y) of both builds are compared, in any
    alias (``2``, ``chr2``, ``CHR2``); a chr2 length of neither build counts as one more build.
    Other contigs (alts, decoys, MT, whose length the builds share) say nothing.
    """
    known = _primary_lengths()
    builds = {}
    for name, length in contig_lengths.items():
        bare = name.removeprefix("chr").removeprefix("CHR").removeprefix("Chr").upper()
        fits = known.get(bare, {}).get(length)
        if fits and len(fits) == 1:
            builds[name] = next(iter(fits))
        elif bare == "2" and not fits:
            builds[name] = f"neither build ({length})"
    return [f"{n}: {b}" for n, b in builds.items()] if len(set(builds.values())) > 1 else []


_HG38 = re.compile(r"grch38|hg38|\bb38\b|hs38|GCA_000001405\.15", re.I)
_HG37 = re.compile(r"grch37|hg19|\bb37\b|hs37|human_g1k_v37|GCA_000001405\.1\b", re.I)


def detect_build(
    header_lines: Iterable[str], contig_lengths: dict[str, int] | None = None
) -> tuple[str | None, str]:
    """Guess the genome build from VCF (or other) header lines and contig lengths.

    Contig lengths are the strongest evidence (the length of chromosome 2 differs between the
    builds); then ``##reference``, ``##assembly``, VEP ``assembly=`` and similar lines.

    Parameters
    ----------
    header_lines
        Meta lines of the file (``##...``).
    contig_lengths
        Contig name to length, from ``##contig`` lines, when known.

    Returns
    -------
    tuple
        ``(build or None, evidence)`` where evidence is a short sentence for messages.
    """
    if contig_lengths:
        for name, length in contig_lengths.items():
            if name.lower().removeprefix("chr") == "2" and length in _chr2_lengths():
                return _chr2_lengths()[length], f"length of contig {name} ({length})"
        # no chromosome 2 (a GATK segment file of one chromosome): another primary contig's
        # length, when it names one build only
        known = _primary_lengths()
        for name, length in contig_lengths.items():
            fits = known.get(name.removeprefix("chr").removeprefix("CHR").upper(), {}).get(length)
            if fits and len(fits) == 1:
                return next(iter(fits)), f"length of contig {name} ({length})"
    header_lines = list(header_lines)
    lifted = liftover_build(header_lines)
    if lifted[0]:
        return lifted
    for line in header_lines:
        low = line.lower()
        if not (
            low.startswith("##reference")
            or low.startswith("##assembly")
            or low.startswith("##vep")
            or low.startswith("##genome")
            or low.startswith("##snpeffcmd")
            or low.startswith("##source_reference")
            or "assembly=" in low
        ):
            continue
        if _HG38.search(line):
            return "GRCh38", line.strip()[:120]
        if _HG37.search(line):
            return "GRCh37", line.strip()[:120]
    return None, "no build information in the header"
