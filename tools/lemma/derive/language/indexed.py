"""Indexed vectors and matrices: `x[i]`, `A[i, j]` (1-based, as in `Sum(x[i]*y[i], (i, 1, k))`)
and the all-ones vector `ones(k)`.

An entry is sympy's MatrixElement with the index shifted to sympy's 0-based one, so sympy's own
index form of a product (`(x.T*y)[0, 0]` is a Sum) meets the author's sums. Each index records
the side conditions `index - 1 >= 0` and `size - index >= 0`, under the enclosing sums' ranges,
so `Sum(x[i], (i, 1, k))` is defined outright and `Sum(x[i], (i, 1, n))` only where n <= k.
"""

from __future__ import annotations

import ast

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.matexpr import MatrixElement

from lemma.derive.language.builder import Builder


def subscript(builder: Builder, node: ast.Subscript, scope: dict[str, object]) -> sympy.Expr:
    """`x[i]` of a vector or `A[i, j]` of a matrix: one entry, a scalar."""
    value = builder.conv(node.value, scope)  # type: ignore[attr-defined]
    if not isinstance(value, MatrixBase | MatrixExpr):
        raise builder.fail(node, "only a vector or a matrix can be indexed",
                           "declare it as `x: vector k` or `A: matrix k x d`")
    rows, cols = value.shape
    parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    if any(isinstance(p, ast.Slice) for p in parts):
        raise builder.fail(node, "slices are not allowed", "index one entry: x[i] or A[i, j]")
    if len(parts) == 1 and 1 not in (rows, cols):
        raise builder.fail(node, "a matrix takes two indices, A[i, j]",
                           "x[i] is for a vector (k x 1 or 1 x k)")
    if len(parts) > 2:
        raise builder.fail(node, f"at most two indices, got {len(parts)}")
    indices = [_index(builder, p, scope) for p in parts]
    sizes = ([rows] if cols == 1 else [cols]) if len(parts) == 1 else [rows, cols]
    for index, size, part in zip(indices, sizes, parts, strict=True):
        text = builder.segment(part)
        inner = text if text.isidentifier() or text.isdigit() else f"({text})"
        builder.require("nonnegative", index - 1, f"{inner} - 1")
        builder.require("nonnegative", size - index, f"{size} - {inner}")
        if index.is_number and not 1 <= index <= size:  # type: ignore[operator]
            raise builder.fail(part, f"index {index} is outside 1..{size}",
                               "indices start at 1")
    zero_based = [i - 1 for i in indices]
    if len(parts) == 1:
        zero_based = [zero_based[0], sympy.Integer(0)] if cols == 1 else [
            sympy.Integer(0), zero_based[0]]
    if isinstance(value, MatrixBase) and all(i.is_number for i in zero_based):
        return value[int(zero_based[0]), int(zero_based[1])]
    return MatrixElement(value, *zero_based)


def _index(builder: Builder, node: ast.AST, scope: dict[str, object]) -> sympy.Expr:
    value = builder.conv(node, scope)
    if isinstance(value, MatrixBase | MatrixExpr):
        raise builder.fail(node, "an index must be an integer, but this is a matrix")
    if getattr(value, "is_integer", None) is not True:
        raise builder.fail(node, "an index must be an integer",
                           "use a Sum's variable or a name declared `integer`")
    return value  # type: ignore[return-value]


def ones(rows: object, cols: object) -> object:
    """ones(k) or ones(k, d): all entries 1 (OneMatrix at a symbolic size)."""
    if isinstance(rows, sympy.Symbol) or isinstance(cols, sympy.Symbol):
        return sympy.OneMatrix(rows, cols)
    return sympy.ImmutableMatrix(sympy.ones(int(rows), int(cols)))  # type: ignore[call-overload]
