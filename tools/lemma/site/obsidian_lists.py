"""Lists as Obsidian (CommonMark) nests them, rewritten in the indentation Python-Markdown reads.

Obsidian nests an item under the one above when it is indented at least to where that item's
text starts (2 spaces under `- `, 3 under `1. `, a tab anywhere); Python-Markdown nests only by
multiples of four spaces, so 2- and 3-space sub-items came out as top-level steps. Each item is
re-indented to four spaces per level, its continuation lines and fenced code moved with it;
`1)` becomes `1.` (Python-Markdown knows only the dot); a blank line is put before a list that
follows a paragraph line. `mdx_truly_sane_lists` (one fixed nesting width) and pymdownx
`fancylists` (also four spaces, and it reads `a.` and `I.` as lists, which Obsidian does not)
were considered and do not give Obsidian's rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..links import fenced_code_lines

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])(?:( +)(.*)|$)")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_INTERRUPTS = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|>|`{3}|~{3}|\||<[A-Za-z/!])")
WIDTH = 4  # Python-Markdown's tab_length
#: Deepest nesting written out: deeper items stay at this depth (a 10,000-level list would
#: otherwise become 40,000 spaces a line and recurse through Python-Markdown).
MAX_NEST = 16


@dataclass
class _Item:
    content: int  # the source column where the item's text starts
    depth: int


def normalise_lists(markdown: str) -> str:
    """`markdown` with every list nested, numbered and separated as Obsidian shows it."""
    if not any(c in markdown for c in "-*+") and not re.search(r"\d[.)]", markdown):
        return markdown
    lines = markdown.split("\n")
    top_code = fenced_code_lines(markdown)
    out: list[str] = []
    stack: list[_Item] = []
    blank = loose = False  # loose: a blank line seen inside the current list
    continued = False  # the line before was an item's continuation (not an item)
    fence: tuple[str, _Item] | None = None  # a fenced block inside an item, and its owner
    for line, in_code in zip(lines, top_code, strict=True):
        if fence is not None:
            out.append(_move(_expand(line), fence[1]))
            closing = _expand(line).strip()
            if closing.startswith(fence[0]) and not closing.strip(fence[0][0]):
                fence = None
            continue
        if in_code and not stack:
            out.append(line)
            continue
        text = _expand(line)
        if not text.strip():
            out.append(line)
            blank = True
            loose = loose or bool(stack)
            continue
        indent = len(text) - len(text.lstrip(" "))
        item = None if _RULE.match(text) else _ITEM.match(text)
        if item is not None and (stack or indent <= 3):
            while stack and indent < stack[-1].content:
                stack.pop()
            if not stack and indent > 3:
                out.append(line)  # after the list, deeper than a list can start: code
                continue
            depth = min(len(stack), MAX_NEST - 1)
            gap = len(item.group(3) or " ")
            gap = 1 if gap > 4 or not item.group(4) else gap
            stack.append(_Item(indent + len(item.group(2)) + gap, depth))
            marker = item.group(2)
            marker = marker[:-1] + "." if marker.endswith(")") else marker
            if continued and loose and not blank:
                out.append("")  # Python-Markdown would read the item as the paragraph's text
            continued = False
            out.append(" " * (WIDTH * depth) + marker + " " + (item.group(4) or ""))
            blank = False
            continue
        if not stack:
            out.append(line)
            blank = False
            continue
        owner = next((s for s in reversed(stack) if indent >= s.content), None)
        if owner is None and (blank or _INTERRUPTS.match(text)):
            stack.clear()  # the list has ended
            loose = continued = False
            out.append(line)
            blank = False
            continue
        if owner is None:  # a lazy continuation line: part of the innermost item's paragraph
            owner = stack[-1]
            text = " " * owner.content + text.lstrip(" ")
        del stack[stack.index(owner) + 1 :]
        opening = _FENCE.match(text[owner.content :].lstrip(" "))
        if opening is not None:
            fence = (opening.group(1), owner)
        out.append(_move(text, owner))
        blank, continued = False, True
    return separate_lists("\n".join(out))


def _expand(line: str) -> str:
    """The line with the tabs of its indentation expanded to CommonMark's 4-column stops."""
    if "\t" not in line:
        return line
    rest = line.lstrip(" \t")
    return line[: len(line) - len(rest)].expandtabs(WIDTH) + rest


def _move(text: str, owner: _Item) -> str:
    """A line belonging to `owner`'s content, re-indented to where that content now starts."""
    indent = len(text) - len(text.lstrip(" "))
    extra = max(0, indent - owner.content)
    return " " * (WIDTH * (owner.depth + 1) + extra) + text.lstrip(" ") if text.strip() else ""


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_BLOCK_START = re.compile(r"^ {0,3}(?:#|>|\||<|[-*_]{3,}\s*$)")


def separate_lists(markdown: str) -> str:
    """A blank line before a list that directly follows a paragraph line, as Obsidian reads it.

    Python-Markdown (unlike Obsidian and CommonMark) needs that blank line; without it the
    list items run into the paragraph as plain text.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    previous = ""
    for line, in_code in zip(lines, fenced_code_lines(markdown), strict=True):
        if (not in_code and _LIST_ITEM.match(line) and previous.strip()
                and not previous.startswith((" ", "\t")) and not _LIST_ITEM.match(previous)
                and not _BLOCK_START.match(previous)):
            out.append("")
        out.append(line)
        previous = "" if in_code else line
    return "\n".join(out)
