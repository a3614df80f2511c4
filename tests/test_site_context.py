"""SiteContext between `serve --dirty` rebuilds: the index pages (and the graph's PageRank and
projections) are reused after an edit that keeps every note's shape and every checker result,
and made again when a result or a link changes -- the pages always equal a fresh build's."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import write_files

DERIVATION = ("```derivation id=sq\ngiven:\n  a: real\n  b: real\ncalc:\n  (a + b)**2\n"
              "  = {}\n```\n")
NOTES = {
    "papers/p.md": "---\ntitle: P\nauthors: [A. B]\nyear: 2020\nsource: https://x.org/p\n---\n"
                   "## Summary\nSee [[C]].\n\n" + DERIVATION.format("a**2 + 2*a*b + b**2") +
                   "\n## Opinion\nFine.\n",
    "concepts/c.md": "---\ntitle: C\n---\nA concept.\n",
}


def yml(cache: Path) -> str:
    return (f"site_name: D\ndocs_dir: notes\nsite_dir: site\nplugins:\n  - lemma:\n"
            f"      cache_dir: {cache}\n")


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def rebuild_after(tmp_path: Path, edit: dict[str, str]) -> tuple[Path, bool, bool]:
    """(the fresh build's project, whether the rebuild reused the index pages, and the
    graph's PageRank)."""
    here = os.getcwd()
    live = write_files(tmp_path / "live", {"mkdocs.yml": yml(tmp_path / "cache"),
                                           **{f"notes/{k}": v for k, v in NOTES.items()}})
    try:
        os.chdir(live)
        config = load_config("mkdocs.yml")
        build(config)
        site = config.plugins["lemma"].site
        before, ranks = site._indexes[1], site.state.graph.pagerank()
        time.sleep(0.02)
        write_files(live / "notes", edit)
        build(load_config("mkdocs.yml"), dirty=True)
        reused = site._indexes[1] is before
        same_ranks = site.state.graph.pagerank() is ranks
        shutil.copytree(live / "notes", tmp_path / "fresh" / "notes")
        (tmp_path / "fresh" / "mkdocs.yml").write_text(yml(tmp_path / "cache2"))
        os.chdir(tmp_path / "fresh")
        build(load_config("mkdocs.yml"))
    finally:
        os.chdir(here)
    for page in ("index.html", "papers/index.html", "concepts/index.html"):
        assert (live / "site" / page).read_bytes() == \
            (tmp_path / "fresh" / "site" / page).read_bytes(), page
    return tmp_path / "fresh", reused, same_ranks


def test_a_body_edit_reuses_the_index_pages(tmp_path: Path) -> None:
    edit = {"concepts/c.md": "---\ntitle: C\n---\nA concept, edited.\n"}
    assert rebuild_after(tmp_path, edit)[1:] == (True, True)


def test_a_new_link_recomputes_the_graph_views(tmp_path: Path) -> None:
    edit = {"concepts/c.md": "---\ntitle: C\n---\nA concept, now linking [[P]].\n"}
    assert rebuild_after(tmp_path, edit)[2] is False


def test_a_changed_checker_result_makes_the_index_pages_again(tmp_path: Path) -> None:
    wrong = NOTES["papers/p.md"].replace("a**2 + 2*a*b + b**2", "a**2 + b**2")
    fresh, reused, _ = rebuild_after(tmp_path, {"papers/p.md": wrong})
    assert not reused
    assert "lemma-badge-failed" in (fresh / "site" / "index.html").read_text(encoding="utf-8")
