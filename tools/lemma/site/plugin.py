"""The `lemma` MkDocs plugin: a thin adapter whose event handlers delegate to the render modules.

Build order: config (extensions, theme, assets) -> files (vault, graph, checks, generated pages,
navigation) -> each page's Markdown (derivations, wikilinks) -> its HTML (card, sections,
extension HTML, backlinks) -> extra output files.
"""

from __future__ import annotations

import logging
import os
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..config import configured_slugify
from ..links import strip_comments
from ..macros import expand_macros, macros_script
from ..model import Severity
from ..vault import IGNORED_FOLDERS
from ..vault_fs import NoteFileError, max_bytes_option, read_note_text
from . import docs_files, feed, indexes, math, obsidian_markdown, render_derivations, render_notes
from .config import LemmaPluginConfig
from .extensions import ASSETS, ASSETS_URL, Extensions, asset_files, load_extensions, page_assets
from .macros_site import MACROS_JS, site_macros
from .markdown_guard import defuse_unclosed
from .render_citations import load_site_bibliography, references_for
from .render_links import LinkRenderer
from .search_words import cjk_separator, with_folded_words
from .state import SiteState, log_problem
from .tag_pages import TAGS_INDEX

log = logging.getLogger("mkdocs.plugins.lemma")
LINK_CODES = frozenset({"broken-link", "ambiguous-link", "missing-heading", "missing-attachment"})
REJECTED_FRONTMATTER = frozenset({"frontmatter-invalid", "frontmatter-too-large"})
NAV_ORDER = ("index.md", "papers/index.md", "papers/authors.md", "takes/index.md",
             "concepts/index.md", "digests/index.md", "notes.md", "tags/index.md")


