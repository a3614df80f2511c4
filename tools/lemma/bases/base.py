"""Obsidian Bases (`.base` files), the build-time subset: global and per-view filters (`and`,
`or`, `not` of expressions), formulas, display names, and table / list / cards views with
`order`, `sort`, `groupBy` and `limit`, evaluated over the vault's public notes.

Expressions go through `expr.py`'s whitelist, never `eval`. A problem (bad YAML, an expression
that cannot be read, a function outside the whitelist) is one diagnostic with `path:line`; the
rest of the base still renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..model import Diagnostic, Note, Severity, SourcePos
from .expr import ExprError, Node, Scope, evaluate, read_expression, truthy

VIEW_TYPES = ("table", "list", "cards")
MAX_BASE_BYTES = 1_000_000
MAX_ROWS = 5000


@dataclass
class View:
    type: str
    name: str
    filters: Any = None  # a compiled filter tree (see `_compile`), None for all
    order: list[str] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    group_by: tuple[str, bool] | None = None
    limit: int | None = None


@dataclass
class Base:
    path: str
    filters: Any = None
    formulas: dict[str, Node] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # property -> display name
    views: list[View] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    text: str = ""
    sources: dict[int, str] = field(default_factory=dict)  # id(parsed node) -> its text

    @property
    def title(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".base")

    def problem(self, message: str, needle: str = "") -> None:
        at = self.text.find(needle) if needle else -1
        line = self.text.count("\n", 0, at) + 1 if at >= 0 else 1
        self.problems.append(Diagnostic(SourcePos(self.path, line, 1), Severity.ERROR,
                                        "base-invalid", message,
                                        "Lemma evaluates a safe subset of Bases: see the README"))

    def display(self, prop: str) -> str:
        if prop in self.names:
            return self.names[prop]
        return {"file.name": "Name", "file.basename": "Name"}.get(prop, prop.split(".")[-1])


def parse_base(path: str, text: str) -> Base:
    """The base in `text`; never raises on bad input (problems are collected)."""
    base = Base(path, text=text)
    try:
        data = yaml.safe_load(text) if len(text) <= MAX_BASE_BYTES else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        base.problems.append(Diagnostic(SourcePos(path, (mark.line + 1) if mark else 1, 1),
                                        Severity.ERROR, "base-invalid",
                                        f"not valid YAML: {getattr(error, 'problem', error)}",
                                        "fix the file in Obsidian"))
        return base
    data = data if isinstance(data, dict) else {}
    base.filters = _compile(data.get("filters"), base)
    for name, source in (data.get("formulas") or {}).items():
        node = _expression(str(source), base)
        if node is not None:
            base.formulas[str(name)] = node
    for prop, options in (data.get("properties") or {}).items():
        if isinstance(options, dict) and isinstance(options.get("displayName"), str):
            base.names[str(prop)] = options["displayName"]
    for raw in data.get("views") or [{"type": "table", "name": "Table"}]:
        if isinstance(raw, dict):
            base.views.append(_view(raw, base))
    return base


def _view(raw: dict, base: Base) -> View:
    kind = raw.get("type") if raw.get("type") in VIEW_TYPES else "table"
    if raw.get("type") not in VIEW_TYPES:
        base.problem(f"view type '{raw.get('type')}' is shown as a table", str(raw.get("type")))
    view = View(kind, str(raw.get("name") or kind.title()), _compile(raw.get("filters"), base))
    view.order = [_prop(p) for p in raw.get("order") or [] if isinstance(p, str)]
    for item in raw.get("sort") or []:
        if isinstance(item, dict) and isinstance(item.get("property"), str):
            view.sort.append((_prop(item["property"]),
                              str(item.get("direction", "ASC")).upper() == "DESC"))
    group = raw.get("groupBy")
    if isinstance(group, dict) and isinstance(group.get("property"), str):
        view.group_by = (_prop(group["property"]),
                         str(group.get("direction", "ASC")).upper() == "DESC")
    limit = raw.get("limit")
    view.limit = limit if isinstance(limit, int) and limit > 0 else None
    return view


def _prop(name: str) -> str:
    """A property as the views name it: `price` is `note.price`."""
    return name if name.split(".", 1)[0] in ("file", "note", "formula") else f"note.{name}"


def _compile(raw: Any, base: Base) -> Any:
    """A filter tree: ("and"|"or"|"not", [children]) or a parsed expression."""
    if raw is None:
        return None
    if isinstance(raw, str):
        node = _expression(raw, base)
        return ("expr", node) if node is not None else ("fail", raw)
    if isinstance(raw, dict) and len(raw) == 1:
        (key, items), = raw.items()
        if key in ("and", "or", "not") and isinstance(items, list):
            return (key, [_compile(i, base) for i in items])
    base.problem(f"filter {str(raw)[:60]!r} is not an and/or/not list or an expression")
    return ("fail", str(raw))


def _expression(source: str, base: Base) -> Node | None:
    try:
        node = read_expression(source)
        base.sources[id(node)] = source
        return node
    except ExprError as error:
        base.problem(f"cannot read '{source[:80]}': {error}", source[:40])
        return None


class FileInfo:
    """`file.…` of one note, from the vault (no file system access at evaluation time)."""

    def __init__(self, note: Note, links: Iterable[str]) -> None:
        self.note, self.links = note, sorted(set(links))

    def attribute(self, name: str) -> Any:
        note = self.note
        stem = note.path.rsplit("/", 1)[-1]
        values = {"name": stem, "basename": stem.removesuffix(".md"), "path": note.path,
                  "folder": note.folder, "ext": "md", "tags": list(note.tags),
                  "links": self.links, "properties": dict(note.meta), "size": len(note.body)}
        if name in values:
            return values[name]
        methods = {"hasTag": self.has_tag, "hasLink": self.has_link,
                   "inFolder": self.in_folder, "hasProperty": self.has_property}
        if name in methods:
            return methods[name]
        raise ExprError(f"unsupported file property 'file.{name}'")

    def has_tag(self, *tags: Any) -> bool:
        own = {t.casefold() for t in self.note.tags}
        return any(str(t).lstrip("#").casefold() in own or any(
            o.startswith(str(t).lstrip("#").casefold() + "/") for o in own) for t in tags)

    def has_link(self, target: Any = None) -> bool:
        name = str(target or "").removesuffix(".md").casefold()
        return any(link.removesuffix(".md").casefold() in (name,) or
                   link.removesuffix(".md").rsplit("/", 1)[-1].casefold() == name
                   for link in self.links)

    def in_folder(self, folder: Any = None) -> bool:
        wanted = str(folder or "").strip("/")
        return self.note.folder == wanted or self.note.folder.startswith(wanted + "/")

    def has_property(self, name: Any = None) -> bool:
        return str(name) in self.note.meta


@dataclass
class Row:
    note: Note
    values: dict[str, Any]


def run_view(base: Base, view: View, notes: Iterable[Note], links: Mapping[str, list[str]],
             today: dt.date) -> list[Row]:
    """The view's rows: notes passing the base's and the view's filters, sorted and limited;
    `values` holds every property the view shows or sorts by."""
    rows = []
    wanted = list(dict.fromkeys([*(view.order or ["file.name"]), *(p for p, _ in view.sort),
                                 *([view.group_by[0]] if view.group_by else [])]))
    for note in notes:
        scope = _scope(base, note, links.get(note.path, []), today)
        if _passes(base.filters, scope, base) and _passes(view.filters, scope, base):
            rows.append(Row(note, {p: _value(p, scope, base) for p in wanted}))
        if len(rows) >= MAX_ROWS:
            break
    rows.sort(key=lambda r: r.note.path)
    for prop, descending in reversed(view.sort):
        rows.sort(key=lambda r, p=prop: _sort_key(r.values.get(p)), reverse=descending)
    if view.group_by:
        prop, descending = view.group_by
        rows.sort(key=lambda r: _sort_key(r.values.get(prop)), reverse=descending)
    return rows[: view.limit] if view.limit else rows


def _scope(base: Base, note: Note, links: list[str], today: dt.date) -> Scope:
    busy: set[str] = set()

    def formula(name: str) -> Any:
        if name not in base.formulas or name in busy:
            return None  # unknown, or a circular reference
        busy.add(name)
        try:
            return _safe(base.formulas[name], scope, base)
        finally:
            busy.discard(name)

    scope = Scope(FileInfo(note, links), note.meta, formula, today)
    return scope


def _passes(tree: Any, scope: Scope, base: Base) -> bool:
    if tree is None:
        return True
    kind, body = tree
    if kind == "expr":
        return truthy(_safe(body, scope, base))
    if kind == "fail":
        return False
    results = (_passes(child, scope, base) for child in body)
    if kind == "and":
        return all(results)
    if kind == "or":
        return any(results)
    return not any(results)  # "not": none of them


def _safe(node: Node, scope: Scope, base: Base) -> Any:
    try:
        return evaluate(node, scope)
    except ExprError as error:
        message = str(error)
        if not any(message in p.message for p in base.problems):
            base.problem(f"{message} (the expression counts as empty)",
                         base.sources.get(id(node), "")[:40])
        return None
    except RecursionError:
        return None


def _value(prop: str, scope: Scope, base: Base) -> Any:
    kind, _, name = prop.partition(".")
    if kind == "formula":
        return scope.formula(name)
    if kind == "file":
        try:
            value = scope.file.attribute(name)
        except ExprError as error:
            base.problem(str(error), prop)
            return None
        return None if callable(value) else value
    return scope.note.get(name)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or value == "":
        return (2, "")
    if isinstance(value, bool):
        return (0, float(value))
    if isinstance(value, int | float):
        return (0, float(value))
    return (1, str(value).casefold())
