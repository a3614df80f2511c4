"""`index.early`: one note's vault from the index gives that note exactly the diagnostics the
whole vault gives it (links resolved, "did you mean" hints, skipped files, private links,
citations), for every note of randomly edited vaults and for unsaved buffer texts."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from lemma.citations import Citations
from lemma.index.early import early_vault
from lemma.index.refresh import VaultIndex
from lemma.lsp.citations import note_problems
from lemma.lsp.live import LiveVault
from lemma.vault import Vault, load_vault
from lemma.vault_fs import list_vault
from tests.conftest import write_files
from tests.index_vaults import SETTINGS, Editor, make_random_vault

#: Lines appended to a note as an unsaved buffer would have them: broken, ambiguous,
#: heading and block links, a partial path, an attachment, a citation, its own heading.
EXTRA = ("\nSee [[Nowhere at all]], [[alpha]], [[Beta#Nope]], [[Beta#^nope]], [[notes/gamma]]"
         ", ![[missing.png]], ![[pic.png]], [@knuth85] and [[#Own]].\n## Own\n")


def diagnosed(vault: Vault, path: str) -> list[str]:
    found = LiveVault(vault).diagnostics(path) + note_problems(Citations(vault, None), path, {})
    return [repr(d) for d in found]


def assert_early_agrees(root: Path, settings: dict, rng: random.Random) -> None:
    with VaultIndex(root, **settings) as index:
        index.vault()  # a first build's writing ends when the index is closed
    listing = list_vault(root)
    full = load_vault(root, **settings)
    slugify, max_bytes = full.slugify, full.max_bytes
    for path in sorted(full.notes):
        text = (root / path).read_text(encoding="utf-8-sig")
        early = early_vault(index.file, root, listing, path, text, slugify, max_bytes)
        assert early is not None, path
        assert diagnosed(early, path) == diagnosed(full, path), path
        unhinted = early_vault(index.file, root, listing, path, text, slugify, max_bytes,
                               hints=False)
        assert unhinted is not None
        assert [replace(d, hint="") for d in LiveVault(unhinted).diagnostics(path)] == \
            [replace(d, hint="") for d in LiveVault(full).diagnostics(path)], path
        assert getattr(unhinted, "hints_left", False) == any(
            r.status == "broken" for r in full.resolved[path])
        if rng.random() < 0.3:  # an unsaved buffer: the whole vault with that text
            edited = text + EXTRA
            early = early_vault(index.file, root, listing, path, edited, slugify,
                                max_bytes)
            live = LiveVault(load_vault(root, **settings))
            live.set_text(path, edited)
            assert early is not None
            assert diagnosed(early, path) == diagnosed(live.vault, path), path
    for path, problem in full.skipped.items():  # a file the vault skips: not answered
        if path.endswith(".md") and path in listing.notes:
            assert early_vault(index.file, root, listing, path, "# x\n", slugify,
                               max_bytes) is None, (path, problem)


@pytest.mark.parametrize("seed", range(3))
def test_a_notes_early_vault_diagnoses_it_as_the_whole_vault(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "vault"
    make_random_vault(root)
    write_files(root, {
        "alpha.md": "---\ntitle: Alpha\n---\nA.\n", "x/alpha.md": "An alpha twin.\n",
        "notes/gamma.md": "---\ntitle: Gamma\ncitekey: knuth84\n---\n# G\n",
        "secret.md": "---\npublish: false\n---\nHidden.\n",
        "open.md": "Links [[secret]], [[Gamm]] and [@knuth85].\n",
    })
    (root / "pic.png").write_bytes(b"\x89PNG\r\n")
    rng = random.Random(seed)
    editor = Editor(root, rng)
    settings = SETTINGS.get(seed + 3, {})  # seed 4: a size limit (skipped notes)
    for _ in range(4):
        for _ in range(3):
            editor.step()
        assert_early_agrees(root, settings, rng)


def test_no_early_vault_from_an_unreadable_index(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_files(root, {"a.md": "See [[b]].\n", "b.md": "B.\n"})
    with VaultIndex(root) as index:
        index.vault()
        file = index.file
    file.write_bytes(b"not a database at all" * 100)
    assert early_vault(file, root, list_vault(root), "a.md", "See [[b]].\n", None,
                       10**6) is None
