"""`mkdocs serve --dirty` after new notes, deletions, renames and link edits (issue 33, item 1):
the preview equals a fresh build byte for byte once the builds `serve` runs are done, the
edited note's page comes in the first of them, and only the pages whose content changed are
written (pages counted by their files' write times, never timed)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from lemma.site import dirty
from tests.conftest import fresh_build, write_files

YML = ("site_name: P\ndocs_dir: notes\nsite_dir: site\nplugins:\n  - search\n"
       "  - lemma:\n      check: false\n")


def concept(title: str, body: str, tags: str = "") -> str:
    extra = f"tags: [{tags}]\n" if tags else ""
    return f"---\ntitle: {title}\n{extra}---\n{body}\n"


def take(title: str, body: str, date: str = "2024-03-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nconfidence: 0.5\n---\n{body}\n"


# Two clusters joined by one link (c4 -> c5); the hub c1 links with c2, c3, c4.
NOTES = {
    "concepts/c1.md": concept("One", "The hub: [[Two]], [[Three]], [[Four]].", "x"),
    "concepts/c2.md": concept("Two", "Back to [[One]]. A [[Missing note]] link."),
    "concepts/c3.md": concept("Three", "See [[One]] and [[Two]]."),
    "concepts/c4.md": concept("Four", "Bridge to [[Five]]."),
    "concepts/c5.md": concept("Five", "See [[Six]] and [[Seven]]."),
    "concepts/c6.md": concept("Six", "See [[Seven]]."),
    "concepts/c7.md": concept("Seven", "See [[Eight]]."),
    "concepts/c8.md": concept("Eight", "The far end."),
    "takes/t1.md": take("Take one", "Far away:\n\n![[Eight]]"),
}
FAR = {"concepts/c6/index.html", "concepts/c7/index.html", "concepts/c8/index.html",
       "takes/t1/index.html"}  # three or more links from c1, c2 and c3
EDITS = [
    pytest.param({"takes/t2.md": take("Take two", "A new take on [[Two]].")}, (),
                 "takes/t2/index.html", id="new-note"),
    pytest.param({"concepts/missing.md": concept("Missing note", "Now it exists.")}, (),
                 "concepts/missing/index.html", id="new-note-a-broken-link-named"),
    pytest.param({}, ("concepts/c3.md",), None, id="deletion"),
    pytest.param({"concepts/c3-moved.md": NOTES["concepts/c3.md"]}, ("concepts/c3.md",),
                 "concepts/c3-moved/index.html", id="rename"),
    pytest.param({"concepts/c2.md": concept("Two", "Back to [[One]], and [[Three]].")}, (),
                 "concepts/c2/index.html", id="new-link"),
    pytest.param({"concepts/c3.md": concept("Three, renamed", "See [[One]] and [[Two]].")},
                 (), "concepts/c3/index.html", id="new-title"),
    pytest.param({"concepts/c2.md": concept("Two", "Back to [[One]].", "y")}, (),
                 "concepts/c2/index.html", id="new-tag"),
    pytest.param({"takes/t1.md": take("Take one", "Far away, edited:\n\n![[Eight]]")}, (),
                 "takes/t1/index.html", id="body-of-a-note-that-embeds"),
]


def outputs(site: Path) -> dict[str, bytes]:
    """Every page, the graph data, feed, sitemap and search index: what a fresh build has."""
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    for rel in ("assets/lemma/graph.json", "feed.xml", "sitemap.xml", "search/search_index.json"):
        found[rel] = (site / rel).read_bytes()
    return dict(sorted(found.items()))


def written_since(site: Path, before: dict[str, int]) -> set[str]:
    """The pages written (or added) since `before` (page -> write time)."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if before.get(p.relative_to(site).as_posix()) != p.stat().st_mtime_ns}


def times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def preview(live: Path, files: dict[str, str], removed: tuple[str, ...]) -> list[set[str]]:
    """Build `live` as `serve --dirty` does, edit it, and run the builds `serve` runs then;
    the pages each of those builds wrote."""
    config = load_config("mkdocs.yml")
    config.plugins.on_startup(command="serve", dirty=True)
    build(config)
    plugin = config.plugins["lemma"]
    assert not plugin.deferred
    time.sleep(0.02)  # the edit is newer than the pages written
    write_files(live / "notes", files)
    for rel in removed:
        (live / "notes" / rel).unlink()
    rounds: list[set[str]] = []
    try:
        while not rounds or plugin.deferred:
            before = times(live / "site")
            time.sleep(0.02)
            build(load_config("mkdocs.yml"), dirty=True)
            rounds.append(written_since(live / "site", before))
            assert len(rounds) <= 2  # what one build leaves, the next one renders
    finally:
        config.plugins.on_shutdown()  # MkDocs keeps the plugin for the next test's builds
    return rounds


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.mark.parametrize("files, removed, shown", EDITS)
def test_the_preview_after_an_edit_equals_a_fresh_build(tmp_path: Path, files, removed,
                                                        shown) -> None:
    here = os.getcwd()
    live = write_files(tmp_path / "live", {"mkdocs.yml": YML, **{f"notes/{k}": v
                                                                for k, v in NOTES.items()}})
    try:
        os.chdir(live)
        rounds = preview(live, files, removed)
        fresh_build(live, tmp_path / "fresh", YML)
    finally:
        os.chdir(here)
    assert outputs(live / "site") == outputs(tmp_path / "fresh" / "site")
    if shown is not None:
        assert shown in rounds[0]  # the edited note's page comes with the first build
    written = set().union(*rounds)
    if shown not in FAR:  # an edit in the first cluster leaves pages three links away alone
        assert not written & FAR
    for rel in removed:  # a deleted note's page is gone from the preview
        assert not (live / "site" / rel.removesuffix(".md") / "index.html").exists()


def test_a_new_note_writes_its_page_first_and_then_only_the_pages_that_show_it(
        tmp_path: Path) -> None:
    here = os.getcwd()
    live = write_files(tmp_path / "live", {"mkdocs.yml": YML, **{f"notes/{k}": v
                                                                for k, v in NOTES.items()}})
    try:
        os.chdir(live)
        rounds = preview(live, {"takes/t2.md": take("Take two", "A new take on [[One]].")},
                         ())
    finally:
        os.chdir(here)
    notes = {p for r in rounds for p in r if p.startswith(("concepts/c", "takes/t"))}
    # the new note's page, One's (backlinks and graph) and the graphs drawing the new note two
    # links away: those of One's neighbours. One grows from 3 to 4 links, the same size
    # class, so Five's graph (One two links away) is not written, nor anything further
    assert notes == {"takes/t2/index.html", "concepts/c1/index.html", "concepts/c2/index.html",
                     "concepts/c3/index.html", "concepts/c4/index.html"}
    indexes = {"takes/index.html", "concepts/index.html", "index.html"}
    assert "takes/t2/index.html" in rounds[0] and not rounds[0] & indexes  # its page first
    assert indexes <= rounds[1]  # then the index pages listing it, in the next build


def test_the_edited_notes_pages_come_first_and_the_rest_after() -> None:
    stale = {f"n{i}.md" for i in range(30)}
    assert dirty.split(stale, ["n1.md"]) == ({"n1.md"}, stale - {"n1.md"})
    assert dirty.split({"n1.md", "index.md"}, ["n1.md"]) == ({"n1.md"}, {"index.md"})
    assert dirty.split({"n1.md"}, ["n1.md"]) == ({"n1.md"}, set())
    assert dirty.split(None, ["n1.md"]) == ({"n1.md"}, None)
