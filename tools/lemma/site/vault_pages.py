"""The vault files that become pages of their own: canvases and bases (read, their problems
reported, their raw files kept off the site)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..bases.base import Base
from ..bases.files import load_bases
from ..canvas import Canvas, canvas_links, load_canvases
from .state import log_problem

log = logging.getLogger("mkdocs.plugins.lemma")


def read(root: Path, vault: Any, files: Any
         ) -> tuple[dict[str, Canvas], dict[str, list[str]], list[Base]]:
    """(public canvases by path, note -> canvases showing it, the published bases); `files`
    (MkDocs' `Files` or a `SiteFiles`) loses the raw canvas and base files."""
    published = [p for p in vault.attachments if files.get_file_from_path(p) is not None]
    found = load_canvases(root, published)
    canvases = {c.path: c for c in found}
    shown_by: dict[str, list[str]] = {}
    for canvas in found:
        for problem in canvas.problems:
            log_problem(problem.pos, _message(problem))
        files.remove(files.get_file_from_path(canvas.path))  # its page replaces the JSON
        for r in canvas_links(canvas, vault):
            if r.ok and r.target:
                shown_by.setdefault(r.target, []).append(canvas.path)
    bases = load_bases(root, published)
    for base in bases:
        files.remove(files.get_file_from_path(base.path))  # its page replaces the YAML
    return canvases, shown_by, bases


def report_bases(bases: list[Base]) -> None:
    """Problems of the bases, found while their pages were made."""
    for base in bases:
        for problem in sorted(set(base.problems), key=lambda d: d.sort_key()):
            log_problem(problem.pos, _message(problem))


def _message(d: Any) -> str:
    return f"{d.code}: {d.message}" + (f" ({d.hint})" if d.hint else "")


def add_canvas_edges(graph: Any, shown_by: dict[str, list[str]]) -> None:
    """Each canvas as a node of the concept graph (drawn like a note, titled with its name)
    with an edge to every note it shows; the graph's cached projections are dropped if any
    was added."""
    if graph is None:
        return
    g = graph.graph
    added = False
    for target, canvases in shown_by.items():
        for canvas in canvases:
            title = canvas.rsplit("/", 1)[-1].removesuffix(".canvas")
            attrs = {"type": "note", "kind": "note", "title": title, "path": canvas,
                     "tags": [], "aliases": [], "year": None, "authors": [], "confidence": None}
            if canvas not in g or g.nodes[canvas].get("type") != "note":
                g.add_node(canvas, **attrs)
                added = True
            if target in g and not g.has_edge(canvas, target):
                g.add_edge(canvas, target, count=1, type="link", occurrences=[])
                added = True
    if added:  # the cached views (PageRank, projections) no longer hold
        getattr(graph, "_cache", {}).clear()
