"""Backslash escapes of every ASCII punctuation character, as CommonMark and Obsidian read
them: `\\"`, `\\<`, `\\|`, `\\~`, `\\=` show the character, not a backslash (Python-Markdown
escapes only `\\`*_{}[]()>#+-.!` by itself)."""

from __future__ import annotations

import string
from typing import Any

from markdown import Extension

PUNCTUATION = list(string.punctuation)


class CommonMarkEscapes(Extension):
    """Adds the rest of ASCII punctuation to Python-Markdown's escapable characters."""

    def extendMarkdown(self, md: Any) -> None:
        md.ESCAPED_CHARS = list(dict.fromkeys([*md.ESCAPED_CHARS, *PUNCTUATION]))


def makeExtension(**kwargs: Any) -> CommonMarkEscapes:
    return CommonMarkEscapes(**kwargs)
