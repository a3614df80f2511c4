"""PageRank and components from numbered edges equal networkx's on the DiGraph they make."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from lemma.graph import sparse


def _graph(count: int, edges: list[tuple[int, int, int]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(count))
    graph.add_weighted_edges_from(edges, weight="count")
    return graph


def _random_edges(rng: random.Random, count: int, links: int) -> list[tuple[int, int, int]]:
    """Weighted edges by source, each pair once, no self-loops (as the index groups links)."""
    pairs: dict[tuple[int, int], int] = {}
    for _ in range(links):
        u, v = rng.randrange(count), rng.randrange(count)
        if u != v:
            pairs[u, v] = pairs.get((u, v), 0) + rng.choice((1, 1, 1, 2, 5))
    return sorted(((u, v, w) for (u, v), w in pairs.items()), key=lambda e: e[0])


CASES = {
    "empty": (0, []),
    "one-note": (1, []),
    "isolated-notes": (4, []),
    "chain": (3, [(0, 1, 1), (1, 2, 1)]),
    "cycle-weighted": (3, [(0, 1, 3), (1, 2, 1), (2, 0, 2), (0, 2, 1)]),
    "dangling-and-isolated": (5, [(0, 1, 1), (2, 1, 4)]),
    "random-sparse": (300, _random_edges(random.Random(1), 300, 200)),
    "random-dense": (200, _random_edges(random.Random(2), 200, 3000)),
    "random-many-dangling": (1000, _random_edges(random.Random(3), 1000, 1500)),
}


@pytest.mark.parametrize("count, edges", CASES.values(), ids=CASES.keys())
def test_pagerank_is_networkx_float_for_float(count, edges):
    want = nx.pagerank(_graph(count, edges), weight="count") if count else {}
    got = sparse.pagerank(count, edges)
    assert dict(enumerate(got)) == want  # exactly the same floats, not merely close


@pytest.mark.parametrize("count, edges", CASES.values(), ids=CASES.keys())
def test_component_count_is_networkx_weak_count(count, edges):
    want = nx.number_weakly_connected_components(_graph(count, edges)) if count else 0
    assert sparse.component_count(count, edges) == want


def test_significant_keeps_six_digits_of_small_ranks():
    assert sparse.significant(2.7712345e-05) == 2.77123e-05
    assert sparse.significant(0.123456789) == 0.123457
