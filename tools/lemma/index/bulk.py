"""A first build of a big vault, streamed into the index instead of held in memory.

Forked workers parse the notes chunk by chunk and send each chunk back as index rows. This
process writes every chunk as it arrives; from the note's pickle in its row it makes the note's
full-text columns and keeps a light copy (no body, no frontmatter but its citekey: all resolving
links needs); then it resolves the links and writes them. Peak memory is the light notes and
the chunks in flight, not the whole vault, its pickles and a graph at once (2.2 GB at 100k
notes before). A vault smaller than STREAM_MIN is built in memory (`apply.store_changes`): its
caller gets the vault back at once, which a small vault's first command wants.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..links import Slugify
from ..model import Note, new_note
from ..vault import Vault, citekey_of, gc_paused
from ..vault_fs import Listing
from . import link_rows, meta_rows, search_rows, store
from .parse import parse_files
from .rows import NOTE_BLOB

#: From this many new notes a first build streams (below it, the vault is kept for the caller).
STREAM_MIN = 20_000
#: Notes per chunk a worker parses and sends back in one piece.
CHUNK = 500
#: Chunks in flight per worker: enough to keep the workers busy while this process writes,
#: few enough that unread results do not pile up in memory.
AHEAD = 3

def can_stream(count: int, jobs: int | None) -> bool:
    """Whether a first build of `count` notes streams: a big one, in a process without threads
    (a language server's first load wants its vault back at once; forking needs no threads)."""
    return count >= STREAM_MIN and threading.active_count() == 1


def light(note: Note) -> Note:
    """The note as resolution sees it: its names, headings, block ids and links."""
    key = citekey_of(note)
    return new_note(note.path, note.kind, note.title, {"citekey": key} if key else {}, "",
                    note.body_line, note.aliases, note.tags, note.headings, note.block_ids,
                    note.links)  # `dataclasses.replace(note, body=…, meta=…)`, 3x sooner


_job: tuple[Path, list[str], Slugify | None, int, int] | None = None


def _work(bounds: tuple[int, int]) -> bytes:
    """In a worker: paths[lo:hi] of the job, shipped and pickled in one piece."""
    assert _job is not None
    root, paths, slugify, max_bytes, now = _job
    with gc_paused():
        return pickle.dumps(_shipped(root, paths[bounds[0]:bounds[1]], slugify, max_bytes, now),
                            protocol=pickle.HIGHEST_PROTOCOL)


def _shipped(root: Path, paths: list[str], slugify: Slugify | None, max_bytes: int,
             now: int) -> list[store.NoteRows]:
    """The notes' rows (`parse_files`): the pickle in them is all this process needs of a
    note (its body, once)."""
    return [parsed.stored_rows(now) for parsed in parse_files(root, paths, slugify, max_bytes,
                                                               now)]


def _chunks(root: Path, paths: list[str], slugify: Slugify | None, max_bytes: int, now: int,
            jobs: int) -> Iterator[list[store.NoteRows]]:
    """The shipped notes in path order, chunk by chunk, parsed by `jobs` forked workers (a
    chunk whose worker died is parsed here), or here with one job."""
    if jobs < 2 or not hasattr(os, "fork"):
        for lo in range(0, len(paths), CHUNK):
            yield _shipped(root, paths[lo:lo + CHUNK], slugify, max_bytes, now)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _job
    _job = (root, paths, slugify, max_bytes, now)
    bounds = deque((lo, min(lo + CHUNK, len(paths))) for lo in range(0, len(paths), CHUNK))
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    pending: deque[tuple[tuple[int, int], Future[bytes]]] = deque()
    finished = False
    try:
        while bounds or pending:
            while bounds and len(pending) < jobs * AHEAD:
                chunk = bounds.popleft()
                try:
                    pending.append((chunk, pool.submit(_work, chunk)))
                except BrokenProcessPool:
                    pending.append((chunk, _broken()))
            (lo, hi), future = pending.popleft()
            try:
                blob = future.result()
            except BrokenProcessPool:  # a worker died (kill -9, OOM): this chunk is done here
                yield _shipped(root, paths[lo:hi], slugify, max_bytes, now)
                continue
            yield pickle.loads(blob)
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)
        _job = None


