"""Exact evaluation of a link at random rational points drawn from the declared domains.

A point gives every scalar and matrix entry an exact value and every undefined function a random
polynomial with rational coefficients; derivatives are taken before the values go in, and
Sum/Product/Integral are evaluated once their bounds are numbers. The same seed gives the same
points, so failure reports are deterministic.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sympy
from sympy.core.function import AppliedUndef

from lemma.derive.block import Derivation, Domain

#: Tries per accepted point before giving up (side conditions and poles reject draws).
MAX_TRIES = 25
#: Decimal digits for the numeric comparison of non-rational values.
DIGITS = 50
#: Below this a non-rational difference counts as numerically zero.
TINY = 1e-30
_CALCULUS = (sympy.Derivative, sympy.Subs)
_UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


@dataclass(frozen=True)
class FunctionSlot:
    """An undefined function of the block and the monomials its random polynomial uses."""

    func: object
    name: str
    variables: tuple[sympy.Symbol, ...]
    monomials: tuple[sympy.Expr, ...]


@dataclass
class Point:
    """Exact values for every symbol and coefficient vectors for every undefined function."""

    values: dict[sympy.Symbol, sympy.Expr]
    coeffs: dict[object, tuple[sympy.Rational, ...]] = field(default_factory=dict)

    def copy(self) -> Point:
        return Point(dict(self.values), dict(self.coeffs))


@dataclass(frozen=True)
class Space:
    """Where sample points come from: each symbol's domain, entry symbols, functions, conditions."""

    scalars: dict[sympy.Symbol, Domain]
    entries: tuple[sympy.Symbol, ...]
    functions: tuple[FunctionSlot, ...]
    conditions: tuple[sympy.Expr, ...]
    names: dict[sympy.Symbol, str]
    matrices: tuple[tuple[str, sympy.ImmutableMatrix], ...] = ()

    def with_domain(self, symbol: sympy.Symbol, domain: Domain) -> Space:
        """The same space with one scalar restricted (used by the positivity hint)."""
        scalars = dict(self.scalars)
        scalars[symbol] = domain
        return replace(self, scalars=scalars)


def build_space(d: Derivation) -> Space:
    """Collect the block's symbols, matrix entries, functions and `!= 0` side conditions."""
    scalars: dict[sympy.Symbol, Domain] = {}
    entries: list[sympy.Symbol] = []
    functions: list[FunctionSlot] = []
    names: dict[sympy.Symbol, str] = {}
    matrices: list[tuple[str, sympy.ImmutableMatrix]] = []
    for decl in d.declarations:
        if decl.kind == "function":
            arity = decl.arity or 1
            xs = tuple(sympy.Symbol(f"x{i + 1}") for i in range(arity))
            functions.append(FunctionSlot(decl.value, decl.name, xs, _monomials(xs, 3)))
        elif decl.kind in ("matrix", "vector"):
            matrices.append((decl.name, decl.value))
            for sym in sorted(getattr(decl.value, "free_symbols", ()), key=str):
                if sym not in entries:
                    entries.append(sym)
        else:
            scalars[decl.value] = decl.domain or Domain(decl.kind)
            names[decl.value] = decl.name
    conditions = tuple(h.lhs for h in d.hypotheses if h.nonzero)
    return Space(scalars, tuple(entries), tuple(functions), conditions, names, tuple(matrices))


def _monomials(xs: tuple[sympy.Symbol, ...], degree: int) -> tuple[sympy.Expr, ...]:
    """All monomials of total degree <= degree in xs, lowest degree first."""
    out: list[sympy.Expr] = []
    for total in range(degree + 1):
        for combo in itertools.combinations_with_replacement(xs, total):
            out.append(sympy.Mul(*combo))
    return tuple(out)


def _random_rational(rng: random.Random, span: int = 30, den: int = 9) -> sympy.Rational:
    """A rational p/q; one draw in three is small (|p| <= 3) so (-1, 1) gets visited too."""
    top = span if rng.random() < 2 / 3 else min(span, 3)
    return sympy.Rational(rng.randint(-top, top), rng.randint(1, den))


def _int_bound(bound: sympy.Rational, strict: bool, direction: int) -> int:
    """The first integer inside a bound, moving in `direction` (+1 lower, -1 upper)."""
    if bound.is_integer:
        return int(bound) + (direction if strict else 0)
    return int(sympy.floor(bound)) + 1 if direction > 0 else int(sympy.floor(bound))


