"""Numeric fallbacks: quadrature for points too slow to do exactly, and what it may conclude."""

from __future__ import annotations

import sympy

from lemma.derive.evidence import mpeval
from lemma.derive.evidence.evaluate import compare_at
from lemma.derive.evidence.space import Claim, Point, build_space
from lemma.derive.language.parse import find_blocks, parse_block

x = sympy.Symbol("x", real=True)


def test_quadrature_evaluates_the_whitelisted_tree_to_fifty_digits() -> None:
    value = mpeval.integrate(sympy.Integral(sympy.exp(-x**2), (x, -sympy.oo, sympy.oo)), 50)
    assert abs(value - sympy.sqrt(sympy.pi)).evalf(60) < sympy.Float("1e-45")


def test_an_unknown_node_is_refused_not_guessed() -> None:
    f = sympy.Function("f")
    try:
        mpeval.integrate(sympy.Integral(f(x), (x, 0, 1)), 50)
    except mpeval.Unsupported:
        return
    raise AssertionError("an undefined function must not be integrated numerically")


def claim(body: str) -> Claim:
    d = parse_block(find_blocks(f"```derivation id=q\n{body}\n```\n", "q.md")[0])
    step = d.steps[0]
    return Claim(step.lhs, step.rhs, step.relation, build_space(d), "q")


def test_quadrature_agreement_is_numeric_evidence_and_disagreement_is_no_evidence() -> None:
    body = "given:\n  s: real > 0\ncalc:\n  Integral(exp(-x**2/(2*s**2)), (x, -oo, oo))\n  = {}"
    s = next(iter(build_space(parse_block(find_blocks(
        "```derivation id=q\n" + body.format("1") + "\n```\n", "q.md")[0])).scalars))
    point = Point({s: sympy.Rational(3, 2)})
    good = compare_at(claim(body.format("sqrt(2*pi)*s")), point, numeric=True)
    assert good.kind == "agree-numeric"
    bad = compare_at(claim(body.format("sqrt(2*pi)*s + 1")), point, numeric=True)
    assert bad.kind == "undefined"  # quadrature never refutes: it can miss a narrow peak
