"""The Hadamard product, diag and the pseudo-inverse: `hadamard(A, B)`, `diag(v)` (the diagonal
matrix of a vector), `diag(A)` (the diagonal of a square matrix, as a vector) and `pinv(A)`.

At explicit sizes they are written out (pinv exactly, by sympy's Moore-Penrose inverse). At
symbolic sizes they are matrix expressions the ring normal form does not reach inside, so a link
through them is tested at explicit random matrices of several sizes (rank-deficient ones among
them), not proved.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import exprsym

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder


class Diagonal(MatrixExpr):
    """diag(A) of a square matrix of symbolic size: its diagonal as a column (written out as
    soon as A is explicit, e.g. at a sample point)."""

    def __new__(cls, arg: MatrixExpr) -> Diagonal:
        if isinstance(arg, MatrixBase):
            return diag(arg)  # type: ignore[return-value]
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[object, object]:
        return (self.args[0].shape[0], sympy.Integer(1))

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        return self.args[0][i, i]

    def _sympystr(self, printer: object) -> str:
        return f"diag({printer._print(self.args[0])})"  # type: ignore[attr-defined]


class PseudoInverse(MatrixExpr):
    """pinv(A) of a matrix of symbolic size: the Moore-Penrose inverse, of A's transposed shape."""

    def __new__(cls, arg: MatrixExpr) -> PseudoInverse:
        if isinstance(arg, MatrixBase):
            return _pinv(arg)  # type: ignore[return-value]
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[object, object]:
        rows, cols = self.args[0].shape
        return (cols, rows)

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        arg = self.args[0]
        if not isinstance(arg, MatrixBase):
            raise TypeError("an entry of the pseudo-inverse of a matrix of symbolic size")
        return _pinv(arg)[i, j]

    def doit(self, **hints: object) -> object:
        arg = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return _pinv(arg) if isinstance(arg, MatrixBase) else PseudoInverse(arg)

    def as_explicit(self) -> sympy.ImmutableMatrix:
        return self.doit()  # type: ignore[return-value]

    def _sympystr(self, printer: object) -> str:
        return f"pinv({printer._print(self.args[0])})"  # type: ignore[attr-defined]

    def _latex(self, printer: object) -> str:
        return printer._print(self.args[0]) + "^{+}"  # type: ignore[attr-defined]


class DiagonalMatrix(MatrixExpr):
    """diag(v) of a column of symbolic size: the square matrix with v on its diagonal."""

    def __new__(cls, arg: MatrixExpr) -> DiagonalMatrix:
        if isinstance(arg, MatrixBase):
            return diag(arg)  # type: ignore[return-value]
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[object, object]:
        return (self.args[0].shape[0], self.args[0].shape[0])

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        return sympy.KroneckerDelta(i, j) * self.args[0][i, 0]

    def _eval_transpose(self) -> DiagonalMatrix:
        return self

    def _sympystr(self, printer: object) -> str:
        return f"diag({printer._print(self.args[0])})"  # type: ignore[attr-defined]


def _pinv(m: MatrixBase) -> sympy.ImmutableMatrix:
    """The exact Moore-Penrose inverse (full-rank factorisation; the zero matrix's is zero)."""
    if all(e == 0 for e in m):
        return sympy.ImmutableMatrix(sympy.zeros(m.cols, m.rows))
    return sympy.ImmutableMatrix(sympy.Matrix(m).pinv(method="RD"))


def hadamard(a: object, b: object) -> object:
    if isinstance(a, MatrixBase) and isinstance(b, MatrixBase):
        return sympy.ImmutableMatrix(a.multiply_elementwise(b))
    return sympy.HadamardProduct(a, b)


def diag(a: object) -> object:
    """diag(v) of a column: the diagonal matrix; diag(A) of a square matrix: its diagonal."""
    if isinstance(a, MatrixBase):
        if a.cols == 1:
            return sympy.ImmutableMatrix(sympy.diag(*a))
        return sympy.ImmutableMatrix([a[i, i] for i in range(a.rows)])
    if a.shape[1] == 1:  # type: ignore[attr-defined]
        return DiagonalMatrix(a)
    return Diagonal(a)


def pinv(a: object) -> object:
    if isinstance(a, MatrixBase):
        return _pinv(a)
    return PseudoInverse(a)


def call(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """hadamard(A, B) of two matrices of one shape, diag(v) / diag(A), pinv(A)."""
    values = exprsym.matrix_arguments(builder, node, name, scope, 2 if name == "hadamard" else 1)
    if name == "pinv":
        return pinv(values[0])
    if name == "diag":
        rows, cols = values[0].shape  # type: ignore[attr-defined]
        if cols != 1 and not exprsym.same(rows, cols):
            raise builder.fail(node.args[0], "diag takes a vector (its diagonal matrix) or a "
                               f"square matrix (its diagonal), not a {rows}x{cols} matrix")
        return diag(values[0])
    a, b = values
    if isinstance(a, MatrixBase) != isinstance(b, MatrixBase) or not (
            exprsym.same(a.shape[0], b.shape[0]) and exprsym.same(a.shape[1], b.shape[1])):  # type: ignore[attr-defined]
        raise builder.fail(node, f"hadamard multiplies matrices of one shape, not a "
                           f"{a.shape[0]}x{a.shape[1]} and a {b.shape[0]}x{b.shape[1]} matrix")  # type: ignore[attr-defined]
    return hadamard(a, b)
