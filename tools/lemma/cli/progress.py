"""A progress bar on stderr while a command's index refresh parses many notes (a first build
of a big vault takes seconds to minutes); nothing when stderr is not a terminal."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from ..index.apply import WORTH_SHOWING
from ..terminal import progress_stream

#: Fewer notes to parse than this are done before a bar would be worth reading.
SHOWN_FROM = WORTH_SHOWING


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class IndexProgress:
    """Told (parsed, to parse) by the refresh (`VaultIndex(progress=...)`); the bar ends with
    the parse, before the command prints, or at `close` (an error stopped the parse)."""

    def __init__(self) -> None:
        self._bars = contextlib.ExitStack()
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < SHOWN_FROM:
                return
            self._bar = self._bars.enter_context(click.progressbar(
                length=total, label=f"indexing {total:,} notes",
                file=progress_stream(sys.stderr)))
        self._bar.update(done - self._bar.pos)
        if done >= total:  # ended before the command prints what it found
            self.close()

    def close(self) -> None:
        self._bars.close()
        self._bar = None


def index_progress() -> IndexProgress | None:
    """A bar for a refresh, when someone watches stderr."""
    return IndexProgress() if stderr_is_terminal() else None
