"""Index normal form: a proof that a scalar built from sums of vector entries is zero.

`Sum(x[i]*y[i], (i, 1, k)) - trace(x.T*y)`: traces and entries of matrix products are written in
sympy's index form (sums over entries), every sum is shifted to run from 0 under a canonical
variable for its depth, sums with the same range are added into one, factors that do not depend
on a sum's variable are taken out of it, and the summands are expanded. What is left is zero
only when the expression is zero for every size and every entry (each step is an identity,
also for empty ranges), so a zero here is a proof.
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.matexpr import MatrixElement

ROUNDS = 4
#: A sum over at most this many + 1 explicit values is written out term by term.
MAX_WRITTEN_OUT = 8


def index_zero(expr: object) -> bool:
    """True when the index normal form of a scalar expression is 0: sums of different lengths
    aligned by splitting off their first terms, or else their last terms."""
    if not isinstance(expr, sympy.Expr) or isinstance(expr, MatrixExpr):
        return False
    start = _entries(expr)
    for last in (False, True):
        value = start
        for _ in range(ROUNDS):
            new = _normal(value, 0, last)
            if new == value:
                break
            value = new
        if value == 0:
            return True
    return False


def _entries(expr: sympy.Expr) -> sympy.Expr:
    """Traces and 1 x 1 products written as sums of entries (sympy's own index form)."""
    def trace(node: sympy.Trace) -> sympy.Expr:
        m = node.arg
        j = sympy.Dummy("j", integer=True)
        return sympy.Sum(m[j, j], (j, 0, m.shape[0] - 1))
    out = expr.replace(lambda n: isinstance(n, sympy.Trace), trace)
    return out.replace(lambda n: isinstance(n, MatrixElement) and not _plain(n.parent),
                       lambda n: n.parent[n.i, n.j])


def _plain(parent: object) -> bool:
    return isinstance(parent, sympy.MatrixSymbol | sympy.ImmutableMatrix)


def _var(depth: int) -> sympy.Symbol:
    return sympy.Symbol(f"_t{depth}", integer=True, nonnegative=True)


def _normal(expr: sympy.Expr, depth: int, last: bool = False) -> sympy.Expr:
    """One pass: sums shifted to 0 with the depth's variable, merged by range, constants out."""
    expr = sympy.expand(expr)
    groups: dict[sympy.Expr, sympy.Expr] = {}
    rest: list[sympy.Expr] = []
    for term in sympy.Add.make_args(expr):
        sums = [f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.Sum)]
        if len(sums) != 1:
            rest.append(_inside(term, depth, last))
            continue
        total = sums[0]
        coeff = sympy.Mul(*[f for f in sympy.Mul.make_args(term) if f is not total])
        body, count = _shifted(total, depth)
        groups[count] = groups.get(count, sympy.Integer(0)) + coeff * body
    t = _var(depth)
    _align(groups, rest, t, last)
    out = sympy.Add(*rest)
    for count, body in groups.items():
        if count.is_Integer and -1 <= count <= MAX_WRITTEN_OUT:  # a few terms: written out
            out += _normal(sympy.Add(*(body.xreplace({t: n}) for n in range(int(count) + 1))),
                           depth, last)
            continue
        body = _exchanged(_normal(body, depth + 1, last), t, _var(depth + 1), count)
        body = _reversed(body, t, count)
        if body == 0:
            continue
        inside, outside = [], []
        for factor in sympy.Mul.make_args(body):
            if t in factor.free_symbols:
                inside.append(factor)
            else:  # taken out of the sum: normalised at this depth, like its neighbours
                outside.append(_inside(factor, depth, last))
        if not inside and (count + 1).is_nonnegative:  # a constant summand, a nonempty range
            out += sympy.Mul(*outside) * (count + 1)
            continue
        out += sympy.Mul(*outside) * sympy.Sum(sympy.Mul(*inside), (t, 0, count))
    return out


def _exchanged(body: sympy.Expr, t: sympy.Symbol, u: sympy.Symbol,
               count: sympy.Expr) -> sympy.Expr:
    """Inside Σ_t over 0..count, an inner Σ_u over the same range: each term of the double sum
    written with t and u in a canonical order (exchanging two sums over one fixed range)."""
    out = []
    for term in sympy.Add.make_args(body):
        if (isinstance(term, sympy.Sum) and len(term.limits) == 1
                and tuple(term.limits[0]) == (u, 0, count) and not count.has(t, u)):
            swap = {t: u, u: t}
            terms = [min(a, a.xreplace(swap), key=lambda e: sympy.default_sort_key(
                e.as_coeff_Mul()[1])) for a in sympy.Add.make_args(sympy.expand(term.function))]
            summand = sympy.Add(*terms)
            term = sympy.Sum(summand, (u, 0, count)) if summand != 0 else sympy.Integer(0)
        out.append(term)
    return sympy.Add(*out)


def _reversed(body: sympy.Expr, t: sympy.Symbol, count: sympy.Expr) -> sympy.Expr:
    """Each term of a summand over 0..count written as the lesser of f(t) and f(count - t) (the
    same sum read backwards), so a sum and its reversal meet."""
    if count.has(t) or not body.has(t):
        return body
    terms = [min(a, a.xreplace({t: count - t}), key=lambda e: sympy.default_sort_key(
        sympy.expand(e).as_coeff_Mul()[1])) for a in sympy.Add.make_args(sympy.expand(body))]
    return sympy.expand(sympy.Add(*terms))


def _align(groups: dict[sympy.Expr, sympy.Expr], rest: list[sympy.Expr],
           t: sympy.Symbol, last: bool = False) -> None:
    """Sums over 0..c and 0..c - n merged: the longer one's first n terms split off
    (Σ_{0..c} f(t) = f(0) + … + f(n - 1) + Σ_{0..c-n} f(t + n), where c + 1 >= n is known), or
    with `last` its last n terms (Σ_{0..c} f(t) = Σ_{0..c-n} f(t) + f(c - n + 1) + … + f(c))."""
    changed = True
    while changed:
        changed = False
        for long, short in [(a, b) for a in groups for b in groups if a != b]:
            n = sympy.expand(long - short)
            if not (n.is_Integer and 1 <= n <= MAX_WRITTEN_OUT
                    and (long + 1 - n).is_nonnegative):
                continue
            body = groups.pop(long)
            if last:
                rest.extend(body.xreplace({t: long - m}) for m in range(int(n)))
                groups[short] = groups[short] + body
            else:
                rest.extend(body.xreplace({t: m}) for m in range(int(n)))
                groups[short] = groups[short] + body.xreplace({t: t + n})
            changed = True
            break


def _inside(term: sympy.Expr, depth: int, last: bool = False) -> sympy.Expr:
    """A term that is not one sum times a factor: its sums (in powers, functions) normalised."""
    if not term.has(sympy.Sum):
        return term
    return term.replace(lambda n: isinstance(n, sympy.Sum), lambda n: _normal(n, depth, last))


def _shifted(total: sympy.Sum, depth: int) -> tuple[sympy.Expr, sympy.Expr]:
    """(summand with the variable written as t + low, last value of t) for the outer limit."""
    *inner, (var, low, high) = total.limits
    body = total.function if not inner else sympy.Sum(total.function, *inner)
    t = _var(depth)
    return body.xreplace({var: t + low}), sympy.expand(high - low)
