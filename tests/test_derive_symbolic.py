"""Matrices of symbolic size and inequality hypotheses: each with a false twin that must fail."""

from __future__ import annotations

import random

import pytest
import sympy

from lemma.derive.evidence.draw import draw_size
from lemma.derive.language.block import DerivationSyntaxError, Domain
from lemma.derive.language.matcalc import ring_zero
from lemma.derive.language.ncring import Ring
from lemma.derive.language.parse import find_blocks, parse_block
from lemma.derive.running.check import check_derivation
from lemma.derive.running.results import PASSING, DerivationResult

LAYER = "given:\n  k, d: integer >= 1\n  W: matrix k x d\n  M: matrix k x k symmetric\n"


def parse(body: str):
    text = f"```derivation id=s\n{body.strip()}\n```\n"
    return parse_block(find_blocks(text, "s.md")[0])


def verdict(body: str) -> DerivationResult:
    return check_derivation(parse(body), time_box=8.0)


NECESSITY = ("  lam: real\nassume:\n  dnfa: W.T*M*W == lam*W.T*W\n{extra}"
             "calc:\n  M - lam*eye(k)\n"
             "  = inv(W*W.T)*W*(W.T*M*W - lam*W.T*W)*W.T*inv(W*W.T)\n"
             "  = zeros(k, k)   # linear_combination(inv(W*W.T)*W*dnfa*W.T*inv(W*W.T))")

#: (id, valid block, its false twin)
CASES = [
    ("necessity-needs-full-row-rank",
     LAYER + NECESSITY.format(extra="  fullrank: det(W*W.T) != 0\n"),
     LAYER + NECESSITY.format(extra="")),
    ("trace-is-cyclic",
     "given:\n  k: integer >= 1\n  A, B, C: matrix k x k\ncalc:\n  trace(A*B*C)\n"
     "  = trace(C*A*B)\n  = trace(B.T*A.T*C.T)",
     "given:\n  k: integer >= 1\n  A, B, C: matrix k x k\ncalc:\n  trace(A*B*C)\n"
     "  = trace(A*C*B)"),
    ("transpose-of-a-product",
     LAYER + "calc:\n  (W.T*M*W).T\n  = W.T*M*W",
     "given:\n  k, d: integer >= 1\n  W: matrix k x d\n  M: matrix k x k\n"
     "calc:\n  (W.T*M*W).T\n  = W.T*M*W"),
    ("products-do-not-commute",
     "given:\n  k: integer >= 1\n  A, B: matrix k x k\ncalc:\n  (A + B)**2\n"
     "  = A**2 + A*B + B*A + B**2",
     "given:\n  k: integer >= 1\n  A, B: matrix k x k\ncalc:\n  (A + B)**2\n"
     "  = A**2 + 2*A*B + B**2"),
    ("inequality-multiplied-by-a-nonnegative",
     "given:\n  a, b, c: real\nassume:\n  order: a <= b\n  nonneg: c >= 0\n"
     "calc:\n  a*c\n  <= b*c",
     "given:\n  a, b, c: real\nassume:\n  order: a <= b\ncalc:\n  a*c\n  <= b*c"),
    ("strict-slack",
     "given:\n  x, eps: real\nassume:\n  small: 0 < eps\ncalc:\n  x**2\n  < x**2 + eps",
     "given:\n  x, eps: real\nassume:\n  small: 0 <= eps\ncalc:\n  x**2\n  < x**2 + eps"),
    ("inequality-discharges-a-denominator",
     "given:\n  x, y: real\nassume:\n  lt: x < y\ncalc:\n  (y - x)/(y - x)\n  = 1",
     "given:\n  x, y: real\nassume:\n  le: x <= y\ncalc:\n  (y - x)/(y - x)\n  = 1"),
]


