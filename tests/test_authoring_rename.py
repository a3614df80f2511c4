"""`lemma mv`: every link form rewritten, the printed plan, --dry-run, all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.authoring import apply as authoring_apply
from lemma.authoring.rename import apply_rename, plan_rename
from lemma.cli import main
from lemma.model import LemmaError
from lemma.vault import load_vault
from tests.conftest import write_files

TARGET = ("---\ntitle: Old name\naliases: [OldN]\n---\nOld name is a concept; see [[Old name#Sec]]."
          "\n\n## Sec\nText.\n")
SOURCE = """---
title: Source
---
Plain [[Old name]] and case [[old NAME]].
Label [[Old name|the old one]], heading [[Old name#Sec]], both [[Old name#Sec|here]].
Embed ![[Old name]] and ![[Old name#Sec]].
Path [[concepts/old-name]] and [[concepts/old-name.md|p]], file [[old-name]].
Alias [[OldN]] stays; code `[[Old name]]` stays; escaped \\[[Old name]] stays.

| a | b |
|---|---|
| [[Old name\\|cell]] | x |

```
[[Old name]] in a fence
```
Other [[Elsewhere]].
"""
FILES = {"concepts/old-name.md": TARGET, "notes/source.md": SOURCE,
         "elsewhere.md": "---\ntitle: Elsewhere\n---\nNothing about it.\n"}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", FILES)


EXPECTED_SOURCE = """---
title: Source
---
Plain [[New name]] and case [[New name]].
Label [[New name|the old one]], heading [[New name#Sec]], both [[New name#Sec|here]].
Embed ![[New name]] and ![[New name#Sec]].
Path [[concepts/new-name]] and [[concepts/new-name.md|p]], file [[new-name]].
Alias [[OldN]] stays; code `[[Old name]]` stays; escaped \\[[Old name]] stays.

| a | b |
|---|---|
| [[New name\\|cell]] | x |

```
[[Old name]] in a fence
```
Other [[Elsewhere]].
"""

PLAN = """concepts/old-name.md → concepts/new-name.md
concepts/old-name.md:2 title: Old name → title: New name
concepts/old-name.md:5 [[Old name#Sec]] → [[New name#Sec]]
notes/source.md:4 [[Old name]] → [[New name]]
notes/source.md:4 [[old NAME]] → [[New name]]
notes/source.md:5 [[Old name|the old one]] → [[New name|the old one]]
notes/source.md:5 [[Old name#Sec]] → [[New name#Sec]]
notes/source.md:5 [[Old name#Sec|here]] → [[New name#Sec|here]]
notes/source.md:6 ![[Old name]] → ![[New name]]
notes/source.md:6 ![[Old name#Sec]] → ![[New name#Sec]]
notes/source.md:7 [[concepts/old-name]] → [[concepts/new-name]]
notes/source.md:7 [[concepts/old-name.md|p]] → [[concepts/new-name.md|p]]
notes/source.md:7 [[old-name]] → [[new-name]]
notes/source.md:12 [[Old name\\|cell]] → [[New name\\|cell]]
"""


def test_mv_rewrites_every_link_form(root: Path) -> None:
    result = run(root, "mv", "Old name", "New name")
    assert result.exit_code == 0, result.output
    assert result.output == PLAN + "renamed 'Old name' to 'New name': 12 links rewritten in 2 " \
                                   "files\n"
    assert not (root / "concepts/old-name.md").exists()
    assert (root / "concepts/new-name.md").read_text(encoding="utf-8") == TARGET.replace(
        "title: Old name", "title: New name").replace("[[Old name#", "[[New name#")
    assert (root / "notes/source.md").read_text(encoding="utf-8") == EXPECTED_SOURCE
    vault = load_vault(root)
    assert vault.diagnostics == []
    assert vault.find("oldn").path == "concepts/new-name.md"
    assert [h.target for h in vault.resolved["notes/source.md"]] == \
        ["concepts/new-name.md"] * 12 + ["elsewhere.md"]


def test_dry_run_prints_the_plan_and_changes_nothing(root: Path) -> None:
    before = snapshot(root)
    result = run(root, "mv", "old name", "New name", "--dry-run")
    assert (result.exit_code, result.output) == (
        0, PLAN + "dry run: 12 links in 2 files would change; nothing written\n")
    assert snapshot(root) == before


def test_a_write_failing_midway_changes_nothing(root: Path, monkeypatch) -> None:
    write_files(root, {"z.md": "[[Old name]]\n"})  # a third file, committed after notes/source
    before = snapshot(root)
    real = authoring_apply.keep_original

    def flaky(path: Path, backup: Path, moves: bool) -> None:
        if path == root / "z.md":
            raise OSError(5, "Input/output error", str(path))
        real(path, backup, moves)

    monkeypatch.setattr(authoring_apply, "keep_original", flaky)
    result = run(root, "mv", "Old name", "New name")
    assert result.exit_code == 1
    assert result.output.endswith("error: could not write z.md: Input/output error; nothing was "
                                  "changed\n")
    assert snapshot(root) == before  # moved note unmoved, replaced file restored, no temps


def test_a_temp_write_failing_changes_nothing(root: Path, monkeypatch) -> None:
    before = snapshot(root)
    real = authoring_apply.write_temp
    count = []

    def failing(temp: Path, text: str, mode: int | None = None) -> None:
        count.append(temp)
        if len(count) == 3:  # the journal, one note, then this one
            raise OSError(28, "No space left on device")
        real(temp, text, mode)

    monkeypatch.setattr(authoring_apply, "write_temp", failing)
    result = run(root, "mv", "Old name", "New name")
    assert result.exit_code == 1
    assert result.output.endswith("error: could not write notes/source.md: No space left on "
                                  "device; nothing was changed\n")
    assert snapshot(root) == before


def test_apply_refuses_a_file_changed_since_the_plan(root: Path) -> None:
    plan = plan_rename(load_vault(root), "Old name", "New name")
    (root / "notes/source.md").write_text("edited meanwhile\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(LemmaError, match=r"^notes/source\.md changed since the plan was made"):
        apply_rename(root, plan)
    assert snapshot(root) == before


@pytest.mark.parametrize(("args", "message"), [
    (["Old name", "Elsewhere"], "cannot rename to 'Elsewhere': a note titled 'Elsewhere' "
     "already exists: elsewhere.md"),
    (["Old name", "/elsewhere.md"], "cannot move concepts/old-name.md to elsewhere.md: that "
     "file already exists"),
    (["Old name", "concepts/source.md"], "cannot move concepts/old-name.md to "
     "concepts/source.md: the file name would take over links (a note titled 'Source' already "
     "exists: notes/source.md)"),
    (["Old name", "Old name"], "nothing to do: concepts/old-name.md is already titled "
     "'Old name'"),
])
def test_mv_refuses_names_that_are_taken(root: Path, args: list, message: str) -> None:
    before = snapshot(root)
    result = run(root, "mv", *args)
    assert (result.exit_code, result.output) == (1, f"error: {message}\n")
    assert snapshot(root) == before


def test_mv_unknown_note_suggests(root: Path) -> None:
    result = run(root, "mv", "Old nam", "X")
    assert (result.exit_code, result.output) == (
        2, "error: no note named 'Old nam' (did you mean 'old name' or 'old-name' or 'oldn'?)\n")


def test_mv_to_a_path_keeps_the_title(root: Path) -> None:
    result = run(root, "mv", "Old name", "archive/kept.md")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "concepts/old-name.md → archive/kept.md"
    vault = load_vault(root)
    assert vault.notes["archive/kept.md"].title == "Old name"
    text = (root / "notes/source.md").read_text(encoding="utf-8")
    assert "[[Old name]]" in text and "[[archive/kept]]" in text and "[[kept]]" in text
    assert vault.diagnostics == []


def test_mv_keeps_crlf_and_bom(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {"a.md": "# A\n"})
    (root / "b.md").write_bytes("\ufeff---\r\ntitle: B\r\n---\r\nSee [[A]].\r\n".encode())
    assert run(root, "mv", "A", "Alpha").exit_code == 0
    assert (root / "b.md").read_bytes() == "\ufeff---\r\ntitle: B\r\n---\r\nSee [[Alpha]].\r\n" \
        .encode()
    assert (root / "alpha.md").read_text(encoding="utf-8") == "# Alpha\n"  # title was the H1


def test_mv_adds_a_title_when_it_came_from_the_file_name(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {"plain.md": "Just text.\n", "b.md": "[[plain]]\n"})
    result = run(root, "mv", "plain", "Fancy Title")
    assert result.exit_code == 0, result.output
    assert (root / "fancy-title.md").read_text(encoding="utf-8") == \
        "---\ntitle: Fancy Title\n---\nJust text.\n"
    assert (root / "b.md").read_text(encoding="utf-8") == "[[Fancy Title]]\n"


def test_mv_refuses_when_a_moved_note_would_resolve_its_links_elsewhere(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {
        "a/x.md": "A's x\n", "b/x.md": "B's x\n", "a/n.md": "---\ntitle: N\n---\n[[x]]\n"})
    before = snapshot(root)
    result = run(root, "mv", "N", "b/n.md")
    assert result.exit_code == 1
    assert result.output == ("error: b/n.md:4:1: after the rename [[x]] would point to b/x.md "
                             "instead of a/x.md; nothing was changed\n")
    assert snapshot(root) == before


@pytest.mark.parametrize("title", ["A|B", "C#D", "E]]F"])
def test_mv_refuses_titles_that_would_break_links(root: Path, title: str) -> None:
    before = snapshot(root)
    result = run(root, "mv", "Old name", title)
    assert (result.exit_code, result.output) == (
        2, f"error: '{title}' cannot be a title that links use: it contains one of [ ] | # "
           "(put such text in the note instead)\n")
    assert snapshot(root) == before
