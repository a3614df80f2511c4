"""`lemma site prepare`: the site as a folder any engine builds from -- what is published and
where, the generated pages, assets and site-wide files, written deterministically."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.test_cli_init import run  # the CLI run in a folder, as a user runs it
from tests.test_site_publish_vault import VAULT, YML, build_vault_site


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shutil.copytree(VAULT, tmp_path / "vault")
    (tmp_path / "mkdocs.yml").write_text(YML, encoding="utf-8")
    return tmp_path


def test_prepare_writes_the_published_site_as_a_folder(project: Path) -> None:
    result = run(["site", "prepare", "-o", "out"], project)
    assert result.exit_code == 0, result.output
    files = digest(project / "out")
    assert result.stdout == f"wrote out: {len(files) - 1} files, {len(files) - 1} changed\n"
    for path, why in [
        ("index.md", "the home note, at the root"),
        ("steps/index.md", "permalink: steps"),
        ("README/index.md", "the README makes way for the home note"),
        ("Books/Dune.md", "a public note, at its own path"),
        ("Attachments/movie.mp4", "an attachment"),
        ("Map.canvas.md", "the canvas page"), ("Library.base.md", "the base page"),
        ("tags/index.md", "a generated page"), ("graph.md", "the graph page"),
        ("assets/lemma/graph.json", "the graph data"), ("feed.xml", "the feed"),
        ("How to/Steps/index.html", "the redirect of a / alias"),
        ("assets/lemma/katex/katex.min.css", "an asset"),
    ]:
        assert path in files, why
    assert not any(p.startswith("Books/Private") or p.endswith((".canvas", ".base"))
                   for p in files)
    home = (project / "out" / "index.md").read_bytes()
    assert home == (project / "vault" / "Home.md").read_bytes()


def test_a_second_run_changes_nothing_and_a_removed_note_disappears(project: Path) -> None:
    run(["site", "prepare", "-o", "out"], project)
    first = digest(project / "out")
    again = run(["site", "prepare", "-o", "out"], project)
    assert again.stdout == f"wrote out: {len(first) - 1} files, 0 changed\n"
    assert digest(project / "out") == first
    (project / "vault" / "Books" / "Emma.md").unlink()
    run(["site", "prepare", "-o", "out"], project)
    assert "Books/Emma.md" not in digest(project / "out")


def test_the_site_wide_files_are_those_mkdocs_builds(project: Path, tmp_path: Path) -> None:
    run(["site", "prepare", "-o", "out"], project)
    site = build_vault_site(tmp_path / "mk")
    for path in ("feed.xml", "assets/lemma/graph.json", "How to/Steps/index.html"):
        assert (project / "out" / path).read_bytes() == (site / path).read_bytes(), path


def test_a_folder_not_written_by_prepare_is_refused(project: Path) -> None:
    (project / "mine").mkdir()
    (project / "mine" / "keep.txt").write_text("mine\n", encoding="utf-8")
    result = run(["site", "prepare", "-o", "mine"], project)
    assert result.exit_code == 2
    assert result.stderr == ("error: mine is not empty and was not written by `lemma site "
                             "prepare`; choose a new or empty folder\n")
    assert (project / "mine" / "keep.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_note_with_rejected_frontmatter_is_written_without_it(project: Path) -> None:
    (project / "vault" / "Bad.md").write_text("---\ntitle: [unclosed\n---\nBODYTEXT\n",
                                              encoding="utf-8")
    run(["site", "prepare", "-o", "out"], project)
    assert (project / "out" / "Bad.md").read_text(encoding="utf-8") == "BODYTEXT\n"
