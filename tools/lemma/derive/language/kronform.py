"""Kronecker products and vec for the ring rung: the standard identities as rewrites, so that
`vec(A*X*B) = kron(B.T, A)*vec(X)` and the mixed-product rule are proved at symbolic sizes.

Rewrites (bottom-up, until nothing changes): kron(A, B).T = kron(A.T, B.T);
kron(A, B)*kron(C, D) = kron(A*C, B*D) where the inner sizes agree; kron(P, Q)*vec(X) =
vec(Q*X*P.T); trace(kron(A, B)) = trace(A)*trace(B); vec(X).T*vec(Y) = trace(X.T*Y); vec is
linear. A difference that becomes
vec(M) is zero when M is zero in the ring; a claim left with a kron or vec elsewhere is not
proved here (it is still tested at points).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.kronecker import KroneckerProduct

from lemma.derive.language.exprsym import same
from lemma.derive.language.kron import Vec

#: Rewrite rounds before giving up (each round is one bottom-up pass).
MAX_ROUNDS = 8


def involves_kron(expr: object) -> bool:
    return isinstance(expr, sympy.Basic) and expr.has(KroneckerProduct, Vec)


def rewritten(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with the rewrites applied until a fixed point (or MAX_ROUNDS passes)."""
    for _ in range(MAX_ROUNDS):
        new = _pass(expr)
        if new == expr:
            return new
        expr = new
    return expr


def vec_argument(expr: object) -> MatrixExpr | None:
    """M when `expr` is a linear combination of vec(...) terms of one shape: vec(M)."""
    if isinstance(expr, Vec):
        return expr.args[0]
    terms = expr.args if isinstance(expr, sympy.MatAdd) else (expr,)
    inner: list[MatrixExpr] = []
    for term in terms:
        scalars = [a for a in getattr(term, "args", ()) if not isinstance(a, MatrixExpr)]
        matrices = [a for a in getattr(term, "args", ()) if isinstance(a, MatrixExpr)]
        if isinstance(term, Vec):
            inner.append(term.args[0])
        elif isinstance(term, sympy.MatMul) and len(matrices) == 1 and isinstance(matrices[0], Vec):
            inner.append(sympy.Mul(*scalars) * matrices[0].args[0])
        else:
            return None
    shapes = {tuple(m.shape) for m in inner}
    if len(shapes) != 1:
        return None
    return sympy.MatAdd(*inner) if len(inner) > 1 else inner[0]


def _pass(expr: sympy.Basic) -> sympy.Basic:
    if not isinstance(expr, sympy.Basic) or expr.is_Atom or not involves_kron(expr):
        return expr
    args = [_pass(a) for a in expr.args]
    node = expr.func(*args) if args != list(expr.args) else expr
    if isinstance(node, sympy.Transpose) and isinstance(node.arg, KroneckerProduct):
        return KroneckerProduct(*(a.T for a in node.arg.args))
    if isinstance(node, sympy.Trace) and isinstance(node.arg, KroneckerProduct):
        return sympy.Mul(*(sympy.Trace(a) for a in node.arg.args))
    if isinstance(node, sympy.Trace) and isinstance(node.arg, sympy.MatMul):
        first, *rest = node.arg.args
        if (len(rest) == 1 and isinstance(first, sympy.Transpose) and isinstance(first.arg, Vec)
                and isinstance(rest[0], Vec)):  # vec(X).T vec(Y) = trace(X.T Y)
            return sympy.Trace(sympy.MatMul(first.arg.args[0].T, rest[0].args[0]))
    if isinstance(node, sympy.MatMul):
        return _product(node)
    if isinstance(node, sympy.MatAdd):
        inner = vec_argument(node)
        if inner is not None:
            return Vec(inner)
    return node


def _product(node: sympy.MatMul) -> MatrixExpr:
    scalars = [a for a in node.args if not isinstance(a, MatrixExpr)]
    factors = [a for a in node.args if isinstance(a, MatrixExpr)]
    changed = True
    while changed:
        changed = False
        for i in range(len(factors) - 1):
            a, b = factors[i], factors[i + 1]
            merged = _pair(a, b)
            if merged is not None:
                factors[i:i + 2] = [merged]
                changed = True
                break
    if len(factors) == 1 and isinstance(factors[0], Vec) and scalars:
        return Vec(sympy.Mul(*scalars) * factors[0].args[0])
    return sympy.MatMul(*scalars, *factors) if len(scalars) + len(factors) > 1 else factors[0]


def _pair(a: MatrixExpr, b: MatrixExpr) -> MatrixExpr | None:
    if not isinstance(a, KroneckerProduct) or len(a.args) != 2:
        return None
    p, q = a.args
    if isinstance(b, Vec):  # kron(P, Q) vec(X) = vec(Q X P.T)
        x = b.args[0]
        if same(q.cols, x.rows) and same(p.cols, x.cols):
            return Vec(sympy.MatMul(q, x, p.T))
        return None
    if isinstance(b, KroneckerProduct) and len(b.args) == 2:
        c, d = b.args
        if same(p.cols, c.rows) and same(q.cols, d.rows):  # the mixed-product rule
            return KroneckerProduct(sympy.MatMul(p, c), sympy.MatMul(q, d))
    return None


def krons_cancel(expr: object, equal: Callable[[object, object], bool]) -> bool:
    """True when `expr` is a sum of c*kron(P, Q) terms that cancel in pairs: opposite
    coefficients and factors equal by `equal` (the ring), as in the mixed-product rule."""
    terms = expr.args if isinstance(expr, sympy.MatAdd) else (expr,)
    parts: list[tuple[sympy.Expr, tuple]] = []
    for term in terms:
        scalars = [a for a in getattr(term, "args", ()) if not isinstance(a, MatrixExpr)]
        matrices = [a for a in getattr(term, "args", ()) if isinstance(a, MatrixExpr)]
        if isinstance(term, KroneckerProduct):
            parts.append((sympy.Integer(1), term.args))
        elif (isinstance(term, sympy.MatMul) and len(matrices) == 1
              and isinstance(matrices[0], KroneckerProduct)):
            parts.append((sympy.Mul(*scalars), matrices[0].args))
        else:
            return False
    while parts:
        coeff, factors = parts.pop()
        match = next((i for i, (c, f) in enumerate(parts) if sympy.expand(c + coeff) == 0
                      and len(f) == len(factors)
                      and all(equal(a, b) for a, b in zip(f, factors, strict=True))), None)
        if match is None:
            return False
        parts.pop(match)
    return True
