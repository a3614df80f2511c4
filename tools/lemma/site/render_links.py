"""Wikilinks, embeds, Markdown links and `#tags` as ordinary Markdown: relative `.md` links MkDocs
turns into URLs (inside raw HTML, where Markdown is not read, `<a>` with the final URL).

Links are found with THE parser (`lemma.links.parse_links`) and resolved by the vault, so the
site, the linter and the graph agree on every link. Broken links render visibly and are reported
through `warn(pos, message)`; links to private notes are plain text; embeds transclude the
target's text, each rendered once per page (cycles, the depth limit and the page's size budget
are reported and shown as links).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..links import (
    Regions,
    block_id_spans,
    code_regions,
    find_heading,
    parse_headings,
    parse_links,
    strip_comments,
    tag_spans,
)
from ..model import Note, SourcePos, WikiLink
from ..vault import ResolvedLink, Vault
from . import render_citations
from .fragments import Fragments
from .raw_html import raw_html_regions
from .tag_paths import tag_page

#: warn(pos, message): report a problem found while rendering (the plugin logs it as a warning).
Warn = Callable[[SourcePos, str], None]

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp"})
#: Obsidian's audio and video formats (help: Accepted file formats), played in the page.
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "ogg", "3gp", "flac", "opus", "aac"})
VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
_MD_SPECIAL = re.compile(r"([\\\[\]*_`>])")
_HEADING_LINE = re.compile(r"^ {0,3}(#{1,6})[ \t]")
_SIZE = re.compile(r"(?:(.*)\|)?(\d+)(?:x(\d+))?")
MAX_EMBED_DEPTH = 8
#: Vault files published as pages of their own (`X.canvas` -> the page `X.canvas.md`).
PAGED = (".canvas", ".base")
#: Most characters of embedded notes one page shows; further embeds become links.
MAX_EMBED_CHARS = 200_000


def relative_url(source: str, target: str) -> str:
    """The relative URL from the file `source` to the vault file `target` (both vault paths).

    Percent-encoded, so a file name with `?`, `#`, `%` or spaces is a path, not a query or
    fragment (MkDocs decodes it to find the file).
    """
    folder = posixpath.dirname(source) or "."
    return quote(posixpath.relpath(target, folder))


def md_url(url: str) -> str:
    """A URL safe inside Markdown link parentheses (angle brackets when it has spaces)."""
    return f"<{url}>" if any(ch in url for ch in " ()<>") else url


_PUNCTUATION = re.compile(r"[!-+:-@\[-`{-~\n]")


def html_text(text: str) -> str:
    """`text` for raw HTML written into Markdown: every ASCII punctuation character except
    `,-./` as a numeric character reference, so neither HTML nor Markdown (links, emphasis,
    bare URLs, attribute lists), which Python-Markdown applies inside inline tags too, acts on it.
    """
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", text)


def escape_label(text: str) -> str:
    """A link label shown as written: Markdown's link and emphasis characters escaped, `<` and
    `&` as references (Python-Markdown has no backslash escape for `<`)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass
