"""Euler's Beta integral as a proof step, only where the declarations imply its conditions."""

from __future__ import annotations

import pytest

from tests.test_derive_check import run

LAPLACE = """given:
  M: integer >= 0
  F: integer >= 0
calc:
     Integral(p*p**M*(1 - p)**F, (p, 0, 1))/Integral(p**M*(1 - p)**F, (p, 0, 1))
  =  {rhs}
"""

CASES = [
    ("laplace-ratio", LAPLACE.format(rhs="beta(M + 2, F + 1)/beta(M + 1, F + 1)"), "proved"),
    ("laplace-ratio-slip", LAPLACE.format(rhs="beta(M + 2, F + 2)/beta(M + 1, F + 1)"),
     "invalid"),
    ("scaled-integrand", "given:\n  n: integer >= 2\ncalc:\n"
     "  Integral(3*p**n*(1 - p), (p, 0, 1))\n  = 3*beta(n + 1, 2)", "proved"),
    ("scaled-integrand-slip", "given:\n  n: integer >= 2\ncalc:\n"
     "  Integral(3*p**n*(1 - p), (p, 0, 1))\n  = 3*beta(n + 2, 2)", "invalid"),
]


@pytest.mark.parametrize(("body", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_beta_integrals(body: str, verdict: str) -> None:
    result = run(body)
    assert result.verdict == verdict, [(lk.status, lk.method, lk.message) for lk in result.links]
    if verdict == "proved":
        assert result.links[0].method.startswith("Euler's Beta integral, then ")


def test_exponent_not_known_above_minus_one_is_not_rewritten() -> None:
    """With n any integer the integral diverges for n <= -1: no Beta step, no proof from it."""
    result = run("given:\n  n: integer\ncalc:\n"
                 "  Integral(p**n, (p, 0, 1))\n  = beta(n + 1, 1)")
    assert not result.links[0].method.startswith("Euler")
