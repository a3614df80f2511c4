"""The checking engine: link statuses, verdicts, hints, determinism and time boxes."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from lemma.derive.running import check as engine
from lemma.derive.running import workers
from lemma.derive.running.check import check_derivation
from lemma.derive.running.results import PASSING, DerivationResult


def block(body: str, header: str = "id=t") -> object:
    """Parse one derivation block whose lines are given without the fences."""
    found, problems = parse_note(f"```derivation {header}\n{body.strip()}\n```\n", "t.md")
    assert not problems, [p.format() for p in problems]
    return found[0]


def run(body: str, header: str = "id=t", time_box: float = 6.0) -> DerivationResult:
    return check_derivation(block(body, header), time_box=time_box)


def only_link(body: str, **kwargs) -> object:
    result = run(body, **kwargs)
    assert len(result.links) == 1
    return result.links[0]


# -- statuses --------------------------------------------------------------------------------


def test_polynomial_identity_is_proved_by_expand_and_cross_checked() -> None:
    result = run("given:\n  x, y: real\ncalc:\n  (x + y)**2\n  = x**2 + 2*x*y + y**2")
    link = result.links[0]
    assert (result.verdict, result.passed) == ("proved", True)
    assert (link.status, link.method) == ("proved", "expand")
    assert "cross-checked at 15 random points (exact)" in link.message


def test_piecewise_identity_is_proved_by_cases() -> None:
    link = only_link("given:\n  x, y: real\ncalc:\n  Min(x, y)\n  = (x + y - Abs(x - y))/2")
    assert link.status == "proved"
    assert link.method == "doit+cases"


def test_identity_without_a_proof_is_verified_at_exact_points() -> None:
    link = only_link("given:\n  x: real\ncalc:\n  floor(x) + floor(-x)\n"
                     "  = Piecewise((0, x == floor(x)), (-1, True))")
    assert link.status == "verified"
    assert link.method == "random exact x15"


def test_transcendental_identity_without_a_proof_is_numeric() -> None:
    link = only_link("given:\n  x: real > 0\ncalc:\n  atan(x) + atan(1/x)\n  = pi/2", time_box=3)
    assert link.status == "numeric"
    assert link.method.startswith("50-digit numeric")


@pytest.mark.parametrize("kind", ["unchecked", "cite"])
def test_unchecked_and_cited_links_make_the_block_incomplete(kind: str) -> None:
    result = run(f"given:\n  x: real\ncalc:\n  x\n  = x + 1   # {kind}: see the paper")
    assert (result.links[0].status, result.verdict, result.passed) == (
        "unchecked",
        "incomplete",
        False,
    )


def test_wrong_link_fails_with_a_shrunk_exact_counterexample() -> None:
    result = run("given:\n  x, y: real\ncalc:\n  (x + y)**2\n  = x**2 + y**2")
    link = result.links[0]
    assert (result.verdict, result.first_failure, link.status) == ("invalid", 1, "failed")
    assert link.counterexample == {"x": "1", "y": "1"}
    assert (link.lhs_value, link.rhs_value) == ("4", "2")
    assert link.residual == "2*x*y"


def test_symbolic_proof_contradicted_by_random_test_is_a_checker_error(monkeypatch) -> None:
    bogus = (("bogus", lambda e: 0, True),)
    monkeypatch.setattr(engine, "LADDER", bogus)
    monkeypatch.setattr(engine, "PROBE_POINTS", 0)  # let the bogus proof run first
    result = run("given:\n  x: real\ncalc:\n  x\n  = x + 1")
    assert result.verdict == "error"
    assert not result.passed
    assert result.links[0].error
    assert "checker error" in (result.error or "")


def test_counterexample_is_deterministic() -> None:
    text = "given:\n  a, b, c: real\ncalc:\n  a*b + c\n  = a*c + b"
    first = run(text).links[0]
    second = run(text).links[0]
    assert first.counterexample == second.counterexample
    assert (first.lhs_value, first.rhs_value) == (second.lhs_value, second.rhs_value)


def test_domains_are_respected_when_shrinking() -> None:
    link = only_link("given:\n  n: integer >= 3\ncalc:\n  n**2\n  = 3*n")
    assert link.counterexample == {"n": "4"}


def test_side_condition_rejects_points() -> None:
    text = "given:\n  x: real\nassume:\n  nz: x != 0\ncalc:\n  x/x\n  = 1"
    assert run(text).verdict in PASSING


# -- linear_combination ----------------------------------------------------------------------


def test_linear_combination_scalar() -> None:
    text = (
        "given:\n  a, b: real\nassume:\n  h: a == b + 1\ncalc:\n  a**2\n"
        "  = (b + 1)**2   # linear_combination((a + b + 1)*h)"
    )
    link = run(text).links[0]
    assert (link.status, link.method) == ("proved", "linear_combination + expand")


def test_wrong_linear_combination_fails() -> None:
    text = (
        "given:\n  a, b: real\nassume:\n  h: a == b + 1\ncalc:\n  a**2\n"
        "  = (b + 1)**2   # linear_combination((a + b)*h)"
    )
    link = run(text).links[0]
    assert link.status == "failed"
    assert "linear combination" in link.message
    assert link.counterexample is not None


def test_linear_combination_matrix_coefficients() -> None:
    text = (
        "given:\n  W: matrix 2x3\n  M: matrix 2x2 symmetric\n  lam: real\n"
        "assume:\n  tight: M == lam*eye(2)\ncalc:\n  W.T*M*W\n"
        "  = lam*W.T*W   # linear_combination(W.T*tight*W)"
    )
    assert run(text).links[0].status == "proved"


def test_plain_link_with_hypotheses_is_still_an_identity() -> None:
    text = "given:\n  a, b: real\nassume:\n  h: a == b\ncalc:\n  a\n  = b"
    result = run(text)
    assert result.links[0].status == "failed"


# -- inequalities ----------------------------------------------------------------------------


def test_inequality_proved_only_by_a_sign_argument() -> None:
    link = only_link("given:\n  x: real\ncalc:\n  0\n  < x**2 + 1")
    assert link.status == "proved"
    assert link.method == "sign from the declarations"


def test_true_inequality_without_a_proof_is_never_called_proved() -> None:
    link = only_link("given:\n  x: real\ncalc:\n  x**4 - x + 1\n  > 0")
    assert link.status == "verified"
    assert link.method == "not refuted on 27 samples"


def test_false_inequality_fails_with_counterexample() -> None:
    link = only_link("given:\n  x: real\ncalc:\n  x\n  <= x**2")
    assert link.status == "failed"
    assert link.counterexample == {"x": "1/2"}


# -- shapes, hints, expectations, time box --------------------------------------------------


def test_shape_mismatch_fails_with_transpose_hint() -> None:
    link = only_link("given:\n  W: matrix 2x3\n  h: vector 3\ncalc:\n  W*h\n  = h.T*W.T")
    assert link.status == "failed"
    assert link.message.startswith("shape mismatch: the left side is a 2×1 matrix")
    assert link.hints == ["the sides have transposed shapes: a transpose (.T) dropped or added?"]


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ("given:\n  x, y: real\ncalc:\n  x - y\n  = y - x", "differs only by a sign"),
        ("given:\n  x, y: real\ncalc:\n  (x + y)**2\n  = 2*(x + y)**2", "constant factor 1/2"),
        ("given:\n  A: matrix 2x2\n  v: vector 2\ncalc:\n  A*v\n  = A.T*v", "A is symmetric"),
        ("given:\n  A, B: matrix 2x2\ncalc:\n  A*B\n  = B*A", "commuting matrices"),
        ("given:\n  c: real\ncalc:\n  sqrt(c**2)\n  = c", "declare `c: real > 0`?"),
    ],
    ids=["sign", "factor", "symmetric", "commuting", "positive"],
)
def test_hints(body: str, hint: str) -> None:
    link = only_link(body)
    assert link.status == "failed"
    assert any(hint in h for h in link.hints), link.hints


def test_expect_invalid_passes_only_at_the_first_failing_link() -> None:
    body = "given:\n  x: real\ncalc:\n  x\n  = x + 1\n  = x + 2"
    assert run(body, "id=t expect=invalid@1").passed
    assert not run(body, "id=t expect=invalid@2").passed
    assert not run("given:\n  x: real\ncalc:\n  x\n  = x", "id=t expect=invalid@1").passed


def test_check_lines_are_evaluated_exactly() -> None:
    body = (
        "given:\n  g: integer >= 2\n  k: integer >= 0\n  m: integer >= 1\ncalc:\n"
        "  1 - (g + k - 1)/(g + k + m - 1)\n  = m/(g + k + m - 1)\n"
        "check:\n  g=300, k=65, m=16 => 4/95\n  g=300, k=65, m=16 => 1/25"
    )
    result = run(body)
    good, bad = result.checks
    assert (good.ok, good.actual, good.decimal) == (True, "4/95", "0.0421052631578947")
    assert (bad.ok, bad.message) == (False, "expected 1/25, got 4/95")
    assert result.verdict == "invalid"


def test_pathological_link_stops_at_its_time_box() -> None:
    body = (
        "given:\n  n: integer >= 10\ncalc:\n"
        "  factorial(factorial(n))\n  = factorial(factorial(n)) + 1"
    )
    result = run(body, time_box=1.5)
    link = result.links[0]
    assert result.verdict not in PASSING
    assert link.status == "unchecked"
    assert "time box of 1.5 s" in link.message
    assert result.seconds < (1.5 * workers.WALL_SLACK + workers.WALL_EXTRA) * 2  # CPU box


def test_matrix_check_line_and_derivative_at_a_point() -> None:
    body = (
        "given:\n  a: real\ncalc:\n  Matrix([[diff(a**3, a), 0]])\n  = Matrix([[3*a**2, 0]])\n"
        "check:\n  a=2 => Matrix([[12, 0]])\n  a=1 => Matrix([[3, 1]])"
    )
    good, bad = run(body).checks
    assert (good.ok, good.actual) == (True, "[[12, 0]]")
    assert (bad.ok, bad.message) == (False, "expected [[3, 1]], got [[3, 0]]")


def test_linear_combination_on_an_inequality_is_rejected() -> None:
    text = "given:\n  a: real\nassume:\n  h: a == 1\ncalc:\n  a\n  <= 2   # linear_combination(h)"
    link = run(text).links[0]
    assert (link.status, link.message) == ("failed", "linear_combination justifies equalities only")


def test_an_internal_checker_failure_is_reported_on_the_link(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "check_link", broken)
    result = run("given:\n  x: real\ncalc:\n  x\n  = x")
    assert result.verdict == "error"
    assert result.links[0].message == "checker error: RuntimeError: boom"
