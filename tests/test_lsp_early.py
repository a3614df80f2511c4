"""`lsp.early`: a note opened while its vault loads gets the early diagnostics once the index is
current, and never after the whole vault's (nor for a buffer changed meanwhile)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lemma.index.early import early_vault
from lemma.index.refresh import VaultIndex
from lemma.lsp.early import publish_early
from lemma.lsp.live import LiveVault
from lemma.lsp.loading import VaultLoad
from lemma.vault_fs import list_vault
from tests.conftest import write_files


@dataclass
class Document:
    source: str
    version: int = 1


@dataclass
class Workspace:
    text_documents: dict[str, Document] = field(default_factory=dict)


class Server:
    """What `publish_early` uses of `LemmaServer`: the open buffers, the vaults, `publish`."""

    def __init__(self, load: VaultLoad) -> None:
        self.workspace = Workspace()
        self.loads = [load]
        self.load: VaultLoad | None = None
        self.published: list[tuple[str, list[str]]] = []

    def publish(self, path: str, live: LiveVault) -> None:
        self.published.append((path, [f"{d.code}: {d.hint}" for d in live.diagnostics(path)]))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    write_files(root, {"a.md": "See [[b]] and [[Nowhere]].\n", "b.md": "B.\n",
                       "beta.md": "Beta.\n"})
    with VaultIndex(root) as index:
        index.vault()
    return root


def loading(root: Path) -> VaultLoad:
    """A load whose index is current and whose stored notes are still being read."""
    load = VaultLoad(None, notes=root)
    load.done.clear()
    load.refreshed.clear()
    listing = list_vault(root)
    file = VaultIndex(root).file
    load.early = lambda path, text, hints=True: early_vault(file, root, listing, path, text,
                                                          None, 10**6, hints)
    return load


def run(server: Server, uri: str, load: VaultLoad, meanwhile=None) -> None:
    async def main() -> None:
        task = asyncio.ensure_future(publish_early(server, uri, load))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        if meanwhile is not None:
            meanwhile()
        load.refreshed.set()
        await asyncio.wait_for(task, 30)

    asyncio.run(main())


def test_the_opened_note_is_diagnosed_from_the_index_once_it_is_current(vault: Path) -> None:
    load = loading(vault)
    server = Server(load)
    uri = (vault / "a.md").as_uri()
    server.workspace.text_documents[uri] = Document("See [[b]] and [[Nowhere]] and [[betta]].\n")
    run(server, uri, load)
    fix = "broken-link: create the note or fix the name"
    assert server.published == [  # the buffer's; then with the "did you mean" of the index
        ("a.md", [fix, fix]), ("a.md", [fix, "broken-link: did you mean 'beta'?"])]
    assert server.load is load


@pytest.mark.parametrize("meanwhile", ["loaded", "edited", "closed"])
def test_nothing_early_is_published_after_the_whole_vault(vault: Path, meanwhile: str) -> None:
    load = loading(vault)
    server = Server(load)
    uri = (vault / "a.md").as_uri()
    document = server.workspace.text_documents[uri] = Document("[[Nowhere]]\n")
    gate = threading.Event()
    early = load.early
    assert early is not None

    def slow_early(path: str, text: str, hints: bool):  # the whole vault arrives meanwhile
        gate.wait(5)
        return early(path, text, hints)

    load.early = slow_early

    def happen() -> None:
        if meanwhile == "loaded":
            load.done.set()
        elif meanwhile == "edited":
            document.version, document.source = 2, "fine\n"
        else:
            del server.workspace.text_documents[uri]
        gate.set()

    async def main() -> None:
        task = asyncio.ensure_future(publish_early(server, uri, load))  # type: ignore[arg-type]
        load.refreshed.set()
        await asyncio.sleep(0.1)
        happen()
        await asyncio.wait_for(task, 30)

    asyncio.run(main())
    # an edited buffer is diagnosed again, as it is now; otherwise nothing is published
    assert server.published == ([("a.md", [])] if meanwhile == "edited" else [])


def test_the_stored_notes_wait_for_the_early_diagnostics(vault: Path) -> None:
    load = loading(vault)
    load.want_early()
    waited = threading.Thread(target=load.let_early_finish, args=(30,))
    waited.start()
    waited.join(0.2)
    assert waited.is_alive()  # still waiting for the note that wants them
    load.early_done()
    waited.join(5)
    assert not waited.is_alive()
