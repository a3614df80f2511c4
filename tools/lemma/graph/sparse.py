"""PageRank and component count of a note graph given as numbered nodes and weighted edges.

The same floats as `nx.pagerank` on the DiGraph those edges make (its SciPy power iteration,
step for step), without building the DiGraph: at 100k notes and 500k links the graph and its
conversion to a matrix took seconds of a cold `graph stats`. networkx is not imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: networkx's pagerank defaults, which the graph commands use.
ALPHA = 0.85
MAX_ITER = 100
TOL = 1.0e-6


class NoConvergence(ArithmeticError):
    """The power iteration did not settle within MAX_ITER steps (networkx raises too)."""


def significant(rank: float) -> float:
    """A PageRank to six significant digits: at 100k notes ranks are ~1e-5, which six decimal
    places would cut to one digit."""
    return float(f"{rank:.6g}")


def _matrix(count: int, edges: Sequence[tuple[int, int, int]]) -> Any:
    """The CSR adjacency matrix `nx.to_scipy_sparse_array` makes: `edges` in the DiGraph's
    edge order (by source as added, targets as first added), each (source, target, weight)."""
    import numpy as np
    import scipy as sp

    table = np.array(edges, dtype=np.int64).reshape(-1, 3)  # one pass over the tuples
    return sp.sparse.coo_array((table[:, 2].astype(float), (table[:, 0], table[:, 1])),
                               shape=(count, count), dtype=float).asformat("csr")


def pagerank(count: int, edges: Sequence[tuple[int, int, int]]) -> list[float]:
    """PageRank of nodes 0..count-1 (see `_matrix` for `edges`), as `nx.pagerank` computes it
    with weights; NoConvergence if it does not converge."""
    import numpy as np
    import scipy as sp

    if count == 0:
        return []
    matrix = _matrix(count, edges)
    sums = matrix.sum(axis=1)
    sums[sums != 0] = 1.0 / sums[sums != 0]
    matrix = sp.sparse.dia_array((sums.T, 0), shape=matrix.shape).tocsr() @ matrix
    x = np.repeat(1.0 / count, count)
    p = np.repeat(1.0 / count, count)
    dangling = np.where(sums == 0)[0]
    for _ in range(MAX_ITER):
        last = x
        # the builtin sum, as networkx adds the dangling ranks (numpy's would round otherwise)
        x = ALPHA * (x @ matrix + sum(x[dangling]) * p) + (1 - ALPHA) * p
        if np.absolute(x - last).sum() < count * TOL:
            return [float(r) for r in x]
    raise NoConvergence(f"PageRank did not converge in {MAX_ITER} iterations")


def component_count(count: int, edges: Sequence[tuple[int, int, int]]) -> int:
    """Connected components of nodes 0..count-1, edges followed either way (an isolated node
    is one), as `nx.number_weakly_connected_components` counts them."""
    if count == 0:
        return 0
    from scipy.sparse.csgraph import connected_components

    found, _ = connected_components(_matrix(count, edges), directed=True, connection="weak")
    return int(found)
