"""The concept graph read from the index: no note is parsed or unpickled to build it.

Nodes come from the `notes` table (their attributes as `note_attributes` made them when the
note was indexed), edges from the resolved `links` table; a link's sentence unpickles its
note's body only when asked for.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..index import store
from ..vault import gc_paused
from .concept import ConceptGraph, LinkRow, graph_from_rows


def graph_from_index(db: sqlite3.Connection) -> ConceptGraph:
    """The concept graph of the indexed vault, equal to `build_graph(index.vault())`."""
    with gc_paused():
        nodes: list[tuple[str, dict[str, Any]]] = [
            (path, _attributes(attrs)) for path, attrs in store.checked(db.execute(
                "SELECT path, attrs FROM notes WHERE note IS NOT NULL ORDER BY path"),
                store.TEXT, store.TEXT)]
        rows: dict[str, list[LinkRow]] = {path: [] for path, _ in nodes}
        int_ = store.INT
        for source, target, status, embed, line, col, start, end in store.checked(db.execute(
                'SELECT source, target, status, embed, line, col, start, "end" FROM links '
                "ORDER BY source, ord"), store.TEXT, store.MAYBE_TEXT, store.TEXT, int_, int_,
                int_, int_, int_):
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
    from collections import Counter

    import networkx as nx

    from . import algo

    with gc_paused():
        notes = list(store.checked(db.execute(
            "SELECT path, kind, title FROM notes WHERE note IS NOT NULL ORDER BY path"),
            store.TEXT, store.TEXT, store.TEXT))
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
        written, statuses = Counter(), Counter()
        for source, embed, status, count in db.execute(
                "SELECT source, embed, status, count(*) FROM links "
                "GROUP BY source, embed, status"):
            if source not in known:
                raise store.IndexCorrupt(f"a link from {source!r}, which is not a note")
            written[bool(embed)] += count
            if status != "ok":
                statuses[status] += count
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
