"""YAML frontmatter: split it from the body and validate it against its kind's schema.

Validation collects every problem as a Diagnostic (never raises), and keeps unknown keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .frontmatter_yaml import YAML_LOADER, load_plain_yaml
from .model import KIND_FOLDERS, Diagnostic, NoteKind, Severity, SourcePos

_OPEN = re.compile(r"\A---[ \t]*\r?\n")
# The closing line, found from the "\n" ending the opening one: a literal first character lets
# CPython scan fast, where "^" with re.MULTILINE is tried at every offset.
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
STATUSES = ("read", "skimmed", "to-read")
#: Items (plus characters) a frontmatter may expand to beyond twice its own length.
EXPANSION_BUDGET = 100_000
MAX_DEPTH = 50


@dataclass(frozen=True, slots=True)
class Split:
    """A note file cut into frontmatter data and body; `body_line` is the body's first file line."""

    meta: dict[str, Any]
    body: str
    body_line: int
    diagnostics: tuple[Diagnostic, ...] = ()


def split_frontmatter(text: str, path: str) -> Split:
    """Separate the leading `---` YAML block from the Markdown body.

    Malformed YAML becomes one `frontmatter-invalid` error at the offending line; the body is
    still returned so links and headings are checked too.
    """
    opening = _OPEN.match(text)
    if not opening:
        return Split({}, text, 1)
    closing = _CLOSE.search(text, opening.end() - 1)
    if not closing:
        error = _error(path, 1, "frontmatter-invalid",
                       "frontmatter starts with '---' but never ends",
                       "close it with a line holding only '---'")
        return Split({}, text, 1, (error,))
    raw = text[opening.end() : closing.start() + 1]
    body_start = closing.end() + (1 if text[closing.end() : closing.end() + 1] == "\n" else 0)
    body_line = text.count("\n", 0, body_start) + 1
    body = text[body_start:]
    try:
        data, plain = load_plain_yaml(raw) if raw.strip() else ({}, True)
    except RecursionError:
        return Split({}, body, body_line, (_too_large(path, raw, None),))
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. `date: 2021-13-45`
        error = _error(path, _value_error_line(raw), "frontmatter-invalid",
                       f"frontmatter has an impossible value: {exc}",
                       "write dates as YYYY-MM-DD and numbers plainly, or quote the value")
        return Split({}, body, body_line, (error,))
    except yaml.YAMLError as exc:
        # the construct being parsed (e.g. an unclosed '[') says more than where parsing stopped
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        error = _error(path, line, "frontmatter-invalid",
                       f"frontmatter is not valid YAML: {problem}",
                       "quote values that contain ':' or '#', and indent lists consistently")
        return Split({}, body, body_line, (error,))
    if isinstance(data, dict) and (key := _oversized_key(data, raw)) != "":
        return Split({}, body, body_line, (_too_large(path, raw, key),))
    if not isinstance(data, dict):
        error = _error(path, 2, "frontmatter-invalid",
                       "frontmatter must be a mapping of keys to values",
                       "write it as 'key: value' lines")
        return Split({}, body, body_line, (error,))
    return Split(data if plain else {str(k): v for k, v in data.items()}, body, body_line)


def _oversized_key(data: dict[Any, Any], raw: str) -> str | None:
    """The first key whose value, with YAML aliases expanded, is far larger than the text that
    wrote it (a "billion laughs" bomb) or nested too deeply; '' when every value is fine.

    The walk stops as soon as the budget is spent, so checking a bomb costs only the budget.
    """
    if "*" not in raw and (raw.count(":") + raw.count("-") + raw.count("[") + raw.count("{")
                           + raw.count("?")) < MAX_DEPTH:
        return ""  # no alias to expand, and too few indicators to nest MAX_DEPTH deep
    budget = EXPANSION_BUDGET + 2 * len(raw)
    for key, value in data.items():
        todo: list[tuple[Any, int]] = [(key, 0), (value, 0)]
        while todo:
            item, depth = todo.pop()
            budget -= 1 + (len(item) if isinstance(item, str) else 0)
            if budget < 0 or depth > MAX_DEPTH:
                return str(key) if isinstance(key, str) else None
            if isinstance(item, dict):
                todo += [(x, depth + 1) for pair in item.items() for x in pair]
            elif isinstance(item, list | tuple | set):
                todo += [(x, depth + 1) for x in item]
    return ""


def _too_large(path: str, raw: str, key: str | None) -> Diagnostic:
    line = key_line(raw, key) + 1 if key else 2
    where = f"'{key}'" if key else "a value"
    return _error(path, line, "frontmatter-too-large",
                  f"frontmatter {where} is too large or too deeply nested once YAML aliases "
                  "(&anchor, *alias) are expanded; the frontmatter is ignored",
                  "write the values out plainly instead of repeating aliases")


def _value_error_line(raw: str) -> int:
    """The file line of the first frontmatter line whose value YAML cannot construct."""
    for number, line in enumerate(raw.split("\n")):
        try:
            yaml.load(line, Loader=YAML_LOADER)
        except yaml.YAMLError:
            continue
        except (ValueError, TypeError, OverflowError):
            return number + 2
    return 2


