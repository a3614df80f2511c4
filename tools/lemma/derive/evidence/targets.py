"""Points a failure confined to a boundary or a tiny set hides at, tried before random ones.

Random points land on `x = 0` of `x >= 0`, on the single empty range of `Sum(.., (j, 1, n))`
or inside a gap of width 1e-6 only by luck. So the test stream first tries, exhaustively up to
a budget: every combination of the declared bounds (closed ends, and just inside open ones);
every hypothesis boundary (`a <= b` solved for `a = b`); the empty and one-term ranges of every
sum; and, for an inequality, the real roots of each factor of its margin, just beside them and
midway between neighbours (the sign can only change there). Roots come exactly from a polynomial
or numerically (sign changes on a grid, refined by bisection) for anything else.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import mpmath
import sympy

from lemma.derive.evidence import mpeval
from lemma.derive.evidence.space import Claim, Point, Space, draw_point

#: Most boundary points tried per link, and most bounded symbols combined exhaustively.
MAX_POINTS = 24
MAX_CORNER_SYMBOLS = 4
#: Where roots are looked for numerically, and how finely the grid samples that window.
WINDOW = 50
GRID = 600
#: Most local minima of |f| searched for a zero that f touches without changing sign.
MAX_TOUCHING = 4
#: Largest expression searched numerically (each grid point is one evaluation).
MAX_SEARCHED_OPS = 60
#: Offsets beside a root (relative to its size): a tiny gap between roots is still found.
_BESIDE = (sympy.Rational(1, 10**9), sympy.Rational(1, 10**3))


def boundary_points(claim: Claim, rng: random.Random) -> Iterator[Point]:
    """The targeted points of a claim, at most MAX_POINTS, each inside the declared domains."""
    space = claim.space
    base = draw_point(space, rng, 2)
    seen: set[tuple[tuple[str, str], ...]] = set()
    made = 0
    for values in _candidates(claim, space, base):
        if not all(_allowed(space, sym, v) for sym, v in values.items()):
            continue
        key = tuple(sorted((str(s), str(v)) for s, v in values.items()))
        if key in seen:
            continue
        seen.add(key)
        trial = base.copy()
        trial.values.update(values)
        yield trial
        made += 1
        if made >= MAX_POINTS:
            return


def _candidates(claim: Claim, space: Space, base: Point) -> Iterator[dict]:
    yield from _empty_ranges(claim, space, base)
    yield from _corners(claim, space)
    yield from _large(claim, space)
    for margin, strict in space.inequalities:
        yield from _roots_of(margin, space, base, beside=strict)
    if claim.relation != "=":
        margin = claim.right - claim.left  # type: ignore[operator]
        for factor in sympy.Mul.make_args(sympy.factor_terms(margin)):
            yield from _roots_of(factor, space, base, beside=True)


def _free(space: Space, expr: object) -> list[sympy.Symbol]:
    """The scalars of `expr` a point may move (a size of a drawn matrix may not)."""
    symbols = getattr(expr, "free_symbols", set())
    return sorted((s for s in symbols if s in space.scalars and s not in space.dimensions),
                  key=str)


def _allowed(space: Space, sym: sympy.Symbol, value: sympy.Expr) -> bool:
    domain = space.scalars.get(sym)
    return domain is not None and domain.contains(value)


def _corners(claim: Claim, space: Space) -> Iterator[dict]:
    """Every combination of the bounded symbols' ends (closed end, or just inside an open one)."""
    used = set().union(*(getattr(s, "free_symbols", set()) for s in (claim.left, claim.right)))
    ends: list[tuple[sympy.Symbol, list[sympy.Expr]]] = []
    for sym in _free(space, sympy.Tuple(*used)):
        domain = space.scalars[sym]
        values = []
        for bound, step, strict in ((domain.lower, 1, domain.lower_strict),
                                    (domain.upper, -1, domain.upper_strict)):
            if bound is None:
                continue
            if domain.kind == "integer":
                first = sympy.ceiling(bound) if step > 0 else sympy.floor(bound)
                values.append(first + step if strict and first == bound else first)
            else:
                values.append(bound + step * sympy.Rational(1, 10**9) if strict else bound)
        if values:
            ends.append((sym, values))
    ends = ends[:MAX_CORNER_SYMBOLS]
    for combo in itertools.product(*(values for _, values in ends)):
        yield {sym: v for (sym, _), v in zip(ends, combo, strict=True)}


