"""Builder constructs for `Piecewise`, `Heaviside` and the abbreviations `sigmoid`/`softplus`
(the function classes themselves live in functions.py).

A Piecewise condition is one comparison of two real scalars (`<`, `<=`, `>`, `>=`, `==`, `!=`),
built from the syntax tree like any other expression: never evaluated by Python. A branch's
side conditions hold only where the branch is taken, so they are recorded under its guard.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy

from lemma.derive.language.functions import ABBREVIATIONS, HEAVISIDE_AT_ZERO, Heaviside

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder

_RELATIONS = {ast.Lt: (sympy.Lt, "<", ">="), ast.LtE: (sympy.Le, "<=", ">"),
              ast.Gt: (sympy.Gt, ">", "<="), ast.GtE: (sympy.Ge, ">=", "<"),
              ast.Eq: (sympy.Eq, "==", "!="), ast.NotEq: (sympy.Ne, "!=", "==")}


def real_argument(builder: Builder, node: ast.AST, value: sympy.Expr, what: str) -> None:
    """Reject an argument that is not known to be real where the function compares values."""
    real = value.is_extended_real or (
        not value.has(sympy.I) and all(s.is_real for s in value.free_symbols))
    if not real:
        raise builder.fail(node, f"{what} compares real values, but this may be complex",
                           "take re(...) or Abs(...) of it, or declare it real")


def abbreviation(builder: Builder, node: ast.Call, name: str, arg: sympy.Expr) -> sympy.Expr:
    """sigmoid(x) or softplus(x); complex arguments keep away from the poles of 1/(1 + e^-x)."""
    text = builder.segment(node.args[0])
    real = not arg.has(sympy.I) and all(s.is_real for s in arg.free_symbols)
    if not real:
        sign = "-" if name == "sigmoid" else ""
        builder.require("nonzero", 1 + sympy.exp(-arg if sign else arg),
                        f"1 + exp({sign}({text}))")
    return ABBREVIATIONS[name](arg)


def heaviside(builder: Builder, node: ast.Call, scope: dict[str, object]) -> sympy.Expr:
    """Heaviside(x) with H(0) = 1/2, or Heaviside(x, h0) with a numeric h0."""
    if not 1 <= len(node.args) <= 2:
        raise builder.fail(node, f"Heaviside takes 1 or 2 arguments, got {len(node.args)}",
                           "Heaviside(x) is 1/2 at 0; Heaviside(x, 0) sets H(0) = 0")
    arg = builder.scalar(node.args[0], scope, "Heaviside")
    real_argument(builder, node.args[0], arg, "Heaviside")
    at_zero = HEAVISIDE_AT_ZERO
    if len(node.args) == 2:
        at_zero = builder.scalar(node.args[1], scope, "Heaviside")
        if not (at_zero.is_number and at_zero.is_real):
            raise builder.fail(node.args[1], "the value of Heaviside at 0 must be a real number",
                               "e.g. Heaviside(x, 0) or Heaviside(x, 1)")
    return Heaviside(arg, at_zero)


def piecewise(builder: Builder, node: ast.Call, scope: dict[str, object]) -> sympy.Expr:
    """Piecewise((value, condition), ..., (value, True)): the first branch whose condition
    holds; each value's side conditions are required only where it is taken."""
    usage = "Piecewise((value, condition), ..., (value, True))"
    if len(node.args) < 2:
        raise builder.fail(node, "Piecewise takes at least two branches", f"write {usage}")
    pairs: list[tuple[sympy.Expr, sympy.Basic]] = []
    guards: list[tuple[sympy.Basic, str]] = []  # conditions of earlier branches, negated
    for i, arg in enumerate(node.args):
        if not isinstance(arg, ast.Tuple) or len(arg.elts) != 2:
            raise builder.fail(arg, "each branch of Piecewise is a pair (value, condition)",
                               f"write {usage}")
        value_node, cond_node = arg.elts
        last = i == len(node.args) - 1
        otherwise = isinstance(cond_node, ast.Constant) and cond_node.value is True
        if otherwise != last:
            raise builder.fail(cond_node, "the last branch of Piecewise, and only the last, is "
                               "(value, True)" if last else "(value, True) must be the last "
                               "branch: the ones after it would never be used", f"write {usage}")
        if otherwise:
            cond, negated = sympy.true, None
        else:
            with builder.guarded(guards):
                cond, text, negated_text = relation(builder, cond_node, scope)
            negated = (sympy.Not(cond), negated_text)
        with builder.guarded([*guards, (cond, "" if otherwise else text)]):
            value = builder.scalar(value_node, scope, "a branch of Piecewise")
        pairs.append((value, cond))
        if negated is not None:
            guards.append(negated)
    return sympy.Piecewise(*pairs)


def relation(builder: Builder, node: ast.AST, scope: dict[str, object]
             ) -> tuple[sympy.Basic, str, str]:
    """One comparison of two real scalars: (sympy relation, its text, its negation's text)."""
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        chained = isinstance(node, ast.Compare)
        raise builder.fail(node, "a condition of Piecewise is one comparison, e.g. x > 0"
                           + (", not a chain" if chained else ""),
                           "nest Piecewise for a combined condition" if chained or isinstance(
                               node, ast.BoolOp | ast.BinOp) else "use <, <=, >, >=, == or !=")
    make, symbol, opposite = _RELATIONS.get(type(node.ops[0]), (None, "", ""))
    if make is None:
        raise builder.fail(node, "a condition of Piecewise compares with <, <=, >, >=, == or !=")
    left = builder.scalar(node.left, scope, "a condition of Piecewise")
    right = builder.scalar(node.comparators[0], scope, "a condition of Piecewise")
    for side, sub in ((left, node.left), (right, node.comparators[0])):
        real_argument(builder, sub, side, "a condition of Piecewise")
    a, b = builder.segment(node.left), builder.segment(node.comparators[0])
    return make(left, right), f"{a} {symbol} {b}", f"{a} {opposite} {b}"
