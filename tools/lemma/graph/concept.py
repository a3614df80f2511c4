"""The concept graph: one networkx DiGraph of notes and linked attachments, and its queries.

`build_graph(vault)` builds it once from the resolved links; every other view (the undirected
note graph, PageRank, communities) is derived from it on demand and cached until the next
`update_note`. Link context sentences are computed only when asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from ..link_text import link_sentence
from ..model import LemmaError
from ..note_attributes import attachment_attributes, note_attributes
from ..vault import ResolvedLink, Vault, gc_paused
from . import algo

__all__ = ["Backlink", "ConceptGraph", "Hop", "Occurrence", "build_graph"]


#: One written link as the graph needs it: (source, target or None, status, embed, line, col,
#: start, end) — the same from a loaded vault (`link_rows`) or from the index's `links` table.
LinkRow = tuple[str, "str | None", str, bool, int, int, int, int]


def link_rows(resolved: Iterable[ResolvedLink]) -> list[LinkRow]:
    """A note's resolved links as LinkRows."""
    return [(r.source, r.target, r.status, r.link.embed, r.link.pos.line, r.link.pos.col,
             r.link.start, r.link.end) for r in resolved]


@dataclass(slots=True)
class Occurrence:
    """One link from `source` to `target` as written: where it is, and (lazily) its sentence.

    Not frozen: a frozen dataclass's __init__ is 3x slower, and 10k notes make 50k of these.
    `bodies` gives a note's body by path, so a sentence costs nothing until it is asked for.
    """

    source: str
    target: str
    line: int
    col: int
    embed: bool
    start: int
    end: int
    bodies: Callable[[str], str] = field(compare=False, repr=False)

    @property
    def where(self) -> str:
        """`path:line` of the link, for messages and backlink lists."""
        return f"{self.source}:{self.line}"

    @property
    def sentence(self) -> str:
        """The plain-text sentence the link sits in (computed on each call; cheap for one)."""
        return link_sentence(self.bodies(self.source), self.start, self.end)


