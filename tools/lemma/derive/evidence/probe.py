"""Exact evaluation of a link at sample points drawn from the declared domains.

A point gives every scalar and matrix entry an exact value and every undefined function a random
stand-in (draw.py); derivatives are taken before the values go in, and Sum/Product/Integral are
evaluated once their bounds are numbers (a Sum whose upper bound is below its lower bound is
empty). A point where a side is undefined, infinite or not real -- or where a condition the
author's own text needs (a denominator, a square root's argument) fails -- while the other side
is defined, refutes the link. The same seed gives the same points, so reports are deterministic.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.evidence import mpeval
from lemma.derive.evidence.draw import (
    draw_scalar,
    draw_size,
    matrix_entry,
    random_function,
    random_matrix,
)
from lemma.derive.evidence.numeric import DIGITS, is_defined, sign_kind, zero_kind
from lemma.derive.language import printing
from lemma.derive.language import sideconditions as conds
from lemma.derive.language.block import Condition, Derivation, Domain

#: Tries per accepted point before giving up (side conditions and poles reject draws).
MAX_TRIES = 25
#: Relative agreement asked of sides computed by quadrature at 50 digits.
NUMERIC_TOLERANCE = sympy.Float("1e-40", 60)
#: Terms of a Sum/Product expanded one by one at a point (beyond this sympy sums in closed form).
MAX_EXPANDED_TERMS = 2000
_CALCULUS = (sympy.Derivative, sympy.Subs)


@dataclass(frozen=True)
class FunctionSlot:
    """An undefined function of the block and the variables its random stand-ins use."""

    func: object
    name: str
    variables: tuple[sympy.Symbol, ...]


@dataclass
class Point:
    """Exact values for every symbol and a stand-in expression for every undefined function."""

    values: dict[sympy.Symbol, sympy.Expr]
    functions: dict[object, sympy.Expr] = field(default_factory=dict)

    def copy(self) -> Point:
        return Point(dict(self.values), dict(self.functions))


@dataclass(frozen=True)
class Space:
    """Where sample points come from: each symbol's domain, entry symbols, functions, conditions."""

    scalars: dict[sympy.Symbol, Domain]
    entries: tuple[sympy.Symbol, ...]
    functions: tuple[FunctionSlot, ...]
    conditions: tuple[sympy.Expr, ...]  # declared `!= 0` hypotheses (points must satisfy them)
    names: dict[sympy.Symbol, str]
    matrices: tuple[tuple[str, sympy.ImmutableMatrix], ...] = ()
    real: bool = True  # no complex declaration: every value is meant to be real
    symbolic: tuple[tuple[str, sympy.MatrixSymbol, str | None], ...] = ()  # matrix k x d
    inequalities: tuple[tuple[sympy.Expr, bool], ...] = ()  # (margin, strict): margin >= 0 / > 0
    dimensions: frozenset[sympy.Symbol] = frozenset()  # integers used as a symbolic size

    @property
    def symmetric(self) -> tuple[sympy.MatrixSymbol, ...]:
        return tuple(m for _, m, structure in self.symbolic if structure)

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
    symbolic: list[tuple[str, sympy.MatrixSymbol, str | None]] = []
    dimensions: set[sympy.Symbol] = set()
    for decl in d.declarations:
        if decl.kind == "function":
            arity = decl.arity or 1
            xs = tuple(sympy.Symbol(f"x{i + 1}") for i in range(arity))
            functions.append(FunctionSlot(decl.value, decl.name, xs))
        elif decl.symbolic:
            symbolic.append((decl.name, decl.value, decl.structure))
            dimensions.update(s for s in decl.shape if isinstance(s, sympy.Symbol))  # type: ignore[union-attr]
        elif decl.kind in ("matrix", "vector"):
            matrices.append((decl.name, decl.value))
            for sym in sorted(getattr(decl.value, "free_symbols", ()), key=str):
                if sym not in entries:
                    entries.append(sym)
        else:
            scalars[decl.value] = decl.domain or Domain(decl.kind)
            names[decl.value] = decl.name
    declared = tuple(h.lhs for h in d.hypotheses if h.nonzero)
    inequalities = tuple((h.rhs - h.lhs, h.relation == "<") for h in d.hypotheses
                         if h.relation in ("<", "<="))
    real = all(domain.kind != "complex" for domain in scalars.values())
    return Space(scalars, tuple(entries), tuple(functions), declared, names, tuple(matrices),
                 real=real, symbolic=tuple(symbolic), dimensions=frozenset(dimensions),
                 inequalities=inequalities)


