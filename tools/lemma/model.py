"""The plain data of a knowledge base: positions, diagnostics, links, headings and notes.

Stdlib only: every other module (CLI, MkDocs plugin, graph, checker) speaks in these types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")


def pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle a frozen slotted dataclass as a constructor call with its field values.

    The dataclass default walks `fields()` in Python for every object, in both directions;
    this is 2.5x faster, which is most of reading 10k notes back from the index.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    get: Callable[[Any], Any] = attrgetter(*names)
    if len(names) == 1:
        single = get
        get = lambda obj: (single(obj),)  # noqa: E731

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return type(self), get(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Severity(StrEnum):
    """How bad a diagnostic is; only errors make `lemma lint` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __reduce_ex__(self, protocol: Any) -> tuple[type, tuple[str]]:
        """Pickled by value: the same bytes under every Python 3.11+ (see `pickled_by_fields`)."""
        return type(self), (self.value,)


class NoteKind(StrEnum):
    """The schema a note follows; `note` is a plain note with no required fields."""

    PAPER = "paper"
    TAKE = "take"
    CONCEPT = "concept"
    DIGEST = "digest"
    NOTE = "note"

    def __reduce_ex__(self, protocol: Any) -> tuple[type, tuple[str]]:
        """Pickled by value: the same bytes under every Python 3.11+ (see `pickled_by_fields`)."""
        return type(self), (self.value,)


#: The folder (first path component under the vault root) that implies a kind.
KIND_FOLDERS: dict[str, NoteKind] = {
    "papers": NoteKind.PAPER,
    "takes": NoteKind.TAKE,
    "concepts": NoteKind.CONCEPT,
    "digests": NoteKind.DIGEST,
}


@pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class SourcePos:
    """A place in a vault file: vault-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about the vault, printable as `path:line:col: severity code: message (hint)`."""

    pos: SourcePos
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """The one-line text form used by the CLI and the MkDocs build log."""
        text = f"{self.pos}: {self.severity.value} {self.code}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `lemma lint --format json`."""
        return {
            "path": self.pos.path,
            "line": self.pos.line,
            "col": self.pos.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple[SourcePos, str, str]:
        return (self.pos, self.code, self.message)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Cite:
    """What makes a link a Pandoc citation: `[see @key, p. 3]`, `[@a; @b]`, `[-@key]`, `@key`.

    The citation group (`[…]`, or the bare `@key`) spans `group_start`..`group_end`; several
    links (one per key) share a bracketed group, which renders as one parenthesis.
    """

    group_start: int
    group_end: int
    bracketed: bool
    prefix: str = ""
    suffix: str = ""  # the locator and comment after the key: "p. 3", "chap. 2"
    suppress_author: bool = False  # `[-@key]`: the year only


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class WikiLink:
    """One `[[…]]` or `![[…]]` as written in a note, or an internal Markdown link `[x](y.md)`.

    `start`/`end` are character offsets of the whole link (including `!`) in the text that was
    parsed, so renderers and the rename command can replace it in place.
    """

    target: str  # "" for a same-note link such as [[#Heading]]
    heading: str | None  # text after '#', e.g. "Summary" or "^block-id"
    label: str | None  # text after '|'
    embed: bool
    pos: SourcePos
    start: int
    end: int
    raw: str
    markdown: bool = False  # written as a Markdown link: `label` is its text, `target` decoded
    cite: Cite | None = None  # a citation: `target` is the citekey, resolved by `citekey`

    @property
    def is_attachment(self) -> bool:
        """A target with a file extension other than .md names an attachment (image, PDF,
        `.canvas`…), whatever the extension's length; a note whose name merely has a dot in
        it is still found (resolution falls back to notes)."""
        if self.cite is not None:
            return False
        name = self.target.rsplit("/", 1)[-1]
        if "." not in name:
            return False
        ext = name.rsplit(".", 1)[-1].lower()
        return ext != "md" and ext.isalnum() and not ext.isdigit()

    @property
    def display(self) -> str:
        """The text a reader sees for the link: its label, else what it points at."""
        if self.cite is not None:
            return f"@{self.target}"
        if self.label:
            return self.label
        if not self.target:
            return self.heading or ""
        return f"{self.target} > {self.heading}" if self.heading else self.target


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Heading:
    """A Markdown ATX heading of a note, with the anchor MkDocs gives it."""

    level: int
    text: str
    line: int
    anchor: str


@dataclass(frozen=True, slots=True)
class Note:
    """One Markdown file of the vault, parsed once.

    `meta` is the frontmatter as written (unknown keys kept); `body` is the text after it and
    `body_line` the file line on which the body starts, so body offsets map back to the file.
    """

    path: str
    kind: NoteKind
    title: str
    meta: Mapping[str, Any]
    body: str
    body_line: int
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    block_ids: frozenset[str] = frozenset()
    links: tuple[WikiLink, ...] = field(default=())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as `note_from_fields` of its fields, its headings and links as tuples of
        theirs: no pickling call per heading, link and position (a third of the pickling of
        every note an index stores)."""
        return note_from_fields, note_fields(self)

    @property
    def stem(self) -> str:
        """The file name without folder or `.md` extension."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")

    @property
    def folder(self) -> str:
        """The vault-relative folder ('' at the root)."""
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""