def _keep_freed_memory() -> None:
    """From now on, glibc's malloc keeps freed memory for reuse (here and in the workers forked
    later) instead of handing it back and faulting it in again: every chunk allocates and frees
    megabytes of text and pickles (100k notes: 660k page faults, then 290k). For the rest of
    the process: a one-shot command's, which the build's peak memory bounds anyway; putting
    the defaults back would end glibc's adaptive thresholds, which the command's own big
    arrays (PageRank's) then pay for. Elsewhere, and without mallopt, nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt(_M_TRIM_THRESHOLD, 1 << 30)
        mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest


#: mallopt's parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _broken() -> Any:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    future: Future[bytes] = Future()
    future.set_exception(BrokenProcessPool("the pool is broken"))
    return future


def build(db: Any, root: Path, listing: Listing, paths: list[str], slugify: Slugify | None,
          max_bytes: int, now: int, jobs: int | None,
          progress: Callable[[int, int], None] | None = None
          ) -> tuple[list[str], Vault, Callable[[], None]]:
    """Write the notes of a first build of `paths` and resolve their links (inside the
    caller's transaction); the paths parsed in order, the light vault (names, kinds, titles,
    resolved links) and the writing left, which may run in a thread (`writer.Writer`) while
    the command works from the light vault. The full-text rows may still be going in, in a
    thread of their own, when this returns: the writing left waits for them first, and
    nothing else may use `db` before it has run."""
    jobs = jobs or os.cpu_count() or 1
    notes: dict[str, Note] = {}
    columns: dict[str, list[tuple[Any, ...]]] = {}
    signatures: dict[str, tuple[int, ...]] = {}
    store.drop_secondary_indexes(db)
    store.drop_search_triggers(db)
    _keep_freed_memory()
    with gc_paused():
        done = 0
        for chunk in _chunks(root, paths, slugify, max_bytes, now, jobs):
            store.write_notes(db, chunk)
            signatures.update((r.note[0], r.signature) for r in chunk)
            texts = []
            for r in chunk:
                if (blob := r.note[NOTE_BLOB]) is not None:  # a worker's pickle: trusted
                    note = pickle.loads(blob)
                    texts.append((note.path, search_rows.search_columns(note)))
                    notes[note.path] = light(note)
                    columns[note.path] = r.links
            search_rows.write_texts(db, texts)  # (its triggers dropped)
            done += len(chunk)
            if progress is not None:
                progress(done, len(paths))
        search = _Background(db, [_AUTOMERGE.format(0),
                                  "INSERT INTO search(search) VALUES ('rebuild')",
                                  _AUTOMERGE.format(4),
                                  *map(store.create_index, store.NOTE_INDEXES)])
        try:
            vault = Vault(root, notes, listing.attachments, {}, slugify, max_bytes)
        except BaseException:
            search.finish()
            raise
    held = {"links": [(s, vault.resolved[s]) for s in sorted(vault.resolved)],
            "columns": columns, "signatures": signatures}  # let go of once written
    variables = db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    def rest() -> None:  # touches only `db` and plain data: may run in the writer thread
        with gc_paused():  # the links' statements made while the full-text index is built,
            links = link_rows.prepare_links(held.pop("links"), held.pop("columns"), True,
                                            variables)  # so storing them needs no GIL
        search.finish()  # (the full-text index may still be building: the caller works meanwhile)
        with gc_paused():
            link_rows.write_prepared(db, links)
            store.create_secondary_indexes(db)
            store.create_search_triggers(db)
            store.save_attachments(db, listing.attachments)
            meta_rows.save_signatures(db, held.pop("signatures"))
            meta_rows.save_counts(db)

    return paths, vault, rest


#: FTS5's incremental merging, off while the full-text index is built at once from
#: `note_text` (tokenizing, 3-4 s at 100k notes in SQLite without the GIL, then indexing the
#: notes' tables overlaps the resolution of the links; without merging 3.3 -> 2.8 CPU-s, the
#: same search speed after), then back to its default of 4.
_AUTOMERGE = "INSERT INTO search(search, rank) VALUES ('automerge', {})"


class _Background:
    """SQL statements run in a thread (SQLite releases the GIL while it works); `finish`
    waits for them and raises their error."""

    def __init__(self, db: Any, sql: list[str]) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(db, sql),
                                       name="lemma-index-search")
        self.thread.start()

    def _run(self, db: Any, sql: list[str]) -> None:
        try:
            for statement in sql:
                db.execute(statement)
        except BaseException as error:  # handed to the thread that waits
            self.error = error

    def finish(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error
