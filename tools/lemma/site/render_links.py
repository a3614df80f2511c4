"""Wikilinks and embeds as ordinary Markdown: relative `.md` links MkDocs turns into URLs.

Links are found with THE parser (`lemma.links.parse_links`) and resolved by the vault, so the
site, the linter and the graph agree on every link. Broken links render visibly and are reported
through `warn(pos, message)`; embeds transclude the target's text, each rendered once per page
(cycles, the depth limit and the page's size budget are reported and shown as links).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..links import block_id_spans, find_heading, parse_headings, parse_links
from ..model import Note, SourcePos, WikiLink
from ..vault import ResolvedLink, Vault

#: warn(pos, message): report a problem found while rendering (the plugin logs it as a warning).
Warn = Callable[[SourcePos, str], None]

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp"})
_MD_SPECIAL = re.compile(r"([\\\[\]*_`<>])")
_HEADING_LINE = re.compile(r"^ {0,3}(#{1,6})[ \t]")
MAX_EMBED_DEPTH = 8
#: Most characters of embedded notes one page shows; further embeds become links.
MAX_EMBED_CHARS = 200_000


def relative_url(source: str, target: str) -> str:
    """The relative path from the file `source` to the vault file `target` (both vault paths)."""
    folder = posixpath.dirname(source) or "."
    return posixpath.relpath(target, folder)


def md_url(url: str) -> str:
    """A URL safe inside Markdown link parentheses (angle brackets when it has spaces)."""
    return f"<{url}>" if any(ch in url for ch in " ()<>") else url


def escape_label(text: str) -> str:
    """A link label shown as written: Markdown's link and emphasis characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass
class LinkRenderer:
    """Renders the wikilinks of a note's Markdown for the page at `host` (a vault path)."""

    vault: Vault
    warn: Warn
    problems: dict[SourcePos, str] = field(default_factory=dict)
    #: prepare(text, note, first_line): pre-render an embedded fragment (e.g. its derivations)
    prepare: Callable[[str, Note, int], str] | None = None
    # embeds rendered on this page: (host, note, heading, depth) -> (text, notes it embeds,
    # the embedding notes above it then); the notes embedded by the one being rendered now
    _embeds: dict[tuple[str, str, str | None, int], tuple[str, frozenset[str], frozenset[str]]] \
        = field(default_factory=dict, init=False, repr=False)
    _reached: list[set[str]] = field(default_factory=list, init=False, repr=False)
    _embedded_chars: int = field(default=0, init=False, repr=False)

    def render(self, text: str, note: Note, first_line: int, host: str | None = None,
               stack: tuple[str, ...] = (), report: bool = True) -> str:
        """`text` (written in `note`, starting at file line `first_line`) with links replaced."""
        host = host or note.path
        edits: list[tuple[int, int, str]] = []
        for link in parse_links(text, note.path, first_line):
            resolved = self.vault.resolve(link, note)
            if not resolved.ok and report:
                self.warn(link.pos, self.problems.get(link.pos) or _problem(resolved))
            replacement = self._render_one(resolved, host, (*stack, note.path), report)
            edits.append((link.start, link.end, replacement))
        edits += block_id_anchors(text)
        return apply_edits(text, edits)

    def _render_one(self, r: ResolvedLink, host: str, stack: tuple[str, ...],
                    report: bool) -> str:
        link = r.link
        if not r.ok or r.target is None:
            return broken_html(link, _problem(r))
        url = relative_url(host, r.target) if r.target != host or not r.anchor else ""
        if r.anchor:
            url += "#" + (r.anchor.casefold() if link.heading and link.heading[0] == "^"
                          else r.anchor)
        if link.embed and r.is_attachment:
            return self._embed_attachment(link, url)
        if link.embed:
            return self._embed_note(r, host, stack, report)
        text = escape_label(link.display)
        css = "lemma-wikilink lemma-attachment" if r.is_attachment else "lemma-wikilink"
        return f"[{text}]({md_url(url or '#')}){{: .{css.replace(' ', ' .')} }}"

    def _embed_attachment(self, link: WikiLink, url: str) -> str:
        name = link.target.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower()
        label = escape_label(link.label or name)
        if ext in IMAGE_EXTENSIONS:
            width = f"{{: width=\"{link.label}\" }}" if (link.label or "").isdigit() else ""
            alt = escape_label(name) if width else label
            return f"![{alt}]({md_url(url)}){width}"
        return f"[{label}]({md_url(url)}){{: .lemma-wikilink .lemma-attachment }}"

    def _embed_note(self, r: ResolvedLink, host: str, stack: tuple[str, ...],
                    report: bool) -> str:
        link = r.link
        target = self.vault.notes[r.target or ""]
        for reached in self._reached:
            reached.add(target.path)
        chain = " -> ".join((*stack, target.path))
        if target.path in stack:
            self.warn(link.pos, f"{link.raw}: embed cycle ({chain}); the embed is shown as a link")
            return broken_html(link, "embed cycle: this note is already being shown above")
        if len(stack) > MAX_EMBED_DEPTH:
            self.warn(link.pos, f"{link.raw}: embed depth limit: more than {MAX_EMBED_DEPTH} "
                      f"nested embeds ({chain}); the embed is shown as a link")
            return broken_html(link, f"embed depth limit: more than {MAX_EMBED_DEPTH} nested "
                               "embeds")
        source = relative_url(host, target.path) + (f"#{r.anchor}" if r.anchor else "")
        title = escape_label(link.label or link.display)
        inner = self._embedded(target, link.heading, host, stack, report)
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


def embedded_text(note: Note, heading: str | None) -> tuple[str, int]:
    """The part of `note` an embed shows: whole body, one heading's section, or one block."""
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


def block_id_anchors(text: str) -> list[tuple[int, int, str]]:
    """Edits turning Obsidian block ids (`text ^id`) into invisible anchors for `#^id` links."""
    edits = []
    for start, end, anchor in block_id_spans(text):
        if _HEADING_LINE.match(text, text.rfind("\n", 0, start) + 1):
            continue
        edits.append((start, end, f'<a id="{anchor}" class="lemma-block-id"></a>'))
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
    label = html.escape(link.label or link.display)
    return (f'<span class="lemma-broken" title="{html.escape(why)}" '
            f'data-target="{html.escape(link.raw)}">{label}</span>')


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
