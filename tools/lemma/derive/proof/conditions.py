"""Discharging side conditions: proving from the declarations that a recorded condition holds.

A link may be called *proved* only when every condition of both sides follows from the declared
domains and `!= 0` hypotheses (`discharged`); the others are tested at sample points.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping

import sympy

from lemma.derive.language.block import Binder, Condition, Domain
from lemma.derive.language.functions import unfold
from lemma.derive.proof import cases
from lemma.derive.proof.sums import signed_sums


def discharged(condition: Condition, nonzero: Iterable[sympy.Expr],
               domains: Mapping[sympy.Symbol, Domain] | None = None,
               inequalities: Iterable[tuple[sympy.Expr, bool]] = ()) -> bool:
    """True when the declarations (domains, `!= 0` and inequality hypotheses) imply the
    condition everywhere."""
    slack = _eliminate(tuple(inequalities), domains or {})
    domains = {s: d for s, d in (domains or {}).items() if s not in slack}
    nonzero = tuple(h.xreplace(slack) for h in nonzero)
    for shift in _domain_shifts(domains):
        known = tuple(h.xreplace(shift) for h in nonzero)
        for expr in _unbound(condition):
            if _proves(condition.kind, expr.xreplace(slack).xreplace(shift), known):
                return True
    return False


def _eliminate(inequalities: tuple[tuple[sympy.Expr, bool], ...],
               domains: Mapping[sympy.Symbol, Domain]) -> dict[object, sympy.Expr]:
    """Each inequality `margin >= 0` (or `> 0`) solved for one variable it contains linearly,
    with a fresh nonnegative (positive) slack: `a <= b` becomes `b = a + u`, u >= 0. The points
    this describes are exactly those the inequality allows, so a proof after the substitution is
    a proof under the hypothesis (the eliminated variable's own domain is dropped: weaker, sound).
    """
    mapping: dict[object, sympy.Expr] = {}
    for i, (margin, strict) in enumerate(inequalities):
        margin = margin.xreplace(mapping)
        for sym in sorted(margin.free_symbols, key=str):
            if sym in mapping or not isinstance(sym, sympy.Symbol):
                continue
            coeff = sympy.expand(margin).coeff(sym)
            if not coeff.is_number or coeff == 0 or sympy.expand(margin - coeff * sym).has(sym):
                continue
            integer = sym.is_integer and abs(coeff) == 1 and (margin - coeff * sym).is_integer
            if integer and strict:
                u = sympy.Symbol(f"u{i}", integer=True, positive=True)
            elif integer:
                u = sympy.Symbol(f"u{i}", integer=True, nonnegative=True)
            else:
                u = sympy.Symbol(f"u{i}", positive=True) if strict else sympy.Symbol(
                    f"u{i}", nonnegative=True)
            value = (u - (margin - coeff * sym)) / coeff
            mapping = {k: v.xreplace({sym: value}) for k, v in mapping.items()}
            mapping[sym] = value
            break
    return mapping


def _domain_shifts(domains: Mapping[sympy.Symbol, Domain]) -> list[dict[object, sympy.Expr]]:
    """Each bounded scalar written as its bound ± a fresh offset, so sympy's sign reasoning sees
    the bound: `g: integer >= 2` is `2 + t` with `t` a nonnegative integer. The first rewriting
    uses lower bounds where there are any, the second upper bounds; both cover the domain."""
    shifts: list[dict[object, sympy.Expr]] = [{}, {}, {}]
    for i, (sym, domain) in enumerate(sorted(domains.items(), key=lambda kv: str(kv[0]))):
        lower = _shifted(domain, i, upper=False)
        upper = _shifted(domain, i, upper=True)
        if lower is not None:
            shifts[1][sym] = lower
        if upper is not None:
            shifts[2][sym] = upper
        if lower is None and upper is not None:
            shifts[1][sym] = upper
        if upper is None and lower is not None:
            shifts[2][sym] = lower
    unique = []
    for shift in shifts:
        if shift not in unique:
            unique.append(shift)
    return unique


def _shifted(domain: Domain, i: int, *, upper: bool) -> sympy.Expr | None:
    bound = domain.upper if upper else domain.lower
    strict = domain.upper_strict if upper else domain.lower_strict
    if bound is None or domain.kind == "complex":
        return None
    if domain.kind == "integer":
        first = (sympy.ceiling(bound) if not upper else sympy.floor(bound))
        if strict and first == bound:
            first += -1 if upper else 1
        offset = sympy.Symbol(f"s{i}", integer=True, nonnegative=True)
    else:
        first = bound
        offset = sympy.Symbol(f"s{i}", positive=True) if strict else sympy.Symbol(
            f"s{i}", nonnegative=True)
    return first - offset if upper else first + offset


def _unbound(condition: Condition) -> list[sympy.Expr]:
    """The condition with every bound variable written as bound ± a fresh nonnegative offset.

    `j` in `Sum(..., (j, a, b))` is `a + t` (or `b - t`) with `t` a nonnegative integer; `x` in
    `Integral(..., (x, a, b))` is `a + t` (or `b - t`) with `t > 0`. Proving the condition for
    every `t` proves it on the whole range, so each rewriting is a sound way in.
    """
    options: list[list[dict[object, sympy.Expr]]] = []
    for depth, binder in enumerate(reversed(condition.binders)):
        if binder.kind == "sum":
            offset = sympy.Symbol(f"t{depth}", integer=True, nonnegative=True)
        elif binder.kind == "integral":
            offset = sympy.Symbol(f"t{depth}", positive=True)
        else:
            return []
        ways = []
        inside = _inside(binder, offset)
        if inside is not None:
            ways.append({binder.var: inside})
        if binder.low is not None and binder.low.is_finite:
            ways.append({binder.var: binder.low + offset})
        if binder.high is not None and binder.high.is_finite:
            ways.append({binder.var: binder.high - offset})
        if not ways:
            return []
        options.append(ways)
    exprs = []
    for combo in itertools.product(*options):
        expr = condition.expr
        for mapping in combo:  # innermost first: outer variables appear in inner bounds
            expr = expr.xreplace(mapping)
        exprs.append(expr)
    return exprs


def _inside(binder: Binder, t: sympy.Symbol) -> sympy.Expr | None:
    """x = a + (b - a)*t/(1 + t) with t > 0 runs exactly over (a, b) when a < b is known."""
    if binder.kind != "integral" or binder.low is None or binder.high is None:
        return None
    low, high = binder.low, binder.high
    if not (high - low).is_positive:
        return None
    return low + (high - low) * t / (1 + t)


def _integrals_signed(expr: sympy.Expr) -> sympy.Expr:
    """Replace an integral over (a, b), a < b, of a positive integrand by a positive symbol."""

    def sign(node: sympy.Integral) -> sympy.Expr:
        if len(node.limits) != 1 or len(node.limits[0]) != 3:
            return node
        var, low, high = node.limits[0]
        t = sympy.Dummy("t", positive=True)
        inside = _inside(Binder(var, low, high, "integral"), t)
        if inside is None:
            return node
        body = sympy.cancel(sympy.together(node.function.xreplace({var: inside})))
        if body.is_positive:
            return sympy.Dummy("I", positive=True)
        return node

    return expr.replace(lambda n: isinstance(n, sympy.Integral), sign)


def split_determinants(expr: sympy.Expr) -> sympy.Expr:
    """det(A*B*C) as det(A)*det(B)*det(C) for square factors of one size, det(A.T) as det(A),
    det(inv(A)) as 1/det(A), det(A**n) as det(A)**n and det(c*A) as c**k*det(A): so
    `det(A*B*C) != 0` follows from each factor's `det != 0`."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Determinant):
        return expr
    return expr.replace(lambda n: isinstance(n, sympy.Determinant), _split_one)


def _split_one(node: sympy.Determinant) -> sympy.Expr:
    arg = node.args[0]
    size = arg.rows
    if isinstance(arg, sympy.Transpose):
        return _split_one(sympy.Determinant(arg.arg))
    if isinstance(arg, sympy.Inverse):
        return 1 / _split_one(sympy.Determinant(arg.arg))
    if isinstance(arg, sympy.MatPow) and arg.exp.is_integer and arg.exp.is_nonnegative:
        return _split_one(sympy.Determinant(arg.base)) ** arg.exp
    if isinstance(arg, sympy.MatMul):
        scalars = [a for a in arg.args if not isinstance(a, sympy.MatrixExpr)]
        factors = [a for a in arg.args if isinstance(a, sympy.MatrixExpr)]
        if all(f.rows == size and f.cols == size for f in factors):
            return sympy.Mul(*(c**size for c in scalars)) * sympy.Mul(
                *(_split_one(sympy.Determinant(f)) for f in factors))
    return node


_REWRITES: tuple[Callable[[sympy.Expr], sympy.Expr], ...] = (
    split_determinants,
    lambda e: e,
    sympy.expand,
    lambda e: sympy.factor(sympy.cancel(e)),
    lambda e: _integrals_signed(e.rewrite(sympy.gamma)),
    lambda e: sympy.factor(sympy.together(_unfold(e))),
)


def _unfold(expr: sympy.Expr) -> sympy.Expr:
    return unfold(expr)  # 1 - sigmoid(x) is exp(-x)/(1 + exp(-x)) > 0


def _proves(kind: str, expr: sympy.Expr, known: tuple[sympy.Expr, ...]) -> bool:
    expr = signed_sums(expr)  # Sum(exp(z[j]), (j, 1, k)) > 0: entries real, the range nonempty
    # a Piecewise branch's condition holds where it is taken
    if cases.splittable(expr) and cases.all_cases(expr, lambda c: _proves(kind, c, known)):
        return True
    for rewrite in _REWRITES:
        try:
            if _holds(kind, rewrite(expr), known):
                return True
        except (TypeError, ValueError, ArithmeticError, NotImplementedError):
            continue  # sympy cannot rebuild det(2*A.T*inv(B)*A) in cancel: the next way in
    return False


def _holds(kind: str, value: sympy.Expr, known: tuple[sympy.Expr, ...]) -> bool:
    """One rewriting of the condition's expression settles it."""
    if kind == "nonzero":
        return _nonzero(value, known)
    if kind == "positive":
        return bool(value.is_positive or (value.is_nonnegative and _nonzero(value, known)))
    if kind == "nonnegative":
        return bool(value.is_nonnegative)
    if kind == "unit":
        return bool((1 - value).is_nonnegative and (1 + value).is_nonnegative)
    if kind == "gamma":
        return bool(value.is_positive or value.is_noninteger)
    return False


def _nonzero(expr: sympy.Expr, known: tuple[sympy.Expr, ...], depth: int = 0) -> bool:
    """Nonzero by the symbols' assumptions, or a product of declared nonzero factors."""
    if expr.is_zero is False:
        return True
    if depth > 3:
        return False
    for hypothesis in known:
        numerator, _ = sympy.fraction(sympy.cancel(expr / hypothesis))
        if numerator.is_zero is False or (
            numerator != expr and numerator.free_symbols
            and _nonzero(numerator, known, depth + 1)
        ):
            return True
    if isinstance(expr, sympy.Mul):
        return all(_nonzero(factor, known, depth + 1) for factor in expr.args)
    if isinstance(expr, sympy.Pow) and expr.exp.is_positive:
        return _nonzero(expr.base, known, depth + 1)
    return False