def _error(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(SourcePos(path, line, 1), Severity.ERROR, code, message, hint)


def kind_of(path: str, meta: dict[str, Any]) -> NoteKind | str:
    """The note's kind: frontmatter `kind` if given, else its top folder's, else a plain note.

    Returns the raw string when `kind` names no known kind, so validation can report it.
    """
    declared = meta.get("kind")
    if declared is not None:
        try:
            return NoteKind(str(declared).strip().lower())
        except ValueError:
            return str(declared)
    top = path.split("/", 1)[0] if "/" in path else ""
    return KIND_FOLDERS.get(top, NoteKind.NOTE)


# A field check returns an error message, or None when the value is fine.
Check = Callable[[Any], "str | None"]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _text_list(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None  # a single name is accepted as a one-item list
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return "must be a list of names, e.g. [Ada Lovelace, Alan Turing]"


def _optional_list(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, list):
        plain = True  # every item text or a number (one loop: a vault has a tag list a note)
        for v in value:
            if v is None or v is True or v is False:
                return "has an item YAML reads as yes/no or empty (on, off, yes, no, ~): quote it"
            if plain and not isinstance(v, _TEXT_OR_NUMBER):
                plain = False
        if plain:
            return None
    return "must be a list of text items"


_TEXT_OR_NUMBER = (str, int, float)


def _year(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999
    return None if ok else "must be a four-digit year, e.g. 2023"


def _url(value: Any) -> str | None:
    return None if isinstance(value, str) and _URL.match(value) else "must be an http(s) URL"


def _status(value: Any) -> str | None:
    return None if value in STATUSES else f"must be one of {', '.join(STATUSES)}"


def parse_date(value: Any) -> dt.date | None:
    """A frontmatter date (YAML date, datetime, or "YYYY-MM-DD" text) as a date; None if not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date(value: Any) -> str | None:
    return None if parse_date(value) is not None else "must be a date written YYYY-MM-DD"


def parse_confidence(value: Any) -> float | None:
    """A confidence as a probability: 0.95, or "95%" as the seeds write it; None if invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            value = float(value.strip()[:-1]) / 100
        except ValueError:
            return None
    if isinstance(value, int | float) and 0 <= value <= 1:
        return float(value)
    return None


def _confidence(value: Any) -> str | None:
    ok = parse_confidence(value) is not None
    return None if ok else "must be a probability between 0 and 1 (or a percentage like '95%')"


_COMMON: dict[str, Check] = {"tags": _optional_list, "aliases": _optional_list}

#: kind -> (required fields, optional fields), each with its check.
SCHEMAS: dict[NoteKind, tuple[dict[str, Check], dict[str, Check]]] = {
    NoteKind.PAPER: (
        {"title": _text, "authors": _text_list, "year": _year, "source": _url},
        {"venue": _text, "status": _status, **_COMMON},
    ),
    NoteKind.TAKE: ({"title": _text, "date": _date}, {"confidence": _confidence, **_COMMON}),
    NoteKind.CONCEPT: ({"title": _text}, dict(_COMMON)),
    NoteKind.DIGEST: ({"title": _text}, {"date": _date, "source": _url, "authors": _text_list,
                                         **_COMMON}),
    NoteKind.NOTE: ({}, {"title": _text, **_COMMON}),
}


def validate(kind: NoteKind | str, meta: dict[str, Any], path: str, raw: str) -> list[Diagnostic]:
    """Every schema problem of one note's frontmatter, each at the line of its key."""
    if not isinstance(kind, NoteKind):
        known = ", ".join(k.value for k in NoteKind)
        return [_error(path, key_line(raw, "kind"), "unknown-kind", f"unknown kind '{kind}'",
                       f"use one of {known}")]
    required, optional = SCHEMAS[kind]
    problems = []
    for key, check in required.items():
        if meta.get(key) is None:
            problems.append(_error(path, 1, "missing-field",
                                   f"{kind.value} note is missing required field '{key}'",
                                   f"add '{key}:' to the frontmatter"))
        elif (message := check(meta[key])) is not None:
            problems.append(_error(path, key_line(raw, key), "invalid-field", f"'{key}' {message}"))
    for key, check in optional.items():
        if meta.get(key) is not None and (message := check(meta[key])) is not None:
            problems.append(_error(path, key_line(raw, key), "invalid-field", f"'{key}' {message}"))
    return problems


def key_line(raw: str, key: str) -> int:
    """The file line on which a top-level frontmatter key is written (1 if not found)."""
    match = re.search(rf"^{re.escape(key)}[ \t]*:", raw, re.MULTILINE)
    return raw.count("\n", 0, match.start()) + 1 if match else 1


def as_list(value: Any) -> tuple[str, ...]:
    """A frontmatter list field (or single string) as a tuple of stripped strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple([text for v in value if (text := str(v).strip())])
    return ()
