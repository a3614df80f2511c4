"""A big vault's first build, streamed by workers into the index, equals the in-memory build."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lemma.graph.concept import build_graph
from lemma.graph.indexed import stats_from_index
from lemma.index import meta_rows, store
from lemma.index.refresh import VaultIndex
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault
from tests.conftest import write_files
from tests.index_vaults import HAND_MADE, assert_queries_agree, assert_same_vault, index_tables

REPO = Path(__file__).resolve().parent.parent

#: Streams a first build into argv[2] (forked workers need a process without threads); argv[3]
#: "kill" makes the worker of the second chunk die, so its chunk is parsed in this process.
STREAMED = """
import os, sys
from pathlib import Path
import json
import lemma.index.bulk as bulk
from lemma.graph.indexed import stats_from_links
from lemma.index.refresh import VaultIndex
bulk.STREAM_MIN, bulk.CHUNK = 1, 40
if sys.argv[3] == "kill":
    real = bulk._work
    def _work(bounds):
        if bounds[0] == bulk.CHUNK:
            os._exit(9)
        return real(bounds)
    _work.__qualname__ = "_work"
    bulk._work = _work
here = []
shipped = bulk._shipped
bulk._shipped = lambda *args: here.append(1) or shipped(*args)  # in this process (no worker)
told = []
with VaultIndex(Path(sys.argv[1]), file=Path(sys.argv[2]), jobs=2,
                progress=lambda done, of: told.append((done, of))) as index:
    report = index.refresh()
    print(len(report.parsed), report.vault is None, index.notice, len(here) > 0)
    print(json.dumps(stats_from_links(report.light, top=10**6)))  # while the index is written
print(json.dumps([told[-1], sorted({d for d, _ in told}) == [d for d, _ in told], len(told)]))
"""

BAD = {"bad.md": b"\xff\xfe not UTF-8", "papers/x.md": "---\ntitle: [unclosed\n---\n[[Hub]]\n",
       "takes/odd.md": "---\ntitle: Odd\ndate: 2021-13-45\n---\n[[Hub#Nowhere]] [[Missing]]\n"}


def _vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    write_synthetic_vault(root, 300)
    write_files(root, {**HAND_MADE, **BAD})
    return root


def _streamed(root: Path, file: Path, how: str = "") -> str:
    done = subprocess.run([sys.executable, "-c", STREAMED, str(root), str(file), how or "-"],
                          text=True, capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("how", ["", "kill"], ids=["workers", "a worker killed"])
def test_a_streamed_first_build_equals_the_in_memory_one(tmp_path: Path, how: str) -> None:
    root = _vault(tmp_path)
    notes = sum(1 for p in root.rglob("*.md"))
    here = bool(how)  # the chunks of a killed worker, and those after, are parsed here
    printed, stats, told = _streamed(root, tmp_path / "streamed.sqlite", how).splitlines()
    assert printed == f"{notes} True None {here}"
    assert json.loads(told) == [[notes, notes], True, -(-notes // 40)]  # a step a chunk
    with VaultIndex(root, file=tmp_path / "streamed.sqlite") as streamed, \
            VaultIndex(root, file=tmp_path / "memory.sqlite", jobs=1) as memory:
        assert not streamed.refresh().changed  # what was written is what a refresh expects
        assert memory.refresh().vault is not None  # built in memory (a small vault)
        assert index_tables(streamed.db) == index_tables(memory.db)
        assert _indexes(streamed.db) == _indexes(memory.db) == sorted(store.SECONDARY_INDEXES)
        assert meta_rows.signatures(streamed.db) == {r[0]: r[1:] for r in streamed.db.execute(
            "SELECT path, size, mtime_ns, ctime_ns, ino, indexed_ns FROM notes")}
        fresh = load_vault(root)
        assert json.loads(stats) == json.loads(json.dumps(build_graph(fresh).stats(top=10**6)))
        assert json.loads(stats) == json.loads(json.dumps(stats_from_index(streamed.db, 10**6)))
        assert_queries_agree(streamed.db, fresh, random.Random(5))
        assert_same_vault(streamed.vault(), fresh)


def _indexes(db: sqlite3.Connection) -> list[str]:
    return sorted(r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_one_job_streams_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    from lemma.index import bulk

    root = _vault(tmp_path)
    monkeypatch.setattr(bulk, "STREAM_MIN", 1)
    monkeypatch.setattr(bulk, "CHUNK", 40)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)  # (pytest may hold threads)
    with VaultIndex(root, file=tmp_path / "one.sqlite", jobs=1) as one, \
            VaultIndex(root, file=tmp_path / "memory.sqlite", jobs=1) as memory:
        assert one.refresh().vault is None  # streamed: no vault held
        monkeypatch.setattr(bulk, "STREAM_MIN", 10**9)
        assert memory.refresh().vault is not None
        assert index_tables(one.db) == index_tables(memory.db)


def test_a_small_first_build_keeps_its_vault_for_the_caller(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    with VaultIndex(root, file=tmp_path / "index.sqlite") as index:
        report = index.refresh()
        assert report.vault is not None
        assert_same_vault(report.vault, load_vault(root), graph=False)


def test_a_streamed_first_build_is_checkpointed_into_the_index_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into an index file that exists (empty here), COMMIT leaves the WAL to a thread: once it
    is done, the index file alone (no WAL) holds the whole build."""
    import shutil

    from lemma.index import bulk

    root = _vault(tmp_path)
    monkeypatch.setattr(bulk, "STREAM_MIN", 1)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    (tmp_path / "empty").mkdir()
    with VaultIndex(tmp_path / "empty", file=tmp_path / "index.sqlite") as empty:
        empty.refresh()  # an index file with no notes
    with VaultIndex(root, file=tmp_path / "index.sqlite", jobs=1) as index:
        assert index.refresh().light is not None
        index.db  # noqa: B018 - waits for the writer, which starts the checkpoint
        assert index._checkpoint is not None
        index._checkpoint.finish()
        shutil.copy(tmp_path / "index.sqlite", tmp_path / "alone.sqlite")  # without its WAL
        alone = sqlite3.connect(tmp_path / "alone.sqlite")
        try:
            notes = alone.execute("SELECT count(*) FROM notes").fetchone()[0]
        finally:
            alone.close()
        assert notes == sum(1 for _ in root.rglob("*.md"))
        assert index.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert not (tmp_path / "index.sqlite-wal").exists()  # the last connection removed it


