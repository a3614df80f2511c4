"""`VaultIndex`: the persistent index of one vault, brought up to date before every use.

A refresh lists the vault, compares each note's stat signature (size, mtime, ctime, inode)
with the stored one, confirms doubtful ones by content hash (`changes.py`), parses only what
changed (in worker processes when many did) and lets `Vault.apply_changes` decide which stored
resolutions to redo. While `lemma lsp` runs beside, its watcher (`watched.py`) names the
files changed since the last command, and only those are looked at.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import LemmaError
from ..vault_fs import DEFAULT_MAX_BYTES, Listing, NoteFileError, list_vault
from . import fresh, meta_rows, store, verified
from .apply import Progress, Refresh, store_changes
from .changes import Found, confirm, differences, loaded
from .clock import fs_now_ns
from .fallback import damaged, file_lock, memory_db
from .restore import restore_vault
from .watched import Watched, cached_listing, position, remember, vouched, watched_changes
from .writer import Checkpoint, Writer

if TYPE_CHECKING:  # the vault and parser load only when something changed or a model is asked
    from ..links import Slugify
    from ..vault import Vault


class VaultIndex:
    """The SQLite index of the vault at `root`; `notice` says if it had to be rebuilt."""

    def __init__(self, root: str | os.PathLike[str], slugify: Slugify | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, file: Path | None = None,
                 jobs: int | None = None, memory: bool = False,
                 progress: Progress | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise LemmaError(f"notes folder '{self.root}' does not exist", exit_code=2)
        self.slugify = slugify
        self.max_bytes = max_bytes
        self.jobs = jobs
        self.progress = progress  # told how the parse of many changed notes goes
        self.file = file or store.index_file(self.root)
        self.notice: str | None = None
        self.rebuilt = False
        self.memory = memory  # True: kept in memory only (asked for, or the file failed)
        self._counted = False  # its row counts were found right when it was opened
        self._writer: Writer | None = None
        self._checkpoint: Checkpoint | None = None
        self._fresh: fresh.FreshFile | None = None  # a first build's own file, until renamed
        self._unbuilt = False  # no index file yet: an empty one in memory until a refresh
        self._db = self._open(store.fingerprint(slugify, max_bytes))

    def close(self) -> None:
        """Close the connection; a first build's writing that failed (a full disk) only leaves
        the index unwritten, with a notice: the answer was made from memory."""
        try:
            db = self.db  # (a first build's writer may start the checkpoint as it ends)
        except sqlite3.DatabaseError as error:
            self._note_failure(error)
            db = self._db
        if self._checkpoint is not None:
            self._checkpoint.finish()
            self._checkpoint = None
        try:
            if self._fresh is not None:  # not refreshed: an empty index; a failed build: none
                db = self._publish(db) if not db.in_transaction else self._discard(db)
            db.close()
        except sqlite3.DatabaseError as error:
            self._note_failure(error)
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._counted = False
        if self._counted and not self.memory:  # stamped as closed: what the next command finds
            verified.remember(self.file, verified.stamp(self.file))

    def __enter__(self) -> VaultIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening -------------------------------------------------------------------------------

    def _open(self, wanted: str) -> sqlite3.Connection:
        if self.memory:
            return memory_db(wanted)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with file_lock(Path(f"{self.file}.lock")):
                if not fresh.SUPPORTED or self.file.exists():
                    return self._open_file(wanted)
            self._unbuilt = self.rebuilt = True  # built in a file of its own (`_claim`)
            return memory_db(wanted)
        except (OSError, sqlite3.Error) as error:
            self.notice = (f"note: the index {self.file} cannot be written ({error}); "
                           "working without it")
            self.memory = True
            return memory_db(wanted)

    def _claim(self) -> None:
        """Before a refresh of an index with no file yet: the index another process has built
        meanwhile (waiting for it if it is building), or a building file of this one's."""
        wanted = store.fingerprint(self.slugify, self.max_bytes)
        self._unbuilt = False
        try:
            while True:
                with file_lock(Path(f"{self.file}.lock")):
                    if self.file.exists():
                        db = self._open_file(wanted)
                        break
                    self._fresh = fresh.claim(self.file)
                    if self._fresh is not None:
                        db = self._fresh.connect(wanted)
                        break
                fresh.wait_for_builder(self.file)  # (the lock is left while waiting)
        except (OSError, sqlite3.Error) as error:
            if self._fresh is not None:
                self._fresh.discard()
                self._fresh = None
            self.notice = (f"note: the index {self.file} cannot be written ({error}); "
                           "working without it")
            self.memory = True
            return
        self._db.close()
        self._db = db

    def _open_file(self, wanted: str) -> sqlite3.Connection:
        try:
            db = store.connect(self.file)
        except sqlite3.DatabaseError as error:  # not an SQLite file at all (garbage, truncated)
            if isinstance(error, sqlite3.OperationalError) and not self.file.is_file():
                raise  # the folder is the problem, not the file: work without an index
            store.remove_files(self.file)
            db = store.connect(self.file)
            reason: str | None = f"it is damaged ({error})"
        else:
            reason = store.check_schema(db, wanted)
            if reason is None and not verified.unchanged(self.file, verified.stamp(self.file)):
                try:
                    reason = meta_rows.check_counts(db)
                except sqlite3.DatabaseError as error:
                    reason = f"it is damaged ({error})"
            self._counted = reason is None  # (this command's own writes keep the counts)
        if reason is None:
            return db
        if reason.startswith("it is damaged") or reason == "it was not made by Lemma":
            db.close()
            store.remove_files(self.file)
            db = store.connect(self.file)
        with store.transaction(db):
            store.create(db, wanted)
        self.rebuilt = True
        if reason:
            self.notice = f"note: rebuilding the index {self.file}: {reason}"
        return db

    # -- refreshing ----------------------------------------------------------------------------

    def refresh(self) -> Refresh:
        """Bring the index up to date with the files; cheap when nothing changed.

        A first build hands its writing to a thread (SQLite works without the GIL) and returns
        the vault it made in memory at once; the connection waits for that thread (`db`). An
        index file that fails (damaged, read-only, a full disk) is left for one in memory.
        """
        try:
            return self._refresh()
        except sqlite3.DatabaseError as error:
            if self.memory:
                raise
            self._without_file(error)
            return self._refresh()

    def _refresh(self) -> Refresh:
        if self._unbuilt:
            self._claim()
        listing, only, watched = self._listing()
        try:
            now = self._now()
            found = differences(self.db, self.root, listing, only)
            if found is None:
                self._remember(watched, listing if only is None else None)
                if self._fresh is not None:  # an empty vault's first index
                    self._db = self._publish(self._db)
                return Refresh(listing)
            first = self._empty()
            listing = loaded(listing)  # something changed: its report carries the listing
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if not (first and self._empty()):  # another process may have refreshed since
                    listing = listing if only is not None else self._list()
                    now = self._now()
                    found = differences(self.db, self.root, listing, only)
                report, rest = self._apply(listing, found, now)
                big = first and not self.memory
                if report.vault is None and report.light is None:
                    rest()
                    self._commit(big)
            except BaseException:
                if self._fresh is not None:  # no journal to roll back with: start it over
                    self._discard(self._db)
                    self._db = memory_db(store.fingerprint(self.slugify, self.max_bytes))
                    self._unbuilt = True
                    raise
                with contextlib.suppress(sqlite3.Error):  # (SQLite may have rolled back)
                    self._db.execute("ROLLBACK")
                raise
        except store.IndexCorrupt as error:
            self._rebuild(f"it holds unreadable data ({error})")
            return self.refresh()
        if report.vault is not None or report.light is not None:
            # a first build: the caller has its vault (streamed: its links) already
            if self._fresh is not None:
                self._fresh.flush_early()
            self._writer = Writer(self._db, rest, lambda: self._commit(big))
        if report.vault is None:
            self._remember(watched, listing if only is None else None)
        return report

    def _commit(self, big: bool) -> None:
        """COMMIT; after a `big` one (a first build) the WAL is checkpointed in a thread
        while the command goes on (`close` waits for it); a first build in a file of its own
        renames it into place. May run in the writer thread."""
        if self._fresh is not None:
            self._db.execute("COMMIT")
            self._db = self._publish(self._db)
            return
        if not big:
            self._db.execute("COMMIT")
            return
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self._db.execute("COMMIT")
        finally:
            self._db.execute("PRAGMA wal_autocheckpoint = 1000")
        self._checkpoint = Checkpoint(lambda: store.connect(self.file))

    def _listing(self) -> tuple[Listing | Callable[[], Listing], frozenset[str] | None,
                                Watched | None]:
        """The listing (or how to read the saved one, when a watcher (`lemma lsp`) vouches
        for it), and the only notes that can have changed (None: look at every note)."""
        watched = None if self.memory else watched_changes(self.root, self.file,
                                                             *position(self.db))
        only = vouched(self.db, watched)
        if only is None:
            return self._list(), None, watched
        return lambda: cached_listing(self.db) or self._list(), only, watched

    def _remember(self, watched: Watched | None, listing: Listing | None) -> None:
        if watched is not None and not self.memory:
            remember(self.db, watched, listing)

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, once a first build's background writing has finished (if that
        failed, an index in memory, built again)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                writer.finish()
            except sqlite3.DatabaseError as error:
                if self.memory:
                    raise
                self._without_file(error)
                self._refresh()
                return self.db
        return self._db

    def _publish(self, db: sqlite3.Connection) -> sqlite3.Connection:
        """The first build's own file renamed into place; a connection to it."""
        assert self._fresh is not None
        building, self._fresh = self._fresh, None
        try:
            return building.publish(db)
        except OSError as error:  # (a full disk, a folder made read-only meanwhile)
            building.discard()
            raise sqlite3.OperationalError(f"the index cannot be written ({error})") from None

    def _discard(self, db: sqlite3.Connection) -> sqlite3.Connection:
        """The first build's own file removed (it failed); the closed connection."""
        assert self._fresh is not None
        with contextlib.suppress(sqlite3.Error):
            db.close()
        self._fresh.discard()
        self._fresh = None
        return db

    def _without_file(self, error: sqlite3.DatabaseError) -> None:
        """Leave a failing index file for a new index in memory (removing it if damaged)."""
        self._writer = None
        if self._fresh is not None:
            self._discard(self._db)
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._note_failure(error)
        self.memory = True
        self._db = memory_db(store.fingerprint(self.slugify, self.max_bytes))

    def _note_failure(self, error: sqlite3.DatabaseError) -> None:
        if damaged(error):
            with contextlib.suppress(OSError):
                store.remove_files(self.file)
            self.notice = (f"note: the index {self.file} is damaged ({error}); it was removed "
                           "(the next command rebuilds it) and this one works without it")
        else:
            self.notice = (f"note: the index {self.file} cannot be written ({error}); "
                           "working without it")

    def _now(self) -> int:
        """The file system's time now (the index folder's), to compare note times with."""
        return fs_now_ns(Path(f"{self.file}.clock"))

    def _list(self) -> Listing:
        try:
            return list_vault(self.root)
        except NoteFileError as problem:
            raise LemmaError(f"notes folder '{self.root}': {problem.message} ({problem.hint})",
                             exit_code=2) from None

    def _empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM notes LIMIT 1").fetchone() is None

    def _apply(self, listing: Listing, found: Found | None,
               now: int) -> tuple[Refresh, Callable[[], None]]:
        """Parse what changed and store what the resolution does not need; returns the
        report and the writing left (a first build does it in a thread)."""
        from ..vault import gc_paused

        if found is None:
            return Refresh(listing), lambda: None
        changed, removed, doubtful, moved = found
        changed += confirm(self.db, self.root, self.max_bytes, doubtful, now)
        with gc_paused():
            return store_changes(self._db, self.root, listing, changed, removed, moved, now,
                                 self._empty(), self.slugify, self.max_bytes, self.jobs,
                                 self.progress)

    def _rebuild(self, reason: str) -> None:
        with store.transaction(self.db):
            store.create(self.db, store.fingerprint(self.slugify, self.max_bytes))
        self.notice = f"note: rebuilding the index {self.file}: {reason}"

    # -- the whole vault -----------------------------------------------------------------------

    def vault(self, refreshed: Callable[[Listing], None] | None = None) -> Vault:
        """The vault model, as `load_vault` would build it, from the refreshed index.

        `refreshed` is told the listing once the index file is up to date and the stored notes
        are about to be read back (not after a first build, nor for an index in memory): the
        language server then answers the note it has open from the index (see `early`)."""
        try:
            return self._vault(refreshed)
        except sqlite3.DatabaseError as error:
            if self.memory:
                raise
            self._without_file(error)
            return self._vault()

    def _vault(self, refreshed: Callable[[Listing], None] | None = None) -> Vault:
        report = self.refresh()
        if report.vault is not None:
            return report.vault
        listing = report.listing
        if refreshed is not None and not self.memory:
            refreshed(listing)
        from ..vault import gc_paused

        try:
            with _snapshot(self.db), gc_paused():
                return restore_vault(self.db, self.root, listing, self.slugify, self.max_bytes)
        except store.IndexCorrupt as error:
            self._rebuild(f"it holds unreadable data ({error})")
            return self._vault(refreshed)


@contextlib.contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """A read transaction: every query inside sees the same committed state."""
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")
