"""`lemma graph …` in-process with CliRunner: messages, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from lemma.cli import main
from tests.conftest import CORPUS, write_files

FILES = {
    "concepts/lth.md": "---\ntitle: Lottery ticket hypothesis\naliases: [LTH]\n---\n"
                       "The [[Lottery ticket hypothesis|LTH]] is about tickets. "
                       "It motivates [[Feature learning]] questions.\n",
    "concepts/feature-learning.md": "---\ntitle: Feature learning\n---\n"
                                    "Features are learned, see [[DNFA]].\n",
    "concepts/dnfa.md": "---\ntitle: Deep neural feature ansatz\naliases: [DNFA]\n---\n"
                        "Gram matrices track the AGOP.\n",
    "concepts/tickets.md": "---\ntitle: Tickets\n---\nMore on [[LTH]] and [[Nowhere]].\n",
    "concepts/alone.md": "---\ntitle: Alone\n---\nNo links at all.\n",
}


@pytest.fixture
def run(tmp_path: Path):
    root = write_files(tmp_path / "vault", FILES)

    def invoke(*args: str):
        return CliRunner().invoke(main, ["--notes", str(root), "graph", *args])

    return invoke


def test_path_prints_each_hop_with_its_sentence(run):
    result = run("path", "lottery ticket hypothesis", "deep neural feature ansatz")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Lottery ticket hypothesis → Deep neural feature ansatz: 2 hops",
        "",
        "Lottery ticket hypothesis",
        "  │ links to (concepts/lth.md:5)",
        "  │   “It motivates Feature learning questions.”",
        "Feature learning",
        "  │ links to (concepts/feature-learning.md:4)",
        "  │   “Features are learned, see DNFA.”",
        "Deep neural feature ansatz",
    ]


def test_path_without_connection_exits_1(run):
    result = run("path", "LTH", "alone")
    assert result.exit_code == 1
    assert result.output == "No path connects Lottery ticket hypothesis and Alone.\n"


def test_unknown_note_says_did_you_mean(run):
    result = run("backlinks", "lotery ticket hypothesis")
    assert result.exit_code == 2
    assert "no note named 'lotery ticket hypothesis'" in result.output
    assert "did you mean 'lottery ticket hypothesis'" in result.output


def test_backlinks_text_and_json(run):
    result = run("backlinks", "LTH")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Lottery ticket hypothesis — 1 backlink",
        "",
        "Tickets  (concepts/tickets.md:4)",
        "    More on LTH and Nowhere.",
    ]
    data = json.loads(run("backlinks", "LTH", "--format", "json").output)
    assert data == [{"source": "concepts/tickets.md", "title": "Tickets", "line": 4,
                     "sentence": "More on LTH and Nowhere."}]


def test_stats_json_has_the_issue_shape(run):
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"notes", "links", "broken", "orphans", "components", "top"} <= data.keys()
    assert (data["notes"], data["links"], data["broken"], data["orphans"]) == (5, 5, 1, 1)
    assert data["components"] == 2
    assert {"note", "pagerank"} <= data["top"][0].keys()


def test_stats_text_is_aligned(run):
    lines = run("stats").output.splitlines()
    assert lines[0] == "Notes             5  (5 concepts)"
    assert "Broken links      1  point to no note (see `lemma lint`)" in lines
    assert "Top notes by PageRank" in lines


def test_neighbors_related_hubs_orphans(run):
    out = run("neighbors", "feature learning").output
    assert out.splitlines()[0] == "2 notes linked with Feature learning"
    assert "concepts/dnfa.md" in out and "concepts/lth.md" in out
    deeper = run("neighbors", "DNFA", "--depth", "2").output
    assert deeper.splitlines()[0] == "2 notes within 2 links of Deep neural feature ansatz"
    related = json.loads(run("related", "tickets", "--format", "json").output)
    assert [r["note"] for r in related] == ["concepts/feature-learning.md"]
    hubs = run("hubs", "-n", "2").output.splitlines()
    assert hubs[0].split() == ["in", "out", "pagerank", "title", "path"]
    assert [row.split()[:2] for row in hubs[1:]] == [["1", "1"], ["1", "1"]]
    assert hubs[1].endswith("concepts/feature-learning.md") and hubs[2].endswith("lth.md")
    assert run("orphans").output.splitlines() == ["1 orphan note:", "  Alone  concepts/alone.md"]


def test_communities_are_the_same_every_run(run):
    first = run("communities", "--format", "json")
    assert first.exit_code == 0, first.output
    assert first.output == run("communities", "--format", "json").output
    groups = json.loads(first.output)
    members = sorted(m["note"] for g in groups for m in g)
    assert "concepts/alone.md" not in members
    assert len(members) == 4


def test_export_writes_loadable_files(run, tmp_path: Path):
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / "out" / f"graph.{fmt}"
        result = run("export", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert f"5 nodes, 3 edges ({fmt})" in result.output
        assert read(out).number_of_edges() == 3
    dot = run("export", "--format", "dot", "-o", "-")
    assert dot.output.startswith("digraph lemma {")
    missing = run("export", "-o", "x.json")
    assert missing.exit_code == 2 and "Missing option '--format'" in missing.output


def test_corpus_connects_the_lottery_ticket_hypothesis_to_the_dnfa():
    args = ["--notes", str(CORPUS), "graph", "path", "lottery ticket hypothesis",
            "deep neural feature ansatz"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Lottery ticket hypothesis → Deep neural feature ansatz: ")
    assert lines[-1] == "Deep neural feature ansatz"
    hops = [line for line in lines if line.startswith("  │ ") and "(" in line]
    assert hops and all("links to" in h or "is linked from" in h for h in hops)
    assert sum(line.startswith("  │   “") for line in lines) == len(hops)


def test_export_to_an_unwritable_place_is_one_clear_error(run, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("export", "--format", "json", "-o", str(blocker / "graph.json"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot write {blocker / 'graph.json'}: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("rank", "text"), [
    (0.25, "0.2500"), (0.001, "0.0010"), (0.000312, "3.12e-04"), (3.1234e-05, "3.12e-05")],
    ids=["large", "at the switch", "10k notes", "100k notes"])
def test_small_pageranks_keep_their_digits(rank: float, text: str) -> None:
    from lemma.cli.graph import _rank
    from lemma.graph.algo import significant

    assert _rank(rank) == text
    assert significant(rank) == rank and significant(1 / 3 * 1e-5) == 3.33333e-06
