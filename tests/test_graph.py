"""The concept graph against hand-computed expectations on small vaults."""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from lemma.graph.concept import Backlink, Hop, build_graph
from lemma.link_text import link_sentence, plain_text
from lemma.model import LemmaError
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault

SMALL = {
    "a.md": "---\ntitle: Alpha\ntags: [x, y]\n---\nAlpha links [[b]] here. "
            "Then [[c|see C]] and again [[b#Sec]].\n",
    "b.md": "# Beta\n\n## Sec\n\nBeta points to [[c]] and embeds ![[img.png]].\n",
    "c.md": "Gamma embeds ![[b]] only.\n",
    "d.md": "Delta has nothing.\n",
    "e.md": "Epsilon has a [[Nowhere]] link and a [[#Self]] one.\n\n# Self\n",
    "papers/p.md": "---\ntitle: A paper\nauthors: [Ada Lovelace]\nyear: 2021\n"
                   "source: https://example.org\n---\nNo links.\n",
    "takes/t.md": "---\ntitle: A take\ndate: 2024-01-02\nconfidence: 80%\n---\nSee [[a]].\n",
    "img.png": b"\x89PNG",
}


@pytest.fixture
def small(make_vault):
    vault = make_vault(SMALL)
    return vault, build_graph(vault)


def test_nodes_carry_note_and_attachment_attributes(small):
    _, cg = small
    g = cg.graph
    assert sorted(g.nodes) == ["a.md", "b.md", "c.md", "d.md", "e.md", "img.png",
                               "papers/p.md", "takes/t.md"]
    assert g.nodes["a.md"]["title"] == "Alpha"
    assert g.nodes["a.md"]["tags"] == ["x", "y"]
    assert g.nodes["papers/p.md"]["kind"] == "paper"
    assert (g.nodes["papers/p.md"]["year"], g.nodes["papers/p.md"]["authors"]) == (
        2021, ["Ada Lovelace"])
    assert g.nodes["takes/t.md"]["confidence"] == pytest.approx(0.8)
    assert g.nodes["b.md"]["title"] == "Beta"
    assert g.nodes["img.png"]["type"] == "attachment"
    assert g.nodes["a.md"]["type"] == "note"


def test_edges_count_links_and_keep_embeds_apart(small):
    _, cg = small
    g = cg.graph
    assert sorted(g.edges) == [("a.md", "b.md"), ("a.md", "c.md"), ("b.md", "c.md"),
                               ("b.md", "img.png"), ("c.md", "b.md"), ("takes/t.md", "a.md")]
    assert g.edges["a.md", "b.md"]["count"] == 2
    assert g.edges["a.md", "b.md"]["type"] == "link"
    assert g.edges["c.md", "b.md"]["type"] == "embed"
    assert g.edges["b.md", "img.png"]["type"] == "embed"
    where = [o.where for o in g.edges["a.md", "b.md"]["occurrences"]]
    assert where == ["a.md:5", "a.md:5"]


def test_backlinks_give_line_and_plain_sentence_sorted_by_title(small):
    _, cg = small
    assert cg.backlinks("b.md") == [
        Backlink("a.md", "Alpha", 5, "Alpha links b here."),
        Backlink("a.md", "Alpha", 5, "Then see C and again b."),
        Backlink("c.md", "c", 1, "Gamma embeds b only."),
    ]
    assert cg.backlinks("img.png") == [
        Backlink("b.md", "Beta", 5, "Beta points to c and embeds img.png.")]


def test_orphans_broken_and_stats(small):
    _, cg = small
    assert cg.orphans() == ["d.md", "e.md", "papers/p.md"]
    stats = cg.stats()
    assert stats["notes"] == 7
    assert stats["by_kind"] == {"note": 5, "paper": 1, "take": 1}
    assert (stats["links"], stats["embeds"], stats["broken"]) == (7, 2, 1)
    assert stats["attachments"] == 1
    assert stats["orphans"] == 3
    assert stats["components"] == 4  # {a, b, c, t}, {d}, {e}, {p}
    assert {row["note"] for row in stats["top"]} <= set(cg.notes())
    assert [row["pagerank"] for row in stats["top"]] == sorted(
        (row["pagerank"] for row in stats["top"]), reverse=True)


