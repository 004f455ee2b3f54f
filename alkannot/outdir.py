"""Output folders: checked before any work, and filled all-or-nothing per sample.

A sample's report files are written into a hidden staging folder inside the output folder, then
moved into place together, with SIGINT/SIGTERM held back for the few renames. Any error (a full
disk, a signal, a bug) removes the staging folder and whatever this run had already moved, so a
folder never holds half a sample's reports, nor hidden temporary files.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alkannot.errors import ConfigError

#: Longest sample id: ``{sample}.findings.tsv`` must fit the 255-byte file-name limit of common
#: file systems, with room for the staging prefix.
MAX_SAMPLE_ID_BYTES = 200
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def check_sample_id(sample: str) -> None:
    """Refuse a sample id that cannot name files (too long for the file-name limit)."""
    if len(sample.encode()) > MAX_SAMPLE_ID_BYTES:
        raise ConfigError(
            f"sample id of {len(sample.encode())} bytes is longer than {MAX_SAMPLE_ID_BYTES}: "
            f"its report file names would exceed the file-name limit; pass a shorter "
            f"--sample-name ({sample[:40]}...)"
        )


def check_outdir(outdir: str | Path) -> None:
    """Fail before any work when ``outdir`` cannot be created or written.

    Raises
    ------
    ConfigError
        The path or a parent is a file, a name is too long, or the folder is not writable.
    """
    path = Path(outdir)
    try:
        for part in path.parts:
            if len(part.encode()) > 255:
                raise ConfigError(
                    "a folder name is longer than 255 bytes", path=str(outdir), record="--outdir"
                )
        probe = path
        while not probe.exists():
            probe = probe.parent
        if not probe.is_dir():
            raise ConfigError(
                f"{probe} is a file, so the output folder cannot be made there",
                path=str(outdir),
                record="--outdir",
            )
        if not os.access(probe, os.W_OK | os.X_OK):
            raise ConfigError(
                f"no permission to write in {probe}; choose another --outdir",
                path=str(outdir),
                record="--outdir",
            )
    except OSError as exc:
        raise ConfigError(f"unusable output folder ({exc.strerror})", path=str(outdir)) from None


@contextmanager
def _signals_held() -> Iterator[None]:
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def staged(outdir: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``outdir``, else leave nothing.

    Raises
    ------
    ConfigError
        When the outputs cannot be written (a full disk, permissions), after cleaning up.
    """
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".alkannot-staging-", dir=out))
    except OSError as exc:
        raise ConfigError(
            f"cannot create the output folder ({exc.strerror})", path=str(out)
        ) from None
    moved: list[Path] = []
    try:
        yield stage
        with _signals_held():
            for f in sorted(stage.iterdir()):
                os.replace(f, out / f.name)
                moved.append(out / f.name)
    except BaseException as exc:
        for f in moved:
            with suppress(OSError):
                f.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            reason = "no space left on the device" if exc.errno == errno.ENOSPC else exc.strerror
            raise ConfigError(
                f"cannot write the reports ({reason}); nothing was written", path=str(out)
            ) from None
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
