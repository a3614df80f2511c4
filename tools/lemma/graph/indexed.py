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
