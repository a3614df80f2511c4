"""Points where a link's side condition is most likely to fail: roots of a denominator, a
singular matrix, a square root's argument crossing zero.

Random points almost never land on `x = 1` for a `1/(x - 1)` or on a rank-deficient `W` for
`inv(W*W.T)`, so the test stream starts here: for every side condition the declarations do not
imply, it solves the condition's expression for one variable at a time (exact real roots of a
polynomial, and values just beside them for sign conditions), and it tries degenerate matrices
(a zero or repeated row or column). All points are still checked against the declared domains.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

import sympy

from lemma.derive.evidence.evaluate import instantiate
from lemma.derive.evidence.space import Claim, Point, Space, draw_point
from lemma.derive.evidence.targets import real_roots
from lemma.derive.language.block import Condition
from lemma.derive.proof import cases

#: Most edge points tried per link (each is one exact evaluation of the link).
MAX_EDGE_POINTS = 24
_NUDGES = (sympy.Rational(1, 7), sympy.Rational(-1, 7), sympy.Integer(1), sympy.Integer(-1))


def edge_points(claim: Claim, rng: random.Random) -> Iterator[Point]:
    """Candidate points for every pointwise side condition of the claim, at most a budget."""
    made = 0
    seams = [Condition("nonzero", gap, "")
             for side in (claim.left, claim.right) for gap in cases.seams(side)]
    for condition in (*claim.pointwise, *seams):
        for point in _for_condition(claim.space, condition, rng):
            yield point
            made += 1
            if made >= MAX_EDGE_POINTS:
                return


_HEAVY = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative, sympy.Subs)


def _for_condition(space: Space, condition: Condition, rng: random.Random) -> Iterator[Point]:
    expr = cases.unguarded(condition.expr)
    condition = replace(condition, expr=expr)
    if expr.has(*_HEAVY):
        return  # solving through an integral or a sum is no quick search
    used = expr.free_symbols
    simple = draw_point(space, rng, 0)  # special values first: the roots stay readable
    base = draw_point(space, rng, 2)
    for _, matrix in space.matrices:
        if matrix.free_symbols & used:
            yield from _degenerate(base, matrix)
    for _, symbol, structure in space.symbolic:
        if structure in ("posdef", "orthogonal"):
            continue  # declared positive definite or orthogonal: never singular
        if symbol in used or expr.has(symbol):
            yield from _degenerate_drawn(base, symbol)
    for point in (simple, base):
        for sym in sorted(used & (set(space.scalars) | set(space.entries)), key=str):
            for value in _roots(space, condition, point, sym):
                trial = point.copy()
                trial.values[sym] = value
                if _in_domain(space, sym, value):
                    yield trial


def _degenerate(base: Point, matrix: sympy.ImmutableMatrix) -> Iterator[Point]:
    """The same point with the matrix made rank-deficient in the simplest ways."""
    rows, cols = matrix.shape
    layouts = []
    if rows > 1:
        layouts.append([(matrix[1, j], matrix[0, j]) for j in range(cols)])  # repeated row
    layouts.append([(matrix[0, j], sympy.Integer(0)) for j in range(cols)])  # zero row
    if cols > 1:
        layouts.append([(matrix[i, 1], matrix[i, 0]) for i in range(rows)])  # repeated column
    for layout in layouts:
        trial = base.copy()
        for target, source in layout:
            if isinstance(target, sympy.Symbol):
                trial.values[target] = (trial.values.get(source, source)
                                        if isinstance(source, sympy.Symbol) else source)
        yield trial


def _degenerate_drawn(base: Point, symbol: sympy.MatrixSymbol) -> Iterator[Point]:
    """A matrix of symbolic size, drawn at this point, made rank-deficient: its second row
    (and column, keeping a symmetric draw symmetric) repeats the first, or its first row is 0."""
    drawn = base.values.get(symbol)
    if not isinstance(drawn, sympy.MatrixBase):
        return
    rows, cols = drawn.shape
    symmetric = drawn.is_square and drawn == drawn.T
    if rows > 1:
        cells = drawn.as_mutable()
        cells[1, :] = cells[0, :]
        if symmetric:
            cells[:, 1] = cells[:, 0]
        yield _with(base, symbol, cells)
    cells = drawn.as_mutable()
    cells[0, :] = sympy.zeros(1, cols)
    if symmetric:
        cells[:, 0] = sympy.zeros(rows, 1)
    yield _with(base, symbol, cells)


def _with(base: Point, symbol: sympy.MatrixSymbol, cells: sympy.Matrix) -> Point:
    trial = base.copy()
    trial.values[symbol] = sympy.ImmutableMatrix(cells)
    return trial


def _roots(space: Space, condition: Condition, point: Point,
           sym: sympy.Symbol) -> list[sympy.Expr]:
    """Exact real values of `sym` where the condition's expression is 0 (or changes sign)."""
    others = {k: v for k, v in point.values.items() if k != sym}
    rest = Point(others, point.functions)
    expr = instantiate(condition.expr, space, rest)
    target = {"unit": (expr - 1) * (expr + 1)}.get(condition.kind, expr)
    try:
        poly = sympy.Poly(target, sym)
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, TypeError, ValueError):
        # tan(x): cos(x) = 0 at pi/2, exactly; cos(x) = x only numerically (sign conditions)
        return _solved(target, sym) or _numeric_roots(condition, target, sym)
    if poly.degree() < 1 or poly.free_symbols - {sym}:
        return []
    if poly.degree() > 6:
        return _numeric_roots(condition, target, sym)
    roots = [r for r in sympy.roots(poly, filter="R") if r.is_real]
    out: list[sympy.Expr] = []
    for root in sorted(roots, key=lambda r: (not r.is_Rational, sympy.default_sort_key(r))):
        out.append(root)
        if condition.kind != "nonzero":
            out += [root + nudge for nudge in _NUDGES]
    return out[:8]


