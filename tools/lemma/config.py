"""The project configuration: `mkdocs.yml`'s `docs_dir` and the `lemma` plugin block.

The CLI and the MkDocs plugin read the same block, so one file configures both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import LemmaError


@dataclass(frozen=True)
class ProjectConfig:
    """Where the notes are and the `lemma` plugin's options, as written in mkdocs.yml."""

    notes_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    toc: dict[str, Any] = field(default_factory=dict)  # the toc extension's options
    site: dict[str, Any] = field(default_factory=dict)  # site_name, site_url, use_directory_urls


def extension_options(extensions: Any, name: str) -> dict[str, Any]:
    """The options of extension `name` in an mkdocs.yml `markdown_extensions:` list."""
    for entry in extensions or []:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return {}


def toc_slugify(options: dict[str, Any]) -> Callable[[str, str], str]:
    """The toc extension's slugify as configured (its default when none is), with its separator.

    Heading links are resolved with it, so `[[#Überblick]]` gets the very id the page has.
    """
    from markdown.extensions.toc import slugify as default

    function = options.get("slugify")
    function = function if callable(function) else default
    separator = options.get("separator", "-")
    return function if separator == "-" else _with_separator(function, str(separator))


def configured_slugify(options: dict[str, Any]) -> Callable[[str, str], str] | None:
    """`toc_slugify`, or None when the toc extension's default applies (Lemma's built-in copy
    of that rule then makes the same ids without importing Markdown)."""
    if options.get("slugify") is None and options.get("separator", "-") == "-":
        return None
    return toc_slugify(options)


@lru_cache(maxsize=8)
def _with_separator(function: Callable[[str, str], str],
                    separator: str) -> Callable[[str, str], str]:
    """`function` with a fixed separator (cached: the same config gives the same callable)."""
    return lambda value, _separator: function(value, separator)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The options of the `lemma` entry of an mkdocs.yml `plugins:` list (or mapping)."""
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) and p else (p, None) for p in plugins or []
    )
    for name, options in entries:
        if name == "lemma":
            return dict(options or {})
    return {}


def read_project_config(directory: Path | None = None,
                        load: Callable[[Path], Any] | None = None) -> ProjectConfig:
    """Read `mkdocs.yml` in `directory` (default: the current one); `./notes` when there is none.

    `load(path)` parses the file; the CLI passes MkDocs' own loader (INHERIT, !ENV). Without
    it, a safe loader reads MkDocs' tags as plain values.
    """
    directory = directory or Path.cwd()
    config_file = directory / "mkdocs.yml"
    if not config_file.is_file():
        return ProjectConfig(directory / "notes")
    import yaml  # only when there is a file: a vault without one starts a command faster

    try:
        data = (load or _safe_load)(config_file) or {}
    except yaml.YAMLError as exc:
        raise LemmaError(f"{config_file}: not valid YAML: {exc}", exit_code=2) from None
    except (OSError, ValueError, LookupError) as exc:  # MkDocs' loader: a missing INHERIT file…
        raise LemmaError(f"{config_file}: {exc}", exit_code=2) from None
    if not isinstance(data, dict):
        raise LemmaError(f"{config_file}: expected a mapping of settings", exit_code=2)
    notes_dir = directory / str(data.get("docs_dir", "docs"))
    site = {k: data[k] for k in SITE_KEYS if k in data}
    return ProjectConfig(notes_dir, plugin_options(data.get("plugins")), config_file,
                         extension_options(data.get("markdown_extensions"), "toc"), site)


#: The site-wide settings of mkdocs.yml that `lemma site prepare` reads.
SITE_KEYS = ("site_name", "site_url", "use_directory_urls", "site_dir")


def _safe_load(config_file: Path) -> Any:
    """A safe load that reads MkDocs' `!!python/name:` and `!ENV` tags as plain values."""
    import yaml

    class TolerantLoader(yaml.SafeLoader):
        pass

    def ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)  # type: ignore[arg-type]

    TolerantLoader.add_multi_constructor("", ignore_tag)
    return yaml.load(config_file.read_text(encoding="utf-8"), Loader=TolerantLoader)
