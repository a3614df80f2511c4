"""The live vault: per-note diagnostics are `lemma lint`'s, and stay so through edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from lemma.lint_rules import extra_diagnostics
from lemma.lsp.live import LiveVault
from lemma.publish import private_link_problems
from lemma.vault import load_vault
from tests.conftest import write_files

PAPER = "---\ntitle: {title}\nauthors: [A]\nyear: 2020\nsource: https://e.org\n---\n{body}"
FILES = {
    "concepts/alpha.md": "---\ntitle: Alpha\naliases: [A1]\ntags: [math]\n---\n"
                         "Alpha is a thing. ^def\n\n## Part one\n\nText [[Beta]].\n",
    "concepts/beta.md": "---\ntitle: Beta\n---\n## Only a heading\n\n[[Alpha#Nope]] [[Gamma]]\n",
    "concepts/beta-2.md": "---\ntitle: Betas\n---\nNear duplicate of [[beta]].\n",
    "papers/p.md": PAPER.format(title="P", body="## Summary\n[[Alpha#^def]] [[A1]] [[Missing]]\n"
                                "![[nofile.png]] [[Secret]]\n"),
    "papers/q.md": PAPER.format(title="Alpha", body="## Summary\n## Opinion\n"),
    "takes/t.md": "---\ntitle: T\ndate: 2024-01-01\n---\nClaim. [[Alpha]]\n",
    "secret.md": "---\npublish: false\n---\n# Secret\n\nHidden.\n",
    "broken.md": "---\ntitle: [unclosed\n---\nBody\n",
}


def lint(root: Path) -> list[str]:
    """`lemma lint`'s diagnostics for a fresh load of the files, as comparable strings."""
    vault = load_vault(root)
    found = vault.diagnostics + extra_diagnostics(vault) + private_link_problems(vault)
    return sorted(d.format() for d in found)


def live_lint(live: LiveVault) -> list[str]:
    live.refresh_cross()
    return sorted(d.format() for path in live.vault.notes for d in live.diagnostics(path))


def test_per_note_diagnostics_are_lints(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", FILES)
    live = LiveVault(load_vault(root))
    expected = lint(root)
    assert {line.split(" ")[2].rstrip(":") for line in expected} == {
        "broken-link", "missing-heading", "missing-attachment", "private-link", "duplicate-name",
        "near-duplicate-title", "missing-definition", "missing-section", "no-confidence",
        "frontmatter-invalid"}
    assert live_lint(live) == expected


# (id, path edited, new text): each edit is applied live, then compared with a fresh load.
EDITS = [
    ("new-title-fixes-links", "concepts/gamma.md", "---\ntitle: Gamma\n---\nNew note.\n"),
    ("retitle-breaks-links", "concepts/alpha.md", "---\ntitle: Alfa\n---\nAlpha. ^def\n"),
    ("alias-moves", "concepts/beta.md", "---\ntitle: Beta\naliases: [A1]\n---\n## Nope\n"),
    ("heading-added", "concepts/alpha.md",
     "---\ntitle: Alpha\naliases: [A1]\n---\nAlpha. ^def\n\n## Nope\n"),
    ("block-removed", "concepts/alpha.md", "---\ntitle: Alpha\naliases: [A1]\n---\nAlpha.\n"),
    ("becomes-private", "takes/t.md", "---\ntitle: T\ndraft: true\n---\nClaim.\n"),
    ("path-link-to-new", "papers/r.md", PAPER.format(title="R", body="[[concepts/beta]]\n")),
    ("duplicate-title", "concepts/delta.md", "---\ntitle: Beta\n---\nAnother beta.\n"),
]


@pytest.mark.parametrize("prepared", [False, True], ids=["lazy", "prepared"])
@pytest.mark.parametrize(("path", "text"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_edits_keep_diagnostics_equal_to_a_fresh_load(tmp_path: Path, path: str, text: str,
                                                      prepared: bool) -> None:
    """Lazy: the edit builds the vault's lookup tables; prepared: they were built before and
    the edit updates them in place (name index, link keys, "did you mean" names)."""
    root = write_files(tmp_path / "v", FILES)
    live = LiveVault(load_vault(root))
    if prepared:
        live.vault.prepare_edits()
    live.set_text(path, text)
    write_files(root, {path: text})
    assert live_lint(live) == lint(root)
    fresh = load_vault(root)
    assert {p: [(r.status, r.target) for r in links] for p, links in live.vault.resolved.items()} \
        == {p: [(r.status, r.target) for r in links] for p, links in fresh.resolved.items()}
    assert list(live.vault.resolved) == list(fresh.resolved)  # path order, as links() promises
    assert (live.vault.index.by_path, live.vault.index.by_name) == (fresh.index.by_path,
                                                                   fresh.index.by_name)
    for typo in ("alpa", "alfa", "gama", "bet", "betaz", "a2", "delt"):
        assert live.vault.suggest(typo) == fresh.suggest(typo), typo


def test_revert_drops_an_unsaved_new_note(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", FILES)
    live = LiveVault(load_vault(root))
    live.set_text("concepts/gamma.md", "---\ntitle: Gamma\n---\nNew.\n")
    assert [d.code for d in live.diagnostics("concepts/beta.md")] == [
        "missing-definition", "missing-heading"]
    assert live.revert("concepts/gamma.md") is True
    assert "concepts/gamma.md" not in live.vault.notes
    assert [d.code for d in live.diagnostics("concepts/beta.md")] == [
        "missing-definition", "missing-heading", "broken-link"]


# Edits one after another: the tables an edit updates in place must be right for the next one.
SEQUENCE = [
    ("concepts/alpha.md", "---\ntitle: Alpha\naliases: [A1]\n---\nAlpha. ^def [[Zeta]]\n"),
    ("concepts/zeta.md", "---\ntitle: Zeta\n---\nLast letter. [[alfa]]\n"),
    ("concepts/zeta.md", "---\ntitle: Zed\naliases: [Alfa]\n---\nLast letter. [[alfa]]\n"),
    ("concepts/alpha.md", "---\ntitle: Alpha\n---\nAlpha. [[Zed]] [[A1]]\n"),
    ("concepts/zeta.md", "---\ntitle: Zeta\naliases: [A1]\n---\n## Part\n"),
    ("concepts/a0.md", "---\ntitle: Zeta\naliases: [A1]\n---\nFirst of two.\n"),  # ambiguous
]


@pytest.mark.parametrize("prepared", [False, True], ids=["lazy", "prepared"])
def test_a_sequence_of_edits_stays_equal_to_a_fresh_load(tmp_path: Path, prepared: bool) -> None:
    root = write_files(tmp_path / "v", FILES)
    live = LiveVault(load_vault(root))
    if prepared:
        live.vault.prepare_edits()
    for step, (path, text) in enumerate(SEQUENCE):
        live.set_text(path, text)
        write_files(root, {path: text})
        fresh = load_vault(root)
        assert live_lint(live) == lint(root), step
        assert {p: [(r.status, r.target) for r in links]
                for p, links in live.vault.resolved.items()} == {
            p: [(r.status, r.target) for r in links] for p, links in fresh.resolved.items()}, step
        assert live.vault.suggest("zetta") == fresh.suggest("zetta"), step
        assert live.vault.index.by_name == fresh.index.by_name, step
