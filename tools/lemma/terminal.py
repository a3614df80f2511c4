"""Note text made safe for a terminal: control characters shown escaped, never sent raw.

A note can hold ESC or BEL (set the window title, colour or clear the screen); every place the
CLI prints text taken from a note (titles, snippets, sentences, messages) goes through `printable`.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder a line
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, newlines: bool = True) -> str:
    """`text` with every control character written as a visible escape (`\\x1b`).

    With `newlines=False` a newline or tab is escaped too (for one-line fields).
    """
    text = _CONTROL.sub(_escape, text)
    if not newlines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text