def draw_point(space: Space, rng: random.Random, index: int = 1) -> Point:
    """A fresh point: the first of a stream uses special values (0, ±1, bounds), every third
    mixes special and random values, the rest are random."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for sym in sorted(space.scalars, key=str):
        special = index == 0 or (index % 3 == 1 and rng.random() < 0.5)
        if sym in space.dimensions:
            values[sym] = draw_size(space.scalars[sym], rng)
        else:
            values[sym] = draw_scalar(space.scalars[sym], rng, special)
    for sym in space.entries:
        values[sym] = matrix_entry(rng)
    for _, symbol, structure in space.symbolic:
        rows, cols = (int(d.xreplace(values)) for d in symbol.shape)
        values[symbol] = random_matrix(rows, cols, structure, rng)  # type: ignore[index]
    functions = {slot.func: random_function(slot.variables, rng) for slot in space.functions}
    return Point(values, functions)


def _map(expr: object, fn: Callable[[sympy.Expr], sympy.Expr]) -> object:
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [fn(e) for e in expr])
    return fn(expr)  # type: ignore[arg-type]


def instantiate(expr: object, space: Space, point: Point, numeric: bool = False) -> object:
    """Swap functions for their stand-ins, take derivatives, put values in, evaluate the rest.

    `numeric` evaluates integrals and infinite sums by quadrature and series acceleration at
    high precision instead of in closed form (the fallback for a point too slow to do exactly).
    """

    def swap(node: sympy.Expr) -> sympy.Expr:
        slot = next(s for s in space.functions if s.func == node.func)
        return point.functions[slot.func].xreplace(dict(zip(slot.variables, node.args,
                                                             strict=False)))

    def one(e: sympy.Expr) -> sympy.Expr:
        if point.functions:
            e = e.replace(lambda n: isinstance(n, AppliedUndef) and n.func in point.functions,
                          swap)
        if e.has(sympy.Derivative, sympy.Subs):
            e = e.replace(lambda n: isinstance(n, _CALCULUS), lambda n: n.doit())
        e = e.xreplace(point.values)
        if e.has(sympy.Sum, sympy.Product):
            e = finite_sums(e)
        if numeric and e.has(sympy.Integral, sympy.Sum, sympy.Product):
            e = e.replace(lambda n: isinstance(n, sympy.Integral | sympy.Sum | sympy.Product)
                          and not n.free_symbols, _numerically)
        if e.has(sympy.Integral):
            e = e.replace(lambda n: isinstance(n, sympy.Integral), _integrate)
        if e.has(sympy.erfc):  # exactly 1 - erf: no cancellation of two values near 1 to test
            e = e.replace(lambda n: isinstance(n, sympy.erfc), lambda n: 1 - sympy.erf(n.args[0]))
        e = e.doit() if isinstance(e, sympy.Basic) and not e.is_Atom else e
        if isinstance(e, MatrixExpr) and not isinstance(e, sympy.MatrixBase):
            e = e.as_explicit()  # eye(k) + an explicit matrix, once k has a value
        return sympy.ImmutableMatrix(e) if isinstance(e, sympy.MatrixBase) else e

    return _map(expr, one)


def _numerically(node: sympy.Expr) -> sympy.Expr:
    """An integral by quadrature (mpeval), a sum or product by sympy's own numerics."""
    if isinstance(node, sympy.Integral):
        try:
            return mpeval.integrate(node, DIGITS)
        except (mpeval.Unsupported, ValueError, TypeError, ZeroDivisionError):
            pass
    return node.evalf(DIGITS)


