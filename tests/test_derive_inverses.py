"""Inverse by verification (proof/inverses.py): identities with the inverse of a sum -- Woodbury,
Sherman-Morrison, push-through -- proved at symbolic sizes by M*inv(M) = I in the ring, and the
matrix determinant lemmas by factoring and Sylvester's theorem, under their recorded
invertibility conditions; a false twin for every identity."""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.proof.inverses import FACTORED, VERIFIED, inverse_proof
from tests.test_derive_check import run

GIVEN = """given:
  k, d: integer >= 1
  A, B: matrix k x k
  U: matrix k x d
  C: matrix d x d
  V: matrix d x k
  P: matrix k x d
  Q: matrix d x k
  u, v: vector k
assume:
  a: det(A) != 0
  b: det(A + B) != 0
  c: det(C) != 0
  w: det(inv(C) + V*inv(A)*U) != 0
  s: det(A + U*C*V) != 0
  sm: 1 + trace(v.T*inv(A)*u) != 0
  smd: det(A + u*v.T) != 0
  pq: det(eye(k) + P*Q) != 0
  qp: det(eye(d) + Q*P) != 0
calc:
  {lhs}
  = {rhs}
"""
WOODBURY = "inv(A) - inv(A)*U*inv(inv(C) + V*inv(A)*U)*V*inv(A)"
SM_LHS = "inv(A + u*v.T)"
SM = "inv(A) - inv(A)*u*v.T*inv(A)/(1 + trace(v.T*inv(A)*u))"

CASES = [  # (id, lhs, rhs, verdict)
    ("woodbury", "inv(A + U*C*V)", WOODBURY, "proved"),
    ("woodbury-sign-slip", "inv(A + U*C*V)", WOODBURY.replace(" - ", " + "), "invalid"),
    ("woodbury-inner-slip", "inv(A + U*C*V)",
     "inv(A) - inv(A)*U*inv(C + V*inv(A)*U)*V*inv(A)", "invalid"),
    ("sherman-morrison", SM_LHS, SM, "proved"),
    ("sherman-morrison-slip", SM_LHS, SM.replace("u*v.T*inv(A)/", "v*u.T*inv(A)/"), "invalid"),
    ("push-through", "inv(eye(k) + P*Q)*P", "P*inv(eye(d) + Q*P)", "proved"),
    ("push-through-slip", "inv(eye(k) + P*Q)*P", "P*inv(eye(d) + P.T*Q.T)", "invalid"),
    ("split-off-a-term", "inv(A + B)*A", "eye(k) - inv(A + B)*B", "proved"),
    ("split-off-a-term-wrong-side", "inv(A + B)*A", "eye(k) - B*inv(A + B)", "invalid"),
    ("determinant-lemma", "det(A + u*v.T)", "det(A)*(1 + v.T*inv(A)*u)", "proved"),
    ("determinant-lemma-slip", "det(A + u*v.T)", "det(A)*(1 + u.T*inv(A)*v)", "invalid"),
    ("determinant-lemma-general", "det(A + U*C*V)", "det(inv(C) + V*inv(A)*U)*det(C)*det(A)",
     "proved"),
    ("determinant-lemma-general-slip", "det(A + U*C*V)", "det(inv(C) + V*inv(A)*U)*det(A)",
     "invalid"),
]
DETERMINANTS = {"determinant-lemma", "determinant-lemma-general"}


@pytest.mark.parametrize(("name", "lhs", "rhs", "verdict"), CASES, ids=[c[0] for c in CASES])
def test_inverse_by_verification(name: str, lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        assert link.method == (FACTORED if name in DETERMINANTS else VERIFIED)
        assert "cross-checked at" in link.message


SYLVESTER = [  # det(I + c*w) is canonical under rotation and transpose of w (no condition)
    ("sylvester", "det(eye(d) + V*U)", "det(eye(k) + U*V)", "proved"),
    ("sylvester-transposed", "det(eye(d) + V*U)", "det(eye(d) + U.T*V.T)", "proved"),
    ("sylvester-scale-slip", "det(eye(d) + 2*V*U)", "det(eye(k) + U*V)", "invalid"),
    ("rank-one", "det(eye(k) + u*v.T)", "1 + v.T*u", "proved"),
    ("rank-one-slip", "det(eye(k) + u*v.T)", "1 + v.T*v", "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in SYLVESTER],
                         ids=[c[0] for c in SYLVESTER])
def test_sylvester_determinant_identity(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        assert link.method == "matrix ring normal form"


def test_the_invertibility_of_the_sum_is_a_recorded_condition() -> None:
    """Without `det(eye(k) + P*Q) != 0` the verification closes the link only conditionally."""
    text = GIVEN.replace("  pq: det(eye(k) + P*Q) != 0\n", "").replace(
        "  qp: det(eye(d) + Q*P) != 0\n", "")
    link = run(text.format(lhs="inv(eye(k) + P*Q)*P", rhs="P*inv(eye(d) + Q*P)")).links[0]
    assert link.status == "unchecked"
    assert link.message == (
        f"'{VERIFIED}' closes it, but only where det(eye(k) + P*Q) != 0, det(eye(d) + Q*P) != 0: "
        "not implied by the declarations, so the link is not decided")


def test_the_rung_alone_never_closes_a_false_twin() -> None:
    k, d = sympy.symbols("k d", integer=True, positive=True)
    A, U, V = sympy.MatrixSymbol("A", k, k), sympy.MatrixSymbol("U", k, d), sympy.MatrixSymbol(
        "V", d, k)
    C = sympy.MatrixSymbol("C", d, d)
    inner = sympy.Inverse(sympy.Inverse(C) + V * sympy.Inverse(A) * U)
    woodbury = sympy.Inverse(A) - sympy.Inverse(A) * U * inner * V * sympy.Inverse(A)
    assert inverse_proof(sympy.Inverse(A + U * C * V) - woodbury) == VERIFIED
    assert inverse_proof(sympy.Inverse(A + U * C * V) - woodbury.T) == ""
    assert inverse_proof(sympy.Inverse(A + U * C * V) - sympy.Inverse(A)) == ""


def test_a_one_by_one_difference_is_not_multiplied_by_a_square_matrix() -> None:
    """M*D is only formed where M's size is D's number of rows: for a 1 x 1 difference D with
    inv(A + u*v.T) inside, no multiplication by the k x k sum is tried."""
    k = sympy.Symbol("k", integer=True, positive=True)
    A = sympy.MatrixSymbol("A", k, k)
    u, v = sympy.MatrixSymbol("u", k, 1), sympy.MatrixSymbol("v", k, 1)
    form = v.T * sympy.Inverse(A + u * v.T) * u
    assert inverse_proof(form - v.T * u) == ""
