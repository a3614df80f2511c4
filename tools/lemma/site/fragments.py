"""HTML that Lemma writes into a page's Markdown, kept out of reach of Python-Markdown's inline
patterns so that a paragraph of thousands of links or tags builds in linear time.

Lemma's rewrites (wikilinks, Markdown links to notes, inline `#tags`, image embeds, broken
links) used to emit link syntax that Python-Markdown's link pattern then re-parsed; each link
rebuilt the paragraph string and rescanned it, quadratic (or worse, depending on the Markdown
version) in the number of links. Instead each piece of HTML is recorded in `Fragments` and stands
in the Markdown as an inert marker; `FragmentsExtension`'s preprocessor turns the markers into
Python-Markdown's own raw-HTML stash placeholders, which no inline pattern matches and which the
table of contents and the raw-HTML postprocessor already understand. Link labels stay Markdown
between an opening and a closing fragment, so they render exactly as before.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension
from markdown.preprocessors import Preprocessor

#: The marker's delimiter: a control character no Markdown syntax uses. Text that reaches a page
#: has it replaced by `clean`, so a note cannot forge a marker.
MARK = "\x1a"
_MARKER = re.compile(f"{MARK}([0-9]+){MARK}")
#: Priority of the preprocessor: after `normalize_whitespace` (30), before fenced code (25) and
#: raw HTML blocks (20).
PRIORITY = 29


class Fragments:
    """The HTML pieces of one page, each standing in its Markdown as a marker."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def mark(self, html: str) -> str:
        """The marker that will be replaced by `html` in the page."""
        self.pieces.append(html)
        return f"{MARK}{len(self.pieces) - 1}{MARK}"

    @staticmethod
    def clean(text: str) -> str:
        """`text` with any marker delimiter replaced, so that only `mark` makes markers."""
        return text.replace(MARK, "\ufffd") if MARK in text else text


class FragmentsExtension(Extension):
    """Replaces the markers of the page being built (`current`) by raw-HTML stash placeholders."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current = Fragments()

    def extendMarkdown(self, md: Any) -> None:
        md.preprocessors.register(_StashMarkers(md, self), "lemma_fragments", PRIORITY)


class _StashMarkers(Preprocessor):
    def __init__(self, md: Any, extension: FragmentsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if MARK not in text:
            return lines
        pieces = self.extension.current.pieces

        def stash(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return self.md.htmlStash.store(pieces[index]) if index < len(pieces) else "\ufffd"

        return _MARKER.sub(stash, text).replace(MARK, "\ufffd").split("\n")
