"""A per-user cache of derived data (the validated catalogue), keyed by what it is derived from.

A cache entry can never change a result: its key is the SHA-256 of every input of the derivation
(the file's bytes and a fingerprint of the code that derives the value), it holds JSON data only
(never code) with the SHA-256 of that data, a value is stored only when JSON gives it back
unchanged, and a missing, unreadable, edited, damaged or foreign entry is recomputed.
Location: ``$ALKANNOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/alkannot``, else ``~/.cache/alkannot``
(a relative or empty ``$HOME``/``$XDG_CACHE_HOME`` is not used: no cache, rather than a folder
at the root or in the working directory); ``ALKANNOT_NO_CACHE=1`` turns it off. A directory
that other users could write to is not used (a planted entry would skip validation).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

#: Entries kept per kind; older ones are removed when a new one is written.
KEEP_PER_KIND = 16


def cache_dir(create: bool = False) -> Path | None:
    """The cache directory, or None when caching is off or the directory is not safe to use."""
    if os.environ.get("ALKANNOT_NO_CACHE"):
        return None
    base = os.environ.get("ALKANNOT_CACHE_DIR")
    if base:
        path = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        home = os.environ.get("HOME")
        if xdg:
            path = Path(xdg) / "alkannot"
        elif home is None:
            path = Path.home() / ".cache" / "alkannot"  # the password database's home
        else:
            path = Path(home) / ".cache" / "alkannot"
        # XDG: relative paths are invalid; an empty HOME would give /.cache at the root
        if not path.is_absolute() or (not xdg and home is not None and home in ("", "/")):
            return None
    try:
        if create:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError:
        return None
    if not _private(st):
        return None
    return path


def _private(st: os.stat_result) -> bool:
    """Owned by this user and not writable by group or others (POSIX; always true elsewhere)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def content_key(*parts: bytes) -> str:
    """SHA-256 over length-prefixed parts (so that part boundaries count)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _entry_path(directory: Path, kind: str, key: str) -> Path:
    return directory / f"{kind}-{key}.json"


def load_json(kind: str, key: str) -> object | None:
    """The cached value of ``kind`` under ``key``, or None."""
    directory = cache_dir()
    if directory is None:
        return None
    path = _entry_path(directory, kind, key)
    try:
        with open(path, "rb") as fh:
            if not _private(os.fstat(fh.fileno())):
                return None
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("key") != key or "value" not in doc:
        return None
    if doc.get("value_sha256") != _value_digest(doc["value"]):
        return None  # edited or damaged since it was written: recomputed (and rewritten)
    return doc["value"]


def _value_digest(value: object) -> str:
    """SHA-256 of the value's canonical JSON: an entry is checked against what it holds."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def store_json(kind: str, key: str, value: object) -> bool:
    """Store ``value`` if JSON represents it exactly; return whether it was stored."""
    try:
        text = json.dumps(
            {"key": key, "value": value, "value_sha256": _value_digest(value)}, ensure_ascii=False
        )
    except (TypeError, ValueError):  # e.g. YAML dates: not JSON, so not cached
        return False
    if json.loads(text)["value"] != value:  # int keys, tuples: the cached copy would differ
        return False
    directory = cache_dir(create=True)
    if directory is None:
        return False
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, _entry_path(directory, kind, key))
    except OSError:
        return False
    _prune(directory, kind)
    return True


def _prune(directory: Path, kind: str) -> None:
    try:
        entries = sorted(
            directory.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[KEEP_PER_KIND:]:
            old.unlink()
    except OSError:  # another process pruned the same entries
        pass
