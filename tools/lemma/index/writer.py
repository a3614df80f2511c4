"""The writes of one refresh, run here and now or, for a first build, in a thread.

A first build hands its vault back as soon as it is parsed and resolved; storing it (a second
or more at 10k notes, mostly inside SQLite, which runs without the GIL) then overlaps the work
of the command that asked for it.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable


class Writer:
    """Runs one refresh's writes: here and now, or (a first build) in a thread, so storing
    overlaps the work of the command that asked for the vault (SQLite runs without the GIL).
    Ends the transaction with `commit` or `abandon`; `finish` waits for the thread and
    re-raises its error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def run(self, job: Callable[[], None], background: bool = False) -> None:
        if background and self.thread is None:  # started only now: parse workers are forked
            self.thread = threading.Thread(target=self._drain, name="lemma-index-writer")
            self.thread.start()
        if self.thread is not None:
            self.jobs.put(job)
        else:
            job()

    def _drain(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None or job == self._end:
                try:
                    job()
                except BaseException as error:  # handed to the thread that waits for it
                    self.error = error

    def commit(self) -> None:
        self._close_with(self._end)

    def abandon(self) -> None:
        self.error = self.error or Abandoned()
        self._close_with(self._end)
        with contextlib.suppress(BaseException):  # the caller re-raises what went wrong
            self.finish()

    def _close_with(self, job: Callable[[], None]) -> None:
        """The last job: the thread ends after it, so a process that never closes its index
        still exits once the index is written."""
        self.run(job)
        if self.thread is not None:
            self.jobs.put(None)

    def _end(self) -> None:
        if self.error is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")

    def finish(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


class Abandoned(Exception):
    """The refresh failed in the main thread: the writer rolls back."""
