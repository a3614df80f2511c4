"""The core's fast paths give exactly what the slow paths gave (or step aside)."""

from __future__ import annotations

import datetime as dt
import gc
import random
from pathlib import Path

import pytest
import yaml

from lemma.frontmatter import simple_yaml, split_frontmatter
from lemma.vault import load_vault, parse_note, read_note
from tests.conftest import CORPUS


def _same(a: object, b: object) -> bool:
    """Equal values of the same types all the way down (True != 1, date != str)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)  # type: ignore[attr-defined]
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


@pytest.mark.parametrize(("raw", "expected"), [
    ("title: Plain words\nyear: 2021", {"title": "Plain words", "year": 2021}),
    ('title: "Quoted: with colon"', {"title": "Quoted: with colon"}),
    ("tags: [a, b-c, Kaarel's notes]", {"tags": ["a", "b-c", "Kaarel's notes"]}),
    ("tags: []\nempty:", {"tags": [], "empty": None}),
    ("date: 2021-05-15\nconfidence: 0.85", {"date": dt.date(2021, 5, 15), "confidence": 0.85}),
    ("draft: yes\nshown: Off\nnothing: ~", {"draft": True, "shown": False, "nothing": None}),
    ("source: https://example.org/a?b=c%20d", {"source": "https://example.org/a?b=c%20d"}),
])
def test_simple_frontmatter_is_parsed_like_yaml(raw: str, expected: dict):
    assert _same(simple_yaml(raw), expected)
    assert _same(yaml.safe_load(raw), expected)


@pytest.mark.parametrize("raw", [
    "tags:\n  - a\n  - b", "title: x # comment", "# comment\ntitle: x", "n: 007", "n: 1_000",
    "t: 12:30", "x: .inf", "x: -1", 'x: "esc\\n"', "x: 'it''s'", "x: [a, [b]]", "x: {a: b}",
    "x: &anchor a", "x: *ref", "x: !tag a", "x: |", "on: 1", "x: a: b", "x:y", "x: 2021-13-45",
    "x: [\"a, b\"]", "x: \ttab", "x: a\u2028b", "x: 1e5",
])
def test_anything_unusual_falls_back_to_yaml(raw: str):
    assert simple_yaml(raw) is None


def test_random_frontmatter_agrees_with_yaml():
    tokens = ["a", "Ada Lovelace", "yes", "No", "null", "~", "0", "12", "007", "0.95", "1.",
              "-1", "2021-05-15", "2021-5-15", "http://x.org/a#f", "x #c", "x#c", "a: b", "a:b",
              '"q"', '"q, r"', "'s'", "[a, b]", "[]", "[a,b]", "&x", "Gödel", "C#", "x:", "=",
              "(p)", "/p", "Kaarel's", 'say "hi"', "None", "0x1F", "", " "]
    keys = ["title", "tags", "on", "null", "my-key", "_k", "2k", "a b"]
    rng = random.Random(0)
    fast = 0
    for _ in range(20000):
        lines = []
        for _ in range(rng.randint(1, 4)):
            value = rng.choice(tokens)
            if rng.random() < 0.2:
                value = "[" + ", ".join(rng.choice(tokens) for _ in range(rng.randint(0, 3))) + "]"
            lines.append(rng.choice(keys) + rng.choice([": ", ":", ":  "]) + value
                         + rng.choice(["", " "]))
        raw = "\n".join(lines)
        got = simple_yaml(raw)
        if got is None:
            continue
        fast += 1
        assert _same(got, yaml.load(raw, Loader=yaml.CSafeLoader)), raw
    assert fast > 500  # the fast path is really exercised


def test_corpus_frontmatter_takes_the_fast_path_and_agrees():
    checked = 0
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        raw = text[4 : text.find("\n---", 3)]
        assert _same(simple_yaml(raw), yaml.safe_load(raw)), path
        checked += 1
    assert checked > 0


def test_an_impossible_date_is_a_diagnostic_not_a_traceback():
    split = split_frontmatter("---\ntitle: X\ndate: 2021-13-45\n---\nbody\n", "x.md")
    assert [d.code for d in split.diagnostics] == ["frontmatter-invalid"]
    assert split.diagnostics[0].pos.line == 3
    assert "month must be in 1..12" in split.diagnostics[0].message
    assert split.body == "body\n"


@pytest.mark.parametrize("raw", [
    b"---\r\ntitle: A\r\n---\r\nline one\rline two [[b]]\r\n# H\n",
    b"\xef\xbb\xbfno frontmatter [[b]]\n",
    b"plain\n\n## Heading\rwith a lone CR\n",
])
def test_reading_bytes_gives_what_text_mode_gave(tmp_path: Path, raw: bytes):
    (tmp_path / "a.md").write_bytes(raw)
    expected = parse_note("a.md", (tmp_path / "a.md").read_text(encoding="utf-8"))
    assert read_note(tmp_path, "a.md") == expected


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path):
    (tmp_path / "a.md").write_text("[[b]]\n", encoding="utf-8")
    assert gc.isenabled()
    load_vault(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        load_vault(tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()
