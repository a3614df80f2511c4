"""`lemma lsp` through pytest-lsp's client with the capabilities real editors send (Neovim 0.11,
VS Code, Emacs 29 eglot): the vault named by the client's root (the server starts in this
repository, whose own vault it must not serve), and renames and "create note" only as far as
the client can apply them."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import write_files
from tests.test_lsp_server import FILES, PAPER, at

LEMMA = str(Path(sys.executable).with_name("lemma"))
CLIENTS = {"neovim": "neovim@v0.11", "vscode": "visual_studio_code", "eglot": "emacs@v29"}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[LEMMA, "lsp"]),
                    params=list(CLIENTS))
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest):
    vault = write_files(request.getfixturevalue("tmp_path") / "vault" / "notes", FILES)
    (vault.parent / "mkdocs.yml").write_text("site_name: t\ndocs_dir: notes\n")
    lsp_client.editor = request.param  # type: ignore[attr-defined]
    lsp_client.registered = []  # type: ignore[attr-defined]

    @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params: t.RegistrationParams) -> None:
        lsp_client.registered.extend(r.method for r in params.registrations)  # type: ignore

    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=client_capabilities(CLIENTS[request.param]),
        root_uri=vault.parent.as_uri(),
        workspace_folders=[t.WorkspaceFolder(vault.parent.as_uri(), "vault")]))
    yield
    await lsp_client.shutdown_session()


def paper(tmp_path: Path) -> str:
    return (tmp_path / "vault/notes/papers/p.md").as_uri()


async def open_paper(client: LanguageClient, tmp_path: Path) -> list[t.Diagnostic]:
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
        paper(tmp_path), "markdown", 1, PAPER)))
    await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[paper(tmp_path)])


def position(needle: str, delta: int) -> t.Position:
    found = at(PAPER, needle, delta)
    return t.Position(found["line"], found["character"])


@pytest.mark.asyncio
async def test_the_client_root_names_the_vault(client: LanguageClient, tmp_path: Path) -> None:
    shown = await open_paper(client, tmp_path)
    assert [(d.code, d.range.start.line) for d in shown] == [("broken-link", 13)]
    assert "Missing note" in shown[0].message


@pytest.mark.asyncio
async def test_rename_as_far_as_the_client_can(client: LanguageClient, tmp_path: Path) -> None:
    await open_paper(client, tmp_path)
    edit = await client.text_document_rename_async(t.RenameParams(
        t.TextDocumentIdentifier(paper(tmp_path)), position("[[Alpha]]", 3), "Alef"))
    assert edit is not None and edit.document_changes
    renames = [c for c in edit.document_changes if isinstance(c, t.RenameFile)]
    alpha = (tmp_path / "vault/notes/concepts/alpha.md").as_uri()
    texts = {c.text_document.uri: [e.new_text for e in c.edits] for c in edit.document_changes
             if isinstance(c, t.TextDocumentEdit)}
    assert "title: Alef\n" in texts[alpha]
    if client.editor == "eglot":  # type: ignore[attr-defined]
        assert renames == []  # eglot 1.x cannot rename files: the file keeps its name
        [message] = [m.message for m in client.messages]
        assert message == ("lemma: this editor cannot rename files, so the note keeps its "
                           "file concepts/alpha.md; run lemma mv 'Alef' concepts/alef.md "
                           "to rename it")
    else:
        assert [(r.old_uri, r.new_uri) for r in renames] == [
            (alpha, (tmp_path / "vault/notes/concepts/alef.md").as_uri())]
        assert client.messages == []


@pytest.mark.asyncio
async def test_create_note_only_where_the_client_creates_files(client: LanguageClient,
                                                               tmp_path: Path) -> None:
    await open_paper(client, tmp_path)
    where = position("[[Missing note]]", 3)
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(paper(tmp_path)), t.Range(where, where),
        t.CodeActionContext(diagnostics=[])))
    titles = [a.title for a in actions or []]
    if client.editor == "eglot":  # type: ignore[attr-defined]
        assert titles == []
    else:
        assert "Create concept note 'Missing note' (concepts/missing-note.md)" in titles


@pytest.mark.asyncio
async def test_the_client_watches_files_when_it_can(client: LanguageClient,
                                                    tmp_path: Path) -> None:
    """VS Code and eglot register a watcher for the server; Neovim on Linux cannot (it
    advertises no dynamic registration), so the server watches the vault itself."""
    await open_paper(client, tmp_path)
    await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="Alpha"))  # after load
    for _ in range(100):  # the registration follows the load; give it up to 5 s
        if client.registered:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.05)
    expected = [] if client.editor == "neovim" else [t.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert client.registered == expected  # type: ignore[attr-defined]
