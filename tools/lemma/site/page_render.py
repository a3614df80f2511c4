"""Everything Lemma does to one page, in two stages any Markdown engine can call: the page's
Markdown before conversion (derivations, wikilinks, embeds, tags, citations, callouts, math
guards, lists) and its HTML after (card, sections, local graph, backlinks, typeset formulas).

`lemma.site.markdown` runs both inside Python-Markdown; the MkDocs plugin only says which page
is being built. Engine-free: a page is a `PageRef` (vault path, URL, table of contents).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..canvas import canvas_note
from ..links import strip_comments
from ..model import SourcePos
from . import canvas_pages, math, obsidian_markdown, render_derivations, render_notes, safe_urls
from .context import SiteContext
from .fragments import Fragments
from .markdown_guard import defuse_unclosed
from .obsidian_lists import normalise_lists
from .page_toc import phone_toc
from .render_citations import references_for
from .render_links import LinkRenderer
from .search_words import with_folded_words
from .state import log_problem
from .tag_pages import TAGS_INDEX
from .typeset import source_line, typeset_html

log = logging.getLogger("mkdocs.plugins.lemma")


@dataclass
class TocEntry:
    """One heading of a page's table of contents (the shape of MkDocs' `AnchorLink`)."""

    title: str
    id: str
    level: int
    children: list[TocEntry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return "#" + self.id


def toc_from_tokens(tokens: Iterable[Mapping[str, Any]]) -> list[TocEntry]:
    """The toc extension's `toc_tokens` as entries (MkDocs turns them into `page.toc` alike)."""
    return [TocEntry(t["name"], t["id"], t["level"], toc_from_tokens(t["children"]))
            for t in tokens]


@dataclass
class PageRef:
    """The page being built: its source path (vault path, or a generated page's), its URL
    (site-relative, "" for the root) and, once converted, its table of contents."""

    path: str
    url: str
    toc: list[Any] = field(default_factory=list)


def render_markdown(site: SiteContext, page: PageRef, markdown: str,
                    fragments: Fragments) -> str:
    """The page's Markdown with Lemma's syntax rendered (HTML pieces go to `fragments`)."""
    state = site.site_state
    note = state.vault.notes.get(page.path) if state.vault else None
    canvas = site.canvases.get(page.path.removesuffix(".md"))
    if canvas is not None:
        note = canvas_note(canvas)  # its links render (and resolve) like a note's
    if note is None:
        return markdown

    def html_url(target: str) -> str | None:
        return site.html_url(target, page.url)

    tags_page = TAGS_INDEX if TAGS_INDEX in site.urls else None
    renderer = LinkRenderer(state.vault, log_problem, site.link_problems.get(note.path, {}),
                            prepare=lambda md, n, line: derivations(site, md, n, line),
                            html_url=html_url, tags_page=tags_page, fragments=fragments,
                            citations=site.citations())
    if markdown != note.body and markdown.strip() == note.body.strip():
        markdown = note.body  # an engine may drop blank lines after the frontmatter: keep lines
    markdown = strip_comments(markdown)  # %%private remarks%% never reach the page
    markdown = derivations(site, markdown, note, note.body_line)
    markdown = renderer.render(markdown, note, note.body_line)
    markdown += references_for(note, renderer.citations, html_url)
    markdown = math.guard_math_brackets(markdown)
    markdown = obsidian_markdown.obsidian_markdown(markdown)
    markdown = math.separate_display_math(normalise_lists(markdown))
    return defuse_unclosed(markdown, fragments)  # Markdown rescans from unclosed openers


def derivations(site: SiteContext, markdown: str, note: Any, first_line: int) -> str:
    """`markdown` (text of `note` from file line `first_line`) with derivations rendered."""
    if "derivation" not in markdown:
        return markdown
    state = site.site_state
    problems = {d.pos.line: d.message for d in state.syntax.get(note.path, [])}
    return render_derivations.render_blocks(
        markdown, first_line, state.derivations.get(note.path, []),
        state.results_of(note.path), problems)


def render_html(site: SiteContext, page: PageRef, html: str) -> str:
    """The converted page with its card, sections, local graph and backlinks, typeset."""
    state = site.site_state
    path = page.path
    note = state.vault.notes.get(path) if state.vault else None
    if note is None:
        return typeset(site, html, path)

    def url_of(target: str) -> str | None:
        return site.url(target, page.url)

    card = render_notes.header_card(note, url_of, site.plain) + phone_toc(page.toc)
    content = obsidian_markdown.unique_ids(render_notes.style_sections(html))
    content = render_notes.with_card_words(content, note)
    content = with_folded_words(content)  # `uberblick` finds `Überblick` in the search
    parts = list(render_notes.place_card(card, content))
    parts += [hook(state, path, page.url) for hook in site.extensions.page_html]
    if site.options.backlinks:
        backlinks = state.backlinks(path)
        backlinks += canvas_pages.canvas_backlinks(site.canvas_links, site.canvases, path)
        kinds = {b.source: state.vault.notes[b.source].kind for b in backlinks
                 if b.source in state.vault.notes}
        parts.append(render_notes.backlinks_html(backlinks, url_of, kinds, not site.plain))
    content, removed = safe_urls.neutralise_urls(typeset(site, "".join(parts), path))
    for url in removed:
        log.warning("%s: a link to '%s' was removed (it would run script)", path, url[:80])
    return content


def typeset(site: SiteContext, html: str, path: str) -> str:
    """The page's formulas typeset; TeX that KaTeX rejects is reported at its note line."""
    def report(latex: str, error: str) -> None:
        vault = site.site_state.vault
        note = vault.notes.get(path) if vault else None
        line = source_line(note.body, note.body_line, latex) if note else 1
        log_problem(SourcePos(path, line), f"KaTeX cannot typeset ${latex}$: {error}")
    return typeset_html(html, site.typesetter, report)
