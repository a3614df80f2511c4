"""`load_yaml`, the cheaper construction of plain frontmatter, equals `yaml.load` on every input."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import re
from typing import Any

import pytest
import yaml

from lemma.frontmatter_yaml import _Loader, _memo_loader, _MemoLoader, _plain_mapping, load_yaml


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out (1 == 1.0 == True otherwise)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(map(repr, value)) if isinstance(value, set | frozenset) else value
        return (type(value).__name__, [typed(v) for v in items])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def general(raw: str) -> Any:
    return yaml.load(raw, Loader=_Loader)


def outcome(load: Any, raw: str) -> Any:
    """What loading gives: the typed value and its pickle, or the error's type and message."""
    try:
        value = load(raw)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return ("error", type(exc).__name__, str(exc))
    return typed(value), pickle.dumps(value)


#: (id, frontmatter, whether the plain construction takes it).
CASES = [
    ("text", "title: T\nauthors: [Ada Lovelace, Alan Turing]\n", True),
    ("quoted", "title: \"A: b # c\"\nalias: 'it''s'\n", True),
    ("typed-scalars", "year: 2023\nconfidence: 0.95\ndate: 2024-01-02\nread: yes\nx: ~\n", True),
    ("yaml-1.1-ints", "hex: 0x1F\noct: 017\nsep: 1_000\nsexa: 1:30\nneg: -0b101\n", True),
    ("floats", "inf: .inf\nninf: -.Inf\nnan: .NaN\nexp: 6.02e+23\nsexa: 1:30.5\n", True),
    ("datetime", "at: 2024-01-02 10:11:12.5 +02:00\nz: 2024-01-02T10:11:12Z\n", True),
    ("bools-in-list", "aliases: [on, off, yes, no, 'yes', ~, 2024]\n", True),
    ("quoted-numbers", "year: '2023'\ndate: \"2024-01-02\"\n", True),
    ("duplicate-keys", "title: A\ntags: [x]\ntitle: B\n", True),
    ("empty-values", "a:\nb: []\nc: ''\nd: \"\"\n", True),
    ("block-scalars", "a: |\n  one\n  two\nb: >-\n  folded\n  text\n", True),
    ("block-list", "tags:\n  - one\n  - 2\n  - 'three'\n", True),
    ("unicode", "标题: 正切核\ntitle: Łódź\n", True),
    ("explicit-str-tag", "a: !!str 1\nb: !!int '3'\nc: !!float '1'\n", True),
    ("binary", "a: !!binary aGVsbG8=\n", True),
    ("int-key", "1: one\n", False),
    ("bool-key", "yes: one\n", False),
    ("null-key", "~: nothing\n", False),
    ("date-key", "2024-01-02: day\n", False),
    ("quoted-key", "'1': one\n\"yes\": two\n", True),
    ("merge-key", "<<: {a: 1}\nb: 2\n", False),
    ("value-key", "=: x\n", False),
    ("complex-key", "? [a, b]\n: 1\n", False),
    ("alias", "base: &b [x, y]\ntags: *b\n", False),
    ("alias-scalar", "a: &t text\nb: *t\n", True),  # one string either way
    ("merge-alias", "base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n", False),
    ("nested-mapping", "a: {b: 1, c: [d]}\n", False),
    ("nested-list", "a: [[1, 2], [3]]\n", False),
    ("list-of-mappings", "authors:\n  - name: Ada\n  - name: Alan\n", False),
    ("set", "a: !!set {x, y}\n", False),
    ("omap", "a: !!omap [x: 1, y: 2]\n", False),
    ("tagged-seq", "a: !!seq [x]\n", True),
    ("tagged-map", "!!map {a: 1}\n", True),
    ("top-omap", "!!omap [a: 1]\n", False),
    ("top-list", "- a\n- b\n", False),
    ("top-scalar", "just text\n", False),
    ("top-number", "42\n", False),
    ("unknown-tag", "a: !foo x\n", None),
    ("python-tag", "a: !!python/object:os.system x\n", None),
    ("impossible-date", "title: X\ndate: 2021-13-45\n", None),
    ("impossible-dates-in-order", "tags: [2021-13-45]\ndate: 2021-02-30\n", None),
    ("impossible-in-list", "a: [x, 2021-02-30]\n", None),
    ("syntax-error", "a: 1\n  b: 2\n", None),
    ("unclosed-flow", "tags: [a, b\n", None),
    ("tab-indent", "a:\n\t- b\n", None),
    ("undefined-alias", "a: *nowhere\n", None),
    ("two-documents", "a: 1\n--- b: 2\n", None),
    ("directive", "%YAML 1.1\n---\na: 1\n", True),
    ("comments-only", "# nothing here\n", None),
    ("deep-nesting", "a: " + "[" * 2000 + "]" * 2000 + "\n", None),
]


