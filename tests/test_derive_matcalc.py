"""Gradients by vectors and matrices of symbolic size (issue 26, item 1): proved by the
differential rules on the ring's normal form, cross-checked entry by entry at sample points of
several sizes; each identity has a false twin."""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.language import matcalc
from lemma.derive.language.block import DerivationSyntaxError
from lemma.derive.language.ncring import Unsupported
from tests.test_derive_verdicts import statuses, verdict

G = ("given:\n  k, d: integer >= 1\n  x: matrix k x 1\n  A, X, B: matrix k x k\n"
     "  W: matrix k x d\n  h: matrix d x 1\n")
INVERTIBLE = G + "assume:\n  nz: det(X) != 0\n"


@pytest.mark.parametrize(("valid", "invalid"), [
    (G + "calc:\n  diff(x.T*A*x, x)\n  = (A + A.T)*x", G + "calc:\n  diff(x.T*A*x, x)\n  = 2*A*x"),
    (G + "calc:\n  diff(trace(A*X*B), X)\n  = A.T*B.T",
     G + "calc:\n  diff(trace(A*X*B), X)\n  = B.T*A.T"),
    (G + "calc:\n  diff((W*h).T*(W*h), h)\n  = 2*W.T*W*h",
     G + "calc:\n  diff((W*h).T*(W*h), h)\n  = W.T*W*h"),
    (G + "calc:\n  diff((W*h).T*(W*h), W)\n  = 2*W*h*h.T",
     G + "calc:\n  diff((W*h).T*(W*h), W)\n  = 2*W*h*h.T*W.T*W"),
    (INVERTIBLE + "calc:\n  diff(log(det(X)), X)\n  = inv(X).T",
     INVERTIBLE + "calc:\n  diff(log(det(X)), X)\n  = inv(X)"),
    (INVERTIBLE + "calc:\n  diff(det(X), X)\n  = det(X)*inv(X).T",
     INVERTIBLE + "calc:\n  diff(det(X), X)\n  = inv(X).T"),
    (INVERTIBLE + "calc:\n  diff(trace(inv(X)*A), X)\n  = -inv(X).T*A.T*inv(X).T",
     INVERTIBLE + "calc:\n  diff(trace(inv(X)*A), X)\n  = -inv(X)*A*inv(X)"),
    (G + "calc:\n  diff(trace(X.T*X)**2, X)\n  = 4*trace(X.T*X)*X",
     G + "calc:\n  diff(trace(X.T*X)**2, X)\n  = 2*trace(X.T*X)*X"),
], ids=["quadratic-form", "trace-of-a-product", "squared-norm-by-the-input",
        "squared-norm-by-the-layer", "log-det", "det", "trace-of-an-inverse",
        "chain-through-a-trace"])
def test_a_gradient_at_symbolic_size_is_proved_and_its_false_twin_refuted(valid: str,
                                                                          invalid: str) -> None:
    good = verdict(valid)
    assert (good.verdict, good.links[0].method) == ("proved", "matrix ring normal form"), \
        statuses(good)
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    assert bad.links[0].counterexample  # at an explicit size, with its matrices


def test_a_gradient_through_a_determinant_records_invertibility() -> None:
    result = verdict(G + "calc:\n  diff(log(det(X)), X)\n  = inv(X).T")
    assert result.verdict == "invalid", statuses(result)
    assert result.links[0].message == "undefined here: det(X) != 0 fails"


def test_the_points_compute_the_gradient_entry_by_entry() -> None:
    """The independent cross-check: at explicit values the entries are derivatives."""
    k = sympy.Symbol("k", integer=True)
    x, a = sympy.MatrixSymbol("x", k, 1), sympy.MatrixSymbol("A", k, k)
    grad = matcalc.Gradient(x.T * a * x, x)
    values = {k: sympy.Integer(2), x: sympy.ImmutableMatrix([1, 2]),
              a: sympy.ImmutableMatrix([[1, 2], [3, 4]])}
    assert grad.at(values) == sympy.ImmutableMatrix([[2 * 1 + 5 * 2], [5 * 1 + 8 * 2]])


def test_a_gradient_by_a_symmetric_matrix_is_not_proved_by_the_rules() -> None:
    k = sympy.Symbol("k", integer=True)
    s = sympy.MatrixSymbol("S", k, k)
    with pytest.raises(Unsupported, match="symmetric"):
        matcalc.gradient(sympy.Trace(s * s), s, (s,))


