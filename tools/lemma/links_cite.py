"""Pandoc citations as links: `[@key]`, `[see @key, p. 3]`, `[@a; -@b]`, `@key` and `@key [p. 3]`.

Part of the one link parser (`links.scan_markdown` calls `cite_links`): a citation is a
`WikiLink` whose `target` is the citekey and whose `cite` holds the group, prefix and locator.
An `@` after a letter or digit (an e-mail), after `/` (a URL), inside code, math, HTML tags or
another link is not a citation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Container, Iterator

from .model import Cite, SourcePos, WikiLink, new_link

#: Pandoc's citekey: starts with a letter, digit or `_`; internal punctuation `:.#$%&-+?<>~/`
#: only when a letter or digit follows (so `@key.` at a sentence end leaves the dot out).
_KEY = r"(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))"
# the body up to its first `@` cannot contain one: no backtracking over many `@` (linear time)
_BRACKET = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(\[:])")
_ITEM = re.compile(rf"(?P<prefix>[^@]*?)(?P<minus>-?)@{_KEY}(?P<suffix>[^@]*)", re.DOTALL)
#: `[label][ref]` and `[ref]: url`: Markdown reference links and definitions, not citations.
_REFERENCE = re.compile(r"\[[^\[\]\n]*\](?=[\[:])")
_BARE = re.compile(rf"@{_KEY}(?:[ \t]?\[(?P<locator>[^\[\]\n@]*)\](?![(\[:]))?")
#: What may come right before a bare `@key` (besides a line start): not a word (e-mails),
#: not a path or URL piece.
_BEFORE_BARE = frozenset(" \t\n([{\"'“‘«—–-;,*_~")
#: Position of an offset, as `links.LineIndex.position` gives it.
Place = Callable[[int], SourcePos]


def cite_links(text: str, place: Place, skip: Container[int] | None,
               taken: Container[int], html: Container[int] | None) -> list[WikiLink]:
    """Every citation of `text` outside `skip` (code, math, comments), `taken` (other links)
    and `html` (tags), as links in text order."""
    found: list[WikiLink] = []
    groups: list[tuple[int, int]] = []

    def free(at: int) -> bool:
        return not ((skip is not None and at in skip) or at in taken
                    or (html is not None and at in html) or _escaped(text, at))

    for match in _BRACKET.finditer(text):
        start, end = match.span()
        if "\n\n" in match.group("body") or not free(start):
            continue
        if start > 0 and text[start - 1] in "[!]":
            continue  # `[[…]]`, `![…]`, `][…]`: not a citation group
        items = list(_bracket_items(text, match, place))
        if items:
            found += items
            groups.append((start, end))
    if "]" in text:
        groups += [m.span() for m in _REFERENCE.finditer(text)]
    groups.sort()
    starts = [start for start, _ in groups]

    def inside(at: int) -> bool:  # in a citation group or a reference link (bisect: n log n)
        i = bisect_right(starts, at) - 1
        return i >= 0 and at < groups[i][1]

    for match in _BARE.finditer(text):
        at = match.start()
        if (at > 0 and text[at - 1] not in _BEFORE_BARE) or not free(at):
            continue
        if inside(at):
            continue
        key = match.group("braced") or match.group("key")
        locator = (match.group("locator") or "").strip()
        cite = Cite(at, match.end(), False, "", locator)
        found.append(new_link(key, None, None, False, place(at), at, match.end(),
                              match.group(0), False, cite))
    found.sort(key=lambda link: link.start)
    return found


def _bracket_items(text: str, match: re.Match[str], place: Place) -> Iterator[WikiLink]:
    """The keys of a `[…]` group, one link each; nothing unless every `;` part has one key."""
    body_start = match.start("body")
    parts: list[tuple[int, re.Match[str]]] = []
    offset = body_start
    for part in match.group("body").split(";"):
        item = _ITEM.fullmatch(part)
        if item is None:
            return
        parts.append((offset, item))
        offset += len(part) + 1
    group = match.span()
    for _, item in parts:
        if item.group("prefix") and not item.group("prefix")[-1].isspace():
            return  # `[x@y]`: an address, not a citation
    for base, item in parts:
        start = base + item.start("minus") if item.group("minus") else base + item.start() \
            + len(item.group("prefix"))
        end = base + item.end()
        key = item.group("braced") or item.group("key")
        suffix = item.group("suffix").strip().removeprefix(",").strip()
        cite = Cite(group[0], group[1], True, " ".join(item.group("prefix").split()),
                    " ".join(suffix.split()), bool(item.group("minus")))
        yield new_link(key, None, None, False, place(start), start, end, text[start:end],
                       False, cite)


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is preceded by an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1
