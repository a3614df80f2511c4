"""The pure core of `lemma lsp`: completion contexts, blocks, anchors, rename targets, edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from lemma.lsp import edits, features
from lemma.lsp.blocks import derivation_blocks
from lemma.vault import load_vault
from tests.conftest import write_files
from tests.test_lsp_server import ALPHA, FILES, PAPER


@pytest.fixture
def vault(tmp_path: Path):
    return load_vault(write_files(tmp_path / "notes", FILES))


CONTEXTS = [  # (id, text before the cursor, labels expected; None: no completion at all)
    ("closed-link", "see [[Alpha]] and", None),
    ("label-part", "see [[Alpha|the fi", None),
    ("heading-line", "## Par", None),
    ("hash-inside-word", "C#", None),
    ("heading-of-this-note", "[[#", ["Summary", "Opinion"]),
    ("block-of-alias", "[[First letter#^", ["def"]),
    ("unknown-note-heading", "[[Nowhere#", None),
    ("title-substring", "[[lph", ["Alpha"]),
    ("nested-tag-prefix", "#gr", ["greek"]),
]


@pytest.mark.parametrize(("before", "labels"), [c[1:] for c in CONTEXTS],
                         ids=[c[0] for c in CONTEXTS])
def test_completion_contexts(vault, before: str, labels: list[str] | None) -> None:
    items, cut = features.complete(vault, "papers/p.md", 20, before)
    assert cut is False
    assert [i.label for i in items] == (labels or [])


def test_derivation_blocks_and_their_names(vault) -> None:
    [block] = derivation_blocks(vault.notes["concepts/alpha.md"])
    lines = ALPHA.split("\n")
    assert (block.id, block.title) == ("square", "A square")
    assert (lines[block.start], lines[block.end]) == ("```derivation id=square", "```")
    assert block.names == (("x", "real"), ("y", "real"), ("h1", "hypothesis: x == y"))


def test_hover_texts(vault) -> None:
    alpha = vault.notes["concepts/alpha.md"]
    assert features.first_paragraph(alpha) == "Alpha is the first letter of the alphabet. ^def"
    assert features.section_text(alpha, 7) == "## Part one\n\nMore about alpha. #letters\n\n" \
        + "\n".join(ALPHA.split("\n")[11:21])


@pytest.mark.parametrize(("line", "col", "expected"), [
    (1, 3, ("concepts/alpha.md", "Alpha")),  # the title: line
    (5, 3, None),  # body text
], ids=["title-line", "body"])
def test_rename_target_in_the_note_itself(vault, line: int, col: int, expected) -> None:
    found = edits.rename_target(vault, "concepts/alpha.md", line, col)
    assert (found and (found[0], found[2])) == expected


def test_rename_target_on_a_link(vault) -> None:
    line = PAPER.split("\n").index("Emoji 😀 then [[Alpha]] again.")
    found = edits.rename_target(vault, "papers/p.md", line, len("Emoji 😀 then [["))
    assert found == ("concepts/alpha.md", features.Span(line, 13, line, 22), "Alpha")


@pytest.mark.parametrize(("keep_path", "moved_to"), [(False, "concepts/alef.md"),
                                                    (True, "concepts/alpha.md")],
                         ids=["file renamed", "file kept (editor cannot rename files)"])
def test_rename_edits_keep_the_path_when_asked(vault, keep_path: bool, moved_to: str) -> None:
    planned = {f.path: f for f in edits.rename_edits(vault, "concepts/alpha.md", "Alef",
                                                     keep_path=keep_path)}
    assert planned["concepts/alpha.md"].new_path == moved_to
    assert [c.text for c in planned["concepts/alpha.md"].changes] == ["title: Alef\n"]
    assert sorted(planned) == ["concepts/alpha.md", "papers/p.md"]


@pytest.mark.parametrize(("old", "new"), [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc", "a\nb\nc\nd"),
    ("a\nb\n", "x\na\nb\n"),
    ("one line", "two\nlines"),
    ("a\nb\nc\n", "a\n"),
], ids=["replace", "append-no-newline", "prepend", "split", "delete"])
def test_text_changes_turn_old_into_new(old: str, new: str) -> None:
    lines = old.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    text = old
    for change in sorted(edits.text_changes(old, new), key=lambda c: (c.span.line, c.span.col),
                         reverse=True):
        start = starts[change.span.line] + change.span.col
        end = starts[change.span.end_line] + change.span.end_col
        text = text[:start] + change.text + text[end:]
    assert text == new


@pytest.mark.slow
def test_check_note_stops_when_superseded(vault, tmp_path: Path) -> None:
    found = edits.check_note(vault, "concepts/wrong.md", cache_dir=tmp_path / "cache")
    assert [(d.code, d.pos.line) for d in found] == [("derivation-failed", 11)]
    with pytest.raises(edits.Superseded):
        edits.check_note(vault, "concepts/wrong.md", cache_dir=tmp_path / "other",
                         cancelled=lambda: True)


def test_symbols_nest_by_heading_level(tmp_path: Path) -> None:
    text = ("# Top\n\n## A\n\n```derivation id=d\ncalc:\n  x\n  = x\n```\n### A1\n\n"
            "## B\nend\n")
    vault = load_vault(write_files(tmp_path / "v", {"n.md": text}))

    def outline(symbols) -> list:
        return [(s.name, s.span.line, s.span.end_line, outline(s.children)) for s in symbols]

    assert outline(features.symbols(vault, "n.md")) == [
        ("Top", 0, 13, [("A", 2, 10, [("derivation d", 4, 8, []), ("A1", 9, 10, [])]),
                        ("B", 11, 13, [])])]
