"""The sentence a link sits in, as plain text: the context shown with backlinks and path hops.

Computed on demand from the note body and the link's offsets (never at graph build time), so a
10k-note graph costs nothing until someone asks for a backlink.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from .links import blank_comments, parse_links, rewrite_targets

#: Longest context returned; longer sentences are cut around the link with "…".
MAX_CHARS = 280
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\|)")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s")
_HEADING_AT = re.compile(r"[ \t]{0,3}#{1,6}\s")  # these three: match(body, line_start, end)
_TABLE_LINE = re.compile(r"\s*\|")
_QUOTE_LINE = re.compile(r"\s*>")
# Spans that sentence splitting must not cut: wikilinks, Markdown links, math, inline code.
# Bracket and URL classes stop at the next opener, so unclosed ones cost linear time.
_PROTECTED = re.compile(
    r"!?\[\[[^\[\]\n]*\]\]|!?\[[^\[\]\n]*\]\([^()\[\n]*\)|\$\$[^$]+\$\$|\$[^$\n]+\$"
    r"|`[^`\n]+`|\[[^\[\]\n]*@[^\[\]\n]*\]")  # the last: a citation group, `[@a, p. 3]`
_SENTENCE_END = re.compile(r"[.!?][\"')\]*_”’]*\s+")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "al", "cf", "vs", "etc", "fig", "eq", "eqs", "dr", "mr",
                            "ms", "st", "no", "approx", "resp", "sec", "ch", "vol", "p", "pp"})
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\[\n]*\)")
_FOOTNOTE = re.compile(r"\[\^[^\[\]\n]+\]")
_TAG = re.compile(r"<[^<>\n]+>")
_MARKERS = re.compile(
    r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+|>\s*|\[\^[^\]]+\]:\s*"
    r"|\[![\w-]+\][-+]?\s*)+")
_CALLOUT = re.compile(r">\s*\[![\w-]+\]")
_MATH = re.compile(r"(\$\$[^$]+\$\$|\$[^$\n]+\$)")
_STRONG = re.compile(r"\*\*|__|~~")
_EMPHASIS = re.compile(r"(?<![\w*\\])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")


def link_sentence(body: str, start: int, end: int) -> str:
    """The plain-text sentence of `body` that contains the link at `body[start:end]`.

    The body's line index and each paragraph's sentence breaks are computed once and reused
    for every link in it, so all backlinks of a note cost time linear in its size. A
    %%private remark%% next to a link is never quoted.
    """
    index = _index(body)
    lo, hi = index.block_at(start)
    block = index.analysis(lo, hi)
    rel, rel_end = start - lo, end - lo
    cuts = block.cuts
    i = bisect_right(cuts, rel) - 1
    first = cuts[i] if i >= 0 else 0
    j = bisect_left(cuts, rel_end)
    last = cuts[j] if j < len(cuts) else len(block.text)
    prefix = suffix = ""
    if last - first > MAX_CHARS:
        first, prefix = _window_start(block, first, rel)
        last, suffix = _window_end(block, last, rel_end)
    return prefix + plain_text(block.text[first:last]) + suffix


class _Block:
    """One paragraph's text, its protected spans (sorted) and its sentence ends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.protected = [m.span() for m in _PROTECTED.finditer(text)]
        self.starts = [a for a, _ in self.protected]
        self.cuts = [m.end() for m in _SENTENCE_END.finditer(text)
                     if _is_sentence_end(self, m.start(), m.end())]

    def span_at(self, offset: int) -> tuple[int, int] | None:
        """The protected span strictly around `offset`, if any."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.protected[i][0] <= offset < self.protected[i][1]:
            return self.protected[i]
        return None


class _BodyIndex:
    """A note body's line starts and the paragraphs already found in it."""

    def __init__(self, body: str) -> None:
        self.source = body  # what the index was asked about; `body` has %%comments%% blanked
        self.body = blank_comments(body) if "%%" in body else body
        self.starts = [0, *accumulate(len(line) + 1 for line in body.split("\n")[:-1])]
        self.plain: dict[int, tuple[int, int]] = {}  # line number -> its paragraph
        self.blocks: dict[tuple[int, int], _Block] = {}

    def line_span(self, k: int) -> tuple[int, int]:
        end = self.starts[k + 1] - 1 if k + 1 < len(self.starts) else len(self.body)
        return self.starts[k], end

    def block_at(self, offset: int) -> tuple[int, int]:
        """The paragraph, list item, heading or table row around `offset` (see `_block`)."""
        k = bisect_right(self.starts, offset) - 1
        lo, hi = self.line_span(k)
        if _HEADING_AT.match(self.body, lo, hi) or _TABLE_LINE.match(self.body, lo, hi):
            return lo, hi
        if _QUOTE_LINE.match(self.body, lo, hi) or k not in self.plain:
            found = _block(self.body, offset)
            if not _QUOTE_LINE.match(self.body, lo, hi):
                first = bisect_right(self.starts, found[0]) - 1
                last = bisect_right(self.starts, found[1]) - 1
                self.plain.update(dict.fromkeys(range(first, last + 1), found))
            return found
        return self.plain[k]

    def analysis(self, lo: int, hi: int) -> _Block:
        block = self.blocks.get((lo, hi))
        if block is None:
            block = self.blocks[(lo, hi)] = _Block(self.body[lo:hi])
        return block


