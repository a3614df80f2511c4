"""A first build into a file of its own, renamed into place whole: no WAL, no half index.

When a vault has no index file yet, its first build writes `<index>.building` without any
journal (nothing is ever rolled back there: an unfinished file is never used) and renames it
into place once committed, in WAL mode like every index after. The 100k-note first build so
writes its 0.9 GB once, not into the WAL and once more at the checkpoint (2 s at its end);
a build that dies leaves no index file, and the next command builds it again.

The builder holds an flock on its building file: a process that finds no index waits for it
(`wait_for_builder`) rather than build the same index beside it, and a building file that no
one holds was left by a builder that died and is started over. Claiming and renaming happen
under the index's file lock (`fallback.file_lock`), which every opening of the index takes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from ..vault_fs import fsync_folder
from . import store
from .fallback import file_lock

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the index is built in place
    fcntl = None  # type: ignore[assignment]

#: Whether first builds go to a building file (they need flock to tell a live builder).
SUPPORTED = fcntl is not None


def building_file(file: Path) -> Path:
    return Path(f"{file}.building")


class FreshFile:
    """The building file of one first build, claimed by this process (its flock held)."""

    def __init__(self, file: Path, fd: int) -> None:
        self.file = file
        self.building = building_file(file)
        self.fd = fd
        self.flushing: threading.Thread | None = None

    def flush_early(self) -> None:
        """Start putting what the build has written so far on disk, in a thread, while the
        build goes on: its last writes and the command are CPU work, and the syncs when it is
        renamed then wait for the rest only (100k notes: 0.9 GB, 0.5 s at the end before).
        The syncs at publish still vouch for the whole file."""
        if self.flushing is None and self.fd >= 0:
            self.flushing = threading.Thread(target=self._flush, args=(self.fd,),
                                             name="lemma-index-flush")
            self.flushing.start()

    @staticmethod
    def _flush(fd: int) -> None:
        with contextlib.suppress(OSError):  # (a file system without it: publish syncs all)
            os.fdatasync(fd)

    def _flushed(self) -> None:
        """Wait for an early flush (its file descriptor is about to close)."""
        if self.flushing is not None:
            self.flushing.join()
            self.flushing = None

    def connect(self, wanted: str) -> sqlite3.Connection:
        """A connection to the emptied building file, without a journal, holding the tables."""
        os.ftruncate(self.fd, 0)
        for suffix in ("-wal", "-shm", "-journal"):  # of a builder that died
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self.building}{suffix}")
        db = store.connect(self.building, journal="OFF")
        db.execute("BEGIN")
        store.create(db, wanted)
        db.execute("COMMIT")
        return db

    def publish(self, db: sqlite3.Connection) -> sqlite3.Connection:
        """Rename the committed building file into place as the index (in WAL mode, on disk)
        and return a connection to it; the claim ends."""
        db.execute("PRAGMA journal_mode = WAL")
        self._flushed()
        db.close()
        os.fsync(self.fd)
        with file_lock(Path(f"{self.file}.lock")):
            if self.file.exists():  # cannot happen while the claim is held; never clobbered
                raise sqlite3.OperationalError(f"{self.file} appeared during the first build")
            store.remove_files(self.file)  # a stale WAL or shared memory of no index
            os.replace(self.building, self.file)
        fsync_folder(self.file.parent)
        self.release()
        return store.connect(self.file)

    def discard(self) -> None:
        """Remove the building file (a build that failed) and end the claim."""
        with contextlib.suppress(OSError):
            store.remove_files(self.building)
        self.release()

    def release(self) -> None:
        self._flushed()
        if self.fd >= 0:
            os.close(self.fd)  # (the flock goes with it)
            self.fd = -1


def claim(file: Path) -> FreshFile | None:
    """With the index's file lock held and no index file: the building file, claimed for a
    first build by this process; None when another process is building it."""
    fd = os.open(building_file(file), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return FreshFile(file, fd)


def wait_for_builder(file: Path) -> None:
    """Wait until no process builds the index `file` (its builder renamed it or died)."""
    if fcntl is None:
        return
    try:
        fd = os.open(building_file(file), os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)
