"""The vault lock and signal guards that keep `lemma mv`/`new` writes serial and whole.

The lock is an flock on `.lemma-cache/<vault>.lock` beside the notes folder: the kernel drops it
when its holder dies, however it dies, so a lock is never stale. `.lemma-cache/` also holds the
journal of the apply in progress (see `authoring.apply`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..cache_files import CacheFiles
from ..model import LemmaError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: lemma commands are not serialised there
    fcntl = None  # type: ignore[assignment]

#: Seconds a command waits for another lemma command to release the vault.
LOCK_TIMEOUT = 60.0
_held: dict[str, int] = {}  # lock files this process holds -> nesting depth


@contextlib.contextmanager
def vault_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the vault's lock (an flock on `.lemma-cache/<vault>.lock`); re-entrant per process."""
    path = CacheFiles.of(root).lock
    key = str(path)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _open_lock(path)
    try:
        deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
        while not _try_flock(fd):
            if time.monotonic() > deadline:
                raise LemmaError(f"another lemma command is changing the notes (it holds {path}); "
                                 "try again once it is done")
            time.sleep(0.02)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # closing releases the flock


def _open_lock(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        if path.parent.exists() and not path.parent.is_dir():
            raise LemmaError(f"cannot lock the notes: {path.parent} is not a folder (remove it: "
                             "Lemma keeps its index and lock there)") from None
        raise LemmaError(f"cannot lock the notes: {path}: {error.strerror or error}") from None


def _try_flock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextlib.contextmanager
def try_vault_lock(root: Path) -> Iterator[bool]:
    """Take the vault lock if it is free (True), without waiting; False if someone holds it."""
    path = CacheFiles.of(root).lock
    if str(path) in _held:
        yield False
        return
    try:
        fd = _open_lock(path)
    except LemmaError:
        yield False
        return
    try:
        if not _try_flock(fd):
            yield False
            return
        _held[str(path)] = 1
        try:
            yield True
        finally:
            del _held[str(path)]
    finally:
        os.close(fd)


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt (as Ctrl-C does), so it rolls back too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while a rollback or completion runs (it is short)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
