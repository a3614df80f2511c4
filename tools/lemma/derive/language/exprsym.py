"""Matrices of symbolic size: `W: matrix k x d` as a noncommuting matrix symbol.

Built on sympy's matrix expressions (MatrixSymbol, MatMul, MatAdd, Transpose, Inverse, Trace,
Identity, ZeroMatrix), with the shape rules checked here, because sympy accepts `W*W` for a
k×d matrix as long as it cannot prove k != d. Two symbolic dimensions match only when they are
the same expression; an explicit matrix and a symbolic one never mix.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language.shapes import ShapeProblem

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder


def is_symbolic(value: object) -> bool:
    """A matrix expression of symbolic size (not an explicit matrix of entries)."""
    return isinstance(value, MatrixExpr) and not isinstance(value, MatrixBase)


def same(a: object, b: object) -> bool:
    """Two dimensions that are provably equal."""
    return bool(sympy.expand(a - b) == 0)  # type: ignore[operator]


def one_by_one(value: object) -> bool:
    """A 1 x 1 product of symbolic size (mu.T*A*mu): beside a scalar it is read as its entry."""
    return is_symbolic(value) and value.shape == (1, 1)  # type: ignore[union-attr]


def as_scalar(value: object) -> object:
    """The one entry of a 1 x 1 matrix of symbolic size, as trace(...); other values as they are."""
    return sympy.Trace(value) if one_by_one(value) else value


def shape_text(m: MatrixExpr) -> str:
    return f"{m.rows}x{m.cols}"


def _mixing(left: object, right: object) -> None:
    lm = isinstance(left, MatrixBase)
    rm = isinstance(right, MatrixBase)
    if (lm and is_symbolic(right)) or (rm and is_symbolic(left)):
        raise ShapeProblem("cannot combine a matrix of symbolic size with an explicit matrix",
                           "use eye(k) and zeros(k, d) for identity and zero of symbolic size")


def combine(op: str, left: object, right: object) -> object:
    """`left op right` when at least one operand has symbolic size."""
    _mixing(left, right)
    ls, rs = isinstance(left, MatrixExpr), isinstance(right, MatrixExpr)
    if op in "+-":
        if ls != rs and one_by_one(left if ls else right):  # mu.T*A*mu + c: its one entry
            left, right = as_scalar(left), as_scalar(right)
            return left + right if op == "+" else left - right  # type: ignore[operator]
        if not (ls and rs):
            m = left if ls else right
            raise ShapeProblem(f"cannot add a scalar and a {shape_text(m)} matrix",  # type: ignore[arg-type]
                               f"multiply the scalar by eye({m.rows})")  # type: ignore[union-attr]
        if not (same(left.rows, right.rows) and same(left.cols, right.cols)):  # type: ignore[union-attr]
            word = "add" if op == "+" else "subtract"
            raise ShapeProblem(f"cannot {word} a {shape_text(left)} matrix and a "  # type: ignore[arg-type]
                               f"{shape_text(right)} matrix")  # type: ignore[arg-type]
        return left + right if op == "+" else left - right  # type: ignore[operator]
    if op == "*":
        if ls and rs:
            return matmul(left, right)  # type: ignore[arg-type]
        return left * right  # type: ignore[operator]
    if rs:
        raise ShapeProblem("cannot divide by a matrix", "multiply by inv(M) instead")
    return left * (sympy.Integer(1) / right)  # type: ignore[operator]


def matmul(a: MatrixExpr, b: MatrixExpr) -> MatrixExpr:
    if not same(a.cols, b.rows):
        raise ShapeProblem(
            f"matrix product of a {shape_text(a)} and a {shape_text(b)} matrix: inner "
            f"dimensions {a.cols} and {b.rows} are not known to be equal",
            "check the order of the factors or a missing .T",
        )
    return sympy.MatMul(a, b)


def square(m: MatrixExpr, what: str) -> None:
    if not same(m.rows, m.cols):
        raise ShapeProblem(f"{what} needs a square matrix, but this is {shape_text(m)}")


def power(base: MatrixExpr, exp: object) -> MatrixExpr:
    """M**n for a square M and a literal integer n (n = -1 is the inverse) or a symbolic
    integer n >= 0 (a declared `n: integer >= 0`)."""
    square(base, "a matrix power")
    if isinstance(exp, sympy.Expr) and not exp.is_Integer and exp.free_symbols:
        if exp.is_integer and exp.is_nonnegative:  # A**n, n a declared integer >= 0
            return sympy.MatPow(base, exp)
        raise ShapeProblem("a matrix power's exponent must be a literal integer or an integer "
                           "expression known to be >= 0", "declare e.g. `n: integer >= 0`")
    if not getattr(exp, "is_Integer", False):
        raise ShapeProblem("a matrix power needs a literal integer exponent")
    n = int(exp)  # type: ignore[call-overload]
    if n < 0:
        return sympy.MatPow(sympy.Inverse(base), -n) if n != -1 else sympy.Inverse(base)
    return sympy.MatPow(base, n) if n != 1 else base


def call(name: str, value: MatrixExpr) -> object:
    """inv, det and trace of a matrix of symbolic size (all unevaluated)."""
    square(value, name)
    if name == "inv":
        return sympy.Inverse(value)
    if name == "det":
        return sympy.Determinant(value)
    return sympy.Trace(value)


def matrix_arguments(builder: Builder, node: ast.Call, name: str, scope: dict[str, object],
                     want: int) -> list[object]:
    """The `want` arguments of a matrix function, each checked to be a matrix (explicit or of
    symbolic size) and kept out of the scalar reading."""
    if len(node.args) != want:
        raise builder.fail(node, f"{name} takes {want} argument(s), got {len(node.args)}")
    values = [builder.conv(arg, scope) for arg in node.args]
    for value, arg in zip(values, node.args, strict=True):
        if not (isinstance(value, MatrixBase) or is_symbolic(value)):
            raise builder.fail(arg, f"{name} takes matrices, but this is a scalar")
        builder.transparent(arg, value, name)
    return values
