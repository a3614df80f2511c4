"""Derivations checked on save, for `lemma lsp`: in a thread handing each block to the
checker's forked workers, with `$/progress` while it runs (a note's blocks can take tens of
seconds) and one verdict per block kept for code lenses.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types as t

from ..model import Diagnostic, LemmaError, Severity, SourcePos
from . import edits, progress
from .blocks import derivation_blocks

if TYPE_CHECKING:
    from .loading import VaultLoad
    from .server import LemmaServer


async def check(server: LemmaServer, path: str, load: VaultLoad | None) -> None:
    """Check the note's derivations; publish diagnostics and refresh lenses when done."""
    live = await server.vault_of(load)
    key = server.uri(path)
    generation = server.generation[key] = server.generation.get(key, 0) + 1
    snapshot = live.snapshot(only=path)
    note = snapshot.notes.get(path)
    loop = asyncio.get_running_loop()
    token = await progress.begin(server, "check", "lemma: checking derivations", path) \
        if note and derivation_blocks(note) else None

    def cancelled() -> bool:
        return server.generation.get(key) != generation

    def done(finished: int, total: int) -> None:
        if token is not None:
            loop.call_soon_threadsafe(server.work_done_progress.report, token,
                                      t.WorkDoneProgressReport(
                                          message=f"{finished} of {total} blocks",
                                          percentage=100 * finished // max(total, 1)))

    verdicts: list[tuple[int, str]] = []
    try:
        found, verdicts = await asyncio.to_thread(
            edits.check_note_verdicts, snapshot, path, server.time_box, None, cancelled, done)
    except edits.Superseded:
        return
    except LemmaError as error:
        found = [Diagnostic(SourcePos(path, 1, 1), Severity.ERROR, "derivation-error",
                            error.message)]
    finally:
        if token is not None:
            server.work_done_progress.end(token, t.WorkDoneProgressEnd(message="done"))
    if server.generation.get(key) == generation and load in server.loads:  # not superseded
        await server.vault_of(load)
        server.derived[key] = found
        server.checked[key] = [text for _line, text in verdicts]
        server.publish(path)
        if _client_refreshes_lenses(server):
            server.workspace_code_lens_refresh(None)


def _client_refreshes_lenses(server: LemmaServer) -> bool:
    workspace = server.client_capabilities.workspace
    lens = workspace.code_lens if workspace else None
    return bool(lens and lens.refresh_support)


def verdicts(server: LemmaServer, path: str) -> list[tuple[int, str]]:
    """(0-based line of the opening fence, text) per derivation block: its last verdict, or
    that saving checks it."""
    live = server.live
    note = live.vault.notes.get(path) if live else None
    if note is None:
        return []
    blocks = derivation_blocks(note)
    known = server.checked.get(server.uri(path), [])
    if len(known) != len(blocks):
        known = ["derivation: not checked yet (save the note to check it)"] * len(blocks)
    return [(block.start, text) for block, text in zip(blocks, known, strict=True)]
