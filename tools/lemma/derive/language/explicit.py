"""Matrix expressions whose sizes are numbers, written out by direct matrix arithmetic.

sympy's as_explicit on a product goes through a Sum per entry, which made a sample point of a
16 x 16 Kronecker product take seconds (and then fall back to numeric under the per-point CPU
limit, so one link read "verified" on one run and "numeric" on another); products, sums,
transposes, inverses, traces, determinants, powers and Kronecker products are carried out
directly here, other nodes entry by entry.
"""

from __future__ import annotations

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.kronecker import KroneckerProduct

from lemma.derive.language.ncring import Unsupported


def written_out(value: object, rows: int | None = None, cols: int | None = None) -> object:
    """An expression over explicit matrices (sizes are numbers), with every matrix operation
    carried out directly (sympy's as_explicit goes through a Sum per entry: far slower)."""
    value = _explicit(value)
    if isinstance(value, MatrixBase):
        value = sympy.ImmutableMatrix(value)
        if rows is not None and value.shape != (rows, cols):
            raise Unsupported("a mean or covariance of the wrong shape")
    return value


def _explicit(node: object) -> object:
    if isinstance(node, MatrixBase) or not isinstance(node, sympy.Basic) or node.is_Atom:
        return node
    if isinstance(node, sympy.Identity):
        return sympy.eye(int(node.rows))
    if isinstance(node, sympy.ZeroMatrix):
        return sympy.zeros(int(node.rows), int(node.cols))
    if isinstance(node, sympy.OneMatrix):
        return sympy.ones(int(node.rows), int(node.cols))
    args = [_explicit(a) for a in node.args]
    if isinstance(node, sympy.MatMul | sympy.MatAdd):
        total = args[0]
        for a in args[1:]:
            total = total * a if isinstance(node, sympy.MatMul) else total + a
        return total
    if isinstance(node, sympy.Transpose):
        return args[0].T
    if isinstance(node, sympy.Inverse):
        return args[0].inv()
    if isinstance(node, sympy.Trace):
        return args[0].trace()
    if isinstance(node, sympy.Determinant):
        return args[0].det()
    if isinstance(node, sympy.MatPow):
        return args[0] ** args[1]
    if isinstance(node, KroneckerProduct) and all(isinstance(a, MatrixBase) for a in args):
        return sympy.kronecker_product(*args)
    if isinstance(node, MatrixExpr):
        rebuilt = node.func(*args)
        return rebuilt.as_explicit() if all(isinstance(n, int) or getattr(n, "is_number", False)
                                            for n in rebuilt.shape) else rebuilt
    if any(isinstance(a, MatrixBase) for a in args):
        raise Unsupported(f"{type(node).__name__} of an explicit matrix")
    return node.func(*args)