def finite_sums(e: sympy.Expr) -> sympy.Expr:
    """Sums and Products with numeric bounds, term by term: an empty range (upper below lower)
    is 0 or 1 -- not sympy's reversed-range convention, which makes `Sum(1, (k, 1, -3))` = -3."""
    if not isinstance(e, sympy.Basic) or e.is_Atom or not e.has(sympy.Sum, sympy.Product):
        return e
    if isinstance(e, sympy.Sum | sympy.Product):
        *inner_limits, (var, low, high) = e.limits
        body = e.function if not inner_limits else e.func(e.function, *inner_limits)
        if (low - high).is_number and low.is_integer and high.is_integer:
            count = int(high - low) + 1
            if count <= 0:
                return sympy.Integer(0 if isinstance(e, sympy.Sum) else 1)
            if count <= MAX_EXPANDED_TERMS:
                terms = [finite_sums(body.xreplace({var: low + k})) for k in range(count)]
                return sympy.Add(*terms) if isinstance(e, sympy.Sum) else sympy.Mul(*terms)
        return e
    return e.func(*(finite_sums(arg) for arg in e.args))


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


def admissible(space: Space, point: Point) -> bool:
    """True when every declared `!= 0` and inequality hypothesis holds at the point."""
    for cond in space.conditions:
        v = instantiate(cond, space, point)
        if not is_defined(v):
            return False
        if zero_kind(v) != "nonzero":
            return False
    for margin, strict in space.inequalities:
        v = instantiate(margin, space, point)
        if not is_defined(v, real=True):
            return False
        sign = sign_kind(v)  # type: ignore[arg-type]
        if sign == "negative" or (strict and sign in ("zero", "numeric-zero")):
            return False
    return True


def condition_fails(condition: Condition, space: Space, point: Point) -> bool:
    """True when a condition of the author's text is violated (exactly or clearly) at a point."""
    value = instantiate(condition.expr, space, point)
    if not is_defined(value):
        return False  # an undefined condition shows up as an undefined side instead
    decided = conds.holds(condition.kind, value)  # type: ignore[arg-type]
    if decided is not None:
        return not decided
    if condition.kind == "nonzero":
        return zero_kind(value) == "zero"
    sign = sign_kind(value)  # type: ignore[arg-type]
    if sign == "numeric-zero":  # 1 - 1/(1 + exp(-714)): near-equal terms, one fraction exactly
        sign = sign_kind(sympy.together(value))
    if condition.kind == "positive":
        return sign in ("negative", "zero", "numeric-zero", "complex")
    if condition.kind == "nonnegative":
        return sign in ("negative", "complex")
    if condition.kind == "unit":
        return sign_kind(1 - value) == "negative" or sign_kind(1 + value) == "negative"  # type: ignore[operator]
    return False


def point_text(space: Space, point: Point) -> dict[str, str]:
    """Counterexample text: declared name -> exact value (matrices as rows, functions as maps)."""
    out: dict[str, str] = {}
    for sym in sorted(space.scalars, key=lambda s: space.names.get(s, str(s))):
        out[space.names.get(sym, str(sym))] = printing.with_decimal(point.values[sym])
    for name, matrix in space.matrices:
        out[name] = printing.text(matrix.xreplace(point.values))
    for name, symbol, _ in space.symbolic:
        out[name] = printing.text(point.values[symbol])
    for slot in space.functions:  # g(x1, x2) = x1**2 + 1: the stand-in as a definition
        args = ", ".join(str(v) for v in slot.variables)
        out[f"{slot.name}({args})"] = printing.text(point.functions[slot.func])
    return out


@dataclass(frozen=True)
class Claim:
    """What is tested at points: `left REL right` (for linear_combination, left = lhs - rhs).

    `conditions` are the link's side conditions the declarations do not imply: each is tested
    at every point, and a point that violates one refutes the link ("undefined here").
    """

    left: object
    right: object
    relation: str  # "=", "<=", "<", ">=", ">"
    space: Space
    seed: str
    display: tuple[object, object] | None = None  # the link's own sides, when left/right differ
    conditions: tuple[Condition, ...] = ()
    guards: tuple[object, ...] = ()  # must be defined at a point (a combination's hypotheses)

    @cached_property
    def real(self) -> bool:
        sides = (self.left, self.right)
        return self.space.real and not any(getattr(s, "has", lambda *_: False)(sympy.I)
                                           for s in sides)

    @cached_property
    def pointwise(self) -> tuple[Condition, ...]:
        """Conditions that can be tested at a point: those that define values, free of binders."""
        return tuple(c for c in self.conditions if c.defines and not c.binders)


