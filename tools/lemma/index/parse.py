"""Reading and parsing many notes at once, in worker processes when there are many.

Each file is stat-ed before it is read, so a change made while it is parsed leaves a signature
the next refresh sees as different. Workers are forked (they inherit the slugify function and
need no pickling of it) and return each note already pickled: the bytes the index stores.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..links import Slugify
from ..model import Diagnostic, Note
from ..note_parse import parse_note
from ..vault import gc_paused
from ..vault_fs import NoteFileError, prefetch, read_note_file, read_or_problem
from .filestat import NO_FILE, signature, signature_of
from .rows import NOTE_BLOB, NoteRows, note_rows

#: Below this many files, parsing in this process beats starting workers.
PARALLEL_MIN = 400
#: Notes parsed here per batch when there are no workers (a progress display follows them).
SERIAL_BATCH = 1_000
#: The share of the files the workers parse; this process parses the rest meanwhile. A note
#: from a worker costs this process its unpickling (a quarter of a parse) and the resolution
#: of every link follows the parse here, so this process takes about a third.
WORKER_SHARE = 0.66


@dataclass(slots=True)
class Parsed:
    """One file as read now: its note (None if unreadable), problems and index rows (made
    later, by `stored_rows`, for notes parsed in this process)."""

    path: str
    note: Note | None
    problems: list[Diagnostic]
    rows: NoteRows | None
    signature: tuple[int, int, int, int] = NO_FILE
    digest: bytes = b""

    def stored_rows(self, indexed_ns: int) -> NoteRows:
        if self.rows is None:
            self.rows = note_rows(self.path, self.signature, self.digest, self.note, None,
                                  self.problems, indexed_ns)
        return self.rows


def content_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def parse_file(root: Path, path: str, slugify: Slugify | None, max_bytes: int,
               indexed_ns: int, rows: bool = True) -> Parsed:
    """Stat, read, hash and parse one note file, and make its index rows (or leave them for
    `Parsed.stored_rows`)."""
    try:  # the stat read_note_file makes before reading is the signature (one stat, not two)
        text, info = read_note_file(root, path, max_bytes)
        sig, problems = signature_of(info), []
    except NoteFileError:  # rare: stat, then read again, so a change in between is seen later
        sig = signature(f"{root}/{path}")
        text, problems = read_or_problem(root, path, max_bytes)
    if text is None:
        parsed = Parsed(path, None, problems, None, sig)
    else:
        note, problems = parse_note(path, text, slugify)
        parsed = Parsed(path, note, problems, None, sig, content_digest(text))
    if rows:
        parsed.stored_rows(indexed_ns)
    return parsed


_job: tuple[Path, list[str], Slugify | None, int, int] | None = None


def _work(bounds: tuple[int, int]) -> bytes:
    """In a worker: parse paths[lo:hi] of the job; the results pickled in one piece."""
    assert _job is not None
    root, paths, slugify, max_bytes, indexed_ns = _job
    with gc_paused():
        out = [(parsed.path, parsed.problems, parsed.rows) for parsed in parse_files(
            root, paths[bounds[0]:bounds[1]], slugify, max_bytes, indexed_ns)]
        return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


def parse_files(root: Path, paths: list[str], slugify: Slugify | None, max_bytes: int,
                indexed_ns: int, rows: bool = True) -> list[Parsed]:
    """`parse_file` of each path, their reading asked of the kernel first (`prefetch`)."""
    prefetch(root, paths)
    return [parse_file(root, p, slugify, max_bytes, indexed_ns, rows) for p in paths]


def parse_batches(root: Path, paths: list[str], slugify: Slugify | None, max_bytes: int,
                  indexed_ns: int, jobs: int | None = None) -> Iterator[list[Parsed]]:
    """Parse `paths` (in that order) batch by batch: when there are many, `jobs` forked
    workers parse the first WORKER_SHARE of them while this process parses the rest.

    A worker sends each note as the pickle the index stores (`rows.note[NOTE_BLOB]`), so the
    note crosses the process boundary once and is not pickled again for storing; the notes
    parsed here cross nothing, and their rows are made later (`Parsed.stored_rows`).
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(paths) < PARALLEL_MIN or threading.active_count() > 1 or (
            not hasattr(os, "fork")):
        with gc_paused():
            for lo in range(0, len(paths), SERIAL_BATCH):
                yield parse_files(root, paths[lo:lo + SERIAL_BATCH], slugify, max_bytes,
                                  indexed_ns, rows=False)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _job
    split = int(len(paths) * WORKER_SHARE)
    _job = (root, paths[:split], slugify, max_bytes, indexed_ns)
    step = max(50, split // (jobs * 16))
    chunks = [(lo, min(lo + step, split)) for lo in range(0, split, step)]
    # not multiprocessing.Pool: a worker killed by the OOM killer loses its chunk there and
    # the build waits for it forever; here the pool breaks and the chunk is parsed here
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    finished = False
    try:
        with gc_paused():
            futures = [pool.submit(_work, chunk) for chunk in chunks]  # the workers start now
            mine = parse_files(root, paths[split:], slugify, max_bytes, indexed_ns, rows=False)
            for (lo, hi), future in zip(chunks, futures, strict=True):
                try:
                    batch = future.result()
                except BrokenProcessPool:  # a worker died (kill -9): redo its work here
                    yield parse_files(root, paths[lo:hi], slugify, max_bytes, indexed_ns,
                                      rows=False)
                    continue
                found = []
                for path, problems, rows in pickle.loads(batch):
                    blob = rows.note[NOTE_BLOB]
                    note = pickle.loads(blob) if blob is not None else None
                    found.append(Parsed(path, note, problems, rows))
                yield found
            yield mine
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        _job = None
