"""Proof by cases: split `Max`, `Min`, `Piecewise`, `Heaviside` and `Abs` on the ordering of
their arguments and prove each case with the case's condition built in.

A case is the expression with one such node replaced by the value it takes under a condition
(`Max(a, b)` is `a` where `a - b >= 0`). The condition is built in by parametrising its region
exactly: `a - b >= 0` becomes `a = b + t` with a fresh `t >= 0`, solved for a declared symbol
that occurs linearly with a numeric coefficient. The cases cover every point, and each point of
a case's region is a value of its parameters, so a claim true in every case is true everywhere.
A condition that cannot be built in is dropped: the case is then proved on more points than it
needs, which is still sound.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy import Max

from lemma.derive.language.exprbind import BoundSymbol

#: Most cases one expression is split into (the product of the nodes' branch counts).
MAX_CASES = 64
_SPLIT = (sympy.Max, sympy.Min, sympy.Piecewise, sympy.Heaviside, sympy.Abs, sympy.sign)


class CaseSymbol(sympy.Dummy):
    """The parameter of a case's region (`t >= 0` in `a = b + t`): never solved for again."""


def _real(expr: sympy.Basic) -> bool:
    return not expr.has(sympy.I) and all(s.is_real for s in expr.free_symbols)


def _eligible(node: sympy.Basic) -> bool:
    """A node can be split when its value does not depend on a bound variable (which changes
    from term to term) and its arguments are real."""
    if any(isinstance(s, BoundSymbol) for s in node.free_symbols):
        return False
    if isinstance(node, sympy.Piecewise):  # any values; conditions compare real numbers
        return all(_real(cond) for _, cond in node.args)
    return _real(node)


def _branches(node: sympy.Basic) -> list[tuple[sympy.Expr, list[sympy.Basic]]]:
    """(value, conditions) for each case of one node; together the conditions cover all."""
    if isinstance(node, sympy.Max | sympy.Min):
        args = list(node.args)
        out = []
        for i, a in enumerate(args):
            conds = [a >= b if isinstance(node, sympy.Max) else a <= b
                     for j, b in enumerate(args) if j != i]
            out.append((a, conds))
        return out
    if isinstance(node, sympy.Abs):
        u = node.args[0]
        return [(u, [u >= 0]), (-u, [u <= 0])]
    if isinstance(node, sympy.Heaviside):
        u, at_zero = node.args[0], node.args[1] if len(node.args) > 1 else sympy.Rational(1, 2)
        return [(sympy.Integer(0), [u < 0]), (at_zero, [sympy.Eq(u, 0)]),
                (sympy.Integer(1), [u > 0])]
    if isinstance(node, sympy.sign):
        u = node.args[0]
        return [(sympy.Integer(-1), [u < 0]), (sympy.Integer(0), [sympy.Eq(u, 0)]),
                (sympy.Integer(1), [u > 0])]
    out = []
    earlier: list[sympy.Basic] = []
    for value, cond in node.args:  # Piecewise: branch i where c_i holds and no earlier c_j
        out.extend(_without_unequal(value, [cond, *(sympy.Not(c) for c in earlier)]))
        earlier.append(cond)
    return out


def _parametrise(cond: sympy.Basic, frozen: frozenset[sympy.Basic] = frozenset()
                 ) -> dict[sympy.Symbol, sympy.Expr] | None:
    """A substitution that maps free parameters onto the region where `cond` holds, or onto
    more than it (empty when the condition cannot be built in); None when the region is empty."""
    if cond is sympy.false:
        return None
    if cond is sympy.true or not isinstance(cond, sympy.core.relational.Relational):
        return {}
    if isinstance(cond, sympy.Ne):
        return {}
    lhs, rhs = cond.lhs, cond.rhs
    gap = sympy.expand(lhs - rhs if isinstance(cond, sympy.Gt | sympy.Ge | sympy.Eq)
                       else rhs - lhs)
    if not _real(gap):
        return {}
    symbols = sorted(gap.free_symbols, key=lambda s: (isinstance(s, CaseSymbol),
                                                      sympy.default_sort_key(s)))
    for sym in symbols:
        if isinstance(sym, BoundSymbol) or not isinstance(sym, sympy.Symbol) or sym in frozen:
            continue
        if not gap.is_polynomial(sym) or sympy.degree(gap, sym) != 1:
            continue
        coeff = gap.coeff(sym, 1)
        if not (coeff.is_number and coeff != 0):
            continue
        rest = sympy.expand(gap - coeff * sym)
        if isinstance(sym, CaseSymbol) and (-rest / coeff).is_number:
            return _narrow(sym, -rest / coeff, coeff > 0, isinstance(cond, sympy.Eq))
        # otherwise (a declared symbol, or a region parameter given up for a new one: its own
        # sign is lost, so the case covers more points than it needs -- still sound)
        if isinstance(cond, sympy.Eq):
            param: sympy.Expr = sympy.Integer(0)
        else:
            param = CaseSymbol("t", positive=True) if isinstance(cond, sympy.Gt | sympy.Lt) \
                else CaseSymbol("t", nonnegative=True)
        return {sym: (param - rest) / coeff}
    return {}


