"""`# linear_combination(EXPR)`: hypotheses combined by Mathlib's ring rule.

Each hypothesis name stands for an opaque symbol while EXPR is parsed, so the parser can refuse
to divide by it or pass it to a function; afterwards the symbols become the hypotheses'
`lhs - rhs`.
"""

from __future__ import annotations

import sympy

from lemma.derive.language.block import Condition, DerivationSyntaxError, Hypothesis
from lemma.derive.language.expr import is_matrix, parse_with_conditions
from lemma.derive.language.exprsym import is_symbolic
from lemma.derive.language.matcalc import ring_zero
from lemma.derive.language.ncring import involves
from lemma.model import SourcePos


def combination(text: str, names: dict[str, object], hyps: list[Hypothesis],
                 where: SourcePos) -> tuple[object, tuple[Condition, ...]]:
    """A linear combination of hypotheses, as Mathlib reads it: each hypothesis name stands for
    its `lhs - rhs`, and may only be added, subtracted and multiplied by coefficients. Every
    term must contain a hypothesis (a bare term would prove anything)."""
    stand_ins: dict[str, object] = {}
    meaning: dict[sympy.Symbol, sympy.Expr] = {}
    for h in hyps:
        if not h.equation:
            continue
        diff = h.lhs - h.rhs  # type: ignore[operator]
        if is_symbolic(diff):
            stand_in = sympy.MatrixSymbol(f"{h.name}__hypothesis", diff.rows, diff.cols)  # type: ignore[attr-defined]
            stand_ins[h.name] = stand_in
            meaning[stand_in] = diff
        elif is_matrix(diff):
            cells = [sympy.Dummy(f"{h.name}_{i}") for i in range(len(diff))]  # type: ignore[arg-type]
            stand_ins[h.name] = sympy.ImmutableMatrix(diff.rows, diff.cols, cells)  # type: ignore[attr-defined]
            meaning.update(zip(cells, diff, strict=True))  # type: ignore[call-overload]
        else:
            cell = sympy.Dummy(h.name)
            stand_ins[h.name] = cell
            meaning[cell] = diff
    scope = {**names, **stand_ins}
    expr, conds = parse_with_conditions(text, scope, where, opaque=frozenset(meaning))
    if involves(expr):
        _check_ring_combination(expr, meaning, where)
        return expr.xreplace(meaning), conds  # type: ignore[attr-defined]
    entries = list(expr) if is_matrix(expr) else [expr]  # type: ignore[call-overload]
    zero = dict.fromkeys(meaning, sympy.Integer(0))
    for entry in entries:
        if not isinstance(entry, sympy.Expr) or not entry.is_polynomial(*meaning):
            raise DerivationSyntaxError(where, "a linear combination must be a polynomial in "
                                        "the hypotheses")
        if sympy.expand(entry.xreplace(zero)) != 0:
            raise DerivationSyntaxError(where, "a term of this linear combination contains no "
                                        "hypothesis", "every term must be a coefficient times "
                                        "a hypothesis name, e.g. 2*h1 - x*h2")
    return _substitute(expr, meaning), conds


def _check_ring_combination(expr: object, meaning: dict, where: SourcePos) -> None:
    """With matrices of symbolic size: every term of the combination contains a hypothesis."""
    zero = {stand_in: (sympy.ZeroMatrix(*stand_in.shape) if is_symbolic(stand_in)
                       else sympy.Integer(0)) for stand_in in meaning}
    if ring_zero(expr.xreplace(zero)) != 0:  # type: ignore[attr-defined]
        raise DerivationSyntaxError(where, "a term of this linear combination contains no "
                                    "hypothesis", "every term must be a coefficient times a "
                                    "hypothesis name, e.g. A*h1*B - x*h2")


def _substitute(expr: object, meaning: dict[sympy.Symbol, sympy.Expr]) -> object:
    if is_matrix(expr):
        return sympy.ImmutableMatrix(expr.applyfunc(lambda e: e.xreplace(meaning)))  # type: ignore[attr-defined]
    return expr.xreplace(meaning)  # type: ignore[attr-defined]