@pytest.mark.parametrize(("body", "message"), [
    ("diff(W*h, h)", "takes a scalar (or 1 x 1) expression"),
    ("diff(x.T*A*x, x, 2)", "first order, one variable"),
], ids=["matrix-valued", "second-order"])
def test_what_a_gradient_cannot_be_is_said(body: str, message: str) -> None:
    with pytest.raises(DerivationSyntaxError, match=r"v\.md:9:3: a derivative by a matrix of "
                       "symbolic size") as caught:
        verdict(G + f"calc:\n  {body}\n  = {body}")
    assert message in str(caught.value)


# -- item 7: determinants of products ----------------------------------------------------------

D = "given:\n  k: integer >= 1\n  A, B, C: matrix k x k\n"


@pytest.mark.parametrize(("valid", "invalid"), [
    (D + "assume:\n  a: det(A) != 0\n  b: det(B) != 0\n  c: det(C) != 0\ncalc:\n"
     "  inv(A*B*C)*A*B*C\n  = eye(k)",
     D + "assume:\n  a: det(A) != 0\n  c: det(C) != 0\ncalc:\n  inv(A*B*C)*A*B*C\n  = eye(k)"),
    (D + "assume:\n  a: det(A) != 0\n  b: det(B) != 0\ncalc:\n  inv(A.T*inv(B)*2*A)\n"
     "  = inv(A)*B*inv(A.T)/2",
     D + "assume:\n  a: det(A) != 0\ncalc:\n  inv(A.T*inv(B)*2*A)\n  = inv(A)*B*inv(A.T)/2"),
], ids=["product-of-three", "transpose-inverse-and-scalar"])
def test_the_determinant_of_a_product_is_nonzero_when_each_factors_is(valid: str,
                                                                       invalid: str) -> None:
    good = verdict(valid)
    assert good.verdict == "proved", statuses(good)
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)
    assert bad.links[0].message.startswith("undefined here: det(")


# -- the chain rule through a function of a vector of symbolic size ----------------------------

V = ("given:\n  k, d: integer >= 1\n  W: matrix k x d\n  h: vector d\n  g: function k\n")
SQUARE = "given:\n  k: integer >= 1\n  W: matrix k x k\n  h: vector k\n  g: function k\n"


@pytest.mark.parametrize(("valid", "invalid"), [
    (V + "calc:\n  diff(g(W*h), h)\n  = W.T*grad(g, W*h)",
     V + "calc:\n  diff(g(W*h), h)\n  = 2*W.T*grad(g, W*h)"),
    (SQUARE + "calc:\n  diff(g(W*h), h)\n  = W.T*grad(g, W*h)",
     SQUARE + "calc:\n  diff(g(W*h), h)\n  = W*grad(g, W*h)"),
    (V + "calc:\n  diff(g(W*h), W)\n  = grad(g, W*h)*h.T",
     V + "calc:\n  diff(g(W*h), W)\n  = grad(g, W*h)*h.T*W.T*W"),
    (V + "calc:\n  diff(g(W*h)**2, h)\n  = 2*g(W*h)*W.T*grad(g, W*h)",
     V + "calc:\n  diff(g(W*h)**2, h)\n  = 2*W.T*grad(g, W*h)"),
], ids=["by-the-input", "dropped-transpose-in-a-square-layer", "by-the-layer",
        "outer-scalar-function"])
def test_the_chain_rule_through_a_layer_of_any_size(valid: str, invalid: str) -> None:
    good = verdict(valid)
    assert (good.verdict, good.links[0].method) == ("proved", "matrix ring normal form"), \
        statuses(good)
    assert len(good.links[0].sizes) > 1
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)


@pytest.mark.parametrize(("body", "message"), [
    ("g(h)", "g takes a k x 1 vector of symbolic size"),
    ("grad(h, W*h)", "grad takes a function of a vector and a point"),
], ids=["wrong-size", "grad-of-a-non-function"])
def test_a_vector_function_is_called_at_its_size(body: str, message: str) -> None:
    with pytest.raises(DerivationSyntaxError, match=message):
        verdict(V + f"calc:\n  {body}\n  = {body}")


def test_a_counterexample_shows_g_as_a_function_of_the_drawn_size() -> None:
    bad = verdict(SQUARE + "calc:\n  diff(g(W*h), h)\n  = W*grad(g, W*h)")
    point = bad.links[0].counterexample
    size = int(point["k"])
    (name,) = [key for key in point if key.startswith("g(")]
    assert name == "g(" + ", ".join(f"x{i + 1}" for i in range(size)) + ")"
