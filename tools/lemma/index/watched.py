"""A watcher that spares one-shot commands the stat of every note (100k notes: ~0.3 s).

A long-lived process (`lemma lsp`) starts `spawn_watcher`, a small child process running
`IndexWatcher` (in a process of its own, a busy server cannot keep it from answering; it exits
when its parent does, its stdin closing): it holds an exclusive lock on
`<index>.watch.lock` and appends to `<index>.watch.log` what watchdog reports under the
notes folder — `p PATH` for a note or attachment written in place, `full` for anything that
changes the listing (a file made, removed or moved, a folder event) or a queue overflow.

A command (`watched_changes`) that finds the lock held asks the watcher to catch up: it makes a
cookie file `.lemma-sync-*` in the notes folder and waits for the watcher's `sync NAME` line
(inotify delivers events in order, so every change made before the cookie is logged above that
line). The paths logged since the index last read the log are then all that can have changed.
With no watcher, a dead one, a new one, a `full` line or a slow answer, the command stats every
file as before: the watcher only ever makes a command faster, never less correct.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..vault_fs import Listing

if TYPE_CHECKING:  # spawning a watcher is rare: a command that only reads need not load it
    import subprocess

COOKIE = ".lemma-sync-"
#: How long a command waits for the watcher's answer before it looks at every file itself.
SYNC_WAIT = 1.0


def lock_file(index: Path) -> Path:
    return Path(f"{index}.watch.lock")


def log_file(index: Path) -> Path:
    return Path(f"{index}.watch.log")


@dataclass(frozen=True)
class Watched:
    """The watcher's log read up to `end`: its `token`, and the paths logged since the index
    last read it (None: something only a look at every file can tell, e.g. a file made)."""

    token: str
    end: int
    paths: frozenset[str] | None


def watched_changes(root: Path, index: Path, token: str | None, offset: int
                    ) -> Watched | None:
    """What changed since the log position (`token`, `offset`) the index last read; None when
    no watcher answers (none runs, it died, it is slow)."""
    if not _held(lock_file(index)):
        return None
    cookie = f"{COOKIE}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        os.close(os.open(root / cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return None
    try:
        text = _await(log_file(index), f"sync {cookie}\n")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(root / cookie)
    head = text.partition("\n")[0] if text else ""
    if text is None or not head.startswith("lemma-watch "):
        return None
    current, end = head.removeprefix("lemma-watch "), text.index(f"sync {cookie}\n")
    if current != token or not len(head) < offset <= end:
        return Watched(current, end, None)  # a new watcher: before it, anything may have changed
    paths: set[str] = set()
    for line in text[offset:end].splitlines():
        if line == "full":
            return Watched(current, end, None)
        if line.startswith("p "):
            paths.add(line[2:])
    return Watched(current, end, frozenset(paths))


def position(db: sqlite3.Connection) -> tuple[str | None, int]:
    """The watcher token and log offset the index read last (None, -1 when none)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'watch'").fetchone()
    if row is None or not isinstance(row[0], str) or " " not in row[0]:
        return None, -1
    token, _, offset = row[0].partition(" ")
    return (token, int(offset)) if offset.isdigit() else (None, -1)


def cached_listing(db: sqlite3.Connection) -> Listing | None:
    """The listing saved by the last full look at the vault (None if none or unreadable)."""
    from . import store

    row = db.execute("SELECT value FROM meta WHERE key = 'listing'").fetchone()
    if row is None or not isinstance(row[0], bytes):
        return None
    try:
        notes, attachments, links, problems = marshal.loads(row[0])
        listing = Listing(notes, attachments, store.load(problems), links)
    except (ValueError, TypeError, EOFError, store.IndexCorrupt):
        return None
    good = all(type(x) is list and set(map(type, x)) <= {str} for x in (notes, attachments, links))
    return listing if good and isinstance(listing.problems, dict) else None


def vouched(db: sqlite3.Connection, watched: Watched | None) -> frozenset[str] | None:
    """The notes to look at when the watcher vouches for the rest: those it logged and the
    symlinked ones (their targets may change unlogged); None when every note must be looked at.

    Only modifications are logged one by one (a file made, removed or moved is a full look), so
    the vault's notes are still those of the last full look, which the `notes` table holds: the
    saved listing itself (100k paths) is read only if the command asks for it (`Refresh`)."""
    if watched is None or watched.paths is None:
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'listing-links'").fetchone()
    try:
        links = marshal.loads(row[0]) if row is not None and isinstance(row[0], bytes) else None
    except (ValueError, TypeError, EOFError):
        links = None
    if type(links) is not list or not set(map(type, links)) <= {str}:
        return None
    wanted = sorted(watched.paths | set(links))
    found: set[str] = set()
    for lo in range(0, len(wanted), 500):  # SQLite's limit on bound values is far above 500
        part = wanted[lo:lo + 500]
        found.update(path for (path,) in db.execute(
            f"SELECT path FROM notes WHERE path IN ({','.join('?' * len(part))})", part)
            if isinstance(path, str))
    return frozenset(found)


