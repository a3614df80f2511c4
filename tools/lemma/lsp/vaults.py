"""The vaults one `lemma lsp` serves: one per project the client names (each workspace folder,
else its root, else the folder of each note it opens), and which of them the message at hand
is about. A handler selects its vault (`vault(uri)`) and then runs without awaiting, so the
server's `load` is that vault for the rest of the handler; background work selects again
after each await (`vault_of`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from .live import LiveVault
from .loading import VaultLoad
from .roots import find_project, uri_path

if TYPE_CHECKING:
    from .server import LemmaServer

REQUEST_FAILED = -32803
NO_VAULT = ("lemma: no vault here: open a note inside a folder with mkdocs.yml, a notes/ "
            "folder or .obsidian/")


class Vaults:
    """The vault-choosing half of `LemmaServer` (a mixin: `self` is the server)."""

    load: VaultLoad | None  # the vault of the message being handled
    loads: list[VaultLoad]  # every vault served
    speculative: VaultLoad | None  # the working directory's, until the client names others

    def load_for(self, uri: str | None) -> VaultLoad | None:
        """The served vault holding the file `uri` (the innermost, if vaults nest)."""
        file = uri_path(uri)
        if file is None:
            return None
        file = file.resolve()
        found = [load for load in self.loads
                 if load.notes is not None and file.is_relative_to(load.notes.resolve())]
        return max(found, key=lambda load: len(load.notes.parts), default=None)  # type: ignore

    def select(self, uri: str) -> bool:
        """Make the vault of `uri` the current one; whether there is one."""
        load = self.load_for(uri)
        if load is not None:
            self.load = load
        return load is not None

    async def vault(self, uri: str | None = None) -> LiveVault:
        """The live vault of `uri` (default: the current one), once loaded, selected."""
        load = self.load_for(uri) if uri is not None else self.load
        if load is None and uri is not None and self.load is not None and not self.loads[1:]:
            load = self.load  # one vault: a file outside it is simply not one of its notes
        return await self.vault_of(load)

    async def vault_of(self, load: VaultLoad | None) -> LiveVault:
        """`load`'s live vault once loaded (a request that comes first waits), selected."""
        if load is None:
            raise JsonRpcException(NO_VAULT, code=REQUEST_FAILED)
        if not load.done.is_set():
            await asyncio.to_thread(load.done.wait)
        if load.live is None:
            raise JsonRpcException(f"lemma: {load.error}", code=REQUEST_FAILED)
        self.load = load
        return load.live

    def choose_vaults(self: LemmaServer, roots: list[Path]) -> None:
        """Serve the vault of each client root that is in one (all workspace folders)."""
        if self.opener is None:
            return
        chosen = [self.adopt(self.opener(p.directory, p.notes))
                  for root in roots if (p := find_project(root)) is not None]
        if chosen and self.speculative is not None and self.speculative not in chosen:
            self.drop(self.speculative)
        if chosen:
            self.load = chosen[0]

    def vault_of_file(self: LemmaServer, uri: str) -> None:
        """A note opened outside every vault served: serve its own vault too (or say once,
        with `--notes`, that it is not served)."""
        file = uri_path(uri)
        if file is None or self.load_for(uri) is not None:
            return
        place = find_project(file)
        if self.opener is None or place is None:
            self.outside(file)
            return
        load = self.adopt(self.opener(place.directory, place.notes))
        speculative = self.speculative
        if speculative is not None and speculative is not load and not any(
                self.load_for(u) is speculative for u in self.workspace.text_documents):
            self.drop(speculative)  # nobody asked for the working directory's vault

    def outside(self: LemmaServer, file: Path) -> None:
        """Say once per folder that a note is in no vault this server serves."""
        if file.suffix != ".md" or file.parent in self.told or not self.loads:
            return
        self.told.add(file.parent)
        notes = ", ".join(str(load.notes) for load in self.loads)
        self.window_log_message(t.LogMessageParams(t.MessageType.Warning, (
            f"lemma: {file} is outside the vault this server serves ({notes}); "
            "an editor starts one server per vault with the README's settings")))

    def adopt(self: LemmaServer, load: VaultLoad) -> VaultLoad:
        """Serve `load` (unless its notes folder is served already: then that one)."""
        for known in self.loads:
            if load.notes is not None and known.serves(load.notes):
                return known
        self.loads.append(load.start())
        self.load = self.load or load
        if self.started:
            from .tasks import spawn

            spawn(self.after_load(load))
        return load

    def drop(self: LemmaServer, load: VaultLoad) -> None:
        """Stop serving `load`."""
        from .watch import stop_watching

        stop_watching(load)
        self.loads.remove(load)
        if self.speculative is load:
            self.speculative = None
        if self.load is load:
            self.load = self.loads[0] if self.loads else None

    async def after_load(self: LemmaServer, load: VaultLoad) -> None:
        """Once a vault is there: say what went wrong or was rebuilt, publish its open notes,
        start its vault-wide rules, and follow its files on disk. Meanwhile, `$/progress`
        while it parses many notes."""
        from .progress import show_load
        from .tasks import spawn

        spawn(show_load(self, load))
        try:
            await self.vault_of(load)
        except JsonRpcException as error:  # e.g. no notes folder: say so once, visibly
            self.window_show_message(t.ShowMessageParams(t.MessageType.Error, error.message))
            return
        if load not in self.loads:
            return  # no longer served
        if load.notice:  # the index was rebuilt, or cannot be written: one line in the log
            self.window_log_message(t.LogMessageParams(t.MessageType.Info, load.notice))
        for uri in list(self.workspace.text_documents):  # opened while the vault was loading
            if self.load_for(uri) is load:
                self.load = load
                self.sync(uri)
        from .watch import follow_disk

        spawn(self.refresh_cross(load))
        spawn(self.prepare_edits(load))
        follow_disk(self, load)

    async def refresh_cross(self: LemmaServer, load: VaultLoad | None = None) -> None:
        """Recompute the vault-wide rules off the event loop, then republish open notes."""
        load = load or self.load
        live = await self.vault_of(load)
        if not live.names_dirty:
            return
        snapshot = live.snapshot()
        live.names_dirty = False
        cross = await asyncio.to_thread(live.cross_rules, snapshot)
        await self.vault_of(load)
        live.cross = cross
        for path in self.open_paths():
            self.publish(path)

    async def prepare_edits(self: LemmaServer, load: VaultLoad, delay: float = 0.3) -> None:
        """Once the first requests are answered, build the tables the first edit would build:
        in a thread (100k notes: seconds the editor would wait), kept if no note changed
        meanwhile; after a few tries, in the event loop (where edits change them)."""
        await self.vault_of(load)
        await asyncio.sleep(delay)
        for _ in range(3):
            live = await self.vault_of(load)
            try:
                tables = await asyncio.to_thread(live.edit_tables)
            except RuntimeError:  # the notes changed under the thread
                continue
            live = await self.vault_of(load)
            if live.install(tables):
                return
        live.vault.prepare_edits()
        live.name_list()  # the first `[[` completion or workspace symbol finds it sorted
