"""The site's graph views: build-time layout, global and local data, page HTML, asset budget."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from lemma.graph.concept import build_graph
from lemma.site import graph_view
from lemma.site.graph_layout import layout
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault

ASSETS = Path(graph_view.__file__).parent / "assets"
GRAPH_ASSETS = ("lemma-graph.js", "lemma-graph.css", "lemma-preview.js")


def note(title: str, body: str = "", kind: str = "concept", tags: str = "") -> str:
    extra = f"tags: [{tags}]\n" if tags else ""
    return f"---\ntitle: {title}\nkind: {kind}\n{extra}---\n\n{body}\n"


@pytest.fixture
def small(make_vault):
    """Five concepts: a-b-c chain, a-d, and an isolated e."""
    vault = make_vault({
        "a.md": note("Alpha", "[[Beta]] and [[Delta]].", tags="x, y"),
        "b.md": note("Beta", "[[Gamma]]", tags="y"),
        "c.md": note("Gamma"),
        "d.md": note("Delta", "Back to [[Alpha]]."),
        "e.md": note("Epsilon </script> <b>"),
    })
    return vault, build_graph(vault)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth") / "vault"
    write_synthetic_vault(root, 300, seed=3)
    vault = load_vault(root)
    return vault, build_graph(vault)


def test_layout_is_deterministic_and_independent_of_insertion_order() -> None:
    rng = random.Random(1)
    edges = {(rng.randrange(150), rng.randrange(150)) for _ in range(400)}
    forward: dict[str, set[str]] = {f"n{i:03d}": set() for i in range(150)}
    for a, b in edges:
        if a != b:
            forward[f"n{a:03d}"].add(f"n{b:03d}")
            forward[f"n{b:03d}"].add(f"n{a:03d}")
    backward = {k: set(reversed(sorted(v))) for k, v in reversed(list(forward.items()))}
    assert layout(forward) == layout(backward)
    assert layout(forward, seed=1) != layout(forward, seed=2)


def test_layout_spreads_nodes_and_keeps_linked_notes_close(synthetic) -> None:
    _, graph = synthetic
    positions = layout(graph.adjacency(), graph.communities())
    assert set(positions) == set(graph.notes())
    points = sorted(positions.values())
    closest = min(math.dist(p, q) for i, p in enumerate(points) for q in points[i + 1: i + 40])
    assert closest > 2.0  # no two notes drawn on top of each other
    adjacency = graph.adjacency()
    linked = [math.dist(positions[a], positions[b]) for a in adjacency for b in adjacency[a]]
    paths = sorted(positions)
    rng = random.Random(0)
    anyhow = [math.dist(positions[rng.choice(paths)], positions[rng.choice(paths)])
              for _ in range(2000)]
    assert sum(linked) / len(linked) < 0.6 * sum(anyhow) / len(anyhow)


def test_global_data_has_one_row_per_note_and_each_link_once(small) -> None:
    vault, graph = small
    data = graph_view.global_data(graph, {})
    assert [row[4] for row in data["n"]] == [vault.notes[p].title for p in vault.notes]
    assert data["kinds"][data["n"][0][3]] == "concept"
    pairs = {tuple(data["e"][i:i + 2]) for i in range(0, len(data["e"]), 2)}
    assert pairs == {(0, 1), (0, 3), (1, 2)}  # a-b, a-d (both ways, once), b-c
    assert [row[5] for row in data["n"]][:2] == ["a/", "b/"]
    assert [data["tags"][t] for t in data["n"][0][6]] == ["x", "y"]
    assert data["tags"][0] == "y"  # most used first
    assert all(0 <= row[2] <= 9 for row in data["n"])
    assert [row[2] for row in data["n"]] == [2, 2, 1, 1, 0]  # by links: a, b 2; c, d 1; e 0


def test_global_data_uses_the_urls_mkdocs_gave(small) -> None:
    _, graph = small
    data = graph_view.global_data(graph, {"a.md": "a.html"})
    assert data["n"][0][5] == "a.html"


def test_global_data_stays_within_budget_at_1000_notes(tmp_path) -> None:
    write_synthetic_vault(tmp_path / "v", 1000)
    graph = build_graph(load_vault(tmp_path / "v"))
    state = SimpleNamespace(graph=graph, vault=SimpleNamespace(notes=graph.notes()), urls={})
    text = graph_view.files(state)[graph_view.DATA_FILE]
    assert len(json.loads(text)["n"]) == 1000
    assert len(text.encode("utf-8")) <= 300_000


def test_layout_brings_stray_notes_in_beside_the_main_component() -> None:
    ring = {f"r{i:02d}": {f"r{(i + 1) % 40:02d}", f"r{(i - 1) % 40:02d}"} for i in range(40)}
    graph = {**ring, "lonely": set(), "p": {"q"}, "q": {"p"}}
    positions = layout(graph)
    main = [positions[n] for n in ring]
    cx, cy = (sum(p[0] for p in main) / 40, sum(p[1] for p in main) / 40)
    reach = max(math.dist(p, (cx, cy)) for p in main)
    for stray in ("lonely", "p", "q"):  # just outside the ring, not far away
        assert reach < math.dist(positions[stray], (cx, cy)) < 1.6 * reach


@pytest.mark.parametrize("files, by", [
    ({"A/x.md": "[[y]]", "B/y.md": "", "z.md": ""}, "folder"),
    ({"A/x.md": note("X"), "B/y.md": note("Y", kind="paper")}, "kind"),
    ({"x.md": "[[y]]", "y.md": ""}, "kind"),
], ids=["one-kind-in-folders", "kinds-differ", "one-folder"])
def test_notes_are_coloured_by_folder_only_when_all_share_one_kind(make_vault, files, by) -> None:
    graph = build_graph(make_vault(files))
    data = graph_view.global_data(graph, {})
    assert data["by"] == by
    folders = [data["f"][row[7]] for row in data["n"]]
    assert folders == [p.partition("/")[0] if "/" in p else "" for p in graph.notes()]


def test_local_data_names_only_the_folders_it_draws(make_vault) -> None:
    graph = build_graph(make_vault({"A/x.md": "[[y]]", "A/w.md": "", "B/y.md": "", "C/z.md": ""}))
    everything = graph_view.global_data(graph, {})["f"]
    data = graph_view.local_data(graph, "A/x.md", "A/x/", {})
    assert data["by"] == "folder"
    assert {everything[row[5]] for row in data["n"]} == {"A", "B"}
    assert sorted(data["f"].values()) == ["A", "B"]
    assert all(data["f"][str(row[5])] == everything[row[5]] for row in data["n"])


def test_local_data_is_the_note_then_its_neighbours_then_capped_depth_two(synthetic) -> None:
    vault, graph = synthetic
    path = max(graph.notes(), key=lambda p: len(graph.adjacency()[p]))
    data = graph_view.local_data(graph, path, graph_view.default_url(path), {}, depth2=7)
    rows = data["n"]
    assert rows[0][0] == vault.notes[path].title and rows[0][3] == 0
    direct = {vault.notes[p].title for p in graph.neighbors(path)}
    assert {r[0] for r in rows if r[3] == 1} == direct
    assert sum(1 for r in rows if r[3] == 2) == 7
    two = {vault.notes[p].title for p in graph.neighbors(path, 2)}
    assert {r[0] for r in rows if r[3] == 2} <= two - direct
    assert all(r[1].startswith("../") for r in rows[1:])  # relative to the note's page
    edge_depths = {(rows[data["e"][i]][3], rows[data["e"][i + 1]][3])
                   for i in range(0, len(data["e"]), 2)}
    assert (2, 2) not in edge_depths


def test_page_html_inlines_the_neighbourhood_and_lists_it(small) -> None:
    _, graph = small
    state = SimpleNamespace(graph=graph, urls={})
    html = graph_view.page_html(state, "a.md", "a/")
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html).group(1)
    data = json.loads(payload)
    assert [r[0] for r in data["n"]] == ["Alpha", "Beta", "Delta", "Gamma"]
    assert '<a href="../b/">Beta</a>' in html and '<a href="../d/">Delta</a>' in html
    assert "links both ways" in html  # a <-> d
    assert "linked from here" in html  # a -> b
    assert graph_view.DATA_FILE not in html  # a note page never asks for the global data


def test_page_html_escapes_titles_inside_the_inline_json(small) -> None:
    _, graph = small
    graph.graph.add_edge("e.md", "a.md", count=1, type="link", occurrences=[])
    graph._cache.clear()
    html = graph_view.page_html(SimpleNamespace(graph=graph, urls={}), "a.md", "a/")
    script = html.split('class="lemma-graph-data">', 1)[1].split("</script>", 1)[0]
    assert "Epsilon <\\/script>" in script
    assert "Epsilon &lt;/script&gt; &lt;b&gt;" in html


def test_orphan_gets_a_sentence_instead_of_a_graph(small) -> None:
    _, graph = small
    html = graph_view.page_html(SimpleNamespace(graph=graph, urls={}), "e.md", "e/")
    assert "No links" in html and "lemma-graph-data" not in html


def test_graph_page_is_generated_unless_the_vault_has_one(small, make_vault) -> None:
    vault, graph = small
    pages = graph_view.pages(SimpleNamespace(graph=graph, vault=vault))
    title, markdown = pages["graph.md"]
    assert title == "Graph"
    assert 'data-notes="5"' in markdown and 'data-links="3"' in markdown
    own = make_vault({"graph.md": note("My graph"), "a.md": note("A")})
    assert graph_view.pages(SimpleNamespace(graph=build_graph(own), vault=own)) == {}


@pytest.mark.parametrize("path, url", [
    ("papers/dnfa.md", "papers/dnfa/"),
    ("index.md", ""),
    ("papers/index.md", "papers/"),
    ("README.md", ""),
])
def test_default_url_follows_mkdocs_directory_urls(path: str, url: str) -> None:
    assert graph_view.default_url(path) == url


def test_graph_assets_fit_the_budget_and_load_nothing_from_outside() -> None:
    total = sum((ASSETS / name).stat().st_size for name in GRAPH_ASSETS)
    assert total <= 64_000  # label placement clear of nodes and folder colours took 4 KB
    for name in GRAPH_ASSETS:
        text = (ASSETS / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), name
        assert "import(" not in text and "@import" not in text


@pytest.mark.parametrize("links, size", [
    (0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 3), (6, 4), (9, 4), (10, 5), (62, 8), (63, 9),
    (5000, 9),
], ids=lambda v: str(v))
def test_a_notes_size_depends_on_its_own_links_only_on_a_log_scale(links: int,
                                                                    size: int) -> None:
    assert graph_view.degree_class(links) == size
