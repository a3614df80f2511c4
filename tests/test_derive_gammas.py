"""Exact zero tests for gamma/beta/factorial values at a point (evidence/gammas.py)."""

from __future__ import annotations

import time

import pytest
import sympy

from lemma.derive.evidence.gammas import gamma_zero
from lemma.derive.evidence.numeric import zero_kind

R = sympy.Rational
G = sympy.gamma

CASES = [
    ("ratio-gap-one", G(R(321, 95)) / G(R(226, 95)) - R(226, 95), True),
    ("ratio-gap-one-off-by-one", G(R(321, 95)) / G(R(226, 95)) - R(321, 95), False),
    ("beta-predictive", sympy.beta(R(10, 3) + 1, R(7, 2)) / sympy.beta(R(10, 3), R(7, 2))
     - R(10, 3) / (R(10, 3) + R(7, 2)), True),
    ("beta-predictive-false", sympy.beta(R(10, 3) + 1, R(7, 2)) / sympy.beta(R(10, 3), R(7, 2))
     - R(10, 3) / (R(10, 3) + R(7, 2) + 1), False),
    ("two-classes", G(R(1, 3) + 5) * G(R(1, 4)) / (G(R(1, 3) + 3) * G(R(1, 4) + 2))
     - (R(10, 3) * R(13, 3)) / (R(1, 4) * R(5, 4)), True),
    ("different-classes-not-cancelled", G(R(1, 3)) / G(R(1, 4)) - 1, False),
    ("factorial", sympy.factorial(R(5, 2)) / G(R(5, 2)) - R(5, 2), True),
    ("no-gamma", sympy.sqrt(2) - 1, False),
]


@pytest.mark.parametrize(("value", "zero"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gamma_zero(value: sympy.Expr, zero: bool) -> None:
    assert gamma_zero(value) is zero


def test_huge_arguments_are_exact_and_fast() -> None:
    """Γ(M + a + 1)/Γ(M + a) = M + a with M a hundred thousand: only the gap is multiplied out
    (sympy's expand_func wrote out all M factors and ran out of a point's time)."""
    a = R(19, 21000) + 100_000
    start = time.process_time()
    assert zero_kind(G(a + 1) / G(a) - a, G(a + 1) / G(a), a) == "zero"
    assert zero_kind(G(a + 1) / G(a) - a - R(1, 10**40), G(a + 1) / G(a), a) == "nonzero"
    assert time.process_time() - start < 2.0


def test_gaps_too_wide_are_left_to_the_generic_rewrites() -> None:
    assert gamma_zero(G(R(1, 3) + 5000) / G(R(1, 3)) - 1) is False
