"""Block matrices from blocks of symbolic size (issue 26, item 4): Schur-complement identities
are tested at explicit random blocks of several sizes, each with a false twin; blocks that do
not fit together are a syntax error that says which row or column."""

from __future__ import annotations

import pytest

from lemma.derive.language.block import DerivationSyntaxError
from lemma.derive.running.results import PASSING
from tests.test_derive_verdicts import statuses, verdict

S = ("given:\n  k, d: integer >= 1\n  A: matrix k x k\n  B: matrix k x d\n  C: matrix d x k\n"
     "  D: matrix d x d\nassume:\n  a: det(A) != 0\n")


@pytest.mark.parametrize(("valid", "invalid"), [
    (S + "calc:\n  det(Matrix([[A, B], [C, D]]))\n  = det(A)*det(D - C*inv(A)*B)",
     S + "calc:\n  det(Matrix([[A, B], [C, D]]))\n  = det(A)*det(D - B.T*inv(A)*C.T)"),
    (S + "calc:\n  Matrix([[A, B], [C, D]]).T\n  = Matrix([[A.T, C.T], [B.T, D.T]])",
     S + "calc:\n  Matrix([[A, B], [C, D]]).T\n  = Matrix([[A.T, C.T], [B.T, -D.T]])"),
    (S + "calc:\n  det(Matrix([[A, zeros(k, d)], [C, D]]))\n  = det(A)*det(D)",
     S + "calc:\n  det(Matrix([[A, B], [C, D]]))\n  = det(A)*det(D)"),
], ids=["schur-determinant", "block-transpose", "block-triangular-determinant"])
def test_block_matrices_of_symbolic_size(valid: str, invalid: str) -> None:
    good = verdict(valid)
    assert good.verdict in PASSING, statuses(good)
    bad = verdict(invalid)
    assert bad.verdict == "invalid", statuses(bad)


@pytest.mark.parametrize(("cells", "message"), [
    ("[[A, B], [C, B]]", "the blocks of row 2 must have the same number of rows"),
    ("[[A, B], [D, C]]", "the blocks of column 1 must have the same number of columns"),
    ("[[A, 1], [C, D]]", "a block matrix takes matrices of symbolic size as blocks"),
], ids=["row-heights", "column-widths", "a-scalar-block"])
def test_blocks_that_do_not_fit_are_named(cells: str, message: str) -> None:
    with pytest.raises(DerivationSyntaxError, match=message):
        verdict(S + f"calc:\n  Matrix({cells})\n  = Matrix({cells})")
