"""The sentence a link sits in, as plain text: the context shown with backlinks and path hops.

Computed on demand from the note body and the link's offsets (never at graph build time), so a
10k-note graph costs nothing until someone asks for a backlink.
"""

from __future__ import annotations

import re

from .links import blank_comments, parse_links, rewrite_targets

#: Longest context returned; longer sentences are cut around the link with "…".
MAX_CHARS = 280
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>|\|)")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s")
# Spans that sentence splitting must not cut: wikilinks, Markdown links, math, inline code.
_PROTECTED = re.compile(r"!?\[\[[^\[\]\n]*\]\]|!?\[[^\]\n]*\]\([^)\n]*\)|\$\$[^$]+\$\$|\$[^$\n]+\$"
                        r"|`[^`\n]+`")
_SENTENCE_END = re.compile(r"[.!?][\"')\]*_”’]*\s+")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "al", "cf", "vs", "etc", "fig", "eq", "eqs", "dr", "mr",
                            "ms", "st", "no", "approx", "resp", "sec", "ch", "vol", "p", "pp"})
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_FOOTNOTE = re.compile(r"\[\^[^\]\n]+\]")
_TAG = re.compile(r"<[^>\n]+>")
_MARKERS = re.compile(
    r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+|>\s*|\[\^[^\]]+\]:\s*"
    r"|\[![\w-]+\][-+]?\s*)+")
_CALLOUT = re.compile(r">\s*\[![\w-]+\]")
_MATH = re.compile(r"(\$\$[^$]+\$\$|\$[^$\n]+\$)")
_STRONG = re.compile(r"\*\*|__|~~")
_EMPHASIS = re.compile(r"(?<![\w*\\])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")


def link_sentence(body: str, start: int, end: int) -> str:
    """The plain-text sentence of `body` that contains the link at `body[start:end]`."""
    if "%%" in body:
        body = blank_comments(body)  # a %%private remark%% next to a link is never quoted
    lo, hi = _block(body, start)
    block = body[lo:hi]
    rel, rel_end = start - lo, end - lo
    protected = [m.span() for m in _PROTECTED.finditer(block)]
    cuts = [m.end() for m in _SENTENCE_END.finditer(block)
            if _is_sentence_end(block, m.start(), m.end(), protected)]
    first = max((c for c in cuts if c <= rel), default=0)
    last = min((c for c in cuts if c >= rel_end), default=len(block))
    prefix = suffix = ""
    if last - first > MAX_CHARS:
        first, prefix = _window_start(block, first, rel, protected)
        last, suffix = _window_end(block, last, rel_end, protected)
    return prefix + plain_text(block[first:last]) + suffix


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


def _is_sentence_end(block: str, start: int, end: int, protected: list[tuple[int, int]]) -> bool:
    """A `.`/`!`/`?` followed by space ends a sentence unless it is in a link/math or after
    an abbreviation or initial, or the next word starts in lower case."""
    if any(a <= start < b for a, b in protected):
        return False
    following = block[end : end + 1]
    if following and following.islower():
        return False
    if block[start] == ".":
        word = block[:start].rsplit(None, 1)[-1] if block[:start].strip() else ""
        word = word.lstrip("([\"'*_").casefold()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def _window_start(block: str, first: int, rel: int, protected: list[tuple[int, int]]
                  ) -> tuple[int, str]:
    """Start of a shortened context: about half the budget before the link, at a word edge,
    never inside a link or math."""
    cut = rel - MAX_CHARS // 2
    if cut <= first:
        return first, ""
    space = block.find(" ", cut, rel)
    cut = space + 1 if space >= 0 else cut
    for a, b in protected:
        if a < cut < b:
            cut = a
    return cut, "…"


def _window_end(block: str, last: int, rel_end: int, protected: list[tuple[int, int]]
                ) -> tuple[int, str]:
    """End of a shortened context, like `_window_start` after the link."""
    cut = rel_end + MAX_CHARS // 2
    if cut >= last:
        return last, ""
    space = block.rfind(" ", rel_end, cut)
    cut = space if space > rel_end else cut
    for a, b in protected:
        if a < cut < b:
            cut = b
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
    shown = {link.start: link.label or link.target or (link.heading or "").lstrip("^")
             for link in links}
    return rewrite_targets(text, links, shown)
