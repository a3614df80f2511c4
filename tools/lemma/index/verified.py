"""The index file as it was when its row counts were last found right: a file unchanged since is
not counted again (counting the four main tables is 8-12 ms a command at 100k notes).

A stamp is the stat of the database file and of its WAL when that holds anything: every write,
Lemma's or another program's, changes one of them (a checkpoint rewrites the database file, a
commit appends to the WAL). The stamp is kept beside the index (`<index>.verified`); a missing,
unreadable or different one means the counts are checked again, so deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def stamp(file: Path) -> str | None:
    """The database file's and its WAL's identity and times now (None when it cannot be told)."""
    parts = []
    for name in (str(file), f"{file}-wal"):
        try:
            info = os.stat(name)
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return None
        if name.endswith("-wal") and info.st_size == 0:  # made by opening: holds nothing
            parts.append("-")
            continue
        parts.append(f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}")
    return " ".join(parts)


def unchanged(file: Path, now: str | None) -> bool:
    """Whether `now` is the stamp recorded when the counts were last found right."""
    if now is None:
        return False
    try:
        return _record(file).read_text(encoding="ascii") == now
    except (OSError, ValueError):
        return False


def remember(file: Path, now: str | None) -> None:
    """Record `now` as the stamp of an index whose counts were just found right (best effort:
    written whole or not at all)."""
    if now is None:
        return
    record = _record(file)
    partial = record.with_name(f"{record.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        partial.write_text(now, encoding="ascii")
        os.replace(partial, record)
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _record(file: Path) -> Path:
    return Path(f"{file}.verified")
