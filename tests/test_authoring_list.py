"""`lemma list` filters and formats, and shell completion of note names."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.cli.authoring import complete_note, mv
from tests.conftest import write_files

FILES = {
    "papers/p.md": "---\ntitle: Paper P\nauthors: [A]\nyear: 2020\nsource: https://e.org\n"
                   "tags: [ml/theory]\n---\n## Summary\n[[Concept C]]\n## Opinion\n",
    "takes/t.md": "---\ntitle: Take T\ndate: 2024-03-01\ntags: [ml]\n---\nClaim [[Nowhere]].\n",
    "takes/old.md": "---\ntitle: Old take\ndate: 2019-01-01\n---\nClaim about [[Paper P]].\n",
    "concepts/c.md": "---\ntitle: Concept C\naliases: [CC]\ntags: [mlops]\n---\nDefined.\n",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_files(tmp_path / "vault", FILES)
    old = time.mktime((2018, 6, 1, 0, 0, 0, 0, 0, -1))
    for path in ("papers/p.md", "concepts/c.md"):  # undated notes: their file time counts
        os.utime(root / path, (old, old))
    return root


def listed(root: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(main, ["--notes", str(root), "list", *args])
    assert result.exit_code == 0, result.output
    return [line.split()[0] for line in result.output.splitlines()]


@pytest.mark.parametrize(("args", "paths"), [
    ((), ["concepts/c.md", "papers/p.md", "takes/old.md", "takes/t.md"]),
    (("--kind", "take"), ["takes/old.md", "takes/t.md"]),
    (("--kind", "digest"), []),
    (("--tag", "ml"), ["papers/p.md", "takes/t.md"]),  # ml/theory is below ml; mlops is not
    (("--tag", "#ML/theory"), ["papers/p.md"]),
    (("--since", "2020-01-01"), ["takes/t.md"]),
    (("--since", "2018-07-01"), ["takes/old.md", "takes/t.md"]),
    (("--since", "2018-06-01"), ["concepts/c.md", "papers/p.md", "takes/old.md", "takes/t.md"]),
    (("--orphans",), ["takes/old.md", "takes/t.md"]),
    (("--broken",), ["takes/t.md"]),
    (("--kind", "take", "--orphans", "--since", "2020-01-01"), ["takes/t.md"]),
])
def test_list_filters(root: Path, args: tuple, paths: list) -> None:
    assert listed(root, *args) == paths


def test_list_text_columns(root: Path) -> None:
    result = CliRunner().invoke(main, ["--notes", str(root), "list", "--kind", "take"])
    assert result.output == ("takes/old.md  take     Old take\n"
                             "takes/t.md    take     Take T\n")


def test_list_json(root: Path) -> None:
    result = CliRunner().invoke(main, ["--notes", str(root), "list", "--tag", "ml", "--format",
                                       "json"])
    assert json.loads(result.output) == [
        {"path": "papers/p.md", "kind": "paper", "title": "Paper P", "tags": ["ml/theory"],
         "aliases": [], "date": "2018-06-01"},
        {"path": "takes/t.md", "kind": "take", "title": "Take T", "tags": ["ml"], "aliases": [],
         "date": "2024-03-01"}]


def test_list_bad_since_is_a_usage_error(root: Path) -> None:
    result = CliRunner().invoke(main, ["--notes", str(root), "list", "--since", "2020-13-01"])
    assert (result.exit_code, result.output) == (
        2, "error: --since '2020-13-01' is not a date written YYYY-MM-DD\n")


def test_completion_offers_titles_and_aliases(root: Path) -> None:
    group = click.Context(main, info_name="lemma")
    group.params = {"notes": root}
    ctx = click.Context(mv, parent=group, info_name="mv")
    param = next(p for p in mv.params if p.name == "old")
    assert [item.value for item in complete_note(ctx, param, "c")] == ["CC", "Concept C"]
    assert [item.value for item in complete_note(ctx, param, "TAKE")] == ["Take T"]
    assert [item.value for item in complete_note(ctx, param, "")] == [
        "CC", "Concept C", "Old take", "Paper P", "Take T"]


def test_completion_through_the_shell_protocol(root: Path) -> None:
    result = CliRunner().invoke(main, [], prog_name="lemma", env={
        "_LEMMA_COMPLETE": "bash_complete", "COMP_WORDS": f"lemma --notes {root} mv Pa",
        "COMP_CWORD": "4"})
    assert result.output.splitlines() == ["plain,Paper P"]


def test_completion_of_a_missing_folder_offers_nothing(tmp_path: Path) -> None:
    group = click.Context(main, info_name="lemma")
    group.params = {"notes": tmp_path / "nope"}
    ctx = click.Context(mv, parent=group, info_name="mv")
    assert complete_note(ctx, mv.params[0], "") == []


def test_list_without_filters_reads_only_what_it_prints(root: Path) -> None:
    """`list [--kind K]` as text takes a shorter way through the index: it prints what the
    filtering way prints (here made to run by a --since every note passes), unreadable notes
    left out by both; the columns are as wide in characters (CJK, emoji, combining accents)."""
    write_files(root, {"takes/bad.md": b"\xff\xfe not UTF-8",
                       "takes/日本語のノート.md": "---\ntitle: Ärger 🎉 e\u0301 100%s %d\n---\n",
                       "concepts/e\u0301te\u0301 🎉.md": "---\ntitle: '  spaced  '\n---\n"})
    for kind in ((), ("--kind", "take")):
        plain = CliRunner().invoke(main, ["--notes", str(root), "list", *kind])
        filtered = CliRunner().invoke(main, ["--notes", str(root), "list", *kind,
                                             "--since", "1971-01-01"])
        assert plain.exit_code == filtered.exit_code == 0
        assert plain.output == filtered.output
        assert "takes/t.md" in plain.output and "bad.md" not in plain.output
