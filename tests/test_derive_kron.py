"""kron and vec (issue 26, item 3): at symbolic sizes the standard identities are rewrites of the
ring rung (kronform.py), so vec(A*X*B) = kron(B.T, A)*vec(X) and the mixed-product rule are
proved and cross-checked at explicit matrices of several sizes, each identity with a false twin;
what the rewrites do not reach is tested; at explicit sizes they are written out and proved."""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.language import kron
from lemma.derive.language.block import DerivationSyntaxError
from tests.test_derive_verdicts import statuses, verdict

K = ("given:\n  m, n, p, q: integer >= 1\n  A: matrix m x n\n  X: matrix n x p\n"
     "  B: matrix p x q\n")
MIXED = "given:\n  m, n: integer >= 1\n  A, C: matrix m x m\n  B, D: matrix n x n\n"


@pytest.mark.parametrize(("valid", "invalid"), [
    (K + "calc:\n  vec(A*X*B)\n  = kron(B.T, A)*vec(X)",
     K + "calc:\n  vec(A*X*B)\n  = kron(A, B.T)*vec(X)"),
    (MIXED + "calc:\n  kron(A, B)*kron(C, D)\n  = kron(A*C, B*D)",
     MIXED + "calc:\n  kron(A, B)*kron(C, D)\n  = kron(C*A, B*D)"),
    (MIXED + "calc:\n  trace(kron(A, B))\n  = trace(A)*trace(B)",
     MIXED + "calc:\n  trace(kron(A, B))\n  = trace(A) + trace(B)"),
    (K + "calc:\n  vec(A*X)\n  = kron(eye(p), A)*vec(X)",
     K + "calc:\n  vec(A*X)\n  = kron(A, eye(p))*vec(X)"),
    (K + "calc:\n  2*vec(X) + vec(A.T*A*X)\n  = vec((2*eye(n) + A.T*A)*X)",
     K + "calc:\n  2*vec(X) + vec(A.T*A*X)\n  = vec((eye(n) + A.T*A)*X)"),
], ids=["vec-of-a-product", "mixed-product-rule", "trace", "vec-of-a-left-product",
        "vec-is-linear"])
def test_kron_and_vec_at_symbolic_sizes(valid: str, invalid: str) -> None:
    good = verdict(valid)
    assert good.verdict == "proved", statuses(good)
    assert "cross-checked at" in good.links[0].message
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)


def test_what_the_rewrites_do_not_reach_is_tested() -> None:
    """kron is bilinear, but no rewrite says so: tested at several sizes, its slip refuted."""
    good = verdict(MIXED + "calc:\n  kron(A + C, B)\n  = kron(A, B) + kron(C, B)")
    assert good.verdict == "tested", statuses(good)
    assert len(good.links[0].sizes) > 1
    bad = verdict(MIXED + "calc:\n  kron(A + C, B)\n  = kron(A, B) + kron(B, C)")
    assert bad.verdict == "invalid", statuses(bad)


def test_an_inner_product_of_vecs_is_a_trace() -> None:
    base = "given:\n  m, n: integer >= 1\n  X, Y: matrix m x n\ncalc:\n  trace(vec(X).T*vec(Y))\n"
    good = verdict(base + "  = trace(X.T*Y)")
    assert good.verdict == "proved", statuses(good)
    bad = verdict(base + "  = trace(X.T*X)")
    assert bad.verdict == "invalid", statuses(bad)


def test_the_transpose_of_a_kronecker_product_is_proved_at_symbolic_sizes() -> None:
    """sympy writes kron(A, B).T as kron(A.T, B.T) itself; the false order is refuted."""
    good = verdict(MIXED + "calc:\n  kron(A, B).T\n  = kron(A.T, B.T)")
    assert good.verdict == "proved", statuses(good)
    bad = verdict(MIXED + "calc:\n  kron(A, B).T\n  = kron(B.T, A.T)")
    assert bad.verdict == "invalid", statuses(bad)


def test_at_explicit_sizes_kron_is_written_out_and_proved() -> None:
    good = verdict("given:\n  A: matrix 2x2\n  B: matrix 2x3\ncalc:\n  kron(A, B).T\n"
                   "  = kron(A.T, B.T)")
    assert good.verdict == "proved", statuses(good)


def test_vec_stacks_columns() -> None:
    x = sympy.ImmutableMatrix([[1, 2], [3, 4]])
    assert kron.vec(x) == sympy.ImmutableMatrix([1, 3, 2, 4])
    k = sympy.Symbol("k", integer=True)
    symbolic = kron.vec(sympy.MatrixSymbol("X", k, 2))
    assert symbolic.shape == (2 * k, 1)
    assert symbolic.xreplace({k: 2}).as_explicit()[1, 0] == sympy.MatrixSymbol("X", 2, 2)[1, 0]


def test_kron_does_not_mix_explicit_and_symbolic_sizes() -> None:
    body = "given:\n  k: integer >= 1\n  A: matrix k x k\n  B: matrix 2x2\ncalc:\n  kron(A, B)\n" \
           "  = kron(A, B)"
    with pytest.raises(DerivationSyntaxError, match="kron cannot combine a matrix of symbolic"):
        verdict(body)
