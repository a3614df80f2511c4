"""Soundness: a false derivation is never called valid, and its valid twin still is.

One row per class of hole the outside review found; every invalid case has a valid twin that
differs by the assumption, the bound or the step that makes it true, so a checker that simply
rejects everything fails here too.
"""

from __future__ import annotations

import time

import pytest

from lemma.derive.language.block import DerivationSyntaxError
from lemma.derive.language.parse import find_blocks, parse_block
from lemma.derive.running import workers
from lemma.derive.running.cache import cacheable
from lemma.derive.running.check import check_derivation
from lemma.derive.running.results import PASSING, DerivationResult, LinkResult


def parse(body: str):
    text = f"```derivation id=s\n{body.strip()}\n```\n"
    return parse_block(find_blocks(text, "s.md")[0])


def verdict(body: str, time_box: float = 8.0) -> DerivationResult:
    return check_derivation(parse(body), time_box=time_box)


#: (id, invalid block, its valid twin). The invalid one must not be valid; the twin must be.
CASES = [
    # 1. linear_combination is a ring identity: dividing needs a proved-nonzero denominator
    ("combo-divides-by-a-variable",
     "given:\n  x, y: real\nassume:\n  h: x*y == 0\ncalc:\n  y\n  = 0   # linear_combination(h/x)",
     "given:\n  x, y: real\nassume:\n  h: x*y == 0\n  nz: x != 0\n"
     "calc:\n  y\n  = 0   # linear_combination(h/x)"),
    ("combo-coefficient-divides",
     "given:\n  a, b: real\nassume:\n  h: a*b == a\ncalc:\n  b\n  = 1   # linear_combination(h/a)",
     "given:\n  a: real > 0\n  b: real\nassume:\n  h: a*b == a\n"
     "calc:\n  b\n  = 1   # linear_combination(h/a)"),
    # 2. side conditions enter proofs: an inverse needs its determinant nonzero
    ("inverse-without-full-rank",
     "given:\n  W: matrix 2x3\n  M: matrix 2x2 symmetric\n  lam: real\n"
     "assume:\n  DNFA: W.T*M*W == lam*W.T*W\n"
     "calc:\n  M\n  = lam*eye(2)   # linear_combination(inv(W*W.T)*W*DNFA*W.T*inv(W*W.T))",
     "given:\n  W: matrix 2x3\n  M: matrix 2x2 symmetric\n  lam: real\n"
     "assume:\n  DNFA: W.T*M*W == lam*W.T*W\n  fullrank: det(W*W.T) != 0\n"
     "calc:\n  M\n  = lam*eye(2)   # linear_combination(inv(W*W.T)*W*DNFA*W.T*inv(W*W.T))"),
    ("cancel-a-factor-that-may-vanish",
     "given:\n  x: real\ncalc:\n  (x**2 - 1)/(x - 1)\n  = x + 1",
     "given:\n  x: real\nassume:\n  nz: x - 1 != 0\ncalc:\n  (x**2 - 1)/(x - 1)\n  = x + 1"),
    ("x-over-x", "given:\n  x: real\ncalc:\n  x/x\n  = 1",
     "given:\n  x: real > 0\ncalc:\n  x/x\n  = 1"),
    ("square-root-of-a-negative", "given:\n  x: real\ncalc:\n  sqrt(x)**2\n  = x",
     "given:\n  x: real >= 0\ncalc:\n  sqrt(x)**2\n  = x"),
    ("log-of-a-product", "given:\n  x, y: real\ncalc:\n  log(x*y)\n  = log(x) + log(y)",
     "given:\n  x, y: real > 0\ncalc:\n  log(x*y)\n  = log(x) + log(y)"),
    # 3. undefined and infinite values are counterexamples, not skipped
    ("geometric-series-outside-its-radius",
     "given:\n  x: real in (-2, 2)\nassume:\n  nz: 1 - x != 0\n"
     "calc:\n  Sum(x**j, (j, 0, oo))\n  = 1/(1 - x)",
     "given:\n  x: real in (-1, 1)\ncalc:\n  Sum(x**j, (j, 0, oo))\n  = 1/(1 - x)"),
    ("divergent-integral",
     "calc:\n  Integral(1/x**2, (x, -1, 1))\n  = -2",
     "calc:\n  Integral(x**2, (x, -1, 1))\n  = 2/3"),
    ("pole-in-a-middle-expression",
     "given:\n  x: real\ncalc:\n  x\n  = x + 1/x - 1/x\n  = x",
     "given:\n  x: real < 0\ncalc:\n  x\n  = x + 1/x - 1/x\n  = x"),
    # 4. arbitrary functions are not cubics
    ("simpson-rule",
     "given:\n  f: function 1\ncalc:\n  Integral(f(x), (x, 0, 1))\n  = (f(0) + 4*f(1/2) + f(1))/6",
     "given:\n  f: function 1\ncalc:\n  Integral(diff(f(x), x), (x, 0, 1))\n  = f(1) - f(0)"),
    ("fourth-derivative-vanishes",
     "given:\n  f: function 1\n  x: real\ncalc:\n  diff(f(x), x, 4)\n  = 0",
     "given:\n  f: function 1\n  x: real\ncalc:\n  diff(f(x), x, 4)\n"
     "  = diff(diff(f(x), x, 2), x, 2)"),
    ("cubic-taylor-without-remainder",
     "given:\n  f: function 1\n  x, h: real\n"
     "calc:\n  f(x + h)\n  = f(x) + h*diff(f(x), x) + h**2/2*diff(f(x), x, 2)\n"
     "      + h**3/6*diff(f(x), x, 3)",
     "given:\n  f: function 1\n  x, h: real\n"
     "calc:\n  f(x + h) - f(x)\n  = -(f(x) - f(x + h))"),
    # 5. sample points are not on a grid; ends of closed intervals and large integers are tried
    ("grid-of-rationals", "given:\n  x: real\ncalc:\n  sin(2520*pi*x)\n  = 0",
     "given:\n  k: integer\ncalc:\n  sin(2520*pi*k)\n  = 0"),
    ("closed-interval-end", "given:\n  x: real in [0, 1]\ncalc:\n  x*(1 - x)\n  > 0",
     "given:\n  x: real in (0, 1)\ncalc:\n  x*(1 - x)\n  > 0"),
    ("large-integers", "given:\n  n: integer >= 0\ncalc:\n  floor(n/50)\n  = 0",
     "given:\n  n: integer in [0, 49]\ncalc:\n  floor(n/50)\n  = 0"),
    # 6. numeric comparison is relative to the working precision
    ("tiny-difference", "given:\n  x: real > 70\ncalc:\n  1/(1 + exp(-x))\n  = 1",
     "given:\n  x: real > 70\ncalc:\n  1/(1 + exp(-x))\n  = exp(x)/(exp(x) + 1)"),
    # 7. bound variables are local
    ("subs-does-not-inherit-positivity",
     "given:\n  x: real > 0\ncalc:\n  Subs(sqrt(x**2), x, -x)\n  = -x",
     "given:\n  x: real > 0\ncalc:\n  Subs(sqrt(x**2), x, -x)\n  = x"),
    ("integral-does-not-inherit-positivity",
     "given:\n  x: real > 0\ncalc:\n  Integral(sqrt(x**2), (x, -1, 1))\n  = 0",
     "given:\n  x: real > 0\ncalc:\n  Integral(sqrt(x**2), (x, -1, 1))\n  = 1"),
    # 8. pinned semantics: empty sums, two-sided limits
    ("empty-sum-for-negative-n",
     "given:\n  n: integer\ncalc:\n  Sum(2*k - 1, (k, 1, n))\n  = n**2",
     "given:\n  n: integer >= 0\ncalc:\n  Sum(2*k - 1, (k, 1, n))\n  = n**2"),
    ("limit-is-two-sided", "calc:\n  Limit(Abs(x)/x, x, 0)\n  = 1",
     'calc:\n  Limit(Abs(x)/x, x, 0, "+")\n  = 1'),
]


