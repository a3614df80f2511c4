"""Block matrices of symbolic size: `Matrix([[A, B], [C, D]])` from blocks such as `A: matrix
k x k`, `B: matrix k x d` (and `eye(k)`, `zeros(k, d)`).

The blocks of a row share their number of rows and those of a column their number of columns.
The ring normal form does not reach inside a block matrix, so identities about it (Schur
complements, block inverses and determinants) are tested at explicit random blocks of several
sizes; their invertibility conditions (`det(A) != 0` for `inv(A)`) are recorded as usual.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy

from lemma.derive.language import exprsym

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder


def block_matrix(builder: Builder, node: ast.Call, rows: list[list[ast.AST]],
                 cells: list[list[object]]) -> sympy.BlockMatrix:
    """The block matrix of `cells`, after checking that its blocks fit together."""
    for row_nodes, row in zip(rows, cells, strict=True):
        for cell_node, cell in zip(row_nodes, row, strict=True):
            if not exprsym.is_symbolic(cell):
                raise builder.fail(cell_node, "a block matrix takes matrices of symbolic size "
                                   "as blocks", "use zeros(k, d) and eye(k) for zero and "
                                   "identity blocks")
            builder.transparent(cell_node, cell, "a block matrix")
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if not exprsym.same(cell.rows, row[0].rows):  # type: ignore[attr-defined]
                raise builder.fail(rows[i][j], f"the blocks of row {i + 1} must have the same "
                                   f"number of rows ({row[0].rows}, not {cell.rows})")  # type: ignore[attr-defined]
            if not exprsym.same(cell.cols, cells[0][j].cols):  # type: ignore[attr-defined]
                raise builder.fail(rows[i][j], f"the blocks of column {j + 1} must have the "
                                   f"same number of columns ({cells[0][j].cols}, not "  # type: ignore[attr-defined]
                                   f"{cell.cols})")  # type: ignore[attr-defined]
    return sympy.BlockMatrix(cells)