def test_neighbors_ignore_direction_and_respect_depth(small):
    _, cg = small
    assert cg.neighbors("c.md") == ["a.md", "b.md"]
    assert cg.neighbors("takes/t.md") == ["a.md"]
    assert cg.neighbors("takes/t.md", depth=2) == ["a.md", "b.md", "c.md"]
    assert cg.neighbors("d.md", depth=3) == []


def test_unknown_path_is_a_lemma_error(small):
    _, cg = small
    with pytest.raises(LemmaError, match="not a note"):
        cg.backlinks("zzz.md")


PATH_VAULT = {
    "x1.md": "One goes to [[x2]] first.\n",
    "x2.md": "Two is a dead end.\n",
    "x3.md": "Three also reaches [[x2]].\n\nAnd three leads to [[x4]] at last.\n",
    "x4.md": "Four.\n",
    "island.md": "Alone.\n",
}


def test_shortest_path_walks_links_both_ways_with_sentences(make_vault):
    cg = build_graph(make_vault(PATH_VAULT))
    assert cg.shortest_path("x1.md", "x4.md") == [
        Hop("x1.md", "x2.md", 1, "One goes to x2 first."),
        Hop("x3.md", "x2.md", 1, "Three also reaches x2."),
        Hop("x3.md", "x4.md", 3, "And three leads to x4 at last."),
    ]
    assert cg.shortest_path("x1.md", "island.md") is None
    assert cg.shortest_path("x1.md", "x1.md") == []


RELATED_VAULT = {
    "p.md": "[[m1]] and [[m2]].\n",
    "m1.md": "[[q]] and [[r]].\n",
    "m2.md": "[[q]].\n",
    "q.md": "Q.\n",
    "r.md": "R.\n",
}


def test_related_ranks_unlinked_notes_by_adamic_adar(make_vault):
    cg = build_graph(make_vault(RELATED_VAULT))
    found = cg.related("p.md")
    assert [p for p, _ in found] == ["q.md", "r.md"]
    assert found[0][1] == pytest.approx(1 / math.log(3) + 1 / math.log(2))
    assert found[1][1] == pytest.approx(1 / math.log(3))
    assert cg.related("p.md", limit=1) == found[:1]


def test_communities_are_two_cliques_and_stable(make_vault):
    files = {}
    for group in ("a", "b"):
        names = [f"{group}{i}" for i in range(4)]
        for n in names:
            files[f"{n}.md"] = " ".join(f"[[{m}]]" for m in names if m != n) + "\n"
    files["a0.md"] += "A bridge to [[b0]].\n"
    cg = build_graph(make_vault(files))
    assert cg.communities() == [["a0.md", "a1.md", "a2.md", "a3.md"],
                                ["b0.md", "b1.md", "b2.md", "b3.md"]]


def test_pagerank_matches_networkx(tmp_path):
    write_synthetic_vault(tmp_path, 150, seed=3)
    cg = build_graph(load_vault(tmp_path))
    notes = cg.graph.subgraph(cg.notes())
    weighted = nx.DiGraph((u, v, {"weight": d["count"]}) for u, v, d in notes.edges(data=True))
    weighted.add_nodes_from(notes)
    expected = _pagerank_python(weighted, weight="weight")
    ours = cg.pagerank()
    assert ours.keys() == expected.keys()
    for node, value in expected.items():
        assert ours[node] == pytest.approx(value, rel=1e-4)
    assert sum(ours.values()) == pytest.approx(1.0)


