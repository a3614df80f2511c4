"""jacobian(F, x) and Hessians (jacobian(diff(f, x), x)) at symbolic size: proved by the
differential rules, cross-checked entry by entry at points; each identity with a false twin."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = """given:
  k, d: integer >= 1
  a, b: vector k
  c: vector d
  A: matrix k x k
  M: matrix d x k
calc:
  {lhs}
  = {rhs}
"""

CASES = [  # (id, lhs, rhs, verdict)
    ("affine-map", "jacobian(A*a + b, a)", "A", "proved"),
    ("affine-map-transposed", "jacobian(A*a + b, a)", "A.T", "invalid"),
    ("hessian-of-quadratic-form", "jacobian(diff(a.T*A*a, a), a)", "A + A.T", "proved"),
    ("hessian-of-quadratic-form-symmetric-slip", "jacobian(diff(a.T*A*a, a), a)", "2*A",
     "invalid"),
    ("hessian-of-least-squares", "jacobian(diff(norm(M*a - c)**2, a), a)", "2*M.T*M",
     "proved"),
    ("hessian-of-least-squares-slip", "jacobian(diff(norm(M*a - c)**2, a), a)", "M.T*M",
     "invalid"),
    ("scaled-by-a-norm", "jacobian(a*trace(a.T*a), a)", "trace(a.T*a)*eye(k) + 2*a*a.T",
     "tested"),
    ("scaled-by-a-norm-slip", "jacobian(a*trace(a.T*a), a)", "trace(a.T*a)*eye(k) + a*a.T",
     "invalid"),
    ("of-a-layer", "jacobian(M*a, a)", "M", "proved"),
    ("of-a-layer-slip", "jacobian(M.T*c, c)", "M", "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_jacobians(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        assert link.method == "matrix ring normal form" and "cross-checked at" in link.message


@pytest.mark.parametrize(("expr", "message"), [
    ("jacobian(A*a, A)", "the variable of jacobian must be a declared vector"),
    ("jacobian(A, a)", "jacobian takes a vector of symbolic size, e.g. jacobian(W*x, x) or "
     "jacobian(diff(f, x), x) for a Hessian"),
])
def test_problems_are_named(expr: str, message: str) -> None:
    _, problems = parse_note("```derivation id=t\n" + GIVEN.format(lhs=expr, rhs="0")
                             + "```\n", "t.md")
    assert [p.message for p in problems] == [message]