class LemmaPlugin(BasePlugin[LemmaPluginConfig]):
    """Turns the vault in `docs_dir` into a site; state survives `mkdocs serve` rebuilds."""

    def __init__(self) -> None:
        self.state: SiteState | None = None
        self.extensions: Extensions = load_extensions()
        self.generated: dict[str, tuple[str, str]] = {}
        self.urls: dict[str, str] = {}
        self.link_problems: dict[str, dict[Any, str]] = {}
        self.pages_dir = Path(".lemma-cache/site-pages")
        self.templates = MemoryBytecodeCache()
        self.active_index: Page | None = None
        self.bibliography: Any = None  # lemma.bibliography.Bibliography, read by on_config
        self.cited: Any = None  # lemma.citations.Citations of the current vault
        self.macros: dict[str, str] = {}  # katex_macros, read by on_config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance (and its caches) across serve rebuilds."""
        if command == "serve" and not dirty:
            log.info("lemma: 'mkdocs serve --dirty' re-renders only the edited note "
                     "(under a second); a plain 'serve' rebuilds every page")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        math.add_extensions(config.markdown_extensions, config.mdx_configs)
        obsidian_markdown.add_extensions(config.markdown_extensions, config.mdx_configs)
        theme = config.theme
        if theme.name == "material":
            features = theme.setdefault("features", [])
            if "navigation.prune" not in features:
                features.append("navigation.prune")  # keeps every page's sidebar small
            theme["font"] = False  # no Google Fonts: the site works offline
        css, js = page_assets()
        self.macros = site_macros(self.config.katex_macros, js)
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
        self.bibliography = load_site_bibliography(self.config.bibliography, base,
                                                   base / self.config.cache_dir)
        cjk_separator(config.plugins)
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
        self.generated = self._generated_pages(state)
        for path, (_, markdown) in self.generated.items():
            if files.get_file_from_path(path) is None:
                source = write_if_changed(self.pages_dir / path, markdown)
                files.append(File.generated(config, path, abs_src_path=str(source)))
        for rel in asset_files():
            files.append(File.generated(config, f"{ASSETS_URL}/{rel}",
                                        abs_src_path=str(ASSETS / rel)))
        if self.macros:  # the katex_macros, read by lemma.js (see site_macros)
            files.append(File.generated(config, MACROS_JS, content=macros_script(self.macros)))
        if self.config.nav and config.nav is None:
            config.nav = self._navigation()
            for f in files.documentation_pages():
                if f.src_uri not in NAV_ORDER and (f.src_uri not in self.generated
                                                   or _tag_page(f.src_uri)):
                    f.inclusion = InclusionLevel.NOT_IN_NAV
        self.urls = state.urls = {f.src_uri: f.url for f in files.documentation_pages()}
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
        note = state.vault.notes.get(page.file.src_uri) if state.vault else None
        if note is None:
            return markdown
        def html_url(target: str) -> str | None:  # pages, and attachments (copied as they are)
            url = self._url(target, page)
            if url is None and target in state.vault.attachments:
                url = get_relative_url(quote(target), page.url)
            return url
        tags_page = TAGS_INDEX if TAGS_INDEX in self.urls else None
        renderer = LinkRenderer(state.vault, log_problem, self.link_problems.get(note.path, {}),
                                prepare=self._derivations, html_url=html_url, tags_page=tags_page,
                                citations=self._citations(state))
        if markdown != note.body and markdown.strip() == note.body.strip():
            markdown = note.body  # MkDocs drops blank lines after the frontmatter: keep lines
        markdown = strip_comments(markdown)  # %%private remarks%% never reach the page
        markdown = self._derivations(markdown, note, note.body_line)
        markdown = renderer.render(markdown, note, note.body_line)
        markdown += references_for(note, renderer.citations, html_url)
        markdown = obsidian_markdown.obsidian_markdown(markdown)
        markdown = math.separate_display_math(render_notes.separate_lists(markdown))
        return defuse_unclosed(markdown)  # Python-Markdown rescans from each unclosed opener

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
            return html
        def url_of(target: str) -> str | None:
            return self._url(target, page)
        card = render_notes.header_card(note, url_of)
        content = obsidian_markdown.unique_ids(render_notes.style_sections(html))
        content = with_folded_words(content)  # `uberblick` finds `Überblick` in the search
        parts = list(render_notes.place_card(card, content))
        parts += [hook(state, path, page.url) for hook in self.extensions.page_html]
        if self.config.backlinks:
            backlinks = state.backlinks(path)
            kinds = {b.source: state.vault.notes[b.source].kind for b in backlinks
                     if b.source in state.vault.notes}
            parts.append(render_notes.backlinks_html(backlinks, url_of, kinds))
        expand = partial(expand_macros, macros=self.macros) if self.macros else None
        return math.searchable_math("".join(parts), expand)

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
        return output

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        docs_files.watch_without_following_links(server, config.docs_dir)
        return server

    def on_build_error(self, *, error: Exception) -> None:
        docs_files.uninstall()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        docs_files.uninstall()
        state = self._state()
        site_dir = Path(config.site_dir)
        if self.config.indexes and state.vault is not None:
            text = feed.atom(state.vault, self.urls, config.site_name, config.site_url or "")
            (site_dir / feed.FEED).write_text(text, encoding="utf-8")
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
        for hook in self.extensions.pages:
            pages.update(hook(state))
        return pages

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


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory across `mkdocs serve` rebuilds."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def write_if_changed(path: Path, text: str) -> Path:
    """Write a generated page's source only when it changed, so `serve --dirty` skips it."""
    data = text.encode("utf-8")
    if not (path.is_file() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


def same(a: Any, b: Any) -> bool:
    """Whether two slugify callables are the same configuration (each load makes new partials)."""
    if isinstance(a, partial) and isinstance(b, partial):
        return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
    return a == b


def _tag_page(path: str) -> bool:
    """A generated page of one tag (listed on the tags index, not in the navigation)."""
    return path.startswith("tags/") and path != "tags/index.md"


def _message(d: Any) -> str:
    return f"{d.code}: {d.message}" + (f" ({d.hint})" if d.hint else "")