@pytest.mark.parametrize(("raw", "plain"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_load_yaml_equals_yaml_load(raw: str, plain: bool | None) -> None:
    assert outcome(load_yaml, raw) == outcome(general, raw)


@pytest.mark.parametrize(("raw", "plain"), [c[1:] for c in CASES if c[2] is not None],
                         ids=[c[0] for c in CASES if c[2] is not None])
def test_the_plain_construction_takes_only_plain_mappings(raw: str, plain: bool) -> None:
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        assert (_plain_mapping(loader, node) is not None) is plain
    finally:
        loader.dispose()


def test_a_date_is_made_by_pyyaml() -> None:
    assert load_yaml("date: 2024-01-02\n") == {"date": dt.date(2024, 1, 2)}


def test_a_constructor_added_for_text_turns_the_plain_construction_off() -> None:
    class Shouting(_Loader):  # type: ignore[misc,valid-type]
        pass

    Shouting.add_constructor("tag:yaml.org,2002:str", lambda loader, node: node.value.upper())
    loader = Shouting("title: quiet\n")
    try:
        assert _plain_mapping(loader, loader.get_single_node()) is None
    finally:
        loader.dispose()


@pytest.mark.parametrize("tag", ["int", "float", "bool", "null", "timestamp"])
def test_a_constructor_added_for_a_scalar_is_used(tag: str) -> None:
    class Marked(_Loader):  # type: ignore[misc,valid-type]
        pass

    Marked.add_constructor(f"tag:yaml.org,2002:{tag}", lambda loader, node: ("made", node.value))
    raw = {"int": "7", "float": "0.5", "bool": "yes", "null": "~", "timestamp": "2024-01-02"}[tag]
    loader = Marked(f"a: {raw}\nb: [x, {raw}]\n")
    try:
        made = ("made", raw)
        assert _plain_mapping(loader, loader.get_single_node()) == {"a": made, "b": ["x", made]}
    finally:
        loader.dispose()


KEYS = ["title", "tags", "'1'", "1", "yes", "<<", "~", "a b", "标题", "date", "=", "? x"]
VALUES = ["T", "'q: #'", '"2024-01-02"', "2024-01-02", "2021-13-45", "0.5", "1_0", "0x1f", "on",
          "~", "", "[]", "[a, 2, no]", "[a, [b]]", "{a: 1}", "&x [a]", "*x", "&y t", "*y",
          "!!str 3", "!!set {a}", "|\n  block", "\n  - i\n  - 2", "\n  k: v", "[a, b", "a: b",
          ".nan", "1:20"]


@pytest.mark.parametrize("seed", range(5))
def test_load_yaml_equals_yaml_load_on_random_frontmatter(seed: int) -> None:
    import random

    rng = random.Random(seed)
    for _ in range(300):
        raw = "".join(f"{rng.choice(KEYS)}: {rng.choice(VALUES)}\n"
                      for _ in range(rng.randint(1, 6)))
        assert outcome(load_yaml, raw) == outcome(general, raw), raw


#: Plain scalars of every implicit type, and texts that almost are one.
SCALARS = ["", "~", "null", "Null", "NULL", "nul", "yes", "Yes", "YES", "yEs", "on", "OFF", "n",
           "y", "true", "False", "0", "-0", "+1", "017", "019", "0x1F", "0b101", "1_000", "1:30",
           "1:30.5", "1.5", ".5", "1.", "1e5", "1.0e+5", "6.02e+23", ".inf", "-.Inf", ".NaN",
           ".nan.", "2024-01-02", "2024-1-2", "2024-01-02 10:11:12", "2024-01-02T10:11:12Z",
           "2024-01-02 10:11:12.5 +02:00", "2024-13-45", "<<", "=", "==", "title", "Łódź",
           "标题", "a b", "0.95", "95%", "1_0", " ", "\t", "-", "+"]


@pytest.mark.parametrize("value", SCALARS)
def test_the_memo_resolves_a_plain_scalar_as_pyyaml_does(value: str) -> None:
    loader = _memo_loader()("")
    try:
        for implicit in ((True, False), (True, True), (False, True), (False, False)):
            for _ in range(2):  # the second time from the memo
                tag = loader.resolve(yaml.ScalarNode, value, implicit)
                assert tag == _Loader("").resolve(yaml.ScalarNode, value, implicit)
    finally:
        loader.dispose()


def test_a_resolver_added_after_the_memo_is_filled_is_used() -> None:
    assert load_yaml("a: shout\nb: whisper\n") == {"a": "shout", "b": "whisper"}
    loud = "tag:example.org,2024:loud"
    _MemoLoader.add_constructor(loud, lambda loader, node: node.value.upper())
    try:
        for word in ("shout", "whisper"):  # the first call copies the resolvers, the next adds
            assert load_yaml(f"a: {word}\n") == {"a": word}  # in the memo
            _MemoLoader.add_implicit_resolver(loud, re.compile(word), [word[0]])
            assert load_yaml(f"a: {word}\n") == {"a": word.upper()}
    finally:
        del _MemoLoader.yaml_implicit_resolvers, _MemoLoader.yaml_constructors
    assert load_yaml("a: shout\nb: whisper\n") == {"a": "shout", "b": "whisper"}


def test_path_resolvers_turn_the_memo_off() -> None:
    assert _memo_loader() is _MemoLoader
    _MemoLoader.yaml_path_resolvers = {((), str): "tag:yaml.org,2002:str"}
    try:
        assert _memo_loader() is _Loader
    finally:
        del _MemoLoader.yaml_path_resolvers
    assert _memo_loader() is _MemoLoader