def test_graph_stats_are_the_same_from_every_route_of_a_refresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`index_stats`: from a streamed build's light vault (while the index is written), from a
    small build's vault, and from the index itself, the same stats as `load_vault`'s graph."""
    from lemma.graph import indexed
    from lemma.index import bulk

    root = _vault(tmp_path)
    expected = build_graph(load_vault(root)).stats(top=50)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    routes: list[str] = []
    for name in ("_summary", "stats_from_index"):
        real = getattr(indexed, name)
        monkeypatch.setattr(indexed, name, lambda *a, real=real, name=name, **k: (
            routes.append(name), real(*a, **k))[1])
    for stream_min in (1, 10**9):
        monkeypatch.setattr(bulk, "STREAM_MIN", stream_min)
        with VaultIndex(root, file=tmp_path / f"{stream_min}.sqlite", jobs=1) as index:
            assert index_stats_twice(indexed.index_stats, index) == [expected, expected]
    assert routes == ["_summary", "stats_from_index", "stats_from_index"]


def index_stats_twice(index_stats: Any, index: VaultIndex) -> list[dict[str, Any]]:
    """The stats of a first refresh, then of a warm one (nothing changed)."""
    return [index_stats(index, top=50), index_stats(index, top=50)]


def test_keeping_freed_memory_asks_glibc_on_linux_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first build's mallopt calls: both thresholds on Linux, nothing elsewhere, and no
    error where the C library has no mallopt."""
    import ctypes

    from lemma.index import bulk

    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, option: int, value: int) -> int:
            calls.append((option, value))
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(sys, "platform", "linux")
    bulk._keep_freed_memory()
    assert calls == [(-1, 1 << 30), (-3, 32 << 20)]  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    calls.clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    bulk._keep_freed_memory()
    assert calls == []
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())  # a libc without mallopt
    bulk._keep_freed_memory()
    assert calls == []


def test_a_streamed_first_build_indexes_note_text_and_keeps_it_in_step(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A streamed build fills `note_text` without its triggers and builds the full-text index
    from it at once: the index matches the table, the triggers are back, so later edits reach
    the index; a rebuild on the same connection does it all again."""
    import time

    from lemma.index import bulk
    from lemma.index.queries import search

    root = _vault(tmp_path)
    monkeypatch.setattr(bulk, "STREAM_MIN", 1)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    (tmp_path / "empty").mkdir()
    with VaultIndex(tmp_path / "empty", file=tmp_path / "index.sqlite") as empty:
        empty.refresh()  # an index file with no notes: the first build goes into it
    probe = root / "probe.md"
    probe.write_text("# Probe\n\nA zebrafish swims here.\n", encoding="utf-8")
    with VaultIndex(root, file=tmp_path / "index.sqlite", jobs=1) as index:
        for _ in range(2):
            assert index.refresh().light is not None
            assert store.check_schema(index.db, index.db.execute(
                "SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()[0]) is None
            index.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
            assert [h.path for h in search(index.db, "quixotically")] == []
            index._rebuild("a test")  # the second pass: a first build on this connection
        assert index.refresh().light is not None
        assert not index.memory
        assert [h.path for h in search(index.db, "zebrafish")] == ["probe.md"]
        time.sleep(0.01)
        probe.write_text("# Probe\n\nA quixotically swimming fish.\n", encoding="utf-8")
        assert index.refresh().changed
        assert [h.path for h in search(index.db, "quixotically")] == ["probe.md"]
        assert [h.path for h in search(index.db, "zebrafish")] == []
        index.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
