"""`lemma list [--kind K]` kept in the index (`queries.listed_text`): read back while no note
row changes, made again after any change, whoever makes it; never a stale listing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.index import queries, store
from lemma.index.refresh import VaultIndex
from tests.conftest import write_files

NOTES = {
    "papers/p.md": "---\ntitle: Paper P\n---\nOn [[Concept C]].\n",
    "takes/t.md": "---\ntitle: Take T\n---\nClaim.\n",
    "concepts/c.md": "---\ntitle: Concept C\n---\nDefined.\n",
}


def listed(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--notes", str(root), "list", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def kept(root: Path) -> dict[str, str]:
    db = sqlite3.connect(store.index_file(root))
    try:
        return dict(db.execute("SELECT kind, lines FROM listings"))
    finally:
        db.close()


def sql(root: Path, statement: str) -> None:
    db = sqlite3.connect(store.index_file(root))
    db.execute(statement)
    db.commit()
    db.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", NOTES)


def test_the_listing_is_kept_and_read_back(root: Path) -> None:
    first = listed(root)
    assert kept(root) == {"": first.rstrip("\n")}
    listed(root, "--kind", "take")
    assert kept(root)["take"] == "takes/t.md  take     Take T"
    sql(root, "UPDATE listings SET lines = 'read from the index'")  # what is printed is the kept
    assert listed(root) == "read from the index\n"


@pytest.mark.parametrize("change", ["retitled", "added", "removed", "kind changed"])
def test_a_changed_note_makes_the_listing_again(root: Path, change: str) -> None:
    listed(root)
    listed(root, "--kind", "take")
    if change == "retitled":
        (root / "takes/t.md").write_text("---\ntitle: Take Two\n---\nClaim.\n", encoding="utf-8")
    elif change == "added":
        write_files(root, {"takes/u.md": "---\ntitle: Take U\n---\n"})
    elif change == "removed":
        (root / "takes/t.md").unlink()
    else:
        (root / "takes/t.md").write_text("---\nkind: concept\ntitle: Take T\n---\n",
                                         encoding="utf-8")
    copy = shutil.copytree(root, root.parent / "copy" / "vault")  # (no index there)
    assert listed(root) == listed(copy)
    assert listed(root, "--kind", "take") == listed(copy, "--kind", "take")


def test_any_write_to_a_note_row_drops_the_kept_listings(root: Path) -> None:
    listed(root)
    listed(root, "--kind", "paper")
    sql(root, "UPDATE notes SET title = 'Retitled by hand' WHERE path = 'papers/p.md'")
    assert kept(root) == {}
    sql(root, "UPDATE notes SET broken = 1")  # not printed: the listings stay
    listed(root)
    sql(root, "UPDATE notes SET broken = 0")
    assert "" in kept(root)


def test_a_first_build_keeps_no_listing_and_leaves_the_triggers(root: Path) -> None:
    with VaultIndex(root) as index:
        index.refresh()  # a first build: no triggers while it loads, then all of them
    assert kept(root) == {}
    db = sqlite3.connect(store.index_file(root))
    triggers = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    db.close()
    assert triggers == {*store.LISTING_TRIGGERS, *store.SEARCH_TRIGGERS}
    assert listed(root, "--kind", "paper") == "papers/p.md  paper    Paper P\n"


def test_a_missing_trigger_rebuilds_the_index_before_a_listing_goes_stale(root: Path) -> None:
    listed(root)
    sql(root, "DROP TRIGGER listings_update")
    (root / "takes/t.md").write_text("---\ntitle: Take Two\n---\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--notes", str(root), "list"])
    assert "Take Two" in result.stdout and "Take T\n" not in result.stdout
    assert "a trigger of its listings is missing" in result.stderr


@pytest.mark.parametrize("trigger", sorted(store.SEARCH_TRIGGERS))
def test_a_missing_search_trigger_rebuilds_the_index_before_search_falls_behind(
        root: Path, trigger: str) -> None:
    """The full-text index follows `note_text` through its triggers: without one, an edit
    would leave it behind (or its deletes would corrupt it), so the index is rebuilt."""
    listed(root)
    sql(root, f"DROP TRIGGER {trigger}")
    (root / "takes/t.md").write_text("---\ntitle: Take Two\n---\nA zebrafish.\n",
                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["--notes", str(root), "search", "zebrafish"])
    assert "takes/t.md" in result.stdout
    assert "a trigger of its full-text index is missing" in result.stderr
    db = sqlite3.connect(store.index_file(root))
    try:
        db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
    finally:
        db.close()


def test_a_listing_of_the_wrong_type_is_corrupt(root: Path) -> None:
    listed(root)
    sql(root, "UPDATE listings SET lines = x'00ff'")
    with VaultIndex(root) as index, pytest.raises(store.IndexCorrupt):
        queries.listed_text(index.db)


def test_an_index_that_cannot_be_written_still_lists(root: Path) -> None:
    with VaultIndex(root) as index:
        index.refresh()
        want = "\n".join(queries.listed_lines(index.db))
        index.db.execute("PRAGMA query_only = 1")
        assert queries.listed_text(index.db) == want
        assert index.db.execute("SELECT count(*) FROM listings").fetchone()[0] == 0
