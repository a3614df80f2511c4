"""Graph views of the site: the global graph page and its data file, and each note's local graph.

A site extension (see `extensions.py`): `pages` adds `graph.md`, `files` writes the global data
(`assets/lemma/graph.json`, fetched only by the graph page), `page_html` inlines a note's small
neighbourhood and its text alternative. Layouts are computed here, at build time, so browsers
draw the global graph without running any physics. The data is compact JSON with short keys:

- global: `{"v": 1, "kinds": [...], "tags": [...], "f": [...], "by": "kind" | "folder",
  "n": [[x, y, size, kind, title, url, [tag, ...], folder], ...], "e": [a, b, a, b, ...],
  "h": [i, ...]}` — kind, tags and folder index `kinds`/`tags`/`f`, `e` pairs index `n`, `url`
  is site-relative, `size` 0–9 is the note's `degree_class`, `h` lists the `HUBS` notes of
  highest PageRank (always labelled), `by` says what colours the nodes (`colour_by`).
- local: `{"kinds": [...], "f": {folder: name}, "by": ..., "n": [[title, url, kind, depth,
  size, folder], ...], "e": [...]}` — node 0 is the page's note, `url` is relative to the page,
  `folder` is the global graph's folder index (same colours), depth 2 is capped at `LOCAL_MAX`.

A local graph depends on the note's neighbourhood only — never on PageRank or another global
rank — so a new note changes the local graphs of the few pages around it, and `serve --dirty`
re-renders only those (`changed`). Sizes are `degree_class` in both views: a note is drawn the
same size on its neighbours' pages and on the graph page.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..model import NoteKind
from .graph_layout import layout
from .render_notes import KIND_LABEL
from .urls import relative_url

GRAPH_PAGE = "graph.md"
DATA_FILE = "assets/lemma/graph.json"
LOCAL_MAX = 60  # at most this many notes two links away in a local graph
HUBS = 10  # the most central notes (PageRank), labelled on the global graph at any zoom
KINDS = [k.value for k in NoteKind]

_layout_cache: dict[str, Any] = {}


def pages(state: Any) -> dict[str, tuple[str, str]]:
    """The global graph page (unless the vault has its own `graph.md`)."""
    graph, vault = state.graph, state.vault
    if graph is None or vault is None or not vault.notes or GRAPH_PAGE in vault.notes:
        return {}
    adjacency = graph.adjacency()
    links = sum(len(v) for v in adjacency.values()) // 2
    return {GRAPH_PAGE: ("Graph", graph_page(len(vault.notes), links))}


def graph_page(notes: int, links: int) -> str:
    """The Markdown of the global graph page: a container lemma-graph.js fills in."""
    return (
        "---\ntitle: Concept graph\nhide:\n  - navigation\n  - toc\n---\n\n"
        "# Concept graph\n\n"
        f'<div class="lemma-graph lemma-graph-global" data-lemma-graph="global" '
        f'data-src="{DATA_FILE}" data-notes="{notes}" data-links="{links}">\n'
        f'<p class="lemma-graph-caption">{notes:,} notes and {links:,} links. '
        "Drag to move, scroll to zoom, hover a note to see its neighbours, click to open it. "
        "Keyboard: search for a note and follow the links listed beside it, or focus the graph "
        "and use the arrows, + and −, n and p, Enter.</p>\n"
        "<noscript><p>The graph view needs JavaScript; every note is listed on the index "
        "pages in the navigation.</p></noscript>\n</div>\n"
    )


def files(state: Any) -> dict[str, str]:
    """The global graph data, written once per build as a site asset (the same text again
    after an edit that kept every note's title, kind, tags, links and URL)."""
    if state.graph is None or state.vault is None or not state.vault.notes:
        return {}
    memo = state.views.setdefault(__name__, {}) if hasattr(state, "views") else {}
    adjacency = state.graph.adjacency()
    if not (getattr(state, "shape_kept", False) and memo.get("data_of") is adjacency):
        memo["data"] = json.dumps(global_data(state.graph, _urls(state)), ensure_ascii=False,
                                  separators=(",", ":"))
        memo["data_of"] = adjacency
    return {DATA_FILE: memo["data"]}


def global_data(graph: Any, urls: Mapping[str, str]) -> dict[str, Any]:
    """Every note with its precomputed position, size class, kind, title, URL and tags."""
    notes = graph.notes()
    index = {p: i for i, p in enumerate(notes)}
    adjacency = graph.adjacency()
    positions = cached_layout(graph)
    sizes = degree_classes(adjacency)
    attrs = graph.graph.nodes
    tag_count: dict[str, int] = {}
    for p in notes:
        for tag in attrs[p]["tags"]:
            tag_count[tag] = tag_count.get(tag, 0) + 1
    tags = sorted(tag_count, key=lambda t: (-tag_count[t], t.casefold(), t))
    tag_index = {t: i for i, t in enumerate(tags)}
    rows = []
    for p in notes:
        x, y = positions[p]
        a = attrs[p]
        rows.append([round(x), round(y), sizes.get(p, 0), KINDS.index(a["kind"]), a["title"],
                     urls.get(p, default_url(p)), [tag_index[t] for t in a["tags"]]])
    edges: list[int] = []
    for p in notes:
        i = index[p]
        for q in sorted(adjacency[p]):
            if index[q] > i:
                edges += (i, index[q])
    ranks = graph.pagerank()
    hubs = sorted(notes, key=lambda p: (-ranks.get(p, 0.0), p))[:HUBS]
    folders = cached_folders(graph)
    for row, p in zip(rows, notes, strict=True):
        row.append(folders["index"][top_folder(p)])
    return {"v": 1, "kinds": KINDS, "tags": tags, "f": folders["names"], "by": folders["by"],
            "n": rows, "e": edges, "h": sorted(index[p] for p in hubs)}


def top_folder(path: str) -> str:
    """The note's top-level folder ("" for a note at the vault's root)."""
    head, sep, _ = path.partition("/")
    return head if sep else ""


def folder_groups(graph: Any) -> dict[str, Any]:
    """Top-level folders, most notes first, and what colours the graph: the kind, unless every
    note has the same kind (a plain Obsidian vault) and the notes sit in several folders."""
    count: dict[str, int] = {}
    for p in graph.notes():
        count[top_folder(p)] = count.get(top_folder(p), 0) + 1
    names = sorted(count, key=lambda f: (-count[f], f.casefold(), f))
    kinds = {graph.graph.nodes[p]["kind"] for p in graph.notes()}
    by = "folder" if len(kinds) <= 1 and len(names) > 1 else "kind"
    return {"names": names, "index": {f: i for i, f in enumerate(names)}, "by": by}


_folders: dict[str, Any] = {}


def cached_folders(graph: Any) -> dict[str, Any]:
    """`folder_groups`, once per note graph (every local graph of a build reads it)."""
    adjacency = graph.adjacency()  # the same object until the graph changes
    if _folders.get("adjacency") is not adjacency:
        _folders.update(adjacency=adjacency, value=folder_groups(graph))
    return _folders["value"]


def cached_layout(graph: Any) -> dict[str, tuple[float, float]]:
    """The layout of the note graph, recomputed only when its notes or links changed."""
    adjacency = graph.adjacency()
    key = repr(sorted((p, tuple(sorted(q))) for p, q in adjacency.items()))
    if _layout_cache.get("key") != key:
        _layout_cache["positions"] = layout(adjacency, graph.communities())
        _layout_cache["key"] = key
    return _layout_cache["positions"]


def degree_class(degree: int) -> int:
    """A note's size 0–9 from how many notes it links with (log scale, 63+ is 9): it changes
    only when the note's own links change, and then only at a class boundary."""
    return min(9, int(1.5 * math.log2(1 + degree)))


def degree_classes(adjacency: Mapping[str, Any]) -> dict[str, int]:
    """`degree_class` of every note of `adjacency` (note -> its neighbours)."""
    return {p: degree_class(len(q)) for p, q in adjacency.items()}


def neighbourhood(graph: Any, path: str, depth2: int = LOCAL_MAX) -> dict[str, int]:
    """Note -> depth (0, 1, 2) around `path`: all neighbours, then the `depth2` notes two links
    away that most neighbours link with (ties by size, then path), in that order."""
    adjacency = graph.adjacency()

    def size(p: str) -> int:
        return degree_class(len(adjacency[p]))

    first = sorted(adjacency.get(path, ()), key=lambda p: (-size(p), p))
    near = {path, *first}
    reach: dict[str, int] = {}
    for p in first:
        for q in adjacency[p]:
            if q not in near:
                reach[q] = reach.get(q, 0) + 1
    second = sorted(reach, key=lambda p: (-reach[p], -size(p), p))[:depth2]
    return {path: 0, **dict.fromkeys(first, 1), **dict.fromkeys(second, 2)}


def local_data(graph: Any, path: str, page_url: str, urls: Mapping[str, str],
               depth2: int = LOCAL_MAX) -> dict[str, Any]:
    """The local graph data of the note at `path` for the page at `page_url`."""
    depth = neighbourhood(graph, path, depth2)
    adjacency = graph.adjacency()
    index = {p: i for i, p in enumerate(depth)}
    attrs = graph.graph.nodes
    folders = cached_folders(graph)
    rows = [[attrs[p]["title"], relative(urls.get(p, default_url(p)), page_url),
             KINDS.index(attrs[p]["kind"]), d, degree_class(len(adjacency[p])),
             folders["index"][top_folder(p)]]
            for p, d in depth.items()]
    edges: list[int] = []
    for p, i in index.items():
        for q in sorted(adjacency[p]):
            j = index.get(q)
            if j is not None and j > i and (depth[p] < 2 or depth[q] < 2):
                edges += (i, j)
    used = sorted({row[5] for row in rows})
    return {"kinds": KINDS, "f": {str(i): folders["names"][i] for i in used}, "by": folders["by"],
            "n": rows, "e": edges}


def page_html(state: Any, note_path: str, page_url: str) -> str:
    """A note's local graph (data inline) and the same neighbourhood as a list of links (what
    the page shows is remembered by digest, for `changed`)."""
    html = _page_html(state, note_path, page_url)
    if isinstance(views := getattr(state, "views", None), dict):
        views.setdefault(__name__, {}).setdefault("shown", {})[note_path] = _digest(html)
    return html


def changed(state: Any, full: bool) -> set[str] | None:
    """The notes whose local graph differs from what their page last showed (None: maybe all).

    Looked for only near what changed since the last build: a note re-read (its title, kind
    or URL) or resized (`degree_class`) is drawn on pages up to two links away; a note whose
    neighbours or link directions changed shapes the graphs of its own neighbours. A change
    of the folder colours (`folder_groups`) changes every graph.
    """
    graph = state.graph
    memo = state.views.setdefault(__name__, {})
    adjacency = graph.adjacency() if graph is not None else {}
    folders = cached_folders(graph) if adjacency else None
    before, colours = memo.get("adjacency"), memo.get("folders")
    memo.update(adjacency=adjacency, folders=folders)
    if full or before is None or colours != folders:
        return None
    if before is adjacency and state.shape_kept:  # no title, kind, link or URL changed
        return set()
    moved = set() if before is adjacency else {
        p for p in adjacency.keys() | before.keys() if adjacency.get(p) != before.get(p)}
    resized = {p for p in moved if degree_class(len(adjacency.get(p, ())))
               != degree_class(len(before.get(p, ())))}
    far = (set(state.changed) | resized) & adjacency.keys()
    near = (moved | set(state.relinked)) & adjacency.keys()
    shown = memo.setdefault("shown", {})
    found = set()
    for p in sorted(_within(adjacency, far, 2) | _within(adjacency, near, 1)):
        url = _urls(state).get(p)
        if url is not None and shown.get(p) != _digest(_page_html(state, p, url)):
            found.add(p)
    return found


def _within(adjacency: Mapping[str, Any], seeds: set[str], hops: int) -> set[str]:
    """`seeds` and the notes at most `hops` links away from one of them."""
    found, edge = set(seeds), set(seeds)
    for _ in range(hops):
        edge = {q for p in edge for q in adjacency.get(p, ())} - found
        found |= edge
    return found


def _digest(html: str) -> bytes:
    return hashlib.blake2b(html.encode("utf-8"), digest_size=16).digest()


def _page_html(state: Any, note_path: str, page_url: str) -> str:
    graph = state.graph
    if graph is None or note_path not in graph.graph:
        return ""
    heading = ('<h2 class="lemma-h" id="lemma-neighbourhood" data-search-exclude>'
               "Neighbourhood</h2>")
    if not graph.adjacency().get(note_path):
        return (f'<section class="lemma-local" data-search-exclude>{heading}'
                '<p class="lemma-graph-empty">'
                "No links to or from this note yet.</p></section>")
    data = local_data(graph, note_path, page_url, _urls(state))
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<section class="lemma-local" aria-labelledby="lemma-neighbourhood" '
        f'data-search-exclude>{heading}'
        f'<div class="lemma-graph lemma-graph-local" data-lemma-graph="local">'
        f'<script type="application/json" class="lemma-graph-data">{payload}</script></div>'
        f"{neighbour_list(graph, note_path, data)}</section>"
    )