class LemmaError(Exception):
    """A user-facing failure: the CLI prints `message` once and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


# Quick constructors. The parser makes many small frozen objects (links, positions, headings,
# notes); their dataclass `__init__` stores each field through `object.__setattr__`. Storing them
# with the slots' own setters makes the same object at half the cost. `field_setters` refuses a
# class for which that would not hold (fields other than the ones named, no slots, a
# `__post_init__`), so a change to a class above fails at import instead of making different
# objects.

Setter = Callable[[Any, Any], None]


def field_setters(cls: type, names: str) -> tuple[Setter, ...]:
    """The slot setters of `cls`'s fields, which must be exactly `names` (space-separated, in
    declaration order): what a constructor calls, one per field, after `object.__new__(cls)`."""
    declared = tuple(f.name for f in fields(cls))
    if (declared != tuple(names.split()) or hasattr(cls, "__post_init__")
            or "__slots__" not in cls.__dict__):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass of fields {names} alone")
    return tuple(getattr(cls, name).__set__ for name in declared)


_new = object.__new__
_POS = field_setters(SourcePos, "path line col")
_LINK = field_setters(WikiLink, "target heading label embed pos start end raw markdown cite")
_HEADING = field_setters(Heading, "level text line anchor")
_NOTE = field_setters(Note, "path kind title meta body body_line aliases tags headings block_ids "
                            "links")


def new_pos(path: str, line: int, col: int) -> SourcePos:
    """`SourcePos(path, line, col)`."""
    pos = _new(SourcePos)
    set_path, set_line, set_col = _POS
    set_path(pos, path)
    set_line(pos, line)
    set_col(pos, col)
    return pos  # type: ignore[no-any-return]


def new_link(target: str, heading: str | None, label: str | None, embed: bool, pos: SourcePos,
             start: int, end: int, raw: str, markdown: bool = False,
             cite: Cite | None = None) -> WikiLink:
    """`WikiLink(target, heading, label, embed, pos, start, end, raw, markdown, cite)`."""
    link = _new(WikiLink)
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
    heading = _new(Heading)
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
    note = _new(Note)
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


_heading_fields = attrgetter("level", "text", "line", "anchor")
_link_fields = attrgetter("target", "heading", "label", "embed", "start", "end", "raw", "markdown")
_pos_fields = attrgetter("path", "line", "col")


def note_fields(note: Note) -> tuple[Any, ...]:
    """What `Note.__reduce__` pickles: the note's fields, its headings and links as tuples of
    their fields (a link's position flattened into it), for `note_from_fields`."""
    return (note.path, note.kind, note.title, note.meta, note.body, note.body_line, note.aliases,
            note.tags, tuple([_heading_fields(h) for h in note.headings]), note.block_ids,
            tuple([(*_link_fields(k), *_pos_fields(k.pos), k.cite) for k in note.links]))


def note_from_fields(path: str, kind: NoteKind, title: str, meta: Mapping[str, Any], body: str,
                     body_line: int, aliases: tuple[str, ...], tags: tuple[str, ...],
                     headings: tuple[tuple[Any, ...], ...], block_ids: frozenset[str],
                     links: tuple[tuple[Any, ...], ...]) -> Note:
    """The note `note_fields` took apart (what unpickling a stored note calls)."""
    return new_note(path, kind, title, meta, body, body_line, aliases, tags,
                    tuple([new_heading(*h) for h in headings]), block_ids,
                    tuple([new_link(t, h, label, embed, new_pos(p, line, col), start, end, raw,
                                    markdown, cite)
                           for t, h, label, embed, start, end, raw, markdown, p, line, col, cite
                           in links]))
