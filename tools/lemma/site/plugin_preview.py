"""`mkdocs serve --dirty` as a preview: the edited note's page first, the rest in a second build,
and no per-page work by MkDocs for the pages a build leaves alone.

Which pages an edit changes comes from the engine-free layer (`SiteContext.stale_pages`,
`dirty.split`); this module maps that onto MkDocs with its public API only:

- a page is rendered or not by its `File.is_modified` (as `--dirty` itself decides);
- a build that leaves pages (or the site-wide files) to the next touches a file in a folder
  `serve` watches (`server.watch`), a second later, so `serve` runs that next build on its
  own once the browser has reloaded the edited page;
- the files of note pages the build does not render are left out of `Files` (`on_files`),
  so MkDocs makes no page object, canonical URL or sitemap entry for them; index pages, pages
  named by the navigation, the notes the rendered pages link to or embed (some links are
  left for MkDocs to resolve by file) and every other file stay (a build that renders an
  index page keeps every file: its links name notes by their files). The sitemap (which
  lists every page) is then not written: the one in the site stays, and a build whose pages
  differ from the ones that sitemap lists keeps every file and writes it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from . import dirty
from .context import SiteContext

SITEMAP = "sitemap.xml"
NEXT_BUILD_AFTER = 1.0  # seconds between a build that left work and the next build


class Preview:
    """What one `serve --dirty` session carries from build to build."""

    def __init__(self) -> None:
        self.on = False  # serving with --dirty
        self.pending: set[str] | None = set()  # pages left to the next build (None: all)
        self.outputs_later = False  # the site-wide files (graph data, feed) come next build
        self.next_build: Path | None = None  # touched to make `serve` build again (watched)
        self.sitemap_of: frozenset[str] | None = None  # the pages the site's sitemap lists
        self.early: set[str] = set()  # pages a build made before the ones it left (see plan)

    @property
    def deferred(self) -> bool:
        """Whether the last build left pages or site-wide files to the next one."""
        return self.pending is None or bool(self.pending) or self.outputs_later

    def plan(self, site: SiteContext, stale: set[str] | None
             ) -> tuple[set[str] | None, set[str] | None]:
        """(pages rendered in this build, pages left to the next; None: all): the edited
        notes' pages first, with the pages the build before left."""
        state = site.site_state
        if not self.on or state.affected is None or not state.changed:
            now, later = stale, set()  # nothing edited to show first: all now
        else:
            now, later = dirty.split(stale, state.changed)
        if self.pending is None or now is None:
            now, later = None, set()
        else:
            now |= self.pending | self.early
            later = None if later is None else later - now
        self.pending = later
        self.outputs_later = bool(later or later is None) or site.indexes_later or (
            self.on and state.affected is not None and not state.shape_kept)
        # pages shown first against the last build's index pages are made again with the new
        self.early = now if site.indexes_later and now is not None else set()
        return now, later

    def files(self, files: Files, documentation: list[File], config: MkDocsConfig,
              site: SiteContext, now: set[str] | None) -> Files:
        """`files` without the note pages this build leaves alone (see the module doc;
        `documentation`: the pages among `files`)."""
        pages = frozenset(f.src_uri for f in documentation)
        if not self.on or now is None or config.nav is None or now & site.generated.keys():
            self.sitemap_of = pages  # index pages link every note by its file: keep them all
            return files
        if pages != self.sitemap_of and not self.deferred:
            self.sitemap_of = pages  # the last build of an edit that added or removed pages
            return files
        keep = set(now) | set(site.generated) | set(nav_pages(config.nav)) | dirty.linked_pages(
            site.site_state.vault, now)
        config.theme.static_templates.discard(SITEMAP)
        left = {f.src_uri for f in documentation} - keep
        return Files([f for f in files if f.src_uri not in left])

    def watch(self, server: Any, folder: Path) -> None:
        """Let this plugin ask `serve` for another build (see `ask_next_build`)."""
        self.next_build = folder / "next-build"
        folder.mkdir(parents=True, exist_ok=True)
        server.watch(str(folder))

    def ask_next_build(self) -> None:
        """After a build that left work, ask `serve` for the next one, `NEXT_BUILD_AFTER`
        seconds later: while it builds, `serve` answers no request, and the browser reloading
        for this build should get the edited page and its assets first."""
        if self.deferred and self.next_build is not None:
            timer = threading.Timer(NEXT_BUILD_AFTER, self.next_build.write_text,
                                    (str(time.time_ns()),), {"encoding": "utf-8"})
            timer.daemon = True
            timer.start()

    def stop(self) -> None:
        """The end of `serve`: a later build in this process is not a preview's."""
        self.on, self.pending, self.outputs_later, self.sitemap_of = False, set(), False, None
        self.early = set()


def nav_pages(nav: Any) -> Iterable[str]:
    """The page paths a MkDocs `nav` setting names (titles and links left out)."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_pages(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_pages(item)


def modified(files: Iterable[File], now: set[str] | None, later: set[str] | None) -> None:
    """Mark the pages rendered now as modified and the ones left to later as not (the rest:
    as MkDocs decides, by file times)."""
    for f in files:
        if now is None or f.src_uri in now:
            f.is_modified = _modified  # type: ignore[method-assign]
        elif later is None or f.src_uri in later:
            f.is_modified = _unmodified  # type: ignore[method-assign]


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False
