"""The concept graph read from the index: no note is parsed or unpickled to build it.

Nodes come from the `notes` table (their attributes as `note_attributes` made them when the
note was indexed), edges from the resolved `links` table; a link's sentence unpickles its
note's body only when asked for.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..index import store
from ..index.typed_rows import INT, MAYBE_TEXT, TEXT, checked
from ..vault import Vault, gc_paused
from .concept import ConceptGraph, LinkRow, graph_from_rows

if TYPE_CHECKING:
    from ..index.refresh import VaultIndex


def graph_from_index(db: sqlite3.Connection) -> ConceptGraph:
    """The concept graph of the indexed vault, equal to `build_graph(index.vault())`."""
    with gc_paused():
        nodes: list[tuple[str, dict[str, Any]]] = [
            (path, _attributes(attrs)) for path, attrs in checked(db.execute(
                "SELECT path, attrs FROM notes WHERE note IS NOT NULL ORDER BY path"),
                TEXT, TEXT)]
        rows: dict[str, list[LinkRow]] = {path: [] for path, _ in nodes}
        for source, target, status, embed, line, col, start, end in checked(db.execute(
                'SELECT source, target, status, embed, line, col, start, "end" FROM links '
                "ORDER BY source, ord"), TEXT, MAYBE_TEXT, TEXT, INT, INT, INT, INT, INT):
            if source not in rows:
                raise store.IndexCorrupt(f"a link from {source!r}, which is not a note")
            rows[source].append((source, target, status, bool(embed), line, col, start, end))
        return graph_from_rows(nodes, rows, _Bodies(db))


def _attributes(attrs: str) -> dict[str, Any]:
    """A note's stored graph attributes (IndexCorrupt if they are not a JSON object)."""
    try:
        found = json.loads(attrs)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise store.IndexCorrupt("graph attributes of the wrong type")
    return found


class _Bodies:
    """Note bodies by path, unpickled from the index on first use."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if path not in self.cache:
            row = self.db.execute("SELECT note FROM notes WHERE path = ?", (path,)).fetchone()
            self.cache[path] = store.load_note(row[0]).body if row and row[0] else ""
        return self.cache[path]


def stats_from_index(db: sqlite3.Connection, top: int = 10) -> dict[str, Any]:
    """`graph_from_index(db).stats(top)` from aggregate queries: one note-only DiGraph for
    PageRank and components, and no per-link objects (100k notes, 500k links: the full graph
    and a note-only copy of it took seconds and a gigabyte to build)."""
    with gc_paused():
        notes = list(checked(db.execute(
            "SELECT path, kind, title FROM notes WHERE note IS NOT NULL ORDER BY path"),
            TEXT, TEXT, TEXT))
        known = {path for path, _, _ in notes}
        # the columns read are checked in one pass in SQL, not row by row here (500k rows)
        wrong = db.execute(
            "SELECT count(*) FROM links WHERE typeof(source) != 'text' OR typeof(ord) != "
            "'integer' OR typeof(target) NOT IN ('text', 'null') OR typeof(status) != 'text' "
            "OR typeof(embed) != 'integer'").fetchone()[0]
        if wrong:
            raise store.IndexCorrupt("a value of the wrong type in a link row")
        # edges in the order `graph_from_index` adds them: by source, targets by first link
        edges = db.execute(
            "SELECT source, target, count(*) FROM links WHERE target IS NOT NULL "
            "AND target != source GROUP BY source, target ORDER BY source, min(ord)").fetchall()
        written: Counter[bool] = Counter()
        statuses: Counter[str] = Counter()
        for source, embed, status, count in db.execute(
                "SELECT source, embed, status, count(*) FROM links "
                "GROUP BY source, embed, status"):
            if source not in known:
                raise store.IndexCorrupt(f"a link from {source!r}, which is not a note")
            written[bool(embed)] += count
            if status != "ok":
                statuses[status] += count
    return _stats(notes, edges, written, statuses, top)


def stats_from_links(vault: Vault, top: int = 10) -> dict[str, Any]:
    """`stats_from_index` of the index a streamed first build is writing, from its light vault
    (`Refresh.light`: kinds, titles and resolved links), so the stats are computed while the
    index is written rather than read back from it."""
    return _stats(*_summary(vault), top)


Summary = tuple[list[tuple[str, str, str]], list[tuple[str, str, int]], Counter[bool],
                Counter[str]]


def _summary(vault: Vault) -> Summary:
    """What the stats need of a vault: its notes (path, kind, title) in path order, its edges
    (source, target, links) by source, targets by first link, and its links counted by embed
    and by status."""
    with gc_paused():
        by_path = vault.notes
        notes = [(path, by_path[path].kind.value, by_path[path].title)
                 for path in sorted(by_path)]
        edges: list[tuple[str, str, int]] = []
        statuses: Counter[str] = Counter()
        links = embeds = 0
        resolved_of = vault.resolved.get
        for source, _, _ in notes:
            counts: dict[str, int] = {}  # targets in the order of their first link
            found = resolved_of(source, ())
            links += len(found)
            for resolved in found:
                if resolved.link.embed:
                    embeds += 1
                if resolved.status != "ok":
                    statuses[resolved.status] += 1
                target = resolved.target
                if target is not None and target != source:
                    counts[target] = counts.get(target, 0) + 1
            edges += [(source, target, count) for target, count in counts.items()]
    return notes, edges, Counter({False: links - embeds, True: embeds}), statuses


def _stats(notes: list[tuple[str, str, str]], edges: list[tuple[str, str, int]],
           written: Counter[bool], statuses: Counter[str], top: int) -> dict[str, Any]:
    """The stats of notes (path, kind, title) in path order and edges (source, target,
    links) by source, targets by first link; links counted by embed and by status."""
    import networkx as nx

    from . import algo

    with gc_paused():
        known = {path for path, _, _ in notes}
        linked = {path for edge in edges for path in edge[:2]}
        note_graph = nx.DiGraph()
        note_graph.add_nodes_from(path for path, _, _ in notes)
        note_graph.add_weighted_edges_from(
            ((u, v, c) for u, v, c in edges if v in known), weight="count")
    ranks = algo.pagerank(note_graph)
    titles = {path: title for path, _, title in notes}
    best = sorted(ranks.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return {
        "notes": len(notes),
        "by_kind": dict(sorted(Counter(kind for _, kind, _ in notes).items())),
        "attachments": len({v for _, v, _ in edges if v not in known}),
        "edges": len(edges),
        "links": written[False],
        "embeds": written[True],
        "broken": statuses["broken"] + statuses["ambiguous"],
        "missing_headings": statuses["missing-heading"],
        "orphans": len(known - linked),
        "components": algo.component_count(note_graph),
        "top": [{"note": p, "title": titles[p], "pagerank": algo.significant(r)} for p, r in best],
    }


def index_stats(index: VaultIndex, top: int = 10) -> dict[str, Any]:
    """The stats of the refreshed index's graph, from whatever the refresh has at hand: a
    first build's vault, a streamed one's light vault (while the index is written), or the
    index itself."""
    from .concept import build_graph

    report = index.refresh()
    if report.vault is not None:
        return build_graph(report.vault).stats(top=top)
    if report.light is not None:
        summary = _summary(report.light)
        del report  # the light vault goes (the writer keeps the links it writes): 0.1 GB
        return _stats(*summary, top)
    return stats_from_index(index.db, top)