_INDEXES: dict[int, _BodyIndex] = {}


def _index(body: str) -> _BodyIndex:
    """The index of `body`, kept for the few bodies asked about most recently."""
    index = _INDEXES.get(id(body))
    if index is None or index.source is not body:
        if len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        index = _INDEXES[id(body)] = _BodyIndex(body)
    return index


def _block(body: str, offset: int) -> tuple[int, int]:
    """The paragraph, list item, heading or table row around `offset`, as body offsets."""
    lo = body.rfind("\n", 0, offset) + 1
    hi = body.find("\n", offset)
    hi = len(body) if hi < 0 else hi
    line = body[lo:hi]
    if _HEADING_LINE.match(line) or line.lstrip().startswith("|"):
        return lo, hi
    if line.lstrip().startswith(">"):
        return _quote_block(body, lo, hi)
    while lo > 0 and not _BLOCK_START.match(line):
        prev = body.rfind("\n", 0, lo - 1) + 1
        line = body[prev : lo - 1]
        if not line.strip() or _HEADING_LINE.match(line) or line.lstrip().startswith("|"):
            break
        lo = prev
    while hi < len(body):
        nxt = body.find("\n", hi + 1)
        nxt = len(body) if nxt < 0 else nxt
        next_line = body[hi + 1 : nxt]
        if not next_line.strip() or _BLOCK_START.match(next_line):
            break
        hi = nxt
    return lo, hi


def _quote_block(body: str, lo: int, hi: int) -> tuple[int, int]:
    """The lines of a blockquote paragraph around body[lo:hi] (a callout's title line apart)."""
    def quoted(line: str) -> bool:
        text = line.lstrip()
        return text.startswith(">") and bool(text.lstrip("> ")) and not _CALLOUT.match(text)

    if _CALLOUT.match(body[lo:hi].lstrip()):
        return lo, hi
    while lo > 0:
        prev = body.rfind("\n", 0, lo - 1) + 1
        if not quoted(body[prev : lo - 1]):
            break
        lo = prev
    while hi < len(body):
        nxt = body.find("\n", hi + 1)
        nxt = len(body) if nxt < 0 else nxt
        if not quoted(body[hi + 1 : nxt]):
            break
        hi = nxt
    return lo, hi


def _is_sentence_end(block: _Block, start: int, end: int) -> bool:
    """A `.`/`!`/`?` followed by space ends a sentence unless it is in a link/math or after
    an abbreviation or initial, or the next word starts in lower case."""
    text = block.text
    if block.span_at(start) is not None:
        return False
    following = text[end : end + 1]
    if following and following.islower():
        return False
    if text[start] == ".":
        word = _word_before(text, start).lstrip("([\"'*_").casefold()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def _word_before(text: str, end: int) -> str:
    """The last whitespace-separated word of text[:end] ('' if none), scanning back only it."""
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    begin = stop
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:stop]


def _window_start(block: _Block, first: int, rel: int) -> tuple[int, str]:
    """Start of a shortened context: about half the budget before the link, at a word edge,
    never inside a link or math."""
    cut = rel - MAX_CHARS // 2
    if cut <= first:
        return first, ""
    space = block.text.find(" ", cut, rel)
    cut = space + 1 if space >= 0 else cut
    around = block.span_at(cut)
    if around is not None and around[0] < cut:
        cut = around[0]
    return cut, "…"


def _window_end(block: _Block, last: int, rel_end: int) -> tuple[int, str]:
    """End of a shortened context, like `_window_start` after the link."""
    cut = rel_end + MAX_CHARS // 2
    if cut >= last:
        return last, ""
    space = block.text.rfind(" ", rel_end, cut)
    cut = space if space > rel_end else cut
    around = block.span_at(cut)
    if around is not None and around[0] < cut:
        cut = around[1]
    return cut, "…"


def plain_text(markdown: str) -> str:
    """A line of Markdown as a reader sees it: links by their text, markup and markers gone."""
    lines = [_BLOCK_ID.sub("", _MARKERS.sub("", line)) for line in markdown.split("\n")]
    text = " ".join(line.strip() for line in lines if line.strip())
    text = _links_as_text(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _FOOTNOTE.sub("", text)
    text = _TAG.sub("", text)
    parts = _MATH.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside $math$
        part = _STRONG.sub("", parts[i]).replace("`", "")
        parts[i] = _EMPHASIS.sub("", part)
    text = "".join(parts).strip()
    if text.startswith("|"):
        text = " ".join(cell.strip() for cell in text.strip("|").split("|") if cell.strip())
    return re.sub(r"\s+", " ", text)


def _links_as_text(text: str) -> str:
    """Each wikilink (found by THE parser) replaced by what it shows: label, target, heading."""
    links = parse_links(text)
    shown = {link.start: link.raw if link.cite is not None  # a citation reads as written
             else link.label or link.target or (link.heading or "").lstrip("^")
             for link in links}
    return rewrite_targets(text, links, shown)
