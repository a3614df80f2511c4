"""`mkdocs serve --dirty` re-renders every page an edit changes (issue 27, item 6): after each
edit, a dirty rebuild's pages equal a fresh build's, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import REPO, fresh_build, write_files

YML = "site_name: D\ndocs_dir: notes\nsite_dir: site\nuse_directory_urls: true\n" \
      "plugins:\n  - lemma:\n      check: false\n"
NOTES = {
    "a.md": "---\ntitle: Alpha\ntags: [t]\n---\nAlpha says [[Beta]] matters.\n",
    "b.md": "---\ntitle: Beta\n---\nBeta text, see [[Gamma]].\n",
    "c.md": "---\ntitle: Gamma\n---\nGamma embeds:\n\n![[Delta]]\n",
    "d.md": "---\ntitle: Delta\n---\nDelta body.\n",
    "e.md": "---\ntitle: Epsilon\n---\nUnrelated [[Zeta]].\n",
    "f.md": "---\ntitle: Zeta\n---\nZeta links [[Alpha]] and [[Delta]].\n",
}
EDITS = [
    pytest.param({"b.md": "---\ntitle: Beta\n---\nBeta NEW text, see [[Gamma]].\n"},
                 id="body-of-a-linked-note"),
    pytest.param({"d.md": "---\ntitle: Delta\n---\nDelta body, edited.\n"},
                 id="body-of-an-embedded-note"),
    pytest.param({"e.md": "---\ntitle: Epsilon renamed\n---\nUnrelated [[Zeta]].\n"},
                 id="a-title"),
    pytest.param({"e.md": "---\ntitle: Epsilon\n---\nNow [[Beta]] too.\n"},
                 id="a-new-link"),
]


def pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


@pytest.mark.parametrize("edit", EDITS)
def test_a_dirty_rebuild_after_an_edit_equals_a_fresh_build(tmp_path: Path, edit) -> None:
    here = os.getcwd()
    live = write_files(tmp_path / "live", {"mkdocs.yml": YML, **{f"notes/{k}": v
                                                                for k, v in NOTES.items()}})
    try:
        os.chdir(live)
        config = load_config("mkdocs.yml")
        build(config)  # the first build of `serve`
        time.sleep(0.02)  # the edit is newer than the pages written
        unrelated = (live / "site/e/index.html").stat().st_mtime_ns
        write_files(live / "notes", edit)
        build(load_config("mkdocs.yml"), dirty=True)  # a rebuild (its plugin kept)
        kept = (live / "site/e/index.html").stat().st_mtime_ns == unrelated
        fresh_build(live, tmp_path / "fresh", YML)
    finally:
        os.chdir(here)
    assert pages(live / "site") == pages(tmp_path / "fresh" / "site")
    assert kept == ("body" in edit_id(edit))  # a body edit leaves unrelated pages alone


def edit_id(edit: dict[str, str]) -> str:
    return next(p.id for p in EDITS if p.values[0] == edit)


SERVE_DIRTY = """
import sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml")
config.plugins.on_startup(command="serve", dirty=True)
build(config)
for edit in sys.argv[1:]:
    time.sleep(0.02)
    path, text = edit.split("=", 1)
    Path("notes", path).write_text(text, encoding="utf-8")
    build(load_config("mkdocs.yml"), dirty=True)
    while config.plugins["lemma"].deferred:  # the build `serve` runs for what was left
        build(load_config("mkdocs.yml"), dirty=True)
config.plugins.on_shutdown()
"""
SEARCH_YML = "site_name: D\ndocs_dir: notes\nsite_dir: site\ntheme:\n  name: {theme}\n" \
             "plugins:\n  - search\n  - lemma:\n      check: false\n"
SEARCH_EDITS = [
    pytest.param(["b.md=---\ntitle: Beta\n---\nBeta NEW, see [[Gamma]].\n\n## Sec\n\nmore\n",
                  "d.md=---\ntitle: Delta\n---\nDelta body, edited.\n",
                  "b.md=---\ntitle: Beta\n---\n## Only a section\n\nBeta, see [[Gamma]].\n"],
                 id="sections-added-and-removed"),
    pytest.param(["a.md=---\ntitle: Alpha renamed\ntags: [t, u]\n---\nAlpha.\n"],
                 id="every-page-re-rendered"),
]


def _run(cwd: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
@pytest.mark.parametrize("edits", SEARCH_EDITS)
def test_the_search_index_of_a_dirty_preview_equals_a_fresh_builds(tmp_path: Path, edits,
                                                                    theme: str) -> None:
    """Issue 27, item 6: Material replaced only the first re-rendered page's entries (stale
    duplicates of the others stayed); MkDocs' search kept only the pages re-rendered."""
    yml = SEARCH_YML.format(theme=theme)
    for name in ("live", "fresh"):
        write_files(tmp_path / name, {"mkdocs.yml": yml,
                                      **{f"notes/{k}": v for k, v in NOTES.items()}})
    _run(tmp_path / "live", "-c", SERVE_DIRTY, *edits)
    for edit in edits:
        path, text = edit.split("=", 1)
        (tmp_path / "fresh" / "notes" / path).write_text(text, encoding="utf-8")
    _run(tmp_path / "fresh", "-m", "mkdocs", "build", "-q")
    index = "site/search/search_index.json"
    live = json.loads((tmp_path / "live" / index).read_text(encoding="utf-8"))["docs"]
    fresh = json.loads((tmp_path / "fresh" / index).read_text(encoding="utf-8"))["docs"]
    assert [e["location"] for e in live] == [e["location"] for e in fresh]
    assert live == fresh