@pytest.mark.parametrize(("invalid", "valid"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_false_derivation_is_never_valid_and_its_twin_is(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict not in PASSING, [(x.status, x.method, x.message) for x in bad.links]
    assert not any(x.status == "proved" for x in bad.links if x.status == "failed")
    good = verdict(valid)
    assert good.verdict in PASSING, [(x.status, x.method, x.message) for x in good.links]


DIFFERENCE_QUOTIENT = ("given:\n  f: function 1\n  x, h: real\ncalc:\n"
                       "  Limit((f(x + h) - f(x))/h, h, 0)\n  = {}")


def test_a_difference_quotient_with_a_declared_step_is_refuted_and_its_twin_never_is() -> None:
    """Each point takes a symbolic limit (seconds of CPU): the true twin may run out of its time
    box before the point budget, and is then incomplete -- never refuted, never passed."""
    bad = verdict(DIFFERENCE_QUOTIENT.format("2*diff(f(x), x)"))
    assert bad.verdict == "invalid", [(x.status, x.message) for x in bad.links]
    good = verdict(DIFFERENCE_QUOTIENT.format("diff(f(x), x)"))
    assert good.verdict in (*PASSING, "incomplete")
    assert [x.status for x in good.links] != ["failed"]


def first_link(body: str) -> LinkResult:
    return verdict(body).links[0]


def test_an_undeclared_inverse_fails_with_a_singular_counterexample_and_a_hint() -> None:
    link = first_link(CASES[2][1])
    assert link.status == "failed"
    assert link.message == "undefined here: det(W*W.T) != 0 fails"
    assert link.hints[0] == "holds where det(W*W.T) != 0 — declare it under assume:?"


def test_a_pole_is_reported_where_the_author_divided() -> None:
    link = first_link(CASES[4][1])
    assert (link.status, link.counterexample) == ("failed", {"x": "0"})
    assert link.message == "undefined here: x != 0 fails"


def test_a_proof_that_needs_an_undeclared_condition_is_at_most_verified() -> None:
    # the series is 1/(1 - x) inside (-1, 1); x = 1 is outside, so nothing fails there, but the
    # sum's range runs from 0 with no upper end the declarations bound: verified, not proved
    link = first_link("given:\n  n: integer\n  x: real\ncalc:\n  Sum(x, (k, 1, n))\n  = n*x")
    assert link.status != "proved"


def test_an_irrational_pole_is_found_by_solving_the_denominator() -> None:
    link = first_link("given:\n  x: real\ncalc:\n  (x**2 - 2)/(x**2 - 2)\n  = 1")
    assert link.status == "failed"
    assert link.message == "undefined here: x**2 - 2 != 0 fails"


def test_a_condition_neither_proved_nor_violated_is_named_and_leaves_the_link_open() -> None:
    link = first_link("given:\n  x: real\ncalc:\n  (sin(x) + 2)/(sin(x) + 2)\n  = 1")
    assert link.status == "unchecked"
    assert ("but only where sin(x) + 2 != 0: not implied by the declarations, so the link is "
            "not decided") in link.message
    assert link.hints == ["holds where sin(x) + 2 != 0 — declare it under assume:?"]
    declared = first_link("given:\n  x: real\nassume:\n  nz: sin(x) + 2 != 0\n"
                          "calc:\n  (sin(x) + 2)/(sin(x) + 2)\n  = 1")
    assert declared.status == "proved"


@pytest.mark.parametrize("text", [
    "linear_combination(h/h)", "linear_combination(h + 1)", "linear_combination(exp(h))",
    "linear_combination(h**-1)", "linear_combination(1/(h + x))",
], ids=["divide-by-itself", "bare-term", "function-of-h", "negative-power", "in-a-denominator"])
def test_a_combination_only_adds_and_multiplies_hypotheses(text: str) -> None:
    with pytest.raises(DerivationSyntaxError) as err:
        parse(f"given:\n  x: real\nassume:\n  h: x == 1\ncalc:\n  x\n  = 1   # {text}")
    assert "hypothes" in err.value.message


def test_too_few_admissible_points_is_incomplete_never_valid() -> None:
    result = verdict("given:\n  x: real in (0, 1)\nassume:\n  nz: floor(x) != 0\n"
                     "calc:\n  x\n  = 2*x")
    assert result.verdict == "incomplete"
    assert "no admissible sample point" in result.links[0].message


def test_bound_variables_are_fresh_even_when_the_name_is_declared() -> None:
    d = parse("given:\n  j: integer >= 5\ncalc:\n  Sum(j, (j, 1, 3))\n  = 6")
    assert d.steps[0].lhs.doit() == 6


def slow_points():
    yield 1
    yield 2
    time.sleep(30)
    yield 3


def test_a_stream_keeps_what_it_computed_before_the_time_box() -> None:
    out = workers.run_stream(slow_points, timeout=1.0)
    assert (out.status, out.value) == ("timeout", [1, 2])


def test_a_link_cut_short_by_the_time_box_is_cached() -> None:
    link = LinkResult(index=1, line=3, relation="=", status="verified",
                      message="12 of 15 points agree, time box of 10 s reached")
    result = DerivationResult(id="s", path="s.md", line=1, title="", verdict="tested",
                              expected="valid", first_failure=None, links=[link])
    assert cacheable(result)


def test_a_combination_is_not_refuted_where_its_hypothesis_is_undefined() -> None:
    result = verdict("given:\n  x, y: real\nassume:\n  h: y == 1/x\n"
                     "calc:\n  x*y\n  = 1   # linear_combination(x*h)")
    assert result.verdict in PASSING, [(x.status, x.message) for x in result.links]


def test_a_check_cut_by_the_time_box_leaves_the_block_incomplete_not_invalid() -> None:
    from lemma.derive.running.results import CheckResult, decide_verdict

    link = LinkResult(index=1, line=3, relation="=", status="proved")
    open_check = CheckResult("n=3 => 6", 5, "6", "", "", False, "time box of 1 s exhausted",
                             decided=False)
    assert decide_verdict([link], [open_check]) == ("incomplete", None)
    wrong = CheckResult("n=3 => 7", 5, "7", "6", "6.0", False, "expected 7, got 6")
    assert decide_verdict([link], [wrong]) == ("invalid", None)


def test_the_result_states_the_composed_conclusion() -> None:
    result = verdict("given:\n  x: real > 0\ncalc:\n  x\n  <= x + 1\n  = 1 + x\n  < x + 2")
    assert result.verdict in PASSING
    assert result.conclusion == "x < x + 2"


@pytest.mark.parametrize(("body", "status"), [
    ("given:\n  x: real > 0\ncalc:\n  x + exp(-1000)\n  > x", "proved"),
    ("given:\n  x: real > 0\ncalc:\n  x + exp(-1000)\n  = x", "failed"),
    ("given:\n  x: real > 0\ncalc:\n  log(6*x) - log(2*x)\n  = log(3)", "proved"),
], ids=["tiny-but-positive", "tiny-but-nonzero", "true-zero-by-cancellation"])
def test_tiny_values_are_decided_by_precision_not_by_size(body: str, status: str) -> None:
    assert first_link(body).status == status


#: A true identity whose sides are about e^-1746 at this block's points: the difference has no
#: significant digits at any precision, and must not be taken for a counterexample.
TANH_BLOCK = (
    'title: variant 4\n'
    'given:\n'
    '  x, w, b, v: real    # input and θ (bounded: see the note below the block)\n'
    '  dw, db, dv: real    # Δ\n'
    'calc:\n'
    '     Subs(diff((v + e*dv)*tanh((w + e*dw)*x + b + e*db), e, 2), e, 0)\n'
    '  =  2*dv*(dw*x + db)*(1 - tanh(w*x + b)**2) - 2*v*(dw*x + db)**2*tanh'
    '(w*x + b)*(1 - tanh(w*x + b)**2)\n'
    'check:\n'
    '  x=1, w=0, b=1, v=1, dw=1, db=0, dv=0 => -2*tanh(1)*(1 - tanh(1)**2)'
)


def test_cancellation_without_significant_digits_is_not_a_counterexample() -> None:
    result = verdict(TANH_BLOCK, time_box=15.0)
    assert result.verdict in PASSING, [(x.status, x.message) for x in result.links]


def test_a_sum_up_to_a_real_number_is_refused_not_proved() -> None:
    with pytest.raises(DerivationSyntaxError) as err:
        parse("given:\n  x: real > 0\ncalc:\n  Sum(k, (k, 1, x))\n  = x*(x + 1)/2")
    assert err.value.message == "a bound of Sum must be an integer, and x is not known to be one"
    assert parse("given:\n  x: real > 0\ncalc:\n  Sum(k, (k, 1, floor(x)))\n  = 0").steps


def test_check_lines_use_the_same_semantics_as_the_links() -> None:
    result = verdict("given:\n  n: integer\ncalc:\n  Sum(2*k - 1, (k, 1, n))\n"
                     "  = Sum(2*k - 1, (k, 1, n))\ncheck:\n  n=-3 => 0\n  n=3 => 9")
    assert [c.ok for c in result.checks] == [True, True]  # an empty sum is 0, not sympy's -9
