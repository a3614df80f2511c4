"""The parts of a note page around its text: header card, styled sections and backlinks."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..frontmatter import as_list, parse_confidence, parse_date
from ..links import heading_anchor
from ..model import Note, NoteKind
from .math import prose_html
from .obsidian_lists import separate_lists  # noqa: F401  (kept importable here)
from .tag_pages import tag_page

#: Where each kind's generated index lives (vault paths of virtual pages).
KIND_INDEX = {
    NoteKind.PAPER: "papers/index.md",
    NoteKind.TAKE: "takes/index.md",
    NoteKind.CONCEPT: "concepts/index.md",
    NoteKind.DIGEST: "digests/index.md",
    NoteKind.NOTE: "notes.md",
}
KIND_LABEL = {
    NoteKind.PAPER: "Paper",
    NoteKind.TAKE: "Quick take",
    NoteKind.CONCEPT: "Concept",
    NoteKind.DIGEST: "Digest",
    NoteKind.NOTE: "Note",
}
AUTHORS_INDEX = "papers/authors.md"

#: h2 ids whose section gets its own look (summary: the source's claims; opinion: a judgement).
SECTION_STYLES = {
    "summary": "summary",
    "tldr": "summary",
    "opinion": "opinion",
    "my-opinion": "opinion",
    "opinions": "opinion",
    "reader-comment": "opinion",
    "my-take": "opinion",
}
_H2 = re.compile(r'<h2 id="([^"]+)"')


def note_date(note: Note) -> dt.date | None:
    """The note's `date` (takes, digests) as a date, None when absent or malformed."""
    return parse_date(note.meta.get("date"))


def note_year(note: Note) -> int | None:
    """A paper's `year` (or a dated note's year)."""
    year = note.meta.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return year
    date = note_date(note)
    return date.year if date else None


def author_anchor(author: str) -> str:
    """The id of an author's heading on the papers-by-author page."""
    return "author-" + (heading_anchor(author) or "x")


