"""The committed vault tests/vaults/obsidian-publish built as a site: every construct lands
where Obsidian Publish would put it (the browser test looks at the same site)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

VAULT = Path(__file__).parent / "vaults" / "obsidian-publish"
YML = """site_name: Publish test vault
site_url: https://vault.example.org/docs/
docs_dir: vault
site_dir: site
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
plugins:
  - search
  - lemma
"""


def build_vault_site(project: Path) -> Path:
    """Copy the vault beside a mkdocs.yml in `project` and build it (not strict: none needed)."""
    shutil.copytree(VAULT, project / "vault")
    (project / "mkdocs.yml").write_text(YML, encoding="utf-8")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    build(load_config(config_file=str(project / "mkdocs.yml"), strict=True))
    return project / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vault_site(tmp_path_factory.mktemp("publish-vault"))


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_every_construct_has_its_page(site: Path) -> None:
    assert ">Publish test vault</h1>" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "README" / "index.html").is_file()  # not the root: Home.md is
    for page in ("steps", "Guides/Media", "Map.canvas", "Library.base", "How to/Steps"):
        assert (site / page / "index.html").is_file(), page
    assert not (site / "Books" / "Private").exists()
    assert "A private book" not in read(site, "Library.base")


def test_feed_ids_and_links_come_from_site_url(site: Path) -> None:
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<id>https://vault.example.org/docs/feed.xml</id>" in feed
    assert "urn:lemma" not in feed