def test_exports_round_trip(small, tmp_path: Path):
    _, cg = small
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"g.{fmt}"
        cg.export(fmt, out)
        back = read(out)
        assert sorted(back.nodes) == sorted(cg.graph.nodes)
        assert sorted(back.edges) == sorted(cg.graph.edges)
        assert back.nodes["a.md"]["kind"] == "note"
        assert back.edges["a.md", "b.md"]["count"] == 2
        assert back.nodes["a.md"]["tags"] == "x; y"
    gexf = nx.read_gexf(tmp_path / "g.gexf")
    assert gexf.nodes["a.md"]["label"] == "Alpha"
    assert gexf.edges["c.md", "b.md"]["link_type"] == "embed"
    cg.export("json", tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert sorted(back.edges) == sorted(cg.graph.edges)
    edge = next(e for e in data["edges"] if (e["source"], e["target"]) == ("c.md", "b.md"))
    assert edge["occurrences"] == [{"path": "c.md", "line": 1, "col": 14, "embed": True,
                                    "sentence": "Gamma embeds b only."}]
    dot = cg.render("dot")
    assert '"c.md" -> "b.md" [weight=1, penwidth=1.5, style=dashed];' in dot
    with pytest.raises(LemmaError, match="unknown export format"):
        cg.render("svg")


def assert_same(left, right) -> None:
    """Two concept graphs hold the same nodes, edges, attributes and link problems."""
    assert dict(left.graph.nodes(data=True)) == dict(right.graph.nodes(data=True))
    edges = {(u, v): d for u, v, d in left.graph.edges(data=True)}
    assert edges == {(u, v): d for u, v, d in right.graph.edges(data=True)}
    assert left.problems == right.problems
    assert left.stats() == right.stats()


@pytest.fixture
def synthetic(tmp_path):
    write_synthetic_vault(tmp_path, 120, seed=5)
    vault = load_vault(tmp_path)
    return tmp_path, vault, build_graph(vault)


def test_incremental_body_edit_equals_full_rebuild(synthetic):
    root, vault, cg = synthetic
    path = "takes/take-00007.md" if (root / "takes/take-00007.md").exists() else next(
        p for p in vault.notes if p.startswith("takes/"))
    before = cg.stats()
    text = (root / path).read_text(encoding="utf-8")
    others = [p for p in vault.notes if p != path][:3]
    added = " ".join(f"[[{p.removesuffix('.md')}]]" for p in others)
    text = text.split("## Summary")[0] + f"New links {added} and ![[figure-019.png]].\n"
    (root / path).write_text(text, encoding="utf-8")
    vault.update_note(path)
    cg.update_note(vault, path)
    assert_same(cg, build_graph(vault))
    assert {t for t in cg.graph.successors(path)} == {*others, "assets/figure-019.png"}
    assert cg.stats() != before


def test_incremental_rename_and_delete_equal_full_rebuild(synthetic):
    root, vault, cg = synthetic
    linked_by_title = next(
        r for r in vault.links() if r.ok and r.link.target == vault.notes[r.target].title)
    path = linked_by_title.target
    text = (root / path).read_text(encoding="utf-8")
    title = vault.notes[path].title
    (root / path).write_text(text.replace(title, "A brand new title"), encoding="utf-8")
    vault.update_note(path)
    cg.update_note(vault, path)
    assert_same(cg, build_graph(vault))
    assert linked_by_title.source in cg.problems

    victim = next(iter(vault.notes))
    (root / victim).unlink()
    vault.update_note(victim)
    cg.update_note(vault, victim)
    assert victim not in cg.graph
    assert_same(cg, build_graph(vault))

    (root / "concepts/fresh.md").write_text(f"---\ntitle: Fresh\n---\nFresh links [[{title}]]"
                                            " and [[A brand new title]].\n", encoding="utf-8")
    vault.update_note("concepts/fresh.md")
    cg.update_note(vault, "concepts/fresh.md")
    assert_same(cg, build_graph(vault))
    assert list(cg.graph.successors("concepts/fresh.md")) == [path]


@pytest.mark.parametrize(("body", "link", "expected"), [
    ("First one. Second has [[x]] here. Third.", "[[x]]", "Second has x here."),
    ("See e.g. [[x]] for more. Next.", "[[x]]", "See e.g. x for more."),
    ("- a list item with [[x|the label]]\n- another item", "[[x|the label]]",
     "a list item with the label"),
    ("## Heading with [[x]]\nBody text.", "[[x]]", "Heading with x"),
    ("A paragraph that\nwraps onto [[x]] a\nthird line. Then more.", "[[x]]",
     "A paragraph that wraps onto x a third line."),
    ("**Bold** and *emph* and `code` near [[x#Part]].", "[[x#Part]]",
     "Bold and emph and code near x."),
    ("Math $a_b * c_d$ stays with [[x]].", "[[x]]", "Math $a_b * c_d$ stays with x."),
    ("Links [[a.b. C]] stay whole with [[x]]. Yes.", "[[x]]", "Links a.b. C stay whole with x."),
    ("> quoted [[x]] text", "[[x]]", "quoted x text"),
    ("| cell | [[x]] |", "[[x]]", "cell x"),
])
def test_link_sentence(body: str, link: str, expected: str):
    start = body.index(link)
    assert link_sentence(body, start, start + len(link)) == expected


def test_long_sentences_are_cut_around_the_link():
    body = " ".join(["word"] * 200) + " [[x]] " + " ".join(["more"] * 200) + "."
    start = body.index("[[x]]")
    sentence = link_sentence(body, start, start + 5)
    assert sentence.startswith("…word") and sentence.endswith("more…")
    assert " x " in sentence
    assert len(sentence) <= 300


def test_plain_text_strips_markup():
    assert plain_text("1. [link](http://x) and [^1] <b>bold</b> ^block-1") == "link and bold"


def test_derived_views_come_from_the_one_graph(small):
    _, cg = small
    assert "img.png" not in cg.note_graph()
    assert sorted(cg.note_graph().edges) == [("a.md", "b.md"), ("a.md", "c.md"), ("b.md", "c.md"),
                                             ("c.md", "b.md"), ("takes/t.md", "a.md")]
    assert cg.adjacency()["b.md"] == {"a.md", "c.md"}
    undirected = cg.undirected()
    assert undirected.edges["b.md", "c.md"]["weight"] == 2  # b → c and the embed c → b
    assert list(undirected.nodes) == sorted(undirected.nodes)


@pytest.mark.parametrize(("body", "expected"), [
    ("[^1]: A footnote cites [[x]] here.", "A footnote cites x here."),
    ("> [!note] Title\n> A callout line with [[x]]\n> that wraps.\n\nNext.",
     "A callout line with x that wraps."),
    ("> A quote\n> with [[x]] inside.\n>\n> Another paragraph.", "A quote with x inside."),
    ("Dr. Smith et al. showed [[x]] works. Then more.", "Dr. Smith et al. showed x works."),
    ("Is it [[x]]? Yes!", "Is it x?"),
    ("A line with [[x]] and a block id ^blk-1", "A line with x and a block id"),
])
def test_link_sentence_in_quotes_callouts_and_footnotes(body: str, expected: str):
    start = body.index("[[x]]")
    assert link_sentence(body, start, start + 5) == expected


def test_cutting_a_long_sentence_never_splits_a_link():
    for pad in range(0, 40, 3):
        body = ("word " * 60 + "[[x]] " + "y" * pad + " more " * 20
                + "[[Average gradient outer product]] " + "tail " * 40 + ".")
        start = body.index("[[x]]")
        sentence = link_sentence(body, start, start + 5)
        assert "[[" not in sentence and "]]" not in sentence, sentence


def test_plain_text_shows_links_as_the_reader_sees_them():
    from lemma.link_text import plain_text

    text = r"See [[A|the label]], [[B#Part]], ![[C]], [[#Own]] but not \[[D]] or `[[E]]`."
    assert plain_text(text) == r"See the label, B, C, Own but not \[[D]] or [[E]]."
