"""`$/progress` for the client, for work it would otherwise wait on in silence: a derivation
check (`checking.py`) and the parse of a big vault's first load (tens of seconds at 100k)."""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING

from lsprotocol import types as t

from ..index.apply import WORTH_SHOWING

if TYPE_CHECKING:
    from .loading import VaultLoad
    from .server import LemmaServer

_tokens = itertools.count(1)
#: How often the load's progress is looked at (seconds).
LOAD_POLL = 0.25


async def begin(server: LemmaServer, kind: str, title: str, message: str) -> str | None:
    """A progress token, begun (None: the client has no progress display, or refused one)."""
    window = server.client_capabilities.window
    if not (window and window.work_done_progress):
        return None
    token = f"lemma-{kind}-{next(_tokens)}"
    try:
        await asyncio.wait_for(server.work_done_progress.create_async(token), 5)
    except Exception:  # the client refused or did not answer: no progress shown
        return None
    server.work_done_progress.begin(token, t.WorkDoneProgressBegin(
        title=title, message=message, percentage=0, cancellable=False))
    return token


async def show_load(server: LemmaServer, load: VaultLoad) -> None:
    """While `load` parses WORTH_SHOWING notes or more (a first build), how far it is."""
    token: str | None = None
    shown = -1

    def report() -> None:
        nonlocal shown
        done, total = load.parsing
        if token is not None and done != shown:
            shown = done
            server.work_done_progress.report(token, t.WorkDoneProgressReport(
                message=f"{done:,} of {total:,} notes read", percentage=100 * done // total))

    try:
        while not load.done.is_set():
            total = load.parsing[1]
            if total >= WORTH_SHOWING and token is None:
                token = await begin(server, "index", "lemma: indexing the vault",
                                    f"{total:,} notes to read")
                if token is None:
                    return
            report()
            await asyncio.to_thread(load.done.wait, LOAD_POLL)
        report()  # where the parse ended, however fast
    finally:
        if token is not None:
            server.work_done_progress.end(token, t.WorkDoneProgressEnd(
                message=f"{load.parsing[0]:,} notes read" if load.live is not None
                else "stopped"))
