"""The moment rules of Gaussian vectors on the ring normal form: E(...) as a ring expression.

The body becomes words of the ring (a scalar body: each trace that mentions a Gaussian vector
rotated into a 1 x 1 word, products of them concatenated). Every x is written mu + y with y
centred; words with an odd number of y of one vector have mean 0; the first y of a word is
paired with each later y of the same vector (Isserlis' theorem, as a recursion), by the rule
for its transposition pattern, with S the covariance:

    U y V y.T W -> trace(V) U S W     (V is 1 x 1)     U y.T V y W -> trace(V S) U W
    U y V y W   -> U S V.T W                           U y.T V y.T W -> U V.T S W

Distinct Gaussian vectors are independent: a y of one is never paired with a y of another.
In a 1 x 1 word the traces are 1 x 1 words themselves and are concatenated, so bodies of degree
4 such as (x.T*A*x)**2 are taken too; in a matrix body a pairing must leave no y in V.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import kronform, matcalc
from lemma.derive.language.gaussian import Expectation, GaussianVector, MatrixExpectation, randoms
from lemma.derive.language.ncring import Ring, Unsupported, Word, involves

Poly = dict  # {word: coefficient}


def ring_zero(expr: object, symmetric: Iterable[object] = (),
              orthogonal: Iterable[object] = (), posdef: Iterable[object] = ()) -> sympy.Expr:
    """matcalc's ring rung, with every expectation first written out by the moment rules and
    the determinant of a positive definite matrix a positive unknown (so the log of a ratio of
    them splits, as in the Gaussian KL divergence). A 1 x 1 difference is compared as its trace:
    x.T*A*u and u.T*A.T*x are one number."""
    if isinstance(expr, MatrixExpr) and expr.shape == (1, 1):
        expr = sympy.Trace(expr)
    if isinstance(expr, sympy.Basic) and expr.has(Expectation, MatrixExpectation):
        try:
            expr = expanded(expr, Ring(symmetric, orthogonal))
        except Unsupported:
            return expr  # type: ignore[return-value]
    if kronform.involves_kron(expr):  # vec(A*X*B) - kron(B.T, A)*vec(X) is vec(0)
        original, expr = expr, kronform.rewritten(expr)  # type: ignore[arg-type]
        inner = kronform.vec_argument(expr)
        expr = inner if inner is not None else expr
        if kronform.involves_kron(expr):
            def equal(a: object, b: object) -> bool:
                return matcalc.ring_zero(a - b, symmetric, orthogonal) == 0  # type: ignore[operator]

            if kronform.krons_cancel(expr, equal):
                return sympy.Integer(0)  # type: ignore[return-value]
            return original  # type: ignore[return-value]
    positive = {sympy.Determinant(m): sympy.Dummy(f"det_{m.name}", positive=True)
                for m in posdef}
    if positive and isinstance(expr, sympy.Basic) and expr.has(sympy.Determinant):
        expr = expr.xreplace(positive)
        expr = expr.xreplace({sympy.Determinant(sympy.Inverse(m)): 1 / d
                              for m, d in zip(posdef, positive.values(), strict=False)})
    if not involves(expr):  # the matrices cancelled in the expansion: a scalar is left
        return sympy.Integer(0) if sympy.cancel(sympy.expand(expr)) == 0 else expr  # type: ignore[return-value]
    return matcalc.ring_zero(expr, symmetric, orthogonal)


def expanded(expr: object, ring: Ring) -> object:
    """`expr` with every expectation replaced by its moment expansion (Unsupported if it cannot)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(Expectation, MatrixExpectation):
        return expr
    return expr.replace(lambda n: isinstance(n, Expectation | MatrixExpectation),
                        lambda n: expectation(n.args[0], ring))


def expectation(body: sympy.Basic, ring: Ring) -> object:
    """E(body) as a ring expression: a scalar with traces, or a matrix expression."""
    found = randoms(body)
    centred = {x: sympy.MatrixSymbol(f"{x.name}__centred", x.rows, 1) for x in found}
    if isinstance(body, MatrixExpr):
        poly = _expect(ring, ring.normal(body), centred, one_by_one=False)
        return _matrix(poly, body.shape)
    if body.has(sympy.exp):
        return _generating(body, ring)
    poly = _expect(ring, _one_by_one(ring, body, found), centred, one_by_one=True)
    return sympy.Add(*(c * _traces(w) for w, c in poly.items()))


