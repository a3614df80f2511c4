"""A fast reader for the plain frontmatter most notes have, giving exactly what YAML gives.

PyYAML constructs its values in Python even with libyaml, ~150 µs a note: a third of a note's
parse. Frontmatter made only of `key: value` lines, whose values are one-line quoted strings,
plain scalars or flow lists of them, is read here instead; anything else (block lists,
comments, anchors, escapes, exponents, a tab, a multi-line value...) returns None and is left to
YAML. Plain scalars are typed by PyYAML's own resolver, so `yes`, `~`, `2021-03-04` and `12`
become what YAML makes of them; a type this reader does not build sends the whole text to YAML.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_RESOLVER = Resolver()
_IMPLICIT = (True, False)


@functools.lru_cache(maxsize=4096)
def _tag(text: str) -> str:
    """PyYAML's type for a plain scalar (keys, names and tags repeat from note to note)."""
    return _RESOLVER.resolve(ScalarNode, text, _IMPLICIT)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FLOAT = "tag:yaml.org,2002:float"
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}

#: Anything YAML reads specially or refuses (non-printable characters, tabs, other line breaks,
#: a byte-order mark, escapes, anchors, aliases, tags, block scalars, comments after a space).
_AWKWARD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                      "\U00010000-\U0010ffff]" r"|[\\&*!|>%@`]| #")
_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,100}):(?: +(.*?))? *")
_INT_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT_TEXT = re.compile(r"(?:0|[1-9][0-9]*)\.[0-9]+")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A plain scalar in a block mapping: no leading indicator, no ': ' or trailing ':'.
_PLAIN = re.compile(r"""[^ \-?:,\[\]{}#'"](?:(?!: )[^#])*(?<!:)""")
#: One item of a one-line flow list: a quoted string or a plain scalar without ':' or '#'.
_ITEM = re.compile(r""" *(?:"([^"]*)"|'([^']*)'"""
                   r"""|([^ \-?:,\[\]{}#'"](?:[^:,\[\]{}#]*[^ :,\[\]{}#])?)) *""")


def plain_mapping(raw: str) -> dict[str, Any] | None:
    """What `yaml.safe_load(raw)` returns when `raw` is plain `key: value` lines (see module),
    or None: the caller then asks YAML."""
    if _AWKWARD.search(raw) is not None:
        return None
    data: dict[str, Any] = {}
    for line in raw.split("\n"):
        if not line.strip(" "):
            continue
        match = _LINE.fullmatch(line)
        if match is None or _tag(match[1]) != _STR:
            return None
        value = _value(match[2])
        if value is _NO:
            return None
        data[match[1]] = value
    return data


_NO = object()


def _value(text: str | None) -> Any:
    """The value of one line's text, or _NO when YAML must read it."""
    if not text:
        return None
    first = text[0]
    if first == '"' or first == "'":
        return text[1:-1] if len(text) > 1 and text[-1] == first and \
            first not in text[1:-1] else _NO
    if first == "[":
        return _flow_list(text)
    return _scalar(text) if _PLAIN.fullmatch(text) else _NO


def _flow_list(text: str) -> Any:
    if text[-1] != "]":
        return _NO
    inner, items, pos = text[1:-1], [], 0
    if not inner.strip(" "):
        return []
    while True:
        match = _ITEM.match(inner, pos)
        if match is None or match.end() == pos:
            return _NO
        if match[3] is None:
            items.append(match[1] if match[1] is not None else match[2])
        elif (item := _scalar(match[3])) is _NO:
            return _NO
        else:
            items.append(item)
        pos = match.end()
        if pos == len(inner):
            return items
        if inner[pos] != ",":
            return _NO
        pos += 1


def _scalar(text: str) -> Any:
    """A plain scalar as PyYAML's resolver types it (_NO for types built only by YAML)."""
    tag = _tag(text)
    if tag == _STR:
        return text
    if tag == _INT and _INT_TEXT.fullmatch(text):
        return int(text)
    if tag == _FLOAT and _FLOAT_TEXT.fullmatch(text):
        return float(text)
    if tag == _BOOL:
        return _BOOLS[text.lower()]
    if tag == _NULL:
        return None
    if tag == _TIMESTAMP and _DATE_TEXT.fullmatch(text):
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return _NO  # YAML reports it
    return _NO
