"""Keep Python-Markdown linear on pathological paragraphs.

Its inline patterns rescan the rest of a paragraph from every `[` that never closes (and every
`[x](` whose `(` never closes), every `<` with no later `>` (inline HTML) and every `\\(` with
no later `\\)` (math): 20,000 unclosed `[[` in one paragraph took minutes to build. In a
paragraph with more than `LIMIT` such openers, each one is escaped, which renders the same
characters; code and `$math$` are left alone. Ordinary paragraphs are never changed. On a site
page the escapes are fragments (stashed HTML): a backslash escape is itself an inline pattern,
and thousands of them made Python-Markdown rebuild the paragraph once per escape.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..links import code_regions
from .fragments import Fragments

#: Unclosed openers a paragraph may hold before they are escaped.
LIMIT = 64
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MATH = re.compile(r"\$\$.*?\$\$|(?<!\\)\$[^$\n]+\$", re.DOTALL)
#: The HTML an escaped opener stands for: `<`, `[`, and the backslash of `\(`.
_SHOWN = {"<": "&lt;", "[": "[", "\\": "\\"}


def defuse_unclosed(markdown: str, fragments: Fragments | None = None) -> str:
    """`markdown` with the unclosed `[`, `<` and `\\(` of pathological paragraphs escaped (as
    `fragments` when given, else with Markdown's own escapes)."""
    if max(markdown.count("["), markdown.count("<"), markdown.count("\\(")) <= LIMIT:
        return markdown
    edits: list[int] = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(markdown), None]:
        end = brk.start() if brk else len(markdown)
        found = _unclosed(markdown, start, end)
        if len(found) > LIMIT:
            edits += found
        start = brk.end() if brk else end
    if not edits:
        return markdown
    skip = _protected(markdown)
    starts = [a for a, _ in skip]
    out, pos = [], 0
    for at in sorted(edits):
        i = bisect_right(starts, at) - 1
        if i >= 0 and skip[i][0] <= at < skip[i][1]:
            continue
        if fragments is not None:
            out += [markdown[pos:at], fragments.mark(_SHOWN[markdown[at]])]
            pos = at + 1
        else:
            out += [markdown[pos:at], "&lt;" if markdown[at] == "<" else "\\"]
            pos = at + (1 if markdown[at] == "<" else 0)
    out.append(markdown[pos:])
    return "".join(out)


def _unclosed(text: str, start: int, end: int) -> list[int]:
    """Offsets of the openers in text[start:end] that no closer follows."""
    found: list[int] = []
    open_brackets: list[int] = []
    last_gt = text.rfind(">", start, end)
    last_math_close = text.rfind("\\)", start, end)
    last_paren = text.rfind(")", start, end)
    for i in range(start, end):
        char = text[i]
        if char == "[" and not (i > start and text[i - 1] == "\\"):  # `\[` is escaped
            open_brackets.append(i)
        elif char == "]" and open_brackets:
            opener = open_brackets.pop()
            if i + 1 < end and text[i + 1] == "(" and i > last_paren:
                found.append(opener)  # `[x](` whose `(` never closes: not a link either
        elif char == "<" and i > last_gt:
            found.append(i)
        elif char == "(" and i > start and text[i - 1] == "\\" and i > last_math_close:
            found.append(i - 1)
    return found + open_brackets


def _protected(text: str) -> list[tuple[int, int]]:
    """Sorted, merged spans of code and math, which must stay as written (an HTML comment is
    not protected: an unclosed `<!--` is what makes Python's HTML parser rescan)."""
    code = [(a, b) for a, b in code_regions(text).spans if not text.startswith("<!--", a)]
    spans = sorted([*code, *(m.span() for m in _MATH.finditer(text))])
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
