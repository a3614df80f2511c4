"""The one wikilink parser and the Obsidian resolution rules, used by CLI, plugin and tests alike.

Parsing finds `[[…]]` / `![[…]]`, internal Markdown links `[x](note.md)` and Pandoc citations
`[@key]` (see `links_cite`) outside code, math, HTML comments and Obsidian `%%comments%%`, plus
inline `#tags`; resolution maps a link's target
to a note (case-insensitively, by path, file name, title or alias, tie-broken by folder nearness).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from .links_cite import cite_links
from .links_regions import indented_regions, math_regions
from .model import Heading, SourcePos, WikiLink, new_heading, new_link, new_pos
from .resolution import Match as Match
from .resolution import NameIndex as NameIndex
from .resolution import Resolution as Resolution
from .resolution import fold as fold
from .resolution import link_key as link_key
from .resolution import name_keys as name_keys
from .resolution import nearest as nearest

_FENCE_OPEN = re.compile(r"\n( {0,3})(`{3,}|~{3,})([^\n]*)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# Obsidian's `%%comment%%`, inline or over many lines; an unclosed one runs to the end.
_OBSIDIAN_COMMENT = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)
_BACKTICKS = re.compile(r"``*")  # a literal first char lets CPython scan fast
_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
# Anchored on a literal "\n" (the text is searched with one prepended): far faster than "^" with
# re.MULTILINE, which CPython tries at every offset.
# An ATX heading line, read greedily (`heading_text` then drops the closing hashes): a lazy
# `([^\n]+?)(?:[ \t]+#+)?[ \t]*(?=\n|\Z)` tries the line's end at each character, 2x slower.
_HEADING_LINE = re.compile(r"\n {0,3}(#{1,6})([ \t]+)([^\n]*)")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)
# A Markdown link or image: [label](url "title"); the URL may be <in angle brackets>. Written
# `(?:!\[|\[)`, not `!?\[`, so that CPython skips to a `!` or `[` (it tries an optional first
# character at every offset), and its label read possessively (a label cannot end but at the
# first `]` outside its nested `[…]`): 3x faster on real notes than the plain form, same matches.
_MD_LINK = re.compile(r"(?:!\[|\[)((?:[^\[\]\n]++|\[[^\[\]\n]*+\])*+)\]\(\s*(<[^<>\n]*>|[^\s()<>]*"
                      r"(?:\([^\s()]*\)[^\s()<>]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_MD_OPENER = re.compile(r"\]\(")  # `"](" in text`, but faster (see `_INDENT`)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:|^//")
# Obsidian's inline tag: `#` after a space or line start, then letters, digits, _ - /.
_TAG = re.compile(r"#([\w\-/]+)")  # a literal first char lets CPython scan fast
_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>\n]*>")
_NEWLINE = re.compile(r"\n")


class Regions:
    """Sorted, disjoint character ranges of a text where Markdown is not prose."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.spans = spans
        self.starts = [start for start, _ in spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.spans[i][1]


#: The code regions of a text that has none.
_NO_CODE = Regions([])


# Searching a text for a string of several characters costs ~20x a search for one character
# (memchr), so each multi-character test below first tests a rare character of it.
_INDENT = re.compile(r"\n(?:    |\t)")  # a literal first char: faster than `"\n    " in text`


def _may_indent(text: str) -> bool:
    """Whether some line of `text` starts with four spaces or a tab."""
    return _INDENT.search(text) is not None or text.startswith(("    ", "\t"))


def may_have_code(text: str) -> bool:
    """A cheap test: False means `code_regions(text)` is surely empty."""
    return ("`" in text or "$" in text or ("~" in text and "~~~" in text)
            or ("<" in text and "<!--" in text) or ("%" in text and "%%" in text)
            or _may_indent(text))


def code_regions(text: str) -> Regions:
    """Character ranges that are code (fenced, indented, inline), HTML comments, math or
    `%%comments%%`.

    None of them holds links, tags, headings or block ids.
    """
    ticks = "`" in text
    fences = (ticks and "```" in text) or ("~" in text and "~~~" in text)
    fenced = Regions(_fenced_regions(text)) if fences else _NO_CODE
    spans = list(fenced.spans)
    if _may_indent(text):
        spans += indented_regions(text, fenced)
    blocks = _found(spans)
    if "<" in text and "<!--" in text:
        spans += [m.span() for m in _COMMENT.finditer(text) if m.start() not in blocks]
    if ticks:
        spans += _span_regions(text, _found(spans))
    if "%" in text and "%%" in text:
        spans += _comment_regions(text, _found(spans))
    if "$" in text:
        spans += math_regions(text, _found(spans))
    return Regions(spans) if spans else _NO_CODE


def _found(spans: list[tuple[int, int]]) -> Regions:
    """The regions found so far (a copy: `spans` grows), the one empty `Regions` if none."""
    return Regions(list(spans)) if spans else _NO_CODE


def _comment_regions(text: str, blocked: Regions) -> list[tuple[int, int]]:
    """Obsidian `%%…%%` comments that do not start inside code or an HTML comment."""
    regions = []
    pos = 0
    while (match := _OBSIDIAN_COMMENT.search(text, pos)) is not None:
        if match.start() in blocked:
            pos = match.start() + 1
            continue
        regions.append(match.span())
        pos = match.end()
    return regions


def comment_spans(text: str) -> list[tuple[int, int]]:
    """The `%%comments%%` of a text (outside code): what a published page must never show."""
    if "%%" not in text:
        return []
    others = [span for span in code_regions(text.replace("%%", "  ")).spans]
    return _comment_regions(text, Regions(others))


def blank_comments(text: str) -> str:
    """`text` with its `%%comments%%` blanked out (offsets and line breaks unchanged)."""
    spans = comment_spans(text)
    for start, end in spans:
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text


def strip_comments(text: str) -> str:
    """`text` without its `%%comments%%`; line breaks inside them are kept, so lines still match."""
    out: list[str] = []
    pos = 0
    for start, end in comment_spans(text):
        out += [text[pos:start], "\n" * text.count("\n", start, end)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
    runs = [m.span() for m in _BACKTICKS.finditer(text)]
    if blocked.spans:  # `run[0] not in blocked`, its bisect inline (a doc has hundreds of runs)
        starts, spans = blocked.starts, blocked.spans
        runs = [run for run in runs
                if (k := bisect_right(starts, run[0]) - 1) < 0 or run[0] >= spans[k][1]]
    lengths = [end - start for start, end in runs]
    i = 0
    while i < len(runs):
        start, end = runs[i]
        if start > 0 and text[start - 1] == "\\":
            i += 1
            continue
        try:  # the next run of as many backticks closes it (searched in C)
            j = lengths.index(end - start, i + 1)
        except ValueError:
            i += 1
            continue
        regions.append((start, runs[j][1]))
        i = j + 1
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
        # a line starts one past each "\n": found by a regex scan, with no string made per line
        self._starts = [0, *[match.end() for match in _NEWLINE.finditer(text)]]
        self._first_line = first_line

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1 + self._first_line

    def position(self, path: str, offset: int) -> SourcePos:
        i = bisect_right(self._starts, offset) - 1
        return new_pos(path, i + self._first_line, offset - self._starts[i] + 1)


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass over a note body finds: links, headings, block ids, inline tags."""

    links: tuple[WikiLink, ...]
    headings: tuple[Heading, ...]
    block_ids: frozenset[str]
    tags: tuple[str, ...] = ()


#: The toc extension's slugify(value, separator): how MkDocs turns a heading into its id.
Slugify = Callable[[str, str], str]


def scan_markdown(text: str, path: str = "", first_line: int = 1,
                  slugify: Slugify | None = None) -> Scan:
    """Links, headings, block ids and tags of a note body, computing its code regions only once.

    `slugify` is the site's configured toc slugify (None: Python-Markdown's default rule).
    """
    # no code: an empty set of regions (None would make `tag_spans` and `block_id_spans` look again)
    skip = code_regions(text) if may_have_code(text) else _NO_CODE
    lines = LineIndex(text, first_line)
    markdown = _MD_OPENER.search(text) is not None
    return Scan(
        tuple(_links(text, path, skip, lines, markdown)) if ("[[" in text or markdown
                                                             or "@" in text) else (),
        _headings(text, skip, lines, slugify) if "#" in text else (),
        _block_ids(text, skip) if "^" in text else frozenset(),
        tuple(dict.fromkeys(tag for _, _, tag in tag_spans(text, skip))) if "#" in text else (),
    )


def parse_links(text: str, path: str = "", first_line: int = 1) -> list[WikiLink]:
    """Every wikilink, embed and internal Markdown link in `text`, in order, with its position.

    `first_line` is the file line of the text's first line (a note body starts after its
    frontmatter). Links in code, in comments, and escaped `\\[[` are skipped.
    """
    return list(scan_markdown(text, path, first_line).links)


def _links(text: str, path: str, skip: Regions | None, lines: LineIndex,
           markdown: bool) -> list[WikiLink]:
    """`markdown`: whether `text` has a `](`, which a Markdown link needs."""
    links = _wikilinks(text, path, skip, lines) if "[[" in text else []
    markdown_spans = []
    if markdown:
        taken = Regions([(link.start, link.end) for link in links])
        for match in _MD_LINK.finditer(text):
            start = match.start()
            markdown_spans.append(match.span())
            if (skip is not None and start in skip) or start in taken or _escaped(text, start):
                continue
            link = _make_markdown_link(match, path, lines.position(path, start))
            if link is not None:
                links.append(link)
        links.sort(key=lambda link: link.start)
    if "@" in text:
        spans = [(link.start, link.end) for link in links]
        spans += markdown_spans  # `[@x](https://…)` is a link to a web page, not a citation
        taken = Regions(spans)
        html = Regions([m.span() for m in _HTML_TAG.finditer(text)]) if "<" in text else None
        cites = cite_links(text, lambda at: lines.position(path, at), skip, taken, html)
        if cites:
            links = sorted(links + cites, key=lambda link: link.start)
    return links


def _wikilinks(text: str, path: str, skip: Regions | None, lines: LineIndex) -> list[WikiLink]:
    """The `[[target#heading|label]]` and `![[…]]` links of `text` outside `skip` and not
    escaped, in order (one loop, no call per link: a vault has a million); `[[ ]]` is none."""
    links = []
    blocked = skip if skip is not None and skip.spans else None
    line_starts, first_line = lines._starts, lines._first_line
    for match in _LINK.finditer(text):
        start, end = match.span()
        embed = start > 0 and text[start - 1] == "!"
        if embed:
            start -= 1
        if (blocked is not None and start in blocked) or (
                start > 0 and text[start - 1] == "\\" and _escaped(text, start)):
            continue
        target, sep, label = match.group(1).partition("|")
        # `\|` inside a table cell still splits
        target, hash_, heading = target.removesuffix("\\").partition("#")
        target = target.strip()
        heading = heading.strip() if hash_ else None
        if not target and not heading:
            continue
        i = bisect_right(line_starts, start) - 1
        links.append(new_link(target, heading or None, label.strip() if sep else None, embed,
                              new_pos(path, i + first_line, start - line_starts[i] + 1),
                              start, end, text[start:end]))
    return links


def lookup_key(link: WikiLink) -> str:
    """The name a link is resolved by: `@citekey` (folded) for a citation, else `link_key`."""
    if link.cite is not None:
        return "@" + fold(link.target)
    return link_key(link.target, link.is_attachment)


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is preceded by an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _make_markdown_link(match: re.Match[str], path: str, pos: SourcePos) -> WikiLink | None:
    """An internal `[x](note.md#Heading)` as a link (external URLs and bare anchors: None)."""
    url = match.group(2).removeprefix("<").removesuffix(">").strip()
    if not url or _SCHEME.match(url) or url.endswith("/"):
        return None
    target, hash_, heading = url.partition("#")
    target, heading = unquote(target).strip(), unquote(heading).strip() if hash_ else None
    if target.startswith(("./", "../")):  # relative to the linking note's folder
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if not target and not heading:
        return None
    embed = match.group(0).startswith("!")
    return new_link(target, heading or None, match.group(1).strip(), embed, pos,
                    match.start(), match.end(), match.group(0), True)


def markdown_link_text(link: WikiLink, new_target: str, source_path: str) -> str:
    """The raw text of Markdown link `link` pointing at the vault path `new_target` instead,
    written in the form the link used (relative or by path/name, `.md` or not, %-encoded)."""
    url = _MD_LINK.match(link.raw)
    assert url is not None
    written = url.group(2)
    bracketed = written.startswith("<")
    old = written.removeprefix("<").removesuffix(">").strip().partition("#")[0]
    if old.startswith(("./", "../")):
        new = posixpath.relpath(new_target, posixpath.dirname(source_path) or ".")
        new = new if new.startswith("../") else "./" + new
    elif "/" in unquote(old).lstrip("/"):
        new = ("/" if old.startswith("/") else "") + new_target
    else:
        new = new_target.rsplit("/", 1)[-1]
    if not unquote(old).endswith(".md"):
        new = new.removesuffix(".md")
    if not bracketed:
        new = new.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    old_span = written.removeprefix("<").removesuffix(">").strip()
    new_url = new + old_span[len(old):]
    start = url.start(2) + (written.index(old_span) if old_span else 0)
    return link.raw[:start] + new_url + link.raw[start + len(old_span):]


def tag_spans(text: str, skip: Regions | None = None) -> list[tuple[int, int, str]]:
    """(start, end, tag) of each inline `#tag` / `#tag/sub` outside code, comments and HTML.

    A tag needs a character other than a digit (`#2024` is not one), as in Obsidian.
    """
    if "#" not in text:
        return []
    if skip is None and may_have_code(text):
        skip = code_regions(text)
    html = Regions([m.span() for m in _HTML_TAG.finditer(text)]) if "<" in text else None
    spans = []
    for match in _TAG.finditer(text):
        if match.start() > 0 and not text[match.start() - 1].isspace():
            continue  # `C#`, `page#part`, `[[N#H]]`: not a tag
        tag = match.group(1).strip("/")
        if not tag or tag.replace("/", "").isdigit():
            continue
        if (skip is not None and match.start() in skip) or (html and match.start() in html):
            continue
        spans.append((match.start(), match.start() + 1 + len(match.group(1).rstrip("/")), tag))
    return spans


@lru_cache(maxsize=65536)
def heading_anchor(text: str, slugify: Slugify | None = None, separator: str = "-") -> str:
    """The id the toc extension gives a heading with this text, before making it unique.

    The heading's Markdown is reduced to the text the reader sees, then `slugify` (the site's
    configured toc slugify) makes the id; without one, Python-Markdown's default rule applies.
    """
    if "<" in text:
        text = _ANCHOR_HTML.sub("", text)
    if "[[" in text:
        text = _ANCHOR_LINK.sub(r"\1", text)  # a wikilink shows its label
    if "*" in text or "`" in text or "_" in text:
        text = _ANCHOR_EMPHASIS.sub("", text)  # emphasis, not snake_case
    if slugify is not None:
        return slugify(text, separator)
    value = text if text.isascii() else (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii"))
    value = _ANCHOR_DROP.sub("", value).strip().lower()
    if separator == "-":
        return _ANCHOR_DASHES.sub("-", value)
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, value)


_ANCHOR_HTML = re.compile(r"<[^>]*>")
_ANCHOR_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_ANCHOR_EMPHASIS = re.compile(r"[*`]|(?<![^\W_])_+|_+(?![^\W_])")
_ANCHOR_DROP = re.compile(r"[^\w\s-]")
_ANCHOR_DASHES = re.compile(r"[\-\s]+")


_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def unique_anchor(anchor: str, used: set[str]) -> str:
    """The toc extension's rule for repeated or empty ids: `x`, `x_1`, `x_2`; `` becomes `_1`."""
    while anchor in used or not anchor:
        count = _ID_COUNT.match(anchor)
        anchor = f"{count.group(1)}_{int(count.group(2)) + 1}" if count else f"{anchor}_1"
    used.add(anchor)
    return anchor


