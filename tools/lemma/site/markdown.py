"""Lemma's page rendering as a Python-Markdown extension: any engine that converts Markdown with
Python-Markdown (MkDocs, ProperDocs, Zensical, a script) renders a note as the Lemma site does.

    import markdown
    from lemma.site.markdown import LemmaExtension
    html = markdown.markdown(text, extensions=["toc", LemmaExtension(
        path="papers/dnfa.md", config_file="mkdocs.yml")])

The extension takes the page's path (its vault path, or its path in a folder written by `lemma
site prepare`) and optionally its URL; the site it belongs to is either given (`site=`, as the
MkDocs plugin does) or opened once per `config_file` (the `lemma` block and `docs_dir` of that
mkdocs.yml). Its processors: the page's Markdown first of all (wikilinks, embeds, tags,
callouts, math, derivations), the HTML pieces into Markdown's stash, and the converted HTML last
of all (card, local graph, backlinks, typeset formulas), the whole page's only: the toc
extension runs the postprocessors on each heading's text too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..frontmatter import split_frontmatter
from . import math, obsidian_markdown
from .context import SiteContext
from .fragments import Fragments, FragmentsExtension
from .page_render import PageRef, render_html, render_markdown, toc_from_tokens

#: Before every other preprocessor (Python-Markdown's own start at 30): the page as written.
FIRST = 1000
#: After every other postprocessor (raw HTML is back in the page, as an engine would show it).
LAST = -1000

_opened: dict[Path, Any] = {}  # config file -> PreparedSite, opened once per process


class LemmaExtension(FragmentsExtension):
    """Renders the page named by `page` (or the `path`/`url` options) of the site `site`."""

    def __init__(self, site: SiteContext | None = None, **kwargs: Any) -> None:
        self.config = {
            "path": ["", "The page's path in the notes folder (or the prepared folder)"],
            "url": [None, "The page's site URL (default: from the site's files)"],
            "config_file": ["mkdocs.yml", "The mkdocs.yml whose lemma block and docs_dir "
                                          "describe the site (when no site is given)"],
        }
        super().__init__(**kwargs)
        self.site = site
        self.engine = site is not None  # a shim sets `page` before each page (else: options)
        self.page: PageRef | None = None
        self.whole_page = False  # postprocessors also run on heading texts (toc): not those

    def extendMarkdown(self, md: Any) -> None:
        super().extendMarkdown(md)  # the fragment markers into Markdown's raw-HTML stash
        md.preprocessors.register(_PageMarkdown(md, self), "lemma_page", FIRST)
        md.treeprocessors.register(_TreeDone(md, self), "lemma_tree_done", LAST)
        md.postprocessors.register(_PageHtml(md, self), "lemma_page_html", LAST)

    def current_page(self) -> tuple[SiteContext, PageRef] | None:
        """The site and the page being converted (None: not a page Lemma knows)."""
        if self.page is not None and self.site is not None:
            return self.site, self.page
        path = self.getConfig("path")
        if not path:
            return None
        if self.site is None:
            self.site = open_site(Path(self.getConfig("config_file"))).site
        prepared = _opened.get(Path(self.getConfig("config_file")).resolve())
        vault_path = prepared.vault_path(path) if prepared is not None else path
        url = self.getConfig("url")
        if url is None:
            url = self.site.urls.get(vault_path, "")
            url = "" if url in (".", "./") else url  # the root page, as MkDocs' `page.url`
        self.page = PageRef(vault_path, url)
        return self.site, self.page


def open_site(config_file: Path) -> Any:  # PreparedSite
    """The site described by `config_file`, prepared once per process and file."""
    from .prepare import prepare_project

    key = config_file.resolve()
    if key not in _opened:
        _opened[key] = prepare_project(key)
    return _opened[key]


class _PageMarkdown(Preprocessor):
    def __init__(self, md: Any, extension: LemmaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.current = fragments = Fragments()
        given = self.extension.engine  # an engine names each page and strips frontmatter
        found = self.extension.current_page()
        if found is None:
            return lines
        site, page = found
        text = "\n".join(lines)
        if not given and text.startswith("---"):  # a whole note file: its body is the page
            text = split_frontmatter(text, page.path).body
        return render_markdown(site, page, text, fragments).split("\n")


class _TreeDone(Treeprocessor):
    """Marks the end of the tree stage: the next postprocessor run is the whole page's."""

    def __init__(self, md: Any, extension: LemmaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Any) -> None:
        self.extension.whole_page = True


class _PageHtml(Postprocessor):
    def __init__(self, md: Any, extension: LemmaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        if not self.extension.whole_page:
            return text
        self.extension.whole_page = False
        found = self.extension.current_page()
        if found is None:
            return text
        site, page = found
        page.toc = toc_from_tokens(getattr(self.md, "toc_tokens", []))
        return render_html(site, page, text.strip())


def site_extensions(strict_line_breaks: bool = False, toc: dict[str, Any] | None = None
                    ) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """(extensions, their options): what a page of the site is converted with besides
    `LemmaExtension` -- MkDocs' defaults (toc, tables, fenced_code) and the site's math and
    Obsidian extensions (pymdownx), as the MkDocs plugin adds them."""
    extensions: list[Any] = ["toc", "tables", "fenced_code"]
    configs: dict[str, dict[str, Any]] = {"toc": dict(toc or {})} if toc else {}
    math.add_extensions(extensions, configs)
    obsidian_markdown.add_extensions(extensions, configs, strict_line_breaks)
    return extensions, configs


def makeExtension(**kwargs: Any) -> LemmaExtension:
    """`markdown_extensions: [lemma.site.markdown]` in a config file finds the extension."""
    return LemmaExtension(**kwargs)
