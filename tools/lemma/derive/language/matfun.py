"""Matrix functions at explicit size: `charpoly(A, t)` and `expm(A)`, written out exactly.

`charpoly(A, t)` is det(t*eye(n) - A), a polynomial in t, so eigenvalue statements are checkable:
`charpoly(A, 3) = 0` says 3 is an eigenvalue. `expm(A)` is written out only where a closed form
is exact for every value of the entries:

* a diagonal matrix: the exponentials of its entries;
* a nilpotent matrix (A**n = 0 identically, n its size): the finite series;
* any 2 x 2 matrix: with m = trace(A)/2 and q = ((a - d)/2)**2 + b*c (the discriminant over 4),
  expm(A) = exp(m)*(cosh(sqrt(q))*I + sinh(sqrt(q))/sqrt(q)*(A - m*I)). Both functions of q
  are entire (even in sqrt(q)), so for q < 0 the complex square root gives cos and sin, and at
  q = 0 sinh(sqrt(q))/sqrt(q) is its limit 1 (a Piecewise): the formula holds at every q;

other sizes are refused with a message (no silently wrong closed form). Symbolic sizes are refused.
`logm(A)`, the principal logarithm, only of a diagonal matrix (its entries > 0, recorded): for
another matrix the condition that its eigenvalues are off (-oo, 0] is a case split on the sign of
the discriminant that the side-condition prover does not discharge yet, so it is refused.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase

from lemma.derive.language import exprsym

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder


def call(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """charpoly(A, t), expm(A) and logm(A) of an explicit square matrix."""
    want = 2 if name == "charpoly" else 1
    if len(node.args) != want:
        raise builder.fail(node, f"{name} takes {want} argument(s), got {len(node.args)}")
    value = builder.conv(node.args[0], scope)
    if exprsym.is_symbolic(value):
        raise builder.fail(node.args[0], f"{name} is written out at explicit sizes only",
                           "declare the matrix with numbers, e.g. A: matrix 2x2")
    if not isinstance(value, MatrixBase):
        raise builder.fail(node.args[0], f"{name} takes a matrix, but this is a scalar")
    builder.transparent(node.args[0], value, name)
    if value.rows != value.cols:
        raise builder.fail(node.args[0], f"{name} needs a square matrix, but this is "
                           f"{value.rows}x{value.cols}")
    if name == "charpoly":
        t = builder.conv(node.args[1], scope)
        if isinstance(t, MatrixBase) or exprsym.is_symbolic(t):
            raise builder.fail(node.args[1], "charpoly's variable is a scalar: charpoly(A, t)")
        coeffs = value.charpoly().all_coeffs()  # Berkowitz: division-free, exact for any entries
        return sympy.expand(sum(c * t ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs)))
    if name == "logm":
        return _logm(builder, node, value)
    return _expm(builder, node, value)


def _logm(builder: Builder, node: ast.Call, a: MatrixBase) -> MatrixBase:
    """The principal logarithm of a diagonal matrix, each diagonal entry > 0 (recorded)."""
    n = a.rows
    written = builder.segment(node.args[0])
    if any(sympy.expand(a[i, j]) != 0 for i in range(n) for j in range(n) if i != j):
        raise builder.fail(node, "logm is written out for a diagonal matrix only (the principal "
                           "logarithm of another matrix needs its eigenvalues off (-oo, 0], a "
                           "condition the checker cannot record yet)",
                           "state the identity for a diagonal matrix")
    for i in range(n):
        builder.require("positive", a[i, i], f"entry ({i + 1}, {i + 1}) of {written}")
    return sympy.ImmutableMatrix(sympy.diag(*(sympy.log(a[i, i]) for i in range(n))))


def _mq(a: MatrixBase) -> tuple[sympy.Expr, sympy.Expr]:
    """Half the trace and the discriminant over 4 of a 2 x 2 matrix: eigenvalues m +- sqrt(q)."""
    return (a[0, 0] + a[1, 1]) / 2, sympy.expand(((a[0, 0] - a[1, 1]) / 2) ** 2
                                                 + a[0, 1] * a[1, 0])


def _expm(builder: Builder, node: ast.Call, a: MatrixBase) -> MatrixBase:
    n = a.rows
    if all(sympy.expand(a[i, j]) == 0 for i in range(n) for j in range(n) if i != j):
        return sympy.ImmutableMatrix(sympy.diag(*(sympy.exp(a[i, i]) for i in range(n))))
    if (a ** n).applyfunc(sympy.expand) == sympy.zeros(n, n):  # nilpotent: a finite series
        total, power = sympy.eye(n), sympy.eye(n)
        for j in range(1, n):
            power = power * a
            total += power / sympy.factorial(j)
        return sympy.ImmutableMatrix(total.applyfunc(sympy.expand))
    if n != 2:
        raise builder.fail(node, "expm is written out for a diagonal or nilpotent matrix, or "
                           f"any 2x2 matrix; this one is {n}x{n}",
                           "state the identity at 2x2, or for a diagonal or nilpotent matrix")
    return expm_2x2(a)


def expm_2x2(a: MatrixBase) -> MatrixBase:
    """The closed form of the module's docstring, exact at every discriminant."""
    m, q = _mq(a)
    s = sympy.sqrt(q)
    sinhc = sympy.Piecewise((sympy.Integer(1), sympy.Eq(q, 0)), (sympy.sinh(s) / s, True))
    return sympy.ImmutableMatrix(sympy.exp(m) * (sympy.cosh(s) * sympy.eye(2)
                                                 + sinhc * (a - m * sympy.eye(2))))
