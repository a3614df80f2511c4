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
from collections.abc import Callable

#: The interpreter's switch interval while a writer runs.
SWITCH_SECONDS = 0.001


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
        # The job's Python (making rows between statements) waits for the GIL while the command
        # computes: each wait is up to the switch interval, 5 ms by default; 1 ms meanwhile
        # (a 100k-note first build's links were written ~1 s after `graph stats` ended).
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, SWITCH_SECONDS))
        try:
            self.job()
            self.commit()
        except BaseException as error:  # handed to the thread that waits for it
            self.error = error
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
        finally:
            sys.setswitchinterval(switch)

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
