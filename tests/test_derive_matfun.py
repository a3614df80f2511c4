"""charpoly(A, t), expm(A) and logm(A) at explicit sizes (language/matfun.py): written out
exactly, a false twin for every identity, the 2 x 2 closed form checked against mpmath's expm on
both signs of the discriminant and at zero, and every other matrix refused with a message."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = """given:
  t, a, b, c: real
  p, r: real > 0
  A: matrix 2x2
calc:
  {lhs}
  = {rhs}
"""
ROTATION = "Matrix([[0, -t], [t, 0]])"
NILPOTENT = "Matrix([[0, a, b], [0, 0, c], [0, 0, 0]])"

CASES = [  # (id, lhs, rhs, verdict)
    ("charpoly-2x2", "charpoly(A, t)", "t**2 - trace(A)*t + det(A)", "proved"),
    ("charpoly-2x2-slip", "charpoly(A, t)", "t**2 + trace(A)*t + det(A)", "invalid"),
    ("eigenvalue", "charpoly(Matrix([[2, 1], [1, 2]]), 3)", "0", "proved"),
    ("not-an-eigenvalue", "charpoly(Matrix([[2, 1], [1, 2]]), 2)", "0", "invalid"),
    ("eigenvalues-sum-to-trace", "trace(Matrix([[2, 1], [1, 2]]))", "1 + 3", "proved"),
    ("eigenvalues-multiply-to-det", "det(Matrix([[2, 1], [1, 2]]))", "1*3", "proved"),
    ("det-of-expm", "det(expm(A))", "exp(trace(A))", "proved"),
    ("det-of-expm-slip", "det(expm(A))", "exp(det(A))", "invalid"),
    ("expm-diagonal", "expm(Matrix([[a, 0], [0, b]]))", "Matrix([[exp(a), 0], [0, exp(b)]])",
     "proved"),
    ("expm-diagonal-slip", "expm(Matrix([[a, 0], [0, b]]))", "Matrix([[exp(a), 0], [0, b]])",
     "invalid"),
    ("expm-nilpotent", f"expm({NILPOTENT})", "Matrix([[1, a, b + a*c/2], [0, 1, c], [0, 0, 1]])",
     "proved"),
    ("expm-nilpotent-slip", f"expm({NILPOTENT})",
     "Matrix([[1, a, b + a*c], [0, 1, c], [0, 0, 1]])", "invalid"),
    ("expm-rotation", f"expm({ROTATION})", "Matrix([[cos(t), -sin(t)], [sin(t), cos(t)]])",
     "tested"),
    ("expm-rotation-slip", f"expm({ROTATION})", "Matrix([[cos(t), sin(t)], [-sin(t), cos(t)]])",
     "invalid"),
    ("logm-diagonal", "logm(Matrix([[p, 0], [0, r]]))", "Matrix([[log(p), 0], [0, log(r)]])",
     "proved"),
    ("logm-diagonal-slip", "logm(Matrix([[p, 0], [0, r]]))", "Matrix([[log(p), 0], [0, r]])",
     "invalid"),
    ("logm-of-a-negative-entry", "logm(Matrix([[-1, 0], [0, 1]]))", "zeros(2, 2)", "invalid"),
    ("trace-of-logm", "trace(logm(Matrix([[p, 0], [0, r]])))", "log(det(Matrix([[p, 0], [0, r]])))",
     "proved"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_matrix_functions_at_explicit_size(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict in ((verdict,) if verdict != "tested" else ("tested", "proved")), (
        link.status, link.method, link.message)


@pytest.mark.parametrize("entries", [
    [[1, 2], [3, 4]],        # discriminant > 0
    [[1, -2], [3, 1]],       # discriminant < 0: cos and sin
    [[2, 1], [0, 2]],        # discriminant 0: the limit
    [[0, 0], [0, 0]],
    [[sympy.Rational(1, 3), 5], [-7, -2]],
], ids=["positive", "negative", "zero", "zero-matrix", "rational"])
def test_the_2x2_closed_form_agrees_with_mpmath(entries: list[list[object]]) -> None:
    from lemma.derive.language import matfun

    closed = matfun.expm_2x2(sympy.Matrix(entries))
    expected = mpmath.expm(mpmath.matrix([[float(x) for x in row] for row in entries]))
    for i in range(2):
        for j in range(2):
            assert abs(complex(sympy.N(closed[i, j], 30)) - complex(expected[i, j])) < 1e-9


@pytest.mark.parametrize(("text", "message"), [
    ("expm(B)", "expm is written out for a diagonal or nilpotent matrix, or any 2x2 matrix; "
     "this one is 3x3"),
    ("expm(P)", "expm needs a square matrix, but this is 2x3"),
    ("expm(t)", "expm takes a matrix, but this is a scalar"),
    ("expm(S)", "expm is written out at explicit sizes only"),
    ("charpoly(A, A)", "charpoly's variable is a scalar: charpoly(A, t)"),
    ("logm(A)", "logm is written out for a diagonal matrix only (the principal logarithm of "
     "another matrix needs its eigenvalues off (-oo, 0], a condition the checker cannot record "
     "yet)"),
])
def test_what_is_not_written_out_is_refused(text: str, message: str) -> None:
    _, problems = parse_note(
        "```derivation id=t\ngiven:\n  t: real\n  k: integer >= 1\n  A: matrix 2x2\n"
        "  B: matrix 3x3\n  P: matrix 2x3\n  S: matrix k x k\n"
        f"calc:\n  {text}\n  = {text}\n```\n", "t.md")
    assert [p.message for p in problems][:1] == [message]
