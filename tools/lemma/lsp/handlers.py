"""The LSP methods `lemma lsp` answers, each a few lines from LSP types to the core and back."""

from __future__ import annotations

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from ..model import LemmaError
from . import edits, features, handlers_nav
from .citations import citation_definition, complete_citekey
from .loading import Opener, VaultLoad
from .roots import client_roots, uri_path
from .server import REQUEST_FAILED, LemmaServer
from .tasks import spawn
from .transport import TolerantWorkspace

_KIND = {"note": t.CompletionItemKind.File, "alias": t.CompletionItemKind.Reference,
         "heading": t.CompletionItemKind.Module, "block": t.CompletionItemKind.Reference,
         "tag": t.CompletionItemKind.Keyword, "name": t.CompletionItemKind.Variable,
         "citekey": t.CompletionItemKind.Reference}
def register(server: LemmaServer) -> None:
    """Attach every handler to `server`."""

    @server.feature(t.INITIALIZE)
    def initialize(ls: LemmaServer, params: t.InitializeParams) -> None:
        ls.workspace.__class__ = TolerantWorkspace  # the same state, kinder to stray changes
        folders = [f.uri for f in params.workspace_folders or ()]
        ls.choose_vaults(client_roots(params.root_uri, params.root_path, folders))

    @server.feature(t.INITIALIZED)
    async def initialized(ls: LemmaServer, params: t.InitializedParams) -> None:
        ls.started = True
        for load in list(ls.loads):  # none yet: the first note opened names its vault
            spawn(ls.after_load(load))

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LemmaServer, params: t.DidOpenTextDocumentParams) -> None:
        ls.vault_of_file(params.text_document.uri)
        if ls.select(params.text_document.uri) and ls.ready:
            ls.sync(params.text_document.uri)
        elif (load := ls.load_for(params.text_document.uri)) is not None:
            from .early import publish_early  # the rest of the vault is still loading

            spawn(publish_early(ls, params.text_document.uri, load))

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LemmaServer, params: t.DidChangeTextDocumentParams) -> None:
        if ls.select(params.text_document.uri) and ls.ready:
            ls.sync(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    def did_save(ls: LemmaServer, params: t.DidSaveTextDocumentParams) -> None:
        ready = ls.select(params.text_document.uri) and ls.ready
        path = ls.sync(params.text_document.uri) if ready else None
        if path is not None:
            spawn(ls.refresh_cross(ls.load))
            spawn(ls.check(path, ls.load))

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LemmaServer, params: t.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = ls.path(uri) if ls.select(uri) else None
        if path is not None and ls.live is not None:
            if ls.live.revert(path):
                for other in ls.open_paths():
                    ls.publish(other)
            ls.derived.pop(uri, None)
            ls.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: LemmaServer, params: t.DidChangeWatchedFilesParams) -> None:
        for load in [load for load in ls.loads if load.live is not None]:
            files = [path for event in params.changes if (path := uri_path(event.uri))
                     and ls.load_for(event.uri) is load
                     and not (event.type == t.FileChangeType.Changed and path.is_dir())]
            if files:
                ls.load = load
                ls.disk_changed(files)

    @server.feature(t.TEXT_DOCUMENT_COMPLETION,
                    t.CompletionOptions(trigger_characters=["[", "#", "^", "@"]))
    async def completion(ls: LemmaServer, params: t.CompletionParams) -> t.CompletionList:
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.position)
        if where is None:
            return t.CompletionList(is_incomplete=False, items=[])
        path, line, col = where
        lines = ls.lines_of(path)
        before = lines[line][:col] if line < len(lines) else ""
        cited = complete_citekey(ls.citations(live.vault), line, before)
        items, cut = (cited, False) if cited is not None else \
            features.complete(live.vault, path, line, before, live.name_list())
        return t.CompletionList(is_incomplete=cut, items=[
            t.CompletionItem(label=item.label, kind=_KIND[item.kind], detail=item.detail,
                             sort_text=item.sort or None, filter_text=item.label,
                             text_edit=t.TextEdit(ls.span(path, item.span), item.label))
            for item in items])

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: LemmaServer, params: t.DefinitionParams) -> t.Location | None:
        live = await ls.vault(params.text_document.uri)
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
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.position)
        text = features.hover(live.vault, *where) if where else None
        if text is None and where is not None:
            text = handlers_nav.hover(live, ls, where)  # a tag: the notes carrying it
        if text is None:
            return None
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text))

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: LemmaServer, params: t.ReferenceParams) -> list[t.Location]:
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.position)
        places = handlers_nav.references(ls, live, where, params.context.include_declaration) \
            if where else None
        if places is None:  # not a heading or a tag: backlinks
            places = features.references(live.vault, *where) if where else []
        return [t.Location(ls.uri(p.path), ls.span(p.path, p.span)) for p in places]

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def symbols(ls: LemmaServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        live = await ls.vault(params.text_document.uri)
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
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.position)
        found = edits.rename_target(live.vault, *where) if where else None
        if found is None:
            return handlers_nav.prepare(ls, live, where) if where else None
        _note, span, title = found
        return t.PrepareRenamePlaceholder(range=ls.span(where[0], span), placeholder=title)

    @server.feature(t.TEXT_DOCUMENT_RENAME)
    async def rename(ls: LemmaServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.position)
        found = edits.rename_target(live.vault, *where) if where else None
        if found is None:  # a heading or a tag, else an error that says where to stand
            return handlers_nav.rename(ls, live, where, params.new_name) if where else None
        unsaved = [p for p in ls.open_paths() if ls.unsaved(p)]
        if unsaved:
            raise JsonRpcException(f"lemma mv works on the files: save {', '.join(unsaved)} "
                                   "first", code=REQUEST_FAILED)
        moves = ls.can_edit_files("rename")
        if not moves and params.new_name.strip().lower().endswith(".md"):
            raise JsonRpcException("lemma: this editor cannot rename files; run lemma mv "
                                   f"'{found[2]}' '{params.new_name.strip()}'",
                                   code=REQUEST_FAILED)
        try:
            planned = edits.rename_edits(live.vault, found[0], params.new_name,
                                         keep_path=not moves)
        except LemmaError as error:
            raise JsonRpcException(f"lemma mv: {error.message}", code=REQUEST_FAILED) from None
        if not moves:  # the links and title change; the file keeps its name, and we say so
            from ..slug import slugify

            folder = found[0].rpartition("/")[0]
            suggested = f"{folder}/{slugify(params.new_name)}.md".lstrip("/")
            if suggested != found[0]:
                ls.window_show_message(t.ShowMessageParams(t.MessageType.Info, (
                    f"lemma: this editor cannot rename files, so the note keeps its file "
                    f"{found[0]}; run lemma mv '{params.new_name.strip()}' {suggested} to "
                    "rename it")))
        return ls.workspace_edit(planned)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    async def code_action(ls: LemmaServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        live = await ls.vault(params.text_document.uri)
        where = ls.cursor(params.text_document.uri, params.range.start)
        creates = ls.can_edit_files("create")
        planned = edits.create_note_actions(live.vault, *where) if where and creates else []
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


def make_server(load: VaultLoad | None, opener: Opener | None = None,
                time_box: float = 10.0) -> LemmaServer:
    """A server over the vault `load` is loading (see `loading.VaultLoad`), its handlers
    registered; with `opener`, the client's root or first opened note may name another vault,
    which `opener` then loads."""
    server = LemmaServer(load, opener, time_box)
    register(server)
    handlers_nav.register(server)
    return server