@dataclass(frozen=True)
class Comparison:
    """The outcome at one point: kind is agree-exact, agree-numeric, refuted or undefined."""

    kind: str
    left: object = None
    right: object = None
    message: str = ""


def compare_at(claim: Claim, point: Point, numeric: bool = False) -> Comparison:
    """Evaluate both sides exactly at a point and decide whether the relation holds there."""
    try:
        if not admissible(claim.space, point):
            return Comparison("undefined", message="a declared != 0 hypothesis fails")
        for guard in claim.guards:
            if not is_defined(instantiate(guard, claim.space, point)):
                return Comparison("undefined", message="a hypothesis is undefined here")
        for condition in claim.pointwise:
            if condition_fails(condition, claim.space, point):
                return Comparison("refuted", message=f"undefined here: {condition.text} fails")
        left, left_why = _side(claim.left, claim.space, point, numeric)
        right, right_why = _side(claim.right, claim.space, point, numeric)
        real = claim.real
        left_ok, right_ok = is_defined(left, real), is_defined(right, real)
        if not (left_ok or right_ok):
            return Comparison("undefined", left, right, "both sides undefined here")
        if left_ok != right_ok:
            side = "left" if right_ok else "right"
            why = left_why or right_why or "undefined, infinite or not real here"
            return Comparison("refuted", left, right, f"the {side} side is {why}, while the "
                              "other side is a number")
        if claim.relation == "=" and numeric:
            return _numeric_comparison(left, right)
        if claim.relation == "=":
            diff = left - right  # type: ignore[operator]
            kind = zero_kind(diff, left, right)
            if kind == "nonzero" and _zero_as_one_fraction(diff):
                kind = "zero"
            if kind == "unknown":
                return Comparison("undefined", left, right, "could not evaluate the difference")
            verdict = {"zero": "agree-exact", "numeric-zero": "agree-numeric"}.get(kind, "refuted")
            return Comparison(verdict, left, right)
        margin = right - left if claim.relation in ("<", "<=") else left - right  # type: ignore[operator]
        sign = sign_kind(sympy.expand(margin), left, right)
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
        return Comparison("undefined", message="could not be evaluated here: "
                          + printing.plain_error(exc))


def _zero_as_one_fraction(diff: object) -> bool:
    """A difference that floating evaluation calls nonzero but that is exactly 0 written over one
    denominator: 1/(1 - 1/(1 + exp(-600))) loses exp(-600) to rounding, `together` does not."""
    if not isinstance(diff, sympy.Expr) or diff.is_Rational:
        return False
    return sympy.cancel(sympy.together(diff)) == 0


def _numeric_comparison(left: object, right: object) -> Comparison:
    """Sides that contain quadrature results (50 digits): agreeing within 1e-40 of their size
    is numeric evidence; anything else is no evidence either way."""
    pairs = (zip(left, right, strict=True) if isinstance(left, sympy.MatrixBase)  # type: ignore[arg-type]
             else [(left, right)])
    for a, b in pairs:
        diff, scale = sympy.N(a - b, DIGITS), max(abs(sympy.N(a, 15)), abs(sympy.N(b, 15)), 1)
        if not diff.is_number or abs(diff) > NUMERIC_TOLERANCE * scale:
            # quadrature can miss a narrow peak: a disagreement is inconclusive, never a
            # counterexample (and too few agreeing points leave the link unchecked)
            return Comparison("undefined", left, right, "quadrature did not agree here")
    return Comparison("agree-numeric", left, right)


