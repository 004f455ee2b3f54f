"""Where the shared reference data is, and the mark of the tests that need it.

One way of finding it: ``$ALKANNOT_SHARED`` when set, else the folder ``shared`` beside the
repository (``/work/shared`` beside ``/work/main`` or a worktree ``/work/wt-NN``). A test that
reads it carries ``@needs_shared("wild", "dnafusion", "H3122_EML4.bam")``: skipped when that is
missing, but under ``CI=true`` the run fails instead (tests/conftest.py), so a CI run cannot pass
with its reference-data tests silently skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALKANNOT_SHARED") or ROOT.parent / "shared")


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """Mark a test (or a module, as ``pytestmark``) as needing ``SHARED/parts...``."""
    return pytest.mark.shared_data(str(SHARED.joinpath(*parts)))


def in_ci() -> bool:
    """True on a CI runner (``CI=true``, as GitHub Actions and GitLab set it)."""
    return os.environ.get("CI", "").lower() == "true"
