"""Vault loading: notes, kinds, titles, resolution and the diagnostics each bad input gives."""

from __future__ import annotations

from lemma.model import NoteKind

PAPER = """---
title: A Paper
authors: [Ada Lovelace]
year: 2021
source: https://example.org/paper
status: read
aliases: [The Paper]
extra_key: kept
---
# A Paper

## Summary
Links to [[Concept One]].

## Opinion
Fine.
"""

CONCEPT = """---
title: Concept One
aliases: [C1]
---
A concept, see [[the paper]] and [[A Paper#summary|its summary]].
"""


def codes(vault) -> list[tuple[str, str]]:
    return [(str(d.pos), d.code) for d in vault.diagnostics]


def test_clean_vault_kinds_titles_and_unknown_keys(make_vault) -> None:
    vault = make_vault({"papers/p.md": PAPER, "concepts/c1.md": CONCEPT, "plain.md": "# Plain\n"})
    assert codes(vault) == []
    paper = vault.notes["papers/p.md"]
    assert paper.kind is NoteKind.PAPER and paper.title == "A Paper"
    assert paper.meta["extra_key"] == "kept"
    assert vault.notes["plain.md"].kind is NoteKind.NOTE
    assert vault.notes["plain.md"].title == "Plain"
    targets = [(r.target, r.anchor) for r in vault.resolved["concepts/c1.md"]]
    assert targets == [("papers/p.md", None), ("papers/p.md", "summary")]


def test_kind_from_frontmatter_overrides_folder(make_vault) -> None:
    vault = make_vault({"misc/t.md": "---\nkind: take\ntitle: T\ndate: 2024-01-02\n---\nx\n"})
    assert vault.notes["misc/t.md"].kind is NoteKind.TAKE
    assert codes(vault) == []


def test_each_bad_input_gives_one_clear_diagnostic(make_vault) -> None:
    vault = make_vault({
        "papers/bad-yaml.md": "---\ntitle: [unclosed\nyear: 2020\n---\nbody\n",
        "papers/missing.md": "---\ntitle: Missing Fields\nauthors: [A]\nyear: 2020\n---\nx\n",
        "takes/wrong.md": "---\ntitle: Wrong\ndate: yesterday\nconfidence: 1.5\n---\nx\n",
        "concepts/dup1.md": "---\ntitle: Same Name\n---\nx\n",
        "concepts/dup2.md": "---\ntitle: Other\naliases: [same name]\n---\nx\n",
        "links.md": "[[nowhere]]\n[[Other#No Such]]\n![[missing.png]]\n[[x]]\n",
        "a/x.md": "x", "b/x.md": "x",
        "unknown.md": "---\nkind: essay\n---\nx\n",
    })
    assert codes(vault) == [
        ("concepts/dup2.md:1:1", "duplicate-name"),
        ("links.md:1:1", "broken-link"),
        ("links.md:2:1", "missing-heading"),
        ("links.md:3:1", "missing-attachment"),
        ("links.md:4:1", "ambiguous-link"),
        ("papers/bad-yaml.md:2:1", "frontmatter-invalid"),
        ("papers/missing.md:1:1", "missing-field"),
        ("takes/wrong.md:3:1", "invalid-field"),
        ("takes/wrong.md:4:1", "invalid-field"),
        ("unknown.md:2:1", "unknown-kind"),
    ]


def test_did_you_mean_for_broken_links(make_vault) -> None:
    vault = make_vault({"lottery-ticket-hypothesis.md": "x",
                        "n.md": "[[lotery ticket hypothesis]]"})
    [diagnostic] = vault.diagnostics
    assert diagnostic.hint == "did you mean 'lottery-ticket-hypothesis'?"


def test_obsidian_vault_has_no_spurious_errors(make_vault) -> None:
    vault = make_vault({
        "Projects/Alpha Plan.md": "# Alpha Plan\n## Goals\nSee [[#goals]] and [[beta]].\n",
        "Projects/Beta.md": "---\naliases: [B-Project]\n---\n[[ALPHA PLAN#Goals|the goals]]\n",
        "Daily/2024-01-01.md": "[[Projects/Beta]] [[b-project]] \\[[not a link]] `[[code]]`\n",
        "attachments/pic.png": b"\x89PNG",
        "Daily/2024-01-02.md": "![[pic.png]] ![[Alpha Plan]]\n",
        "templates/daily.md": "[[{{broken}}]]\n",
        ".obsidian/app.json": "{}",
    })
    assert codes(vault) == []
    assert "templates/daily.md" not in vault.notes


def test_confidence_accepts_percent(make_vault) -> None:
    vault = make_vault({"takes/t.md": "---\ntitle: T\ndate: 2024-01-01\nconfidence: 95%\n---\n"})
    assert codes(vault) == []


def test_update_note_matches_fresh_load(make_vault, tmp_path) -> None:
    from lemma.vault import load_vault

    vault = make_vault({"a.md": "[[b]]", "b.md": "# B\n", "c.md": "[[B]] [[new name]]"})
    (tmp_path / "vault" / "b.md").write_text("---\naliases: [New Name]\n---\n# B\n")
    vault.update_note("b.md")
    fresh = load_vault(tmp_path / "vault")
    assert codes(vault) == codes(fresh) == []
    assert vault.resolved == fresh.resolved


def test_find_by_any_name_and_did_you_mean(make_vault) -> None:
    import pytest

    from lemma.model import LemmaError

    vault = make_vault({"concepts/c1.md": CONCEPT, "papers/p.md": PAPER})
    assert vault.find("c1").path == "concepts/c1.md"
    assert vault.find("THE PAPER").path == "papers/p.md"
    with pytest.raises(LemmaError, match="did you mean 'concept one'"):
        vault.find("concept on")


def test_loading_writes_nothing(make_vault, tmp_path) -> None:
    make_vault({"a.md": "[[b]]"})
    assert sorted(p.name for p in (tmp_path / "vault").rglob("*")) == ["a.md"]


def test_did_you_mean_among_many_names(make_vault) -> None:
    files = {f"n{i}.md": f"---\ntitle: Topic number {i}\n---\n" for i in range(3000)}
    files["x.md"] = "".join(f"[[Topic numbr {i}]]\n" for i in range(0, 3000, 30))
    vault = make_vault(files)
    hints = [d.hint for d in vault.diagnostics]
    assert len(hints) == 100
    assert all(h.startswith(f"did you mean 'topic number {i}'") for h, i in
               zip(hints, range(0, 3000, 30), strict=True))


def test_update_note_rechecks_heading_links_into_it(make_vault, tmp_path) -> None:
    vault = make_vault({"a.md": "[[b#Part two]]", "b.md": "# B\n## Part one\n"})
    assert codes(vault) == [("a.md:1:1", "missing-heading")]
    (tmp_path / "vault" / "b.md").write_text("# B\n## Part two\n")
    vault.update_note("b.md")
    assert codes(vault) == []
    assert vault.resolved["a.md"][0].anchor == "part-two"
