"""The Kronecker product and vec: `kron(A, B)` and `vec(X)`, at explicit or symbolic sizes.

`vec(X)` stacks the columns of X (column-major, as in `vec(A*X*B) = kron(B.T, A)*vec(X)`).
At symbolic sizes both are matrix expressions whose shapes are products of dimensions; the ring
normal form does not reach inside them, so a link through them is tested at explicit random
matrices of several sizes (not proved).
"""

from __future__ import annotations

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.kronecker import KroneckerProduct


class Vec(MatrixExpr):
    """vec(X): the columns of X stacked into one column."""

    def __new__(cls, arg: MatrixExpr) -> Vec:
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[object, object]:
        rows, cols = self.args[0].shape
        return (rows * cols, sympy.Integer(1))

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        rows = self.args[0].shape[0]
        return self.args[0][i % rows, i // rows]

    def _sympystr(self, printer: object) -> str:
        return f"vec({printer._print(self.args[0])})"  # type: ignore[attr-defined]


def kron(a: object, b: object) -> object:
    """kron(A, B): explicit when both are, else a Kronecker product of symbolic size."""
    if isinstance(a, MatrixBase) and isinstance(b, MatrixBase):
        return sympy.ImmutableMatrix(sympy.kronecker_product(a, b))
    return KroneckerProduct(a, b)


def vec(x: object) -> object:
    """vec(X): explicit when X is, else a column of symbolic size."""
    if isinstance(x, MatrixBase):
        rows, cols = x.shape
        return sympy.ImmutableMatrix(rows * cols, 1, [x[i, j] for j in range(cols)
                                                      for i in range(rows)])
    return Vec(x)
