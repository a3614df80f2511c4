"""Obsidian's Markdown on an MkDocs page: callouts, inline footnotes, mermaid and the extensions
that read ==highlight==, ~~strike~~, task lists and bare URLs as Obsidian does.

Callouts (`> [!tip]- Title`) become pymdownx admonitions or collapsible details, nested ones
included; `^[inline footnotes]` become ordinary footnotes. Both are rewritten in the Markdown,
outside code, after links are rendered.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..links import code_regions, fenced_code_lines
from . import math as site_math
from .obsidian_lists import normalise_lists

MERMAID_CLASS = "lemma-mermaid"


def mermaid_fence(source: str, language: str, css_class: str, options: dict[str, Any],
                  md: Any, **kwargs: Any) -> str:
    """A ```mermaid block: its source, labelled, drawn by assets/lemma-mermaid.js when it runs."""
    return (f'<pre class="{MERMAID_CLASS}" data-label="Mermaid diagram (source)">'
            f"<code>{html.escape(source)}</code></pre>")


#: Markdown extensions for Obsidian's syntax (added unless the user configured them).
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "pymdownx.mark": {},  # ==highlight==
    "pymdownx.tilde": {"subscript": False},  # ~~strike~~ (Obsidian has no ~subscript~)
    "pymdownx.tasklist": {"custom_checkbox": True},  # - [ ] and - [x]
    "pymdownx.magiclink": {},  # bare URLs become links
    "sane_lists": {},  # `3.` starts at 3; a bullet list after a numbered one is a new list
    "lemma.site.commonmark_escapes": {},  # \" shows ", as in Obsidian
}
MERMAID_FENCE = {"name": "mermaid", "class": MERMAID_CLASS, "format": mermaid_fence}


def add_extensions(extensions: list[Any], configs: dict[str, Any],
                   strict_line_breaks: bool = True) -> None:
    """Add the Obsidian extensions and the mermaid fence to MkDocs' lists, keeping the user's;
    without strict line breaks (Obsidian's default) a single line break is a `<br>` (nl2br)."""
    wanted = dict(MARKDOWN_EXTENSIONS)
    if not strict_line_breaks:
        wanted["nl2br"] = {}
    site_math.add_extensions(extensions, configs, wanted)
    if "pymdownx.superfences" in extensions:
        fences = configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
        if not any(isinstance(f, dict) and f.get("name") == "mermaid" for f in fences):
            fences.append(dict(MERMAID_FENCE))


def obsidian_markdown(markdown: str) -> str:
    """A page's Markdown with callouts and inline footnotes in the form the extensions read."""
    if "[!" in markdown and ">" in markdown:
        markdown = convert_callouts(markdown)
    if "^[" in markdown:
        markdown = inline_footnotes(markdown)
    if "```" in markdown or "~~~" in markdown:
        markdown = align_fences(markdown)
    return markdown


_FENCE = re.compile(r"^( *)(`{3,}|~{3,})")


def align_fences(markdown: str) -> str:
    """Fenced code re-indented so its opening, body and closing lines agree, as superfences needs.

    Obsidian (CommonMark) lets a fence be indented up to three spaces more than its closing
    fence or its lines: ` ```md` … ```` ``` ````, common in callouts typed as `>  ```md`, would
    otherwise not be code at all. The block moves left to the least indentation of its lines.
    """
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None or (opening.group(2)[0] == "`" and "`" in lines[i][opening.end():]):
            i += 1  # not a fence (a backtick info string cannot hold backticks: inline code)
            continue
        fence = opening.group(2)
        closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        if j < len(lines):
            _reindent(lines, i, j, len(opening.group(1)))
        i = j + 1
    return "\n".join(lines)


def _reindent(lines: list[str], start: int, end: int, indent: int) -> None:
    """Move the fenced block lines[start..end] (fences included) to their least indentation."""
    def width(line: str) -> int:
        return len(line) - len(line.lstrip(" "))
    body = [width(line) for line in lines[start + 1 : end] if line.strip()]
    target = min([indent, width(lines[end]), *body])
    extra = indent - target
    if extra == 0 and width(lines[end]) == target:
        return
    lines[start] = " " * target + lines[start].lstrip(" ")
    lines[end] = " " * target + lines[end].lstrip(" ")
    for k in range(start + 1, end):
        if lines[k].strip():
            lines[k] = lines[k][min(extra, width(lines[k]) - target):]


