"""What every page of one build shares, whatever engine builds it: the vault and its graph (a
`SiteState`, kept across `serve` rebuilds), the generated pages, canvases and bases, each page's
link problems, the site's URLs, the typesetter and the citations.

`SiteContext.configure` reads the options; `SiteContext.prepare(files)` refreshes the vault and
works out what is published: it takes the private and skipped files out of `files` (MkDocs'
`Files` or a `SiteFiles`) and returns the generated pages to add. Nothing here imports MkDocs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..bases.base import Base
from ..bibliography_cache import project_bibliography
from ..canvas import Canvas
from ..model import Severity
from ..vault import IGNORED_FOLDERS
from ..vault_fs import NoteFileError, max_bytes_option, read_note_text
from . import base_pages, canvas_pages, indexes, locations, render_derivations, vault_pages
from .extensions import Extensions, load_extensions
from .macros_site import site_macros
from .options import SiteOptions
from .plugin_support import same
from .render_links import PAGED
from .state import SiteState, log_problem
from .tag_pages import TAGS_INDEX
from .typeset import Typesetter
from .urls import relative_url

log = logging.getLogger("mkdocs.plugins.lemma")
REJECTED_FRONTMATTER = frozenset({"frontmatter-invalid", "frontmatter-too-large"})
LINK_CODES = frozenset({"broken-link", "ambiguous-link", "missing-heading", "missing-attachment"})


class SiteContext:
    """One site's shared data; configure once per build, prepare once per build."""

    def __init__(self) -> None:
        self.options = SiteOptions()
        self.state: SiteState | None = None
        self.extensions: Extensions = load_extensions()
        self.generated: dict[str, tuple[str, str]] = {}  # path -> (nav title, Markdown)
        self.regenerated: set[str] = set()  # generated pages that changed in the last prepare
        self.indexes_later = False  # the last prepare kept the generated pages of the one before
        self.urls: dict[str, str] = {}  # vault path -> site URL of every page of this build
        self.link_problems: dict[str, dict[Any, str]] = {}
        self.canvases: dict[str, Canvas] = {}
        self.canvas_links: dict[str, list[str]] = {}  # note -> canvases showing it
        self.bases: list[Base] = []
        self.home: str | None = None  # the vault's own home note, served at the site root
        self.plain = False  # every note is a plain note: no kind labels
        self.typesetter = Typesetter()  # KaTeX at build time; kept across serve rebuilds
        self.bibliography: Any = None  # lemma.bibliography.Bibliography
        self.cited: Any = None  # lemma.citations.Citations of the current vault
        self.macros: dict[str, str] = {}
        self._indexes: tuple[Any, dict[str, tuple[str, str]]] | None = None  # (key, pages)
        self._shown_by_all: Any = None  # what every page shows, at the last build

    def configure(self, options: SiteOptions, root: Path, base: Path,
                  slugify: Callable[..., str] | None) -> None:
        """Use `options` for the vault at `root` (`base`: the folder of mkdocs.yml)."""
        self.options = options
        self.macros = site_macros(options.katex_macros)
        self.typesetter.use_macros(self.macros)
        root = root.resolve()
        cache_dir = base / options.cache_dir / "derive"
        if self.state is None or self.state.root != root or not same(self.state.slugify, slugify):
            self.typesetter.forget_font_use()  # a new vault: its fonts follow its formulas only
            self.state = SiteState(root, cache_dir, options.check, options.jobs,
                                   options.time_box, slugify,
                                   max_bytes_option(options.max_note_size))
        self.bibliography = project_bibliography(options.bibliography, base,
                                                 base / options.cache_dir)
        self.cited = None

    @property
    def site_state(self) -> SiteState:
        if self.state is None:
            raise RuntimeError("the lemma site was used before it was configured")
        return self.state

    def prepare(self, files: Any, listing: Any = None,
                quick: bool = False) -> dict[str, tuple[str, str]]:
        """Refresh the vault, report its problems, drop what is not published from `files` and
        return the generated pages (path -> (nav title, Markdown)) the site adds (`listing`:
        the vault's `vault_fs.Listing` `files` was made from, so it is not listed twice).
        `quick`: a preview's build that shows the edited note first; when the edit changed
        a note's shape, the generated pages of the last build are kept for now
        (`indexes_later`) and made again by the next build."""
        state = self.site_state
        state.refresh(listing)
        epoch, odd = state.epoch()
        if odd is not None:
            log_problem(odd.pos, message(odd))
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))
        self._report_vault_problems(state)
        for problem in self.bibliography.problems if self.bibliography else ():
            if problem.severity is Severity.ERROR:
                log_problem(problem.pos, message(problem))
        assert state.vault is not None
        for path in state.vault.skipped:  # reported above; the engine must not read them
            if (skipped := files.get_file_from_path(path)) is not None:
                files.remove(skipped)
        self._index_link_problems(state)
        # publish: false / draft: true notes, and the attachments only they embed
        hidden = set(state.vault.private) | state.vault.private_attachments()
        for f in list(files):
            ignored = f.src_uri.split("/", 1)[0].lower() in IGNORED_FOLDERS and "/" in f.src_uri
            if ignored or f.src_uri in hidden:
                files.remove(f)
        self.canvases, self.canvas_links, self.bases = vault_pages.read(state.root, state.vault,
                                                                        files)
        vault_pages.add_canvas_edges(state.graph, self.canvas_links)
        self.home = locations.home_note(state.vault, self.options.home)
        self.plain = locations.all_plain(state.vault.notes)
        self.indexes_later = (quick and state.affected is not None and not state.shape_kept
                              and bool(self.generated))
        before = self.generated
        if self.indexes_later:
            self._indexes = None  # made from the notes before the edit: never reused
        else:
            self.generated = self._generated_pages(state)
        self.regenerated = {p for p, page in self.generated.items() if before.get(p) != page}
        vault_pages.report_bases(self.bases)
        return self.generated

    def set_urls(self, pages: Any) -> None:
        """Record each page's URL (`pages`: the site's documentation files, placed)."""
        self.urls = self.site_state.urls = {f.src_uri: f.url for f in pages}
        if self.home is not None and self.home in self.urls:
            self.urls.setdefault(indexes.HOME, self.urls[self.home])  # "Home" links go there
        for path in self.canvases:  # the graph's canvas nodes point at the canvas pages
            if (url := self.urls.get(canvas_pages.page_path(path))) is not None:
                self.urls[path] = url

    def stale_pages(self, engine_key: Any = None) -> set[str] | None:
        """The pages a `serve --dirty` rebuild renders (None: all of them): those the refresh
        found (`SiteState.affected`), the notes whose extension HTML (local graph) changed,
        and every page when something all pages show changed (`engine_key`: the engine's
        navigation and settings). Call once per build, after `set_urls`."""
        state = self.site_state
        shown_by_all = (engine_key, self.options, self.home, self.plain,
                        TAGS_INDEX in self.urls, repr(sorted(self.canvas_links.items())))
        full = state.affected is None or shown_by_all != self._shown_by_all
        self._shown_by_all = shown_by_all
        found = set(state.affected or ()) | self.regenerated
        for hook in self.extensions.changed:  # every hook, also to let it remember this build
            more = hook(state, full)
            full = full or more is None
            found |= more or set()
        return None if full else found

    def page_source(self, path: str) -> str | None:
        """A note's source, read by the vault's one safe reader (never a FIFO, never past the
        size limit); a note whose frontmatter the vault rejected (invalid, an alias bomb) is
        its body alone, so that text never reaches an engine's YAML reader. None: not a note."""
        state = self.site_state
        note = state.vault.notes.get(path) if state.vault else None
        if note is None:
            return None
        if any(d.code in REJECTED_FRONTMATTER for d in state.vault.problems_of(path)):
            return note.body
        try:
            return read_note_text(state.root, path, state.max_bytes)
        except NoteFileError:  # changed since the vault read it: show what the vault read
            return note.body

    def url(self, target: str, page_url: str) -> str | None:
        """The URL of page `target` (a vault path) relative to the page at `page_url`."""
        url = self.urls.get(target)
        return None if url is None else relative_url(url, page_url)

    def html_url(self, target: str, page_url: str) -> str | None:
        """`url`, also for attachments (copied as they are) and paged files (canvas, base)."""
        from urllib.parse import quote

        url = self.url(target + (".md" if target.endswith(PAGED) else ""), page_url)
        if url is None and target in self.site_state.vault.attachments:
            url = relative_url(quote(target), page_url)
        return url

    def citations(self) -> Any:  # Citations
        """The public vault's citations against the configured bibliography."""
        from ..citations import Citations

        state = self.site_state
        if self.cited is None or self.cited.vault is not state.vault:
            self.cited = Citations(state.vault, self.bibliography)
        return self.cited

    def close(self) -> None:
        """Stop the typesetter (started lazily by the first formula)."""
        self.typesetter.close()

    def _generated_pages(self, state: SiteState) -> dict[str, tuple[str, str]]:
        pages: dict[str, tuple[str, str]] = {}
        if self.options.indexes and state.vault is not None:
            pages.update(self._index_pages(state))
            if self.home is not None:
                pages.pop(indexes.HOME, None)  # the vault's own home note is the root page
        for hook in self.extensions.pages:
            pages.update(hook(state))
        for path, canvas in self.canvases.items():
            pages[canvas_pages.page_path(path)] = canvas_pages.canvas_page(canvas)
        if self.bases and state.vault is not None:
            pages.update(base_pages.bases_pages(self.bases, state.vault, state.epoch()[0]))
        return pages

    def _index_pages(self, state: SiteState) -> dict[str, tuple[str, str]]:
        """The home, kind, tag and notes index pages; an edit that kept every note's shape
        (title, tags, kind, frontmatter, link targets) and every checker result reuses them,
        which spares `serve --dirty` a pass over the whole vault."""
        key = (self.options.intro, self.options.recent, dict(state.results))
        if state.shape_kept and self._indexes is not None and _same_key(
                self._indexes[0], key):
            return self._indexes[1]
        data = indexes.IndexInput(state.vault, state.usage(), state.all_results(),
                                  self.options.intro, self.options.recent)
        self._indexes = (key, indexes.generate_pages(data))
        return self._indexes[1]

    def _index_link_problems(self, state: SiteState) -> None:
        """The vault's link diagnostics by note, so each page finds its own in O(1)."""
        assert state.vault is not None
        self.link_problems = {}
        for d in state.vault.diagnostics:
            if d.code in LINK_CODES:
                self.link_problems.setdefault(d.pos.path, {})[d.pos] = message(d)

    def _report_vault_problems(self, state: SiteState) -> None:
        """Vault errors other than links (those are reported where the page renders them)."""
        assert state.vault is not None
        for d in state.vault.diagnostics:
            if d.code == "private-link":  # reported, not fatal: the site shows plain text
                log_problem(d.pos, message(d), log.info)
            elif d.severity is Severity.ERROR and d.code not in LINK_CODES:
                log_problem(d.pos, message(d))
        for problems in state.syntax.values():
            for d in problems:
                log_problem(d.pos, message(d))
        for pos, text in render_derivations.unexpected_failures(state.all_results()):
            log_problem(pos, text)


def _same_key(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """The same options and the very same result objects (kept alive by the key: a re-checked
    derivation gets a new object, so identity says whether anything was checked again)."""
    if old[:2] != new[:2] or old[2].keys() != new[2].keys():
        return False
    return all(old[2][k] is r for k, r in new[2].items())


def message(d: Any) -> str:
    """A diagnostic as one log line: code, message and hint."""
    return f"{d.code}: {d.message}" + (f" ({d.hint})" if d.hint else "")
