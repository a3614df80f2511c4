"""Where a note's Markdown is raw HTML that Python-Markdown passes through untouched.

A block that starts with a block-level tag (`<div>`, `<table>`, `<details>`…) at the start of a
line is copied to the page as is, up to its closing tag, unless it asks for Markdown with
`markdown="1"`. Links and tags written there must be rendered as HTML, not as Markdown.
"""

from __future__ import annotations

import re

from ..links import Regions, fenced_code_lines

#: Python-Markdown's block-level elements (markdown.Markdown.block_level_elements).
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "ul", "canvas", "colgroup", "iframe", "math", "noscript", "output", "progress",
    "script", "style", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "video",
    "center",
})
_OPEN = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])([^>]*)>?", re.MULTILINE)
_MARKDOWN_ATTR = re.compile(r"""\bmarkdown\s*=\s*["']?(?:1|block|span)\b""")


def raw_html_regions(text: str) -> Regions:
    """Character ranges of `text` that are raw HTML blocks (Markdown is not processed there)."""
    spans: list[tuple[int, int]] = []
    in_code = fenced_code_lines(text)
    pos = 0
    while (match := _OPEN.search(text, pos)) is not None:
        tag = match.group(1).lower()
        line = text.count("\n", 0, match.start())
        if tag not in BLOCK_TAGS or in_code[line]:
            pos = match.end()
            continue
        end = _closing(text, tag, match.end())
        if not _MARKDOWN_ATTR.search(match.group(2) or ""):
            spans.append((match.start(), end))
        pos = end if end > match.end() else match.end()
    return Regions(spans)


def _closing(text: str, tag: str, start: int) -> int:
    """The end of the element opened before `start`: after its matching closing tag."""
    pattern = re.compile(rf"<(/?){re.escape(tag)}(?=[\s/>])[^>]*>", re.IGNORECASE)
    depth = 1
    for match in pattern.finditer(text, start):
        if match.group(0).endswith("/>"):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    end = text.find("\n\n", start)  # unclosed: Python-Markdown stops at a blank line
    return len(text) if end < 0 else end
