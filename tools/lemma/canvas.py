"""JSON Canvas 1.0 (jsoncanvas.org), Obsidian's `.canvas` files: nodes (text, file, link,
group) and edges, read into plain objects with one `path:line` diagnostic per problem.

Pure core: no MkDocs, no I/O. A canvas's file nodes and the wikilinks in its text nodes are
links like a note's; `canvas_markdown` writes them as one Markdown text so the one wikilink
parser and the vault's resolution treat them exactly as links written in a note.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Diagnostic, Severity, SourcePos

if TYPE_CHECKING:
    from .model import Note
    from .vault import ResolvedLink, Vault

#: Largest canvas read, in bytes (a canvas is layout JSON; megabytes of it are not a canvas).
MAX_CANVAS_BYTES = 5_000_000

NODE_TYPES = frozenset({"text", "file", "link", "group"})


@dataclass(frozen=True)
class CanvasNode:
    """One node: its box, its type, and what it holds (text, a vault file, a URL, a label)."""

    id: str
    type: str
    x: float
    y: float
    width: float
    height: float
    text: str = ""
    file: str = ""
    subpath: str = ""
    url: str = ""
    label: str = ""
    color: str = ""


@dataclass(frozen=True)
class CanvasEdge:
    """A connection between two nodes, with an optional label and arrow ends."""

    id: str
    from_node: str
    to_node: str
    label: str = ""
    to_end: str = "arrow"
    from_end: str = "none"


@dataclass
class Canvas:
    """A parsed canvas; `problems` says what was wrong with it (the rest is still shown)."""

    path: str
    nodes: list[CanvasNode] = field(default_factory=list)
    edges: list[CanvasEdge] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    text: str = ""  # the file as read, for line numbers

    @property
    def title(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".canvas")

    def node(self, node_id: str) -> CanvasNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)


def parse_canvas(path: str, text: str) -> Canvas:
    """The canvas in `text` (the file at vault path `path`); never raises on bad input."""
    canvas = Canvas(path)
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        canvas.problems.append(_problem(path, error.lineno, error.colno,
                                        f"not valid JSON Canvas: {error.msg}"))
        return canvas
    if not isinstance(data, dict):
        canvas.problems.append(_problem(path, 1, 1, "not valid JSON Canvas: not an object"))
        return canvas
    for raw in _items(data, "nodes", canvas):
        node = _node(raw)
        if node is None:
            canvas.problems.append(_problem(path, 1, 1, f"canvas node skipped: {_short(raw)} "
                                            "needs an 'id', a known 'type' and numbers for "
                                            "x, y, width, height"))
        else:
            canvas.nodes.append(node)
    ids = {n.id for n in canvas.nodes}
    for raw in _items(data, "edges", canvas):
        edge = _edge(raw)
        if edge is None or edge.from_node not in ids or edge.to_node not in ids:
            canvas.problems.append(_problem(path, 1, 1, f"canvas edge skipped: {_short(raw)} "
                                            "must join two nodes of the canvas"))
        else:
            canvas.edges.append(edge)
    return canvas


def canvas_markdown(canvas: Canvas) -> str:
    """The canvas's links as Markdown: each file node a wikilink, each text node its text."""
    parts = []
    for node in canvas.nodes:
        if node.type == "file" and node.file:
            target = node.file.removesuffix(".md") + (node.subpath or "")
            parts.append(f"[[{target}]]")
        elif node.type == "text" and node.text:
            parts.append(node.text)
    return "\n\n".join(parts) + "\n"


def _items(data: dict, key: str, canvas: Canvas) -> list[dict]:
    items = data.get(key, [])
    if not isinstance(items, list):
        canvas.problems.append(_problem(canvas.path, 1, 1, f"canvas '{key}' is not a list"))
        return []
    return [i for i in items if isinstance(i, dict)]


def _node(raw: dict) -> CanvasNode | None:
    box = [raw.get(k) for k in ("x", "y", "width", "height")]
    kind = raw.get("type")
    if not isinstance(raw.get("id"), str) or kind not in NODE_TYPES or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in box):
        return None
    text = {k: raw.get(k) if isinstance(raw.get(k), str) else ""
            for k in ("text", "file", "subpath", "url", "label", "color")}
    return CanvasNode(raw["id"], kind, *(float(v) for v in box), **text)  # type: ignore[arg-type]


def _edge(raw: dict) -> CanvasEdge | None:
    ends = [raw.get(k) for k in ("id", "fromNode", "toNode")]
    if not all(isinstance(v, str) for v in ends):
        return None
    label = raw.get("label") if isinstance(raw.get("label"), str) else ""
    to_end = raw.get("toEnd") if raw.get("toEnd") in ("none", "arrow") else "arrow"
    from_end = raw.get("fromEnd") if raw.get("fromEnd") in ("none", "arrow") else "none"
    return CanvasEdge(*ends, label=label, to_end=to_end, from_end=from_end)  # type: ignore[arg-type]


def _problem(path: str, line: int, col: int, message: str) -> Diagnostic:
    return Diagnostic(SourcePos(path, line, col), Severity.ERROR, "canvas-invalid", message,
                      "fix the file in Obsidian or a JSON editor")


def _short(raw: dict) -> str:
    return repr(raw.get("id", "?"))[:40]


def load_canvases(root: Path, paths: Iterable[str]) -> list[Canvas]:
    """Every `.canvas` among the vault files `paths`, read and parsed, in path order."""
    found = []
    for path in sorted(p for p in paths if p.lower().endswith(".canvas")):
        try:
            data = (root / path).read_bytes()[: MAX_CANVAS_BYTES + 1]
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            canvas = Canvas(path)
            canvas.problems.append(_problem(path, 1, 1, f"canvas cannot be read: {error}"))
        else:
            canvas = parse_canvas(path, text) if len(data) <= MAX_CANVAS_BYTES else Canvas(path)
            canvas.text = text
        found.append(canvas)
    return found


def canvas_note(canvas: Canvas) -> Note:
    """The canvas as a note holding its links (path `X.canvas.md`), for the one resolver."""
    from .note_parse import parse_note

    return parse_note(canvas.path + ".md", canvas_markdown(canvas))[0]


def canvas_links(canvas: Canvas, vault: Vault) -> list[ResolvedLink]:
    """The canvas's file nodes and text-node wikilinks, resolved as if written in a note
    beside the canvas."""
    note = canvas_note(canvas)
    return [vault.resolve(link, note) for link in note.links]


def canvas_diagnostics(canvas: Canvas, vault: Vault) -> list[Diagnostic]:
    """What `lemma lint` says about a canvas: invalid JSON, bad nodes, links that go nowhere."""
    found = list(canvas.problems)
    for r in canvas_links(canvas, vault):
        if r.ok or r.status == "private":
            continue
        at = canvas.text.find(json.dumps(r.link.target)[1:-1]) if r.link.target else -1
        line = canvas.text.count("\n", 0, at) + 1 if at >= 0 else 1
        found.append(Diagnostic(SourcePos(canvas.path, line, 1), Severity.ERROR,
                                "broken-link", f"{r.link.raw} in canvas: no note or file "
                                f"named '{r.link.target}'", "fix the node in Obsidian"))
    return found
