"""The LSP methods `lemma lsp` answers, each a few lines from LSP types to the core and back."""

from __future__ import annotations

import asyncio

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from ..model import LemmaError
from . import edits, features
from .citations import citation_definition, complete_citekey
from .server import REQUEST_FAILED, LemmaServer

_KIND = {"note": t.CompletionItemKind.File, "alias": t.CompletionItemKind.Reference,
         "heading": t.CompletionItemKind.Module, "block": t.CompletionItemKind.Reference,
         "tag": t.CompletionItemKind.Keyword, "name": t.CompletionItemKind.Variable,
         "citekey": t.CompletionItemKind.Reference}
_tasks: set[asyncio.Task] = set()


def _spawn(coroutine) -> None:
    """Run in the background (a reference is kept so the task is not collected early)."""
    task = asyncio.ensure_future(coroutine)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def register(server: LemmaServer) -> None:
    """Attach every handler to `server`."""

    @server.feature(t.INITIALIZED)
    async def initialized(ls: LemmaServer, params: t.InitializedParams) -> None:
        try:
            await ls.vault()
        except JsonRpcException as error:  # e.g. no notes folder: say so once, visibly
            ls.window_show_message(t.ShowMessageParams(t.MessageType.Error, error.message))
            return
        if ls.load.notice:  # the index was rebuilt, or cannot be written: one line in the log
            ls.window_log_message(t.LogMessageParams(t.MessageType.Info, ls.load.notice))
        for uri in list(ls.workspace.text_documents):  # opened while the vault was loading
            ls.sync(uri)
        _spawn(ls.refresh_cross())
        _spawn(ls.prepare_edits())
        watching = ls.client_capabilities.workspace and \
            ls.client_capabilities.workspace.did_change_watched_files
        if watching and watching.dynamic_registration:  # notes made or changed outside
            ls.client_register_capability(t.RegistrationParams([t.Registration(
                "lemma-notes", t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                t.DidChangeWatchedFilesRegistrationOptions(
                    [t.FileSystemWatcher(glob_pattern="**/*.md")]))]))

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LemmaServer, params: t.DidOpenTextDocumentParams) -> None:
        if ls.loaded.is_set():
            ls.sync(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LemmaServer, params: t.DidChangeTextDocumentParams) -> None:
        if ls.loaded.is_set():
            ls.sync(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    def did_save(ls: LemmaServer, params: t.DidSaveTextDocumentParams) -> None:
        path = ls.sync(params.text_document.uri) if ls.loaded.is_set() else None
        if path is not None:
            _spawn(ls.refresh_cross())
            _spawn(ls.check(path))

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LemmaServer, params: t.DidCloseTextDocumentParams) -> None:
        path = ls.path(params.text_document.uri)
        if path is not None and ls.live is not None:
            if ls.live.revert(path):
                for other in ls.open_paths():
                    ls.publish(other)
            ls.derived.pop(path, None)
            ls.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: LemmaServer, params: t.DidChangeWatchedFilesParams) -> None:
        if ls.live is None:
            return
        opened = set(ls.open_paths())
        changed = False
        for event in params.changes:
            path = ls.path(event.uri)
            if path is not None and path not in opened:
                changed |= ls.live.revert(path)
        for path in opened if changed else ():
            ls.publish(path)

    @server.feature(t.TEXT_DOCUMENT_COMPLETION,
                    t.CompletionOptions(trigger_characters=["[", "#", "^", "@"]))
    async def completion(ls: LemmaServer, params: t.CompletionParams) -> t.CompletionList:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        if where is None:
            return t.CompletionList(is_incomplete=False, items=[])
        path, line, col = where
        lines = ls.lines_of(path)
        before = lines[line][:col] if line < len(lines) else ""
        cited = complete_citekey(ls.citations(live.vault), line, before)
        items, cut = (cited, False) if cited is not None else \
            features.complete(live.vault, path, line, before)
        return t.CompletionList(is_incomplete=cut, items=[
            t.CompletionItem(label=item.label, kind=_KIND[item.kind], detail=item.detail,
                             sort_text=item.sort or None, filter_text=item.label,
                             text_edit=t.TextEdit(ls.span(path, item.span), item.label))
            for item in items])

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: LemmaServer, params: t.DefinitionParams) -> t.Location | None:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        place = features.definition(live.vault, *where) if where else None
        if place is None and where is not None:  # a citation of a bibliography entry
            place = citation_definition(ls.citations(live.vault), live.vault, *where)
            if place is not None:
                at = t.Position(place.span.line, 0)
                return t.Location(ls.uri(place.path), t.Range(at, at))
        if place is None:
            return None
        return t.Location(ls.uri(place.path), ls.span(place.path, place.span))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LemmaServer, params: t.HoverParams) -> t.Hover | None:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        text = features.hover(live.vault, *where) if where else None
        if text is None:
            return None
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text))

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: LemmaServer, params: t.ReferenceParams) -> list[t.Location]:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        places = features.references(live.vault, *where) if where else []
        return [t.Location(ls.uri(p.path), ls.span(p.path, p.span)) for p in places]

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def symbols(ls: LemmaServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        live = await ls.vault()
        path = ls.path(params.text_document.uri)
        found = features.symbols(live.vault, path) if path else []
        kinds = {"heading": t.SymbolKind.String, "derivation": t.SymbolKind.Function}

        def convert(symbol: features.Symbol) -> t.DocumentSymbol:
            span = ls.span(path, symbol.span)  # type: ignore[arg-type]
            start = features.Span(symbol.span.line, 0, symbol.span.line, 0)
            return t.DocumentSymbol(name=symbol.name, kind=kinds[symbol.kind], range=span,
                                    selection_range=ls.span(path, start),  # type: ignore[arg-type]
                                    detail=symbol.detail or None,
                                    children=[convert(c) for c in symbol.children] or None)

        return [convert(symbol) for symbol in found]

    @server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: LemmaServer, params: t.PrepareRenameParams):
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        found = edits.rename_target(live.vault, *where) if where else None
        if found is None:
            return None
        _note, span, title = found
        return t.PrepareRenamePlaceholder(range=ls.span(where[0], span), placeholder=title)

    @server.feature(t.TEXT_DOCUMENT_RENAME)
    async def rename(ls: LemmaServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.position)
        found = edits.rename_target(live.vault, *where) if where else None
        if found is None:
            raise JsonRpcException("lemma: put the cursor on a link or on the note's title",
                                   code=REQUEST_FAILED)
        unsaved = [p for p in ls.open_paths() if ls.unsaved(p)]
        if unsaved:
            raise JsonRpcException(f"lemma mv works on the files: save {', '.join(unsaved)} "
                                   "first", code=REQUEST_FAILED)
        try:
            planned = edits.rename_edits(live.vault, found[0], params.new_name)
        except LemmaError as error:
            raise JsonRpcException(f"lemma mv: {error.message}", code=REQUEST_FAILED) from None
        changes: list = []
        for file in planned:
            uri = ls.uri(file.path)
            text_edits = [t.TextEdit(ls.span(file.path, c.span), c.text) for c in file.changes]
            changes.append(t.TextDocumentEdit(
                t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), text_edits))
            if file.new_path != file.path:
                changes.append(t.RenameFile(old_uri=uri, new_uri=ls.uri(file.new_path)))
        return t.WorkspaceEdit(document_changes=changes)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    async def code_action(ls: LemmaServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        live = await ls.vault()
        where = ls.cursor(params.text_document.uri, params.range.start)
        planned = edits.create_note_actions(live.vault, *where) if where else []
        actions = []
        for i, new in enumerate(planned):
            uri = ls.uri(new.path)
            edit = t.WorkspaceEdit(document_changes=[
                t.CreateFile(uri=uri, options=t.CreateFileOptions(overwrite=False,
                                                                  ignore_if_exists=True)),
                t.TextDocumentEdit(t.OptionalVersionedTextDocumentIdentifier(uri=uri,
                                                                             version=None),
                                   [t.TextEdit(t.Range(t.Position(0, 0), t.Position(0, 0)),
                                               new.text)])])
            actions.append(t.CodeAction(title=f"Create {new.kind} note '{new.title}' "
                                              f"({new.path})",
                                        kind=t.CodeActionKind.QuickFix, edit=edit,
                                        is_preferred=i == 0))
        return actions
