"""Where Markdown is code or math by indentation or dollars: character ranges that hold no links.

`links.code_regions` joins these to fenced code, inline code and HTML comments. Each scanner
skips offsets in `blocked` (ranges found before it), so dollars in code are not math.
"""

from __future__ import annotations

import re
from collections.abc import Container

_HEADING_START = re.compile(r"#{1,6}(?:[ \t]|$)")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# `$$…$$`, then `$…$` as arithmatex's smart dollar reads it (no space inside the dollars);
# each starts with a literal `$` (the look-behind follows it) so CPython scans for it fast.
# The inline math's text is read possessively: it cannot hold an unescaped `$`, so the only
# place it can end is the first one, which a lazy `(?:\\.|[^\\$\n])+?` (as it was written)
# finds by trying every character before it, twice as slowly.
_MATH = re.compile(r"\$\$(?<![\\$]\$\$)(?!\$).+?(?<!\\)\$\$"
                   r"|\$(?<![\\$]\$)(?![\s$])(?:[^\\$\n]++|\\.)++(?<![\s\\])\$(?!\d)")


# A line indented 4+ columns (4 spaces, or a tab within them) that is not blank, preceded by
# a blank line or an ATX heading, or first: where indented code can start. Most notes indent
# only list items, so this one search spares them the line-by-line reading below.
_INDENTED = r"(?: {4}| {0,3}\t)[ \t]*[^ \t\n]"
_CODE_MAY_START = re.compile(r"\n(?:[ \t]*| {0,3}#{1,6}(?:[ \t][^\n]*)?)\n" + _INDENTED)
_CODE_FIRST_LINE = re.compile(_INDENTED)


def indented_regions(text: str, fenced: Container[int]) -> list[tuple[int, int]]:
    """Indented code blocks: lines indented 4+ columns after a blank line or heading.

    Inside a list, indented lines continue the list item instead (as Python-Markdown reads
    them), so nothing in a list is taken for indented code.
    """
    if _CODE_FIRST_LINE.match(text) is None and _CODE_MAY_START.search("\n" + text) is None:
        return []
    return indented_lines(text, fenced)


def indented_lines(text: str, fenced: Container[int]) -> list[tuple[int, int]]:
    """`indented_regions`, reading every line (the general way, with no search first)."""
    regions: list[tuple[int, int]] = []
    start = end = offset = 0
    in_code, in_list, after_break = False, False, True
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        body = line.lstrip(" \t")
        indent = len(line[: len(line) - len(body)].expandtabs(4))
        if in_code and (not body or indent >= 4):
            end = line_start + len(line) if body else end
            after_break = not body
            continue
        if in_code:
            regions.append((start, end))
            in_code = False
        if line_start in fenced or not body:
            after_break = not body
            continue
        if indent >= 4 and after_break and not in_list:
            in_code, start, end = True, line_start, line_start + len(line)
            continue
        if _LIST_ITEM.match(line):
            in_list = True
        elif after_break and indent < 2:
            in_list = False
        after_break = indent < 4 and _HEADING_START.match(body) is not None
    if in_code:
        regions.append((start, end))
    return regions


def math_regions(text: str, blocked: Container[int]) -> list[tuple[int, int]]:
    """Math, as the site's arithmatex reads it: `$…$` and `$$…$$` within a line, and `$$`
    blocks from a line starting `$$` to the next line ending `$$` (an unclosed one is not math).
    """
    if "$$" not in text:
        return [m.span() for m in _MATH.finditer(text) if m.start() not in blocked]
    regions: list[tuple[int, int]] = []
    opened = None
    offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        if "$" not in line:  # it neither opens nor closes math, nor holds any
            continue
        stripped = line.strip()
        if opened is not None:
            if stripped.endswith("$$"):
                regions.append((opened, line_start + len(line)))
                opened = None
        elif line_start in blocked:
            continue
        elif stripped == "$$" or (stripped.startswith("$$") and stripped.count("$$") == 1):
            opened = line_start
        else:
            regions += [(line_start + m.start(), line_start + m.end())
                        for m in _MATH.finditer(line) if line_start + m.start() not in blocked]
    return regions
