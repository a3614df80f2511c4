"""Graph algorithms for the concept graph, deterministic whatever order nodes were added in.

Plain-Python BFS, Adamic–Adar and PageRank over the note-only projection (networkx's PageRank
needs scipy, which Lemma does not depend on); Louvain communities on a canonically ordered graph.
"""

from __future__ import annotations

import math
from collections import deque

import networkx as nx


def note_adjacency(graph: nx.DiGraph) -> dict[str, set[str]]:
    """Undirected neighbour sets of the note nodes, ignoring attachments and self-links."""
    nodes = graph.nodes
    adjacency: dict[str, set[str]] = {
        n: set() for n, kind in graph.nodes(data="type") if kind == "note"
    }
    for u, v in graph.edges():
        if u != v and nodes[u]["type"] == "note" and nodes[v]["type"] == "note":
            adjacency[u].add(v)
            adjacency[v].add(u)
    return adjacency


def canonical_undirected(graph: nx.DiGraph, adjacency: dict[str, set[str]]) -> nx.Graph:
    """The undirected note graph with sorted nodes and edges; weight = links both ways."""
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(adjacency))
    edges = []
    for u in sorted(adjacency):
        for v in sorted(adjacency[u]):
            if u < v:
                weight = sum(graph.edges[a, b]["count"] for a, b in ((u, v), (v, u))
                             if graph.has_edge(a, b))
                edges.append((u, v, {"weight": weight}))
    undirected.add_edges_from(edges)
    return undirected


def within(adjacency: dict[str, set[str]], start: str, depth: int) -> set[str]:
    """Nodes at 1..depth hops from `start`."""
    seen = {start}
    frontier = [start]
    for _ in range(max(depth, 0)):
        frontier = [m for n in frontier for m in adjacency.get(n, ()) if m not in seen]
        seen.update(frontier)
        if not frontier:
            break
    seen.discard(start)
    return seen


def bfs_path(adjacency: dict[str, set[str]], a: str, b: str) -> list[str] | None:
    """A shortest path a..b; among equals, the one found visiting neighbours in sorted order."""
    if a == b:
        return [a]
    parent: dict[str, str] = {a: a}
    queue = deque([a])
    while queue:
        node = queue.popleft()
        for nxt in sorted(adjacency.get(node, ())):
            if nxt in parent:
                continue
            parent[nxt] = node
            if nxt == b:
                path = [b]
                while path[-1] != a:
                    path.append(parent[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return None


def adamic_adar(adjacency: dict[str, set[str]], path: str) -> list[tuple[str, float]]:
    """Notes two hops from `path` and not linked with it, scored by Σ 1/log(degree of the
    shared neighbour), best first (ties by path)."""
    mine = adjacency.get(path, set())
    scores: dict[str, float] = {}
    for middle in mine:
        weight = 1 / math.log(len(adjacency[middle]))  # ≥ 2 neighbours: path and the candidate
        for candidate in adjacency[middle]:
            if candidate != path and candidate not in mine:
                scores[candidate] = scores.get(candidate, 0.0) + weight
    return sorted(scores.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))


def component_count(adjacency: dict[str, set[str]]) -> int:
    """The number of connected components (isolated notes count one each)."""
    seen: set[str] = set()
    count = 0
    for start in adjacency:
        if start in seen:
            continue
        count += 1
        seen.add(start)
        stack = [start]
        while stack:
            for nxt in adjacency[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return count


def pagerank(graph: nx.DiGraph, notes: list[str], alpha: float = 0.85, tol: float = 1e-6,
             max_iter: int = 100) -> dict[str, float]:
    """PageRank of the note-only DiGraph weighted by `count`, as networkx computes it
    (uniform teleport, dangling mass spread uniformly, stop when the L1 change < N·tol)."""
    n = len(notes)
    if n == 0:
        return {}
    index = {p: i for i, p in enumerate(notes)}
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, count in graph.edges(data="count"):
        if u != v and u in index and v in index:
            out[index[u]].append((index[v], float(count)))
    for i, targets in enumerate(out):
        total = sum(w for _, w in targets)
        out[i] = [(j, w / total) for j, w in sorted(targets)]
    dangling = [i for i in range(n) if not out[i]]
    rank = [1.0 / n] * n
    for _ in range(max_iter):
        spread = (1.0 - alpha) / n + alpha * sum(rank[i] for i in dangling) / n
        new = [spread] * n
        for i, targets in enumerate(out):
            share = alpha * rank[i]
            for j, w in targets:
                new[j] += share * w
        change = sum(abs(x - y) for x, y in zip(new, rank, strict=True))
        rank = new
        if change < n * tol:
            break
    return dict(zip(notes, rank, strict=True))


def communities(undirected: nx.Graph, seed: int = 0) -> list[list[str]]:
    """Louvain communities with a fixed seed: members sorted, largest community first."""
    if undirected.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(undirected, weight="weight", seed=seed)
    groups = [sorted(c) for c in found]
    return sorted(groups, key=lambda c: (-len(c), c[0]))
