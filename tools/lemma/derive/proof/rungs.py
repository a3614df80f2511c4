"""The symbolic rungs: simplification strategies that prove an identity for all values, and
sign arguments that prove an inequality, each run by the checker in a killable worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Protocol

import sympy

from lemma.derive.language import moments, printing
from lemma.derive.language.block import Condition, Domain
from lemma.derive.language.gaussian import Expectation, MatrixExpectation
from lemma.derive.language.ncring import Ring, Unsupported
from lemma.derive.proof import cases
from lemma.derive.proof.conditions import discharged, split_determinants
from lemma.derive.proof.posdef import orthogonal_matrices, posdef_matrices, signed_forms

RESIDUAL_CHARS = 300


class Declared(Protocol):
    """What the declarations say (a sample space has it): `!= 0` hypotheses, each symbol's
    domain, and inequality hypotheses as (margin, strict)."""

    conditions: tuple[sympy.Expr, ...]
    scalars: Mapping[sympy.Symbol, Domain]
    inequalities: tuple[tuple[sympy.Expr, bool], ...]


def entries(expr: object) -> list[sympy.Expr]:
    return list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]  # type: ignore[list-item]


def all_zero(
    expr: object, fn: Callable[[sympy.Expr], sympy.Expr], doit: bool = False
) -> tuple[bool, str]:
    """Apply a simplification entrywise (after .doit() if asked); (all zero?, residual text)."""
    out = [fn(done(e) if doit else e) for e in entries(expr)]
    text = printing.text(out if isinstance(expr, sympy.MatrixBase) else out[0])
    return all(e == 0 for e in out), printing.truncate(text, RESIDUAL_CHARS)


def done(e: sympy.Expr) -> sympy.Expr:
    return e.doit() if isinstance(e, sympy.Basic) else e


#: Symbolic strategies for identities, cheapest first: (name, function, cheap?). Rungs named
#: "doit+..." and all heavy rungs first evaluate derivatives, sums and integrals with .doit(),
#: unless a cheap doit rung already timed out (then the heavy ones work on the raw residual).
LADDER: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr], bool], ...] = (
    ("expand", sympy.expand, True),
    ("cancel", lambda e: sympy.cancel(sympy.together(e)), True),
    ("doit+expand", sympy.expand, True),
    ("doit+cancel", lambda e: sympy.cancel(sympy.together(e)), True),
    ("doit+cases", lambda e: _by_cases(e, _QUICK_CASE_RUNGS), True),
    ("cases+simplify", lambda e: _by_cases(e, _CASE_RUNGS), False),
    ("gammasimp", sympy.gammasimp, False),
    ("combsimp", sympy.combsimp, False),
    ("simplify", sympy.simplify, False),
    ("rewrite(exp)", lambda e: sympy.simplify(e.rewrite(sympy.exp)), False),
    ("expand_complex", lambda e: sympy.expand(sympy.expand_complex(e.rewrite(sympy.erf))),
     False),
    ("trigsimp", sympy.trigsimp, False),
    ("fu", sympy.fu, False),
)

#: How each case of a proof by cases is closed: quickly (a cheap rung), or with simplify too.
_QUICK_CASE_RUNGS: tuple[Callable[[sympy.Expr], sympy.Expr], ...] = (
    sympy.expand, lambda e: sympy.cancel(sympy.together(e)))
_CASE_RUNGS = (*_QUICK_CASE_RUNGS, sympy.simplify)


def _by_cases(e: sympy.Expr, rungs: tuple[Callable[[sympy.Expr], sympy.Expr], ...]
              ) -> sympy.Expr:
    """0 when every case of a split on Max/Min/Piecewise/Heaviside/Abs closes (cases.py)."""
    if not cases.splittable(e):
        return e
    closes = cases.all_cases(e, lambda c: any(rung(c) == 0 for rung in rungs))
    return sympy.Integer(0) if closes else e


def _signed(value: sympy.Expr, strict: bool) -> bool:
    return bool(value.is_positive if strict else value.is_nonnegative)


#: Sign arguments for an inequality margin (which must be >= 0, or > 0 when strict); each maps
#: the margin to the expressions whose sign is read from sympy's assumptions (all must pass).
SIGN_LADDER: tuple[tuple[str, Callable[[sympy.Expr], list[sympy.Expr]]], ...] = (
    ("sign by cases", lambda e: (cases.split(e) or [e]) if cases.splittable(e) else [e]),
    ("sign via assumptions after simplify", lambda e: [sympy.simplify(e)]),
)


def sign_proved(margin: sympy.Expr, fn: Callable[[sympy.Expr], list[sympy.Expr]],
                 strict: bool) -> bool:
    values = fn(done(margin))
    return bool(values) and all(
        any(_signed(form, strict) for form in (v, sympy.expand(v), sympy.factor(sympy.cancel(v))))
        if len(values) > 1 else _signed(v, strict) for v in values)


def sign_from_declarations(margin: sympy.Expr, strict: bool, known: Declared) -> bool:
    """The margin of an inequality link is a condition like any other: prove it from the
    domains, `!= 0` hypotheses and inequality hypotheses."""
    kind = "positive" if strict else "nonnegative"
    margin = done(margin)
    if isinstance(margin, sympy.Basic) and margin.has(Expectation, MatrixExpectation):
        ring = Ring(getattr(known, "symmetric", ()), getattr(known, "orthogonal", ()))
        try:  # Var(a.T*x) >= 0: the moments first, then the signs of the forms left
            margin = ring.scalar(signed_forms(moments.expanded(margin, ring),
                                              posdef_matrices(known)))
        except Unsupported:
            return False
    margin = signed_forms(margin, posdef_matrices(known))
    return discharged(Condition(kind, margin, ""), known.conditions, known.scalars,
                      known.inequalities)


def discharge_all(conditions: tuple[Condition, ...], known: Declared) -> list[bool]:
    """For each side condition: do the declarations imply it?"""
    posdef, orthogonal = posdef_matrices(known), orthogonal_matrices(known)
    if posdef or orthogonal:  # det(S**n) is det(S)**n, and det(S) > 0 for S posdef
        conditions = tuple(replace(c, expr=split_determinants(c.expr)) for c in conditions)
    return [discharged(replace(c, expr=signed_forms(c.expr, posdef, orthogonal)), known.conditions,
                       known.scalars, known.inequalities)
            for c in conditions]