@pytest.mark.parametrize(("valid", "invalid"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_valid_block_is_valid_and_its_false_twin_is_not(valid: str, invalid: str) -> None:
    good = verdict(valid)
    assert good.verdict in PASSING, [(x.status, x.method, x.message) for x in good.links]
    bad = verdict(invalid)
    assert bad.verdict not in PASSING, [(x.status, x.method, x.message) for x in bad.links]


def test_the_general_necessity_is_proved_in_the_ring() -> None:
    result = verdict(LAYER + NECESSITY.format(extra="  fullrank: det(W*W.T) != 0\n"))
    assert [x.status for x in result.links] == ["proved", "proved"]
    assert result.links[0].method == "matrix ring normal form"


def test_without_full_rank_the_counterexample_is_a_singular_layer() -> None:
    link = verdict(LAYER + NECESSITY.format(extra="")).links[0]
    assert link.message == "undefined here: det(W*W.T) != 0 fails"
    rows = sympy.Matrix(sympy.sympify(link.counterexample["W"]))  # test-side only
    assert (rows * rows.T).det() == 0


@pytest.mark.parametrize(("body", "message"), [
    ("given:\n  k, d: integer >= 1\n  W: matrix k x d\ncalc:\n  W*W\n  = W*W",
     "inner dimensions d and k are not known to be equal"),
    ("given:\n  k: integer >= 1\n  W: matrix k x k\n  A: matrix 2x2\ncalc:\n  W + A\n  = A + W",
     "cannot combine a matrix of symbolic size with an explicit matrix"),
    ("given:\n  W: matrix k x 2\ncalc:\n  W\n  = W", "the size 'k' must be declared before"),
    ("given:\n  k: integer >= 1\n  W: matrix k x k\nassume:\n  h: W == eye(k)\n"
     "calc:\n  W\n  = W   # linear_combination(W)", "contains no hypothesis"),
], ids=["inner-dimensions", "mixed", "undeclared-size", "bare-term"])
def test_symbolic_size_errors(body: str, message: str) -> None:
    with pytest.raises(DerivationSyntaxError) as err:
        parse(body)
    assert message in err.value.message


def test_sizes_are_small_and_inside_their_domain() -> None:
    rng = random.Random(1)
    sizes = {int(draw_size(Domain("integer", lower=sympy.Integer(3)), rng)) for _ in range(50)}
    assert sizes == {3, 4, 5, 6}


def test_the_ring_cancels_an_inverse_only_next_to_its_argument() -> None:
    k = sympy.Symbol("k", integer=True)
    a, b = sympy.MatrixSymbol("A", k, k), sympy.MatrixSymbol("B", k, k)
    assert ring_zero(sympy.Inverse(a) * a - sympy.Identity(k)) == 0
    assert ring_zero(sympy.Inverse(a) * b * a - b) != 0
    ring = Ring()
    assert ring.normal((a * b).T) == ring.normal(b.T * a.T)


@pytest.mark.parametrize(("valid", "invalid"), [
    ("given:\n  x: vector 2\n  W: matrix 2x2\ncalc:\n  jacobian(W*x, x)\n  = W",
     "given:\n  x: vector 2\n  W: matrix 2x2\ncalc:\n  jacobian(W*x, x)\n  = W.T"),
    ("given:\n  x: vector 2\ncalc:\n  jacobian(x.T*x, x)\n  = 2*x.T",
     "given:\n  x: vector 2\ncalc:\n  jacobian(x.T*x, x)\n  = x.T"),
    ("given:\n  v: vector 2\n  c: real\ncalc:\n  norm(c*v)\n  = Abs(c)*norm(v)",
     "given:\n  v: vector 2\n  c: real\ncalc:\n  norm(c*v)\n  = c*norm(v)"),
    ("given:\n  A: matrix 2x2\ncalc:\n  norm(A)**2\n  = trace(A.T*A)",
     "given:\n  A: matrix 2x2\ncalc:\n  norm(A)**2\n  = trace(A*A)"),
], ids=["jacobian-of-a-linear-map", "gradient-of-a-square", "norm-scales", "frobenius"])
def test_jacobian_and_norm(valid: str, invalid: str) -> None:
    good = verdict(valid)
    assert good.verdict in PASSING, [(x.status, x.method, x.message) for x in good.links]
    assert verdict(invalid).verdict not in PASSING
