"""sympy's closed forms of Integral, Sum and Limit at a point, checked before they are used.

sympy can be wrong (an antiderivative with a jump inside the range, a parameter's branch), so
every closed form a point relies on is compared with an independent numeric value: tanh-sinh
quadrature for an integral, series summation for an infinite sum, the function evaluated ever
closer to the limit point for a limit. A disagreement makes the point unusable (reported, never
evidence either way); a node sympy leaves unevaluated asks for the numeric evaluation instead
of being called undefined (a convergent improper integral is a number).
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy

from lemma.derive.evidence import mpeval
from lemma.derive.language import printing

#: Digits of the independent numeric value, and the relative gap that counts as disagreement
#: (far above what quadrature of a smooth or endpoint-singular integrand gets wrong).
DIGITS = 30
GAP = sympy.Float("1e-10", 40)
_NODES = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit)


class Unevaluated(Exception):
    """sympy gave no closed form: the point is to be evaluated numerically."""


class Disagreement(Exception):
    """sympy's closed form and the independent numeric value differ at this point."""


def checked(expr: sympy.Expr, exact: Callable[[sympy.Expr], sympy.Expr], *,
            strict: bool = True) -> sympy.Expr:
    """`expr` with each outermost Integral/Sum/Product/Limit free of symbols replaced by its
    closed form (computed by `exact`), each one cross-checked first. `strict`: a node sympy
    leaves unevaluated raises Unevaluated (else it is left as it is)."""
    if not isinstance(expr, sympy.Basic) or expr.is_Atom:
        return expr
    if isinstance(expr, _NODES) and not expr.free_symbols:
        return _one(expr, exact, strict)
    if not expr.has(*_NODES):
        return expr
    return expr.func(*(checked(arg, exact, strict=strict) for arg in expr.args))


def _one(node: sympy.Expr, exact: Callable[[sympy.Expr], sympy.Expr],
         strict: bool) -> sympy.Expr:
    closed = exact(node)
    if isinstance(closed, sympy.Basic) and closed.has(*_NODES):
        if strict:
            raise Unevaluated(printing.text(node))
        return closed
    if _polynomial_integral(node) or not isinstance(closed, sympy.Expr) or closed.has(
            sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.AccumBounds):
        # an exact antiderivative of a polynomial: nothing to doubt; a divergent value is
        # undefined to the caller (series acceleration would give an analytic continuation)
        return closed
    reference = _reference(node)
    if reference is None:
        return closed
    value, error = reference
    try:
        approx = sympy.N(closed, DIGITS)
    except (TypeError, ValueError, ArithmeticError):
        return closed
    if not approx.is_number or approx.has(sympy.nan, sympy.zoo):
        return closed
    scale = max(abs(value), 1)
    gap = abs(approx - value)
    if gap > GAP * scale and gap > 1000 * error:
        raise Disagreement(
            f"sympy's closed form of {printing.text(node)} is {printing.text(closed)} "
            f"≈ {sympy.N(approx, 12)}, but {_how(node)} gives ≈ {sympy.N(value, 12)}; "
            "this point is not used")
    return closed


def _polynomial_integral(node: sympy.Expr) -> bool:
    return (isinstance(node, sympy.Integral) and len(node.limits) == 1
            and node.function.is_polynomial(node.limits[0][0]))


def _how(node: sympy.Expr) -> str:
    if isinstance(node, sympy.Integral):
        return "quadrature"
    if isinstance(node, sympy.Limit):
        return "evaluation near the limit point"
    return "numeric summation"


def _reference(node: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    """(independent value, its error estimate), or None when none can be had."""
    try:
        if isinstance(node, sympy.Integral):
            return _quadrature(node)
        if isinstance(node, sympy.Limit):
            return _approach(node)
        return _summation(node)
    except (mpeval.Unsupported, ValueError, TypeError, ArithmeticError, RecursionError,
            NotImplementedError):
        return None


def _quadrature(node: sympy.Integral) -> tuple[sympy.Expr, sympy.Expr] | None:
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return None
    var, low, high = node.limits[0]
    with mpmath.workdps(DIGITS + 10):
        bounds = [mpeval.bound(low), mpeval.bound(high)]
        value, error = mpmath.quad(lambda t: mpeval.evaluate(node.function, {var: t}), bounds,
                                   error=True)
    return _pair(value, error)


def _summation(node: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    if len(node.limits) != 1 or node.limits[0][2] is not sympy.oo:
        return None
    var, low, _ = node.limits[0]
    if not low.is_Integer:
        return None
    def term(n: object) -> object:
        return mpeval.evaluate(node.function, {var: n})

    with mpmath.workdps(DIGITS + 10):
        if isinstance(node, sympy.Sum):
            value = mpmath.nsum(term, [int(low), mpmath.inf])
        else:
            value = mpmath.nprod(term, [int(low), mpmath.inf])
    # nsum's own error estimate is not returned: ask agreement to well within its precision
    return _pair(value, mpmath.mpf(10) ** (-DIGITS // 2) * max(1, abs(value)))


#: Distances from the limit point the function is evaluated at (10**-k, or 10**k toward oo).
_STEPS = (12, 24, 48)


def _approach(node: sympy.Limit) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The function at three points approaching the limit point; the last is the reference and
    the error estimate the change between the last two (a wrong closed form stays far away
    while these shrink)."""
    body, var, at, direction = node.args
    sides = {"+": (1,), "-": (-1,)}.get(str(direction), (1, -1))
    values = []
    for side in sides:
        row = []
        for k in _STEPS:
            if at is sympy.oo or at is sympy.S.NegativeInfinity:
                x = sympy.Integer(10) ** k * (1 if at is sympy.oo else -1)
            else:
                x = at + side * sympy.Rational(1, 10**k)
            v = sympy.N(body.xreplace({var: x}), DIGITS + 2 * max(_STEPS))
            if not v.is_number or v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
                return None
            row.append(v)
        values.append(row)
    last = values[0][-1]
    if any(abs(row[-1] - last) > GAP * max(1, abs(last)) for row in values[1:]):
        return None  # the sides disagree: sympy decides existence, not this probe
    spread = max(abs(row[-1] - row[-2]) for row in values)
    return last, spread


def _pair(value: object, error: object) -> tuple[sympy.Expr, sympy.Expr] | None:
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > abs(value.real) * 1e-20:
            return None
        value = value.real
    if not mpmath.isfinite(value):
        return None
    return sympy.Float(value, DIGITS), sympy.Float(error, 10)
