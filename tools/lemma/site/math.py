"""Math without the network: arithmatex marks `$…$`/`$$…$$`, a vendored KaTeX typesets it.

Arithmatex's generic mode wraps math in `<span class="arithmatex">\\(…\\)</span>` (or a div with
`\\[…\\]`); `assets/lemma.js` renders those elements with the KaTeX shipped in `assets/katex/`.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..links import fenced_code_lines

#: Markdown extensions the site needs, with their options (added unless the user configured them).
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "attr_list": {},
    "md_in_html": {},
    "tables": {},
    "footnotes": {},
    "admonition": {},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.highlight": {"use_pygments": True},
    "pymdownx.arithmatex": {"generic": True, "block_syntax": ["dollar", "square", "begin"],
                            "inline_syntax": ["dollar", "round"]},
}

#: Vendored KaTeX files loaded on every page (paths under the site's assets/lemma/).
KATEX_CSS = "katex/katex.min.css"
KATEX_JS = "katex/katex.min.js"


def inline_math(latex: str) -> str:
    """An inline formula in the same markup arithmatex produces, for lemma.js to typeset."""
    return f'<span class="arithmatex">\\({html.escape(latex, quote=False)}\\)</span>'


def display_math(latex: str) -> str:
    """A display formula in arithmatex's markup."""
    return f'<span class="arithmatex lemma-display">\\[{html.escape(latex, quote=False)}\\]</span>'


def add_extensions(extensions: list[Any], configs: dict[str, Any],
                   wanted: dict[str, dict[str, Any]] | None = None) -> None:
    """Add Markdown extensions (the site's, by default) to MkDocs' lists in place, keeping the
    user's own choice for any extension already listed."""
    present = {e if isinstance(e, str) else "" for e in extensions}
    for name, options in (MARKDOWN_EXTENSIONS if wanted is None else wanted).items():
        if name not in present:
            extensions.append(name)
            if options:
                configs[name] = dict(options)


_INLINE_DISPLAY = re.compile(r"(?<![\\$])\$\$(?!\$)(.+?)(?<!\\)\$\$")


def separate_display_math(markdown: str) -> str:
    """Give `$$…$$` its own paragraph, as Obsidian reads it, so arithmatex sees display math.

    A one-line `$$…$$` inside a paragraph (or in the middle of a line), and the opening and
    closing lines of a multi-line `$$` block, get the blank lines arithmatex needs around them.
    Fenced code is left alone.
    """
    if "$$" not in markdown:
        return markdown
    out: list[str] = []
    in_block = False
    lines = markdown.split("\n")
    for line, in_code in zip(lines, fenced_code_lines(markdown), strict=True):
        if in_code and not in_block:
            out.append(line)
            continue
        stripped = line.strip()
        if in_block:
            out.append(line)
            if stripped.endswith("$$"):
                in_block = False
                out.append("")
            continue
        if stripped == "$$" or (stripped.startswith("$$") and stripped.count("$$") == 1):
            in_block = True
            out += ["", line]
            continue
        if "$$" in stripped and _INLINE_DISPLAY.search(line):
            out += _split_display(line)
            continue
        out.append(line)
    return "\n".join(out)


def _split_display(line: str) -> list[str]:
    """A line holding `$$…$$` as paragraphs: text, the formula alone, text."""
    parts: list[str] = [""]
    pos = 0
    indent = line[: len(line) - len(line.lstrip())]
    for m in _INLINE_DISPLAY.finditer(line):
        before = line[pos : m.start()].strip()
        if before:
            parts += [indent + before if pos == 0 else before, ""]
        parts += [f"$${m.group(1)}$$", ""]
        pos = m.end()
    after = line[pos:].strip()
    if after:
        parts += [after, ""]
    return parts
