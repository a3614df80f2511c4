"""The `lemma` MkDocs plugin: a thin adapter whose event handlers delegate to the render modules.

Build order: config (extensions, theme, assets) -> files (vault, graph, checks, generated pages,
navigation) -> each page's Markdown (derivations, wikilinks) -> its HTML (card, sections,
extension HTML, backlinks) -> extra output files.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..bases.base import Base
from ..bibliography_cache import project_bibliography
from ..canvas import Canvas, canvas_note
from ..config import configured_slugify
from ..links import strip_comments
from ..model import Severity, SourcePos
from ..vault import IGNORED_FOLDERS
from ..vault_fs import NoteFileError, max_bytes_option, read_note_text
from . import (
    base_pages,
    canvas_pages,
    docs_files,
    feed,
    file_dates,
    indexes,
    locations,
    math,
    obsidian_markdown,
    render_derivations,
    render_notes,
    safe_urls,
    search_repair,
    vault_pages,
)
from .config import LemmaPluginConfig
from .extensions import ASSETS, ASSETS_URL, Extensions, asset_files, load_extensions, page_assets
from .fragments import Fragments, FragmentsExtension
from .katex_fonts import write_fonts
from .macros_site import site_macros
from .markdown_guard import defuse_unclosed
from .obsidian_lists import normalise_lists
from .page_toc import phone_toc
from .plugin_support import MemoryBytecodeCache, escape_title, same, write_if_changed
from .render_citations import references_for
from .render_links import PAGED, LinkRenderer
from .search_defer import defer_search_index
from .search_words import search_separator, with_folded_words
from .state import SiteState, log_problem
from .tag_pages import TAGS_INDEX
from .typeset import Typesetter, source_line, typeset_html

log = logging.getLogger("mkdocs.plugins.lemma")
LINK_CODES = frozenset({"broken-link", "ambiguous-link", "missing-heading", "missing-attachment"})
REJECTED_FRONTMATTER = frozenset({"frontmatter-invalid", "frontmatter-too-large"})
NAV_ORDER = ("index.md", "papers/index.md", "papers/authors.md", "takes/index.md",
             "concepts/index.md", "digests/index.md", "notes.md", "tags/index.md")


class LemmaPlugin(BasePlugin[LemmaPluginConfig]):
    """Turns the vault in `docs_dir` into a site; state survives `mkdocs serve` rebuilds."""

    def __init__(self) -> None:
        self.state: SiteState | None = None
        self.fragments = FragmentsExtension()
        self.extensions: Extensions = load_extensions()
        self.generated: dict[str, tuple[str, str]] = {}
        self.urls: dict[str, str] = {}
        self.link_problems: dict[str, dict[Any, str]] = {}
        self.pages_dir = Path(".lemma-cache/site-pages")
        self.templates = MemoryBytecodeCache()
        self.active_index: Page | None = None
        self.canvases: dict[str, Canvas] = {}
        self.bases: list[Base] = []
        self.home: str | None = None  # the vault's own home note, served at the site root
        self.plain = False  # every note is a plain note: no kind labels
        self.canvas_links: dict[str, list[str]] = {}  # note -> canvases showing it
        self.typesetter = Typesetter()  # KaTeX at build time; kept across serve rebuilds
        self.bibliography: Any = None  # lemma.bibliography.Bibliography, read by on_config
        self.cited: Any = None  # lemma.citations.Citations of the current vault
        self.macros: dict[str, str] = {}  # katex_macros, read by on_config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance (and its caches) across serve rebuilds."""
        self.dirty_serve = command == "serve" and dirty
        if command == "serve" and not dirty:
            log.info("lemma: 'mkdocs serve --dirty' re-renders only the pages an edit "
                     "changes; a plain 'serve' rebuilds every page")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        math.add_extensions(config.markdown_extensions, config.mdx_configs)
        obsidian_markdown.add_extensions(config.markdown_extensions, config.mdx_configs,
                                         self.config.strict_line_breaks)
        self.fragments = FragmentsExtension()  # the HTML of links, out of Markdown's rescans
        config.markdown_extensions.append(self.fragments)
        theme = config.theme
        if theme.name == "material":
            features = theme.setdefault("features", [])
            if "navigation.prune" not in features:
                features.append("navigation.prune")  # keeps every page's sidebar small
            theme["font"] = False  # no Google Fonts: the site works offline
        search_separator(config.plugins)
        search_repair.install(config.plugins, getattr(self, "dirty_serve", False))
        css, js = page_assets()
        self.macros = site_macros(self.config.katex_macros)
        self.typesetter.use_macros(self.macros)
        config.extra_css[:0] = [c for c in css if c not in config.extra_css]
        config.extra_javascript.extend(j for j in js if j not in config.extra_javascript)
        base = Path(config.config_file_path or ".").resolve().parent
        root = Path(config.docs_dir).resolve()
        cache_dir = base / self.config.cache_dir / "derive"
        self.pages_dir = base / self.config.cache_dir / "site-pages"
        slugify = configured_slugify(config.mdx_configs.get("toc") or {})
        if self.state is None or self.state.root != root or not same(self.state.slugify, slugify):
            self.state = SiteState(root, cache_dir, self.config.check, self.config.jobs,
                                   self.config.time_box, slugify,
                                   max_bytes_option(self.config.max_note_size))
        self.bibliography = project_bibliography(self.config.bibliography, base,
                                                 base / self.config.cache_dir)
        self.cited = None
        docs_files.install()  # no endless walk through a symlink loop, no FIFO read
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        state = self._state()
        state.refresh()
        epoch, odd = state.epoch()
        if odd is not None:
            log_problem(odd.pos, _message(odd))
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))
        self._report_vault_problems(state)
        for problem in self.bibliography.problems if self.bibliography else ():
            if problem.severity is Severity.ERROR:
                log_problem(problem.pos, _message(problem))
        assert state.vault is not None
        for path in state.vault.skipped:  # reported above; MkDocs must not read them
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
        self.home = locations.home_note(state.vault, self.config.home)
        self.plain = locations.all_plain(state.vault.notes)
        self.generated = self._generated_pages(state)
        vault_pages.report_bases(self.bases)
        for path, (_, markdown) in self.generated.items():
            if files.get_file_from_path(path) is None:
                source = write_if_changed(self.pages_dir / path, markdown)
                files.append(File.generated(config, path, abs_src_path=str(source)))
        for rel in asset_files():
            files.append(File.generated(config, f"{ASSETS_URL}/{rel}",
                                        abs_src_path=str(ASSETS / rel)))
        locations.place_pages(state.vault, files, self.home, log.warning)
        if self.config.nav and config.nav is None:
            config.nav = self._arrange_navigation(state, files)
        self.urls = state.urls = {f.src_uri: f.url for f in files.documentation_pages()}
        if self.home is not None and self.home in self.urls:
            self.urls.setdefault(indexes.HOME, self.urls[self.home])  # "Home" links go there
        for path in self.canvases:  # the graph's canvas nodes point at the canvas pages
            if (url := self.urls.get(canvas_pages.page_path(path))) is not None:
                self.urls[path] = url
        for f in files.documentation_pages():  # `serve --dirty`: every page the edit changes
            if state.affected is None or f.src_uri in state.affected:
                f.is_modified = _modified  # type: ignore[method-assign]
        return files

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        env.bytecode_cache = self.templates  # serve rebuilds skip recompiling the theme
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A note's source, read by the vault's one safe reader (never a FIFO, never past the
        size limit); a note whose frontmatter the vault rejected (invalid, an alias bomb) is
        built from its body alone, so that text never reaches MkDocs' YAML reader or Markdown."""
        state = self._state()
        path = page.file.src_uri
        note = state.vault.notes.get(path) if state.vault else None
        if note is None:
            return None
        if any(d.code in REJECTED_FRONTMATTER for d in state.vault.problems_of(path)):
            return note.body
        try:
            return read_note_text(state.root, path, state.max_bytes)
        except NoteFileError:  # changed since the vault read it: show what the vault read
            return note.body

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        state = self._state()
        self.fragments.current = fragments = Fragments()
        note = state.vault.notes.get(page.file.src_uri) if state.vault else None
        escape_title(page, note)
        canvas = self.canvases.get(page.file.src_uri.removesuffix(".md"))
        if canvas is not None:
            note = canvas_note(canvas)  # its links render (and resolve) like a note's
        if note is None:
            return markdown
        def html_url(target: str) -> str | None:  # pages, and attachments (copied as they are)
            url = self._url(target + (".md" if target.endswith(PAGED) else ""), page)
            if url is None and target in state.vault.attachments:
                url = get_relative_url(quote(target), page.url)
            return url
        tags_page = TAGS_INDEX if TAGS_INDEX in self.urls else None
        renderer = LinkRenderer(state.vault, log_problem, self.link_problems.get(note.path, {}),
                                prepare=self._derivations, html_url=html_url, tags_page=tags_page,
                                fragments=fragments, citations=self._citations(state))
        if markdown != note.body and markdown.strip() == note.body.strip():
            markdown = note.body  # MkDocs drops blank lines after the frontmatter: keep lines
        markdown = strip_comments(markdown)  # %%private remarks%% never reach the page
        markdown = self._derivations(markdown, note, note.body_line)
        markdown = renderer.render(markdown, note, note.body_line)
        markdown += references_for(note, renderer.citations, html_url)
        markdown = math.guard_math_brackets(markdown)
        markdown = obsidian_markdown.obsidian_markdown(markdown)
        markdown = math.separate_display_math(normalise_lists(markdown))
        return defuse_unclosed(markdown, fragments)  # Markdown rescans from unclosed openers

    def _derivations(self, markdown: str, note: Any, first_line: int) -> str:
        """`markdown` (text of `note` from file line `first_line`) with derivations rendered."""
        if "derivation" not in markdown:
            return markdown
        state = self._state()
        problems = {d.pos.line: d.message for d in state.syntax.get(note.path, [])}
        return render_derivations.render_blocks(
            markdown, first_line, state.derivations.get(note.path, []),
            state.results_of(note.path), problems)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        state = self._state()
        path = page.file.src_uri
        note = state.vault.notes.get(path) if state.vault else None
        if note is None:
            return self._typeset(html, path)
        def url_of(target: str) -> str | None:
            return self._url(target, page)
        card = render_notes.header_card(note, url_of, self.plain) + phone_toc(page.toc)
        content = obsidian_markdown.unique_ids(render_notes.style_sections(html))
        content = render_notes.with_card_words(content, note)
        content = with_folded_words(content)  # `uberblick` finds `Überblick` in the search
        parts = list(render_notes.place_card(card, content))
        parts += [hook(state, path, page.url) for hook in self.extensions.page_html]
        if self.config.backlinks:
            backlinks = state.backlinks(path)
            backlinks += canvas_pages.canvas_backlinks(self.canvas_links, self.canvases, path)
            kinds = {b.source: state.vault.notes[b.source].kind for b in backlinks
                     if b.source in state.vault.notes}
            parts.append(render_notes.backlinks_html(backlinks, url_of, kinds, not self.plain))
        content, removed = safe_urls.neutralise_urls(self._typeset("".join(parts), path))
        for url in removed:
            log.warning("%s: a link to '%s' was removed (it would run script)", path, url[:80])
        return content

    def _typeset(self, html: str, path: str) -> str:
        """The page's formulas typeset; TeX that KaTeX rejects is reported at its note line."""
        def report(latex: str, error: str) -> None:
            note = self._state().vault.notes.get(path) if self._state().vault else None
            line = source_line(note.body, note.body_line, latex) if note else 1
            log_problem(SourcePos(path, line), f"KaTeX cannot typeset ${latex}$: {error}")
        return typeset_html(html, self.typesetter, report)

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        """A note's page (not itself in the nav) marks its kind's index as the active item, a
        tag's page the tags index."""
        state = self._state()
        note = state.vault.notes.get(page.file.src_uri) if state.vault else None
        index = render_notes.KIND_INDEX.get(note.kind) if note is not None else None
        if _tag_page(page.file.src_uri):
            index = "tags/index.md"
        if index:
            for item in nav.pages:
                if item.file.src_uri == index and item is not page:
                    item.active = True
                    self.active_index = item
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.active_index is not None:
            self.active_index.active = False
            self.active_index = None
        if self.config.indexes:  # feed readers find the Atom feed from any page
            href = get_relative_url(feed.FEED, page.url)
            link = (f'<link rel="alternate" type="application/atom+xml" '
                    f'title="Recent notes" href="{href}">')
            output = output.replace("</head>", link + "</head>", 1)
        return defer_search_index(output)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        docs_files.watch_without_following_links(server, config.docs_dir)
        return server

    def on_build_error(self, *, error: Exception) -> None:
        docs_files.uninstall()
        self.typesetter.close()
        from .build_errors import abort_for

        if (abort := abort_for(error)) is not None:
            raise abort from None  # one line instead of MkDocs' traceback

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        docs_files.uninstall()
        self.typesetter.close()
        state = self._state()
        site_dir = Path(config.site_dir)
        write_fonts(site_dir, self.typesetter, self.pages_dir.parent / "katex-fonts",
                    partial=state.affected is not None)
        if self.config.indexes and state.vault is not None:
            undated = [n.path for n in state.vault if feed.dated(n) is None]
            times = {} if self.config.file_dates == "off" or not undated else \
                file_dates.last_changed(state.root, undated, self.config.file_dates == "mtime")
            if len(times) < len(undated):
                log.info("feed.xml: %d notes have no date (frontmatter date, or a git commit "
                         "when the vault is in a repository; file_dates: mtime uses file "
                         "times)", len(undated) - len(times))
            built = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
            text = feed.atom(state.vault, self.urls, config.site_name, config.site_url or "",
                             file_times=times, built=built)
            (site_dir / feed.FEED).write_text(text, encoding="utf-8")
        if state.vault is not None:
            taken = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")}
            for rel, text in locations.redirect_pages(state.vault, self.urls, taken,
                                                      config.use_directory_urls).items():
                out = site_dir / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
        for hook in self.extensions.files:
            for rel, content in sorted(hook(state).items()):
                out = site_dir / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                data = content.encode("utf-8") if isinstance(content, str) else content
                out.write_bytes(data)

    # helpers -------------------------------------------------------------------------------

    def _state(self) -> SiteState:
        if self.state is None:
            raise RuntimeError("the lemma plugin was used before on_config")
        return self.state

    def _citations(self, state: SiteState) -> Any:  # Citations
        """The public vault's citations against the bibliography read by `on_config`."""
        from ..citations import Citations

        if self.cited is None or self.cited.vault is not state.vault:
            self.cited = Citations(state.vault, self.bibliography)
        return self.cited

    def _url(self, target: str, page: Page) -> str | None:
        url = self.urls.get(target)
        return None if url is None else get_relative_url(url, page.url)

    def _generated_pages(self, state: SiteState) -> dict[str, tuple[str, str]]:
        pages: dict[str, tuple[str, str]] = {}
        if self.config.indexes and state.vault is not None:
            data = indexes.IndexInput(state.vault, state.usage(), state.all_results(),
                                      self.config.intro, self.config.recent)
            pages.update(indexes.generate_pages(data))
            if self.home is not None:
                pages.pop(indexes.HOME, None)  # the vault's own home note is the root page
        for hook in self.extensions.pages:
            pages.update(hook(state))
        for path, canvas in self.canvases.items():
            pages[canvas_pages.page_path(path)] = canvas_pages.canvas_page(canvas)
        if self.bases and state.vault is not None:
            pages.update(base_pages.bases_pages(self.bases, state.vault, state.epoch()[0]))
        return pages

    def _arrange_navigation(self, state: SiteState, files: Files) -> list[Any]:
        """By kind for a typed vault (a nav of constant size), else the vault's folder tree."""
        assert state.vault is not None
        mode = self.config.navigation
        if mode == "auto":
            mode = "folders" if locations.all_plain(state.vault.notes) else "kinds"
        if mode == "kinds":
            for f in files.documentation_pages():
                if f.src_uri not in NAV_ORDER and (f.src_uri not in self.generated
                                                   or _tag_page(f.src_uri)):
                    f.inclusion = InclusionLevel.NOT_IN_NAV
            return self._navigation()
        home = self.home or indexes.HOME
        extra = {canvas_pages.page_path(p): c.title for p, c in self.canvases.items()}
        extra.update({base_pages.page_path(b.path): b.title for b in self.bases})
        titles = locations.note_titles(state.vault, extra)
        titles = {p: t for p, t in titles.items() if p != home and files.get_file_from_path(p)}
        tail = [p for p in NAV_ORDER[1:] if p in self.generated and p != "notes.md"]
        tail += sorted(p for p in self.generated if p not in NAV_ORDER and not _tag_page(p)
                       and p not in titles)
        for f in files.documentation_pages():
            if _tag_page(f.src_uri) or f.src_uri == "notes.md":
                f.inclusion = InclusionLevel.NOT_IN_NAV
        first = [{"Home": home}] if files.get_file_from_path(home) else []
        return first + locations.folder_nav(titles) + [{self.generated[p][0]: p} for p in tail]

    def _navigation(self) -> list[Any]:
        """Home, then the kind indexes, then extension pages: a nav of constant size."""
        order = [p for p in NAV_ORDER if p in self.generated]
        order += sorted(p for p in self.generated if p not in NAV_ORDER and not _tag_page(p))
        return [{self.generated[p][0]: p} for p in order]

    def _index_link_problems(self, state: SiteState) -> None:
        """The vault's link diagnostics by note, so each page finds its own in O(1)."""
        assert state.vault is not None
        self.link_problems = {}
        for d in state.vault.diagnostics:
            if d.code in LINK_CODES:
                self.link_problems.setdefault(d.pos.path, {})[d.pos] = _message(d)

    def _report_vault_problems(self, state: SiteState) -> None:
        """Vault errors other than links (those are reported where the page renders them)."""
        assert state.vault is not None
        for d in state.vault.diagnostics:
            if d.code == "private-link":  # reported, not fatal: the site shows plain text
                log_problem(d.pos, _message(d), log.info)
            elif d.severity is Severity.ERROR and d.code not in LINK_CODES:
                log_problem(d.pos, _message(d))
        for problems in state.syntax.values():
            for d in problems:
                log_problem(d.pos, _message(d))
        for pos, message in render_derivations.unexpected_failures(state.all_results()):
            log_problem(pos, message)


def _modified() -> bool:
    return True


def _tag_page(path: str) -> bool:
    """A generated page of one tag (listed on the tags index, not in the navigation)."""
    return path.startswith("tags/") and path != "tags/index.md"


def _message(d: Any) -> str:
    return f"{d.code}: {d.message}" + (f" ({d.hint})" if d.hint else "")
