"""A refresh resolves the links it redoes against the names they look up only (read from the
`names` table, the notes it re-read included): the index it leaves equals a cold build's, for
notes whose names collide in case, folders, titles, aliases and attachments."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from lemma.index import stored
from lemma.index.refresh import VaultIndex
from tests.conftest import write_files
from tests.index_vaults import PNG, index_tables

FILES: dict[str, str | bytes] = {
    "Alpha.md": "# Alpha\n[[alpha]] [[beta]] [[Shared]] [[x.png]] [[Release 2.0beta]]\n",
    "a/alpha.md": "---\ntitle: Beta\naliases: [Shared, A/B]\n---\n[[Alpha]] [[a/alpha]]\n",
    "b/shared.md": "---\ntitle: Gamma\n---\n[[Shared]] [[/Alpha.md]] [[gamma#Part]]\n## Part\n",
    "b/x.png": PNG,
    "x.png.md": "# X\n[[x.png]] [[X.PNG]] [[b/x]]\n",
    "Release 2.0beta.md": "# Release\n[[Gamma#Part]] [[beta]] [[A/B]]\n",
}
NAMES = ["alpha", "Alpha", "Beta", "Shared", "Gamma", "Release 2.0beta", "x.png", "A/B", "new"]


def edit(root: Path, rng: random.Random, step: int) -> None:
    notes = sorted(p for p in root.rglob("*.md"))
    choice = rng.randrange(4)
    if choice == 0 and notes:  # retitle, alias or relink a note
        note = rng.choice(notes)
        note.write_text(f"---\ntitle: {rng.choice(NAMES)}\naliases: [{rng.choice(NAMES)}]\n"
                        f"---\n[[{rng.choice(NAMES)}]] [[{rng.choice(NAMES)}#Part]]\n## Part\n",
                        encoding="utf-8")
    elif choice == 1:  # a new note whose name may collide
        folder = rng.choice(["", "a/", "b/", "c/"])
        write_files(root, {f"{folder}{rng.choice(NAMES)}-{step % 3}.md":
                           f"# {rng.choice(NAMES)}\n[[{rng.choice(NAMES)}]]\n"})
    elif choice == 2 and len(notes) > 3:
        rng.choice(notes).unlink()
    else:  # an attachment comes or goes
        png = root / rng.choice(["c/x.png", "new.png", "b/x.png"])
        if png.exists():
            png.unlink()
        else:
            png.parent.mkdir(parents=True, exist_ok=True)
            png.write_bytes(PNG)


@pytest.mark.parametrize("seed", range(4))
def test_a_refresh_with_few_names_leaves_what_a_cold_build_makes(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "vault", FILES)
    rng = random.Random(seed)
    partial = []
    real = stored.StoredVault._names_looked_up_by
    monkeypatch.setattr(stored.StoredVault, "_names_looked_up_by",
                        lambda self, keys: partial.append(keys) or real(self, keys))
    with VaultIndex(root) as index:
        index.refresh()
    for step in range(12):
        edit(root, rng, step)
        with VaultIndex(root) as index:
            index.refresh()
            with VaultIndex(root, file=tmp_path / f"cold-{step}.sqlite") as cold:
                cold.refresh()
                assert index_tables(index.db) == index_tables(cold.db), (seed, step)
    assert partial  # the refreshes took the way of few names
