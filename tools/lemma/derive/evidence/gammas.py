"""Exact zero tests for values built from gamma, beta and factorial at a point.

sympy's `expand_func` writes gamma(n + 3/7) as a product of n factors times gamma(3/7): with the
large integers the sampler draws that is tens of thousands of terms and uses up a point's time,
so the point is decided only numerically. Here every gamma argument is compared with the others:
arguments an integer apart share one opaque gamma(b) (b the smallest of them), and
Γ(b + n) = Γ(b)·b(b + 1)…(b + n - 1) is multiplied out only over the *gaps* between arguments,
which are small in a ratio like Γ(M + a + 1)/Γ(M + a) whatever M is.
"""

from __future__ import annotations

import sympy

#: Largest gap between two gamma arguments that is multiplied out (a product of that many
#: factors); a wider one leaves the value to the generic rewrites.
MAX_GAP = 2000


def gamma_zero(value: sympy.Expr) -> bool:
    """True when `value` is exactly 0 once the gammas of arguments an integer apart are reduced
    to one gamma each (treated as an unknown nonzero number): a proof of zero, never a guess."""
    if not isinstance(value, sympy.Expr) or not value.has(sympy.gamma, sympy.beta,
                                                          sympy.factorial):
        return False
    written = value.replace(
        lambda e: isinstance(e, sympy.beta) and len(e.args) == 2,
        lambda e: sympy.gamma(e.args[0]) * sympy.gamma(e.args[1])
        / sympy.gamma(e.args[0] + e.args[1]))
    written = written.replace(lambda e: isinstance(e, sympy.factorial),
                              lambda e: sympy.gamma(e.args[0] + 1))
    reduced = _reduce(written) if written.has(sympy.gamma) else written
    if reduced is None:
        return False
    return sympy.cancel(sympy.together(reduced)) == 0


def _reduce(value: sympy.Expr) -> sympy.Expr | None:
    """`value` with each gamma(b + n) replaced by G_b·rising(b, n), or None when two arguments of
    one class lie more than MAX_GAP apart or an argument is not a number."""
    args = sorted({g.args[0] for g in value.atoms(sympy.gamma)}, key=sympy.default_sort_key)
    if not args or any(not a.is_number for a in args):
        return None
    classes: list[list[sympy.Expr]] = []
    for a in args:
        for members in classes:
            gap = a - members[0]
            if gap.is_Integer:
                members.append(a)
                break
        else:
            classes.append([a])
    mapping: dict[sympy.Expr, sympy.Expr] = {}
    for i, members in enumerate(classes):
        base = min(members, key=lambda a: (a - members[0]))
        unknown = sympy.Dummy(f"G{i}", nonzero=True)
        for a in members:
            gap = int(a - base)
            if gap > MAX_GAP:
                return None
            mapping[sympy.gamma(a)] = unknown * _rising(base, gap)
    return value.xreplace(mapping)


def _rising(base: sympy.Expr, n: int) -> sympy.Expr:
    """base·(base + 1)…(base + n - 1), exactly (integer arithmetic for a rational base)."""
    if base.is_Rational:
        p, q = int(base.p), int(base.q)
        num, den = 1, 1
        for i in range(n):
            num *= p + i * q
            den *= q
        return sympy.Rational(num, den)
    product = sympy.Integer(1)
    for i in range(n):
        product *= base + i
    return product
