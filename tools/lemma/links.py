"""The one wikilink parser and the Obsidian resolution rules, used by CLI, plugin and tests alike.

Parsing finds `[[…]]` / `![[…]]` outside code and HTML comments; resolution maps a link's target
to a note (case-insensitively, by path, file name, title or alias, tie-broken by folder nearness).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .model import Heading, SourcePos, WikiLink

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)")
_LINK = re.compile(r"(!?)\[\[([^\[\]\n]*)\]\]")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)


def code_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges that are fenced code, inline code or HTML comments (never links)."""
    regions = _fenced_regions(text)
    regions += _comment_regions(text, regions)
    regions += _span_regions(text, regions)
    regions.sort()
    return regions


def _fenced_regions(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks: an opening fence to the next fence of the same char and ≥ length."""
    regions: list[tuple[int, int]] = []
    pos = 0
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        fence = opening.group(2)
        if fence[0] == "`" and "`" in opening.group(3):
            pos = opening.end()
            continue  # a backtick info string cannot contain backticks: this is inline code
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        end_match = closing.search(text, opening.end())
        end = end_match.end() if end_match else len(text)
        regions.append((opening.start(), end))
        pos = end
    return regions


def _inside(regions: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` falls in one of the sorted, disjoint `regions`."""
    starts = [start for start, _ in regions]
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < regions[i][1]


def _comment_regions(text: str, fenced: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if "<!--" not in text:
        return []
    return [m.span() for m in _COMMENT.finditer(text) if not _inside(fenced, m.start())]


def _span_regions(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inline code spans: a run of N backticks closed by the next run of exactly N."""
    if "`" not in text:
        return []
    blocked = sorted(blocked)
    regions: list[tuple[int, int]] = []
    runs = [m for m in _CODE_SPAN.finditer(text) if not _inside(blocked, m.start())]
    i = 0
    while i < len(runs):
        opening = runs[i]
        if opening.start() > 0 and text[opening.start() - 1] == "\\":
            i += 1
            continue
        for j in range(i + 1, len(runs)):
            if runs[j].group(1) == opening.group(1):
                regions.append((opening.start(), runs[j].end()))
                i = j
                break
        i += 1
    return regions


class LineIndex:
    """Maps character offsets of a text to 1-based (line, column)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._first_line = first_line

    def position(self, path: str, offset: int) -> SourcePos:
        i = bisect_right(self._starts, offset) - 1
        return SourcePos(path, i + self._first_line, offset - self._starts[i] + 1)


def parse_links(text: str, path: str = "", first_line: int = 1) -> list[WikiLink]:
    """Every wikilink and embed in `text`, in order, with its position in the file.

    `first_line` is the file line of the text's first line (a note body starts after its
    frontmatter). Links in code, in HTML comments, and escaped `\\[[` are skipped.
    """
    if "[[" not in text:
        return []
    skip = code_regions(text)
    lines = LineIndex(text, first_line)
    links = []
    for match in _LINK.finditer(text):
        start = match.start()
        if skip and _inside(skip, start):
            continue
        if _escaped(text, match.start(2) - 2):
            continue
        link = _make_link(match, lines.position(path, start))
        if link is not None:
            links.append(link)
    return links


def _escaped(text: str, bracket: int) -> bool:
    """Whether the `[[` at `bracket` is preceded by an odd number of backslashes."""
    count = 0
    while bracket - count - 1 >= 0 and text[bracket - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _make_link(match: re.Match[str], pos: SourcePos) -> WikiLink | None:
    inner = match.group(2)
    target_part, sep, label = inner.partition("|")
    target_part = target_part.removesuffix("\\")  # `\|` inside a table cell still splits
    target, hash_, heading = target_part.partition("#")
    target = target.strip()
    heading = heading.strip() if hash_ else None
    if not target and not heading:
        return None
    return WikiLink(
        target=target,
        heading=heading or None,
        label=label.strip() if sep else None,
        embed=bool(match.group(1)),
        pos=pos,
        start=match.start(),
        end=match.end(),
        raw=match.group(0),
    )


def heading_anchor(text: str) -> str:
    """The id MkDocs (Python-Markdown's toc `slugify`) gives a heading with this text."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", text)  # a wikilink shows its label
    text = re.sub(r"[*_`]", "", text)
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def parse_headings(text: str, first_line: int = 1) -> tuple[Heading, ...]:
    """ATX headings outside code, with MkDocs-style unique anchors (`x`, `x_1`, …)."""
    if "#" not in text:
        return ()
    skip = code_regions(text)
    headings: list[Heading] = []
    seen: dict[str, int] = {}
    offset = 0
    for number, line in enumerate(text.split("\n")):
        match = _HEADING.match(line) if line.lstrip(" ").startswith("#") else None
        if match and not (skip and _inside(skip, offset)):
            anchor = heading_anchor(match.group(2))
            if anchor in seen:
                seen[anchor] += 1
                anchor = f"{anchor}_{seen[anchor]}"
            else:
                seen[anchor] = 0
            level, text = len(match.group(1)), match.group(2)
            headings.append(Heading(level, text, number + first_line, anchor))
        offset += len(line) + 1
    return tuple(headings)


def parse_block_ids(text: str) -> frozenset[str]:
    """Obsidian block ids (`^id` at the end of a line), for `[[Note#^id]]` links."""
    if "^" not in text:
        return frozenset()
    return frozenset(m.group(1).casefold() for m in _BLOCK_ID.finditer(text))


def fold(name: str) -> str:
    """The case- and form-insensitive key under which names are compared."""
    return unicodedata.normalize("NFC", name).casefold().strip()


class Match(StrEnum):
    """How a link target named a note, strongest first."""

    PATH = "path"
    FILE = "file"
    TITLE = "title"
    ALIAS = "alias"


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link points: a note or attachment path, or why it points nowhere."""

    status: str  # "ok" | "broken" | "ambiguous"
    path: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class NameIndex:
    """Case-insensitive lookup of notes by path, file name, title and alias; attachments by name."""

    by_path: dict[str, str]
    by_name: dict[Match, dict[str, list[str]]]
    attachments: dict[str, list[str]]

    @classmethod
    def build(
        cls, notes: Iterable[tuple[str, str, Sequence[str]]], attachments: Iterable[str] = ()
    ) -> NameIndex:
        """Index (path, title, aliases) triples and attachment paths."""
        index = cls({}, {m: {} for m in (Match.FILE, Match.TITLE, Match.ALIAS)}, {})
        for path, title, aliases in notes:
            index.by_path[fold(path.removesuffix(".md"))] = path
            stem = path.rsplit("/", 1)[-1].removesuffix(".md")
            index._add(Match.FILE, stem, path)
            index._add(Match.TITLE, title, path)
            for alias in aliases:
                index._add(Match.ALIAS, alias, path)
        for path in attachments:
            index.by_path[fold(path)] = path
            index.attachments.setdefault(fold(path.rsplit("/", 1)[-1]), []).append(path)
        return index

    def _add(self, how: Match, name: str, path: str) -> None:
        bucket = self.by_name[how].setdefault(fold(name), [])
        if path not in bucket:
            bucket.append(path)

    def names(self) -> list[str]:
        """Every note name (file names, titles, aliases) for "did you mean" suggestions."""
        return sorted({name for table in self.by_name.values() for name in table})

    def resolve(self, target: str, source_path: str, attachment: bool = False) -> Resolution:
        """Resolve a link target written in `source_path` with Obsidian's precedence rules."""
        key = fold(target).lstrip("/")
        if attachment:
            return self._resolve_attachment(key, source_path)
        key = key.removesuffix(".md")
        if key in self.by_path:
            return Resolution("ok", self.by_path[key])
        if "/" in key:
            return self._by_suffix(key, source_path)
        for how in (Match.FILE, Match.TITLE, Match.ALIAS):
            found = self.by_name[how].get(key)
            if found:
                return nearest(found, source_path)
        return Resolution("broken")

    def _by_suffix(self, key: str, source_path: str) -> Resolution:
        """A partial path `folder/name` matches every note whose path ends with it."""
        found = [p for k, p in self.by_path.items() if k.endswith("/" + key) and p.endswith(".md")]
        return nearest(found, source_path) if found else Resolution("broken")

    def _resolve_attachment(self, key: str, source_path: str) -> Resolution:
        if key in self.by_path:
            return Resolution("ok", self.by_path[key])
        found = self.attachments.get(key.rsplit("/", 1)[-1], [])
        if "/" in key:
            found = [p for p in found if fold(p).endswith("/" + key)]
        return nearest(found, source_path) if found else Resolution("broken")


def nearest(candidates: Sequence[str], source_path: str) -> Resolution:
    """Pick among same-named candidates: the linking note's folder, else the nearest ancestor."""
    if len(candidates) == 1:
        return Resolution("ok", candidates[0])
    folder = source_path.rsplit("/", 1)[0] if "/" in source_path else ""
    best: list[str] = []
    best_depth = -1
    for path in candidates:
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        if _is_ancestor(parent, folder):
            depth = parent.count("/") + 1 if parent else 0
            if depth > best_depth:
                best, best_depth = [path], depth
            elif depth == best_depth:
                best.append(path)
    if len(best) == 1:
        return Resolution("ok", best[0])
    return Resolution("ambiguous", candidates=tuple(sorted(candidates)))


def _is_ancestor(parent: str, folder: str) -> bool:
    return parent == "" or folder == parent or folder.startswith(parent + "/")


def find_heading(headings: Sequence[Heading], wanted: str) -> Heading | None:
    """The heading a `#Heading` link means: compared case-insensitively, by text or anchor.

    `Note#A#B` (Obsidian's nested form) means heading B under A: the last part decides.
    """
    last = fold(wanted.split("#")[-1])
    for heading in headings:
        if fold(heading.text) == last or heading.anchor == heading_anchor(last):
            return heading
    return None


def rewrite_targets(text: str, links: Sequence[WikiLink], replacement: Mapping[int, str]) -> str:
    """Replace the links at the given `start` offsets with new raw text, right to left."""
    for link in sorted(links, key=lambda item: item.start, reverse=True):
        if link.start in replacement:
            text = text[: link.start] + replacement[link.start] + text[link.end :]
    return text
