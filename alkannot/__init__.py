"""alkannot: resistance annotation for ALK-positive lung cancer re-biopsies.

The public API is :func:`alkannot.api.annotate_sample` and :func:`alkannot.api.annotate_cohort`.
"""

from __future__ import annotations

from pathlib import Path

# The one place the version is kept: pyproject reads it (hatch), the CLI prints it, every report
# and run record carries it. Bump it with each CHANGELOG.md entry.
__version__ = "0.2.0"


def examples() -> Path:
    """The folder of the bundled example inputs (``GRCh37/``, ``GRCh38/``, ``samples.tsv``).

    Works from a checkout and from an installed wheel: annotate a file of it directly, e.g.
    ``annotate_sample(examples() / "GRCh38" / "P01.rebiopsy.vcf.gz")``. (``samples.tsv``'s paths
    are relative to a checkout's root, the workflow's example batch.)
    """
    from alkannot.resources import resource_path

    return resource_path("examples")