def remember(db: sqlite3.Connection, watched: Watched, listing: Listing | None) -> None:
    """Save how far the log was read (and the listing, after a full look), best effort."""
    from . import store

    if listing is None and position(db) == (watched.token, watched.end):
        return
    with contextlib.suppress(sqlite3.Error), store.transaction(db):
        save_position(db, watched, listing)


def save_position(db: sqlite3.Connection, watched: Watched, listing: Listing | None) -> None:
    """Remember how far the log was read (and the listing, after a full look)."""
    from . import store

    db.execute("INSERT OR REPLACE INTO meta VALUES ('watch', ?)",
               (f"{watched.token} {watched.end}",))
    if listing is not None:
        blob = marshal.dumps((listing.notes, listing.attachments, listing.links,
                              store.dump(listing.problems)))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('listing', ?)", (blob,))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('listing-links', ?)",
                   (marshal.dumps(listing.links),))


def _held(lock: Path) -> bool:
    """Whether a live watcher holds the lock (a dead one's lock is released by the kernel)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _await(log: Path, line: str) -> str | None:
    """The log's text once it holds `line` (None after SYNC_WAIT seconds)."""
    deadline = time.monotonic() + SYNC_WAIT
    pause = 0.0005
    while True:
        try:
            text = log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        if line in text:
            return text
        if time.monotonic() > deadline:
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.01)


class IndexWatcher:
    """The watching side, in a long-lived process: None-like (`active` False) when another
    process watches already or watchdog cannot watch the folder."""

    def __init__(self, root: Path, index: Path) -> None:
        self.root, self.active = Path(root), False
        self._fd: int | None = None
        self._observer = None
        try:
            import fcntl

            index.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(lock_file(index), os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (ImportError, OSError):
            self.close()
            return
        try:
            self._log = open(log_file(index), "w", encoding="utf-8")  # noqa: SIM115
            self._log.write(f"lemma-watch {os.urandom(8).hex()}\n")
            self._log.flush()
            self._start()
        except OSError:
            self.close()
            return
        self.active = True

    def _start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                watcher.record(event.event_type, event.is_directory,
                               os.fsdecode(event.src_path), os.fsdecode(event.dest_path or ""))

        self._observer = Observer()
        self._observer.daemon = True
        self._observer.schedule(Handler(), str(self.root), recursive=True)
        self._observer.start()

    def record(self, kind: str, folder: bool, src: str, dest: str) -> None:
        """Log one watchdog event (called in watchdog's thread, in the order of the events)."""
        rel = self._relative(src)
        if rel is None or kind in ("opened", "closed", "closed_no_write"):
            return
        if kind == "created" and rel.startswith(COOKIE) and "/" not in rel:
            line = f"sync {rel}"
        elif rel.startswith(COOKIE) or (_hidden(rel) and _hidden(self._relative(dest) or ".")):
            return  # cookies, .git/, .obsidian/: not part of the vault's listing
        elif folder and kind == "modified":
            return  # a folder is "modified" when a file in it comes or goes: logged as such
        elif kind == "modified":
            line = f"p {rel}"
        else:
            line = "full"
        with contextlib.suppress(OSError, ValueError):
            self._log.write(line + "\n")
            self._log.flush()

    def _relative(self, path: str) -> str | None:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def close(self) -> None:
        """Stop watching and release the lock (commands then look at every file again)."""
        if self._observer is not None:
            with contextlib.suppress(Exception):
                self._observer.stop()
        if getattr(self, "_log", None) is not None:
            with contextlib.suppress(OSError):
                self._log.close()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self.active = False


def _hidden(rel: str) -> bool:
    """Under a hidden folder or a hidden file: `list_vault` skips those."""
    return any(part.startswith(".") for part in rel.split("/"))


def spawn_watcher(root: Path, index: Path) -> subprocess.Popen[bytes] | None:
    """Start the watcher process for the vault at `root` (None if it cannot run)."""
    import subprocess
    import sys

    try:
        return subprocess.Popen(
            [sys.executable, "-c", "from lemma.index.watched import main; main()",
             str(root), str(index)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return None


def main() -> None:
    """The watcher process: watch until the parent closes our stdin (or dies)."""
    import sys

    watcher = IndexWatcher(Path(sys.argv[1]), Path(sys.argv[2]))
    if watcher.active:
        with contextlib.suppress(OSError, KeyboardInterrupt):
            sys.stdin.buffer.read()
    watcher.close()
