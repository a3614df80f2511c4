"""Shared fixtures: a vault built from a dict of files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "notes"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (vault-relative path -> text or bytes) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def fresh_build(live: Path, fresh: Path, yml: str) -> None:
    """A fresh `mkdocs build` of the live project's notes in `fresh` (the working directory is
    left there: the caller restores it), to compare a preview's output with."""
    import os
    import shutil

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    shutil.copytree(live / "notes", fresh / "notes")
    (fresh / "mkdocs.yml").write_text(yml)
    os.chdir(fresh)
    build(load_config("mkdocs.yml"))


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[[dict[str, str | bytes]], object]:
    """`make_vault({"a.md": "…"})` writes the files and returns the loaded Vault."""
    from lemma.vault import load_vault

    def make(files: dict[str, str | bytes]):
        root = write_files(tmp_path / "vault", files)
        return load_vault(root)

    return make


@pytest.fixture(scope="session", autouse=True)
def corpus_index() -> None:
    """Bring the repository's own index up to date once, quietly, before any test runs.

    Tests that run the CLI on `notes/` compare its whole output; a one-time "rebuilding the
    index" notice (after Lemma's parsing code changed) would otherwise land in the first one.
    """
    import os

    from lemma.cli import Project

    here = os.getcwd()
    os.chdir(REPO)
    try:
        with Project(None).index(quiet=True) as index:
            index.refresh()
    finally:
        os.chdir(here)