def draw_scalar(domain: Domain, rng: random.Random) -> sympy.Expr:
    """One random exact value inside a scalar domain (bounds and strictness respected)."""
    lo, hi = domain.lower, domain.upper
    if domain.kind == "integer":
        a = None if lo is None else _int_bound(lo, domain.lower_strict, 1)
        b = None if hi is None else _int_bound(hi, domain.upper_strict, -1)
        if a is None and b is None:
            return sympy.Integer(rng.randint(-12, 12))
        if b is None:
            return sympy.Integer(a + rng.randint(0, 24))
        if a is None:
            return sympy.Integer(b - rng.randint(0, 24))
        return sympy.Integer(rng.randint(a, max(a, b)))
    if domain.kind == "complex":
        return _random_rational(rng) + sympy.I * _random_rational(rng)
    if lo is not None and hi is not None:
        value = lo + (hi - lo) * sympy.Rational(rng.randint(1, 47), 48)
        return value
    if lo is not None:
        return lo + sympy.Rational(rng.randint(int(domain.lower_strict), 40), rng.randint(1, 9))
    if hi is not None:
        return hi - sympy.Rational(rng.randint(int(domain.upper_strict), 40), rng.randint(1, 9))
    return _random_rational(rng)


def draw_point(space: Space, rng: random.Random) -> Point:
    """A fresh random point for every symbol, entry and function of the space."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for sym in sorted(space.scalars, key=str):
        values[sym] = draw_scalar(space.scalars[sym], rng)
    for sym in space.entries:
        values[sym] = _random_rational(rng, 9, 4)
    coeffs = {
        slot.func: tuple(_random_rational(rng, 6, 3) for _ in slot.monomials)
        for slot in space.functions
    }
    return Point(values, coeffs)


def polynomial(slot: FunctionSlot, coeffs: tuple[sympy.Rational, ...]) -> sympy.Expr:
    """The polynomial standing for an undefined function at a point."""
    return sympy.Add(*(c * m for c, m in zip(coeffs, slot.monomials, strict=True)))


def _map(expr: object, fn: Callable[[sympy.Expr], sympy.Expr]) -> object:
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [fn(e) for e in expr])
    return fn(expr)  # type: ignore[arg-type]


def instantiate(expr: object, space: Space, point: Point) -> object:
    """Swap functions for polynomials, take derivatives, put values in, evaluate sums/integrals."""
    polys = {s.func: (s, polynomial(s, point.coeffs[s.func])) for s in space.functions}

    def swap(node: sympy.Expr) -> sympy.Expr:
        slot, poly = polys[node.func]
        return poly.xreplace(dict(zip(slot.variables, node.args, strict=False)))

    def one(e: sympy.Expr) -> sympy.Expr:
        if polys:
            e = e.replace(lambda n: isinstance(n, AppliedUndef) and n.func in polys, swap)
        if e.has(sympy.Derivative, sympy.Subs):
            e = e.replace(lambda n: isinstance(n, _CALCULUS), lambda n: n.doit())
        e = e.xreplace(point.values)
        if e.has(sympy.Integral):
            e = e.replace(lambda n: isinstance(n, sympy.Integral), _integrate)
        return e.doit() if isinstance(e, sympy.Basic) and not e.is_Atom else e

    return _map(expr, one)


def _integrate(node: sympy.Integral) -> sympy.Expr:
    """A definite integral with numeric bounds; polynomials directly (much faster than doit)."""
    if len(node.limits) == 1 and len(node.limits[0]) == 3:
        var, low, high = node.limits[0]
        body = node.function
        numeric = low.is_number and high.is_number and body.free_symbols <= {var}
        if numeric and body.is_polynomial(var):
            antiderivative = sympy.Poly(body, var).integrate().as_expr()
            return antiderivative.xreplace({var: high}) - antiderivative.xreplace({var: low})
    return node.doit()


def is_defined(value: object) -> bool:
    """False when a value has a pole, is undefined, or still has free symbols."""
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    for v in items:
        if not isinstance(v, sympy.Basic) or v.free_symbols or v.has(*_UNDEFINED):
            return False
    return True


def admissible(space: Space, point: Point) -> bool:
    """True when every `!= 0` side condition holds and is defined at the point."""
    for cond in space.conditions:
        v = instantiate(cond, space, point)
        if not is_defined(v):
            return False
        if zero_kind(v) != "nonzero":
            return False
    return True


def approximate(value: sympy.Expr) -> complex | None:
    """A 50-digit evaluation rounded to a Python complex, or None when it cannot be evaluated."""
    try:
        return complex(sympy.N(value, DIGITS))
    except (TypeError, ValueError, ArithmeticError):
        return None


def _exactly_zero(value: sympy.Expr) -> bool:
    """Cheap exact rewrites that recognise a zero (radicals, gamma/beta values, rationals)."""
    for rewrite in (sympy.expand, lambda v: sympy.cancel(sympy.radsimp(v)), sympy.expand_func):
        if rewrite(value) == 0:
            return True
    return False


def zero_kind(value: object) -> str:
    """'zero' (exactly), 'numeric-zero' (below TINY at 50 digits), 'nonzero' or 'unknown'."""
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    kind = "zero"
    for v in items:
        if v == 0:
            continue
        if getattr(v, "is_Rational", False):
            return "nonzero"
        approx = approximate(v)
        if approx is None:
            return "unknown"
        if abs(approx) > TINY:
            return "nonzero"
        if not _exactly_zero(v):
            kind = "numeric-zero"
    return kind


def sign_kind(value: sympy.Expr) -> str:
    """An inequality margin: positive, zero, negative, numeric-zero, complex or unknown."""
    if value == 0:
        return "zero"
    if value.is_Rational:
        return "positive" if value > 0 else "negative"
    approx = approximate(value)
    if approx is None:
        return "unknown"
    if abs(approx.imag) > TINY:
        return "complex"
    if abs(approx.real) <= TINY:
        return "numeric-zero"
    return "positive" if approx.real > 0 else "negative"


def point_text(space: Space, point: Point) -> dict[str, str]:
    """Counterexample text: declared name -> exact value (matrices as rows, functions as maps)."""
    out: dict[str, str] = {}
    for sym in sorted(space.scalars, key=lambda s: space.names.get(s, str(s))):
        out[space.names.get(sym, str(sym))] = sympy.sstr(point.values[sym])
    for name, matrix in space.matrices:
        out[name] = sympy.sstr(matrix.xreplace(point.values).tolist())
    for slot in space.functions:
        poly = sympy.expand(polynomial(slot, point.coeffs[slot.func]))
        args = ", ".join(str(v) for v in slot.variables)
        out[slot.name] = f"({args}) -> {sympy.sstr(poly)}"
    return out


@dataclass(frozen=True)
class Claim:
    """What is tested at points: `left REL right` (for linear_combination, left = lhs - rhs)."""

    left: object
    right: object
    relation: str  # "=", "<=", "<", ">=", ">"
    space: Space
    seed: str
    display: tuple[object, object] | None = None  # the link's own sides, when left/right differ


@dataclass(frozen=True)
class Comparison:
    """The outcome at one point: kind is agree-exact, agree-numeric, refuted or undefined."""

    kind: str
    left: object = None
    right: object = None
    message: str = ""


def compare_at(claim: Claim, point: Point) -> Comparison:
    """Evaluate both sides exactly at a point and decide whether the relation holds there."""
    try:
        if not admissible(claim.space, point):
            return Comparison("undefined", message="side condition fails")
        left = instantiate(claim.left, claim.space, point)
        right = instantiate(claim.right, claim.space, point)
        if not (is_defined(left) and is_defined(right)):
            return Comparison("undefined", left, right, "undefined value (pole or divergence)")
        if claim.relation == "=":
            diff = left - right  # type: ignore[operator]
            kind = zero_kind(diff)
            if kind == "unknown":
                return Comparison("undefined", left, right, "could not evaluate the difference")
            verdict = {"zero": "agree-exact", "numeric-zero": "agree-numeric"}.get(kind, "refuted")
            return Comparison(verdict, left, right)
        margin = right - left if claim.relation in ("<", "<=") else left - right  # type: ignore[operator]
        sign = sign_kind(sympy.expand(margin))
        strict = claim.relation in ("<", ">")
        if sign in ("complex", "unknown"):
            return Comparison("undefined", left, right, "a side is not a real number here")
        if sign == "positive" or (sign == "zero" and not strict):
            exact = getattr(margin, "is_Rational", False) or margin == 0
            return Comparison("agree-exact" if exact else "agree-numeric", left, right)
        if sign == "numeric-zero" and not strict:
            return Comparison("agree-numeric", left, right)
        return Comparison("refuted", left, right)
    except (ValueError, TypeError, ArithmeticError, AttributeError, NotImplementedError) as exc:
        return Comparison("undefined", message=f"{type(exc).__name__}: {exc}"[:200])


def replay(claim: Claim, stream: str, draw: int) -> Point:
    """The `draw`-th point (1-based) of a sample stream, regenerated deterministically."""
    rng = random.Random(f"{claim.seed}:{stream}")
    point = draw_point(claim.space, rng)
    for _ in range(draw - 1):
        point = draw_point(claim.space, rng)
    return point


def sample(claim: Claim, stream: str, wanted: int) -> dict[str, object]:
    """Test the claim at `wanted` admissible random points; stop at the first refutation."""
    rng = random.Random(f"{claim.seed}:{stream}")
    exact = numeric = draws = 0
    last = ""
    while exact + numeric < wanted and draws < wanted * MAX_TRIES:
        point = draw_point(claim.space, rng)
        draws += 1
        result = compare_at(claim, point)
        if result.kind == "undefined":
            last = result.message or last
            continue
        if result.kind == "refuted":
            return {
                "refuted": True,
                "draw": draws,
                "point": point_text(claim.space, point),
                "left": sympy.sstr(result.left),
                "right": sympy.sstr(result.right),
                "exact": exact,
                "numeric": numeric,
            }
        if result.kind == "agree-exact":
            exact += 1
        else:
            numeric += 1
    return {"refuted": False, "exact": exact, "numeric": numeric, "draws": draws, "last": last}