def _numeric_roots(condition: Condition, target: object, sym: sympy.Symbol
                   ) -> list[sympy.Expr]:
    """Real roots located numerically (targets.real_roots), and values beside them for a sign
    condition; exact where a root is rational or a recognisable closed form."""
    if not isinstance(target, sympy.Expr) or target.free_symbols != {sym}:
        return []
    out: list[sympy.Expr] = []
    for root in real_roots(target, sym, limit=4):
        out.append(root)
        if condition.kind != "nonzero":
            out += [root + sympy.Rational(1, 10**9), root - sympy.Rational(1, 10**9)]
    return out[:8]


#: Where transcendental roots are looked for, and how large an expression is solved at all.
ROOT_WINDOW = sympy.Interval(-20, 20)
MAX_SOLVED_OPS = 40


def _solved(target: object, sym: sympy.Symbol) -> list[sympy.Expr]:
    """Exact real roots of a non-polynomial expression of one variable (a tan pole, `exp(t) =
    c`), nearest zero first, found by sympy's solveset in a window; none when it cannot."""
    if not isinstance(target, sympy.Expr) or target.free_symbols != {sym}:
        return []
    if sympy.count_ops(target) > MAX_SOLVED_OPS:
        return []
    try:
        found = sympy.solveset(target, sym, domain=ROOT_WINDOW)
    except (NotImplementedError, ValueError, TypeError, RecursionError):
        return []
    if not isinstance(found, sympy.FiniteSet):
        return []
    roots = [r for r in found if r.is_real]
    return sorted(roots, key=lambda r: (abs(float(r)), sympy.default_sort_key(r)))[:4]


def _in_domain(space: Space, sym: sympy.Symbol, value: sympy.Expr) -> bool:
    domain = space.scalars.get(sym)
    if domain is None:  # a matrix entry: any real number
        return bool(value.is_real)
    return domain.contains(value)
