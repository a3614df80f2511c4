"""The MkDocs plugin is a shim: MkDocs walks an empty staging folder (its own `get_files` is
never swapped), the vault's files come from Lemma's listing, and two builds are identical."""

from __future__ import annotations

import os
from pathlib import Path

import mkdocs.commands.build as mkdocs_build
import mkdocs.structure.files as mkdocs_files
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.test_site_build import tree_digest
from tests.test_site_publish_vault import build_vault_site


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_mkdocs_walks_an_empty_staging_folder_and_keeps_its_walker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[tuple[str, int]] = []

    def spy(config):  # MkDocs' own walker, watched: a plugin swapping it would bypass the spy
        files = mkdocs_files.get_files(config)
        walked.append((config.docs_dir, len(files)))
        return files

    monkeypatch.setattr(mkdocs_build, "get_files", spy)
    site = build_vault_site(tmp_path)
    staging = tmp_path / ".lemma-cache" / "site-docs"
    assert walked == [(str(staging), 0)]
    assert mkdocs_build.get_files is spy
    assert (site / "Guides" / "Media" / "index.html").is_file()  # the vault's files were added


def test_the_obsidian_vault_builds_twice_byte_for_byte(tmp_path: Path) -> None:
    first = tree_digest(build_vault_site(tmp_path / "a"))
    config = load_config(config_file=str(tmp_path / "a" / "mkdocs.yml"),
                         site_dir=str(tmp_path / "again"))
    build(config)  # the same project again, in the same process (the plugin's caches warm)
    assert tree_digest(tmp_path / "again") == first


def test_a_file_left_in_the_staging_folder_is_not_published(tmp_path: Path) -> None:
    build_vault_site(tmp_path)
    stray = tmp_path / ".lemma-cache" / "site-docs" / "stray.md"
    stray.write_text("# Stray\n", encoding="utf-8")
    os.utime(stray)
    build(load_config(config_file=str(tmp_path / "mkdocs.yml")))
    assert not (tmp_path / "site" / "stray").exists() and not stray.exists()
