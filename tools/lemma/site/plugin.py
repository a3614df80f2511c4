"""The `lemma` MkDocs plugin: a thin shim over the engine-free site layer. The only module that
speaks MkDocs (with its helpers `plugin_config`, `plugin_files`, `plugin_errors`,
`plugin_preview`, `plugin_search_repair`).

What it maps: `on_config` -> the options, the Markdown extensions (`lemma.site.markdown` renders
every page) and an empty staging `docs_dir`; `on_files` -> the vault's files plus
`SiteContext.prepare` (generated pages), the navigation and, under `serve --dirty`, the pages
this build renders (`plugin_preview`); each page -> which page the Markdown extension is
converting; `on_post_build` -> `outputs.site_outputs` (feed, graph data, redirects).
No MkDocs internals are patched.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..config import configured_slugify
from . import (
    locations,
    math,
    navigation,
    obsidian_markdown,
    plugin_files,
    plugin_preview,
    plugin_search_repair,
    render_notes,
)
from .context import SiteContext
from .extensions import ASSETS, ASSETS_URL, asset_files, page_assets
from .katex_fonts import write_fonts
from .markdown import LemmaExtension
from .options import SiteOptions
from .outputs import SiteInfo, feed_link, site_outputs
from .page_render import PageRef
from .plugin_config import LemmaPluginConfig
from .plugin_support import MemoryBytecodeCache, escape_title, remove_stale, write_if_changed
from .search_defer import defer_search_index
from .search_words import search_separator

log = logging.getLogger("mkdocs.plugins.lemma")


class LemmaPlugin(BasePlugin[LemmaPluginConfig]):
    """Turns the vault in `docs_dir` into a site; its `SiteContext` survives `serve` rebuilds."""

    def __init__(self) -> None:
        self.site = SiteContext()
        self.markdown = LemmaExtension(site=self.site)
        self.root = Path("notes")  # the vault (MkDocs' docs_dir is a staging folder)
        self.pages_dir = Path(".lemma-cache/site-pages")
        self.templates = MemoryBytecodeCache()
        self.active_index: Page | None = None
        self.taken: set[str] = set()  # the HTML files of this build, which redirects leave be
        # the HTML files (pages, redirects) of the last build, relative to its site folder
        self.written: tuple[Path, set[str]] | None = None
        self.preview = plugin_preview.Preview()  # `serve --dirty` from build to build

    @property
    def state(self) -> Any:  # SiteState | None
        """The vault, graph and checker results, kept across `serve` rebuilds."""
        return self.site.state

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance (and its caches) across serve rebuilds."""
        self.preview.on = command == "serve" and dirty
        if command == "serve" and not dirty:
            log.info("lemma: 'mkdocs serve --dirty' re-renders only the pages an edit "
                     "changes; a plain 'serve' rebuilds every page")

    def on_shutdown(self) -> None:
        self.preview.stop()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        math.add_extensions(config.markdown_extensions, config.mdx_configs)
        obsidian_markdown.add_extensions(config.markdown_extensions, config.mdx_configs,
                                         self.config.strict_line_breaks)
        self.markdown = LemmaExtension(site=self.site)  # renders every page
        config.markdown_extensions.append(self.markdown)
        theme = config.theme
        if theme.name == "material":
            features = theme.setdefault("features", [])
            if "navigation.prune" not in features:
                features.append("navigation.prune")  # keeps every page's sidebar small
            theme["font"] = False  # no Google Fonts: the site works offline
        search_separator(config.plugins)
        plugin_search_repair.install(config.plugins, self.preview.on)
        css, js = page_assets()
        config.extra_css[:0] = [c for c in css if c not in config.extra_css]
        config.extra_javascript.extend(j for j in js if j not in config.extra_javascript)
        base = Path(config.config_file_path or ".").resolve().parent
        self.root = Path(config.docs_dir).resolve()
        self.pages_dir = base / self.config.cache_dir / "site-pages"
        slugify = configured_slugify(config.mdx_configs.get("toc") or {})
        self.site.configure(SiteOptions.from_mapping(dict(self.config)), self.root, base, slugify)
        # MkDocs walks docs_dir following symlinked folders (endlessly, for a loop) and lists
        # FIFOs: it gets an empty folder, and on_files adds the vault's files as Lemma lists them
        config.docs_dir = str(plugin_files.staging_folder(base / self.config.cache_dir))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        vault, listing = plugin_files.vault_files(config, str(self.root))
        files = Files([*vault, *files])
        generated = self.site.prepare(files, listing, quick=self.preview.on)
        for path, (_, markdown) in generated.items():
            if files.get_file_from_path(path) is None:
                source = write_if_changed(self.pages_dir / path, markdown)
                files.append(File.generated(config, path, abs_src_path=str(source)))
        for rel in asset_files():
            files.append(File.generated(config, f"{ASSETS_URL}/{rel}",
                                        abs_src_path=str(ASSETS / rel)))
        state = self.site.site_state
        locations.place_pages(state.vault, files, self.site.home, log.warning)
        pages = files.documentation_pages()  # once: each call looks at every file
        if self.config.nav and config.nav is None:
            config.nav, hidden = navigation.arrange(self.site, [f.src_uri for f in pages])
            for f in pages:
                if f.src_uri in hidden:
                    f.inclusion = InclusionLevel.NOT_IN_NAV
        self.site.set_urls(pages)
        self.taken = {f.dest_uri for f in pages if f.dest_uri.endswith(".html")}
        self.taken.update(f.dest_uri for f in files if f.src_uri.endswith(".html"))
        self.taken.update(t for t in config.theme.static_templates if t.endswith(".html"))
        now, later = self.preview.plan(self.site,
                                       self.site.stale_pages(_shown_by_all(config, pages, state)))
        plugin_search_repair.remember_order(pages)  # every page, before some are left out
        plugin_preview.modified(pages, now, later)
        return self.preview.files(files, pages, config, self.site, now)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        env.bytecode_cache = self.templates  # serve rebuilds skip recompiling the theme
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A note's source as the vault read it safely (see `SiteContext.page_source`)."""
        return self.site.page_source(page.file.src_uri)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Tell the Markdown extension which page it converts next (it does the rest)."""
        state = self.site.site_state
        escape_title(page, state.vault.notes.get(page.file.src_uri) if state.vault else None)
        self.markdown.page = PageRef(page.file.src_uri, page.url)
        return markdown

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        """A note's page (not itself in the nav) marks its kind's index as the active item, a
        tag's page the tags index."""
        state = self.site.site_state
        note = state.vault.notes.get(page.file.src_uri) if state.vault else None
        index = render_notes.KIND_INDEX.get(note.kind) if note is not None else None
        if navigation.is_tag_page(page.file.src_uri):
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
            output = output.replace("</head>", feed_link(page.url) + "</head>", 1)
        return defer_search_index(output)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        plugin_files.watch_vault(server, config.docs_dir, str(self.root))
        self.preview.watch(server, self.pages_dir.parent / "serve")
        return server

    def on_build_error(self, *, error: Exception) -> None:
        self.site.close()
        from .plugin_errors import abort_for

        if (abort := abort_for(error)) is not None:
            raise abort from None  # one line instead of MkDocs' traceback

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.site.close()
        site_dir = Path(config.site_dir)
        write_fonts(site_dir, self.site.typesetter, self.pages_dir.parent / "katex-fonts",
                    partial=self.site.site_state.affected is not None)
        info = SiteInfo(config.site_name, config.site_url or "", config.use_directory_urls)
        written = set(self.taken)
        outputs = site_outputs(self.site, info, self.taken,
                               site_wide=not self.preview.outputs_later)
        for rel, content in outputs.items():
            out = site_dir / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            if out.suffix == ".html":
                written.add(rel)
        if self.written is not None and self.written[0] == site_dir:  # `--dirty`: a deleted
            remove_stale({site_dir / rel for rel in self.written[1] - written}, site_dir)  # page
        self.written = site_dir, written
        self.preview.ask_next_build()

    @property
    def deferred(self) -> bool:
        """Whether this build left pages or site-wide files to the next one."""
        return self.preview.deferred


def _shown_by_all(config: MkDocsConfig, pages: list[File], state: Any) -> Any:
    """What MkDocs puts on every page: the configuration (its file's time) and the navigation
    (made from every page and title when neither mkdocs.yml nor Lemma gives one)."""
    path = config.config_file_path
    stamp = Path(path).stat().st_mtime_ns if path and Path(path).is_file() else None
    if config.nav is not None:
        return stamp, repr(config.nav)
    return stamp, [f.src_uri for f in pages], [
        n.title for n in state.vault.notes.values()] if state.vault else None
