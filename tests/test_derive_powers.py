"""Matrix powers with a symbolic exponent (`A**n`, n a declared integer >= 0): the ring's power
atoms, the exponents drawn small like sizes, and a false twin for every identity."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = """given:
  k: integer >= 1
  p, n: integer >= 0
  A, B: matrix k x k
  S: matrix k x k posdef
calc:
  {lhs}
  = {rhs}
"""

CASES = [  # (id, lhs, rhs, verdict)
    ("powers-add", "A**p*A**n", "A**(p + n)", "proved"),
    ("powers-multiply-slip", "A**p*A**n", "A**(p*n)", "invalid"),
    ("transpose-of-power", "(A**n).T", "(A.T)**n", "proved"),
    ("transpose-of-power-slip", "(A**n).T", "A**n", "invalid"),
    ("one-more-factor", "A*A**n", "A**(n + 1)", "proved"),
    ("powers-commute", "A*A**n", "A**n*A", "proved"),
    ("powers-commute-slip", "B*A**n", "A**n*B", "invalid"),
    ("inverse-of-power", "inv(S**n)", "inv(S)**n", "proved"),
    ("power-times-inverse-power", "S**n*inv(S)**n", "eye(k)", "proved"),
    ("singular-power", "inv(A**n)*A**n", "eye(k)", "invalid"),
    ("scalar-out", "(2*A)**n", "2**n*A**n", "proved"),
    ("scalar-out-slip", "(2*A)**n", "2*A**n", "invalid"),
    ("trace-cyclic", "trace(A**n*B)", "trace(B*A**n)", "proved"),
    ("power-of-product-slip", "(A*B)**n", "A**n*B**n", "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_symbolic_powers(lhs: str, rhs: str, verdict: str) -> None:
    result = run(GIVEN.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        assert link.method == "matrix ring normal form" and "cross-checked at" in link.message


def test_exponents_are_drawn_small_like_sizes() -> None:
    """A**(10**12) of an explicit matrix is out of reach: the exponent is drawn like a size."""
    from lemma.derive.evidence.sampling import point_stream
    from lemma.derive.evidence.space import Claim, build_space, for_claim
    from tests.test_derive_check import block

    d = block(GIVEN.format(lhs="A**p*A**n", rhs="A**(p + n)"))
    space = build_space(d)
    step = d.steps[0]
    claim = for_claim(Claim(step.lhs, step.rhs, "=", space, "t:1", None, (), ()))
    names = {name: symbol for symbol, name in claim.space.names.items()}
    for index, point in zip(range(30), point_stream(claim, "test"), strict=False):
        assert point.values[names["n"]] <= 8 and point.values[names["p"]] <= 8, index


def test_an_exponent_not_known_nonnegative_is_named() -> None:
    _, problems = parse_note("```derivation id=t\ngiven:\n  k: integer >= 1\n  n: integer\n"
                             "  A: matrix k x k\ncalc:\n  A**n\n  = A\n```\n", "t.md")
    assert [p.message for p in problems] == [
        "a matrix power's exponent must be a literal integer or an integer expression known "
        "to be >= 0"]
