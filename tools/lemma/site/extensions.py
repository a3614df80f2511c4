"""Extension points of the site: modules that add pages, output files and per-note HTML.

An extension is a module listed in `EXTENSIONS` (skipped while it does not exist). It may define
any of these functions; each gets the `SiteState` (`vault`, `graph`, derivation `results`,
`urls`: vault path -> site URL of every page in this build, `changed`: notes re-read by the
last refresh):

- `pages(state) -> dict[str, tuple[str, str]]`: vault path of a generated page -> (nav title,
  Markdown). The page is built like any other and listed in the navigation.
- `files(state) -> dict[str, str | bytes]`: site-relative output path -> content, written after
  the build (e.g. `assets/lemma/graph.json`); never loaded by note pages unless they ask.
- `page_html(state, note_path, page_url) -> str`: HTML placed after a note's content, before its
  backlinks (e.g. a local graph).
- `changed(state, full) -> set[str] | None`: called once per build after the URLs are known;
  the notes whose `page_html` now differs from what their page last showed (None: maybe every
  page). `full`: every page is rendered anyway (only remember the state).

Static assets go in `tools/lemma/site/assets/`: the folder is published as `assets/lemma/`, and
its top-level `*.css` / `*.js` files are included on every page (sorted by name).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger("mkdocs.plugins.lemma")

#: Modules that extend the site, in order (issue 6 adds the graph views here).
EXTENSIONS = ("lemma.site.graph_view",)
ASSETS = Path(__file__).parent / "assets"
ASSETS_URL = "assets/lemma"


@dataclass
class Extensions:
    """The extension functions found, grouped by hook."""

    pages: list[Callable[[Any], dict[str, tuple[str, str]]]] = field(default_factory=list)
    files: list[Callable[[Any], dict[str, str | bytes]]] = field(default_factory=list)
    page_html: list[Callable[[Any, str, str], str]] = field(default_factory=list)
    changed: list[Callable[[Any, bool], set[str] | None]] = field(default_factory=list)


def load_extensions(names: tuple[str, ...] = EXTENSIONS) -> Extensions:
    """Import the extension modules that exist and collect their hooks."""
    found = Extensions()
    for name in names:
        module = _import(name)
        if module is None:
            continue
        for hook in ("pages", "files", "page_html", "changed"):
            function = getattr(module, hook, None)
            if callable(function):
                getattr(found, hook).append(function)
    return found


def _import(name: str) -> ModuleType | None:
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    try:
        return importlib.import_module(name)
    except Exception as error:  # a broken extension is reported once, not as a traceback
        log.warning(f"lemma: the site extension {name} cannot be loaded ({type(error).__name__}: "
                    f"{error}); the site is built without it")
        return None


#: Assets used at build time only (KaTeX's script typesets formulas in the build, not in pages).
BUILD_ONLY = frozenset({"katex/katex.min.js"})


def asset_files() -> list[str]:
    """Every file under assets/ that pages use, as a path relative to it, sorted."""
    found = (p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("*") if p.is_file())
    return sorted(p for p in found if p not in BUILD_ONLY)


def page_assets() -> tuple[list[str], list[str]]:
    """(css, js) site paths included on every page: KaTeX's CSS first, then top-level assets
    (no KaTeX script: formulas are typeset when the site is built)."""
    top = sorted(p.name for p in ASSETS.iterdir() if p.is_file())
    css = [f"{ASSETS_URL}/katex/katex.min.css"] + [f"{ASSETS_URL}/{n}" for n in top
                                                  if n.endswith(".css")]
    js = [f"{ASSETS_URL}/{n}" for n in top if n.endswith(".js")]
    return css, js
