"""norm at symbolic size, hadamard, diag and pinv: identities with a false twin each, and the
problems they name."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = """given:
  k, d: integer >= 1
  a, b, m: vector k
  c: vector d
  A, B: matrix k x k
  S: matrix k x k posdef
  M: matrix d x k
calc:
  {lhs}
  = {rhs}
"""

CASES = [  # (id, lhs, rhs, verdict)
    ("norm-of-layer", "norm(A*a)**2", "a.T*A.T*A*a", "proved"),
    ("norm-of-layer-slip", "norm(A*a)**2", "a.T*A*A.T*a", "invalid"),
    ("norm-of-sum", "norm(a + b)**2", "norm(a)**2 + 2*a.T*b + norm(b)**2", "proved"),
    ("norm-of-sum-slip", "norm(a + b)**2", "norm(a)**2 + norm(b)**2", "invalid"),
    ("least-squares-gradient", "diff(norm(M*a - c)**2, a)", "2*M.T*(M*a - c)", "proved"),
    ("least-squares-gradient-slip", "diff(norm(M*a - c)**2, a)", "M.T*(M*a - c)", "invalid"),
    ("frobenius", "norm(M)**2", "trace(M*M.T)", "proved"),
    ("frobenius-slip", "norm(M)**2", "trace(M*M.T)**2", "invalid"),
    ("diag-times-vector", "diag(a)*b", "hadamard(a, b)", "tested"),
    ("diag-times-vector-slip", "diag(a)*b", "hadamard(a, a)", "invalid"),
    ("weighted-inner-product", "a.T*diag(b)*m", "trace(hadamard(a, b).T*m)", "tested"),
    ("weighted-inner-product-slip", "a.T*diag(b)*m", "trace(hadamard(a, m).T*a)", "invalid"),
    ("hadamard-trace", "trace(A.T*hadamard(B, S))", "trace(hadamard(A, B).T*S)", "tested"),
    ("hadamard-trace-slip", "trace(A.T*hadamard(B, S))", "trace(hadamard(A, B)*B)",
     "invalid"),
    ("trace-is-sum-of-diagonal", "trace(A)", "ones(k).T*diag(A)", "tested"),
    ("trace-is-sum-of-diagonal-slip", "trace(A)", "ones(k).T*diag(A*A)", "invalid"),
    ("pinv-first-penrose", "A*pinv(A)*A", "A", "tested"),
    ("pinv-is-not-an-inverse", "pinv(A)*A", "eye(k)", "invalid"),
    ("pinv-second-penrose", "pinv(M)*M*pinv(M)", "pinv(M)", "tested"),
    ("pinv-second-penrose-slip", "pinv(M)*M*pinv(M)", "M.T", "invalid"),
    ("pinv-projector-symmetric", "(M*pinv(M)).T", "M*pinv(M)", "tested"),
    ("pinv-projector-slip", "(M*pinv(M)).T", "eye(d)", "invalid"),
    ("pinv-transpose", "pinv(M).T", "pinv(M.T)", "tested"),
    ("pinv-of-gram", "pinv(M.T*M)", "pinv(M)*pinv(M).T", "tested"),
    ("pinv-of-gram-slip", "pinv(M.T*M)", "inv(M.T*M)", "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_elementwise_identities(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "tested":
        assert "at sizes" in link.message and "k=1" in link.message and "k=4" in link.message


def test_explicit_sizes_are_written_out_and_proved() -> None:
    result = run("given:\n  A: matrix 2x3\n  v, w: vector 2\ncalc:\n  A*pinv(A)*A + "
                 "diag(v)*A\n  = A + Matrix([[v[1]*A[1, 1], v[1]*A[1, 2], v[1]*A[1, 3]], "
                 "[v[2]*A[2, 1], v[2]*A[2, 2], v[2]*A[2, 3]]])")
    assert result.verdict in ("proved", "tested"), result.links[0].message


@pytest.mark.parametrize(("expr", "message"), [
    ("hadamard(A, M)", "hadamard multiplies matrices of one shape, not a kxk and a dxk matrix"),
    ("diag(M)", "diag takes a vector (its diagonal matrix) or a square matrix (its diagonal), "
     "not a dxk matrix"),
    ("pinv(1)", "pinv takes matrices, but this is a scalar"),
    ("hadamard(A)", "hadamard takes 2 argument(s), got 1"),
])
def test_problems_are_named(expr: str, message: str) -> None:
    _, problems = parse_note("```derivation id=t\n" + GIVEN.format(lhs=expr, rhs="0")
                             + "```\n", "t.md")
    assert [p.message for p in problems] == [message]
