"""Frontmatter splitting and per-kind validation."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from lemma.frontmatter import (
    _optional_list,
    as_list,
    kind_of,
    parse_confidence,
    split_frontmatter,
    validate,
)
from lemma.frontmatter_yaml import load_yaml
from lemma.model import NoteKind
from lemma.note_parse import parse_note


def test_split_keeps_body_line_numbers() -> None:
    split = split_frontmatter("---\ntitle: T\ntags: [a]\n---\nbody line\n", "n.md")
    assert (split.meta, split.body, split.body_line) == ({"title": "T", "tags": ["a"]},
                                                        "body line\n", 5)


def test_no_frontmatter_is_all_body() -> None:
    split = split_frontmatter("# Title\n---\n", "n.md")
    assert (split.meta, split.body_line, split.diagnostics) == ({}, 1, ())


def test_unclosed_frontmatter_is_one_error() -> None:
    [error] = split_frontmatter("---\ntitle: T\nno end\n", "n.md").diagnostics
    assert error.format() == ("n.md:1:1: error frontmatter-invalid: frontmatter starts with '---' "
                              "but never ends (close it with a line holding only '---')")


def test_crlf_and_bom_are_read() -> None:
    note, problems = parse_note("n.md", "\ufeff---\r\ntitle: T\r\n---\r\n[[x]]\r\n")
    assert (note.title, problems, note.links[0].pos.line) == ("T", [], 4)


@pytest.mark.parametrize(("path", "meta", "kind"), [
    ("papers/x.md", {}, NoteKind.PAPER),
    ("takes/x.md", {}, NoteKind.TAKE),
    ("concepts/deep/x.md", {}, NoteKind.CONCEPT),
    ("digests/x.md", {}, NoteKind.DIGEST),
    ("x.md", {}, NoteKind.NOTE),
    ("papers/x.md", {"kind": "Concept"}, NoteKind.CONCEPT),
    ("x.md", {"kind": "essay"}, "essay"),
])
def test_kind_of(path: str, meta: dict, kind) -> None:
    assert kind_of(path, meta) == kind


@pytest.mark.parametrize(("value", "expected"), [
    (0.95, 0.95), (1, 1.0), ("95%", 0.95), ("80 %", 0.8),
    (1.5, None), (True, None), ("high", None)])
def test_parse_confidence(value, expected) -> None:
    assert parse_confidence(value) == expected


def test_paper_schema_messages_name_the_field_and_line() -> None:
    raw = "---\ntitle: P\nauthors: 3\nyear: 21\nsource: not a url\nstatus: done\n---\n"
    meta = split_frontmatter(raw, "p.md").meta
    found = [d.format() for d in validate(NoteKind.PAPER, meta, "p.md", raw)]
    assert found == [
        "p.md:3:1: error invalid-field: 'authors' must be a list of names, e.g. [Ada Lovelace, "
        "Alan Turing]",
        "p.md:4:1: error invalid-field: 'year' must be a four-digit year, e.g. 2023",
        "p.md:5:1: error invalid-field: 'source' must be an http(s) URL",
        "p.md:6:1: error invalid-field: 'status' must be one of read, skimmed, to-read",
    ]


def test_plain_note_needs_nothing() -> None:
    assert validate(NoteKind.NOTE, {"whatever": [1, 2]}, "n.md", "") == []


def test_yaml_booleans_in_aliases_are_reported() -> None:
    raw = "---\ntitle: T\naliases: [ON, fine]\n---\n"
    meta = split_frontmatter(raw, "c.md").meta
    [problem] = validate(NoteKind.CONCEPT, meta, "c.md", raw)
    assert problem.format() == ("c.md:3:1: error invalid-field: 'aliases' has an item YAML reads "
                                "as yes/no or empty (on, off, yes, no, ~): quote it")


#: The closing line as the split found it before: "^" with re.MULTILINE from the opening's end.
_CLOSE_BEFORE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def split_before(text: str) -> tuple[str, str, int] | None:
    """(raw frontmatter, body, body_line) as the split cut `text` with the pattern above (None:
    the frontmatter never ends)."""
    opening = re.match(r"\A---[ \t]*\r?\n", text)
    if not opening:
        return "", text, 1
    closing = _CLOSE_BEFORE.search(text, opening.end())
    if not closing:
        return None
    body_start = closing.end() + (1 if text[closing.end() : closing.end() + 1] == "\n" else 0)
    raw = text[opening.end() : closing.start()]
    return raw, text[body_start:], text.count("\n", 0, body_start) + 1


@pytest.mark.parametrize("seed", range(3))
def test_the_closing_line_is_found_where_it_was(seed: int) -> None:
    rng = random.Random(seed)
    parts = ["---", "...", "--- ", "---\t", "----", " ---", "---x", "..", "a: 1", "b: [x]", "",
             "1: x", "\r", "\r\n", "\n", "\n", "\n", "\t", "é: ü", "# c"]
    for _ in range(3000):
        text = "---" + rng.choice(["", " ", "\t"]) + rng.choice(["\n", "\r\n"]) + "".join(
            rng.choice(parts) for _ in range(rng.randint(0, 10)))
        split = split_frontmatter(text, "n.md")
        before = split_before(text)
        if before is None:
            assert "never ends" in split.diagnostics[0].message, repr(text)
            continue
        raw, body, body_line = before
        assert (split.body, split.body_line) == (body, body_line), repr(text)
        if not split.diagnostics:
            meta = load_yaml(raw) if raw.strip() else {}
            assert split.meta == {str(k): v for k, v in meta.items()}, repr(text)


def optional_list_before(value: object) -> str | None:
    """`_optional_list` as it was written before its one loop."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, list):
        if any(isinstance(v, bool) or v is None for v in value):
            return "has an item YAML reads as yes/no or empty (on, off, yes, no, ~): quote it"
        if all(isinstance(v, str | int | float) for v in value):
            return None
    return "must be a list of text items"


def as_list_before(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return as_list(value)


@pytest.mark.parametrize("seed", range(3))
def test_list_fields_are_read_as_before(seed: int) -> None:
    rng = random.Random(seed)
    items = ["a", " b ", "", "  ", "ü", 1, 0, -2, 1.5, float("nan"), True, False, None, [], ["x"],
             {}, {"k": 1}, dt.date(2024, 1, 2), b"x", 10**30]
    for _ in range(3000):
        value: object = [rng.choice(items) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.1:
            value = rng.choice(items)
        assert _optional_list(value) == optional_list_before(value), value
        assert as_list(value) == as_list_before(value), value
