"""Euler's Beta integral as a proof step: ∫₀¹ c·p^a·(1 - p)^b dp = c·B(a + 1, b + 1).

sympy's `integrate` reaches this only through Meijer G-functions (seconds per attempt, tried again
by every rung) and often leaves a Piecewise on the exponents' signs. The identity holds exactly when
a > -1 and b > -1, so it is used only where the declarations imply both (conditions.discharged);
otherwise the integral is left as written.
"""

from __future__ import annotations

import sympy

from lemma.derive.language.block import Condition
from lemma.derive.proof.conditions import discharged
from lemma.derive.proof.rungs import Declared


def euler_beta(expr: object, known: Declared) -> object:
    """`expr` with every Beta-type integral over [0, 1] written as a beta value, where the
    declarations imply the exponents exceed -1; `expr` itself when there is none."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Integral):
        return expr
    forms = {i: _beta_form(i, known) for i in expr.atoms(sympy.Integral)}
    return expr.xreplace({i: form for i, form in forms.items() if form is not None})


def _beta_form(integral: sympy.Integral, known: Declared) -> sympy.Expr | None:
    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        return None
    p, low, high = integral.limits[0]
    if low != 0 or high != 1:
        return None
    coeff, rest = sympy.Mul(*[integral.function]).as_independent(p, as_Add=False)
    a, b = sympy.Integer(0), sympy.Integer(0)
    for factor in sympy.Mul.make_args(rest):
        base, exp = factor.as_base_exp()
        if exp.has(p):
            return None
        if base == p:
            a += exp
        elif sympy.expand(base - (1 - p)) == 0:
            b += exp
        else:
            return None
    for exponent in (a, b):
        if (exponent + 1).is_positive is not True:
            condition = Condition("positive", exponent + 1, f"{exponent} > -1")
            if not discharged(condition, known.conditions, known.scalars, known.inequalities):
                return None
    return coeff * sympy.beta(a + 1, b + 1)
