"""Graph algorithms for the concept graph, deterministic whatever order nodes were added in.

Thin calls into networkx over the note-only projections; the undirected projection is built with
sorted nodes and edges so traversals and Louvain communities come out the same on every run.
"""

from __future__ import annotations

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


def within(undirected: nx.Graph, start: str, depth: int) -> set[str]:
    """Notes at 1..depth hops from `start`."""
    if start not in undirected:
        return set()
    found = nx.single_source_shortest_path_length(undirected, start, cutoff=max(depth, 0))
    return set(found) - {start}


def shortest_path(undirected: nx.Graph, a: str, b: str) -> list[str] | None:
    """A shortest chain of notes a..b (deterministic: the graph's nodes and edges are sorted)."""
    try:
        return nx.shortest_path(undirected, a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None


def adamic_adar(undirected: nx.Graph, path: str) -> list[tuple[str, float]]:
    """Notes two hops from `path` and not linked with it, by Adamic–Adar score, best first."""
    if path not in undirected:
        return []
    mine = set(undirected[path])
    candidates = sorted({c for m in mine for c in undirected[m]} - mine - {path})
    scores = nx.adamic_adar_index(undirected, [(path, c) for c in candidates])
    return sorted(((c, s) for _, c, s in scores), key=lambda kv: (-round(kv[1], 12), kv[0]))


def component_count(note_graph: nx.DiGraph) -> int:
    """The number of connected components, links followed either way (isolated notes count
    one each)."""
    if note_graph.number_of_nodes() == 0:
        return 0
    return nx.number_weakly_connected_components(note_graph)


def significant(rank: float) -> float:
    """A PageRank to six significant digits: at 100k notes ranks are ~1e-5, which six decimal
    places would cut to one digit."""
    return float(f"{rank:.6g}")


def pagerank(note_graph: nx.DiGraph) -> dict[str, float]:
    """PageRank of the note-only graph, links weighted by how often they are written."""
    if note_graph.number_of_nodes() == 0:
        return {}
    return nx.pagerank(note_graph, weight="count")


def communities(undirected: nx.Graph, seed: int = 0) -> list[list[str]]:
    """Louvain communities with a fixed seed: members sorted, largest community first."""
    if undirected.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(undirected, weight="weight", seed=seed)
    groups = [sorted(c) for c in found]
    return sorted(groups, key=lambda c: (-len(c), c[0]))
