"""The simplest counterexample witness: stand-ins for functions of several arguments."""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.evidence.draw import simple_functions
from tests.test_derive_check import run

TWO = "given:\n  f: function 2\n  x, y: real\ncalc:\n  {lhs}\n  = {rhs}"

CASES = [
    ("symmetry", "f(x, y)", "f(y, x)", "x1"),
    ("chain-rule-slip", "diff(f(x, y)**2, x)", "2*diff(f(x, y), x)", "x1"),
    ("mixed-derivative-product", "diff(f(x, y), x, y)", "diff(f(x, y), x)*diff(f(x, y), y)",
     "x1 + x2"),
    ("harmonic", "diff(f(x, y), x, 2) + diff(f(x, y), y, 2)", "0", "x1**2"),
    # no simple stand-in refutes: the random function is cut down to one plain term
    ("fourth-mixed-derivative", "diff(f(x, y), x, 2, y, 2)", "0", "exp(-x1 + x2)"),
]

TWINS = [
    ("symmetry-of-sum", "f(x, y) + f(y, x)", "f(y, x) + f(x, y)"),
    ("chain-rule", "diff(f(x, y)**2, x)", "2*f(x, y)*diff(f(x, y), x)"),
    ("mixed-partials", "diff(f(x, y), x, y)", "diff(f(x, y), y, x)"),
]


@pytest.mark.parametrize(("lhs", "rhs", "witness"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_two_argument_witness_is_short(lhs: str, rhs: str, witness: str) -> None:
    first = run(TWO.format(lhs=lhs, rhs=rhs)).links[0]
    again = run(TWO.format(lhs=lhs, rhs=rhs)).links[0]
    assert first.status == "failed"
    assert first.counterexample["f(x1, x2)"] == witness
    assert again.counterexample == first.counterexample  # deterministic


@pytest.mark.parametrize(("lhs", "rhs"), [c[1:] for c in TWINS], ids=[c[0] for c in TWINS])
def test_true_twins_still_pass(lhs: str, rhs: str) -> None:
    assert run(TWO.format(lhs=lhs, rhs=rhs)).passed


def test_several_variables_have_simple_candidates_simplest_first() -> None:
    x1, x2, x3 = sympy.symbols("x1 x2 x3")
    found = simple_functions((x1, x2, x3))
    assert found[:6] == [0, 1, x1, x2, x3, x1 + x2 + x3]
    assert x1 * x2 in found and x1**2 in found and len(found) == len(set(found))
    assert simple_functions((x1,))[0] == x1  # one argument: as before
