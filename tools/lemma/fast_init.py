"""The parser's many small frozen objects (links, positions, headings, notes) made at half the
cost of their dataclass `__init__`, which stores each field through `object.__setattr__`.

That `__init__` only stores each field in its slot, so storing them with the slots' own setters
makes the same object. `field_setters` refuses a class for which that would not hold (fields
other than the ones named, no slots, a `__post_init__`), so a change to `model` fails at import
instead of making different objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from .model import Cite, Heading, Note, NoteKind, SourcePos, WikiLink

Setter = Callable[[Any, Any], None]


def field_setters(cls: type, names: str) -> tuple[Setter, ...]:
    """The slot setters of `cls`'s fields, which must be exactly `names` (space-separated, in
    declaration order): what a constructor calls, one per field, after `object.__new__(cls)`."""
    declared = tuple(f.name for f in fields(cls))
    if (declared != tuple(names.split()) or hasattr(cls, "__post_init__")
            or "__slots__" not in cls.__dict__):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass of fields {names} alone")
    return tuple(getattr(cls, name).__set__ for name in declared)


new = object.__new__
_POS = field_setters(SourcePos, "path line col")
_LINK = field_setters(WikiLink, "target heading label embed pos start end raw markdown cite")
_HEADING = field_setters(Heading, "level text line anchor")
_NOTE = field_setters(Note, "path kind title meta body body_line aliases tags headings block_ids "
                            "links")


def new_pos(path: str, line: int, col: int) -> SourcePos:
    """`SourcePos(path, line, col)`."""
    pos = new(SourcePos)
    set_path, set_line, set_col = _POS
    set_path(pos, path)
    set_line(pos, line)
    set_col(pos, col)
    return pos  # type: ignore[no-any-return]


def new_link(target: str, heading: str | None, label: str | None, embed: bool, pos: SourcePos,
             start: int, end: int, raw: str, markdown: bool = False,
             cite: Cite | None = None) -> WikiLink:
    """`WikiLink(target, heading, label, embed, pos, start, end, raw, markdown, cite)`."""
    link = new(WikiLink)
    (set_target, set_heading, set_label, set_embed, set_pos, set_start, set_end, set_raw,
     set_markdown, set_cite) = _LINK
    set_target(link, target)
    set_heading(link, heading)
    set_label(link, label)
    set_embed(link, embed)
    set_pos(link, pos)
    set_start(link, start)
    set_end(link, end)
    set_raw(link, raw)
    set_markdown(link, markdown)
    set_cite(link, cite)
    return link  # type: ignore[no-any-return]


def new_heading(level: int, text: str, line: int, anchor: str) -> Heading:
    """`Heading(level, text, line, anchor)`."""
    heading = new(Heading)
    set_level, set_text, set_line, set_anchor = _HEADING
    set_level(heading, level)
    set_text(heading, text)
    set_line(heading, line)
    set_anchor(heading, anchor)
    return heading  # type: ignore[no-any-return]


def new_note(path: str, kind: NoteKind, title: str, meta: Mapping[str, Any], body: str,
             body_line: int, aliases: tuple[str, ...], tags: tuple[str, ...],
             headings: tuple[Heading, ...], block_ids: frozenset[str],
             links: tuple[WikiLink, ...]) -> Note:
    """`Note(path, kind, title, meta, body, body_line, aliases, tags, headings, block_ids,
    links)`."""
    note = new(Note)
    (set_path, set_kind, set_title, set_meta, set_body, set_body_line, set_aliases, set_tags,
     set_headings, set_block_ids, set_links) = _NOTE
    set_path(note, path)
    set_kind(note, kind)
    set_title(note, title)
    set_meta(note, meta)
    set_body(note, body)
    set_body_line(note, body_line)
    set_aliases(note, aliases)
    set_tags(note, tags)
    set_headings(note, headings)
    set_block_ids(note, block_ids)
    set_links(note, links)
    return note  # type: ignore[no-any-return]
