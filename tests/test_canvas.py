"""JSON Canvas files: parsed without raising on bad input, links resolved like a note's,
a page per canvas on the site, and `![[X.canvas]]` a link to it (it used to crash the build)."""

from __future__ import annotations

import json

import pytest

from lemma.canvas import canvas_diagnostics, load_canvases, parse_canvas
from lemma.vault import load_vault
from tests.test_site_build import build_site

MAP = json.dumps({
    "nodes": [
        {"id": "t1", "type": "text", "x": 0, "y": 0, "width": 250, "height": 120,
         "text": "# Idea\nSee [[A]] and [[Nowhere]]."},
        {"id": "f1", "type": "file", "x": 400, "y": 0, "width": 300, "height": 200,
         "file": "A.md"},
        {"id": "l1", "type": "link", "x": 0, "y": 300, "width": 250, "height": 100,
         "url": "https://jsoncanvas.org/"},
        {"id": "g1", "type": "group", "x": -50, "y": -50, "width": 800, "height": 600,
         "label": "Everything"},
    ],
    "edges": [{"id": "e1", "fromNode": "t1", "toNode": "f1", "label": "explains"}],
}, indent=1)
VAULT = {"A.md": "# A\n\n![[Map.canvas]]\n", "B.md": "# B\n\n[[Map.canvas|the map]]\n",
         "Map.canvas": MAP}


@pytest.mark.parametrize(("text", "message"), [
    ("{", "not valid JSON Canvas: Expecting property name enclosed in double quotes"),
    ("[]", "not valid JSON Canvas: not an object"),
    ('{"nodes": [{"id": "x", "type": "text"}]}', "canvas node skipped: 'x'"),
    ('{"nodes": [], "edges": [{"id": "e", "fromNode": "a", "toNode": "b"}]}',
     "canvas edge skipped: 'e'"),
], ids=["bad-json", "not-object", "node-without-box", "edge-to-nowhere"])
def test_bad_canvas_gives_one_problem(text: str, message: str) -> None:
    canvas = parse_canvas("m.canvas", text)
    assert [d.code for d in canvas.problems] == ["canvas-invalid"]
    assert canvas.problems[0].message.startswith(message)


def test_canvas_nodes_and_edges() -> None:
    canvas = parse_canvas("Map.canvas", MAP)
    assert [n.type for n in canvas.nodes] == ["text", "file", "link", "group"]
    assert [(e.from_node, e.to_node, e.label) for e in canvas.edges] == [("t1", "f1",
                                                                          "explains")]
    assert canvas.problems == [] and canvas.title == "Map"


def test_lint_reports_broken_links_of_a_canvas(tmp_path) -> None:
    for name, text in VAULT.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    vault = load_vault(tmp_path)
    assert vault.diagnostics == []  # ![[Map.canvas]] resolves to the file (any extension)
    [canvas] = load_canvases(tmp_path, vault.attachments)
    found = [(d.pos.line, d.message) for d in canvas_diagnostics(canvas, vault)]
    assert found == [(10, "[[Nowhere]] in canvas: no note or file named 'Nowhere'")]


def test_canvas_page_board_cards_and_backlinks(tmp_path) -> None:
    site = build_site(tmp_path / "p", VAULT, strict=False)
    page = (site / "Map.canvas" / "index.html").read_text(encoding="utf-8")
    assert page.count('<g class="lemma-canvas-node') == 4
    assert page.count('class="lemma-canvas-edge"') == 1 and ">explains</text>" in page
    assert 'id="canvas-f1"' in page and 'href="../A/"' in page
    assert 'href="https://jsoncanvas.org/"' in page
    assert not (site / "Map.canvas").is_file()  # the raw JSON is not published
    a = (site / "A" / "index.html").read_text(encoding="utf-8")
    assert 'class="lemma-wikilink lemma-canvas-link lemma-embed-link" href="../Map.canvas/"' in a
    assert '<a href="../Map.canvas/">Map (canvas)</a>' in a  # a backlink from the canvas
    graph = a[a.index('class="lemma-graph-data">'):]
    assert '"../Map.canvas/"' in graph[: graph.index("</script>")]  # a node of the graph
    b = (site / "B" / "index.html").read_text(encoding="utf-8")
    assert 'href="../Map.canvas/">the map</a>' in b
