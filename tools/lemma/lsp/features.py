"""The language features as plain data: link under the cursor, definition, hover, references,
document symbols and completion. Nothing here knows pygls; positions are 0-based lines and
columns counted in characters (the adapter converts to the client's encoding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..links import LineIndex, block_id_spans, fold
from ..model import Note, WikiLink
from ..vault import ResolvedLink, Vault
from .blocks import derivation_blocks
from .names import NameList

#: Most completion items returned at once; the list is marked incomplete beyond it.
MAX_ITEMS = 100
_HOVER_CHARS = 1500
_TAG_BEFORE = re.compile(r"(?:^|\s)#([\w\-/]*)$")
_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_HEADING_LINE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of a file: 0-based (line, col) to (end_line, end_col), columns in characters."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class Place:
    """A range in a vault file (vault-relative path)."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class Item:
    """One completion: the text shown and inserted, what it is, and the span it replaces."""

    label: str
    kind: str  # "note" | "alias" | "heading" | "block" | "tag" | "name"
    detail: str
    span: Span
    sort: str = ""


@dataclass(frozen=True, slots=True)
class Symbol:
    """A document symbol: a heading (its section as span) or a derivation block, with the
    symbols inside it."""

    name: str
    kind: str  # "heading" | "derivation"
    detail: str
    span: Span
    level: int = 7  # a heading's level; blocks nest under any heading
    children: tuple[Symbol, ...] = ()


def link_span(link: WikiLink) -> Span:
    """Where a link is written (a link never spans lines)."""
    line, col = link.pos.line - 1, link.pos.col - 1
    return Span(line, col, line, col + len(link.raw))


def link_at(vault: Vault, path: str, line: int, col: int) -> ResolvedLink | None:
    """The link of note `path` under the cursor (its closing bracket included), or None."""
    for resolved in vault.resolved.get(path, ()):
        span = link_span(resolved.link)
        if span.line == line and span.col <= col <= span.end_col:
            return resolved
    return None


def definition(vault: Vault, path: str, line: int, col: int) -> Place | None:
    """Where the link under the cursor points: the note, its heading or its block."""
    resolved = link_at(vault, path, line, col)
    if resolved is None or resolved.target is None or resolved.target not in vault.notes:
        return None
    note = vault.notes[resolved.target]
    target_line = _anchor_line(note, resolved.link.heading) if resolved.ok else None
    at = target_line if target_line is not None else 0
    return Place(note.path, Span(at, 0, at, 0))


def _anchor_line(note: Note, heading: str | None) -> int | None:
    """The 0-based file line of `#Heading` or `#^block` in a note (None if absent)."""
    if not heading:
        return None
    if heading.startswith("^"):
        wanted = heading[1:].casefold()
        lines = LineIndex(note.body, note.body_line)
        for start, _end, block in block_id_spans(note.body):
            if block == wanted:
                return lines.line(start) - 1
        return None
    from ..links import find_heading

    found = find_heading(note.headings, heading)
    return found.line - 1 if found else None


def hover(vault: Vault, path: str, line: int, col: int) -> str | None:
    """Markdown for the link under the cursor: the heading's section, the block's paragraph,
    or the target note's first paragraph."""
    resolved = link_at(vault, path, line, col)
    if resolved is None or resolved.target is None:
        return None
    if resolved.target not in vault.notes:
        return f"`{resolved.target}`" if resolved.ok else None
    note = vault.notes[resolved.target]
    head = f"**{note.title}** — `{note.path}`"
    if not resolved.ok:
        return head
    anchor = _anchor_line(note, resolved.link.heading)
    text = section_text(note, anchor) if anchor is not None else first_paragraph(note)
    if len(text) > _HOVER_CHARS:
        text = text[:_HOVER_CHARS].rsplit(" ", 1)[0] + " …"
    return f"{head}\n\n{text}" if text else head


def first_paragraph(note: Note) -> str:
    """The first paragraph of prose in the body: headings, fences and comments skipped."""
    in_fence = False
    paragraph: list[str] = []
    for line in note.body.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            if paragraph:
                break
            continue
        if in_fence or _HEADING_LINE.match(line) or stripped.startswith("%%"):
            if paragraph:
                break
            continue
        if not stripped:
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    return " ".join(paragraph)


def section_text(note: Note, line: int) -> str:
    """The text from file line `line` (a heading, or a line ending in a block id) to the end
    of that section, or of the block's paragraph."""
    lines = note.body.split("\n")
    at = line - (note.body_line - 1)
    if not 0 <= at < len(lines):
        return ""
    match = _HEADING_LINE.match(lines[at])
    if match is None:  # a block id: its paragraph
        start = at
        while start > 0 and lines[start - 1].strip():
            start -= 1
        return "\n".join(lines[start:at + 1]).strip()
    level = len(lines[at].strip().split(" ", 1)[0])
    end = at + 1
    while end < len(lines):
        other = _HEADING_LINE.match(lines[end])
        if other and len(lines[end].strip().split(" ", 1)[0]) <= level:
            break
        end += 1
    return "\n".join(lines[at:end]).strip()


