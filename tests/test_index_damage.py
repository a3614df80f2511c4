"""A damaged, tampered, read-only or full index (issue 27, items 4, 7a, 11): every command
answers as a fresh run with `.lemma-cache/` deleted, or fails with one line; it never answers
wrongly and never asks to be run again. Also the parse worker killed during a cold build."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.index import meta_rows, store
from lemma.index.changes import RACY_NS
from tests.conftest import REPO, write_files
from tests.test_index_cli import COMMANDS, NOTES


def lemma(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--notes", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def sql(file: Path, *statements: str) -> None:
    db = sqlite3.connect(file)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def corrupt_page(file: Path) -> None:
    """Overwrite the third page (a table's b-tree page) with junk, as a bad sector would."""
    data = bytearray(file.read_bytes())
    assert len(data) > 4 * 4096
    data[2 * 4096:3 * 4096] = bytes((i * 37 + 11) % 251 for i in range(4096))
    file.write_bytes(bytes(data))


def foreign_same_tables(file: Path) -> None:
    """Another program's SQLite file that happens to have Lemma's table names."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(file)
    db.executescript(store.SCHEMA)
    db.execute("INSERT INTO notes(path, title, kind, note) VALUES ('x.md', 'Foreign', 'note', "
               "x'00')")
    db.commit()
    db.close()


SPOILERS: dict[str, Callable[[Path], None]] = {
    "corrupt-page": corrupt_page,
    "foreign-same-tables": foreign_same_tables,
    "dropped-links": lambda f: sql(f, "DROP TABLE links"),
    "dropped-search": lambda f: sql(f, "DROP TABLE search"),
    "emptied-search": lambda f: sql(f, "DELETE FROM search"),
    "emptied-links": lambda f: sql(f, "DELETE FROM links"),
    "title-of-wrong-type": lambda f: sql(f, "UPDATE notes SET title = x'3432'"),  # a blob
    "aliases-of-wrong-type": lambda f: sql(f, "UPDATE notes SET aliases = x'00ff'"),
    "link-line-of-wrong-type": lambda f: sql(f, "UPDATE links SET line = 'x', start = 'y'"),
    "mtime-of-wrong-type": lambda f: sql(f, "UPDATE notes SET mtime_ns = 'soon', broken = 'x'"),
    "status-of-wrong-type": lambda f: sql(f, "UPDATE links SET status = x'6f6b'"),
    "listing-of-wrong-type": lambda f: sql(f, "UPDATE listings SET lines = x'6f6b'"),
    "dropped-listing-trigger": lambda f: sql(f, "DROP TRIGGER listings_update"),
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """Each command's output on a vault whose index is sound (a fresh run)."""
    good = write_files(tmp_path_factory.mktemp("good") / "vault", NOTES)
    return {name: lemma(good, *args) for name, args in COMMANDS.items()} | {"root": good}


def same_as_fresh(got: tuple[int, str, str], want: tuple[int, str, str], good: Path,
                  bad: Path) -> bool:
    return got[:2] == (want[0], want[1].replace(str(good), str(bad)))


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
@pytest.mark.parametrize("spoiler", SPOILERS.values(), ids=SPOILERS.keys())
def test_a_damaged_index_gives_the_fresh_answer_with_at_most_one_notice(
        tmp_path: Path, fresh, spoiler, command: str) -> None:
    bad = write_files(tmp_path / "bad" / "vault", NOTES)
    assert lemma(bad, "list")[0] == 0
    file = store.index_file(bad)
    spoiler(file)
    for attempt in ("first", "second"):
        got = lemma(bad, *COMMANDS[command])
        assert same_as_fresh(got, fresh[command], fresh["root"], bad), (attempt, got)
        notices = got[2].replace(fresh[command][2], "")
        assert notices.count("\n") <= 1, notices
        assert "again" not in notices and "Traceback" not in notices
        if attempt == "second":
            assert notices == "", notices  # the first run rebuilt the index (or removed it)


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Open every index file read-only, as SQLite does a file its user cannot write."""
    real = store.connect

    def connect(path):  # type: ignore[no-untyped-def]
        if str(path) == ":memory:":
            return real(path)
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                             check_same_thread=False)
        db.create_function("casefold", 1, store._casefold, deterministic=True)
        return db

    monkeypatch.setattr(store, "connect", connect)


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
def test_a_read_only_index_gives_the_fresh_answer(tmp_path: Path, fresh, command: str,
                                                   monkeypatch) -> None:
    bad = write_files(tmp_path / "bad" / "vault", NOTES)
    assert lemma(bad, "list")[0] == 0
    for path, text in NOTES.items():  # every note changed: the refresh has to write
        (bad / path).write_text(text + "\n", encoding="utf-8")
    write_files(bad, NOTES)
    read_only(monkeypatch)
    got = lemma(bad, *COMMANDS[command])
    assert same_as_fresh(got, fresh[command], fresh["root"], bad), got
    file = store.index_file(bad)
    assert got[2].replace(fresh[command][2], "") == (
        f"note: the index {file} cannot be written (attempt to write a readonly database); "
        "working without it\n")
    assert file.exists()  # not removed: it is sound, only not writable


# -- a full disk (RLIMIT_FSIZE in a child process: writes past the limit fail with EFBIG) -------

def run_with_file_limit(limit: int, *args: str, cwd: Path | None = None
                        ) -> subprocess.CompletedProcess:
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-c", "from lemma.cli import entry; entry()", *args],
                          preexec_fn=limited, capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO / "tools")})


BIG = "---\ntitle: Big\n---\n" + "Big gradient text about [[Gradient flow]] here.\n" * 4000


@pytest.mark.parametrize("command", COMMANDS, ids=COMMANDS.keys())
@pytest.mark.parametrize("when", ["first-build", "refresh"])
def test_a_full_disk_under_the_cache_works_without_the_index(
        tmp_path: Path, command: str, when: str) -> None:
    good = write_files(tmp_path / "good" / "vault", {**NOTES, "big.md": BIG})
    bad = write_files(tmp_path / "bad" / "vault", NOTES)
    if when == "refresh":
        assert lemma(bad, "list")[0] == 0
    write_files(bad, {"big.md": BIG})
    want = lemma(good, *COMMANDS[command])
    file = store.index_file(bad)
    size = file.stat().st_size if file.exists() else 0
    for _ in range(2):  # as long as the disk is full, every command answers
        got = run_with_file_limit(size + 8192, "--notes", str(bad), *COMMANDS[command])
        assert (got.returncode, got.stdout) == (want[0], want[1].replace(str(good), str(bad)))
        notice = got.stderr.replace(want[2], "")
        assert notice.startswith(f"note: the index {file} cannot be written ("), notice
        assert notice.endswith("); working without it\n") and notice.count("\n") == 1
    again = lemma(bad, *COMMANDS[command])  # space again: the index is brought up to date
    assert again[:2] == (want[0], want[1].replace(str(good), str(bad)))


# -- a parse worker killed during a cold build (the OOM killer's way) ---------------------------

KILLED_WORKER = """
import os, signal, sys
from pathlib import Path
from lemma.index import parse
from lemma.index.refresh import VaultIndex
from lemma.vault import load_vault
real = parse._work
def work(bounds):
    if bounds[0] == 0:
        os.kill(os.getpid(), signal.SIGKILL)  # the first chunk's worker dies
    return real(bounds)
parse._work = work
root = Path(sys.argv[1])
with VaultIndex(root, jobs=2) as index:
    got = index.vault()
want = load_vault(root)
print(sorted(got.notes) == sorted(want.notes), len(got.notes),
      got.diagnostics == want.diagnostics)
"""


def test_a_killed_parse_worker_is_redone_not_waited_for(tmp_path: Path) -> None:
    from lemma.synth import write_synthetic_vault

    root = tmp_path / "vault"
    write_synthetic_vault(root, 600)
    done = subprocess.run([sys.executable, "-c", KILLED_WORKER, str(root)], capture_output=True,
                          text=True, timeout=120, env={**os.environ,
                                                       "PYTHONPATH": str(REPO / "tools")})
    assert (done.returncode, done.stdout) == (0, "True 600 True\n"), done.stderr
    listed = lemma(root, "list")  # the index was written whole: no rebuild notice
    assert listed[0] == 0 and listed[2] == "" and listed[1].count("\n") == 600


def test_an_index_unchanged_since_its_counts_were_checked_is_not_counted_again(
        tmp_path: Path, monkeypatch) -> None:
    """The counts are checked once per state of the index file: after a command that found them
    right, the next one on the same file skips them; any write to the file (here a spoiler's)
    makes the next command count again, and find the damage."""
    good = write_files(tmp_path / "vault", NOTES)
    time.sleep(2 * RACY_NS / 1e9)  # past the tick: notes not re-hashed (and restamped) each time
    assert lemma(good, "list")[0] == 0  # builds the index
    counted: list[int] = []
    real = meta_rows.check_counts

    def check_counts(db):  # type: ignore[no-untyped-def]
        counted.append(1)
        return real(db)

    monkeypatch.setattr(meta_rows, "check_counts", check_counts)
    assert lemma(good, "list")[0] == 0
    assert lemma(good, "list")[0] == 0
    assert lemma(good, "search", "gradient")[0] == 0
    assert len(counted) == 1  # the first after the build; the file has not changed since
    sql(store.index_file(good), "DELETE FROM links")
    got = lemma(good, "list")
    assert len(counted) == 2 and "rebuilding the index" in got[2]