def _side(expr: object, space: Space, point: Point, numeric: bool) -> tuple[object, str]:
    """One side at a point; a limit that does not exist is an undefined value, not an error."""
    try:
        return instantiate(expr, space, point, numeric), ""
    except ValueError as exc:
        if "does not exist" not in str(exc):
            raise
        return sympy.nan, "undefined here (a limit does not exist)"


def point_stream(claim: Claim, stream: str) -> Iterator[Point]:
    """The points a stream tests, deterministically: for the "test" stream, first the points
    where a side condition is most likely to fail (edge.py), then random ones."""
    rng = random.Random(f"{claim.seed}:{stream}")
    if stream == "test" and (claim.pointwise or _has_seams(claim)):
        from lemma.derive.evidence.edge import edge_points

        yield from edge_points(claim, rng)
    index = 0
    while True:
        yield draw_point(claim.space, rng, index)
        index += 1


def _has_seams(claim: Claim) -> bool:
    from lemma.derive.proof.cases import seams

    return bool(seams(claim.left) or seams(claim.right))


def replay(claim: Claim, stream: str, draw: int) -> Point:
    """The `draw`-th point (1-based) of a sample stream, regenerated deterministically."""
    points = point_stream(claim, stream)
    for _ in range(draw - 1):
        next(points)
    return next(points)


class _SlowPoint(BaseException):
    """Raised by the alarm when one point takes too long (a BaseException: sympy's own
    `except Exception` clauses must not swallow it)."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _SlowPoint


def _timed_compare(claim: Claim, point: Point, seconds: float | None) -> Comparison:
    """compare_at under a per-point alarm: a point too slow to do exactly is done numerically
    (quadrature, 50 digits), and one too slow even so is skipped -- never the whole batch."""
    if not seconds:
        return compare_at(claim, point)
    previous = signal.signal(signal.SIGPROF, _alarm)  # CPU time: a loaded machine is no excuse
    try:
        for numeric in (False, True):
            try:
                signal.setitimer(signal.ITIMER_PROF, seconds)
                return compare_at(claim, point, numeric)
            except _SlowPoint:
                continue
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
        return Comparison("undefined", message=f"a point took over {seconds:.1f} s")
    finally:
        signal.signal(signal.SIGPROF, previous)


def sample_points(claim: Claim, stream: str, wanted: int,
                  point_seconds: float | None = None) -> Iterator[dict[str, object]]:
    """Test the claim point by point, one report per point (so a time box keeps what was done);
    stop after `wanted` agreeing points or at the first refutation. With `point_seconds`, each
    point runs under its own CPU-time alarm (only inside a killable worker: it uses SIGPROF)."""
    agreed = 0
    for draws, point in enumerate(point_stream(claim, stream), start=1):
        if agreed >= wanted or draws > wanted * MAX_TRIES:
            return
        result = _timed_compare(claim, point, point_seconds)
        if result.kind == "refuted":
            yield {"kind": "refuted", "draw": draws, "point": point_text(claim.space, point),
                   "left": _text(result.left), "right": _text(result.right),
                   "message": result.message}
            return
        if result.kind != "undefined":
            agreed += 1
        yield {"kind": result.kind, "message": result.message}


def _text(value: object) -> str:
    return "" if value is None else printing.text(value)


def summarize(items: list[dict[str, object]]) -> dict[str, object]:
    """The reports of one stream in one dict: refuted (with the evidence), or the counts."""
    exact = sum(1 for i in items if i["kind"] == "agree-exact")
    numeric = sum(1 for i in items if i["kind"] == "agree-numeric")
    refuted = next((i for i in items if i["kind"] == "refuted"), None)
    last = next((str(i["message"]) for i in reversed(items)
                 if i["kind"] == "undefined" and i["message"]), "")
    if refuted is not None:
        return {**refuted, "refuted": True, "exact": exact, "numeric": numeric}
    return {"refuted": False, "exact": exact, "numeric": numeric, "draws": len(items),
            "last": last}


def sample(claim: Claim, stream: str, wanted: int) -> dict[str, object]:
    """Test the claim at `wanted` admissible points; stop at the first refutation."""
    return summarize(list(sample_points(claim, stream, wanted)))
