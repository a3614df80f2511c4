"""Inverse by verification: the ring rung for identities with the inverse of a sum.

The ring normal form keeps `inv(M)` of a sum M as an opaque atom, so Woodbury's identity does
not close by expansion. Two sound steps do close it:

* a difference D with `inv(M)` in it vanishes when `M*D` (or `D*M`) does, M being invertible:
  `det(M) != 0` is already a side condition of the link, recorded and discharged like every
  inverse's;
* `M*inv(M) = inv(M)*M = I` is a rewrite rule: with M = c*w + (other terms t_i), w its
  longest word, `w*inv(M)` becomes `(I - sum t_i*inv(M))/c` (and `inv(M)*w` alike). A rewrite
  shortens a word unless M has several longest words, and a step limit bounds it; a 1 x 1
  stretch inside a word (`v.T*inv(A)*u`) is taken out as its trace, a scalar.

A rewrite is an equality whenever the inverses exist, so reaching 0 proves the link under the
recorded conditions; not reaching it proves nothing (the link is then tested as before).
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import matcalc
from lemma.derive.language.ncring import (
    Ring,
    Unsupported,
    Word,
    _key,
    atom_cols,
    atom_rows,
    involves,
)

Poly = dict  # {word: coefficient}
MAX_STEPS = 2000


VERIFIED = "inverse by verification (M*inv(M) = I in the ring)"
FACTORED = "determinants factored (det(X + W) = det(X)*det(I + inv(X)*W); Sylvester)"


def inverse_proof(expr: object, symmetric: Iterable[object] = (),
                  orthogonal: Iterable[object] = ()) -> str:
    """How `expr` (a matrix of symbolic size) is 0 by verifying its inverses of sums, or
    (a scalar) by factoring its determinants of sums: the proof's name, or ''."""
    if not involves(expr) or not isinstance(expr, sympy.Basic) or not expr.has(sympy.Inverse):
        return ""
    if not isinstance(expr, MatrixExpr):
        return FACTORED if _factored_zero(expr, tuple(symmetric), tuple(orthogonal)) else ""
    ring = Ring(symmetric, orthogonal)
    try:
        p = ring.normal(matcalc.expanded(expr, tuple(symmetric)))
        rules = _rules(ring, p)
        if not rules:
            return ""
        if _zero(_rewritten(ring, p, rules)):
            return VERIFIED
        for atom in _outer_inverses(p):
            m, size = dict(atom[1]), atom_rows(atom)
            sides = (ring._mul(m, p) if sympy.Eq(size, expr.rows) is sympy.true else None,
                     ring._mul(p, m) if sympy.Eq(size, expr.cols) is sympy.true else None)
            for q in sides:  # M*D or D*M only where the sizes agree
                if q is not None and _zero(_rewritten(ring, q, rules)):
                    return VERIFIED
    except (Unsupported, RecursionError):
        return ""
    return ""


def _zero(p: Poly) -> bool:
    return all(sympy.cancel(sympy.expand(c)) == 0 for c in p.values())


def _inverses(p: Poly, out: dict[tuple, None]) -> None:
    """Every inverse-of-a-sum atom in p, inner ones included, in order of appearance."""
    for word in p:
        for atom in word:
            if atom[0] in ("inv", "pow"):
                _inverses(dict(atom[1]), out)
                if atom[0] == "inv" and len(atom[1]) > 1:
                    out.setdefault(atom, None)


def _outer_inverses(p: Poly) -> list[tuple]:
    seen: dict[tuple, None] = {}
    for word in p:
        for atom in word:
            if atom[0] == "inv" and len(atom[1]) > 1:
                seen.setdefault(atom, None)
    return list(seen)


