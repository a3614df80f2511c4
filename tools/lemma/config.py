"""The project configuration: `mkdocs.yml`'s `docs_dir` and the `lemma` plugin block.

The CLI and the MkDocs plugin read the same block, so one file configures both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import LemmaError


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs' `!!python/name:` and `!ENV` tags as plain values."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _ignore_tag)


@dataclass(frozen=True)
class ProjectConfig:
    """Where the notes are and the `lemma` plugin's options, as written in mkdocs.yml."""

    notes_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The options of the `lemma` entry of an mkdocs.yml `plugins:` list (or mapping)."""
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) and p else (p, None) for p in plugins or []
    )
    for name, options in entries:
        if name == "lemma":
            return dict(options or {})
    return {}


def read_project_config(directory: Path | None = None) -> ProjectConfig:
    """Read `mkdocs.yml` in `directory` (default: the current one); `./notes` when there is none."""
    directory = directory or Path.cwd()
    config_file = directory / "mkdocs.yml"
    if not config_file.is_file():
        return ProjectConfig(directory / "notes")
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise LemmaError(f"{config_file}: not valid YAML: {exc}", exit_code=2) from None
    notes_dir = directory / str(data.get("docs_dir", "docs"))
    return ProjectConfig(notes_dir, plugin_options(data.get("plugins")), config_file)