def _link(url: str | None, text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    if url is None:
        return f"<span{cls}>{html.escape(text)}</span>"
    return f'<a href="{html.escape(url)}"{cls}>{html.escape(text)}</a>'


def header_card(note: Note, url_of: Callable[[str], str | None], plain: bool = False) -> str:
    """HTML for the card at the top of a note: kind, authors, year, source, status, tags
    (`plain`: the vault has only plain notes, so no kind is named)."""
    rows: list[tuple[str, str]] = []
    meta = note.meta
    authors = as_list(meta.get("authors"))
    if authors:
        index = url_of(AUTHORS_INDEX) if note.kind is NoteKind.PAPER else None
        names = [_link(f"{index}#{author_anchor(a)}" if index else None, a) for a in authors]
        rows.append(("Authors", ", ".join(names)))
    if note.kind is NoteKind.PAPER:
        year = note_year(note)
        if year:
            rows.append(("Year", str(year)))
        if isinstance(meta.get("venue"), str):
            rows.append(("Venue", html.escape(meta["venue"])))
    date = note_date(note)
    if date:
        rows.append(("Date", f'<time datetime="{date.isoformat()}">{date.isoformat()}</time>'))
    source = meta.get("source")
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        rows.append(("Source", f'<a class="lemma-source" href="{html.escape(source)}" '
                               f'rel="noopener">{html.escape(_host_of(source))} ↗</a>'))
    status = meta.get("status")
    if isinstance(status, str) and status:
        rows.append(("Status", f'<span class="lemma-status lemma-status-{_css(status)}">'
                               f"{html.escape(status)}</span>"))
    confidence = parse_confidence(meta.get("confidence"))
    if confidence is not None:
        rows.append(("Confidence", confidence_meter(confidence)))
    names = [a for a in note.aliases if "/" not in a]  # `a/b` aliases are old addresses
    if names:
        rows.append(("Also called", html.escape(", ".join(names))))
    if note.tags:
        chips = [_link(url_of(tag_page(t)), "#" + t, "lemma-tag") for t in note.tags]
        rows.append(("Tags", " ".join(chips)))
    updated = next((d for key in UPDATED_KEYS if (d := parse_date(meta.get(key)))), None)
    if updated:
        rows.append(("Updated", f'<time datetime="{updated.isoformat()}">'
                                f"{updated.isoformat()}</time>"))
    rows.append(("Reading time", reading_time(note.body)))
    # the spaces between the parts keep the words apart in the search index, which skips
    # the reading time and the breadcrumbs (words of every page)
    fields = "".join(f"<div{' data-search-exclude' if key == 'Reading time' else ''}><dt>{key}"
                     f"</dt> <dd>{value}</dd></div> " for key, value in rows)
    return (f'<div class="lemma-card lemma-card-{note.kind.value}">'
            f'{breadcrumbs(note, url_of, plain)} '
            f'<dl data-search-exclude>{fields}</dl></div>\n')


def card_words(note: Note) -> str:
    """The card's names (aliases, authors, tags) for the search index, hidden: placed after
    the note's opening text, so a search result's snippet starts with prose, not the card."""
    words = [*note.aliases, *as_list(note.meta.get("authors")), *("#" + t for t in note.tags)]
    if not words:
        return ""
    return f'<span class="lemma-search-text" hidden>{html.escape(" · ".join(words))}</span>'


def with_card_words(content: str, note: Note) -> str:
    """`content` with `card_words` at the end of its first section (before the first h2)."""
    words = card_words(note)
    at = content.find("<h2")
    return content + words if at < 0 else content[:at] + words + content[at:]


#: Frontmatter keys that say when a note was last revised (the first one present is shown).
UPDATED_KEYS = ("updated", "modified", "last_modified", "lastmod")
WORDS_PER_MINUTE = 220


def reading_time(body: str) -> str:
    """About how long the note takes to read: its words at 220 a minute, at least 1 minute."""
    minutes = max(1, round(len(body.split()) / WORDS_PER_MINUTE))
    return f"{minutes} min"


def breadcrumbs(note: Note, url_of: Callable[[str], str | None], plain: bool = False) -> str:
    """Where the note sits: Home › its kind's index › its folders below the kind's own; in a
    vault of plain notes, Home › its folders under their own names."""
    index = KIND_INDEX.get(note.kind)
    home = _link(url_of("index.md") or url_of(""), "Home")
    folders = note.folder.split("/") if note.folder else []
    if plain:
        return (f'<nav class="lemma-card-kind" aria-label="Breadcrumb" data-search-exclude>'
                f"{CRUMB.join([home, *(html.escape(f) for f in folders)])}</nav>")
    parts = [home,
             _link(url_of(index) if index else None, KIND_LABEL[note.kind], "lemma-kind-name")]
    if folders and folders[0] in KIND_FOLDERS:
        folders = folders[1:]
    parts += [html.escape(f.replace("-", " ").capitalize()) for f in folders]
    return (f'<nav class="lemma-card-kind" aria-label="Breadcrumb" data-search-exclude>'
            f"{CRUMB.join(parts)}</nav>")


CRUMB = ' <span aria-hidden="true">›</span> '


KIND_FOLDERS = frozenset({"papers", "takes", "concepts", "digests"})


def confidence_meter(value: float) -> str:
    """A take's confidence as a percentage with a small bar (accessible: a <meter>)."""
    percent = round(value * 100)
    return (f'<span class="lemma-confidence"><meter min="0" max="100" value="{percent}" '
            f'aria-label="confidence {percent}%"></meter> {percent}%</span>')


def style_sections(content: str) -> str:
    """Wrap the Summary / Opinion h2 sections of rendered HTML in styled <section>s."""
    if "<h2" not in content:
        return content
    starts = [(m.start(), m.group(1)) for m in _H2.finditer(content)]
    if not any(anchor in SECTION_STYLES for _, anchor in starts):
        return content
    out = [content[: starts[0][0]]]
    for i, (start, anchor) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(content)
        chunk = content[start:end]
        style = SECTION_STYLES.get(anchor)
        out.append(f'<section class="lemma-section lemma-{style}">{chunk}</section>'
                   if style else chunk)
    return "".join(out)


def backlinks_html(backlinks: Iterable[Any], url_of: Callable[[str], str | None],
                   kinds: Mapping[str, NoteKind], chips: bool = True) -> str:
    """The "Linked from" list: each linking note once, with the sentences that link here
    (`chips`: each with its kind)."""
    grouped: dict[str, list[Any]] = {}
    titles: dict[str, str] = {}
    for b in backlinks:
        grouped.setdefault(b.source, []).append(b)
        titles[b.source] = b.title
    if not grouped:
        return ('<section class="lemma-backlinks lemma-backlinks-empty" data-search-exclude>'
                '<h2 class="lemma-h" id="lemma-linked-from" data-search-exclude>Linked from</h2>'
                "<p>No other note links here yet.</p></section>")
    items = []
    for source, entries in grouped.items():
        url = url_of(source)
        title = html.escape(titles[source])
        kind = kinds.get(source, NoteKind.NOTE)
        anchor = f'<a href="{html.escape(url)}">{title}</a>' if url else title
        sentences = dict.fromkeys(e.sentence for e in entries if getattr(e, "sentence", ""))
        quotes = "".join(f"<blockquote>{prose_html(s)}</blockquote>" for s in sentences)
        chip = (f'<span class="lemma-chip lemma-chip-{kind.value}">{KIND_LABEL[kind]}</span> '
                if chips else "")
        items.append(f'<li class="lemma-backlink">{chip}{anchor}{quotes}</li>')
    count = f'<span class="lemma-count">{len(grouped)}</span>'
    return (f'<section class="lemma-backlinks" data-search-exclude><h2 class="lemma-h" '
            f'id="lemma-linked-from" data-search-exclude>Linked from {count}</h2>'
            f'<ul>{"".join(items)}</ul></section>')


def _host_of(url: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/", 1)[0]
    return host.removeprefix("www.") or url


def _css(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def place_card(card: str, content: str) -> tuple[str, str]:
    """(before, after) the page's own H1: the card goes below a title the note wrote itself."""
    if content.lstrip().startswith("<h1"):
        end = content.find("</h1>")
        if end >= 0:
            return content[: end + 5] + card, content[end + 5 :]
    return card, content
