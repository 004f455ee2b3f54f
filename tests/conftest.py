"""Suite-wide rules: the shared data must be there under CI, and no test writes into
``tests/fixtures/`` (the checked-in inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import SHARED, in_ci

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _snapshot() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file and folder (a file written and removed again
    still changes its folder's time)."""
    return {
        str(p.relative_to(FIXTURES)) + ("/" if p.is_dir() else ""): (
            p.stat().st_size if p.is_file() else 0,
            p.stat().st_mtime_ns,
        )
        for p in [FIXTURES, *sorted(FIXTURES.rglob("*"))]
        if "__pycache__" not in p.parts
    }


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "shared_data(path): needs this file or folder of the shared data"
    )
    if in_ci() and not SHARED.is_dir():
        raise pytest.UsageError(
            f"CI=true but the shared data is not at {SHARED}: check it out beside the "
            "repository or set ALKANNOT_SHARED"
        )
    config.stash[_FIXTURES_KEY] = _snapshot()


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("shared_data"):
        path = Path(mark.args[0])
        if not path.exists():
            message = f"{path} not found (shared data; set ALKANNOT_SHARED)"
            if in_ci():
                pytest.fail(f"CI=true: {message}")
            pytest.skip(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_FIXTURES_KEY, None)
    if before is not None and _snapshot() != before:
        changed = sorted(
            set(before) ^ set(_snapshot())
            | {k for k, v in _snapshot().items() if before.get(k, v) != v}
        )
        session.config.get_terminal_writer().line(
            f"tests/fixtures/ changed during the run (a test wrote into it): {changed}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_FIXTURES_KEY = pytest.StashKey[dict]()
