"""`matrix k x k posdef`: positive definite draws, and the signs the declaration proves."""

from __future__ import annotations

import random

import pytest

from lemma.derive.evidence.draw import random_matrix
from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

GIVEN = ("given:\n  k, d: integer >= 1\n  x: vector k\n  h: vector d\n  W: matrix k x d\n"
         "  A: matrix k x k {structure}\ncalc:\n  {lhs}\n  {rel} {rhs}")

CASES = [  # (id, structure, lhs, relation, rhs, verdict, method): each with a false twin
    ("quadratic-form", "posdef", "trace(x.T*A*x)", ">=", "0", "proved",
     "sign from the declarations"),
    ("quadratic-form-only-symmetric", "symmetric", "trace(x.T*A*x)", ">=", "0", "invalid", ""),
    ("quadratic-form-strict", "posdef", "trace(x.T*A*x)", ">", "0", "invalid", ""),
    ("through-a-layer-plus-det", "posdef", "trace((W*h).T*A*(W*h)) + det(A)", ">", "0",
     "proved", "sign from the declarations"),
    ("through-a-layer-minus-det", "posdef", "trace((W*h).T*A*(W*h)) - det(A)", ">=", "0",
     "invalid", ""),
    ("inverse-form", "posdef", "trace(x.T*inv(A)*x)", ">=", "0", "proved",
     "sign from the declarations"),
    ("inverse-is-defined", "posdef", "A*inv(A)", "=", "eye(k)", "proved",
     "matrix ring normal form"),
    ("symmetric-by-declaration", "posdef", "trace(x.T*A.T*x)", "=", "trace(x.T*A*x)", "proved",
     "matrix ring normal form"),
]


@pytest.mark.parametrize(("structure", "lhs", "rel", "rhs", "verdict", "method"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_posdef_declarations(structure: str, lhs: str, rel: str, rhs: str, verdict: str,
                             method: str) -> None:
    result = run(GIVEN.format(structure=structure, lhs=lhs, rel=rel, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if method:
        assert link.method == method and "cross-checked at" in link.message
    else:
        assert link.counterexample and "k" in link.counterexample


def test_inverse_of_a_merely_symmetric_matrix_stays_open() -> None:
    """det(A) != 0 follows from posdef, not from symmetric: there a singular symmetric draw
    refutes it (the edge search never makes a posdef matrix singular)."""
    result = run(GIVEN.format(structure="symmetric", lhs="A*inv(A)", rel="=", rhs="eye(k)"))
    assert (result.verdict, result.links[0].message) == (
        "invalid", "undefined here: det(A) != 0 fails")


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_posdef_draws_are_positive_definite(size: int) -> None:
    rng = random.Random(size)
    for _ in range(20):
        m = random_matrix(size, size, "posdef", rng)
        assert m == m.T
        assert all(m[:j, :j].det() > 0 for j in range(1, size + 1))  # Sylvester's criterion


def test_posdef_needs_a_symbolic_size() -> None:
    _, problems = parse_note("```derivation id=t\ngiven:\n  A: matrix 2x2 posdef\ncalc:\n"
                             "  det(A)\n  > 0\n```\n", "t.md")
    assert [p.message for p in problems] == ["posdef is for matrices of symbolic size"]
    assert problems[0].pos.line == 3


def test_zero_vectors_are_drawn_in_turn_but_never_a_zero_posdef() -> None:
    """x = 0 is a tiny set: every sixth test point from the fourth sets one plain matrix of
    symbolic size to zeros (in turn), so the strict x.T*A*x > 0 is refuted by evidence, not luck."""
    from lemma.derive.evidence.space import build_space, draw_point

    block = parse_note("```derivation id=t\n" + GIVEN.format(
        structure="posdef", lhs="trace(x.T*A*x)", rel=">", rhs="0") + "\n```\n", "t.md")[0][0]
    space = build_space(block)
    names = {symbol: name for name, symbol, _ in space.symbolic}
    zeros = {}
    for index in range(30):
        point = draw_point(space, random.Random(index), index)
        zeros[index] = sorted(names[s] for _, s, _ in space.symbolic if not any(point.values[s]))
    assert zeros[4] == ["x"] and zeros[10] == ["h"] and zeros[16] == ["W"]
    assert all("A" not in found for found in zeros.values())


ORTHO = ("given:\n  k: integer >= 1\n  x, y: vector k\n  Q: matrix k x k {structure}\n"
         "calc:\n  {lhs}\n  = {rhs}")

ORTHOGONAL = [  # (id, structure, lhs, rhs, verdict): proved by the ring, or tested at draws
    ("transpose-times-itself", "orthogonal", "Q.T*Q", "eye(k)", "proved"),
    ("itself-times-itself-slip", "orthogonal", "Q*Q", "eye(k)", "invalid"),
    ("inverse-is-transpose", "orthogonal", "inv(Q)", "Q.T", "proved"),
    ("inverse-is-itself-slip", "orthogonal", "inv(Q)", "Q", "invalid"),
    ("keeps-inner-products", "orthogonal", "trace((Q*x).T*(Q*y))", "trace(x.T*y)", "proved"),
    ("keeps-inner-products-slip", "orthogonal", "trace((Q*x).T*(Q*y))", "trace(x.T*Q*y)",
     "invalid"),
    ("det-squared", "orthogonal", "det(Q)**2", "1", "tested"),
    ("det-is-one-slip", "orthogonal", "det(Q)", "1", "invalid"),  # reflections are drawn too
    ("only-symmetric-slip", "symmetric", "Q.T*Q", "eye(k)", "invalid"),
]


@pytest.mark.parametrize(("structure", "lhs", "rhs", "verdict"), [c[1:] for c in ORTHOGONAL],
                         ids=[c[0] for c in ORTHOGONAL])
def test_orthogonal_declarations(structure: str, lhs: str, rhs: str, verdict: str) -> None:
    result = run(ORTHO.format(structure=structure, lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "tested":
        assert len(link.sizes) >= 2 and "exact" in link.message
    if verdict == "proved":
        assert link.method == "matrix ring normal form" and "cross-checked at" in link.message


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_orthogonal_draws_are_orthogonal(size: int) -> None:
    rng = random.Random(size)
    dets = set()
    for _ in range(20):
        q = random_matrix(size, size, "orthogonal", rng)
        assert q.T * q == q.eye(size)
        dets.add(q.det())
    assert dets == {1, -1}
