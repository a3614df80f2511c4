"""The `mkdocs.yml` that publishes an existing vault (written by `lemma init`): Material with a
light/dark toggle, search, and the lemma plugin with its Obsidian options spelled out."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .model import LemmaError

TEMPLATE = """\
# Written by `lemma init`: publishes the vault in {docs} with MkDocs, Material and Lemma.
# Build with `mkdocs build` (or preview with `mkdocs serve`); see Lemma's README.
site_name: {name}
# site_url: https://example.org/notes/   # set it: absolute feed links and ids, a sitemap
docs_dir: {docs}
site_dir: site
theme:
  name: material
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {{icon: material/weather-night, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {{icon: material/weather-sunny, name: Switch to light mode}}
  features:
    - navigation.instant
    - navigation.tracking
    - navigation.top
    - search.highlight
    - search.suggest
    - toc.follow
    - content.code.copy
plugins:
  - search
  - lemma:
      # navigation: auto          # folder tree for a plain vault; folders | kinds
      # home: Home                # the note at the site root (default: Home.md or README.md)
      # strict_line_breaks: false # Obsidian's default: a single line break shows
      # file_dates: git           # date undated notes in the feed by their last commit
"""


def init_text(vault: Path, config_dir: Path, name: str | None = None) -> str:
    """The mkdocs.yml text for publishing `vault` from a config file in `config_dir`."""
    vault, config_dir = vault.resolve(), config_dir.resolve()
    if not vault.is_dir():
        raise LemmaError(f"no folder '{vault}': give the vault's folder, e.g. lemma init MyVault")
    if config_dir == vault or config_dir.is_relative_to(vault):
        raise LemmaError(f"mkdocs.yml cannot live inside the vault it publishes: run lemma init "
                         f"from the folder above '{vault.name}'")
    docs = os.path.relpath(vault, config_dir)
    return TEMPLATE.format(docs=json.dumps(docs), name=json.dumps(name or vault.name))