#: Integers far past any bound (random draws go at most a few hundred past it).
LARGE = (10**6, 10**12)


def _large(claim: Claim, space: Space) -> Iterator[dict]:
    """Each integer symbol of the claim far out where its domain is unbounded, one at a time."""
    used = set().union(*(getattr(s, "free_symbols", set()) for s in (claim.left, claim.right)))
    for sym in _free(space, sympy.Tuple(*used)):
        domain = space.scalars[sym]
        if domain.kind != "integer" or not _cheap_when_large(claim, sym):
            continue
        for size in LARGE:
            if domain.upper is None:
                yield {sym: sympy.Integer(size) + (domain.lower or 0)}
            if domain.lower is None:
                yield {sym: -sympy.Integer(size) + (domain.upper or 0)}


#: Nodes whose exact value at a huge integer is out of reach (2**n, (1 - p)**n expanded, n!).
_EXPLOSIVE = (sympy.Integral, sympy.Sum, sympy.Product, sympy.factorial, sympy.gamma,
              sympy.beta, sympy.binomial, sympy.RisingFactorial, sympy.FallingFactorial,
              sympy.harmonic, sympy.loggamma, sympy.polygamma, sympy.fibonacci)


def _cheap_when_large(claim: Claim, sym: sympy.Symbol) -> bool:
    """No exponent, factorial-like function or integral depends on `sym`: a huge value of it
    is still a quick exact evaluation (2**n at n = 10**12 would need terabytes)."""
    for side in (claim.left, claim.right):
        if not isinstance(side, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(side):
            if isinstance(node, _EXPLOSIVE) and node.has(sym):
                return False
            if isinstance(node, sympy.Pow) and node.exp.has(sym):
                return False
    return True


def _empty_ranges(claim: Claim, space: Space, base: Point) -> Iterator[dict]:
    """Values that make a sum or product's range empty (upper = lower - 1) or one term long."""
    for side in (claim.left, claim.right):
        if not isinstance(side, sympy.Basic):
            continue
        for node in side.atoms(sympy.Sum, sympy.Product):
            for _, low, high in (lim for lim in node.limits if len(lim) == 3):
                for gap in (high - low + 1, high - low):
                    yield from _solve_linear(gap, space, base)


def _solve_linear(expr: sympy.Expr, space: Space, base: Point) -> Iterator[dict]:
    for sym in _free(space, expr):
        rest = expr.xreplace({s: v for s, v in base.values.items() if s != sym})
        poly = _poly(rest, sym)
        if poly is not None and poly.degree() == 1:
            yield {sym: -poly.nth(0) / poly.nth(1)}


def _poly(expr: sympy.Expr, sym: sympy.Symbol) -> sympy.Poly | None:
    try:
        poly = sympy.Poly(expr, sym)
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, TypeError, ValueError):
        return None
    if poly.free_symbols - {sym} or not all(c.is_Rational for c in poly.coeffs()):
        return None
    return poly


def _roots_of(expr: sympy.Expr, space: Space, base: Point, *, beside: bool) -> Iterator[dict]:
    """For each movable symbol: the real roots of `expr` in it (others at the base point), the
    values just beside each root and midway between neighbours."""
    for sym in _free(space, expr):
        rest = expr.xreplace({s: v for s, v in base.values.items()
                              if s != sym and not isinstance(v, sympy.MatrixBase)})
        if rest.free_symbols != {sym}:
            continue
        roots = real_roots(rest, sym)
        for root in roots:
            yield {sym: root}
        if beside:
            for root in roots:
                scale = max(abs(root), 1)
                for offset in _BESIDE:
                    yield {sym: root + offset * scale}
                    yield {sym: root - offset * scale}
        for a, b in itertools.pairwise(sorted(roots)):
            yield {sym: (a + b) / 2}


