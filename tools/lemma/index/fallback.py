"""When the index file fails: telling damage from a full or read-only disk, and the index kept
in memory instead, so a command still answers (correctly) without its file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from . import store


def memory_db(wanted: str) -> sqlite3.Connection:
    """An empty index in memory (for this command only)."""
    db = store.connect(":memory:")
    store.create(db, wanted)
    return db


#: SQLite result codes of a file that cannot be written or read now, though it may be sound.
_NOT_DAMAGE = {"SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN",
               "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_PERM", "SQLITE_NOMEM"}


def damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether an error says the index file is damaged (rather than unwritable or busy)."""
    name = getattr(error, "sqlite_errorname", None) or ""
    if any(name.startswith(code) for code in _NOT_DAMAGE):
        return False
    text = str(error).lower()
    return not any(word in text for word in ("readonly", "read-only", "disk is full",
                                              "disk i/o", "unable to open"))


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive flock while an index file is checked or rebuilt (no-op without fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