def _rules(ring: Ring, p: Poly) -> list[tuple[Word, Word, Poly, Poly]]:
    """(w + (X,), (X,) + w, right replacement, left replacement) for each inverse X = inv(M),
    w the longest word of M (the last by key among equally long ones: a tie may not shorten a
    word, so MAX_STEPS bounds the rewriting)."""
    found: dict[tuple, None] = {}
    _inverses(p, found)
    rules = []
    for atom in found:
        terms = list(atom[1])
        w, c = max(terms, key=lambda wc: (len(wc[0]), _key(wc[0])))
        right: Poly = {(): 1 / c}
        left: Poly = {(): 1 / c}
        for word, coeff in terms:
            if word != w:
                right[(*word, atom)] = right.get((*word, atom), 0) - coeff / c
                left[(atom, *word)] = left.get((atom, *word), 0) - coeff / c
        rules.append(((*w, atom), (atom, *w), right, left))
    return rules


def _rewritten(ring: Ring, p: Poly, rules: list) -> Poly:
    """p with the rules applied and 1 x 1 stretches taken out until neither applies."""
    todo = list(p.items())
    done: Poly = {}
    steps = 0
    while todo:
        steps += 1
        if steps > MAX_STEPS:
            raise Unsupported("inverse verification did not settle")
        word, coeff = todo.pop()
        step = _step(ring, word, rules)
        if step is None:
            done[word] = done.get(word, sympy.Integer(0)) + coeff
            continue
        for w, c in step.items():
            todo.append((w, coeff * c))
    return {w: c for w, c in done.items() if sympy.cancel(sympy.expand(c)) != 0}


def _step(ring: Ring, word: Word, rules: list) -> Poly | None:
    """One rewrite of `word` (reduced by the ring after it), or None when none applies."""
    scalar = _one_by_one(ring, word)
    if scalar is not None:
        return scalar
    for right_pattern, left_pattern, right, left in rules:
        for pattern, replacement in ((right_pattern, right), (left_pattern, left)):
            n = len(pattern)
            for i in range(len(word) - n + 1):
                if word[i:i + n] == pattern:
                    out: Poly = {}
                    for w, c in replacement.items():
                        reduced, factor = ring._reduce(word[:i] + w + word[i + n:])
                        out[reduced] = out.get(reduced, sympy.Integer(0)) + c * factor
                    return out
    return None


def _one_by_one(ring: Ring, word: Word) -> Poly | None:
    """A proper 1 x 1 stretch of a word (rows 1 at its start, columns 1 at its end) taken out as
    its trace: u*(v.T*inv(A)*u)*v.T is trace(v.T*inv(A)*u)*u*v.T."""
    for i in range(len(word)):
        if atom_rows(word[i]) != 1:
            continue
        for j in range(i, len(word)):
            if (j - i + 1) < len(word) and atom_cols(word[j]) == 1:
                stretch = word[i:j + 1]
                rest, factor = ring._reduce(word[:i] + word[j + 1:])
                return {rest: factor * ring.trace_word(stretch)}
    return None


def _factored_zero(expr: sympy.Expr, symmetric: tuple, orthogonal: tuple) -> bool:
    """det(X + W) = det(X)*det(I + inv(X)*W) for each determinant of a sum with a term X whose
    inverse the link already has (so `det(X) != 0` is one of its recorded conditions); then the
    ring, where det(I + c*w) is canonical by Sylvester's theorem."""
    from lemma.derive.language.moments import ring_zero

    inverted = {n.arg for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.Inverse)}
    factored = expr.replace(lambda n: isinstance(n, sympy.Determinant),
                            lambda n: _factor_det(n, inverted))
    if factored == expr:
        return False
    try:
        return ring_zero(factored, symmetric, orthogonal) == 0
    except Unsupported:
        return False


def _factor_det(node: sympy.Determinant, inverted: set) -> sympy.Expr:
    arg = node.arg
    if not isinstance(arg, sympy.MatAdd):
        return node
    for term in arg.args:
        rest = sympy.MatAdd(*(t for t in arg.args if t != term))
        if term in inverted and term.rows == term.cols:
            return sympy.Determinant(term) * sympy.Determinant(
                sympy.Identity(term.rows) + sympy.Inverse(term) * rest)
        if isinstance(term, sympy.Inverse):  # det(inv(C) + W) = det(I + C*W)/det(C)
            return sympy.Determinant(sympy.Identity(term.rows) + term.arg * rest) / \
                sympy.Determinant(term.arg)
    return node