@dataclass(frozen=True, slots=True)
class Backlink:
    """A note linking to the one asked about, with the line and sentence of the link."""

    source: str
    title: str
    line: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: `source` links to `target` at `line` with `sentence`.

    A path is walked in either direction, so a hop may point backwards along it.
    """

    source: str
    target: str
    line: int
    sentence: str


def _out_edges(rows: Iterable[LinkRow], bodies: Callable[[str], str]
               ) -> tuple[dict[str, dict[str, Any]], list[LinkRow]]:
    """A note's out-edge attributes by target (self-links dropped), and its non-ok links.

    An edge's `type` is "embed" only when every occurrence on it embeds.
    """
    edges: dict[str, dict[str, Any]] = {}
    problems = []
    for row in rows:
        source, target, status, embed, line, col, start, end = row
        if status != "ok":
            problems.append(row)
        if target is None or target == source:
            continue
        occ = Occurrence(source, target, line, col, embed, start, end, bodies)
        edge = edges.get(target)
        if edge is None:
            edges[target] = {"count": 1, "type": "embed" if embed else "link",
                             "occurrences": [occ]}
        else:
            edge["count"] += 1
            edge["occurrences"].append(occ)
            if not embed:
                edge["type"] = "link"
    return edges, problems


def build_graph(vault: Vault) -> ConceptGraph:
    """The concept graph of a loaded vault (reads no files)."""
    notes = vault.notes
    with gc_paused():  # 50k edge dicts and occurrences: no cycles, so skip the GC's walks
        nodes = [(path, note_attributes(note)) for path, note in notes.items()]
        rows = {path: link_rows(resolved) for path, resolved in vault.resolved.items()}
        graph = graph_from_rows(nodes, rows, lambda path: notes[path].body)
    graph._resolved = dict(vault.resolved)
    return graph


def graph_from_rows(nodes: Iterable[tuple[str, dict[str, Any]]],
                    rows: dict[str, list[LinkRow]], bodies: Callable[[str], str]
                    ) -> ConceptGraph:
    """The concept graph of notes (path, attributes) and their links by source note.

    `bodies` gives a note's body for link sentences; it is called only when one is asked for.
    """
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    edges = []
    problems: dict[str, list[LinkRow]] = {}
    for path, links in rows.items():
        out, bad = _out_edges(links, bodies)
        if bad:
            problems[path] = bad
        edges.extend((path, target, attrs) for target, attrs in out.items())
    attachments = {t for _, t, _ in edges if t not in graph}
    graph.add_nodes_from((a, attachment_attributes(a)) for a in sorted(attachments))
    graph.add_edges_from(edges)
    return ConceptGraph(graph, problems, rows, bodies)


class ConceptGraph:
    """Notes and linked attachments as a DiGraph (edges carry count, type, occurrences)."""

    def __init__(self, graph: nx.DiGraph, problems: dict[str, list[LinkRow]],
                 rows: dict[str, list[LinkRow]], bodies: Callable[[str], str]) -> None:
        self.graph = graph
        #: source note -> its links that are broken, ambiguous or miss a heading
        self.problems = problems
        self._rows = rows
        self._bodies = bodies
        #: the vault's resolution the graph was built from (None when built from the index)
        self._resolved: dict[str, tuple[ResolvedLink, ...]] | None = None
        self._cache: dict[str, Any] = {}

    # -- derived views -------------------------------------------------------------------------

    def notes(self) -> list[str]:
        """Paths of the note nodes (not attachments), sorted."""
        return sorted(n for n, d in self.graph.nodes(data=True) if d["type"] == "note")

    def note_graph(self) -> nx.DiGraph:
        """The note-to-note links with their counts, no attachments (cached; do not modify).

        A plain graph, not a subgraph view: PageRank walks it several times, and a view filters
        every step.
        """
        if "note_graph" not in self._cache:
            notes = self.notes()
            if len(notes) == self.graph.number_of_nodes():
                self._cache["note_graph"] = self.graph
            else:
                keep = set(notes)
                only = nx.DiGraph()
                only.add_nodes_from(notes)  # attributes stay on self.graph
                only.add_edges_from((u, v, {"count": d["count"]})
                                    for u, v, d in self.graph.edges(data=True)
                                    if u in keep and v in keep)
                self._cache["note_graph"] = only
        return self._cache["note_graph"]

    def adjacency(self) -> dict[str, set[str]]:
        """The undirected note-only projection as sets of neighbours (cached)."""
        if "adjacency" not in self._cache:
            self._cache["adjacency"] = algo.note_adjacency(self.graph)
        return self._cache["adjacency"]

    def undirected(self) -> nx.Graph:
        """The undirected note-only graph, nodes and edges in sorted order, weight = link count."""
        if "undirected" not in self._cache:
            self._cache["undirected"] = algo.canonical_undirected(self.graph, self.adjacency())
        return self._cache["undirected"]

    def title(self, path: str) -> str:
        """The title of a node (its file name for attachments)."""
        return self.graph.nodes[path]["title"]

    def _require(self, path: str) -> None:
        if path not in self.graph:
            raise LemmaError(f"'{path}' is not a note of this vault", exit_code=2)

    # -- queries -------------------------------------------------------------------------------

    def backlinks(self, path: str) -> list[Backlink]:
        """Every link to `path` with its sentence, sorted by the linking note's title."""
        self._require(path)
        found = []
        for source, _, data in self.graph.in_edges(path, data=True):
            title = self.title(source)
            found += [Backlink(source, title, o.line, o.sentence) for o in data["occurrences"]]
        return sorted(found, key=lambda b: (b.title.casefold(), b.source, b.line))

    def neighbors(self, path: str, depth: int = 1) -> list[str]:
        """Notes within `depth` links of `path`, in either direction, sorted."""
        self._require(path)
        return sorted(algo.within(self.undirected(), path, depth))

    def shortest_path(self, a: str, b: str) -> list[Hop] | None:
        """The fewest-hop chain of links between two notes (either direction), or None."""
        self._require(a)
        self._require(b)
        nodes = algo.shortest_path(self.undirected(), a, b)
        if nodes is None:
            return None
        return [self._hop(u, v) for u, v in pairwise(nodes)]

    def _hop(self, u: str, v: str) -> Hop:
        source, target = (u, v) if self.graph.has_edge(u, v) else (v, u)
        occ = min(self.graph.edges[source, target]["occurrences"], key=lambda o: (o.line, o.col))
        return Hop(source, target, occ.line, occ.sentence)

    def related(self, path: str, limit: int = 10) -> list[tuple[str, float]]:
        """Notes not linked with `path`, ranked by shared neighbours (Adamic–Adar)."""
        self._require(path)
        return algo.adamic_adar(self.undirected(), path)[:limit]

    def pagerank(self) -> dict[str, float]:
        """PageRank of the note-only graph, weighted by link count (deterministic, cached)."""
        if "pagerank" not in self._cache:
            self._cache["pagerank"] = algo.pagerank(self.note_graph())
        return self._cache["pagerank"]

    def communities(self) -> list[list[str]]:
        """Louvain communities (seed 0), largest first, members sorted (cached)."""
        if "communities" not in self._cache:
            self._cache["communities"] = algo.communities(self.undirected())
        return self._cache["communities"]

    def orphans(self) -> list[str]:
        """Notes with no resolved link in or out (to notes or attachments), sorted."""
        g = self.graph
        return sorted(n for n in self.notes() if g.in_degree(n) == 0 and g.out_degree(n) == 0)

    def components(self) -> int:
        """The number of connected components of the undirected note graph."""
        return algo.component_count(self.note_graph())

    def hubs(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """The most connected notes as (path, notes linking in, notes linked out)."""
        g = self.graph
        rows = []
        for n in self.notes():
            ins = sum(1 for s in g.predecessors(n) if g.nodes[s]["type"] == "note")
            outs = sum(1 for t in g.successors(n) if g.nodes[t]["type"] == "note")
            rows.append((n, ins, outs))
        rows.sort(key=lambda r: (-(r[1] + r[2]), -r[1], r[0]))
        return rows[:limit]

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Counts of notes, links, embeds, broken links, orphans, components; top by PageRank."""
        notes = self.notes()
        kinds = Counter(self.graph.nodes[n]["kind"] for n in notes)
        written = Counter(row[3] for rows in self._rows.values() for row in rows)
        statuses = Counter(row[2] for rows in self.problems.values() for row in rows)
        ranks = self.pagerank()
        best = sorted(ranks.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return {
            "notes": len(notes),
            "by_kind": dict(sorted(kinds.items())),
            "attachments": self.graph.number_of_nodes() - len(notes),
            "edges": self.graph.number_of_edges(),
            "links": written[False],
            "embeds": written[True],
            "broken": statuses["broken"] + statuses["ambiguous"],
            "missing_headings": statuses["missing-heading"],
            "orphans": len(self.orphans()),
            "components": self.components(),
            "top": [{"note": p, "title": self.title(p), "pagerank": algo.significant(r)}
                    for p, r in best],
        }

    # -- incremental update ----------------------------------------------------------------------

    def update_note(self, vault: Vault, path: str) -> None:
        """Bring the graph up to date after `vault.update_note(path)`, from that note alone.

        Other notes' out-edges are replaced only where the vault's resolution of their links
        changed (a rename, a deletion, or headings that links point into).
        """
        if self._resolved is None:
            raise TypeError("a graph built from the index is not updated in place")
        self._bodies = lambda source: vault.notes[source].body
        g = self.graph
        note = vault.notes.get(path)
        if note is None:
            sources = self._changed_sources(vault)
            if path in g:
                stale = [t for t in g.successors(path) if g.nodes[t]["type"] == "attachment"]
                g.remove_node(path)
                self._drop_unlinked(stale)
            self.problems.pop(path, None)
            self._rows.pop(path, None)
            self._resolved.pop(path, None)
        else:
            old = g.nodes[path] if path in g else None
            sources = self._changed_sources(vault)
            if old is None:
                g.add_node(path)
            g.nodes[path].clear()
            g.nodes[path].update(note_attributes(note))
            sources = sorted(set(sources) | {path})
        for source in sources:
            self._replace_out_edges(vault, source)
        self._cache.clear()

    def _changed_sources(self, vault: Vault) -> list[str]:
        """Notes whose resolved links differ from what the graph was built with."""
        old = self._resolved
        assert old is not None
        return [p for p, rs in vault.resolved.items() if old.get(p) != rs]

    def _replace_out_edges(self, vault: Vault, source: str) -> None:
        g = self.graph
        if source not in g:  # a note added with others: its own update comes next
            g.add_node(source, **note_attributes(vault.notes[source]))
        old_targets = list(g.successors(source))
        g.remove_edges_from([(source, t) for t in old_targets])
        resolved = vault.resolved[source]
        rows = link_rows(resolved)
        out, bad = _out_edges(rows, self._bodies)
        for target in out:
            if target not in g:
                g.add_node(target, **attachment_attributes(target))
        g.add_edges_from((source, t, attrs) for t, attrs in out.items())
        self._drop_unlinked(t for t in old_targets if t not in out)
        if bad:
            self.problems[source] = bad
        else:
            self.problems.pop(source, None)
        self._rows[source] = rows
        assert self._resolved is not None
        self._resolved[source] = resolved

    def _drop_unlinked(self, paths: Iterable[str]) -> None:
        """Remove attachment nodes nothing links to any more."""
        g = self.graph
        for p in list(paths):
            if p in g and g.nodes[p]["type"] == "attachment" and g.in_degree(p) == 0:
                g.remove_node(p)

    # -- export ----------------------------------------------------------------------------------

    def render(self, fmt: str) -> str:
        """The graph as text in `fmt` (json | graphml | gexf | dot)."""
        from .export import render

        return render(self.graph, fmt)

    def export(self, fmt: str, out: Path) -> None:
        """Write the graph to `out` in `fmt` (json | graphml | gexf | dot)."""
        Path(out).write_text(self.render(fmt), encoding="utf-8")