def neighbour_list(graph: Any, path: str, data: Mapping[str, Any]) -> str:
    """The text alternative: every direct neighbour as a link, with the link's direction."""
    g = graph.graph
    members = list(neighbourhood(graph, path, 0))
    items = []
    for target, row in zip(members[1:], data["n"][1:], strict=False):
        title, url, kind = row[0], row[1], KINDS[row[2]]
        out, into = g.has_edge(path, target), g.has_edge(target, path)
        how = "links both ways" if out and into else ("linked from here" if out else "links here")
        arrow = {"links both ways": "↔", "linked from here": "→", "links here": "←"}[how]
        items.append(f'<li><span class="lemma-chip lemma-chip-{kind}">'
                     f"{KIND_LABEL[NoteKind(kind)]}</span> "
                     f'<a href="{html.escape(url)}">{html.escape(title)}</a> '
                     f'<span class="lemma-graph-dir" title="{how}">{arrow}'
                     f'<span class="lemma-sr"> ({how})</span></span></li>')
    return (f'<details class="lemma-graph-alt"><summary>The {len(items)} linked notes as a '
            f'list</summary><ul>{"".join(items)}</ul></details>')


def _urls(state: Any) -> Mapping[str, str]:
    """Vault path -> site URL as MkDocs gave it (falls back to directory URLs)."""
    return getattr(state, "urls", None) or {}


def default_url(path: str) -> str:
    """The URL MkDocs gives a note with `use_directory_urls` (its default)."""
    stem = path[:-3] if path.endswith(".md") else path
    head, _, name = stem.rpartition("/")
    if name.lower() in ("index", "readme"):
        return quote(f"{head}/") if head else ""
    return quote(f"{stem}/")  # percent-encoded, as MkDocs encodes its URLs


def relative(url: str, page_url: str) -> str:
    """`url` (site-relative) as seen from the page at `page_url`."""
    return relative_url(url or ".", page_url or ".")