def references(vault: Vault, path: str, line: int, col: int) -> list[Place]:
    """Backlinks: every link to the note under the cursor's link, else to this note."""
    resolved = link_at(vault, path, line, col)
    target = resolved.target if resolved is not None and resolved.target else path
    return [Place(r.source, link_span(r.link)) for r in vault.links() if r.target == target]


def symbols(vault: Vault, path: str) -> list[Symbol]:
    """Headings (each spanning its section) and derivation blocks of a note, as an outline:
    a heading holds the lower-level headings and the blocks of its section."""
    note = vault.notes.get(path)
    if note is None:
        return []
    last = note.body_line - 1 + note.body.count("\n")
    flat = [Symbol(h.text, "heading", f"H{h.level}", Span(h.line - 1, 0, h.line - 1, 0),
                   h.level) for h in note.headings]
    for block in derivation_blocks(note):
        name = f"derivation {block.id}" if block.id else "derivation"
        flat.append(Symbol(name, "derivation", block.title, Span(block.start, 0, block.end, 0)))
    flat.sort(key=lambda s: (s.span.line, s.level))
    roots: list[tuple[Symbol, list]] = []
    stack: list[tuple[Symbol, list]] = []
    for i, symbol in enumerate(flat):
        if symbol.kind == "heading":
            end = next((o.span.line - 1 for o in flat[i + 1:]
                        if o.kind == "heading" and o.level <= symbol.level), last)
            symbol = Symbol(symbol.name, symbol.kind, symbol.detail,
                            Span(symbol.span.line, 0, max(end, symbol.span.line), 0), symbol.level)
        while stack and stack[-1][0].level >= symbol.level:
            stack.pop()
        node: tuple[Symbol, list] = (symbol, [])
        (stack[-1][1] if stack else roots).append(node)
        stack.append(node)
    return [_tree(node) for node in roots]


def _tree(node: tuple[Symbol, list]) -> Symbol:
    symbol, children = node
    return Symbol(symbol.name, symbol.kind, symbol.detail, symbol.span, symbol.level,
                  tuple(_tree(child) for child in children))


def complete(vault: Vault, path: str, line: int, before: str,
             names: NameList | None = None) -> tuple[list[Item], bool]:
    """Completions at the end of `before` (the cursor's line up to the cursor); and whether the
    list was cut at MAX_ITEMS (the client should ask again as the user types). `names`: the
    vault's sorted names, when the caller keeps them between requests."""
    note = vault.notes.get(path)
    col = len(before)
    if note is not None:
        block = next((b for b in derivation_blocks(note) if b.contains(line)), None)
        if block is not None:
            word = _WORD_BEFORE.search(before)  # also inside `# linear_combination(...)`
            typed = word.group(0) if word else ""
            span = Span(line, col - len(typed), line, col)
            return [Item(name, "name", what, span) for name, what in block.names
                    if name.startswith(typed)], False
    opening = before.rfind("[[")
    if opening >= 0 and "]]" not in before[opening:]:
        return _link_items(vault, path, line, before, opening + 2, names)
    tag = _TAG_BEFORE.search(before)
    if tag and not _HEADING_LINE.fullmatch(before):
        typed = tag.group(1)
        span = Span(line, col - len(typed), line, col)
        tags = sorted({t for n in vault for t in n.tags if fold(t).startswith(fold(typed))})
        return _cap([Item(t, "tag", "tag", span) for t in tags])
    return [], False


def _link_items(vault: Vault, path: str, line: int, before: str, start: int,
                names: NameList | None) -> tuple[list[Item], bool]:
    typed = before[start:]
    if "|" in typed:
        return [], False
    col = len(before)
    if "#" in typed:
        target, _, part = typed.partition("#")
        note = _note_named(vault, target, path)
        if note is None:
            return [], False
        if part.startswith("^"):
            span = Span(line, col - len(part) + 1, line, col)
            return _cap([Item(b, "block", note.path, span) for b in sorted(note.block_ids)
                         if b.startswith(part[1:].casefold())])
        span = Span(line, col - len(part), line, col)
        return _cap([Item(h.text, "heading", f"H{h.level} in {note.title}", span,
                          f"{i:05d}") for i, h in enumerate(note.headings)
                     if fold(part) in fold(h.text)])
    span = Span(line, start, line, col)
    found, cut = (names or NameList(vault)).search(typed, MAX_ITEMS)
    key = fold(typed)
    return [Item(n.text, n.kind, n.path if n.kind == "note" else
                 f"alias of {n.title} ({n.path})", span,
                 f"{0 if n.key.startswith(key) else 1}{i:05d}") for i, n in enumerate(found)], cut


def _note_named(vault: Vault, target: str, path: str) -> Note | None:
    if not target.strip():
        return vault.notes.get(path)
    found = vault.index.resolve(target.strip(), path)
    return vault.notes.get(found.path) if found.status == "ok" and found.path else None


def _cap(items: list[Item]) -> tuple[list[Item], bool]:
    return items[:MAX_ITEMS], len(items) > MAX_ITEMS