class LinkRenderer:
    """Renders the wikilinks of a note's Markdown for the page at `host` (a vault path)."""

    vault: Vault
    warn: Warn
    problems: dict[SourcePos, str] = field(default_factory=dict)
    #: prepare(text, note, first_line): pre-render an embedded fragment (e.g. its derivations)
    prepare: Callable[[str, Note, int], str] | None = None
    #: html_url(vault path): the target's URL relative to the page, for links inside raw HTML
    #: (Markdown is not processed there, so they are written as <a> with the final URL)
    html_url: Callable[[str], str | None] | None = None
    #: the tags page (a vault path) that inline `#tags` link to; None: they are plain chips
    tags_page: str | None = None
    #: where the HTML of links goes (with `html_url`): the Markdown then holds inert markers
    #: instead of link syntax, which Python-Markdown would rescan per link (see fragments.py)
    fragments: Fragments | None = None
    #: what citations mean (the bibliography); None: citekeys of the vault's notes only
    citations: Any = None  # lemma.citations.Citations
    # embeds rendered on this page: (host, note, heading, depth) -> (text, what it embeds,
    # what was being shown above it then); what the embed being rendered now reaches
    _embeds: dict[tuple[str, str, str | None, int], tuple[str, frozenset[str], frozenset[str]]] \
        = field(default_factory=dict, init=False, repr=False)
    _reached: list[set[str]] = field(default_factory=list, init=False, repr=False)
    _embedded_chars: int = field(default=0, init=False, repr=False)

    def render(self, text: str, note: Note, first_line: int, host: str | None = None,
               stack: tuple[str, ...] = (), report: bool = True) -> str:
        """`text` (written in `note`, starting at file line `first_line`) with links replaced."""
        host = host or note.path
        if self.fragments is not None:
            text = Fragments.clean(text)
        raw = raw_html_regions(text) if "<" in text else Regions([])
        edits: list[tuple[int, int, str]] = []
        cites: list[ResolvedLink] = []
        for link in parse_links(text, note.path, first_line):
            resolved = self.vault.resolve(link, note)
            if link.cite is not None:
                cites.append(resolved)
                continue
            if not resolved.ok and report and resolved.status != "private":
                self.warn(link.pos, self.problems.get(link.pos) or _problem(resolved))
            if link.start in raw:
                replacement = self._html_link(resolved)
            else:
                replacement = self._render_one(resolved, host, stack or (note.path,), report)
            edits.append((link.start, link.end, replacement))
        if cites:
            edits += self._citations(cites, host, report)
        edits += block_id_anchors(text, keep=not stack)
        if "#" in text:
            edits += self._tags(text, host, raw)
        return apply_edits(text, edits)

    def _citations(self, cites: list[ResolvedLink], host: str,
                   report: bool) -> list[tuple[int, int, str]]:
        """Each citation group as one author–year parenthesis (see `render_citations`)."""
        if self.citations is None:
            from ..citations import Citations

            self.citations = Citations(self.vault)
        return render_citations.group_edits(cites, self.citations,
                                            lambda target: relative_url(host, target),
                                            self.warn if report else None)

    def _render_one(self, r: ResolvedLink, host: str, stack: tuple[str, ...],
                    report: bool) -> str:
        link = r.link
        if r.status == "private":  # never a link: the note is not on the site
            return link.label if link.markdown and link.label else escape_label(link.display)
        if not r.ok or r.target is None:
            return self._stashed(broken_html(link, _problem(r)))
        url = self._url(r, host)
        if r.target.endswith(PAGED):  # a canvas or base has a page of its own: link to it
            kind = r.target.rsplit(".", 1)[-1]
            css = f"lemma-wikilink lemma-{kind}-link" + (" lemma-embed-link" if link.embed else "")
            return f"[{escape_label(link.display)}]({md_url(url)}){{: .{css.replace(' ', ' .')} }}"
        if link.embed and r.is_attachment:
            return self._embed_attachment(link, url, r.target, self._final_url(r, url))
        if link.embed:
            return self._embed_note(r, host, stack, report)
        final = self._final_url(r, url)
        if link.markdown:  # keep the author's label Markdown; only the URL changes
            label = link.label or escape_label(link.display)
            if final is not None:
                return self._wrapped(label, final, "")
            return f"[{label}]({md_url(url or '#')})"
        text = escape_label(link.display)
        css = "lemma-wikilink lemma-attachment" if r.is_attachment else "lemma-wikilink"
        if final is not None:
            return self._wrapped(text, final, css)
        return f"[{text}]({md_url(url or '#')}){{: .{css.replace(' ', ' .')} }}"

    def _final_url(self, r: ResolvedLink, url: str) -> str | None:
        """The URL a reader's browser follows (`url` is the relative `.md` URL MkDocs would
        convert); None when links are left to Markdown (no fragments) or the target is not on
        the site."""
        if self.fragments is None or self.html_url is None:
            return None
        path, _, fragment = url.partition("#")
        if not path:
            return url  # an anchor on this page
        page = self.html_url(r.target or "")
        return None if page is None else page + (f"#{fragment}" if fragment else "")

    def _wrapped(self, label: str, href: str, css: str) -> str:
        """`label` (Markdown, rendered as before) between the stashed tags of a link."""
        assert self.fragments is not None
        attrs = (f' class="{attribute(css)}"' if css else "") + f' href="{attribute(href)}"'
        return self.fragments.mark(f"<a{attrs}>") + label + self.fragments.mark("</a>")

    def _stashed(self, html_text: str) -> str:
        """`html_text` as a fragment when the page collects them (raw inline HTML otherwise)."""
        return self.fragments.mark(html_text) if self.fragments is not None else html_text

    def _url(self, r: ResolvedLink, host: str) -> str:
        """The relative `.md` URL of a resolved link, with its heading or block anchor."""
        link = r.link
        target = (r.target or host) + (".md" if (r.target or "").endswith(PAGED) else "")
        url = relative_url(host, target) if r.target != host or not r.anchor else ""
        if r.anchor:
            url += "#" + (r.anchor.casefold() if link.heading and link.heading[0] == "^"
                          else r.anchor)
        return url

    def _html_link(self, r: ResolvedLink) -> str:
        """A link inside raw HTML, where Markdown is not processed: an <a> with the final URL."""
        label = html_text(r.link.label or r.link.display)
        page = self.html_url(r.target) if (r.ok and r.target and self.html_url) else None
        if page is None:
            return f'<span class="lemma-broken" title="{html_text(r.status)}">{label}</span>' \
                if r.status != "private" else label
        fragment = self._url(r, r.link.pos.path).partition("#")[2]
        href = html_text(page + (f"#{fragment}" if fragment else ""))
        name = r.link.target.rsplit("/", 1)[-1]
        if r.link.embed and name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS:
            alt, size = image_size(r.link.label or "")
            sizes = "".join(f' {key}="{value}"' for key, value in
                            zip(("width", "height"), re.findall(r"\d+", size), strict=False))
            return f'<img src="{href}" alt="{html_text(alt or name)}"{sizes}>'
        return f'<a class="lemma-wikilink" href="{href}">{label}</a>'

    def _tags(self, text: str, host: str, raw: Regions) -> list[tuple[int, int, str]]:
        """Inline `#tags` as chips, linking to the tag's own page when the site has tag pages."""
        edits = []
        for start, end, tag in tag_spans(text, code_regions(text)):
            page, name = tag_page(tag), html_text(tag)
            html_page = self.html_url(page) if (self.tags_page and self.html_url) else None
            if html_page is not None and start in raw:  # Markdown still reads raw HTML's text
                new = (f'<a class="lemma-tag lemma-inline-tag" '
                       f'href="{html_text(html_page)}">#{name}</a>')
            elif html_page is not None and self.fragments is not None:  # stashed: shown as is
                new = self._stashed(f'<a class="lemma-tag lemma-inline-tag" '
                                    f'href="{attribute(html_page)}">#{html.escape(tag, False)}</a>')
            elif self.tags_page is not None and start not in raw:
                new = (f"[#{escape_label(tag)}]({md_url(relative_url(host, page))})"
                       "{: .lemma-tag .lemma-inline-tag }")
            else:
                new = f'<span class="lemma-tag lemma-inline-tag">#{name}</span>'
            edits.append((start, end, new))
        return edits

    def _embed_attachment(self, link: WikiLink, url: str, target: str,
                          final: str | None) -> str:
        name = link.target.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower()
        label = escape_label(link.label or name)
        if ext in IMAGE_EXTENSIONS:
            alt, size = image_size(link.label or "")
            if final is not None:
                return self._stashed(image_html(alt or name, final, size))
            return f"![{escape_label(alt or name)}]({md_url(url)}){size}"
        page_url = self.html_url(target) if self.html_url else None
        if page_url is not None and ext in AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | {"pdf"}:
            return media_html(ext, page_url, link.label or name, link.heading or "")
        if final is not None:
            return self._wrapped(label, final, "lemma-wikilink lemma-attachment")
        return f"[{label}]({md_url(url)}){{: .lemma-wikilink .lemma-attachment }}"

    def _embed_note(self, r: ResolvedLink, host: str, stack: tuple[str, ...],
                    report: bool) -> str:
        link = r.link
        target = self.vault.notes[r.target or ""]
        # what is being shown, as "path" or "path#heading": a note may embed its own sections
        shown = f"{target.path}#{link.heading}" if link.heading else target.path
        for reached in self._reached:
            reached.add(shown)
        chain = " -> ".join((*stack, shown))
        if shown in stack:
            self.warn(link.pos, f"{link.raw}: embed cycle ({chain}); the embed is shown as a link")
            return broken_html(link, "embed cycle: this note is already being shown above")
        if len(stack) > MAX_EMBED_DEPTH:
            self.warn(link.pos, f"{link.raw}: embed depth limit: more than {MAX_EMBED_DEPTH} "
                      f"nested embeds ({chain}); the embed is shown as a link")
            return broken_html(link, f"embed depth limit: more than {MAX_EMBED_DEPTH} nested "
                               "embeds")
        source = relative_url(host, target.path) + (f"#{r.anchor}" if r.anchor else "")
        # a block is titled with its note ("Internal links"), not its id ("… > ^b15695")
        block = link.heading and link.heading.startswith("^")
        title = escape_label(link.label or (target.title if block else link.display))
        inner = self._embedded(target, link.heading, host, (*stack, shown), report)
        if self._embedded_chars + len(inner) > MAX_EMBED_CHARS:
            self.warn(link.pos, f"{link.raw}: embed size limit: this page already shows "
                      f"{self._embedded_chars:,} characters of embedded notes; the embed is "
                      "shown as a link")
            return f"[{title}]({md_url(source)}){{: .lemma-wikilink }}"
        self._embedded_chars += len(inner)
        return (f'\n\n<div class="lemma-embed" markdown="1">\n<div class="lemma-embed-title" '
                f'markdown="span">[{title}]({md_url(source)})</div>\n\n{inner}\n\n</div>\n\n')

    def _embedded(self, target: Note, heading: str | None, host: str, stack: tuple[str, ...],
                  report: bool) -> str:
        """The rendered text an embed of `target` shows, rendered once per page and depth and
        reused while the notes it embeds do not include one of the embedding notes above."""
        key = (host, target.path, heading, len(stack))
        above = frozenset(stack)
        cached = self._embeds.get(key)
        if cached is not None and cached[1] & above == cached[1] & cached[2]:
            for reached in self._reached:
                reached.update(cached[1])
            return cached[0]
        self._reached.append(set())
        try:
            fragment, first = embedded_text(target, heading)
            if self.prepare is not None:
                fragment = self.prepare(fragment, target, first)
            inner = demote_headings(self.render(fragment, target, first, host, stack,
                                                report=False)).strip()
        finally:
            reached = self._reached.pop()
        for outer in self._reached:
            outer.update(reached)
        self._embeds[key] = (inner, frozenset(reached), above)
        return inner


