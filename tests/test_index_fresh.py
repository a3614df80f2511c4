"""A first build with no index file goes to a building file of its own, renamed into place
whole: a crash mid-build leaves no index, and the index after is in WAL mode like any."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lemma.index import fresh
from lemma.index.refresh import VaultIndex
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault
from tests.index_vaults import assert_same_vault, index_tables

REPO = Path(__file__).resolve().parent.parent

#: A first build of argv[1] into argv[2] that dies (os._exit) as its links are written,
#: streamed (argv[3] "stream", in the writer thread) or in memory.
CRASH = """
import os, sys
from pathlib import Path
import lemma.index.bulk as bulk
from lemma.index import link_rows
from lemma.index.refresh import VaultIndex
if sys.argv[3] == "stream":
    bulk.STREAM_MIN, bulk.CHUNK = 1, 40
link_rows.write_links = link_rows.write_prepared = lambda *args, **kwargs: os._exit(3)
with VaultIndex(Path(sys.argv[1]), file=Path(sys.argv[2]), jobs=2) as index:
    index.refresh()
    index.db
"""


def _vault(tmp_path: Path, notes: int = 120) -> Path:
    root = tmp_path / "vault"
    write_synthetic_vault(root, notes)
    return root


def _journal(file: Path) -> str:
    db = sqlite3.connect(file)
    try:
        return db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("how", ["stream", "memory"], ids=["streamed", "in memory"])
def test_a_build_that_dies_leaves_no_index_and_the_next_builds_it(tmp_path: Path,
                                                                   how: str) -> None:
    root = _vault(tmp_path)
    file = tmp_path / "cache" / "index.sqlite"
    done = subprocess.run([sys.executable, "-c", CRASH, str(root), str(file), how],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert done.returncode == 3, done.stderr
    assert not file.exists()  # no half index: only the building file, which no one holds
    assert fresh.building_file(file).exists()
    with VaultIndex(root, file=file) as index:
        assert_same_vault(index.vault(), load_vault(root))
        assert index.notice is None
    assert not fresh.building_file(file).exists()
    assert _journal(file) == "wal"
    with VaultIndex(root, file=file) as again:
        assert not again.refresh().changed


def test_the_first_index_is_renamed_into_place_whole_in_wal_mode(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    file = tmp_path / "index.sqlite"
    with VaultIndex(root, file=file) as index:
        assert not file.exists()  # nothing until built
        index.refresh()
        index.db  # noqa: B018 - the writing is done
        assert file.exists() and not fresh.building_file(file).exists()
        assert not Path(f"{file}-wal").exists() or Path(f"{file}-wal").stat().st_size == 0
        tables = index_tables(index.db)
    assert _journal(file) == "wal"
    (tmp_path / "empty").mkdir()
    with VaultIndex(tmp_path / "empty", file=tmp_path / "in-place.sqlite") as empty:
        empty.refresh()  # an index file with no notes: the build below goes into it
    with VaultIndex(root, file=tmp_path / "in-place.sqlite") as other:
        other.refresh()
        assert index_tables(other.db) == tables


def test_an_empty_vault_gets_an_empty_index(tmp_path: Path) -> None:
    (tmp_path / "vault").mkdir()
    file = tmp_path / "index.sqlite"
    with VaultIndex(tmp_path / "vault", file=file) as index:
        assert not index.refresh().changed
    with VaultIndex(tmp_path / "vault", file=file) as index:
        assert (index.notice, index.refresh().changed, _journal(file)) == (None, False, "wal")


def test_a_command_waits_for_another_first_build_then_builds_if_it_died(
        tmp_path: Path) -> None:
    """While another process holds the building file, a command with no index waits (rather
    than parse everything a second time); a builder that dies lets it build."""
    root = _vault(tmp_path)
    file = tmp_path / "index.sqlite"
    other = fresh.claim(file)  # a builder (its flock held through another descriptor)
    assert other is not None
    found: list[object] = []

    def command() -> None:
        with VaultIndex(root, file=file) as index:
            found.append(index.vault())

    thread = threading.Thread(target=command)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive() and not found  # waiting for the builder
    other.release()  # the builder died, leaving its file
    thread.join(60)
    assert not thread.is_alive()
    assert_same_vault(found[0], load_vault(root))  # type: ignore[arg-type]
    assert file.exists() and not fresh.building_file(file).exists()


def test_a_command_waiting_for_a_builder_uses_its_index(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    file = tmp_path / "index.sqlite"
    with VaultIndex(root, file=tmp_path / "built.sqlite") as built:
        built.refresh()
        built.db  # noqa: B018
    other = fresh.claim(file)
    assert other is not None
    notices: list[object] = []

    def command() -> None:
        with VaultIndex(root, file=file) as index:
            notices.append((index.refresh().changed, index.notice))

    thread = threading.Thread(target=command)
    thread.start()
    time.sleep(0.3)
    os.replace(tmp_path / "built.sqlite", file)  # the builder publishes, then lets go
    other.release()
    thread.join(60)
    assert notices == [(False, None)]  # nothing parsed again


def test_a_first_build_flushes_its_file_early_and_publishes_after_the_flush(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once its notes are parsed, a first build's own file starts going to disk in a thread
    (the syncs at its rename then wait for the rest only); the rename waits for that flush,
    whose failure (a file system without fdatasync) changes nothing."""
    root = _vault(tmp_path)
    events: list[str] = []
    real_fsync = os.fsync

    def fdatasync(fd: int) -> None:
        events.append(f"flush {fd}")
        time.sleep(0.3)  # a slow disk: the rename must wait
        events.append("flushed")
        raise OSError("not supported here")

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    monkeypatch.setattr(fresh.os, "fdatasync", fdatasync)
    monkeypatch.setattr(fresh.os, "fsync", fsync)
    file = tmp_path / "index.sqlite"
    with VaultIndex(root, file=file) as index:
        index.refresh()  # the flush starts as the writer thread does
        building = index._fresh
        assert building is not None
        fd = building.fd
        index.db  # noqa: B018 - the writing is done, the file renamed
        assert events[:3] == [f"flush {fd}", "flushed", "fsync"]
        assert building.flushing is None and building.fd == -1
        assert file.exists() and not fresh.building_file(file).exists()
        assert index_tables(index.db) == index_tables_of_a_rebuild(root, tmp_path)


def index_tables_of_a_rebuild(root: Path, tmp_path: Path) -> dict[str, list]:
    with VaultIndex(root, file=tmp_path / "again.sqlite", jobs=1) as again:
        again.refresh()
        return index_tables(again.db)


def test_a_discarded_first_build_waits_for_its_early_flush(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A build that fails while its file is being flushed closes that file only after."""
    events: list[str] = []

    def fdatasync(fd: int) -> None:
        time.sleep(0.2)
        events.append("flushed")

    monkeypatch.setattr(fresh.os, "fdatasync", fdatasync)
    building = fresh.claim(tmp_path / "index.sqlite")
    assert building is not None
    building.flush_early()
    building.discard()
    assert events == ["flushed"] and building.fd == -1
    assert not fresh.building_file(tmp_path / "index.sqlite").exists()
