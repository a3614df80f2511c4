"""Diagnostics of a note opened while its vault is still loading, from the index.

At 100k notes the stored notes take tens of seconds to read back; once the load has brought
the index up to date (`VaultLoad.refreshed`), a note opened meanwhile is diagnosed from its
buffer and the few notes its links can name (see `index.early`), within a second or two (then
once more with the "did you mean" hints of its broken links, which take longer). The
whole vault's diagnostics replace them when it is there (`Vaults.after_load` republishes every
open note); these are never published after those.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from .live import LiveVault, note_path
from .roots import uri_path

if TYPE_CHECKING:
    from .loading import VaultLoad
    from .server import LemmaServer

#: How often a note edited while its early diagnostics were made is diagnosed again.
ROUNDS = 3


def publish_early(server: LemmaServer, uri: str, load: VaultLoad) -> Coroutine[Any, Any, None]:
    """Publish the early diagnostics of the open note `uri` of the loading vault `load` (the
    load is told at once, so that it waits for them; the coroutine does the work)."""
    load.want_early()

    async def publish() -> None:
        try:
            await _publish_early(server, uri, load)
        finally:
            load.early_done()

    return publish()


async def _publish_early(server: LemmaServer, uri: str, load: VaultLoad) -> None:
    await asyncio.to_thread(load.refreshed.wait)
    file = uri_path(uri)
    if file is None or load.notes is None:
        return
    path = note_path(load.notes, file)
    hints, rounds = False, 0  # first without "did you mean" (seconds of SQL at 100k notes)
    while rounds < ROUNDS:
        early, document = load.early, server.workspace.text_documents.get(uri)
        if path is None or early is None or document is None or load.done.is_set():
            return
        version, text = document.version, document.source
        vault = await asyncio.to_thread(early, path, text, hints)
        if vault is None or load.done.is_set() or load not in server.loads:
            return  # the whole vault is there (or failed, or is no longer served)
        if uri not in server.workspace.text_documents:
            return  # closed meanwhile
        if server.workspace.text_documents[uri].version != version:
            rounds += 1  # edited meanwhile: again, with the text as it is now
            continue
        server.load = load  # no await from here: the handler's vault, as `select` does
        server.publish(path, LiveVault(vault, load.every_note))
        if hints or not getattr(vault, "hints_left", False):
            return
        hints = True  # the same diagnostics again, with their "did you mean"