def _narrow(t: CaseSymbol, bound: sympy.Expr, above: bool,
            equal: bool) -> dict[sympy.Symbol, sympy.Expr] | None:
    """A region parameter `t >= 0` further restricted to `t >= bound` (`above`), `t <= bound`,
    or `t == bound`; None when nothing is left."""
    if equal:
        return None if bound < 0 else {t: bound}
    if above:
        return {t: Max(0, bound) + CaseSymbol("t", nonnegative=True)}
    if bound < 0:
        return None
    return {t: sympy.Integer(0)} if bound == 0 else {t: bound - CaseSymbol("t", nonnegative=True)}


#: Nodes whose value at a point depends on values near it (or on a variable they bind): a node
#: inside is not split, and their symbols are never re-parametrised.
_NONLOCAL = (sympy.Derivative, sympy.Subs, sympy.Limit)


def _local(expr: sympy.Basic) -> tuple[set[sympy.Basic], frozenset[sympy.Basic]]:
    """(splittable nodes outside derivatives, limits and substitutions; symbols used inside
    those, which a case must not rewrite)."""
    found: set[sympy.Basic] = set()
    frozen: set[sympy.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, _NONLOCAL):
            frozen |= node.free_symbols | set().union(
                *(getattr(v, "free_symbols", set()) for v in getattr(node, "variables", ())))
            continue
        if isinstance(node, _SPLIT):
            found.add(node)
        stack.extend(node.args)
    return found, frozenset(frozen)


def _swap(expr: sympy.Basic, node: sympy.Basic, value: sympy.Basic) -> sympy.Basic:
    """`expr` with `node` replaced by `value`, except inside derivatives, limits and Subs."""
    if expr == node:
        return value
    if isinstance(expr, _NONLOCAL) or not expr.args:
        return expr
    args = [_swap(arg, node, value) for arg in expr.args]
    return expr.func(*args) if args != list(expr.args) else expr


def _case(expr: sympy.Expr, conds: list[sympy.Basic]) -> sympy.Expr | None:
    """`expr` on the region where all `conds` hold; None when the region is empty."""
    pending = list(conds)
    while pending:
        step = _parametrise(pending.pop(0), _local(expr)[1])
        if step is None:
            return None
        expr = expr.xreplace(step)
        pending = [c.xreplace(step) for c in pending]  # the rest in the new parameters
    return expr


def _without_unequal(value: sympy.Expr, conds: list[sympy.Basic]
                     ) -> list[tuple[sympy.Expr, list[sympy.Basic]]]:
    """`u != v` is the two regions `u < v` and `u > v`: one branch each."""
    for i, cond in enumerate(conds):
        if isinstance(cond, sympy.Ne):
            rest = conds[:i] + conds[i + 1:]
            return [*_without_unequal(value, [*rest, sympy.Lt(cond.lhs, cond.rhs)]),
                    *_without_unequal(value, [*rest, sympy.Gt(cond.lhs, cond.rhs)])]
    return [(value, conds)]


def split(expr: sympy.Expr, limit: int = MAX_CASES) -> list[sympy.Expr] | None:
    """Case expressions free of splittable nodes that together cover `expr`, or None when there
    is nothing to split or more than `limit` cases."""
    nodes = sorted((n for n in _local(expr)[0] if _eligible(n)),
                   key=lambda n: (sympy.count_ops(n), sympy.default_sort_key(n)))
    if not nodes:
        return None
    node = nodes[0]
    cases: list[sympy.Expr] = []
    for value, conds in _branches(node):
        if len(cases) + 1 > limit:
            return None
        case = _case(_swap(expr, node, value), conds)
        if case is None:
            continue  # an empty region
        inner = [n for n in _local(case)[0] if _eligible(n)]
        deeper = split(case, limit - len(cases)) if inner else None
        if inner and deeper is None:
            return None  # too many cases
        cases.extend(deeper if deeper is not None else [case])
        if len(cases) > limit:
            return None
    return cases


def splittable(expr: object) -> bool:
    """True when the expression has a node a proof by cases could split."""
    return isinstance(expr, sympy.Basic) and any(_eligible(n) for n in _local(expr)[0])


def all_cases(expr: sympy.Expr, test: Callable[[sympy.Expr], bool]) -> bool:
    """True when `test` holds for every case of `expr` (False when it cannot be split)."""
    cases = split(expr)
    return cases is not None and all(test(case) for case in cases)


def seams(expr: object) -> list[sympy.Expr]:
    """Where a splittable node changes branch (`a - b` for Max(a, b), `u` for Heaviside(u), a
    Piecewise condition's `lhs - rhs`): random points almost never land there."""
    if not isinstance(expr, sympy.Basic):
        return []
    out: list[sympy.Expr] = []
    items = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    for item in items:
        for node in sorted(item.atoms(*_SPLIT), key=sympy.default_sort_key):
            if not _eligible(node):
                continue
            if isinstance(node, sympy.Max | sympy.Min):
                args = node.args
                out += [a - b for i, a in enumerate(args) for b in args[i + 1:]]
            elif isinstance(node, sympy.Piecewise):
                out += [c.lhs - c.rhs for _, c in node.args
                        if isinstance(c, sympy.core.relational.Relational)]
            else:
                out.append(node.args[0])
    return [gap for gap in dict.fromkeys(out) if gap.free_symbols]


def unguarded(expr: sympy.Expr) -> sympy.Expr:
    """The expression of a side condition recorded inside a Piecewise branch (expr.py wraps it
    as Piecewise((expr, guard), (neutral, True)))."""
    if isinstance(expr, sympy.Piecewise) and len(expr.args) == 2 and expr.args[1][1] is sympy.true:
        return expr.args[0][0]
    return expr
