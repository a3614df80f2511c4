"""Gradients of scalars by matrices of symbolic size: `diff(x.T*A*x, x)`, `diff(trace(A*X*B), X)`,
`diff(log(det(X)), X)`, `diff(norm(W*h)**2, W)`.

`Gradient(f, X)` stays unevaluated in a link. For a proof it becomes a matrix expression by the
differential rules of matrix calculus applied to the ring's normal form (ncring): the
differential of a word is the sum over its letters (`d X = E`, `d inv(P) = -inv(P) dP inv(P)`),
`d trace(M) = trace(dM)`, `d det(M) = det(M) trace(inv(M) dM)`, and `trace(U E V)` gives the
gradient `(V U)^T`. sympy's own matrix derivatives are not used (it says
`diff(log(det(X)), X) = 0`). At a sample point the gradient is computed independently, entry by
entry, from the explicit matrices of the drawn size, which cross-checks these rules.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr
from sympy.printing.precedence import PRECEDENCE

from lemma.derive.language import vecfun
from lemma.derive.language.explicit import written_out
from lemma.derive.language.ncring import Ring, Unsupported, Word, involves


class Gradient(MatrixExpr):
    """d f / d X for a scalar f and a matrix symbol X of symbolic size: the shape of X."""

    def __new__(cls, body: sympy.Basic, var: sympy.MatrixSymbol) -> Gradient:
        return sympy.Basic.__new__(cls, body, var)

    @property
    def shape(self) -> tuple[object, object]:
        return self.args[1].shape

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        raise Unsupported("an entry of an unevaluated gradient")

    def _latex(self, printer: object) -> str:
        """Written as the page shows a gradient: nabla with the variable below, then the body."""
        body, var = self.args
        return (r"\nabla_{" + printer._print(var) + "} "  # type: ignore[attr-defined]
                + printer.parenthesize(body, PRECEDENCE["Mul"]))  # type: ignore[attr-defined]

    def at(self, values: dict[object, object],
           functions: dict[object, object] | None = None) -> sympy.ImmutableMatrix:
        """The gradient at a point, entry by entry (no matrix calculus): the derivative at
        t = 0 of the body with X + t E_ij in place of X, everything else explicit numbers."""
        body, var = self.args
        drawn = values[var]
        rows, cols = drawn.shape  # type: ignore[attr-defined]
        t = sympy.Dummy("t", real=True)
        others = {s: v for s, v in values.items() if s != var}
        plain = body.xreplace(others)
        sized = var.xreplace(others)  # x of shape (k, 1) is x of shape (3, 1) once k = 3
        cells = []
        for i in range(rows):
            for j in range(cols):
                moved = drawn.as_mutable()  # type: ignore[attr-defined]
                moved[i, j] += t
                f = plain.xreplace({sized: sympy.ImmutableMatrix(moved)})
                f = explicit_scalar(vecfun.at_point(f, functions or {}))
                cells.append(sympy.diff(f, t).xreplace({t: 0}))
        return sympy.ImmutableMatrix(rows, cols, cells)


class Jacobian(MatrixExpr):
    """jacobian(F, x) for a vector F and a vector symbol x of symbolic size: entry (i, j) is
    dF_i/dx_j; jacobian(diff(f, x), x) is the Hessian of a scalar f."""

    def __new__(cls, body: MatrixExpr, var: sympy.MatrixSymbol) -> Jacobian:
        return sympy.Basic.__new__(cls, body, var)

    @property
    def shape(self) -> tuple[object, object]:
        return (self.args[0].shape[0], self.args[1].shape[0])

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        raise Unsupported("an entry of an unevaluated Jacobian")

    def _latex(self, printer: object) -> str:
        body, var = self.args
        return (r"\frac{\partial " + printer._print(body) + r"}{\partial "  # type: ignore[attr-defined]
                + printer._print(var) + "}")  # type: ignore[attr-defined]

    def at(self, values: dict[object, object],
           functions: dict[object, object] | None = None) -> sympy.ImmutableMatrix:
        """Column j: the derivative at t = 0 of the body with x + t e_j in place of x (inner
        gradients taken at the moved point, entry by entry), no matrix calculus."""
        body, var = self.args
        drawn = values[var]
        t = sympy.Dummy("t", real=True)
        columns = []
        for j in range(drawn.rows):  # type: ignore[attr-defined]
            moved = drawn.as_mutable()  # type: ignore[attr-defined]
            moved[j, 0] += t
            at_moved = dict(values)
            at_moved[var] = sympy.ImmutableMatrix(moved)
            value = body.replace(lambda n: isinstance(n, Gradient),
                                 lambda n, at=at_moved: n.at(at, functions))
            value = explicit_matrix(vecfun.at_point(value.xreplace(at_moved), functions or {}))
            columns.append(value.applyfunc(lambda e: sympy.diff(e, t).xreplace({t: 0})))
        return sympy.ImmutableMatrix(sympy.Matrix.hstack(*columns))


def explicit_matrix(value: object) -> sympy.ImmutableMatrix:
    """A matrix expression over explicit matrices, written out."""
    value = written_out(value)
    return sympy.ImmutableMatrix(value.applyfunc(lambda e: e.doit()))  # type: ignore[union-attr]


def jacobian(body: MatrixExpr, var: sympy.MatrixSymbol,
             symmetric: tuple[object, ...] = ()) -> MatrixExpr:
    """dF/dx by the differential: a word U dx V gives trace(V) U (V is 1 x 1), a word
    U dx.T V gives U V.T."""
    ring = Ring(symmetric)
    if var in ring.symmetric:
        raise Unsupported("a Jacobian by a symmetric matrix")
    normal = ring.normal(expanded(body, symmetric))
    if any(isinstance(c, sympy.Basic) and c.has(var) for c in normal.values()):
        raise Unsupported("the variable inside a scalar factor of a Jacobian's body")
    words = _differential(ring, normal, var)
    terms: list[MatrixExpr] = []
    for word, coeff in words.items():
        at = next(i for i, a in enumerate(word) if a[0] == "E")
        before, after = word[:at], word[at + 1:]
        if any(a[0] == "E" for a in after):
            raise Unsupported("a second perturbation")
        if not word[at][1]:  # U dx V, V 1 x 1
            scale = 1 if not after else sympy.Trace(_expr(after, None))
            terms.append(coeff * scale * _expr(before, var.rows))
        else:  # U dx.T V
            left = _expr(before, None) if before else None
            right = _expr(after, None).T
            terms.append(coeff * (sympy.MatMul(left, right) if left is not None else right))
    if not terms:
        return sympy.ZeroMatrix(body.rows, var.rows)
    return sympy.MatAdd(*terms) if len(terms) > 1 else terms[0]


def explicit_scalar(value: object) -> sympy.Expr:
    """A scalar (or 1 x 1 matrix) expression over explicit matrices, written out (by direct
    matrix arithmetic: sympy's as_explicit sums per entry)."""
    value = written_out(value)
    if isinstance(value, MatrixBase):
        if value.shape != (1, 1):
            raise Unsupported("a gradient of a matrix that is not 1 x 1")
        value = value[0, 0]
    return value.doit() if isinstance(value, sympy.Basic) else value


def expanded(expr: object, symmetric: tuple[object, ...] = ()) -> object:
    """`expr` with every Gradient and Jacobian replaced by its matrix expression (Unsupported if
    it cannot)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(Gradient, Jacobian):
        return expr
    expr = expr.replace(lambda n: isinstance(n, Jacobian),
                        lambda n: jacobian(n.args[0], n.args[1], symmetric))
    return expr.replace(lambda n: isinstance(n, Gradient),
                        lambda n: gradient(n.args[0], n.args[1], symmetric))


def gradient(body: sympy.Basic, var: sympy.MatrixSymbol,
             symmetric: tuple[object, ...] = ()) -> MatrixExpr:
    """d body / d var by the differential rules (see the module's docstring)."""
    ring = Ring(symmetric)
    opaque = {}
    nodes = [n for n in sympy.preorder_traversal(body)
             if isinstance(n, sympy.Trace | sympy.Determinant | vecfun.VectorCall)]
    if isinstance(body, MatrixExpr):  # a 1 x 1 matrix, e.g. x.T*A*x: its trace
        nodes, body = [sympy.Trace(body)], sympy.Trace(body)
    for node in nodes:
        opaque.setdefault(node, sympy.Dummy("t"))
    scalar = body.xreplace(opaque)
    if scalar.has(var) or any(isinstance(a, MatrixExpr) for a in sympy.preorder_traversal(scalar)):
        raise Unsupported("the variable appears outside a trace or determinant")
    total: list[MatrixExpr] = []
    for node, stand_in in opaque.items():
        outer = sympy.diff(scalar, stand_in).xreplace({v: k for k, v in opaque.items()})
        if outer == 0 or not node.has(var):
            continue
        total.append(outer * _node_gradient(ring, node, var))
    if not total:
        return sympy.ZeroMatrix(*var.shape)
    return sympy.MatAdd(*total) if len(total) > 1 else total[0]


_E = "__perturbation__"


def _node_gradient(ring: Ring, node: sympy.Basic, var: sympy.MatrixSymbol) -> MatrixExpr:
    """The gradient of one trace or determinant: trace(dM) or det(M) trace(inv(M) dM)."""
    if var in ring.symmetric:
        raise Unsupported("a gradient by a symmetric matrix (its entries are not independent)")
    if isinstance(node, vecfun.VectorCall):  # d g(z) = grad(g, z).T dz
        fn, z = node.args
        outer = ring.transpose(ring.normal(vecfun.VectorGradient(fn, z)))
        return _trace_gradient(_times(ring, outer, _differential(ring, ring.normal(z), var)), var)
    arg = node.args[0]
    p = ring.normal(arg)
    if isinstance(node, sympy.Determinant):
        inverse = ring.inverse(p)
        words = _times(ring, inverse, _differential(ring, p, var))
        return node * _trace_gradient(words, var)
    return _trace_gradient(_differential(ring, p, var), var)


def _times(ring: Ring, p: dict, q: dict) -> dict:
    return ring._mul(p, q)


def _differential(ring: Ring, p: dict[Word, sympy.Expr], var: sympy.MatrixSymbol) -> dict:
    """d p as words in which the perturbation E (or E^T) appears once."""
    out: dict[Word, sympy.Expr] = {}
    for word, coeff in p.items():
        for i, atom in enumerate(word):
            for piece, factor in _atom_differential(ring, atom, var).items():
                new = word[:i] + piece + word[i + 1:]
                out[new] = out.get(new, sympy.Integer(0)) + coeff * factor
    return {w: c for w, c in out.items() if c != 0}


def _atom_differential(ring: Ring, atom: tuple, var: sympy.MatrixSymbol) -> dict:
    if atom[0] == "sym":
        if atom[1] != var:
            return {}
        return {(("E", atom[2]),): sympy.Integer(1)}
    if atom[0] == "pow":
        if any(a[0] != "sym" or a[1] == var for w, _ in atom[1] for a in w):
            raise Unsupported("a derivative through a matrix power of symbolic exponent")
        return {}
    inner = dict(atom[1])
    d_inner = _differential(ring, inner, var)
    return {(atom, *w, atom): -c for w, c in d_inner.items()}


def _trace_gradient(words: dict, var: sympy.MatrixSymbol) -> MatrixExpr:
    """Sum over words U E V of (V U)^T, over words U E^T V of V U."""
    terms: list[MatrixExpr] = []
    for word, coeff in words.items():
        at = next(i for i, a in enumerate(word) if a[0] == "E")
        rotated = word[at + 1:] + word[:at]
        product = _expr(rotated, var.rows if not word[at][1] else var.cols)
        terms.append(coeff * (product if word[at][1] else product.T))
    if not terms:
        return sympy.ZeroMatrix(*var.shape)
    return sympy.MatAdd(*terms) if len(terms) > 1 else terms[0]


def _expr(word: Word, size: object) -> MatrixExpr:
    """A word of the ring as a matrix expression (the empty word is the identity of `size`)."""
    factors = [_atom_expr(a) for a in word]
    if not factors:
        return sympy.Identity(size)
    return sympy.MatMul(*factors) if len(factors) > 1 else factors[0]


def _atom_expr(atom: tuple) -> MatrixExpr:
    if atom[0] == "sym":
        return atom[1].T if atom[2] else atom[1]
    if atom[0] == "pow":
        base = [c * _expr(w, None) for w, c in atom[1] if w]
        if len(base) != len(atom[1]):
            raise Unsupported("a power of a sum with the identity")
        return sympy.MatPow(sympy.MatAdd(*base) if len(base) > 1 else base[0], atom[2])
    sized = [_expr(word, None) for word, _ in atom[1] if word]
    if not sized:
        raise Unsupported("the inverse of a multiple of the identity")
    size = sized[0].rows
    terms = [coeff * _expr(word, size) for word, coeff in atom[1]]
    return sympy.Inverse(sympy.MatAdd(*terms) if len(terms) > 1 else terms[0])


def ring_zero(expr: object, symmetric: Iterable[object] = (),
              orthogonal: Iterable[object] = ()) -> sympy.Expr:
    """0 when `expr` vanishes in the ring, else `expr` unchanged (a ladder rung)."""
    if not involves(expr):
        return expr  # type: ignore[return-value]
    try:
        plain = expanded(expr, tuple(symmetric))
        zero = Ring(symmetric, orthogonal).is_zero(plain, lambda e: sympy.cancel(sympy.expand(e)))
    except Unsupported:
        return expr  # type: ignore[return-value]
    return sympy.Integer(0) if zero else expr  # type: ignore[return-value]
