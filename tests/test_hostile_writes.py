"""A cloned vault is untrusted: a journal in its `.lemma-cache/`, a symlinked folder, or a
`!!python/` tag in its mkdocs.yml never makes a lemma command write outside the vault or run
code (issue 27, items 1, 2 and 3a)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.authoring.apply import apply_changes, recover
from lemma.authoring.files import FileChange, digest
from lemma.authoring.journal import Entry, Journal, journal_text
from lemma.authoring.lock import CacheFiles
from lemma.cli import main
from lemma.model import LemmaError
from tests.conftest import write_files

NOTE = "---\ntitle: {}\n---\nText with [[B]].\n"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """A vault `v/notes` and, beside it, a folder `outside/` holding a file a journal targets."""
    root = write_files(tmp_path / "v" / "notes", {"a.md": NOTE.format("A"),
                                                  "b.md": NOTE.format("B")})
    outside = write_files(tmp_path / "outside", {"victim.md": "precious\n"})
    return root, outside


def outside_state(outside: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outside.iterdir())}


def plant(root: Path, journal: Journal, *, done: bool = False, sign: bool = True,
          edit: dict | None = None) -> Path:
    """Write `journal` where an interrupted apply leaves it (optionally its done-marker)."""
    files = CacheFiles.of(root)
    files.folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(journal_text(journal))
    if not sign:
        data.update(edit or {})
    files.journal.write_text(json.dumps(data), encoding="utf-8")
    if done and "/" not in journal.token:
        files.done(journal.token).touch()
    return files.journal


def entry(path: str, new_path: str | None = None, old: str | None = "x\n",
          new: str = "pwned\n") -> Entry:
    return Entry(path, new_path or path, old, None if old is None else digest(old), digest(new))


def crafted(outside: Path) -> list[tuple[str, Journal]]:
    victim = outside / "victim.md"
    rel = "../../outside/victim.md"
    return [
        ("relative-restore", Journal("rename", "0badc0de", (), (entry(rel, old="evil\n",
                                                                      new="precious\n"),))),
        ("relative-delete", Journal("rename", "0badc0de", (), (entry(rel, old=None,
                                                                     new="precious\n"),))),
        ("absolute-restore", Journal("rename", "0badc0de", (), (entry(str(victim), old="evil\n",
                                                                      new="precious\n"),))),
        ("absolute-move", Journal("rename", "0badc0de", (), (entry("a.md", str(victim)),))),
        ("folder-outside", Journal("rename", "0badc0de", ("../../outside",),
                                   (entry("a.md", "new/a.md"),))),
        ("token-path", Journal("rename", "/../../../x", (), (entry("a.md"),))),
    ]


@pytest.mark.parametrize("case", range(6), ids=[c for c, _ in crafted(Path("/o"))])
@pytest.mark.parametrize("done", [False, True], ids=["rolled-back", "completed"])
def test_a_crafted_journal_is_refused_and_nothing_outside_changes(world, case, done) -> None:
    root, outside = world
    _, journal = crafted(outside)[case]
    before = outside_state(outside)
    path = plant(root, journal, done=done)
    listed = run(root, "list")
    assert listed.exit_code == 0
    assert listed.stderr.startswith(f"warning: {path} was not replayed: ")
    assert listed.stderr.endswith("if no lemma command was interrupted on these notes, "
                                  "delete it\n")
    assert listed.stderr.count("\n") == 1
    assert outside_state(outside) == before
    moved = run(root, "mv", "A", "Z")  # a write refuses to run over an unexplained journal
    assert moved.exit_code == 1 and outside_state(outside) == before
    assert (root / "a.md").exists() and path.exists()


def test_a_symlinked_folder_on_the_way_is_refused(world, tmp_path: Path) -> None:
    root, outside = world
    (root / "sub").symlink_to(outside, target_is_directory=True)
    journal = Journal("rename", "0badc0de", (), (entry("sub/victim.md", old="evil\n",
                                                       new="precious\n"),))
    path = plant(root, journal)
    with pytest.raises(LemmaError) as error:
        recover(root)
    assert error.value.message == (
        f"{path} was not replayed: 'sub/victim.md' leads outside the notes folder (to "
        f"{outside}); if no lemma command was interrupted on these notes, delete it")
    assert (outside / "victim.md").read_text() == "precious\n"


@pytest.mark.parametrize("edit", [
    pytest.param({"sha256": "0" * 64}, id="wrong-checksum"),
    pytest.param({"version": 1}, id="old-version"),
    pytest.param({"what": "rename of 'A' to '\x1b]0;owned\x07'"}, id="edited-field"),
])
def test_a_journal_that_fails_its_checksum_is_not_replayed(world, edit) -> None:
    root, _ = world
    original = (root / "a.md").read_text()
    journal = Journal("rename", "0badc0de", (), (entry("a.md", old="older\n",
                                                       new=original),))
    path = plant(root, journal, sign=False, edit=edit)
    listed = run(root, "list")
    assert listed.stderr == (
        f"warning: {path} was not replayed: its checksum does not match (a damaged journal, "
        "or one Lemma did not write); if no lemma command was interrupted on these notes, "
        "delete it\n")
    assert (root / "a.md").read_text() == original


def test_an_original_text_that_does_not_match_its_hash_is_refused(world) -> None:
    root, _ = world
    bad = Entry("a.md", "a.md", "evil\n", digest("other\n"), digest(NOTE.format("A")))
    plant(root, Journal("rename", "0badc0de", (), (bad,)))
    assert "an entry's original text does not match its hash" in run(root, "list").stderr
    assert (root / "a.md").read_text() == NOTE.format("A")


def test_a_genuine_journal_inside_the_vault_is_still_rolled_back(world) -> None:
    root, _ = world
    (root / "a.md").write_text("half-written\n", encoding="utf-8")
    plant(root, Journal("rename of 'A' to 'Z'", "0badc0de", (),
                        (entry("a.md", old=NOTE.format("A"), new="half-written\n"),)))
    listed = run(root, "list")
    assert listed.stderr == ("note: an interrupted rename of 'A' to 'Z' was rolled back; the "
                             "notes are as before\n")
    assert (root / "a.md").read_text() == NOTE.format("A")


# -- item 2: symlinked folders as targets -------------------------------------------------------

def test_mv_into_a_symlinked_folder_is_refused(world) -> None:
    root, outside = world
    (root / "elsewhere").symlink_to(outside, target_is_directory=True)
    before = outside_state(outside)
    for args in (("mv", "A", "elsewhere/a.md"), ("mv", "A", "elsewhere/a.md", "--dry-run")):
        moved = run(root, *args)
        assert (moved.exit_code, moved.stderr) == (2, (
            f"error: cannot move a.md to elsewhere/a.md: elsewhere/ is a symbolic link to a "
            f"folder outside the vault ({outside}), and the vault does not follow linked "
            "folders\n"))
    assert outside_state(outside) == before and (root / "a.md").exists()
    assert run(root, "lint").exit_code == 0


def test_mv_into_a_folder_linked_inside_the_vault_is_refused(world) -> None:
    root, _ = world
    (root / "real").mkdir()
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    moved = run(root, "mv", "A", "alias/a.md")
    assert moved.exit_code == 2
    assert "alias/ is a symbolic link to a folder in the vault" in moved.stderr
    assert not (root / "real/a.md").exists()


def test_new_in_a_symlinked_kind_folder_is_refused(world) -> None:
    root, outside = world
    (root / "takes").symlink_to(outside, target_is_directory=True)
    made = run(root, "new", "take", "Scaling holds")
    assert (made.exit_code, made.stderr) == (2, (
        f"error: cannot create takes/scaling-holds.md: takes/ is a symbolic link to a folder "
        f"outside the vault ({outside}), and the vault does not follow linked folders\n"))
    assert sorted(p.name for p in outside.iterdir()) == ["victim.md"]


def test_apply_itself_refuses_a_linked_destination(world) -> None:
    root, outside = world
    (root / "takes").symlink_to(outside, target_is_directory=True)
    with pytest.raises(LemmaError, match="takes/ is a symbolic link"):
        apply_changes(root, [FileChange("takes/x.md", "takes/x.md", None, "x\n")])
    assert not (outside / "x.md").exists()


# -- item 3a: mkdocs.yml is read without running code -------------------------------------------

def test_python_tags_in_mkdocs_yml_are_ignored_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write_files(tmp_path / "p", {
        "notes/a.md": NOTE.format("A"), "notes/b.md": NOTE.format("B"),
        "base.yml": "site_name: base\n",
        "mkdocs.yml": (
            "INHERIT: base.yml\ndocs_dir: notes\n"
            f"x: !!python/object/apply:os.system [\"touch {marker}\"]\n"
            "markdown_extensions:\n  - toc:\n      separator: !ENV [LEMMA_TEST_SEP, '_']\n"
            "      slugify: !!python/name:pymdownx.slugs.slugify\n"
            f"y: !!python/object/new:pathlib.Path [\"{marker}\"]\n")})
    code = ("import os, sys; os.chdir(sys.argv[1]); from lemma.cli import Project; "
            "p = Project(None); print(p.toc['separator'], p.toc['slugify'].__module__)")
    import subprocess

    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "LEMMA_TEST_SEP": "+"})
    assert not marker.exists()
    assert done.stdout == "+ pymdownx.slugs\n"
    yml = tmp_path / "p" / "mkdocs.yml"
    assert done.stderr.splitlines() == [
        f"warning: {yml}:3: the tag !!python/object/apply:os.system was ignored (lemma "
        "commands run no code from mkdocs.yml)",
        f"warning: {yml}:8: the tag !!python/object/new:pathlib.Path was ignored (lemma "
        "commands run no code from mkdocs.yml)"]


def test_only_the_slugify_factory_may_be_called_from_mkdocs_yml(tmp_path: Path) -> None:
    from lemma.cli.config_yaml import load_config_yaml

    target = tmp_path / "written"
    (tmp_path / "mkdocs.yml").write_text(
        "a: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n"
        f"b: !!python/object/apply:mkdocs.utils.write_file [\"x\", \"{target}\"]\n"
        "c: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: !!python/name:os.system "
        "}}\n")
    data, warnings = load_config_yaml(tmp_path / "mkdocs.yml")
    assert callable(data["a"]) and data["a"]("Über Uns", "-") == "über-uns"
    assert data["b"] is None and not target.exists()
    assert [w.split(": the tag ")[1].split(" was")[0] for w in warnings] == [
        "!!python/object/apply:mkdocs.utils.write_file", "!!python/name:os.system"]
