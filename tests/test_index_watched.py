"""A watcher (`lemma lsp`'s) spares commands the look at every file, and never makes one wrong:
edits, new, removed and symlinked notes are seen; without a live watcher every file is looked at."""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lemma.index import refresh
from lemma.index.refresh import VaultIndex
from lemma.index.store import index_file
from lemma.index.watched import IndexWatcher, log_file
from tests.conftest import write_files

NOTES = {f"n{i}.md": f"---\ntitle: Note {i}\n---\nText of {i}, see [[Note {i + 1}]].\n"
         for i in range(5)}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_files(tmp_path / "v" / "notes", NOTES).resolve()


@pytest.fixture
def watcher(vault: Path) -> Iterator[IndexWatcher]:
    watch = IndexWatcher(vault, index_file(vault))
    assert watch.active
    yield watch
    watch.close()


class Calls:
    """Counts the calls of `refresh.<name>` made by the refreshes (`list_vault`: full looks at
    the vault; `cached_listing`: reads of the saved listing)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.count = 0
        real = getattr(refresh, name)

        def counted(*args):
            self.count += 1
            return real(*args)

        monkeypatch.setattr(refresh, name, counted)


def full_looks(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Counts the refreshes' looks at every file of the vault."""
    return Calls(monkeypatch, "list_vault")


def titles(root: Path) -> dict[str, str]:
    with VaultIndex(root) as index:
        return {p: n.title for p, n in index.vault().notes.items()}


def test_with_a_watcher_a_command_looks_only_at_what_changed(vault: Path, watcher,
                                                             monkeypatch) -> None:
    titles(vault)  # the first build (its writing goes on in a thread)
    titles(vault)  # a full look, which saves the watcher's position
    walks = full_looks(monkeypatch)
    assert titles(vault)["n1.md"] == "Note 1" and walks.count == 0
    (vault / "n1.md").write_text(NOTES["n1.md"].replace("Note 1", "Note X"), encoding="utf-8")
    assert titles(vault)["n1.md"] == "Note X" and walks.count == 0


def test_a_same_size_rewrite_within_the_tick_is_seen(vault: Path, watcher) -> None:
    titles(vault)
    titles(vault)
    file = vault / "n2.md"
    before = file.stat()
    file.write_text(NOTES["n2.md"].replace("Note 2", "Note Z"), encoding="utf-8")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    assert titles(vault)["n2.md"] == "Note Z"


@pytest.mark.parametrize("change", ["create", "delete", "rename"])
def test_a_change_to_the_listing_makes_one_full_look(vault: Path, watcher, monkeypatch,
                                                     change: str) -> None:
    titles(vault)
    titles(vault)
    walks = full_looks(monkeypatch)
    if change == "create":
        (vault / "new.md").write_text("---\ntitle: New\n---\n", encoding="utf-8")
    elif change == "delete":
        (vault / "n3.md").unlink()
    else:
        (vault / "n3.md").rename(vault / "moved.md")
    found = titles(vault)
    full = walks.count
    assert full >= 1
    assert ("New" in found.values()) == (change == "create")
    assert ("n3.md" in found) == (change == "create")
    assert ("moved.md" in found) == (change == "rename")
    titles(vault)
    assert walks.count == full  # the next command is vouched for again


def test_a_symlinked_notes_target_edited_where_nothing_is_logged_is_seen(vault: Path,
                                                                         watcher) -> None:
    hidden = write_files(vault / ".drafts", {"t.md": "---\ntitle: Draft\n---\n"})
    (vault / "link.md").symlink_to(hidden / "t.md")  # .drafts/ is not watched: hidden
    assert titles(vault)["link.md"] == "Draft"
    titles(vault)
    (hidden / "t.md").write_text("---\ntitle: Draft, edited\n---\n", encoding="utf-8")
    assert titles(vault)["link.md"] == "Draft, edited"


def test_changes_in_hidden_folders_are_not_logged(vault: Path, watcher) -> None:
    titles(vault)
    write_files(vault, {".obsidian/workspace.json": "{}", ".git/HEAD": "ref"})
    titles(vault)  # its cookie line follows whatever was logged for the writes above
    log = log_file(index_file(vault)).read_text(encoding="utf-8")
    assert "full" not in log and ".obsidian" not in log and ".git" not in log


def test_without_a_live_watcher_every_file_is_looked_at(vault: Path, monkeypatch) -> None:
    watch = IndexWatcher(vault, index_file(vault))
    titles(vault)
    titles(vault)
    watch.close()  # as when the editor's server exits or is killed: the lock goes with it
    walks = full_looks(monkeypatch)
    (vault / "n4.md").write_text(NOTES["n4.md"].replace("Note 4", "Note Y"), encoding="utf-8")
    assert titles(vault)["n4.md"] == "Note Y" and walks.count >= 1


def test_a_second_watcher_on_the_same_vault_stands_aside(vault: Path, watcher) -> None:
    other = IndexWatcher(vault, index_file(vault))
    assert not other.active
    other.close()
    assert watcher.active


def test_the_watcher_process_serves_commands_and_ends_with_its_parent(vault: Path,
                                                                      monkeypatch) -> None:
    import time

    from lemma.index.watched import _held, lock_file, spawn_watcher

    lock = lock_file(index_file(vault))
    child = spawn_watcher(vault, index_file(vault))
    assert child is not None and child.stdin is not None
    try:
        for _ in range(200):  # bounded: 10 s
            if _held(lock):
                break
            time.sleep(0.05)
        assert _held(lock)
        titles(vault)
        titles(vault)
        walks = full_looks(monkeypatch)
        (vault / "n0.md").write_text(NOTES["n0.md"].replace("Note 0", "Note W"), "utf-8")
        assert titles(vault)["n0.md"] == "Note W" and walks.count == 0
    finally:
        child.stdin.close()  # what the server's exit does
        assert child.wait(timeout=10) == 0
    assert not _held(lock)


def test_a_watched_query_that_finds_nothing_changed_reads_no_listing(vault: Path, watcher,
                                                                     monkeypatch) -> None:
    titles(vault)
    titles(vault)
    reads, walks = Calls(monkeypatch, "cached_listing"), full_looks(monkeypatch)
    with VaultIndex(vault) as index:
        assert not index.refresh().changed
    assert (reads.count, walks.count) == (0, 0)
    with VaultIndex(vault) as index:  # the report still gives the listing when asked
        assert index.refresh().listing.notes == sorted(NOTES)
    assert (reads.count, walks.count) == (1, 0)


@pytest.mark.parametrize("saved", [b"garbage", marshal.dumps([1, 2]), marshal.dumps("a.md"),
                                   None], ids=["unreadable", "not-text", "not-a-list", "gone"])
def test_a_bad_saved_list_of_symlinks_makes_a_full_look(vault: Path, watcher, monkeypatch,
                                                        saved: bytes | None) -> None:
    titles(vault)
    titles(vault)
    with VaultIndex(vault) as index:
        index.db.execute("DELETE FROM meta WHERE key = 'listing-links'")
        if saved is not None:
            index.db.execute("INSERT INTO meta VALUES ('listing-links', ?)", (saved,))
    (vault / "n1.md").write_text(NOTES["n1.md"].replace("Note 1", "Note Y"), encoding="utf-8")
    walks = full_looks(monkeypatch)
    assert titles(vault)["n1.md"] == "Note Y" and walks.count >= 1  # (again under the lock)