def _generating(body: sympy.Basic, ring: Ring) -> sympy.Expr:
    """E of a sum whose terms are polynomial or c*exp(L), L affine in the Gaussian vectors:
    E exp(L) = exp(E[L] + Var[L]/2) (the moment generating function), E[L] and Var[L] by the
    moment rules."""
    total = sympy.Integer(0)
    for piece in sympy.Add.make_args(sympy.expand(body, deep=False, power_exp=False)):
        powers = [f for f in sympy.Mul.make_args(piece) if isinstance(f, sympy.exp) and randoms(f)]
        if not powers:
            total += expectation(piece, ring) if randoms(piece) else piece
            continue
        if len(powers) > 1:
            raise Unsupported("a product of exponentials of a Gaussian vector")
        (power,) = powers
        form = power.args[0]
        mean = expectation(form, ring)
        spread = expectation(sympy.expand(form**2), ring) - mean**2
        coeff = sympy.Mul(*(f for f in sympy.Mul.make_args(piece) if f != power))
        total += coeff * sympy.exp(mean + spread / 2)
    return total


def _traces(word: Word) -> sympy.Expr:
    """A 1 x 1 word as the product of the traces of its shortest 1 x 1 pieces, so that
    E(s**2) - E(s)**2 meets E(s)**2 written as trace(a.T*mu)**2."""
    out, start, rows = sympy.Integer(1), 0, None
    for i, atom in enumerate(word):
        shape = _atom_shape(atom)
        rows = shape[0] if rows is None else rows
        if shape[1] == 1 and rows == 1:
            out *= sympy.Trace(_word_expr(word[start:i + 1]))
            start, rows = i + 1, None
    if start < len(word):
        out *= sympy.Trace(_word_expr(word[start:]))
    return out


def _atom_shape(atom: tuple) -> tuple[object, object]:
    if atom[0] == "sym":
        rows, cols = atom[1].shape
        return (cols, rows) if atom[2] else (rows, cols)
    return _word_expr((atom,)).shape


def _one_by_one(ring: Ring, body: sympy.Basic, found: list[GaussianVector]) -> Poly:
    """A scalar body as a polynomial of 1 x 1 words (the empty word is 1)."""
    stand_ins: dict[sympy.Basic, sympy.Dummy] = {}
    for node in sympy.preorder_traversal(body):
        if isinstance(node, sympy.Trace) and randoms(node) and not any(
                node in t.args[0].atoms(sympy.Trace) for t in stand_ins):
            stand_ins.setdefault(node, sympy.Dummy("t"))
    scalar = sympy.expand(body.xreplace(stand_ins))
    if randoms(scalar):
        raise Unsupported("a Gaussian vector outside a trace")
    dummies = list(stand_ins.values())
    back = {v: k for k, v in stand_ins.items()}
    out: Poly = {}
    terms = sympy.Poly(scalar, *dummies).terms() if dummies else [((), scalar)]
    for powers, coeff in terms:
        word: Poly = {(): coeff}
        for dummy, power in zip(dummies, powers, strict=True):
            for _ in range(power):
                word = ring._mul(word, _rotated_trace(ring, back[dummy].args[0]))
        out = _add(out, word)
    return out


def _rotated_trace(ring: Ring, arg: MatrixExpr) -> Poly:
    """trace(arg) as 1 x 1 words: each word with a Gaussian vector rotated to start at x.T or
    end at x; a word without one is a scalar coefficient trace(word)."""
    out: Poly = {}
    for word, coeff in ring.normal(arg).items():
        _add_to(out, *_trace_word(word, coeff, arg.rows))
    return out


def _trace_word(word: Word, coeff: sympy.Expr, size: object) -> tuple[Word, sympy.Expr]:
    at = next((i for i, a in enumerate(word) if _random(a)), None)
    if at is None:
        return (), coeff * (size if word == () else sympy.Trace(_word_expr(word)))
    if word[at][2]:  # x.T first: 1 x ... x 1
        return word[at:] + word[:at], coeff
    return word[at + 1:] + word[:at + 1], coeff


def _random(atom: tuple) -> bool:
    return atom[0] == "sym" and isinstance(atom[1], GaussianVector)


