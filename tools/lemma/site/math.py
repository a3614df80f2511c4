"""Math without the network: arithmatex marks `$…$`/`$$…$$`, a vendored KaTeX typesets it.

Arithmatex's generic mode wraps math in `<span class="arithmatex">\\(…\\)</span>` (or a div with
`\\[…\\]`); `assets/lemma.js` renders those elements with the KaTeX shipped in `assets/katex/`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
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


# -- math as words: for the search index and for places where typesetting is not wanted -------

_TEX_WORDS = {"cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
              "ne": "≠", "neq": "≠", "approx": "≈", "propto": "∝", "to": "→", "infty": "∞",
              "in": "∈", "iff": "⇔", "implies": "⇒", "top": "T", "quad": " ", "qquad": " ",
              "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "",
              "displaystyle": "", "textstyle": "", "mathbb": "", "mathrm": "", "mathbf": "",
              "mathit": "", "mathcal": "", "operatorname": "", "text": "", "textbf": "",
              "textit": "", "boldsymbol": "", "bm": "", "tfrac": "", "frac": "", "dfrac": "",
              "sqrt": "sqrt", "hat": "", "bar": "", "tilde": "", "vec": "", "dot": "",
              "mid": "|", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖",
              "langle": "⟨", "rangle": "⟩", "ldots": "…", "cdots": "…", "dots": "…",
              "begin": "", "end": "", "pmatrix": "", "bmatrix": "", "matrix": ""}
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)|\\(.)")
_ARITHMATEX = re.compile(
    r'<(span|div) class="arithmatex([^"]*)">(\\\(|\\\[)(.*?)(\\\)|\\\])</\1>', re.S)


def tex_text(latex: str) -> str:
    """Readable words for a formula: `\\nabla_W L` -> "nabla W L", `W^\\top` -> "W T".

    Greek letters and operators keep their names, so a search for "nabla" or "lambda" finds
    them; braces, sub- and superscript marks and layout commands go.
    """
    def word(m: re.Match[str]) -> str:
        name = m.group(1)
        if name is None:
            return " " if m.group(2) in ",;:! " else m.group(2)
        if name in ("begin", "end"):
            return " "
        return f" {_TEX_WORDS.get(name, name)} "
    text = re.sub(r"\\(?:begin|end)\{[^}]*\}", " ", latex).replace("\\\\", " ")
    text = _TEX_COMMAND.sub(word, text)
    text = re.sub(r"[{}^_&$]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def searchable_math(content: str, expand: Callable[[str], str] | None = None) -> str:
    """Page HTML whose formulas the search index reads as words, not as raw LaTeX.

    Each arithmatex element is kept out of the index (`data-search-exclude`) and followed by a
    hidden span holding `tex_text` of it, which only the search plugin reads. `expand` replaces
    the project's macros first (see `lemma.macros`).
    """
    if "arithmatex" not in content:
        return content

    def swap(m: re.Match[str]) -> str:
        tag, classes, opening, body, closing = m.groups()
        tex = html.unescape(body)
        words = html.escape(tex_text(expand(tex) if expand else tex), quote=False)
        return (f'<{tag} class="arithmatex{classes}" data-search-exclude>{opening}{body}'
                f'{closing}</{tag}><span class="lemma-search-text" hidden>{words}</span>')
    return _ARITHMATEX.sub(swap, content)


_PROSE_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?![\w$])",
                         re.S)


def prose_html(text: str) -> str:
    """Plain text with `$…$` / `$$…$$` math, as HTML for KaTeX: formulas typeset, text escaped.

    Text cut in the middle of a formula (a lone `$$` or `$`) loses the formula's fragment and
    gets "…" instead, so no raw LaTeX is ever shown.
    """
    text = _drop_cut_display(text)
    out: list[str] = []
    pos = 0
    for m in _PROSE_MATH.finditer(text):
        out.append(_plain(text[pos : m.start()]))
        latex = m.group(1) if m.group(1) is not None else m.group(2)
        out.append(inline_math(latex.strip()))
        pos = m.end()
    out.append(_plain(text[pos:]))
    return "".join(out)


def _drop_cut_display(text: str) -> str:
    """Remove the fragment of a display formula that a cut left without its other `$$`."""
    if text.count("$$") % 2 == 0:
        return text
    at, end = text.find("$$"), text.rfind("$$")
    before, after = text[:at], text[end + 2 :]
    cut_at_start = text.startswith("…") or (not text.endswith("…") and _looks_like_tex(before)
                                             and not _looks_like_tex(after))
    if cut_at_start:
        return "…" + after.lstrip()
    return before.rstrip() + " …"


def _looks_like_tex(text: str) -> bool:
    return bool(re.search(r"\\[A-Za-z]|[\^_{}]", text))


def _plain(text: str) -> str:
    """Text outside formulas, escaped; a stray `$` (not a price) or `\\(` is dropped."""
    return html.escape(re.sub(r"\$(?!\d)|\\[()\[\]]", "", text))
