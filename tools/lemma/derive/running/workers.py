"""Killable forked workers: run one function in a child process under a hard time limit.

Every sympy operation on note text runs through here, so no input can hang the checker: the
child is stopped when its CPU time is up (a wall-clock deadline backs that up with SIGKILL) and
the caller gets a `timeout` outcome. A fork costs a few milliseconds and the child inherits the
parent's objects, so nothing but the result is pickled; each task gets a fresh child, which is
the simplest pool that is "replaced when a worker is killed". Children also get an address-space
limit so a runaway expansion dies quickly.
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
#: A task's timeout is CPU time of its child (so a loaded machine cuts nothing short and the
#: same notes give the same results); the wall clock only backs it up, this many times longer.
WALL_SLACK = 4.0
WALL_EXTRA = 2.0


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


def _send(fd: int, payload: tuple[str, Any, str]) -> None:
    """Write one length-prefixed pickled frame."""
    try:
        data = pickle.dumps(payload)
    except Exception as exc:
        data = pickle.dumps(("error", None, f"unpicklable result: {exc}"[:300]))
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _failure(exc: BaseException) -> tuple[str, Any, str]:
    if isinstance(exc, MemoryError):
        return ("error", None, "ran out of memory")
    if isinstance(exc, RecursionError):
        return ("error", None, "expression too deeply nested")
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {last[0].name})" if last else ""
    return ("error", None, f"{type(exc).__name__}: {exc}{where}"[:500])


def _mapped() -> int:
    """Bytes of address space this process has mapped (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(fn: Callable[..., Any], args: tuple[Any, ...], fd: int, stream: bool,
           cpu_seconds: float) -> None:
    """Body of a forked child: compute, pickle the outcome into `fd`, and leave at once.

    A streaming task's function is a generator: each item it yields is sent at once as an
    ("item", value) frame, so what was computed before a kill is not lost.
    """
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.setitimer(signal.ITIMER_VIRTUAL, max(cpu_seconds, 0.01))  # SIGVTALRM kills it
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = _mapped() + MEMORY_LIMIT  # what the parent had mapped (V8 reserves TBs) + budget
            cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        except (ValueError, OSError):
            pass
        try:
            if stream:
                for item in fn(*args):
                    _send(fd, ("item", item, ""))
                payload: tuple[str, Any, str] = ("ok", None, "")
            else:
                payload = ("ok", fn(*args), "")
        except Exception as exc:  # any failure inside sympy becomes a message, not a crash
            payload = _failure(exc)
        _send(fd, payload)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _frames(data: bytes) -> list[tuple[str, Any, str]]:
    """Decode the complete frames of a child's output (a cut-off last frame is dropped)."""
    frames = []
    at = 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 8], "big")
        if at + 8 + size > len(data):
            break
        frames.append(pickle.loads(data[at + 8:at + 8 + size]))
        at += 8 + size
    return frames


class _Running:
    """A forked child in flight: its pid, the read end of its pipe and its deadline."""

    def __init__(self, key: Any, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float,
                 stream: bool = False):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _child(fn, args, write_fd, stream, timeout)
        os.close(write_fd)
        self.stream = stream
        self.key = key
        self.pid = pid
        self.fd = read_fd
        self.start = time.monotonic()
        self.deadline = self.start + max(timeout, 0.01) * WALL_SLACK + WALL_EXTRA
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
        frames = _frames(b"".join(self.chunks))
        items = [value for kind, value, _ in frames if kind == "item"]
        if not frames or frames[-1][0] == "item":
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGVTALRM:
                return Outcome("timeout", items if self.stream else None, seconds=elapsed)
            if os.WIFSIGNALED(status):
                sig = os.WTERMSIG(status)
                message = f"worker died (signal {sig})"
            else:
                message = "worker exited without a result"
            return Outcome("error", items if self.stream else None, message, elapsed)
        kind, value, message = frames[-1]
        return Outcome(kind, items if self.stream else value, message, elapsed)

    def kill(self) -> Outcome:
        """Kill the child after its deadline and reap it (a stream keeps the items it sent)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            while self.stream and not self.read():
                pass
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        items = None
        if self.stream:
            items = [v for kind, v, _ in _frames(b"".join(self.chunks)) if kind == "item"]
        return Outcome("timeout", items, seconds=time.monotonic() - self.start)


def run(fn: Callable[..., Any], *args: Any, timeout: float) -> Outcome:
    """Run `fn(*args)` in a forked child; stop it after `timeout` CPU seconds."""
    return next(iter(run_many([(None, fn, args, timeout)], jobs=1)))[1]


def run_stream(fn: Callable[..., Iterable[Any]], *args: Any, timeout: float) -> Outcome:
    """Run the generator `fn(*args)` in a forked child; the outcome's value is the list of items
    it yielded -- all of them when it finished, those before the kill on a timeout."""
    child = _Running(None, fn, args, timeout, stream=True)
    try:
        while True:
            wait = max(0.0, child.deadline - time.monotonic())
            ready, _, _ = select.select([child.fd], [], [], wait)
            if ready:
                if child.read():
                    return child.finish()
            elif time.monotonic() >= child.deadline:
                return child.kill()
    except BaseException:
        with contextlib.suppress(OSError, ChildProcessError):
            child.kill()
        raise


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
