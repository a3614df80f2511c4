"""Class 5 of the checker-soundness review: a failure confined to a boundary or a tiny set is
found by targeted points (bounds and their combinations, hypothesis boundaries, empty ranges,
roots of the margin's factors), not by luck. Each case an invalid block and its valid twin."""

from __future__ import annotations

import pytest

from lemma.derive.running.results import PASSING
from tests.test_derive_verdicts import statuses, verdict

CORNER = "given:\n  x, y, z: real in [0, 1]\n"
ORDERED = "given:\n  a, b: real\nassume:\n  h: a <= b\n"
COUNT = "given:\n  n: integer >= 0\n  j: integer\n"
X = "given:\n  x: real\n"
POS = "given:\n  x: real > 0\n"


@pytest.mark.parametrize(("invalid", "valid"), [
    (CORNER + "calc:\n  x + y + z\n  < 3", CORNER + "calc:\n  x + y + z\n  <= 3"),
    (ORDERED + "calc:\n  b - a\n  > 0", ORDERED + "calc:\n  b - a\n  >= 0"),
    (COUNT + "calc:\n  Sum(j, (j, 1, n))\n  >= 1", COUNT + "calc:\n  Sum(j, (j, 1, n))\n  >= 0"),
    (X + "calc:\n  (x - 1)*(x - 1 - 1/10**6)\n  >= 0",
     X + "calc:\n  (x - 1)*(x - 1 - 1/10**6) + 1/10**12\n  >= 0"),
    (X + "calc:\n  cos(x) + 1\n  > 0", X + "calc:\n  cos(x) + 2\n  > 0"),
    (POS + "calc:\n  x**9 - 5*x**4 + 3\n  >= 0", POS + "calc:\n  x**9 - 5*x**4 + 13\n  >= 0"),
    (X + "calc:\n  exp(x) - 3*x\n  > 0", X + "calc:\n  exp(x) - 2*x\n  > 0"),
    ("given:\n  n: integer >= 1\ncalc:\n  n**3\n  <= 10**10*n",
     "given:\n  n: integer >= 1\ncalc:\n  n**3\n  >= n"),
    ("given:\n  k: integer >= 2\n  A: matrix k x k\ncalc:\n  det(A)/det(A)\n  = 1",
     "given:\n  k: integer >= 2\n  A: matrix k x k\nassume:\n  h: det(A) != 0\ncalc:\n"
     "  det(A)/det(A)\n  = 1"),
], ids=["corner-of-three-bounds", "hypothesis-boundary", "empty-sum-range", "gap-of-width-1e-6",
        "transcendental-touching-zero", "degree-9-root", "transcendental-sign-change",
        "a-very-large-integer", "singular-matrix-of-symbolic-size"])
def test_a_failure_on_a_boundary_or_a_tiny_set_is_found(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    good = verdict(valid)
    assert good.verdict in PASSING, statuses(good)


# -- classes 2 and 3: roots and seams found by solving, exactly or numerically -----------------


@pytest.mark.parametrize(("invalid", "valid"), [
    (X + "calc:\n  Heaviside(cos(x) - 1/3)**2\n  = Heaviside(cos(x) - 1/3)",
     X + "calc:\n  Heaviside(cos(x) - 1/3) + Heaviside(1/3 - cos(x))\n  = 1"),
    (X + "calc:\n  Max(sin(x), 1/2) + Min(sin(x), 1/2)\n  = sin(x) + 1/2 + Heaviside(sin(x) - 1/2)"
     " - Heaviside(sin(x) - 1/2)**2",
     X + "calc:\n  Max(sin(x), 1/2) + Min(sin(x), 1/2)\n  = sin(x) + 1/2"),
], ids=["heaviside-of-cos-at-its-seam", "max-of-sin-at-its-seam"])
def test_a_transcendental_seam_or_high_degree_root_is_targeted(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    good = verdict(valid)
    assert good.verdict in PASSING, statuses(good)