def real_roots(expr: sympy.Expr, sym: sympy.Symbol, limit: int = 6) -> list[sympy.Expr]:
    """Real roots of `expr` in `sym`: exact rationals of a polynomial, rational approximations
    (to 1e-25) of its other real roots, or of a non-polynomial's sign changes in the window."""
    poly = _poly(expr, sym)
    if poly is not None:
        if poly.degree() < 1:
            return []
        exact = [r for r in sympy.roots(poly, filter="Q") if r.is_Rational]
        intervals = poly.intervals(eps=sympy.Rational(1, 10**25))
        approx = [(a + b) / 2 for (a, b), _ in intervals if a != b]
        return _nearest([*exact, *(a for (a, b), _ in intervals if a == b), *approx], limit)
    if sympy.count_ops(expr) > MAX_SEARCHED_OPS:
        return []
    return _nearest(_sign_changes(expr, sym), limit)


def _nearest(values: list[sympy.Expr], limit: int) -> list[sympy.Expr]:
    unique = sorted(set(values), key=lambda v: (abs(v), v))
    return unique[:limit]


def _sign_changes(expr: sympy.Expr, sym: sympy.Symbol) -> list[sympy.Expr]:
    """Where a real function of one variable changes sign in [-WINDOW, WINDOW] (a root or a
    pole), each located by bisection to 1e-25 and returned as a rational."""
    def value(t: object) -> object:
        try:
            v = mpeval.evaluate(expr, {sym: t})
        except (mpeval.Unsupported, ValueError, ZeroDivisionError, TypeError):
            return None
        if isinstance(v, mpmath.mpc):
            return None if abs(v.imag) > 1e-20 else v.real
        return v if mpmath.isfinite(v) else None

    out: list[sympy.Expr] = []
    with mpmath.workdps(20):
        grid = [mpmath.mpf(-WINDOW) + 2 * WINDOW * mpmath.mpf(i) / GRID for i in range(GRID + 1)]
        values = [value(t) for t in grid]
        touches = 0
        for i in range(1, len(grid)):
            a, b = values[i - 1], values[i]
            if a is None or b is None:
                continue
            if a == 0 or a * b < 0:
                out.append(_bisect(value, grid[i - 1], grid[i], a))
            elif touches < MAX_TOUCHING and i + 1 < len(grid) and values[i + 1] is not None \
                    and a * b > 0 and abs(b) < abs(a) and abs(b) < abs(values[i + 1]):
                touches += 1
                touch = _touching(value, grid[i - 1], grid[i + 1])  # cos(x) + 1 at pi
                if touch is not None:
                    out.append(touch)
            if len(out) >= 18:
                break
    return [v for root in out for v in _exact_guess(root)]


def _touching(value, low: object, high: object) -> sympy.Expr | None:
    """A zero the function touches without changing sign, by ternary search on |f|."""
    with mpmath.workdps(40):
        for _ in range(120):
            m1, m2 = low + (high - low) / 3, high - (high - low) / 3
            v1, v2 = value(m1), value(m2)
            if v1 is None or v2 is None:
                return None
            if abs(v1) < abs(v2):
                high = m2
            else:
                low = m1
        at = value((low + high) / 2)
        if at is None or abs(at) > mpmath.mpf(10) ** -15:
            return None
        return sympy.Rational(mpmath.nstr((low + high) / 2, 30))


def _exact_guess(root: sympy.Rational) -> list[sympy.Expr]:
    """The root, preceded by q*pi when it is one to 15 digits for a q with a denominator up to
    12 (-pi for cos(x) + 1): that point is certified by the exact evaluation it then gets."""
    ratio = sympy.Rational(root / sympy.pi.evalf(40)).limit_denominator(12)
    guess = ratio * sympy.pi
    if ratio != 0 and abs(sympy.N(guess - root, 40)) < sympy.Float("1e-15") * max(1, abs(root)):
        return [guess, root]
    return [root]


def _bisect(value, low: object, high: object, at_low: object) -> sympy.Expr:
    if at_low == 0:
        return sympy.Rational(mpmath.nstr(low, 30))
    for _ in range(90):
        mid = (low + high) / 2
        v = value(mid)
        if v is None or v == 0:
            break
        if (v < 0) == (at_low < 0):
            low, at_low = mid, v
        else:
            high = mid
    return sympy.Rational(mpmath.nstr((low + high) / 2, 30))
