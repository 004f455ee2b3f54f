"""alkannot: resistance annotation for ALK-positive lung cancer re-biopsies.

The public API is :func:`alkannot.api.annotate_sample` and :func:`alkannot.api.annotate_cohort`.
"""

__version__ = "0.1.0"
