"""Killable forked workers: run one function in a child process under a hard time limit.

Every sympy operation on note text runs through here, so no input can hang the checker: the
child is killed (SIGKILL) when its time is up and the caller gets a `timeout` outcome. A fork
costs a few milliseconds and the child inherits the parent's objects, so nothing but the result
is pickled; each task gets a fresh child, which is the simplest pool that is "replaced when a
worker is killed". Children also get an address-space limit so a runaway expansion dies quickly.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

#: Address-space cap for a worker child (bytes); generous, but stops a runaway expansion.
MEMORY_LIMIT = 3 * 1024**3


@dataclass(frozen=True)
class Outcome:
    """What a worker produced: `ok` with a value, `timeout`, or `error` with a message."""

    status: str  # "ok" | "timeout" | "error"
    value: Any = None
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _child(fn: Callable[..., Any], args: tuple[Any, ...], fd: int) -> None:
    """Body of a forked child: compute, pickle the outcome into `fd`, and leave at once."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        except (ValueError, OSError):
            pass
        try:
            payload: tuple[str, Any, str] = ("ok", fn(*args), "")
        except MemoryError:
            payload = ("error", None, "ran out of memory")
        except RecursionError:
            payload = ("error", None, "expression too deeply nested")
        except Exception as exc:  # any failure inside sympy becomes a message, not a crash
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" (at {last[0].name})" if last else ""
            payload = ("error", None, f"{type(exc).__name__}: {exc}{where}"[:500])
        try:
            data = pickle.dumps(payload)
        except Exception as exc:
            data = pickle.dumps(("error", None, f"unpicklable result: {exc}"[:300]))
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class _Running:
    """A forked child in flight: its pid, the read end of its pipe and its deadline."""

    def __init__(self, key: Any, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _child(fn, args, write_fd)
        os.close(write_fd)
        self.key = key
        self.pid = pid
        self.fd = read_fd
        self.start = time.monotonic()
        self.deadline = self.start + max(timeout, 0.01)
        self.chunks: list[bytes] = []

    def read(self) -> bool:
        """Read what is available; True at end of file."""
        chunk = os.read(self.fd, 1 << 16)
        if chunk:
            self.chunks.append(chunk)
            return False
        return True

    def finish(self) -> Outcome:
        """Reap the child and decode its outcome."""
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        elapsed = time.monotonic() - self.start
        data = b"".join(self.chunks)
        if not data:
            if os.WIFSIGNALED(status):
                sig = os.WTERMSIG(status)
                return Outcome("error", message=f"worker died (signal {sig})", seconds=elapsed)
            return Outcome("error", message="worker exited without a result", seconds=elapsed)
        kind, value, message = pickle.loads(data)
        return Outcome(kind, value, message, elapsed)

    def kill(self) -> Outcome:
        """Kill the child after its deadline and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        return Outcome("timeout", seconds=time.monotonic() - self.start)


def run(fn: Callable[..., Any], *args: Any, timeout: float) -> Outcome:
    """Run `fn(*args)` in a forked child; kill it after `timeout` seconds."""
    return next(iter(run_many([(None, fn, args, timeout)], jobs=1)))[1]


def run_many(
    tasks: Iterable[tuple[Any, Callable[..., Any], tuple[Any, ...], float]], jobs: int = 1
) -> Iterator[tuple[Any, Outcome]]:
    """Run (key, fn, args, timeout) tasks in up to `jobs` children; yield (key, outcome) as done."""
    pending = iter(tasks)
    running: dict[int, _Running] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < max(1, jobs):
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                key, fn, args, timeout = task
                child = _Running(key, fn, args, timeout)
                running[child.fd] = child
            if not running:
                return
            now = time.monotonic()
            wait = max(0.0, min(c.deadline for c in running.values()) - now)
            ready, _, _ = select.select(list(running), [], [], wait)
            for fd in ready:
                child = running[fd]
                if child.read():
                    del running[fd]
                    yield child.key, child.finish()
            now = time.monotonic()
            for fd, child in list(running.items()):
                if now >= child.deadline:
                    del running[fd]
                    yield child.key, child.kill()
    finally:
        for child in running.values():
            child.kill()
