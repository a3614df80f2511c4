"""The parser's quick constructors make exactly the objects the dataclass constructors make."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from lemma.model import (
    Cite,
    Heading,
    Note,
    NoteKind,
    SourcePos,
    WikiLink,
    field_setters,
    new_heading,
    new_link,
    new_note,
    new_pos,
)


def same(made: Any, expected: Any) -> None:
    """Equal, of the same type, field by field identical, pickled alike, still frozen."""
    assert type(made) is type(expected)
    assert made == expected
    for field in dataclasses.fields(expected):
        assert getattr(made, field.name) is getattr(expected, field.name), field.name
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.__setattr__(dataclasses.fields(expected)[0].name, None)


POS = SourcePos("dir/ü.md", 3, 7)
CITE = Cite(1, 9, True, "see", "p. 3", True)


def test_new_pos() -> None:
    same(new_pos("dir/ü.md", 3, 7), POS)


@pytest.mark.parametrize("args", [
    ("t", None, None, False, POS, 1, 5, "[[t]]"),
    ("t", "H", "label", True, POS, 0, 12, "![[t#H|label]]"),
    ("", "^b", None, False, POS, 2, 8, "[[#^b]]", False, None),
    ("n.md", "x", "text", False, POS, 3, 20, "[text](n.md#x)", True),
    ("key", None, None, False, POS, 1, 9, "@key", False, CITE),
])
def test_new_link(args: tuple[Any, ...]) -> None:
    same(new_link(*args), WikiLink(*args))


def test_new_heading() -> None:
    same(new_heading(2, "Title ü", 14, "title-u"), Heading(2, "Title ü", 14, "title-u"))


def test_new_note() -> None:
    link = WikiLink("t", None, None, False, POS, 1, 5, "[[t]]")
    args = ("p/n.md", NoteKind.PAPER, "T", {"title": "T", "year": 2020}, "body", 5, ("A",),
            ("x", "y"), (Heading(1, "H", 6, "h"),), frozenset({"b"}), (link,))
    same(new_note(*args), Note(*args))


def test_a_class_other_than_named_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Pair:
        a: int
        b: int

    assert len(field_setters(Pair, "a b")) == 2
    with pytest.raises(TypeError):
        field_setters(Pair, "b a")
    with pytest.raises(TypeError):
        field_setters(Pair, "a b c")

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError):
        field_setters(Checked, "a")

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        a: int

    with pytest.raises(TypeError):
        field_setters(Unslotted, "a")
