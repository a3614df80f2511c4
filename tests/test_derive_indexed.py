"""Indexed vectors: x[i], A[i, j], ones(k), sums over entries linked to matrix products."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from tests.test_derive_check import run

VEC = "given:\n  k: integer >= 1\n  x, y, z: vector k\n  A: matrix k x k\ncalc:\n  {lhs}\n  = {rhs}"
SOFTMAX = "Sum(exp(z[i])/Sum(exp(z[j]), (j, 1, k)), (i, 1, k))"

CASES = [  # (id, lhs, rhs, verdict): every true identity has a false twin
    ("dot-product", "Sum(x[i]*y[i], (i, 1, k))", "trace(x.T*y)", "proved"),
    ("dot-product-slip", "Sum(x[i]*y[i], (i, 1, k))", "trace(x.T*x)", "invalid"),
    ("sum-is-ones-product", "Sum(x[i], (i, 1, k))", "trace(ones(k).T*x)", "proved"),
    ("sum-is-ones-product-slip", "Sum(x[i], (i, 1, k))", "trace(ones(k).T*y)", "invalid"),
    ("softmax-sums-to-one", SOFTMAX, "1", "proved"),
    ("softmax-sums-to-k", SOFTMAX, "k", "invalid"),
    ("quadratic-form", "Sum(Sum(x[i]*A[i, j]*x[j], (j, 1, k)), (i, 1, k))", "trace(x.T*A*x)",
     "proved"),
    ("quadratic-form-transposed-slip", "Sum(Sum(x[i]*A[i, j]*y[j], (j, 1, k)), (i, 1, k))",
     "trace(y.T*A*x)", "invalid"),
    ("first-term-split", "Sum(x[i], (i, 1, k))", "x[1] + Sum(x[i], (i, 2, k))", "proved"),
    ("first-term-split-slip", "Sum(x[i], (i, 1, k))", "x[1] + Sum(x[i], (i, 1, k))", "invalid"),
    ("count-of-ones", "trace(ones(k).T*ones(k))", "k", "proved"),
    ("count-of-ones-slip", "trace(ones(k).T*ones(k))", "k + 1", "invalid"),
]


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_indexed_identities(lhs: str, rhs: str, verdict: str) -> None:
    result = run(VEC.format(lhs=lhs, rhs=rhs))
    link = result.links[0]
    assert result.verdict == verdict, (link.status, link.method, link.message)
    if verdict == "proved":
        # trace(ones(k).T*ones(k)) is k to sympy already: any proof, cross-checked
        assert link.method == "index normal form" or "ones(k).T*ones(k)" in lhs
        assert "cross-checked at 15 random points" in link.message
    else:
        assert link.counterexample and int(link.counterexample["k"]) >= 1


def test_sums_are_tested_at_several_sizes() -> None:
    """Exchanging the sums of a triangular double sum is beyond the normal form: the link is
    tested, at points of several sizes (never a pass from one size), and its slip is refuted."""
    lhs = "Sum(Sum(x[i]*y[j], (j, i, k)), (i, 1, k))"
    link = run(VEC.format(lhs=lhs, rhs="Sum(Sum(x[i]*y[j], (i, 1, j)), (j, 1, k))")).links[0]
    assert (link.status, link.method) == ("verified", "random exact x15")
    assert len(link.sizes) >= 2, link.sizes
    slip = run(VEC.format(lhs=lhs, rhs="Sum(Sum(x[j]*y[i], (i, 1, j)), (j, 1, k))")).links[0]
    assert slip.status == "failed"


@pytest.mark.parametrize(("lhs", "rhs", "verdict"), [
    ("Sum(x[i]*y[i], (i, 1, k))", "Sum(x[k + 1 - i]*y[k + 1 - i], (i, 1, k))", "proved"),
    ("Sum(i*x[i], (i, 1, k))", "Sum(i*x[k + 1 - i], (i, 1, k))", "invalid"),
    ("Sum(x[i], (i, 1, k))", "Sum(x[i], (i, 1, k - 1)) + x[k]", "proved"),
    ("Sum(x[i], (i, 1, k))", "Sum(x[i], (i, 1, k - 1)) + x[1]", "invalid"),
    ("Sum(x[i]*y[i], (i, 1, k))", "Sum(x[i]*y[i], (i, 2, k)) + x[1]*y[1]", "proved"),
], ids=["reversed", "reversed-slip", "last-term-split-off", "last-term-slip",
        "first-term-split-off"])
def test_reversal_and_split_terms(lhs: str, rhs: str, verdict: str) -> None:
    """A sum read backwards, and the last (or first) term split off, are proved."""
    result = run(VEC.format(lhs=lhs, rhs=rhs).replace("k: integer >= 1", "k: integer >= 2"))
    assert result.verdict == verdict, [(li.status, li.message) for li in result.links]


def test_an_index_range_past_the_size_is_a_side_condition() -> None:
    body = ("given:\n  k, n: integer >= 1\n  x: vector k\n{assume}calc:\n"
            "  Sum(x[i], (i, 1, n))\n  = Sum(x[j], (j, 1, n))")
    open_link = run(body.format(assume="")).links[0]
    assert open_link.status == "unchecked"
    assert "k - i >= 0" in open_link.message
    assert "not implied by the declarations" in open_link.message
    assert run(body.format(assume="assume:\n  fits: n <= k\n")).verdict == "proved"


ERRORS = [
    ("matrix-one-index", "A[1]", "a matrix takes two indices, A[i, j]"),
    ("real-index", "x[k/2]", "an index must be an integer"),
    ("literal-out-of-range", "Matrix([[1], [2]])[3]", "index 3 is outside 1..2"),
    ("scalar-indexed", "k[1]", "only a vector or a matrix can be indexed"),
    ("slice", "x[1:2]", "slices are not allowed"),
    ("three-indices", "A[1, 1, 1]", "at most two indices, got 3"),
]


@pytest.mark.parametrize(("expr", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_indexing_is_one_clear_error(expr: str, message: str) -> None:
    text = ("```derivation id=t\ngiven:\n  k: integer >= 1\n  x: vector k\n  A: matrix k x k\n"
            f"calc:\n  {expr}\n  = 0\n```\n")
    _, problems = parse_note(text, "t.md")
    assert len(problems) == 1 and message in problems[0].message, [p.format() for p in problems]
    assert problems[0].pos.line == 7


def test_entries_print_as_written_from_one() -> None:
    """A residual or message shows x[1] and A[2, 3], never sympy's 0-based x[0, 0]."""
    import sympy

    from lemma.derive.language.printing import text

    k = sympy.Symbol("k")
    x, a = sympy.MatrixSymbol("x", k, 1), sympy.MatrixSymbol("A", k, k)
    assert text(x[0, 0] + a[1, 2]) == "A[2, 3] + x[1]"
    assert text(x.T[0, 2]) == "x[3]"  # the transpose of a vector: the same entries
    link = run(VEC.format(lhs="Sum(x[i]*A[i, 1], (i, 1, k))", rhs="trace(x.T*x)")).links[0]
    assert link.residual.startswith("Sum(A[i, 1]*x[i], (i, 1, k))"), link.residual
