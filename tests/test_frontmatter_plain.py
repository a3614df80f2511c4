"""The plain-frontmatter reader gives exactly what YAML gives, or leaves the text to YAML."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import yaml

from lemma.frontmatter import split_frontmatter
from lemma.frontmatter_plain import plain_mapping


def _yaml(raw: str) -> object:
    try:
        return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return "error"


def _typed(value: object) -> object:
    """The value with the type of every item, so 1 and True, or '1' and 1, differ."""
    if isinstance(value, dict):
        return [(k, _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


READ_HERE = {
    "quoted title": ('title: "Theory measure loss 1"', {"title": "Theory measure loss 1"}),
    "single quotes": ("title: 'A: b, c#'", {"title": "A: b, c#"}),
    "url": ("source: https://example.org/papers/1", {"source": "https://example.org/papers/1"}),
    "flow list": ("authors: [Radford Neal, John Wentworth]",
                  {"authors": ["Radford Neal", "John Wentworth"]}),
    "flow list quoted": ('tags: ["a, b", \'c\' , d]', {"tags": ["a, b", "c", "d"]}),
    "empty list": ("tags: [ ]", {"tags": []}),
    "int": ("year: 1995", {"year": 1995}),
    "float": ("confidence: 0.42", {"confidence": 0.42}),
    "date": ("date: 2024-02-29", {"date": dt.date(2024, 2, 29)}),
    "bools": ("a: yes\nb: Off\nc: TRUE", {"a": True, "b": False, "c": True}),
    "nulls": ("a:\nb: ~\nc: null", {"a": None, "b": None, "c": None}),
    "items typed": ("tags: [on, 12, ~, x]", {"tags": [True, 12, None, "x"]}),
    "blank lines": ("\na: 1\n   \nb: x y  \n", {"a": 1, "b": "x y"}),
    "duplicate key": ("a: 1\nb: 2\na: 3", {"a": 3, "b": 2}),
    "inner colon": ("a: b:c d, e", {"a": "b:c d, e"}),
    "y is text": ("y: n", {"y": "n"}),
    "unicode": ("title: Café ∑ 漢字", {"title": "Café ∑ 漢字"}),
}

LEFT_TO_YAML = {
    "block list": "authors:\n  - A\n  - B",
    "comment": "a: 1 # one",
    "comment line": "# about\na: 1",
    "octal": "a: 012",
    "exponent": "a: 1.0e+3",
    "bad date": "date: 2021-13-45",
    "datetime": "date: 2021-01-02 10:00:00",
    "escape": 'a: "x\\ty"',
    "anchor": "a: &x 1\nb: *x",
    "folded": "a: >\n  text",
    "continued": "a: one\n  two",
    "bool key": "yes: 1",
    "number key": "2020: x",
    "tab": "a:\tb",
    "mapping in value": "a: b: c",
    "trailing colon": "a: b:",
    "nested flow": "a: [[b]]",
    "flow trailing comma": "a: [b, ]",
    "flow mapping": "a: {b: c}",
    "unclosed list": "a: [b, c",
    "quote inside": "a: 'it''s'",
    "line separator": "a: b\u2028c",
    "bom": "a: \ufeffb",
    "leading dash": "a: -1",
    "merge": "<<: x",
    "value tag": "a: =",
    "indented key": " a: 1",
    "scalar document": "just text",
}


@pytest.mark.parametrize("raw, expected", READ_HERE.values(), ids=READ_HERE.keys())
def test_plain_frontmatter_is_read_here_as_yaml_reads_it(raw: str, expected: dict) -> None:
    got = plain_mapping(raw)
    assert _typed(got) == _typed(expected) == _typed(_yaml(raw))


@pytest.mark.parametrize("raw", LEFT_TO_YAML.values(), ids=LEFT_TO_YAML.keys())
def test_anything_else_is_left_to_yaml(raw: str) -> None:
    assert plain_mapping(raw) is None


TOKENS = ["a", "b c", "yes", "No", "~", "null", "", "1", "0", "012", "-3", "1.5", "0.25", ".5",
          "1e3", "2021-01-02", "2021-02-30", "x: y", "x:y", "x #y", "x#y", "[a, b]", "[a,b]",
          "[]", "[a, [b]]", '"q, r"', "'s'", '"t\\n"', "http://e.org/x?y=1", "*z", "&z w",
          "!str 1", "|", "-", "- x", "?", "é", "[yes, 2, ~]", "[a b , 'c']", "{a: 1}", "a,b",
          "True", "0x1F", "1_000", "1:30", ".inf", "=", "<<", "[x:y]", "@a", "`a`", "a\tb",
          "[\"a\", b]", "'it''s'", "x  y", "[ ]", "[,]", "\u00a0a", "a\u0085b"]
KEYS = ["title", "tags", "a_b", "c-d", "yes", "on", "x", "null", "2", "_k", "K"]


@pytest.mark.parametrize("seed", range(8))
def test_random_frontmatter_reads_as_yaml(seed: int) -> None:
    """Random lines of awkward values: whatever the fast reader answers is YAML's answer,
    and it answers most of the plain ones."""
    rng = random.Random(seed)
    answered = 0
    for _ in range(400):
        lines = [f"{rng.choice(KEYS)}:{rng.choice(['', ' ', '  '])}{rng.choice(TOKENS)}"
                 for _ in range(rng.randint(1, 4))]
        raw = "\n".join(lines)
        got = plain_mapping(raw)
        if got is not None:
            answered += 1
            assert _typed(got) == _typed(_yaml(raw)), raw
    assert answered > 10


def test_split_frontmatter_keeps_yaml_errors_for_what_it_leaves() -> None:
    split = split_frontmatter("---\ndate: 2021-13-45\n---\nbody\n", "t.md")
    assert split.meta == {}
    assert [(d.pos.line, d.code) for d in split.diagnostics] == [(2, "frontmatter-invalid")]
