"""Headings, tags and names as the language server navigates them (plain data, no server):
references and renames of headings and tags, tag hover, and the sorted name list."""

from __future__ import annotations

from pathlib import Path

import pytest

from lemma.lsp.edits import FileEdit
from lemma.lsp.names import NameList
from lemma.lsp.navigation import (
    heading_at,
    heading_links,
    heading_rename,
    tag_at,
    tag_hover,
    tag_places,
    tag_rename,
)
from lemma.vault import load_vault
from tests.conftest import write_files

GREEK = """---
title: Greek letters
tags: [greek, letters]
---
Alpha and beta. #greek/alpha

## Part one

Body. [[#Part one]] and [[Greek letters#Part one|there]].

```text
#greek in code is no tag
```
"""
OTHER = """---
title: Other greek things
tags:
  - greek
---
See [[Greek letters#Part one]], [[greek letters#part-one]], [x](greek.md#part-one)
and [[Greek letters#Part one#Part one]]. #greek here, #greekish not.
"""
FILES = {"greek.md": GREEK, "other.md": OTHER}


def lines_of(root: Path):
    return lambda path: (root / path).read_text(encoding="utf-8").split("\n")


def apply(root: Path, planned: list[FileEdit]) -> None:
    """Write the edits as an editor would apply them (each span of the current text)."""
    for file in planned:
        lines = (root / file.path).read_text(encoding="utf-8").split("\n")
        for change in sorted(file.changes, key=lambda c: (c.span.line, c.span.col),
                             reverse=True):
            span = change.span
            assert span.line == span.end_line
            text = lines[span.line]
            lines[span.line] = text[:span.col] + change.text + text[span.end_col:]
        (root / file.path).write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "notes", FILES)


def test_every_link_form_to_a_heading_is_a_reference(root: Path) -> None:
    vault = load_vault(root)
    heading = heading_at(vault.notes["greek.md"], 6)
    assert heading is not None and heading.text == "Part one"
    found = sorted((r.source, r.link.raw) for r in heading_links(vault, "greek.md", heading))
    assert found == [("greek.md", "[[#Part one]]"),
                     ("greek.md", "[[Greek letters#Part one|there]]"),
                     ("other.md", "[[Greek letters#Part one#Part one]]"),
                     ("other.md", "[[Greek letters#Part one]]"),
                     ("other.md", "[[greek letters#part-one]]"),
                     ("other.md", "[x](greek.md#part-one)")]


def test_a_heading_rename_keeps_every_link_on_it(root: Path) -> None:
    vault = load_vault(root)
    heading = heading_at(vault.notes["greek.md"], 6)
    apply(root, heading_rename(vault, "greek.md", heading, "Part uno", lines_of(root)))
    after = load_vault(root)
    assert after.diagnostics == []
    renamed = heading_at(after.notes["greek.md"], 6)
    assert renamed is not None and renamed.text == "Part uno"
    assert len(heading_links(after, "greek.md", renamed)) == 6
    text = (root / "other.md").read_text(encoding="utf-8")
    assert "[[Greek letters#Part uno]]" in text and "[x](greek.md#part-uno)" in text
    assert "[[greek letters#Part uno]]" in text  # an anchor-style link now names the text
    assert "[[Greek letters#Part one#Part uno]]" in text  # nested form: the last part


def test_tags_inline_nested_and_in_frontmatter(root: Path) -> None:
    vault = load_vault(root)
    places = [(p.path, p.span.line, p.span.col) for p in tag_places(vault, "greek",
                                                                    lines_of(root))]
    assert places == [("greek.md", 2, 7), ("greek.md", 4, 17), ("other.md", 3, 4),
                      ("other.md", 6, 42)]
    apply(root, tag_rename(vault, "greek", "hellenic", lines_of(root)))
    after = load_vault(root)
    assert sorted(after.notes["greek.md"].tags) == ["hellenic", "hellenic/alpha", "letters"]
    assert sorted(after.notes["other.md"].tags) == ["greekish", "hellenic"]
    assert "title: Other greek things" in (root / "other.md").read_text(encoding="utf-8")
    assert "#greek in code" in (root / "greek.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("path", "line", "col", "expected"), [
    ("greek.md", 4, 18, "greek/alpha"),  # inline, nested
    ("greek.md", 2, 9, "greek"),  # frontmatter list
    ("greek.md", 1, 9, None),  # the title line
    ("greek.md", 11, 2, None),  # in a code block
], ids=["inline", "frontmatter", "title", "code"])
def test_tag_under_the_cursor(root: Path, path: str, line: int, col: int,
                              expected: str | None) -> None:
    vault = load_vault(root)
    found = tag_at(vault.notes[path], lines_of(root)(path), line, col)
    assert (found[0] if found else None) == expected


def test_tag_hover_lists_the_notes(root: Path) -> None:
    assert tag_hover(load_vault(root), "greek") == (
        "**#greek** — 2 notes\n\n- Greek letters — `greek.md`\n"
        "- Other greek things — `other.md`")


def test_names_prefix_first_then_containing_then_cut(tmp_path: Path) -> None:
    files = {f"n{i}.md": f"---\ntitle: Note {i:03d}\n---\n" for i in range(150)}
    files["x.md"] = "---\ntitle: Footnotes\naliases: [Keynote]\n---\n"
    names = NameList(load_vault(write_files(tmp_path / "v", files)))
    found, cut = names.search("note 1", 100)
    assert [n.text for n in found] == [f"Note {i:03d}" for i in range(100, 150)] and not cut
    found, cut = names.search("NOT", 100)
    assert len(found) == 100 and cut and found[0].text == "Note 000"
    found, cut = names.search("note", 1000)
    assert [n.text for n in found[-2:]] == ["Footnotes", "Keynote"] and not cut
    assert found[-1].kind == "alias" and found[-1].title == "Footnotes"
    found, cut = names.search("", 10)
    assert len(found) == 10 and cut


def test_names_follow_edits_in_place_as_a_rebuild_would(tmp_path: Path) -> None:
    from lemma.lsp.live import LiveVault

    root = write_files(tmp_path / "v", {**FILES, "c.md": "---\ntitle: Gamma\n---\n"})
    live = LiveVault(load_vault(root))
    names = live.name_list()
    edits = [("c.md", "---\ntitle: Alpha\naliases: [Gamma, Zeta]\n---\n"),  # retitle + aliases
             ("new.md", "---\ntitle: Beta\n---\n"),  # a new note
             ("c.md", "---\ntitle: alpha\n---\n"),  # a change of case only
             ("greek.md", "no frontmatter now\n")]  # title from the file name
    for path, text in edits:
        live.set_text(path, text)
        assert live.name_list() is names  # updated, not rebuilt
        assert names.names == NameList(live.vault).names, path
        assert names.keys == [n.key for n in names.names]
    live.revert("new.md")  # never saved: gone again
    assert names.names == NameList(live.vault).names
