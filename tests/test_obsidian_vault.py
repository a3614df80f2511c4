"""An existing Obsidian vault in the vault model and the CLI: tags, Markdown links, private notes,
style noise, and mkdocs.yml read the way MkDocs reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.graph.concept import build_graph
from lemma.publish import PublicVault, is_private
from tests.conftest import write_files


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


VAULT = {
    "Home.md": "# Home\n\nAbout #ml/theory and #reading. See [the target](Target%20note.md) and "
               "[sub](./sub/Deep.md#Part%20two).\n",
    "Target note.md": "# Target note\n\nTagged #ml.\n",
    "sub/Deep.md": "# Deep\n\n## Part two\n\nx\n",
}


def test_inline_tags_join_frontmatter_tags(make_vault) -> None:
    vault = make_vault({"a.md": "---\ntags: [x, reading]\n---\nText #reading #ml/theory\n"})
    assert vault.notes["a.md"].tags == ("x", "reading", "ml/theory")


def test_markdown_links_resolve_and_are_graph_edges_and_backlinks(make_vault) -> None:
    vault = make_vault(VAULT)
    assert [(r.status, r.target, r.anchor) for r in vault.resolved["Home.md"]] == [
        ("ok", "Target note.md", None), ("ok", "sub/Deep.md", "part-two")]
    graph = build_graph(vault)
    assert [b.source for b in graph.backlinks("Target note.md")] == ["Home.md"]
    assert graph.graph.has_edge("Home.md", "sub/Deep.md")


def test_broken_markdown_link_is_linted(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"a.md": "See [x](Missing.md) and [y](https://a.org/z.md).\n"})
    result = run("--notes", str(root), "lint")
    assert (result.exit_code, result.output) == (1, (
        "a.md:1:5: error broken-link: [x](Missing.md): no note named 'Missing.md' "
        "(create the note or fix the name)\n1 notes: 1 error\n"))


def test_list_by_inline_and_nested_tag(tmp_path: Path) -> None:
    root = write_files(tmp_path, VAULT)
    result = run("--notes", str(root), "list", "--tag", "ml", "--format", "json")
    assert result.exit_code == 0
    assert sorted(row["path"] for row in json.loads(result.output)) == ["Home.md",
                                                                       "Target note.md"]


def test_mv_rewrites_markdown_links(tmp_path: Path) -> None:
    root = write_files(tmp_path, VAULT)
    result = run("--notes", str(root), "mv", "Target note", "notes/Renamed.md")
    assert result.exit_code == 0, result.output
    home = (root / "Home.md").read_text(encoding="utf-8")
    assert "[the target](Renamed.md)" in home  # written by name: still by name
    assert "[sub](./sub/Deep.md#Part%20two)" in home


PRIVATE = [
    ("publish-false", "---\npublish: false\n---\n", True),
    ("publish-false-string", "---\npublish: 'false'\n---\n", True),
    ("draft-true", "---\ndraft: true\n---\n", True),
    ("draft-false", "---\ndraft: false\n---\n", False),
    ("publish-true", "---\npublish: true\n---\n", False),
    ("plain", "# x\n", False),
]


@pytest.mark.parametrize(("text", "private"), [c[1:] for c in PRIVATE], ids=[c[0] for c in PRIVATE])
def test_is_private(make_vault, text: str, private: bool) -> None:
    assert is_private(make_vault({"a.md": text}).notes["a.md"]) is private


def test_public_vault_names_private_notes_but_holds_none(make_vault) -> None:
    vault = PublicVault(make_vault({
        "a.md": "[[Secret]] [x](Secret.md) [[Nowhere]]\n",
        "Secret.md": "---\npublish: false\n---\n[[a]] #hidden\n",
    }))
    assert list(vault.notes) == ["a.md"] and list(vault.private) == ["Secret.md"]
    assert [r.status for r in vault.resolved["a.md"]] == ["private", "private", "broken"]
    assert [(d.code, d.severity.value) for d in vault.diagnostics] == [
        ("private-link", "warning"), ("private-link", "warning"), ("broken-link", "error")]
    assert build_graph(vault).graph.number_of_nodes() == 1


def test_lint_reports_private_links_as_warnings(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"a.md": "[[Secret]]\n", "Secret.md": "---\ndraft: true\n---\n"})
    result = run("--notes", str(root), "lint")
    assert (result.exit_code, result.output) == (0, (
        "a.md:1:1: warning private-link: [[Secret]] points to a private note (publish: false or "
        "draft: true); the site shows it as plain text (publish that note, or remove the link)\n"
        "2 notes: 1 warning\n"))


NOISE = {
    "Sync/Security and privacy.md": "# Security and privacy\n",
    "Publish/Security and privacy.md": "# Security and privacy\n",
    "a.md": "---\naliases: [local vault]\n---\n# A\n",
    "b.md": "---\naliases: [local vault]\n---\n# B\n",
}


def test_plain_vault_gets_no_style_noise(tmp_path: Path) -> None:
    root = write_files(tmp_path, NOISE)
    result = run("--notes", str(root), "lint")
    assert (result.exit_code, result.output) == (0, "4 notes: no problems\n")


def test_shared_alias_matters_where_a_link_uses_it(tmp_path: Path) -> None:
    root = write_files(tmp_path, {**NOISE, "c.md": "[[local vault]]\n"})
    result = run("--notes", str(root), "lint")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "c.md:1:1: error ambiguous-link: [[local vault]] matches several notes: a.md, b.md "
        "(qualify it with a folder, e.g. [[a]])",
        "5 notes: 1 error",
    ]


def test_vault_opts_in_to_style_rules_for_every_note(tmp_path: Path, monkeypatch) -> None:
    write_files(tmp_path, {"mkdocs.yml": "site_name: x\ndocs_dir: notes\nplugins:\n  - lemma:\n"
                                         "      style_rules: all\n"})
    write_files(tmp_path / "notes", NOISE)
    monkeypatch.chdir(tmp_path)
    result = run("lint")
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in result.output.splitlines()[:-1]] == [
        "warning near-duplicate-title", "error duplicate-name"]


def test_typed_notes_keep_the_opinionated_rules(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"concepts/a.md": "---\ntitle: Loss landscape\n---\nDef.\n",
                                  "concepts/b.md": "---\ntitle: Loss landscapes\n---\nDef.\n"})
    result = run("--notes", str(root), "lint")
    assert "near-duplicate-title" in result.output


def test_cli_reads_mkdocs_yml_with_inherit_env_and_toc_slugify(tmp_path: Path,
                                                                monkeypatch) -> None:
    write_files(tmp_path, {
        "base.yml": "site_name: base\ndocs_dir: !ENV [LEMMA_TEST_DOCS, missing]\n"
                    "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:"
                    "pymdownx.slugs.slugify {kwds: {case: lower}}\n",
        "mkdocs.yml": "INHERIT: base.yml\nsite_name: child\n",
        "vault/a.md": "# A\n\n## Überblick\n\n[[#Überblick]] [x](#Überblick)\n",
    })
    monkeypatch.chdir(tmp_path)
    result = run("lint", "--format", "json", env={"LEMMA_TEST_DOCS": "vault"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["notes"] == 1
    from lemma.cli import Project

    monkeypatch.setenv("LEMMA_TEST_DOCS", "vault")
    vault = Project(None).load_vault()
    assert [r.anchor for r in vault.resolved["a.md"]] == ["überblick", "überblick"]


def test_cli_names_a_missing_inherited_file(tmp_path: Path, monkeypatch) -> None:
    write_files(tmp_path, {"mkdocs.yml": "INHERIT: nowhere.yml\n"})
    monkeypatch.chdir(tmp_path)
    result = run("lint")
    assert result.exit_code == 2
    assert result.output == (f"error: {tmp_path / 'mkdocs.yml'}: Inherited config file "
                             f"'nowhere.yml' does not exist at '{tmp_path / 'nowhere.yml'}'.\n")


def test_serve_refresh_follows_a_note_turning_private_and_back(tmp_path: Path) -> None:
    import os

    from lemma.site.state import SiteState

    root = write_files(tmp_path, {"a.md": "[[b]]\n", "b.md": "# B\n"})
    state = SiteState(root, None, check=False)
    state.refresh()
    assert [r.status for r in state.vault.resolved["a.md"]] == ["ok"]

    def edit(text: str, tick: int) -> None:
        (root / "b.md").write_text(text, encoding="utf-8")
        os.utime(root / "b.md", ns=(tick, tick))
        state.refresh()

    edit("---\npublish: false\n---\n# B\n", 10**18)
    assert list(state.vault.notes) == ["a.md"] and "b.md" not in state.graph.graph
    assert [r.status for r in state.vault.resolved["a.md"]] == ["private"]
    edit("# B again\n", 2 * 10**18)
    assert sorted(state.vault.notes) == ["a.md", "b.md"] and "b.md" in state.graph.graph
    assert [r.status for r in state.vault.resolved["a.md"]] == ["ok"]
