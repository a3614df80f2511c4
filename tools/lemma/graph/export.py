"""Exports of the concept graph for Gephi, Cytoscape, Graphviz and scripts.

JSON keeps everything (networkx node-link form, occurrences with their sentences); GraphML and
GEXF take scalar attributes only, so lists become "; "-joined strings and occurrences become a
`lines` string of `path:line` entries; DOT carries titles, kinds and link counts.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from ..model import LemmaError

FORMATS = ("json", "graphml", "gexf", "dot")
SEPARATOR = "; "


def render(graph: nx.DiGraph, fmt: str) -> str:
    """The graph as text in one of FORMATS."""
    if fmt == "json":
        return json.dumps(to_json(graph), indent=1, ensure_ascii=False, default=str) + "\n"
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(scalar_graph(graph))) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(scalar_graph(graph, edge_type="link_type"))) + "\n"
    if fmt == "dot":
        return to_dot(graph)
    raise LemmaError(f"unknown export format '{fmt}' (use one of {', '.join(FORMATS)})",
                     exit_code=2)


def to_json(graph: nx.DiGraph) -> dict[str, Any]:
    """Node-link data (`networkx.node_link_graph(data, edges="edges")` loads it back)."""
    nodes = [{"id": n, **data} for n, data in sorted(graph.nodes(data=True))]
    edges = []
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        occurrences = [{"path": o.source, "line": o.line, "col": o.col, "embed": o.embed,
                        "sentence": o.sentence} for o in data["occurrences"]]
        edges.append({"source": u, "target": v, "type": data["type"], "count": data["count"],
                      "occurrences": occurrences})
    return {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return SEPARATOR.join(str(v) for v in value)
    return value


def scalar_graph(graph: nx.DiGraph, edge_type: str = "type") -> nx.DiGraph:
    """A copy with only str/int/float attributes (None dropped), for GraphML and GEXF.

    GEXF reserves an edge's `type` for its direction, so there it is written as `link_type`.
    """
    flat = nx.DiGraph()
    for n, data in sorted(graph.nodes(data=True)):
        attrs = {k: _scalar(v) for k, v in data.items() if v is not None}
        attrs["label"] = data["title"]
        flat.add_node(n, **attrs)
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        lines = SEPARATOR.join(o.where for o in data["occurrences"])
        flat.add_edge(u, v, **{edge_type: data["type"]}, count=data["count"],
                      weight=float(data["count"]), lines=lines)
    return flat


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(graph: nx.DiGraph) -> str:
    """Graphviz DOT: notes labelled by title, embeds dashed, pen width by link count."""
    lines = ["digraph lemma {", "  node [shape=box, style=rounded];"]
    for n, data in sorted(graph.nodes(data=True)):
        shape = ", shape=note" if data["type"] == "attachment" else ""
        lines.append(f"  {_quote(n)} [label={_quote(data['title'])}, "
                     f"kind={_quote(data['kind'])}{shape}];")
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        style = ", style=dashed" if data["type"] == "embed" else ""
        lines.append(f"  {_quote(u)} -> {_quote(v)} [weight={data['count']}, "
                     f"penwidth={min(1 + data['count'] / 2, 5):g}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
