"""`LiveVault.edit_tables` / `install`: the tables the first edit needs, made in a thread, are
those the vault would make itself, and are dropped when a note changed meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from lemma.lsp.live import LiveVault
from lemma.lsp.names import NameList
from lemma.vault import load_vault
from tests.conftest import write_files

FILES = {"a.md": "---\ntitle: Alpha\naliases: [First]\n---\nSee [[Beta]], [[beta#Part]].\n",
         "b.md": "---\ntitle: Beta\n---\n## Part\nBack to [[Alpha]] and [[Gone]].\n",
         "c/d.md": "Links [[c/d]] and ![[pic.png]].\n"}


@pytest.fixture
def live(tmp_path: Path) -> LiveVault:
    write_files(tmp_path, FILES)
    return LiveVault(load_vault(tmp_path))


def test_tables_from_the_thread_are_the_vaults_own(live: LiveVault, tmp_path: Path) -> None:
    tables = live.edit_tables()
    assert live.vault._by_key is None  # nothing changed by making them
    assert live.install(tables)
    want = load_vault(tmp_path)
    want.prepare_edits()
    assert live.vault._by_key == want._by_key
    assert live.vault.index == want.index
    assert live.vault.suggest("Alpah") == want.suggest("Alpah") == "'alpha'"
    assert [n.text for n in live.name_list().names] == [n.text for n in NameList(want).names]
    live.set_text("b.md", "---\ntitle: Beta\n---\nNow [[Gamma]].\n")  # kept in step after
    assert live.vault._by_key["gamma"] == {"b.md"}
    assert "b.md" not in live.vault._by_key.get("gone", set())


def test_tables_made_before_an_edit_are_dropped(live: LiveVault) -> None:
    tables = live.edit_tables()
    live.set_text("a.md", "---\ntitle: Alpha two\n---\nNothing.\n")
    assert not live.install(tables)
    assert live.vault._by_key is not tables.by_key and live.vault._names is not tables.names


def test_no_tables_while_a_note_is_being_replaced(live: LiveVault) -> None:
    live.changes += 1  # as `_replace` leaves it while the vault is being changed
    with pytest.raises(RuntimeError):
        live.edit_tables()