def _expect(ring: Ring, poly: Poly, centred: dict, one_by_one: bool) -> Poly:
    out: Poly = {}
    laws = {y: x for x, y in centred.items()}
    for word, coeff in poly.items():
        shifted: Poly = {(): coeff}
        for atom in word:
            piece: Poly = {(atom,): sympy.Integer(1)}
            if atom[0] == "sym" and isinstance(atom[1], GaussianVector):
                x, transposed = atom[1], atom[2]
                mean = ring.normal(x.mean)
                piece = _add(ring.transpose(mean) if transposed else mean,
                             {(("sym", centred[x], transposed),): sympy.Integer(1)})
            shifted = ring._mul(shifted, piece)
        for w, c in shifted.items():
            for w2, c2 in _pair(ring, w, laws, one_by_one).items():
                _add_to(out, w2, c * c2)
    return {w: c for w, c in out.items() if c != 0}


def _pair(ring: Ring, word: Word, laws: dict, one_by_one: bool) -> Poly:
    """E of one word in centred vectors, by pairing its first centred vector (Isserlis)."""
    spots = [i for i, a in enumerate(word) if a[0] == "sym" and a[1] in laws]
    if not spots:
        return {word: sympy.Integer(1)}
    first = word[spots[0]][1]
    if sum(1 for i in spots if word[i][1] == first) % 2:
        return {}
    p, out = spots[0], {}
    law = (ring.normal(laws[first].cov), laws[first].rows)
    for q in spots[1:]:
        if word[q][1] != first:
            continue
        u, v, w = word[:p], word[p + 1:q], word[q + 1:]
        paired = _rule(ring, (u, v, w), (word[p][2], word[q][2]), law, laws, one_by_one)
        for w2, c2 in paired.items():
            for w3, c3 in _pair(ring, w2, laws, one_by_one).items():
                _add_to(out, w3, c2 * c3)
    return {w: c for w, c in out.items() if c != 0}


def _rule(ring: Ring, parts: tuple[Word, Word, Word], pattern: tuple[bool, bool],
          law: tuple[Poly, object], laws: dict, one_by_one: bool) -> Poly:
    """The pairing rule for U y^t1 V y^t2 W (see the module's docstring); `law` is the paired
    vector's covariance (normal form) and size."""
    u, v, w = parts
    cov, size = law
    t1, t2 = pattern
    U, V, W = ({u: sympy.Integer(1)}, {v: sympy.Integer(1)}, {w: sympy.Integer(1)})
    if not t1 and t2:  # y V y.T: V is 1 x 1
        if one_by_one:
            return ring._mul(ring._mul(ring._mul(U, cov), W), V)
        if any(a[0] == "sym" and a[1] in laws for a in v):
            raise Unsupported("a fourth moment inside a matrix-valued expectation")
        scale = 1 if v == () else sympy.Trace(_word_expr(v))
        return {k: c * scale for k, c in ring._mul(ring._mul(U, cov), W).items()}
    if t1 and not t2:  # y.T V y: trace(V S)
        inner = ring._mul(V, cov)
        traces: Poly = {}
        for word, coeff in inner.items():
            at = next((i for i, a in enumerate(word) if a[0] == "sym" and a[1] in laws), None)
            if at is not None and not one_by_one:
                raise Unsupported("a fourth moment inside a matrix-valued expectation")
            if at is None:
                _add_to(traces, (), coeff * (size if word == () else
                                             sympy.Trace(_word_expr(word))))
            elif word[at][2]:
                _add_to(traces, word[at:] + word[:at], coeff)
            else:
                _add_to(traces, word[at + 1:] + word[:at + 1], coeff)
        return ring._mul(ring._mul(U, W), traces)
    if not t1:  # y V y: U S V.T W
        return ring._mul(ring._mul(ring._mul(U, cov), ring.transpose(V)), W)
    return ring._mul(ring._mul(ring._mul(U, ring.transpose(V)), cov), W)  # y.T V y.T


def _matrix(poly: Poly, shape: tuple[object, object]) -> MatrixExpr:
    terms = [c * (sympy.Identity(shape[0]) if w == () else _word_expr(w))
             for w, c in poly.items()]
    if not terms:
        return sympy.ZeroMatrix(*shape)
    return sympy.MatAdd(*terms) if len(terms) > 1 else terms[0]


def _word_expr(word: Word) -> MatrixExpr:
    return matcalc._expr(word, None)


def _add(p: Poly, q: Poly) -> Poly:
    out = dict(p)
    for w, c in q.items():
        _add_to(out, w, c)
    return out


def _add_to(out: Poly, word: Word, coeff: sympy.Expr) -> None:
    out[word] = out.get(word, sympy.Integer(0)) + coeff
