"""Signs of sums of vector entries for side conditions: `Sum(exp(z[j]), (j, 1, k)) != 0`.

Entries of declared vectors and matrices are real numbers about which nothing else is known, and
a sum over a range known to be nonempty of summands known to be positive is positive: each such
sum is replaced by a positive unknown, so sympy's sign reasoning can carry the rest (the softmax
denominator). A sum whose sign this cannot see is left alone.
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement


def signed_sums(expr: sympy.Expr) -> sympy.Expr:
    """`expr` with entries as real unknowns and sums of positive (nonnegative) summands over
    nonempty ranges as positive (nonnegative) unknowns."""
    if not isinstance(expr, sympy.Basic) or not expr.has(MatrixElement, sympy.Sum):
        return expr
    entries = {e: sympy.Dummy(f"e{i}", real=True)
               for i, e in enumerate(sorted(expr.atoms(MatrixElement), key=sympy.default_sort_key))
               if isinstance(e.parent, sympy.MatrixSymbol)}
    return _sums(expr.xreplace(entries))


def _sums(expr: sympy.Expr) -> sympy.Expr:
    def one(node: sympy.Sum) -> sympy.Expr:
        body = node.function
        for var, low, high in node.limits:
            if (high - low).is_nonnegative is not True:
                return node
            body = body.xreplace({var: sympy.Dummy("j", integer=True)})
        body = _sums(body)
        if body.is_positive:
            return sympy.Dummy("s", positive=True)
        if body.is_nonnegative:
            return sympy.Dummy("s", nonnegative=True)
        return node
    return expr.replace(lambda n: isinstance(n, sympy.Sum), one)
