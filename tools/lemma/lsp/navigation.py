"""Headings and tags as things to navigate: what is under the cursor, every place that uses
it (links to a heading, each `#tag` and frontmatter tag), hover text for a tag, and the edits
that rename a heading or a tag across the vault. Plain data, no pygls.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..links import LineIndex, find_heading, fold, heading_anchor, tag_spans
from ..model import Heading, Note
from ..vault import ResolvedLink, Vault
from .edits import FileEdit, TextChange
from .features import Place, Span, link_span

#: A file's current lines (the open buffer, else the file), by vault path.
Lines = Callable[[str], list[str]]
_WORD = re.compile(r"[\w\-/]+")
_HEADING = re.compile(r"( {0,3}#{1,6}[ \t]+)(.*?)([ \t]+#+)?[ \t]*$")
_HOVER_NOTES = 20


def heading_at(note: Note, line: int) -> Heading | None:
    """The heading written on file line `line` (0-based)."""
    return next((h for h in note.headings if h.line - 1 == line), None)


def tag_at(note: Note, lines: list[str], line: int, col: int) -> tuple[str, Span] | None:
    """The tag under the cursor: an inline `#tag`, or a frontmatter tag; with its span."""
    if line >= note.body_line - 1:
        index = LineIndex(note.body, note.body_line)
        for start, end, tag in tag_spans(note.body):
            pos = index.position("", start)
            if pos.line - 1 == line and pos.col - 1 <= col <= pos.col - 1 + end - start:
                return tag, Span(line, pos.col, line, pos.col - 1 + end - start)
        return None
    tags = {fold(t) for t in note.tags}
    for span in _frontmatter_tags(lines[:note.body_line - 1], _WORD):
        word = lines[span.line][span.col:span.end_col]
        if span.line == line and span.col <= col <= span.end_col and fold(word) in tags:
            return word, span
    return None


def _has_tag(note: Note, tag: str) -> bool:
    key = fold(tag)
    return any(fold(t) == key or fold(t).startswith(key + "/") for t in note.tags)


def tag_places(vault: Vault, tag: str, lines: Lines) -> list[Place]:
    """Every place `tag` (or a nested `tag/sub`) is written: inline, and in frontmatter."""
    key = fold(tag)
    places = []
    pattern = re.compile(rf"(?<![\w/-]){re.escape(tag)}(?=/|[^\w/-]|$)", re.IGNORECASE)
    for note in sorted(vault, key=lambda n: n.path):
        if not _has_tag(note, tag):
            continue
        places += [Place(note.path, span) for span in _frontmatter_tags(
            lines(note.path)[:note.body_line - 1], pattern)]
        index = LineIndex(note.body, note.body_line)
        for start, _end, found in tag_spans(note.body):
            if fold(found) == key or fold(found).startswith(key + "/"):
                pos = index.position("", start)
                line, col = pos.line - 1, pos.col  # after the '#'
                places.append(Place(note.path, Span(line, col, line, col + len(tag))))
    return places


def _frontmatter_tags(lines: list[str], pattern: re.Pattern[str]) -> list[Span]:
    """Where `pattern` occurs in the frontmatter's `tags:` field (inline list or items)."""
    spans = []
    inside = False
    for number, text in enumerate(lines):
        if text[:1].strip() and not text.startswith("-"):
            inside = text.split(":", 1)[0].strip().lower() == "tags"
            start = text.index(":") + 1 if inside and ":" in text else len(text)
        else:
            start = 0
        if inside:
            spans += [Span(number, m.start(), number, m.end())
                      for m in pattern.finditer(text, start)]
    return spans


def tag_hover(vault: Vault, tag: str) -> str:
    """Markdown for a tag: how many notes carry it, and the first of them."""
    notes = sorted((n for n in vault if _has_tag(n, tag)), key=lambda n: fold(n.title))
    shown = "\n".join(f"- {n.title} — `{n.path}`" for n in notes[:_HOVER_NOTES])
    more = f"\n- … and {len(notes) - _HOVER_NOTES} more" if len(notes) > _HOVER_NOTES else ""
    return f"**#{tag}** — {len(notes)} note{'s' * (len(notes) != 1)}\n\n{shown}{more}"


def heading_links(vault: Vault, path: str, heading: Heading) -> list[ResolvedLink]:
    """Every link to this heading of note `path` (by text or anchor; not block links)."""
    note = vault.notes[path]
    found = []
    for resolved in vault.links():
        wanted = resolved.link.heading
        if resolved.target != path or not wanted or wanted.startswith("^"):
            continue
        if find_heading(note.headings, wanted, vault.slugify) == heading:
            found.append(resolved)
    return found


def heading_rename(vault: Vault, path: str, heading: Heading, new: str,
                   lines: Lines) -> list[FileEdit]:
    """The heading line and every link to it, rewritten for the heading's new text."""
    new = new.strip()
    text = lines(path)[heading.line - 1]
    match = _HEADING.match(text)
    if not new or "\n" in new or match is None:
        return []
    edits: dict[str, list[TextChange]] = {path: [TextChange(
        Span(heading.line - 1, match.start(2), heading.line - 1, match.end(2)), new)]}
    anchor = heading_anchor(new, vault.slugify)
    for resolved in heading_links(vault, path, heading):
        link = resolved.link
        edits.setdefault(resolved.source, []).append(
            TextChange(link_span(link), _with_heading(link.raw, link.markdown, new, anchor)))
    return [FileEdit(p, tuple(changes), p) for p, changes in sorted(edits.items())]


def _with_heading(raw: str, markdown: bool, text: str, anchor: str) -> str:
    """A link's raw text pointing at the renamed heading (Markdown links: at its anchor)."""
    if markdown:
        return re.sub(r"#[^)#>\s]*(>?\))$", lambda m: f"#{anchor}{m[1]}", raw)
    head, _, rest = raw.partition("#")
    tail = rest[rest.index("|"):] if "|" in rest else rest[rest.index("]]"):]
    nested = rest[:len(rest) - len(tail)].rsplit("#", 1)  # `N#A#B`: B is the heading
    prefix = nested[0] + "#" if len(nested) == 2 else ""
    return f"{head}#{prefix}{text}{tail}"


def tag_rename(vault: Vault, tag: str, new: str, lines: Lines) -> list[FileEdit]:
    """Every `#tag` and frontmatter tag (nested ones keep their tail) renamed to `new`."""
    new = new.strip().lstrip("#")
    if not new or not _WORD.fullmatch(new):
        return []
    edits: dict[str, list[TextChange]] = {}
    for place in tag_places(vault, tag, lines):
        edits.setdefault(place.path, []).append(TextChange(place.span, new))
    return [FileEdit(p, tuple(changes), p) for p, changes in sorted(edits.items())]