def media_html(ext: str, url: str, label: str, fragment: str = "") -> str:
    """An audio or video player, or a PDF viewer (`#page=3` kept) with a link to the file."""
    src, name = html_text(url), html_text(label)
    if ext in AUDIO_EXTENSIONS:
        return (f'<audio class="lemma-audio" controls preload="metadata" src="{src}" '
                f'aria-label="{name}"></audio>')
    if ext in VIDEO_EXTENSIONS:
        return (f'<video class="lemma-video" controls preload="metadata" src="{src}" '
                f'aria-label="{name}"></video>')
    page = re.search(r"(?:^|&)page=(\d+)", fragment)
    height = re.search(r"(?:^|&)height=(\d+)", fragment)
    target = src + (f"&#35;page&#61;{page.group(1)}" if page else "")
    size = f' style="height: {height.group(1)}px"' if height else ""
    return (f'<span class="lemma-pdf"><object data="{target}" type="application/pdf" '
            f'aria-label="{name}"{size}></object><a class="lemma-wikilink lemma-attachment" '
            f'href="{target}">{name}</a></span>')


def image_size(label: str) -> tuple[str, str]:
    """(alt text, attr_list) of an image embed's label: `100`, `100x50` or `alt|100x50`."""
    size = _SIZE.fullmatch(label.strip())
    if size is None:
        return label, ""
    width, height = size.group(2), size.group(3)
    attrs = f'width="{width}"' + (f' height="{height}"' if height else "")
    return (size.group(1) or "").strip(), f"{{: {attrs} }}"


