"""The one wikilink parser and the Obsidian resolution rules, used by CLI, plugin and tests alike.

Parsing finds `[[…]]` / `![[…]]` outside code, math and HTML comments; resolution maps a link's
target to a note (case-insensitively, by path, file name, title or alias, tie-broken by folder
nearness).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate

from .links_regions import indented_regions, math_regions
from .model import Heading, SourcePos, WikiLink

_FENCE_OPEN = re.compile(r"\n( {0,3})(`{3,}|~{3,})([^\n]*)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_BACKTICKS = re.compile(r"``*")  # a literal first char lets CPython scan fast
_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
# Anchored on a literal "\n" (the text is searched with one prepended): far faster than "^" with
# re.MULTILINE, which CPython tries at every offset.
_HEADING = re.compile(r"\n {0,3}(#{1,6})[ \t]+([^\n]+?)(?:[ \t]+#+)?[ \t]*(?=\n|\Z)")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)


class Regions:
    """Sorted, disjoint character ranges of a text where Markdown is not prose."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.spans = spans
        self.starts = [start for start, _ in spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.spans[i][1]


def may_have_code(text: str) -> bool:
    """A cheap test: False means `code_regions(text)` is surely empty."""
    return ("`" in text or "~~~" in text or "<!--" in text or "$" in text
            or "\n    " in text or "\n\t" in text or text.startswith(("    ", "\t")))


def code_regions(text: str) -> Regions:
    """Character ranges that are code (fenced, indented, inline), HTML comments or math.

    None of them holds links, headings or block ids.
    """
    fenced = Regions(_fenced_regions(text) if ("```" in text or "~~~" in text) else [])
    spans = list(fenced.spans)
    if "\n    " in text or "\n\t" in text or text.startswith(("    ", "\t")):
        spans += indented_regions(text, fenced)
    blocks = Regions(list(spans))
    if "<!--" in text:
        spans += [m.span() for m in _COMMENT.finditer(text) if m.start() not in blocks]
    if "`" in text:
        spans += _span_regions(text, Regions(list(spans)))
    if "$" in text:
        spans += math_regions(text, Regions(list(spans)))
    return Regions(spans)


def _fenced_regions(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks: an opening fence to the next fence of the same char and ≥ length."""
    text = "\n" + text  # every line now starts after a "\n"; offsets below shift back by one
    regions: list[tuple[int, int]] = []
    pos = 0
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        fence = opening.group(2)
        if fence[0] == "`" and "`" in opening.group(3):
            pos = opening.end()
            continue  # a backtick info string cannot contain backticks: this is inline code
        closing = re.compile(rf"\n {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*(?=\n|\Z)")
        end_match = closing.search(text, opening.end())
        end = end_match.end() if end_match else len(text)
        regions.append((opening.start(), end - 1))
        pos = end
    return regions


def _span_regions(text: str, blocked: Regions) -> list[tuple[int, int]]:
    """Inline code spans: a run of N backticks closed by the next run of exactly N."""
    regions: list[tuple[int, int]] = []
    runs = [m for m in _BACKTICKS.finditer(text) if m.start() not in blocked]
    i = 0
    while i < len(runs):
        opening = runs[i]
        if opening.start() > 0 and text[opening.start() - 1] == "\\":
            i += 1
            continue
        for j in range(i + 1, len(runs)):
            if runs[j].group() == opening.group():
                regions.append((opening.start(), runs[j].end()))
                i = j
                break
        i += 1
    return regions


def fenced_code_lines(text: str) -> list[bool]:
    """For each line of `text`, whether it is part of a fenced code block (fences included)."""
    flags = [False] * (text.count("\n") + 1)
    if "```" not in text and "~~~" not in text:
        return flags
    lines = LineIndex(text)
    for start, end in _fenced_regions(text):
        for i in range(lines.line(start) - 1, lines.line(max(end - 1, start))):
            flags[i] = True
    return flags


class LineIndex:
    """Maps character offsets of a text to 1-based (line, column)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        # a line starts one past the end of the previous one; split+accumulate runs in C
        self._starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
        self._first_line = first_line

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1 + self._first_line

    def position(self, path: str, offset: int) -> SourcePos:
        i = bisect_right(self._starts, offset) - 1
        return SourcePos(path, i + self._first_line, offset - self._starts[i] + 1)


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass over a note body finds: links, headings, block ids."""

    links: tuple[WikiLink, ...]
    headings: tuple[Heading, ...]
    block_ids: frozenset[str]


def scan_markdown(text: str, path: str = "", first_line: int = 1) -> Scan:
    """Links, headings and block ids of a note body, computing its code regions only once."""
    skip = code_regions(text) if may_have_code(text) else None
    lines = LineIndex(text, first_line)
    return Scan(
        tuple(_links(text, path, skip, lines)) if "[[" in text else (),
        _headings(text, skip, lines) if "#" in text else (),
        _block_ids(text, skip) if "^" in text else frozenset(),
    )


def parse_links(text: str, path: str = "", first_line: int = 1) -> list[WikiLink]:
    """Every wikilink and embed in `text`, in order, with its position in the file.

    `first_line` is the file line of the text's first line (a note body starts after its
    frontmatter). Links in code, in HTML comments, and escaped `\\[[` are skipped.
    """
    return list(scan_markdown(text, path, first_line).links)


def _links(text: str, path: str, skip: Regions | None, lines: LineIndex) -> list[WikiLink]:
    links = []
    for match in _LINK.finditer(text):
        bracket = match.start()
        embed = bracket > 0 and text[bracket - 1] == "!"
        start = bracket - 1 if embed else bracket
        if (skip is not None and start in skip) or _escaped(text, start):
            continue
        link = _make_link(text, match, start, embed, lines.position(path, start))
        if link is not None:
            links.append(link)
    return links


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is preceded by an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _make_link(text: str, match: re.Match[str], start: int, embed: bool,
               pos: SourcePos) -> WikiLink | None:
    target_part, sep, label = match.group(1).partition("|")
    target_part = target_part.removesuffix("\\")  # `\|` inside a table cell still splits
    target, hash_, heading = target_part.partition("#")
    target = target.strip()
    heading = heading.strip() if hash_ else None
    if not target and not heading:
        return None
    return WikiLink(target, heading or None, label.strip() if sep else None, embed, pos,
                    start, match.end(), text[start : match.end()])


@lru_cache(maxsize=65536)
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
    return scan_markdown(text, "", first_line).headings


def _headings(text: str, skip: Regions | None, lines: LineIndex) -> tuple[Heading, ...]:
    headings: list[Heading] = []
    seen: dict[str, int] = {}
    for match in _HEADING.finditer("\n" + text):
        start = match.start()  # of the line, in `text` (the prepended "\n" shifts by one)
        if skip is not None and start in skip:
            continue
        anchor = heading_anchor(match.group(2))
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}_{seen[anchor]}"
        else:
            seen[anchor] = 0
        level, title = len(match.group(1)), match.group(2)
        headings.append(Heading(level, title, lines.line(start), anchor))
    return tuple(headings)


def _block_ids(text: str, skip: Regions | None) -> frozenset[str]:
    return frozenset(block_id for _, _, block_id in block_id_spans(text, skip))


def block_id_spans(text: str, skip: Regions | None = None) -> list[tuple[int, int, str]]:
    """(start, end, id) of each Obsidian block id (`^id` ending a line) outside code.

    The id is case-folded, as `[[Note#^id]]` links compare it.
    """
    if "^" not in text:
        return []
    if skip is None and may_have_code(text):
        skip = code_regions(text)
    spans = []
    for match in _BLOCK_ID.finditer(text):
        at = match.start()
        if (at == 0 or text[at - 1] in " \t\n") and not (skip is not None and at in skip):
            spans.append((at, match.end(), match.group(1).casefold()))
    return spans


@lru_cache(maxsize=65536)
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
        named = self.by_name[Match.FILE].get(key.rsplit("/", 1)[-1], [])
        found = [p for p in named if fold(p.removesuffix(".md")).endswith("/" + key)]
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
