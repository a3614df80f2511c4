"""A first build's last writes and its COMMIT, in a thread.

A first build hands its vault (or, streamed, its light vault) back as soon as it is parsed and
resolved; storing it (a second or more at 10k notes, 5 s with the checkpoint at 100k, mostly
inside SQLite, which runs without the GIL) then overlaps the work of the command that asked
for it. The thread ends with the transaction, so a process that
never closes its index still exits once the index is written.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator

#: The interpreter's switch interval while a writer runs.
SWITCH_SECONDS = 0.001
_running = 0  # writers running now; the first lowers the interval, the last puts it back
_saved_interval = 0.0
_running_lock = threading.Lock()


@contextlib.contextmanager
def _short_switch_interval() -> Iterator[None]:
    """A writer's job makes rows in Python between statements; while the command computes,
    each wait for the GIL lasts up to the switch interval (5 ms by default), so it is
    SWITCH_SECONDS meanwhile (a 100k-note first build's links were written ~1 s after
    `graph stats` ended). Writers may overlap: the last one to end restores it."""
    global _running, _saved_interval
    with _running_lock:
        if _running == 0:
            _saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved_interval, SWITCH_SECONDS))
        _running += 1
    try:
        yield
    finally:
        with _running_lock:
            _running -= 1
            if _running == 0:
                sys.setswitchinterval(_saved_interval)


class Writer:
    """Runs `job`, then `commit` (COMMIT by default; ROLLBACK if either failed), in a thread;
    `finish` waits for it and re-raises its error."""

    def __init__(self, db: sqlite3.Connection, job: Callable[[], None],
                 commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.job = job
        self.commit = commit or self._commit
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="lemma-index-writer")
        self.thread.start()

    def _run(self) -> None:
        with _short_switch_interval():
            try:
                self.job()
                self.commit()
            except BaseException as error:  # handed to the thread that waits for it
                self.error = error
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")

    def _commit(self) -> None:
        self.db.execute("COMMIT")

    def finish(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


class Checkpoint:
    """Copies a big transaction's WAL into the index file in a thread, on a connection of its
    own, while the command reads the index (a 100k-note first build leaves 0.8 GB of WAL: its
    checkpoint and syncs took 2 s at COMMIT). `finish` waits; a checkpoint that fails leaves
    the WAL for the next one, so its error is dropped."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self.thread = threading.Thread(target=self._run, args=(connect,),
                                       name="lemma-index-checkpoint")
        self.thread.start()

    @staticmethod
    def _run(connect: Callable[[], sqlite3.Connection]) -> None:
        with contextlib.suppress(sqlite3.Error):
            db = connect()
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                db.close()

    def finish(self) -> None:
        self.thread.join()