def parse_headings(text: str, first_line: int = 1,
                   slugify: Slugify | None = None) -> tuple[Heading, ...]:
    """ATX headings outside code, with the toc extension's unique anchors (`x`, `x_1`, …)."""
    return scan_markdown(text, "", first_line, slugify).headings


def heading_text(space: str, rest: str) -> str | None:
    """The text of an ATX heading line as `_HEADING` reads it, from the `space` after its
    hashes and the `rest` of the line: without the closing `#`s and the spaces around them."""
    if not rest:  # only spaces: the last one is the text, if another one precedes it
        return space[-1] if len(space) > 1 else None
    text = rest.rstrip(" \t")
    if text.endswith("#"):
        hashed = text.rstrip("#")
        before = hashed.rstrip(" \t")
        if len(before) < len(hashed):  # ` ##` closes the heading; `a##` is text
            text = before
    return text


def _headings(text: str, skip: Regions | None, lines: LineIndex,
              slugify: Slugify | None) -> tuple[Heading, ...]:
    headings: list[Heading] = []
    used: set[str] = set()
    blocked = skip if skip is not None and skip.spans else None
    line_starts, first_line = lines._starts, lines._first_line
    for match in _HEADING_LINE.finditer("\n" + text):
        start = match.start()  # of the line, in `text` (the prepended "\n" shifts by one)
        if blocked is not None and start in blocked:
            continue
        hashes, space, rest = match.groups()
        if rest and rest[-1] not in " \t#":
            title = rest  # no closing hashes nor spaces: what `heading_text` gives, sooner
        elif (title := heading_text(space, rest)) is None:
            continue
        anchor = heading_anchor(title, slugify)
        if anchor and anchor not in used:
            used.add(anchor)
        else:
            anchor = unique_anchor(anchor, used)
        line = bisect_right(line_starts, start) - 1 + first_line  # `lines.line(start)`
        headings.append(new_heading(len(hashes), title, line, anchor))
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


def find_heading(headings: Sequence[Heading], wanted: str,
                 slugify: Slugify | None = None) -> Heading | None:
    """The heading a `#Heading` link means: compared case-insensitively, by text or anchor.

    `Note#A#B` (Obsidian's nested form) means heading B under A: the last part decides.
    """
    last = fold(wanted.split("#")[-1])
    for heading in headings:
        if fold(heading.text) == last:
            return heading
    anchor = heading_anchor(last, slugify)
    for heading in headings:
        if anchor and heading.anchor == anchor:
            return heading
    return None


def rewrite_targets(text: str, links: Sequence[WikiLink], replacement: Mapping[int, str]) -> str:
    """Replace the links at the given `start` offsets with new raw text, right to left."""
    for link in sorted(links, key=lambda item: item.start, reverse=True):
        if link.start in replacement:
            text = text[: link.start] + replacement[link.start] + text[link.end :]
    return text
