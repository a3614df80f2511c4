"""Note text made safe for a terminal: control characters shown escaped, never sent raw.

A note can hold ESC or BEL (set the window title, colour or clear the screen); every place the
CLI prints text taken from a note (titles, snippets, sentences, messages) goes through `printable`.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder a line
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


#: The ASCII characters `_CONTROL` leaves alone: deleted from ASCII text, they leave its controls.
_SAFE_ASCII = bytes(c for c in range(128) if not _CONTROL.match(chr(c)))


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"  # also a valid escape inside a JSON string


def printable(text: str, newlines: bool = True) -> str:
    """`text` with every control character written as a visible escape (`\\u001b`).

    With `newlines=False` a newline or tab is escaped too (for one-line fields).
    """
    if not text.isascii() or text.encode("ascii").translate(None, _SAFE_ASCII):
        text = _CONTROL.sub(_escape, text)  # (ASCII without controls skips it: 4x faster)
    if not newlines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text


# what click.style(bold=True) writes, kept (bold is harmless); any other escape is shown
_BOLD = re.compile(r"(.*?)(\x1b\[1m|\x1b\[0m|\Z)", re.DOTALL)


class OutputError(OSError):
    """Writing the command's output failed (a full disk, a closed pipe): not the notes' fault."""


class SafeStream:
    """A text stream that writes through `printable`: what a command prints cannot drive the
    terminal, whichever line of the code printed note text. No `buffer`, so nothing bypasses it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        try:
            if "\x1b" not in text:  # no bold to keep: one pass (the lazy pattern is slow)
                self._stream.write(printable(text))
            else:
                self._stream.write(_BOLD.sub(lambda m: printable(m.group(1)) + m.group(2),
                                             text))
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from None
        return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(error.errno, error.strerror) from None

    def isatty(self) -> bool:
        return self._stream.isatty()

    def unescaped(self) -> TextIO:
        """The stream itself, for what Lemma alone writes (a progress bar: its carriage returns
        and cursor codes must reach the terminal), never for note text."""
        return self._stream

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:
        return getattr(self._stream, "errors", None)

    def fileno(self) -> int:
        return self._stream.fileno()


def progress_stream(stream: TextIO) -> TextIO:
    """Where a progress bar writes: `stream` past its `SafeStream`, if it has one."""
    return stream.unescaped() if isinstance(stream, SafeStream) else stream
