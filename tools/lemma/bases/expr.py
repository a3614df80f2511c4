"""Obsidian Bases expressions (filters and formulas), parsed and evaluated by a whitelist.

`price > 2 && file.hasTag("book")`, `if(price, price.toFixed(2) + " dollars")`: a small
JavaScript-like language, tokenised and parsed here into tuples and evaluated over one note's
values. Nothing is ever handed to `eval`: a name is a property, a call is one of the functions
or methods listed below, and anything else is an `ExprError` naming what is not supported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_LENGTH = 2000  # characters of one expression
MAX_DEPTH = 40  # nesting of one expression

_TOKEN = re.compile(r"""\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|"""
                    r"""([A-Za-z_][A-Za-z0-9_]*)|(==|!=|>=|<=|&&|\|\||[-+*/%!<>()\[\],.]))""")
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
Node = tuple


class ExprError(ValueError):
    """An expression that cannot be read or uses something outside the whitelist."""


def read_expression(text: str) -> Node:
    """The expression `text` as a tree of tuples; raises ExprError."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    tokens = _tokens(text)
    parser = _Parser(tokens)
    node = parser.expr(0)
    if parser.at < len(tokens):
        raise ExprError(f"unexpected '{tokens[parser.at][1]}'")
    return node


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExprError(f"cannot read '{text[pos:pos + 12].strip()}'")
        number, string, name, op = match.groups()
        if number is not None:
            out.append(("num", float(number) if "." in number else int(number)))
        elif string is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", string[1:-1])))
        elif name is not None:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens, self.at, self.depth = tokens, 0, 0

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", None)

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.at += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.take(op):
            raise ExprError(f"expected '{op}'")

    def expr(self, level: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expression nested too deeply")
        try:
            if level == len(_BINARY):
                return self.unary()
            node = self.expr(level + 1)
            while self.peek()[0] == "op" and self.peek()[1] in _BINARY[level]:
                op = self.tokens[self.at][1]
                self.at += 1
                node = ("bin", op, node, self.expr(level + 1))
            return node
        finally:
            self.depth -= 1

    def unary(self) -> Node:
        if self.take("!"):
            return ("not", self.unary())
        if self.take("-"):
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Node:
        kind, value = self.peek()
        self.at += 1
        if kind in ("num", "str"):
            return ("lit", value)
        if kind == "name":
            return {"true": ("lit", True), "false": ("lit", False),
                    "null": ("lit", None)}.get(value, ("name", value))
        if (kind, value) == ("op", "("):
            node = self.expr(0)
            self.expect(")")
            return node
        if (kind, value) == ("op", "["):
            return ("list", self.arguments("]"))
        raise ExprError("expression ends too early" if kind == "end" else f"unexpected '{value}'")

    def postfix(self, node: Node) -> Node:
        while True:
            if self.take("."):
                kind, name = self.peek()
                if kind != "name":
                    raise ExprError("expected a name after '.'")
                self.at += 1
                node = ("attr", node, name)
            elif self.take("["):
                index = self.expr(0)
                self.expect("]")
                node = ("index", node, index)
            elif self.take("("):
                node = ("call", node, self.arguments(")"))
            else:
                return node

    def arguments(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.take(close):
            return items
        while True:
            items.append(self.expr(0))
            if self.take(close):
                return items
            self.expect(",")


class Scope:
    """What names mean while evaluating for one note: `file`, `note`, `formula` and bare
    property names; `today` is the build's date (the same notes give the same page)."""

    def __init__(self, file: Any, note: Mapping[str, Any], formula: Callable[[str], Any],
                 today: dt.date) -> None:
        self.file, self.note, self.formula, self.today = file, note, formula, today


def evaluate(node: Node, scope: Scope) -> Any:
    """The value of a parsed expression for one note; raises ExprError on unsupported parts."""
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "list":
        return [evaluate(item, scope) for item in node[1]]
    if kind == "name":
        return _name(node[1], scope)
    if kind == "not":
        return not truthy(evaluate(node[1], scope))
    if kind == "neg":
        value = evaluate(node[1], scope)
        return -value if _number(value) else None
    if kind == "bin":
        return _binary(node[1], node[2], node[3], scope)
    if kind == "attr":
        return _attribute(evaluate(node[1], scope), node[2], scope)
    if kind == "index":
        return _index(evaluate(node[1], scope), evaluate(node[2], scope), scope)
    if kind == "call":
        return _call(node[1], [evaluate(a, scope) for a in node[2]], scope)
    raise ExprError(f"unsupported expression part '{kind}'")


def truthy(value: Any) -> bool:
    return value not in (None, "", 0, False) and value != [] and value != {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _name(name: str, scope: Scope) -> Any:
    if name == "file":
        return scope.file
    if name == "note":
        return scope.note
    if name == "formula":
        return _Formulas(scope.formula)
    return scope.note.get(name)


class _Formulas:
    def __init__(self, get: Callable[[str], Any]) -> None:
        self.get = get


def _binary(op: str, left: Node, right: Node, scope: Scope) -> Any:
    a = evaluate(left, scope)
    if op == "&&":
        return evaluate(right, scope) if truthy(a) else a
    if op == "||":
        return a if truthy(a) else evaluate(right, scope)
    b = evaluate(right, scope)
    if op == "==":
        return _same(a, b)
    if op == "!=":
        return not _same(a, b)
    if op in ("<", ">", "<=", ">="):
        try:
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        except TypeError:
            return False
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        return _text(a) + _text(b)
    if op == "+" and isinstance(a, list) and isinstance(b, list):
        return a + b
    if not (_number(a) and _number(b)):
        return None
    if op in ("/", "%") and b == 0:
        return None
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": a % b}[op]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return bool(a == b)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _index(value: Any, key: Any, scope: Scope) -> Any:
    if isinstance(value, Mapping) and isinstance(key, str):
        return value.get(key)
    if isinstance(value, list) and _number(key) and -len(value) <= int(key) < len(value):
        return value[int(key)]
    if isinstance(value, _Formulas) and isinstance(key, str):
        return value.get(key)
    return None


def _attribute(value: Any, name: str, scope: Scope) -> Any:
    if isinstance(value, _Formulas):
        return value.get(name)
    if value is scope.file:
        return value.attribute(name)
    if isinstance(value, Mapping) and not hasattr(value, "attribute"):
        return value.get(name)
    if name == "length" and isinstance(value, str | list):
        return len(value)
    return _Method(value, name)


class _Method:
    """`value.name`, waiting for its call's arguments."""

    def __init__(self, value: Any, name: str) -> None:
        self.value, self.name = value, name


def _call(func: Node, args: list[Any], scope: Scope) -> Any:
    if func[0] == "name":
        name = func[1]
        if name not in FUNCTIONS:
            raise ExprError(f"unsupported function '{name}()'")
        return FUNCTIONS[name](scope, *args)
    target = evaluate(func, scope)
    if callable(target):
        return target(*args)
    if isinstance(target, _Method):
        return call_method(target.value, target.name, args)
    raise ExprError("only functions and methods can be called")


def call_method(value: Any, name: str, args: list[Any]) -> Any:
    """A whitelisted method of a string, number, list or any value."""
    table = (STRING_METHODS if isinstance(value, str) else
             NUMBER_METHODS if _number(value) else
             LIST_METHODS if isinstance(value, list) else {})
    method = table.get(name) or ANY_METHODS.get(name)
    if method is None:
        raise ExprError(f"unsupported method '.{name}()'")
    try:
        return method(value, *args)
    except (TypeError, ValueError, OverflowError):
        return None


def _if(scope: Scope, cond: Any = None, then: Any = None, other: Any = None) -> Any:
    return then if truthy(cond) else other


def _date(scope: Scope, value: Any = None) -> Any:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _digits(n: Any) -> int:
    return max(0, min(20, int(n))) if _number(n) else 0


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "if": _if,
    "today": lambda scope: scope.today,
    "now": lambda scope: scope.today,
    "date": _date,
    "number": lambda scope, v=None: float(v) if isinstance(v, str) and
    re.fullmatch(r"-?\d+(\.\d+)?", v.strip()) else (v if _number(v) else None),
    "list": lambda scope, v=None: v if isinstance(v, list) else [] if v is None else [v],
    "min": lambda scope, *v: min((x for x in v if _number(x)), default=None),
    "max": lambda scope, *v: max((x for x in v if _number(x)), default=None),
}
STRING_METHODS: dict[str, Callable[..., Any]] = {
    "contains": lambda s, x="": str(x) in s,
    "startsWith": lambda s, x="": s.startswith(str(x)),
    "endsWith": lambda s, x="": s.endswith(str(x)),
    "lower": str.lower,
    "upper": str.upper,
    "title": str.title,
    "trim": str.strip,
    "replace": lambda s, a="", b="": s.replace(str(a), str(b)),
    "split": lambda s, sep=" ": s.split(str(sep))[:1000],
}
NUMBER_METHODS: dict[str, Callable[..., Any]] = {
    "toFixed": lambda n, d=0: f"{n:.{_digits(d)}f}",
    "round": lambda n, d=0: round(n, _digits(d)) if d else round(n),
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
}
LIST_METHODS: dict[str, Callable[..., Any]] = {
    "contains": lambda xs, x=None: x in xs,
    "containsAll": lambda xs, *v: all(x in xs for x in v),
    "containsAny": lambda xs, *v: any(x in xs for x in v),
    "join": lambda xs, sep=", ": str(sep).join(_text(x) for x in xs),
    "unique": lambda xs: list(dict.fromkeys(xs)),
    "sort": lambda xs: sorted(xs, key=_text),
}
ANY_METHODS: dict[str, Callable[..., Any]] = {
    "isEmpty": lambda v: not truthy(v) and v is not True,
    "isTruthy": truthy,
    "toString": _text,
}