_CALLOUT = re.compile(r"^([ \t]*)> ?\[!([\w-]+)\]([+-]?)[ \t]*(.*)$")
_QUOTE = re.compile(r"^([ \t]*)>")


def convert_callouts(markdown: str) -> str:
    """Obsidian callouts as admonitions (`!!!`) or collapsible details (`???`, `???+`)."""
    lines = markdown.split("\n")
    in_code = fenced_code_lines(markdown)
    out: list[str] = []
    i = 0
    while i < len(lines):
        start = None if in_code[i] else _CALLOUT.match(lines[i])
        if start is not None and i > 0 and _quoted(lines[i - 1], start.group(1)):
            start = None  # `[!type]` only opens a callout on the first line of a quote
        if start is None:
            out.append(lines[i])
            i += 1
            continue
        indent, kind, fold, title = start.groups()
        end = i + 1
        while end < len(lines) and not in_code[end] and _quoted(lines[end], indent):
            end += 1
        body = "\n".join(_unquote(line, indent) for line in lines[i + 1 : end])
        body = normalise_lists(convert_callouts(body))
        marker = {"-": "???", "+": "???+"}.get(fold, "!!!")
        head = f"{indent}{marker} {kind.lower()}" + (f' "{title.strip()}"' if title.strip() else "")
        out += ["", head]
        out += [f"{indent}    {line}" if line.strip() else "" for line in body.split("\n")]
        out.append("")
        i = end
    return "\n".join(out)


def _quoted(line: str, indent: str) -> bool:
    match = _QUOTE.match(line)
    return match is not None and match.group(1) == indent


def _unquote(line: str, indent: str) -> str:
    """One level of `>` taken off a quoted line."""
    rest = line[len(indent) + 1 :]
    return rest[1:] if rest.startswith(" ") else rest


def inline_footnotes(markdown: str) -> str:
    """`text^[a note]` as `text[^lemma-1]` with the footnote defined at the end of the page."""
    skip = code_regions(markdown)
    out: list[str] = []
    notes: list[str] = []
    pos = 0
    for match in re.finditer(r"\^\[", markdown):
        start = match.start()
        if start < pos or start in skip:
            continue
        end = _closing_bracket(markdown, match.end())
        if end is None:
            continue
        notes.append(" ".join(markdown[match.end() : end].split()))
        out += [markdown[pos:start], f"[^lemma-{len(notes)}]"]
        pos = end + 1
    if not notes:
        return markdown
    out.append(markdown[pos:])
    out += ["\n"] + [f"\n[^lemma-{n}]: {text}" for n, text in enumerate(notes, 1)] + ["\n"]
    return "".join(out)


def _closing_bracket(text: str, start: int) -> int | None:
    """The offset of the `]` closing a `[` opened just before `start` (None if unclosed)."""
    depth = 1
    i = start
    while i < len(text):
        char = text[i]
        if char == "\n" and text[i + 1 : i + 2] == "\n":
            return None  # a footnote does not span paragraphs
        if char == "\\":
            i += 1  # an escaped character is never a bracket
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


_ID = re.compile(r'(<[a-zA-Z][^<>]*?\sid=")([^"]+)(")')


def unique_ids(page_html: str) -> str:
    """The page's HTML with repeated `id`s made unique (`x`, `x_2`, …): an embed shown twice
    must not give two elements one id."""
    seen: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        value = match.group(2)
        count = seen.get(value, 0) + 1
        seen[value] = count
        if count == 1:
            return match.group(0)
        new = f"{value}_{count}"
        while new in seen:
            count += 1
            new = f"{value}_{count}"
        seen[new] = 1
        return f"{match.group(1)}{new}{match.group(3)}"

    return _ID.sub(rename, page_html) if " id=" in page_html else page_html
