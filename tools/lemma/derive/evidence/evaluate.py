"""Exact evaluation of a link at one point: instantiating both sides (derivatives first, then
values; Sum/Product/Integral once their bounds are numbers) and comparing them.

A point where a side is undefined, infinite or not real -- or where a condition the author's own
text needs fails -- while the other side is defined, refutes the link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.evidence import closedforms, mpeval
from lemma.derive.evidence.numeric import DIGITS, is_defined, sign_kind, zero_kind
from lemma.derive.evidence.space import Claim, Point, Space
from lemma.derive.language import printing
from lemma.derive.language import sideconditions as conds
from lemma.derive.language.block import Condition
from lemma.derive.language.explicit import written_out
from lemma.derive.language.gaussian import Expectation, MatrixExpectation
from lemma.derive.language.matcalc import Gradient, Jacobian
from lemma.derive.language.vecfun import VectorCall, VectorGradient
from lemma.derive.language.vecfun import at_point as vecfun_at

#: Relative agreement asked of sides computed by quadrature at 50 digits.
NUMERIC_TOLERANCE = sympy.Float("1e-40", 60)
#: Terms of a Sum/Product expanded one by one at a point (beyond this sympy sums in closed form).
MAX_EXPANDED_TERMS = 2000
_CALCULUS = (sympy.Derivative, sympy.Subs)


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
        if isinstance(e, sympy.Basic) and e.has(Jacobian):  # outermost first: it moves x
            e = e.replace(lambda n: isinstance(n, Jacobian) and not any(
                isinstance(a, Jacobian) for a in n.args[0].atoms(MatrixExpr)),
                lambda n: n.at(point.values, point.functions))
        if isinstance(e, sympy.Basic) and e.has(Gradient):  # entry by entry, before values
            e = e.replace(lambda n: isinstance(n, Gradient),
                          lambda n: n.at(point.values, point.functions))
        if isinstance(e, sympy.Basic) and e.has(Expectation, MatrixExpectation):
            e = e.replace(lambda n: isinstance(n, Expectation | MatrixExpectation),
                          lambda n: n.at(point.values))  # exact moments, before values
        if e.has(sympy.Derivative, sympy.Subs):
            e = e.replace(lambda n: isinstance(n, _CALCULUS), lambda n: n.doit())
        e = e.xreplace(point.values)
        if isinstance(e, sympy.Basic) and e.has(VectorCall, VectorGradient):
            e = vecfun_at(e, point.functions)  # g(z), grad(g, z) once z is explicit
        if isinstance(e, sympy.Basic) and any(_sized_now(n) for n in sympy.preorder_traversal(e)):
            e = e.replace(_sized_now, written_out)  # det(eye(k) + U*V) at k = 3, vec(X).T*...
        if isinstance(e, MatrixExpr) and _sized_now(e):
            e = written_out(e)  # a product of explicit matrices, without a Sum per entry
        if e.has(sympy.Sum, sympy.Product):
            e = finite_sums(e)
        if numeric and e.has(sympy.Integral, sympy.Sum, sympy.Product):
            e = e.replace(lambda n: isinstance(n, sympy.Integral | sympy.Sum | sympy.Product)
                          and not n.free_symbols, _numerically)
        if e.has(sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit):
            e = closedforms.checked(e, _closed_form, strict=not numeric)
        if e.has(sympy.Integral):
            e = e.replace(lambda n: isinstance(n, sympy.Integral), _integrate)
        if e.has(sympy.erfc):  # exactly 1 - erf: no cancellation of two values near 1 to test
            e = e.replace(lambda n: isinstance(n, sympy.erfc), lambda n: 1 - sympy.erf(n.args[0]))
        e = e.doit() if isinstance(e, sympy.Basic) and not e.is_Atom else e
        if isinstance(e, MatrixExpr) and not isinstance(e, sympy.MatrixBase):
            e = written_out(e)  # eye(k) + an explicit matrix, once k has a value
        return sympy.ImmutableMatrix(e) if isinstance(e, sympy.MatrixBase) else e

    return _map(expr, one)


def _sized_now(node: object) -> bool:
    """A matrix expression whose sizes are numbers now: it can be written out entry by entry."""
    return (isinstance(node, MatrixExpr) and not isinstance(node, sympy.MatrixBase)
            and all(getattr(n, "is_number", False) for n in node.shape))


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


def _closed_form(node: sympy.Expr) -> sympy.Expr:
    """sympy's closed form of one Integral/Sum/Product/Limit free of symbols."""
    if node.has(sympy.Integral):
        node = node.replace(lambda n: isinstance(n, sympy.Integral), _integrate)
    return node.doit() if isinstance(node, sympy.Basic) and not node.is_Atom else node


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
        variables, stand_in = slot.variables, point.functions[slot.func]
        size = getattr(slot.func, "size", None)  # g: function k, at the drawn k
        if size is not None and size.xreplace(point.values).is_Integer:
            count = min(int(size.xreplace(point.values)), len(variables))
            stand_in = stand_in.xreplace({v: 0 for v in variables[count:]})
            variables = variables[:count]
        args = ", ".join(str(v) for v in variables)
        out[f"{slot.name}({args})"] = printing.text(stand_in)
    return out


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
        return _compare(claim, point, numeric)
    except closedforms.Unevaluated:  # sympy has no closed form: quadrature, series, 50 digits
        return _compare(claim, point, True) if not numeric else Comparison(
            "undefined", message="could not be evaluated here")
    except closedforms.Disagreement as exc:
        return Comparison("undefined", message=str(exc))


def _compare(claim: Claim, point: Point, numeric: bool) -> Comparison:
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
