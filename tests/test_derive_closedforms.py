"""Classes 6 and 8 of the checker-soundness review: sympy's closed forms of Integral, Sum and
Limit are cross-checked numerically before a point uses them; an integral sympy leaves
unevaluated is a number, not "undefined"; a margin below 1e-120 is still a sign."""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.evidence import closedforms, evaluate
from lemma.derive.running.results import PASSING
from tests.test_derive_verdicts import statuses, verdict

A = "given:\n  a: real > 0\n  x: real\n"
N = "given:\n  n: integer\n"
H = "given:\n  h: real\n"


@pytest.fixture
def wrong_closed_forms(monkeypatch):
    """sympy's closed forms, each made wrong by 1/1000 (as an antiderivative with a jump inside
    the range would be)."""
    exact = evaluate._closed_form
    monkeypatch.setattr(evaluate, "_closed_form",
                        lambda node: exact(node) + sympy.Rational(1, 1000))


@pytest.mark.parametrize("body", [
    A + "calc:\n  Integral(exp(-a*x), (x, 0, 1))\n  = (1 - exp(-a))/a",
    N + "calc:\n  Sum(1/(n*(n + 1)), (n, 1, oo))\n  = 1",
    H + "calc:\n  Limit((exp(h) - 1)/h, h, 0)\n  = 1",
], ids=["integral", "infinite-sum", "limit"])
def test_a_wrong_closed_form_is_reported_and_never_used(body: str, wrong_closed_forms) -> None:
    bad = verdict(body)
    assert bad.verdict == "incomplete", statuses(bad)  # neither refuted nor passed
    assert "sympy's closed form of " in bad.links[0].message
    assert "this point is not used" in bad.links[0].message


@pytest.mark.parametrize("body", [
    A + "calc:\n  Integral(exp(-a*x), (x, 0, 1))\n  = (1 - exp(-a))/a",
    N + "calc:\n  Sum(1/(n*(n + 1)), (n, 1, oo))\n  = 1",
    H + "calc:\n  Limit((exp(h) - 1)/h, h, 0)\n  = 1",
], ids=["integral", "infinite-sum", "limit"])
def test_a_right_closed_form_passes_its_cross_check(body: str) -> None:
    good = verdict(body)
    assert good.verdict in PASSING, statuses(good)
    assert "not used" not in good.links[0].message


@pytest.mark.parametrize(("node", "closed"), [
    (sympy.Integral(sympy.exp(-sympy.Symbol("x")), (sympy.Symbol("x"), 0, 1)),
     1 - sympy.exp(-1) + sympy.Rational(1, 10**6)),
    (sympy.Sum(1 / sympy.Symbol("n", integer=True)**2, (sympy.Symbol("n", integer=True), 1,
                                                       sympy.oo)), sympy.pi**2 / 6 + 1),
    (sympy.Limit(sympy.sin(sympy.Symbol("h")) / sympy.Symbol("h"), sympy.Symbol("h"), 0),
     sympy.Rational(99, 100)),
], ids=["integral-off-by-1e-6", "sum-off-by-one", "limit-off-by-a-percent"])
def test_the_cross_check_sees_a_wrong_value(node: sympy.Expr, closed: sympy.Expr) -> None:
    with pytest.raises(closedforms.Disagreement, match="sympy's closed form of"):
        closedforms.checked(node, lambda _: closed)
    assert closedforms.checked(node, lambda n: n.doit()) == node.doit()


def test_a_proof_through_a_wrong_symbolic_closed_form_is_refuted_not_an_error(monkeypatch
                                                                                ) -> None:
    """sympy says Integral(1/(a + cos(x)), (x, 0, 2*pi)) = 0 for symbolic a > 0; the points,
    whose closed forms are checked by quadrature, refute the link (no probe first)."""
    import lemma.derive.running.check as engine

    monkeypatch.setattr(engine, "PROBE_POINTS", 0)
    bad = verdict("given:\n  a: real > 1\n  x: real\ncalc:\n  Integral(1/(a + cos(x)), "
                  "(x, 0, 2*pi))\n  = 0")
    assert (bad.verdict, bad.links[0].error) == ("invalid", False), statuses(bad)


# -- class 8: false refutations ---------------------------------------------------------------

X = "given:\n  x: real\n"


@pytest.mark.parametrize(("invalid", "valid"), [
    (X + "calc:\n  Integral(x/(exp(x) + 1), (x, 0, oo))\n  > 1",
     X + "calc:\n  Integral(x/(exp(x) + 1), (x, 0, oo))\n  < 1"),
    (X + "calc:\n  Integral(x**2/(exp(x) + 1), (x, 0, oo))\n  > 2",
     X + "calc:\n  Integral(x**2/(exp(x) + 1), (x, 0, oo))\n  < 2"),
], ids=["improper-at-infinity", "three-halves-of-zeta-of-three"])
def test_an_unevaluated_convergent_integral_is_a_number(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    good = verdict(valid)
    assert good.verdict in PASSING, statuses(good)


FAR = "given:\n  x: real > 200\n"


@pytest.mark.parametrize(("invalid", "valid"), [
    (FAR + "calc:\n  log(1 + exp(-x))\n  < 0", FAR + "calc:\n  log(1 + exp(-x))\n  > 0"),
    (FAR + "calc:\n  1/(1 + exp(-x))\n  >= 1", FAR + "calc:\n  1/(1 + exp(-x))\n  < 1"),
    (X + "calc:\n  log(1 + exp(-300))\n  <= 0", X + "calc:\n  log(1 + exp(-300))\n  > 0"),
], ids=["log-of-one-plus-tiny", "sigmoid-below-one", "a-constant-margin-of-1e-131"])
def test_a_margin_below_1e_120_is_a_sign_not_zero(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    good = verdict(valid)
    assert good.verdict == "proved", statuses(good)
