"""`index.queries.names_starting` (shell completion) against its definition: the titles and
aliases whose casefolded form starts with the casefolded text typed, names that fold
irregularly included (non-ASCII capitals, ß, folder parts, decomposed accents, spaces)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from lemma.index import queries
from lemma.index.refresh import VaultIndex
from lemma.vault import load_vault
from tests.conftest import write_files

TITLES = ["Ärger im Büro", "ärgerlich", "Straße", "STRASSE 2", "Papers/Attention", "paper one",
          unicodedata.normalize("NFD", "Émile et é"), "émile composed", "Zeta", "zebra",
          "  Padded", "ΣΊΣΥΦΟΣ", "σίσυφος 2", "Kelvin \u212a", "ﬁne print", "fine"]


@pytest.mark.parametrize("typed", ["", "ä", "Ä", "ärger", "stra", "strass", "ss", "papers/",
                                   "paper", "é", "e", "émile", "z", "ZE", "  p", "p", "σί",
                                   "ΣΊ", "kelvin k", "fi", "ﬁ", "zzz", "\U0010ffff"],
                         ids=lambda t: repr(t))
def test_completion_finds_what_the_definition_finds(tmp_path: Path, typed: str) -> None:
    root = tmp_path / "notes"
    write_files(root, {f"n{i}.md": f"---\ntitle: {title!r}\naliases: [{title.upper()!r}]\n"
                       "---\nBody.\n" for i, title in enumerate(TITLES)})
    vault = load_vault(root)
    want = sorted({n for note in vault for n in (note.title, *note.aliases)
                   if n.casefold().startswith(typed.casefold())})
    with VaultIndex(root) as index:
        index.refresh()
        assert queries.names_starting(index.db, typed) == want


SEARCHES = ["kernel", "gradient kernel", "kernel OR spectrum", "kernel -gradient",
            '"neural tangent"', "kern*", "nothing-matches-this"]


@pytest.mark.parametrize("limit", [1, 3, 5, 20, 200])
def test_search_ranked_in_the_full_text_table_equals_the_joined_ranking(
        tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "notes"
    files = {f"same/s{i:02d}.md": "The kernel moves.\n" for i in range(12)}  # ties at the cut
    files |= {f"v{i:02d}.md": f"---\ntitle: Note {i}\n---\n" + "gradient kernel " * (i % 4)
              + "neural tangent spectrum " * (i % 3) + f"word{i}\n" for i in range(30)}
    files["kernel.md"] = "---\ntitle: Kernel\n---\nA kernel.\n"
    write_files(root, files)
    with VaultIndex(root) as index:
        index.refresh()
        db = index.db
        fast = {text: queries.search(db, text, limit=limit) for text in SEARCHES}
        monkeypatch.setattr(queries, "_best_matches", lambda *args: None)
        for text in SEARCHES:
            assert fast[text] == queries.search(db, text, limit=limit), text
    assert len(fast["kernel"]) == min(limit, 1 + 12 + 22)