def image_html(alt: str, src: str, size: str) -> str:
    """An `<img>` as Python-Markdown writes `![alt](src){: width=… height=… }` (attributes in
    name order)."""
    attrs = {"alt": alt, "src": src, **dict(re.findall(r'(width|height)="(\d+)"', size))}
    return "<img" + "".join(f' {k}="{attribute(v)}"' for k, v in sorted(attrs.items())) + " />"


def attribute(text: str) -> str:
    """`text` escaped for a double-quoted HTML attribute."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def embedded_text(note: Note, heading: str | None) -> tuple[str, int]:
    """The part of `note` an embed shows (comments removed): its body, a section or a block."""
    text, first = _embedded_part(note, heading)
    return strip_comments(text), first


def _embedded_part(note: Note, heading: str | None) -> tuple[str, int]:
    if not heading:
        return note.body, note.body_line
    lines = note.body.split("\n")
    if heading.startswith("^"):
        wanted = heading[1:].casefold()
        for at, _, block_id in block_id_spans(note.body):
            if block_id == wanted:
                i = note.body.count("\n", 0, at)
                start = i
                while start > 0 and lines[start - 1].strip():
                    start -= 1
                return "\n".join(lines[start : i + 1]), note.body_line + start
        return "", note.body_line
    found = find_heading(note.headings, heading)
    if found is None:
        return "", note.body_line
    start = found.line - note.body_line
    end = len(lines)
    for later in note.headings:
        if later.line > found.line and later.level <= found.level:
            end = later.line - note.body_line
            break
    return "\n".join(lines[start + 1 : end]), found.line + 1


def demote_headings(text: str) -> str:
    """Headings of transcluded text as bold lines, so they add no ids or TOC entries here."""
    lines = text.split("\n")
    for heading in parse_headings(text, first_line=0):
        lines[heading.line] = f'<p class="lemma-embed-h" markdown="span">{heading.text}</p>'
    return "\n".join(lines)


def block_id_anchors(text: str, keep: bool = True) -> list[tuple[int, int, str]]:
    """Edits turning Obsidian block ids (`text ^id`) into invisible anchors for `#^id` links.

    An embedded copy (`keep=False`) drops them: the id belongs to the note the block is from,
    and a page embedding one block twice must not repeat an id.
    """
    edits = []
    for start, end, anchor in block_id_spans(text):
        if _HEADING_LINE.match(text, text.rfind("\n", 0, start) + 1):
            continue
        edits.append((start, end, f'<a id="{anchor}" class="lemma-block-id"></a>' if keep else ""))
    return edits


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping (start, end, new) ranges of `text`."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        if start < pos:
            continue  # overlapping edit (cannot happen for links outside code); keep the first
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def broken_html(link: WikiLink, why: str) -> str:
    """A visibly broken link: struck-through label with the reason as its tooltip."""
    label = html_text(link.label or link.display)
    return (f'<span class="lemma-broken" title="{html_text(why)}" '
            f'data-target="{html_text(link.raw)}">{label}</span>')


def _problem(r: ResolvedLink) -> str:
    """A short reason a link does not resolve (used when the vault has no diagnostic for it)."""
    link = r.link
    if r.status == "ambiguous":
        return f"ambiguous link {link.raw}: matches {', '.join(r.candidates)}"
    if r.status == "missing-heading":
        return f"broken link {link.raw}: '{r.target}' has no heading '#{link.heading}'"
    if r.status == "ok":
        return f"{link.raw}: embed cycle"
    kind = "attachment" if link.is_attachment else "note"
    return f"broken link {link.raw}: no {kind} named '{link.target}'"
