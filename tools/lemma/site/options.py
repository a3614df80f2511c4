"""The site's options as plain data: the `lemma` block of mkdocs.yml, read by the MkDocs plugin
(typed by `plugin_config`), by `lemma site prepare` and by the Markdown extension alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_INTRO = (
    "A researcher's knowledge base: paper notes, quick takes, concepts and digests, linked into "
    "a concept graph. Derivations inside the notes are checked by a computer algebra system, "
    "and every calculation below shows what was checked."
)


@dataclass
class SiteOptions:
    """Every option of the site with its default (see `plugin_config` for what each does)."""

    intro: str = DEFAULT_INTRO
    recent: int = 12
    backlinks: bool = True
    indexes: bool = True
    nav: bool = True
    navigation: str = "auto"
    home: str = ""
    strict_line_breaks: bool = False
    file_dates: str = "git"
    bibliography: str | list[str] = field(default_factory=list)
    katex_macros: dict[str, str] = field(default_factory=dict)
    check: bool = True
    jobs: int = 1
    cache_dir: str = ".lemma-cache"
    time_box: float = 10.0
    max_note_size: int | float = 5

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SiteOptions:
        """The options named in `data` (e.g. the plugin's config); unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})
