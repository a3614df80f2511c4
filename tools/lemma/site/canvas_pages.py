"""A page per `.canvas` (JSON Canvas 1.0): the board drawn to scale as SVG, then every node as a
card (text as Markdown, files as links or images, web links) and the connections as a list.

The page lives at `X.canvas.md` (URL `X.canvas/`); its wikilinks are rendered by the plugin like
a note's, resolved from the canvas's folder, and the notes it shows list it among their
backlinks. The raw JSON is not copied to the site.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

from ..canvas import Canvas, CanvasNode
from .render_links import IMAGE_EXTENSIONS, demote_headings, escape_label, html_text

COLORS = {"1": "#e93147", "2": "#ec7500", "3": "#e0ac00", "4": "#08b94e", "5": "#086ddd",
          "6": "#7852ee"}
_HEX = re.compile(r"#[0-9a-fA-F]{3,8}")
PAD = 40


def page_path(canvas_path: str) -> str:
    """The vault path of a canvas's page."""
    return canvas_path + ".md"


def canvas_page(canvas: Canvas) -> tuple[str, str]:
    """(nav title, Markdown) of the canvas's page."""
    title = canvas.title
    parts = [f"# {escape_label(title)}\n", board_svg(canvas)]
    cards = [card(n) for n in canvas.nodes if n.type != "group"]
    if cards:
        parts.append("## Cards\n\n" + "\n\n".join(cards))
    edges = []
    for e in canvas.edges:
        a, b = canvas.node(e.from_node), canvas.node(e.to_node)
        arrow = "↔" if e.from_end == "arrow" and e.to_end == "arrow" else (
            "→" if e.to_end == "arrow" else "—")
        label = f" — {html_text(e.label)}" if e.label else ""
        edges.append(f'- <a href="#canvas-{_id(e.from_node)}">{html_text(short(a))}</a> {arrow} '
                     f'<a href="#canvas-{_id(e.to_node)}">{html_text(short(b))}</a>{label}')
    if edges:
        parts.append("## Connections\n\n" + "\n".join(edges))
    return title, "\n\n".join(parts) + "\n"


def card(node: CanvasNode) -> str:
    """One node as a card whose content is Markdown (read with the page's links)."""
    if node.type == "text":
        body = demote_headings(node.text)
    elif node.type == "file":
        ext = node.file.rsplit(".", 1)[-1].lower()
        target = node.file.removesuffix(".md") + (node.subpath or "")
        name = node.file.rsplit("/", 1)[-1].removesuffix(".md").replace("|", " ")
        body = f"![[{target}]]" if ext in IMAGE_EXTENSIONS else f"[[{target}|{name}]]"
    else:
        url = node.url if node.url.startswith(("http://", "https://")) else ""
        body = f"<{url}>" if url else escape_label(node.url)
    color = _color(node.color)
    style = f' style="border-color: {color}"' if color else ""
    return (f'<div class="lemma-canvas-card lemma-canvas-{node.type}" id="canvas-{_id(node.id)}"'
            f'{style} markdown="1">\n\n{body}\n\n</div>')


def board_svg(canvas: Canvas) -> str:
    """The canvas to scale: groups, nodes (labelled) and edges with arrows, as one SVG."""
    if not canvas.nodes:
        return '<p class="lemma-canvas-empty">This canvas is empty.</p>\n'
    x0 = min(n.x for n in canvas.nodes) - PAD
    y0 = min(n.y for n in canvas.nodes) - PAD
    x1 = max(n.x + n.width for n in canvas.nodes) + PAD
    y1 = max(n.y + n.height for n in canvas.nodes) + PAD
    out = [f'<figure class="lemma-canvas-board"><svg viewBox="{x0:g} {y0:g} {x1 - x0:g} '
           f'{y1 - y0:g}" role="img" aria-label="Canvas {html.escape(canvas.title)}: '
           f'{len(canvas.nodes)} nodes, {len(canvas.edges)} connections">'
           '<defs><marker id="lemma-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
           '<path d="M0,0L10,5L0,10z" fill="currentColor"/></marker></defs>']
    for node in sorted(canvas.nodes, key=lambda n: n.type != "group"):
        color = _color(node.color)
        stroke = f' style="stroke: {color}"' if color else ""
        out.append(f'<g class="lemma-canvas-node lemma-canvas-{node.type}"><rect x="{node.x:g}" '
                   f'y="{node.y:g}" width="{node.width:g}" height="{node.height:g}" rx="8"'
                   f'{stroke}/><text x="{node.x + 12:g}" y="{node.y + 28:g}">'
                   f"{html.escape(plain(short(node)))}</text></g>")
    for e in canvas.edges:
        a, b = canvas.node(e.from_node), canvas.node(e.to_node)
        if a is None or b is None:
            continue
        (ax, ay), (bx, by) = _side(a, b), _side(b, a)
        ends = (' marker-end="url(#lemma-arrow)"' if e.to_end == "arrow" else "") + (
            ' marker-start="url(#lemma-arrow)"' if e.from_end == "arrow" else "")
        out.append(f'<line class="lemma-canvas-edge" x1="{ax:g}" y1="{ay:g}" x2="{bx:g}" '
                   f'y2="{by:g}"{ends}/>')
        if e.label:
            out.append(f'<text class="lemma-canvas-edge-label" x="{(ax + bx) / 2:g}" '
                       f'y="{(ay + by) / 2:g}">{html.escape(plain(e.label))}</text>')
    return "".join(out) + "</svg></figure>\n"


def short(node: CanvasNode | None) -> str:
    """A node's name in a line: a group's label, a file's name, a URL, a text's first line."""
    if node is None:
        return "?"
    if node.type == "group":
        return node.label or "Group"
    if node.type == "file":
        return node.file.rsplit("/", 1)[-1].removesuffix(".md") or "File"
    if node.type == "link":
        return node.url or "Link"
    first = next((line for line in node.text.split("\n") if line.strip()), "")
    first = first.lstrip("#> -*").strip()
    return (first[:60] + "…") if len(first) > 60 else first or "Text"


def plain(text: str) -> str:
    """Label text that no link or tag parser reads as a link or tag."""
    return text.replace("[[", "[").replace("]]", "]").replace("#", "♯")


def canvas_backlinks(links: dict[str, list[str]], canvases: dict[str, Canvas],
                     target: str) -> list[SimpleNamespace]:
    """Backlink entries (as the graph's) for `target` from the canvases that show it."""
    return [SimpleNamespace(source=page_path(c), title=f"{canvases[c].title} (canvas)",
                            sentence="") for c in links.get(target, [])]


def _side(a: CanvasNode, b: CanvasNode) -> tuple[float, float]:
    """Where a line from `a` towards `b` leaves `a`'s box (the middle of the nearest side)."""
    ax, ay = a.x + a.width / 2, a.y + a.height / 2
    bx, by = b.x + b.width / 2, b.y + b.height / 2
    if abs(bx - ax) * a.height > abs(by - ay) * a.width:
        return (a.x + a.width if bx > ax else a.x), ay
    return ax, (a.y + a.height if by > ay else a.y)


def _color(value: str) -> str:
    if value in COLORS:
        return COLORS[value]
    return value if _HEX.fullmatch(value) else ""


def _id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", node_id) or "x"
