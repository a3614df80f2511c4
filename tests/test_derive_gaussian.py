"""Gaussian vectors: `x: gaussian vector k (mu, S)`, E/Var/Cov/logpdf/KL, their moment-rule
proofs and the exact moments at sample points; every true identity has a false twin."""

from __future__ import annotations

import random

import pytest
import sympy

from lemma.derive.language.gaussian import GaussianVector, expectation_at
from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = """given:
  k, d: integer >= 1
  mu, nu, a, b: vector k
  S, T: matrix k x k posdef
  A, B: matrix k x k
  M: matrix d x k
  s: real > 0
  x: gaussian vector k (mu, S)
  y: gaussian vector k (nu, T)
  w: gaussian vector k (zeros(k, 1), S)
  z: gaussian vector k
  u: gaussian vector k (mu, s*eye(k))
calc:
  {lhs}
  = {rhs}
"""

KL = "(trace(inv(T)*S) + (nu - mu).T*inv(T)*(nu - mu) - k + {logs})/2"
RATIO = "log(det(T)/det(S))"

CASES = [  # (id, lhs, rhs, verdict)
    ("second-moment", "E(x*x.T)", "S + mu*mu.T", "proved"),
    ("second-moment-without-mean", "E(x*x.T)", "S", "invalid"),
    ("mean-of-affine-map", "E(A*x + b)", "A*mu + b", "proved"),
    ("mean-of-affine-map-transposed", "E(A*x + b)", "A.T*mu + b", "invalid"),
    ("quadratic-form", "E(x.T*A*x)", "trace(A*S) + mu.T*A*mu", "proved"),
    ("quadratic-form-without-mean", "E(x.T*A*x)", "trace(A*S)", "invalid"),
    ("quadratic-form-as-trace", "E(trace(A*x*x.T))", "trace(A*(S + mu*mu.T))", "proved"),
    ("quadratic-form-as-trace-transposed", "E(trace(A*x*x.T))", "trace(A.T*S*A)",
     "invalid"),
    ("affine-covariance", "Cov(A*x + b)", "A*S*A.T", "proved"),
    ("affine-covariance-slip", "Cov(A*x + b)", "A*S*A", "invalid"),
    ("cross-covariance", "Cov(x, M*x)", "S*M.T", "proved"),
    ("cross-covariance-of-independent", "Cov(x, A*y)", "zeros(k, k)", "proved"),
    ("cross-covariance-of-independent-slip", "Cov(x, A*x)", "zeros(k, k)", "invalid"),
    ("variance-of-projection", "Var(a.T*x)", "a.T*S*a", "proved"),
    ("variance-of-projection-with-mean", "Var(a.T*x)", "a.T*S*a + (a.T*mu)**2", "invalid"),
    ("variance-is-second-minus-square", "Var(a.T*x + 1)", "E((a.T*x)**2) - E(a.T*x)**2",
     "proved"),
    ("independent-bilinear", "E(x.T*A*y)", "mu.T*A*nu", "proved"),
    ("independent-bilinear-slip", "E(x.T*A*y)", "mu.T*A*nu + trace(A*S)", "invalid"),
    ("fourth-moment", "E((w.T*A*w)**2)",
     "trace(A*S)**2 + trace(A*S*A*S) + trace(A*S*A.T*S)", "proved"),
    ("fourth-moment-symmetric-slip", "E((w.T*A*w)**2)", "trace(A*S)**2 + 2*trace(A*S*A*S)",
     "invalid"),
    ("standard-normal", "E(z.T*z)", "k", "proved"),
    ("standard-normal-slip", "E(z.T*z)", "1", "invalid"),
    ("isotropic", "E(u.T*u)", "s*k + mu.T*mu", "proved"),
    ("isotropic-slip", "E(u.T*u)", "s + mu.T*mu", "invalid"),
    ("moment-generating-function", "E(exp(a.T*x + 1))", "exp(a.T*mu + 1 + a.T*S*a/2)",
     "proved"),
    ("moment-generating-function-without-spread", "E(exp(a.T*x + 1))", "exp(a.T*mu + 1)",
     "invalid"),
    ("log-normal-second-moment", "E(exp(2*a.T*z))", "exp(2*a.T*a)", "proved"),
    ("log-normal-second-moment-slip", "E(exp(2*a.T*z))", "exp(a.T*a)", "invalid"),
    ("kl-divergence", "KL(x, y)", KL.format(logs=RATIO), "proved"),
    ("kl-divergence-logs-apart", "KL(x, y)", KL.format(logs="log(det(T)) - log(det(S))"), "proved"),
    ("kl-divergence-inverse-slip", "KL(x, y)",
     KL.format(logs=RATIO).replace("inv(T)*S", "inv(S)*T"), "invalid"),
    ("kl-divergence-sign-slip", "KL(x, y)", KL.format(logs=RATIO).replace("- k", "+ k"),
     "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_gaussian_identities(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        assert link.method == "matrix ring normal form"
        assert "cross-checked at" in link.message
    else:
        assert link.counterexample or "shape" in link.message


def test_a_proof_is_cross_checked_at_several_sizes() -> None:
    """The exact moments at points are independent of the moment rules: a pass needs points."""
    result = run(GIVEN.format(lhs="E(x*x.T)", rhs="S + mu*mu.T"))
    assert "exact" in result.links[0].message


def test_exact_moments_at_a_point_match_the_scalar_formulas() -> None:
    """k = 1: E(x**4) = m**4 + 6 m**2 v + 3 v**2 and E(x**3) = m**3 + 3 m v (Isserlis with a
    mean), computed entry by entry from the drawn mean and covariance."""
    k = sympy.Symbol("k", integer=True, positive=True)
    mu, cov = sympy.MatrixSymbol("mu", k, 1), sympy.MatrixSymbol("S", k, k)
    x = GaussianVector("x", k, 1, mu, cov)
    m, v = sympy.Rational(3, 2), sympy.Rational(5, 7)
    values = {k: 1, mu: sympy.ImmutableMatrix([[m]]), cov: sympy.ImmutableMatrix([[v]])}
    fourth = expectation_at(sympy.Trace(x.T * x * x.T * x), values)
    third = expectation_at(sympy.Trace(x.T * x * x.T * mu), values)
    assert fourth == m**4 + 6 * m**2 * v + 3 * v**2
    assert third == (m**3 + 3 * m * v) * m


def test_exact_second_moment_at_a_random_point() -> None:
    rng = random.Random(4)
    k = sympy.Symbol("k", integer=True, positive=True)
    mu, cov = sympy.MatrixSymbol("mu", k, 1), sympy.MatrixSymbol("S", k, k)
    x = GaussianVector("x", k, 1, mu, cov)
    m = sympy.ImmutableMatrix([sympy.Rational(rng.randint(-9, 9), 4) for _ in range(3)])
    b = sympy.Matrix(3, 3, lambda i, j: sympy.Rational(rng.randint(-9, 9), 5))
    s = sympy.ImmutableMatrix(b * b.T + sympy.eye(3))
    got = expectation_at(x * x.T, {k: 3, mu: m, cov: s})
    assert got == s + m * m.T


PROBLEMS = [  # (id, declaration or calc line, message)
    ("explicit-size", ("  x: gaussian vector 3", "E(x)"), "a gaussian vector has a symbolic "
     "size"),
    ("covariance-not-posdef", ("  x: gaussian vector k (mu, A)", "E(x)"),
     "the covariance of a gaussian vector must be a matrix declared `k x k posdef`, eye(k) or "
     "a positive multiple of eye"),
    ("mean-of-wrong-shape", ("  x: gaussian vector k (A, S)", "E(x)"),
     "the mean of a gaussian vector of size k is a k x 1 vector of symbolic size"),
    ("law-without-covariance", ("  x: gaussian vector k (mu)", "E(x)"),
     "the law of a gaussian vector is (mean, covariance)"),
    ("no-gaussian-inside", ("  x: gaussian vector k (mu, S)", "E(A*mu)"),
     "E(...) needs a Gaussian vector inside"),
    ("not-a-polynomial", ("  x: gaussian vector k (mu, S)", "E(det(x*x.T))"),
     "E(...) takes a polynomial in the Gaussian vectors, but this has a Gaussian vector inside "
     "Determinant"),
    ("degree-too-high", ("  x: gaussian vector k (mu, S)", "E((x.T*x)**3)"),
     "E(...) of degree 6 in the Gaussian vectors is beyond the moment rules (at most 4)"),
    ("variance-of-degree-three", ("  x: gaussian vector k (mu, S)", "Var((x.T*x)*(x.T*mu))"),
     "Var(...) of degree 6 in the Gaussian vectors is beyond the moment rules (at most 4)"),
    ("exp-of-a-quadratic-form", ("  x: gaussian vector k (mu, S)", "E(exp(x.T*x))"),
     "E(...) takes a polynomial in the Gaussian vectors, but this has exp of a form of degree "
     "above 1 in a Gaussian vector"),
    ("exp-times-the-vector", ("  x: gaussian vector k (mu, S)", "E(x*exp(mu.T*x))"),
     "E(...) takes a polynomial in the Gaussian vectors, but this has exp of a Gaussian vector "
     "times another factor that depends on it"),
    ("kl-of-a-plain-vector", ("  x: gaussian vector k (mu, S)", "KL(x, mu)"),
     "the second argument of KL is a declared Gaussian vector"),
    ("logpdf-of-a-plain-vector", ("  x: gaussian vector k (mu, S)", "logpdf(mu, x)"),
     "the first argument of logpdf is a declared Gaussian vector"),
    ("e-takes-one-argument", ("  x: gaussian vector k (mu, S)", "E(x, x)"),
     "E takes 1 argument(s), got 2"),
]


@pytest.mark.parametrize(("lines", "message"), [c[1:] for c in PROBLEMS],
                         ids=[c[0] for c in PROBLEMS])
def test_gaussian_problems_are_named(lines: tuple[str, str], message: str) -> None:
    declaration, calc = lines
    text = ("```derivation id=t\ngiven:\n  k: integer >= 1\n  mu: vector k\n"
            "  S: matrix k x k posdef\n  A: matrix k x k\n" + declaration + "\ncalc:\n  "
            + calc + "\n  = 0\n```\n")
    _, problems = parse_note(text, "t.md")
    assert [p.message for p in problems] == [message]
    assert problems[0].pos.line in (7, 9)


def test_e_alone_is_still_euler_number() -> None:
    result = run("given:\n  a: real\ncalc:\n  log(E**a)\n  = a")
    assert result.verdict == "proved"


@pytest.mark.parametrize(("relation", "verdict"), [(">=", "proved"), (">", "invalid")])
def test_a_variance_is_nonnegative_not_positive(relation: str, verdict: str) -> None:
    """The moments are written out before the sign argument: Var(a.T*x) is a.T*S*a, >= 0 for S
    posdef (and 0 at a = 0, where the strict claim is refuted)."""
    result = run(GIVEN.replace("  {lhs}\n  = {rhs}\n", f"  Var(a.T*x)\n  {relation} 0\n"))
    assert result.verdict == verdict, [(li.status, li.message) for li in result.links]


def test_a_one_by_one_product_equals_its_transpose() -> None:
    """A 1 x 1 difference is compared as its trace: x.T*A*b = b.T*A.T*x is proved."""
    result = run(GIVEN.format(lhs="mu.T*A*b", rhs="b.T*A.T*mu"))
    assert (result.verdict, result.links[0].method) == ("proved", "matrix ring normal form")
    slip = run(GIVEN.format(lhs="mu.T*A*b", rhs="b.T*A*mu"))
    assert slip.verdict == "invalid"
