"""The LSP methods for headings, tags and the vault as a whole: workspace symbols, references,
hover and rename of headings and tags (what the cursor is on when it is not on a link or the
title), and code lenses with each derivation's last verdict."""

from __future__ import annotations

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from ..model import Heading
from . import features, navigation
from .live import LiveVault
from .server import REQUEST_FAILED, LemmaServer

#: Most workspace symbols returned for one query.
MAX_SYMBOLS = 100
Target = tuple[str, Heading | str, features.Span]


def target_at(ls: LemmaServer, live: LiveVault, where: tuple[str, int, int]) -> Target | None:
    """A heading (its line) or a tag under the cursor: ("heading"|"tag", what, span)."""
    path, line, col = where
    note = live.vault.notes[path]
    heading = navigation.heading_at(note, line)
    if heading is not None:
        text = ls.lines_of(path)[line]
        start = text.find(heading.text) if heading.text else -1
        span = features.Span(line, max(start, 0), line,
                             max(start, 0) + len(heading.text) if start >= 0 else len(text))
        return "heading", heading, span
    found = navigation.tag_at(note, ls.file_lines(path), line, col)
    return ("tag", found[0], found[1]) if found else None


def references(ls: LemmaServer, live: LiveVault, where: tuple[str, int, int],
               declaration: bool) -> list[features.Place] | None:
    """Links to the heading under the cursor, or every use of the tag; None: neither."""
    found = target_at(ls, live, where)
    if found is None:
        return None
    kind, what, span = found
    if kind == "tag":
        return navigation.tag_places(live.vault, str(what), ls.file_lines)
    links = navigation.heading_links(live.vault, where[0], what)  # type: ignore[arg-type]
    places = [features.Place(r.source, features.link_span(r.link)) for r in links]
    return [features.Place(where[0], span), *places] if declaration else places


def hover(live: LiveVault, ls: LemmaServer, where: tuple[str, int, int]) -> str | None:
    """The tag under the cursor: the notes that carry it."""
    found = target_at(ls, live, where)
    if found is None or found[0] != "tag":
        return None
    return navigation.tag_hover(live.vault, str(found[1]))


def prepare(ls: LemmaServer, live: LiveVault, where: tuple[str, int, int]):
    found = target_at(ls, live, where)
    if found is None:
        return None
    _kind, what, span = found
    text = what.text if isinstance(what, Heading) else what
    return t.PrepareRenamePlaceholder(range=ls.span(where[0], span), placeholder=text)


def rename(ls: LemmaServer, live: LiveVault, where: tuple[str, int, int],
           new: str) -> t.WorkspaceEdit:
    """A heading renamed with every link to it, or a tag renamed everywhere."""
    found = target_at(ls, live, where)
    if found is None:
        raise JsonRpcException("lemma: put the cursor on a link, the note's title, a heading "
                               "or a tag", code=REQUEST_FAILED)
    kind, what, _span = found
    if kind == "heading":
        planned = navigation.heading_rename(live.vault, where[0], what,  # type: ignore[arg-type]
                                            new, ls.file_lines)
    else:
        planned = navigation.tag_rename(live.vault, str(what), new, ls.file_lines)
    if not planned:
        raise JsonRpcException(f"lemma: '{new.strip()}' cannot be a {kind}",
                               code=REQUEST_FAILED)
    return ls.workspace_edit(planned)


def register(server: LemmaServer) -> None:
    """Attach the vault-wide handlers to `server`."""

    @server.feature(t.WORKSPACE_SYMBOL)
    async def workspace_symbols(ls: LemmaServer,
                                params: t.WorkspaceSymbolParams) -> list[t.WorkspaceSymbol]:
        symbols: list[t.WorkspaceSymbol] = []
        for load in list(ls.loads) or [None]:  # every vault served (none: say so)
            live = await ls.vault_of(load)
            found, _cut = live.name_list().search(params.query, MAX_SYMBOLS)
            top = t.Range(t.Position(0, 0), t.Position(0, 0))
            symbols += [t.WorkspaceSymbol(
                name=n.text, kind=t.SymbolKind.File if n.kind == "note" else t.SymbolKind.Key,
                location=t.Location(ls.uri(n.path), top),
                container_name=n.path if n.kind == "note" else f"alias of {n.title}")
                for n in found]
        return symbols[:MAX_SYMBOLS]

    @server.feature(t.TEXT_DOCUMENT_CODE_LENS, t.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls: LemmaServer, params: t.CodeLensParams) -> list[t.CodeLens]:
        live = await ls.vault(params.text_document.uri)
        path = ls.path(params.text_document.uri)
        if path is None or path not in live.vault.notes:
            return []
        lenses = []
        for line, title in ls.verdicts(path):
            where = t.Range(t.Position(line, 0), t.Position(line, 0))
            lenses.append(t.CodeLens(range=where, command=t.Command(title, "")))
        return lenses
