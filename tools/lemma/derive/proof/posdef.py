"""What a `posdef` declaration proves: signs of quadratic forms, traces and determinants.

For A declared `matrix k x k posdef`, `trace(P.T*A*P)` and `trace(P.T*P)` are >= 0 for every
real P, `trace(A)` and `det(A)` are > 0. Each such term is replaced by an unknown with that sign,
so the sign and side-condition reasoning (conditions.py) can carry sums and products of them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy
from sympy.matrices.expressions import MatMul, Transpose


def posdef_matrices(known: object) -> frozenset[sympy.MatrixSymbol]:
    """The matrices a space (or any object with `symbolic`) declares positive definite."""
    return frozenset(m for _, m, structure in getattr(known, "symbolic", ())
                     if structure == "posdef")


def orthogonal_matrices(known: object) -> frozenset[sympy.MatrixSymbol]:
    """The matrices a space declares orthogonal (determinant ±1: never singular)."""
    return frozenset(m for _, m, structure in getattr(known, "symbolic", ())
                     if structure == "orthogonal")


def signed_forms(expr: object, posdef: Iterable[sympy.MatrixSymbol],
                 orthogonal: Iterable[sympy.MatrixSymbol] = ()) -> object:
    """`expr` with quadratic forms, traces and determinants of known sign as signed unknowns
    (the determinant of an orthogonal matrix as a nonzero one)."""
    chosen = frozenset(posdef)
    turning = frozenset(orthogonal)
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Trace, sympy.Determinant):
        return expr
    found: dict[sympy.Basic, sympy.Dummy] = {}

    def sign_of(node: sympy.Basic) -> str:
        inner = node.args[0]
        if isinstance(node, sympy.Determinant | sympy.Trace) and inner in chosen:
            return "positive"
        if isinstance(node, sympy.Determinant) and inner in turning:
            return "nonzero"
        if isinstance(node, sympy.Trace) and _quadratic(inner, chosen):
            return "nonnegative"
        return ""

    def one(node: sympy.Basic) -> sympy.Basic:
        if node not in found:
            found[node] = sympy.Dummy(f"q{len(found)}", **{sign_of(node): True})
        return found[node]

    return expr.replace(lambda n: isinstance(n, sympy.Trace | sympy.Determinant)
                        and bool(sign_of(n)), one)


def _quadratic(product: object, chosen: frozenset[sympy.MatrixSymbol]) -> bool:
    """P.T*A*P with A (or inv(A)) positive definite, or P.T*P."""
    if not isinstance(product, MatMul):
        return False
    args = list(product.args)
    if args and args[0].is_number:  # a scalar factor: its sign decides, leave it
        return False
    for i, middle in enumerate(args):
        definite = middle in chosen or (isinstance(middle, sympy.Inverse)
                                         and middle.arg in chosen)  # inv(A) is posdef too
        if definite and _mirror(args[:i], args[i + 1:]):
            return True
    half = len(args) // 2
    return len(args) % 2 == 0 and _mirror(args[:half], args[half:])


def _mirror(left: list[sympy.Basic], right: list[sympy.Basic]) -> bool:
    if not left or len(left) != len(right):
        return False
    return all(Transpose(a).doit() == b for a, b in zip(left, reversed(right), strict=True))
