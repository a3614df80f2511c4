"""The workflow: a note made by `lemma new` is on the built site; the pre-commit hooks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from tests.conftest import write_files

MKDOCS = """site_name: Test
docs_dir: notes
site_dir: site
theme:
  name: material
plugins:
  - lemma
"""


@pytest.mark.slow
def test_new_note_is_on_the_site_with_its_backlinks(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "mkdocs.yml": MKDOCS,
        "notes/index.md": "---\ntitle: Home\n---\n# Home\n\nWe should read about "
                          "[[Fresh idea|the fresh idea]].\n",
        "notes/templates/concept.md": "---\ntitle: {{title}}\n---\nNot a page.\n"})
    created = CliRunner().invoke(main, ["--notes", str(tmp_path / "notes"), "new", "concept",
                                        "Fresh idea", "--alias", "FI"])
    assert created.exit_code == 0, created.output
    lint = CliRunner().invoke(main, ["--notes", str(tmp_path / "notes"), "lint"])
    assert (lint.exit_code, lint.output) == (0, "2 notes: no problems\n")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site/concepts/fresh-idea/index.html").read_text(encoding="utf-8")
    assert "Not a page." in page  # the vault template was used …
    assert not (tmp_path / "site/templates").exists()  # … and is not published
    backlinks = re.search(r'<section class="lemma-backlinks"[^>]*>(.*?)</section>', page, re.S)
    assert backlinks is not None
    assert re.search(r'<a href="[^"]*">Home</a>', backlinks.group(1))
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="concepts/fresh-idea/"[^>]*>the fresh idea</a>', home)


def test_pre_commit_hooks_run_real_commands() -> None:
    import yaml

    from lemma.cli import COMMANDS

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml")
                           .read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["lemma-lint", "lemma-check"]
    for hook in hooks:
        program, command = hook["entry"].split()
        assert (program, hook["language"], hook["pass_filenames"]) == ("lemma", "python", False)
        assert command in COMMANDS
        assert re.search(hook["files"], "notes/papers/x.md")
