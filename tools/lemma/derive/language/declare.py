"""The `given:` and `check:` sections of a derivation block, and the line bookkeeping they share.

A declaration `names: type` becomes sympy objects with the right assumptions: scalars are Symbols
(real/integer/positive...), matrices and vectors explicit ImmutableMatrix objects of real entry
symbols (`W_1_2`, `v_1`), functions undefined sympy Functions of a fixed arity.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import sympy

from lemma.derive.language.block import Check, Declaration, DerivationSyntaxError, Domain
from lemma.derive.language.expr import is_matrix, parse_expression
from lemma.derive.language.exprmat import MAX_MATRIX, shape_text
from lemma.derive.language.names import KEYWORD_NAMES, NAME, NAME_PATTERN, character_problem
from lemma.derive.language.tables import CONSTANTS, FUNCTIONS
from lemma.model import SourcePos

SECTIONS = ("title", "given", "assume", "calc", "check")
_SCALAR = re.compile(r"(real|integer|complex)")
_COMPARE = re.compile(r"(real|integer)\s*(>=|<=|>|<)(.+)")
_INTERVAL = re.compile(r"(real|integer)\s+in\s*([(\[])(.*)([)\]])")
_DIM = r"(\d+|[A-Za-z][A-Za-z0-9_]*)"
_MATRIX = re.compile(r"matrix\s+" + _DIM + r"\s*[xX]\s*" + _DIM
                     + r"(?:\s+(symmetric|diagonal|posdef|orthogonal))?")
_MATRIX_TIGHT = re.compile(r"matrix\s+([A-Za-z][A-Za-z0-9_]*)[xX]([A-Za-z][A-Za-z0-9_]*)"
                           r"(?:\s+(symmetric|diagonal|posdef|orthogonal))?")
_SIZED = re.compile(r"(vector|function)\s+(\d+)")
_SYMBOLIC_VECTOR = re.compile(r"vector\s+([A-Za-z][A-Za-z0-9_]*)")
_SYMBOLIC_FUNCTION = re.compile(r"function\s+([A-Za-z][A-Za-z0-9_]*)")
_GAUSSIAN = re.compile(r"gaussian\s+vector\s+" + _DIM + r"(?:\s*\((.*)\))?")
_TYPES_HINT = ("types: real, real > 0, real >= 0, real in (a, b), real in [a, b], integer, "
               "integer >= n, complex, matrix RxC [symmetric|diagonal], "
               "matrix k x k [posdef|orthogonal], "
               "vector N, function N, gaussian vector k (mu, S)")


@dataclass(frozen=True)
class Lines:
    """The lines of one block and where they sit in the file."""

    text: list[str]
    path: str
    first_line: int

    def pos(self, idx: int, col: int) -> SourcePos:
        """File position of 0-based column `col` of block line `idx`."""
        return SourcePos(self.path, self.first_line + idx, col + 1)

    def line(self, idx: int) -> int:
        return self.first_line + idx

    def indent(self, idx: int) -> int:
        line = self.text[idx]
        return len(line) - len(line.lstrip())

    def code(self, idx: int) -> str:
        """The line without its `# comment`."""
        return self.text[idx].split("#", 1)[0]

    def comment(self, idx: int) -> tuple[int, int, str] | None:
        """(line index, column after '#', text after '#') or None."""
        line = self.text[idx]
        at = line.find("#")
        return None if at < 0 else (idx, at + 1, line[at + 1:])


def top_level_split(text: str, sep: str = ",") -> list[tuple[int, str]]:
    """Split at separators outside brackets; each part with its start offset."""
    parts: list[tuple[int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
    parts.append((start, text[start:]))
    return parts


def check_new_name(lines: Lines, idx: int, col: int, name: str, names: dict[str, object],
                   seen: dict[str, int], *, hypothesis: bool = False) -> None:
    """Reject a new declaration or hypothesis name that is invalid, reserved or taken."""
    where = lines.pos(idx, col)
    if not NAME.fullmatch(name):
        for i, ch in enumerate(name):
            if problem := character_problem(ch):
                raise DerivationSyntaxError(lines.pos(idx, col + i), *problem)
        raise DerivationSyntaxError(where, f"invalid name {name!r}",
                                    "names are ASCII or Greek letters, digits and _, starting "
                                    "with a letter")
    if keyword.iskeyword(name) and name not in KEYWORD_NAMES:
        raise DerivationSyntaxError(where, f"{name!r} is a Python keyword and cannot be a name",
                                    "choose another name, e.g. lam for lambda")
    if name in CONSTANTS or (hypothesis and name in FUNCTIONS):
        raise DerivationSyntaxError(where, f"{name!r} is a built-in name and cannot be declared",
                                    f"choose another name, e.g. {name}1")
    if name in seen:
        raise DerivationSyntaxError(where, f"{name!r} is declared twice (first on line "
                                    f"{lines.line(seen[name])})")
    if name in names:
        raise DerivationSyntaxError(where, f"hypothesis name {name!r} is already a declared name")


def declarations(lines: Lines, entries: list[int]) -> list[Declaration]:
    """Parse the `given:` lines (`names: type  # documentation`)."""
    decls: list[Declaration] = []
    seen: dict[str, int] = {}
    for idx in entries:
        code = lines.code(idx)
        if not code.strip():
            continue
        names_text, colon, type_text = code.partition(":")
        if not colon or not type_text.strip():
            raise DerivationSyntaxError(lines.pos(idx, lines.indent(idx)), "expected a "
                                        "declaration 'names: type'", "e.g. x, y: real > 0")
        type_col = len(names_text) + 1 + (len(type_text) - len(type_text.lstrip()))
        made = _type(lines, idx, type_col, type_text.strip(), decls)
        for start, raw in top_level_split(names_text):
            name = raw.strip()
            col = start + len(raw) - len(raw.lstrip())
            check_new_name(lines, idx, col, name, {}, seen)
            seen[name] = idx
            decls.append(_declare(name, made, lines.pos(idx, col)))
    taken = {d.name: d for d in decls}
    for d in decls:
        if is_matrix(d.value) and d.shape is not None and not d.symbolic:
            for entry in sorted(d.value.free_symbols, key=str):  # type: ignore[attr-defined]
                if entry.name in taken:
                    raise DerivationSyntaxError(taken[entry.name].pos, f"{entry.name!r} is also "
                                                f"the name of an entry of {d.name}",
                                                "rename one of them")
    return decls


def _bound(lines: Lines, idx: int, col: int, text: str, integer: bool) -> sympy.Rational | None:
    """A rational domain bound (None for +-oo)."""
    value = parse_expression(text, {}, lines.pos(idx, col), bound_ok=False)
    if value in (sympy.oo, -sympy.oo):
        return None
    if not getattr(value, "is_Rational", False):
        raise DerivationSyntaxError(lines.pos(idx, col), f"a domain bound must be a rational "
                                    f"number, not {text.strip()}")
    return value  # type: ignore[return-value]


def _dimension(lines: Lines, idx: int, col: int, text: str,
               decls: list[Declaration]) -> object:
    """A literal size 1..8, or a declared integer name for a matrix of symbolic size."""
    if text.isdigit():
        size = int(text)
        if not 1 <= size <= MAX_MATRIX:
            raise DerivationSyntaxError(lines.pos(idx, col), f"matrix size {size} is out of "
                                        f"range (1 to {MAX_MATRIX}); use a name for a symbolic "
                                        "size, e.g. matrix k x d")
        return size
    found = next((d for d in decls if d.name == text), None)
    if found is None or found.kind != "integer":
        raise DerivationSyntaxError(lines.pos(idx, col), f"the size {text!r} must be declared "
                                    "before, as an integer", f"e.g. {text}: integer >= 1")
    return found.value


def _type(lines: Lines, idx: int, col: int, text: str,
          decls: list[Declaration] | None = None) -> tuple[str, object]:
    """(kind, detail): a Domain for scalars, (rows, cols, structure) for matrices, arity."""
    decls = decls or []
    where = lines.pos(idx, col)
    match = _MATRIX.fullmatch(text) or _MATRIX_TIGHT.fullmatch(text)
    if match and not (match[1].isdigit() and match[2].isdigit()):
        rows = _dimension(lines, idx, col + match.start(1), match[1], decls)
        cols = _dimension(lines, idx, col + match.start(2), match[2], decls)
        if isinstance(rows, sympy.Symbol) or isinstance(cols, sympy.Symbol):
            structure = match[3]
            if structure and rows != cols:
                raise DerivationSyntaxError(where, f"a {structure} matrix must be square")
            return "matrix", (rows, cols, structure)
    if match := _SYMBOLIC_VECTOR.fullmatch(text):
        rows = _dimension(lines, idx, col + match.start(1), match[1], decls)
        if isinstance(rows, sympy.Symbol):
            return "matrix", (rows, sympy.Integer(1), None)
    if match := _GAUSSIAN.fullmatch(text):  # x: gaussian vector k (mu, S)
        from lemma.derive.language.declgauss import gaussian_type

        size = _dimension(lines, idx, col + match.start(1), match[1], decls)
        law = None
        if match[2] is not None:
            at = col + match.start(2)
            names = {d.name: d.value for d in decls}
            law = [parse_expression(text, names, lines.pos(idx, at + start))
                   for start, text in top_level_split(match[2])]
        return gaussian_type(lines.pos(idx, col), size, law, decls,
                             lines.pos(idx, col + match.start(2)) if match[2] else None)
    if match := _SYMBOLIC_FUNCTION.fullmatch(text):  # g: function k, of a k-vector
        size = _dimension(lines, idx, col + match.start(1), match[1], decls)
        if isinstance(size, sympy.Symbol):
            return "function", size
    if _SCALAR.fullmatch(text):
        return text, Domain(text)
    if match := _COMPARE.fullmatch(text):
        kind, op, bound_text = match.groups()
        value = _bound(lines, idx, col + match.start(3), bound_text, kind == "integer")
        if value is None:
            raise DerivationSyntaxError(where, "a domain bound must be finite")
        if op in (">", ">="):
            return kind, Domain(kind, lower=value, lower_strict=op == ">")
        return kind, Domain(kind, upper=value, upper_strict=op == "<")
    if match := _INTERVAL.fullmatch(text):
        kind, left, inner, right = match.groups()
        parts = top_level_split(inner)
        if len(parts) != 2:
            raise DerivationSyntaxError(where, "an interval is (a, b) or [a, b]")
        at = col + match.start(3)
        low = _bound(lines, idx, at + parts[0][0], parts[0][1], kind == "integer")
        high = _bound(lines, idx, at + parts[1][0], parts[1][1], kind == "integer")
        if low is not None and high is not None and (low > high or (low == high and (
                left == "(" or right == ")"))):
            raise DerivationSyntaxError(where, f"the interval {left}{inner}{right} is empty")
        return kind, Domain(kind, low, low is not None and left == "(", high,
                            high is not None and right == ")")
    if match := _MATRIX.fullmatch(text):
        rows, cols, structure = int(match[1]), int(match[2]), match[3]
        if not (1 <= rows <= MAX_MATRIX and 1 <= cols <= MAX_MATRIX):
            raise DerivationSyntaxError(where, f"matrix size {rows}x{cols} is out of range "
                                        f"(1 to {MAX_MATRIX})")
        if structure and rows != cols:
            raise DerivationSyntaxError(where, f"a {structure} matrix must be square")
        if structure in ("posdef", "orthogonal"):
            raise DerivationSyntaxError(where, f"{structure} is for matrices of symbolic size",
                                        f"e.g. `k: integer >= 1` and `A: matrix k x k {structure}`")
        return "matrix", (rows, cols, structure)
    if match := _SIZED.fullmatch(text):
        size = int(match[2])
        if not 1 <= size <= MAX_MATRIX:
            raise DerivationSyntaxError(where, f"{match[1]} size {size} is out of range "
                                        f"(1 to {MAX_MATRIX})")
        return match[1], size
    raise DerivationSyntaxError(where, f"unknown type {text!r}", _TYPES_HINT)


def _assumptions(domain: Domain) -> dict[str, bool]:
    """sympy assumptions implied by a scalar domain (sign information from its bounds)."""
    if domain.kind == "complex":
        return {"complex": True}
    found = {"integer": True} if domain.kind == "integer" else {"real": True}
    low, high = domain.lower, domain.upper
    if low is not None and (low > 0 or (low == 0 and domain.lower_strict)):
        found["positive"] = True
    elif low is not None and low == 0:
        found["nonnegative"] = True
    if high is not None and (high < 0 or (high == 0 and domain.upper_strict)):
        found["negative"] = True
    elif high is not None and high == 0:
        found["nonpositive"] = True
    return found


def _declare(name: str, made: tuple[str, object], pos: SourcePos) -> Declaration:
    kind, detail = made
    if kind == "gaussian":
        from lemma.derive.language.gaussian import GaussianVector

        size, mean, cov = detail  # type: ignore[misc]
        return Declaration(name, "matrix", GaussianVector(name, size, 1, mean, cov), pos,
                           shape=(size, sympy.Integer(1)), structure="gaussian", symbolic=True)
    if isinstance(detail, Domain):
        return Declaration(name, kind, sympy.Symbol(name, **_assumptions(detail)), pos, detail)
    if kind == "function" and isinstance(detail, sympy.Symbol):
        from lemma.derive.language.vecfun import VectorFunction

        return Declaration(name, kind, VectorFunction(name, detail), pos)
    if kind == "function":
        fn = sympy.Function(name, nargs=detail, real=True)
        return Declaration(name, kind, fn, pos, arity=detail)  # type: ignore[arg-type]
    if kind == "vector":
        entries = [sympy.Symbol(f"{name}_{i + 1}", real=True) for i in range(detail)]  # type: ignore[call-overload]
        return Declaration(name, kind, sympy.ImmutableMatrix(entries), pos, shape=(detail, 1))  # type: ignore[arg-type]
    rows, cols, structure = detail  # type: ignore[misc]
    if isinstance(rows, sympy.Basic) or isinstance(cols, sympy.Basic):
        symbol = sympy.MatrixSymbol(name, rows, cols)
        return Declaration(name, "matrix", symbol, pos, shape=(rows, cols), structure=structure,
                           symbolic=True)

    def entry(i: int, j: int) -> sympy.Expr:
        if structure == "diagonal" and i != j:
            return sympy.Integer(0)
        if structure == "symmetric":
            i, j = min(i, j), max(i, j)
        return sympy.Symbol(f"{name}_{i + 1}_{j + 1}", real=True)

    value = sympy.ImmutableMatrix(rows, cols, entry)
    return Declaration(name, "matrix", value, pos, shape=(rows, cols), structure=structure)


def check_lines(lines: Lines, entries: list[int], decls: list[Declaration]) -> list[Check]:
    """Parse `check:` lines `a=1, b=2 => value` (values must be numbers in the declared domain)."""
    by_name = {d.name: d for d in decls}
    checks: list[Check] = []
    for idx in entries:
        code = lines.code(idx)
        if not code.strip():
            continue
        if code.count("=>") != 1:
            raise DerivationSyntaxError(lines.pos(idx, lines.indent(idx)),
                                        "expected a check 'a=1, b=2 => value'")
        left, _, right = code.partition("=>")
        assignments: list[tuple[str, object]] = []
        parts = top_level_split(left)
        for start, part in parts:
            if not part.strip() and len(parts) == 1:
                break
            assignments.append(_assignment(lines, idx, start, part, by_name, assignments))
        expected = parse_expression(right, {}, lines.pos(idx, len(left) + 2))
        checks.append(Check(tuple(assignments), expected, code.strip(),
                            lines.pos(idx, lines.indent(idx))))
    return checks


def _assignment(lines: Lines, idx: int, start: int, part: str, by_name: dict[str, Declaration],
                done: list[tuple[str, object]]) -> tuple[str, object]:
    match = re.fullmatch(rf"(\s*)({NAME_PATTERN})\s*=(?!=)(.*)", part, re.S)
    if not match:
        raise DerivationSyntaxError(lines.pos(idx, start + len(part) - len(part.lstrip())),
                                    "expected NAME=value in a check", "e.g. g=300, k=65 => 4/95")
    name, where = match[2], lines.pos(idx, start + match.start(2))
    decl = by_name.get(name)
    if decl is None or decl.kind == "function":
        raise DerivationSyntaxError(where, f"{name!r} is not a declared scalar or matrix",
                                    "declare it under given:")
    if any(name == other for other, _ in done):
        raise DerivationSyntaxError(where, f"{name!r} is assigned twice in this check")
    value = parse_expression(match[3], {}, lines.pos(idx, start + match.start(3)))
    if decl.shape is not None:
        if not is_matrix(value) or value.shape != decl.shape:  # type: ignore[attr-defined]
            raise DerivationSyntaxError(where, f"{name} is a {decl.shape[0]}x{decl.shape[1]} "
                                        "matrix; give it a Matrix([[...]]) value of that shape")
        if value.free_symbols:  # type: ignore[attr-defined]
            raise DerivationSyntaxError(where, f"the value of {name} must be numeric")
        return name, value
    if is_matrix(value):
        raise DerivationSyntaxError(where, f"{name} is a scalar, but its value is a "
                                    f"{shape_text(value)} matrix")  # type: ignore[arg-type]
    if not getattr(value, "is_number", False):
        raise DerivationSyntaxError(where, f"the value of {name} must be a number")
    if decl.domain is not None and not decl.domain.contains(value):
        raise DerivationSyntaxError(where, f"{name}={match[3].strip()} is outside the declared "
                                    f"domain of {name}", "check the value or the declaration")
    return name, value
