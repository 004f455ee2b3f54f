"""Output folders: checked before any work, owned by one run, filled all-or-nothing per sample.

A run owns its output folder (an advisory ``flock`` on the folder; a second run into it waits, then
stops with one line). A sample's report files are written into a hidden staging folder inside the
output folder, then moved into place together as the sample's whole set (files of an earlier
run with other formats are removed), with SIGINT/SIGTERM held back for the few renames. Any
error (a full disk, a signal, a bug) removes the staging folder and whatever this run had
already moved, so a folder never holds half a sample's reports, nor hidden temporary files. A
staging folder left by a SIGKILL is finished (when its set was complete) or removed by the next
run into the folder.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alkannot.errors import ConfigError

#: Longest sample id: ``{sample}.findings.tsv`` must fit the 255-byte file-name limit of common
#: file systems, with room for the staging prefix.
MAX_SAMPLE_ID_BYTES = 200
_SIGNALS = {signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])}


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
def signals_held() -> Iterator[None]:
    """SIGINT/SIGTERM/SIGHUP held back for the block (delivered when it ends)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


#: a sample's report files (``{sample}.{suffix}``): one run's set replaces the previous set whole
SAMPLE_REPORT_SUFFIXES = (
    "findings.tsv",
    "drugs.tsv",
    "skipped.tsv",
    "reads.tsv",
    "phase.tsv",
    "json",
    "html",
    "xlsx",
    "pdf",
    "va.json",
    "fhir.json",
)
_STAGE_PREFIX = ".alkannot-staging-"
_MANIFEST = ".complete"
LOCK_TIMEOUT_VARIABLE = "ALKANNOT_LOCK_TIMEOUT"
_HELD: dict[str, list[int]] = {}  # folders this process owns: [fd, depth]


@contextmanager
def owned(outdir: str | Path) -> Iterator[Path]:
    """Own ``outdir`` for the block: an advisory lock (``flock`` on the folder itself, so no
    lock file is left), then the staging folders of killed runs are finished or removed.

    Re-entrant within a process. A run finding the folder owned by another waits for it (up to
    ``$ALKANNOT_LOCK_TIMEOUT`` seconds, default 600), so two runs never mix their sets.

    Raises
    ------
    ConfigError
        When another run keeps the folder past the timeout, or the folder cannot be made.
    """
    import fcntl

    out = Path(outdir)
    created = [p for p in (out, *out.parents) if not p.exists()]  # made here, innermost first
    try:
        out.mkdir(parents=True, exist_ok=True)
        key = str(out.resolve())
        held = _HELD.get(key)
        if held is None:
            fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
            if not _lock(fd, fcntl):
                os.close(fd)
                raise ConfigError(
                    f"another alkannot run has been writing into this folder for "
                    f"{lock_timeout():g} s ({LOCK_TIMEOUT_VARIABLE}); wait for it to end or "
                    "choose another --outdir",
                    path=str(out),
                )
            held = _HELD[key] = [fd, 0]
            _recover_stages(out)
    except OSError as exc:
        raise ConfigError(f"cannot use the output folder ({exc.strerror})", path=str(out)) from None
    held[1] += 1
    try:
        yield out
    finally:
        held[1] -= 1
        if held[1] == 0:
            del _HELD[key]
            for folder in created:  # a run that wrote nothing leaves no empty folder behind
                try:
                    folder.rmdir()
                except OSError:  # not empty (reports were written), or not ours to remove
                    break
            os.close(held[0])  # closing the descriptor releases the lock


def lock_timeout() -> float:
    """Seconds a run waits for another run to release its output folder (default 600)."""
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_VARIABLE, "600")))
    except ValueError:
        return 600.0


def _lock(fd: int, fcntl) -> bool:
    """Take the folder's lock, waiting up to :func:`lock_timeout`; False when it stays taken."""
    deadline = time.monotonic() + lock_timeout()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        except OSError:  # a file system without locks (some network mounts): run unlocked
            return True


def _recover_stages(out: Path) -> None:
    """Staging folders left by a killed run (we hold the lock, so no live run owns them): one
    whose set was complete (its manifest written before any move) is moved into place, so the
    sample's files are again one run's set; any other is removed with its patient data."""
    for stage in sorted(out.glob(_STAGE_PREFIX + "*")):
        manifest = stage / _MANIFEST
        if manifest.is_file():
            with suppress(OSError, ValueError):
                plan = json.loads(manifest.read_text(encoding="utf-8"))
                _commit(stage, out, plan["files"], plan["remove"], moved=[])
        shutil.rmtree(stage, ignore_errors=True)


def _commit(stage: Path, out: Path, files: list[str], remove: list[str], moved: list[Path]) -> None:
    """Remove the previous set's files that are not in the new set, then move the new set in."""
    for name in remove:
        with suppress(FileNotFoundError):
            (out / name).unlink()
    for name in files:
        if (stage / name).exists():  # a recovered stage may be part-moved already
            os.replace(stage / name, out / name)
            moved.append(out / name)


@contextmanager
def staged(
    outdir: str | Path, sample: str | None = None, suffixes: tuple[str, ...] | None = None
) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``outdir``, else leave nothing.

    With ``sample``, the files move in as a set replacing the sample's previous set: a report
    of an earlier run (say its HTML, when this run wrote only TSVs) does not survive beside it;
    ``suffixes`` are the file-name suffixes of that set (default: a sample's reports). The
    folder is :func:`owned` throughout.

    Raises
    ------
    ConfigError
        When the outputs cannot be written (a full disk, permissions), after cleaning up.
    """
    with owned(outdir) as out:
        try:
            stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=out))
        except OSError as exc:
            raise ConfigError(
                f"cannot create the output folder ({exc.strerror})", path=str(out)
            ) from None
        moved: list[Path] = []
        try:
            yield stage
            files = sorted(f.name for f in stage.iterdir())
            ends = SAMPLE_REPORT_SUFFIXES if suffixes is None else suffixes
            mine = {f"{sample}.{s}" for s in ends} if sample else set()
            remove = sorted(n for n in mine - set(files) if (out / n).exists())
            with signals_held():
                # the manifest first: a run killed during the moves is finished by the next one
                (stage / _MANIFEST).write_text(json.dumps({"files": files, "remove": remove}))
                _commit(stage, out, files, remove, moved)
        except BaseException as exc:
            for f in moved:
                with suppress(OSError):
                    f.unlink()
            if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
                reason = (
                    "no space left on the device" if exc.errno == errno.ENOSPC else exc.strerror
                )
                raise ConfigError(
                    f"cannot write the reports ({reason}); nothing was written", path=str(out)
                ) from None
            raise
        finally:
            shutil.rmtree(stage, ignore_errors=True)
