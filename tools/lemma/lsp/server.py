"""The pygls adapter: LSP messages in, calls into `live`, `features` and `edits`, LSP types out.

The vault loads in a thread (see `loading`) while pygls starts and the client initializes, read
back from the persistent index; requests that need it wait for it.
Lint diagnostics are recomputed for the edited note on every change; the rules comparing notes
run in a thread after a save that changed names; derivations are checked on save in a thread
that hands each block to the checker's forked, time-boxed workers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from ..model import Diagnostic, LemmaError, Severity, SourcePos
from . import edits, features
from .citations import note_problems
from .live import LiveVault
from .loading import VaultLoad

_SEVERITY = {Severity.ERROR: t.DiagnosticSeverity.Error,
             Severity.WARNING: t.DiagnosticSeverity.Warning,
             Severity.INFO: t.DiagnosticSeverity.Information}
REQUEST_FAILED = -32803


class LemmaServer(LanguageServer):
    """A language server over one vault (loaded once, then kept in step with the buffers)."""

    def __init__(self, load: VaultLoad, time_box: float = 10.0) -> None:
        from importlib.metadata import version

        super().__init__("lemma", version("lemma"))
        self.load = load
        self.loaded = load.done
        self.time_box = time_box
        self.derived: dict[str, list[Diagnostic]] = {}  # path -> last on-save results
        self.generation: dict[str, int] = {}
        self.bibliography: Any = None  # citations.BibliographySource, set by `make_server`
        self.macros: dict[str, str] = {}  # katex_macros, set by `make_server`

    def citations(self, vault: Any) -> Any:  # lemma.citations.Citations
        """The vault's citations against the project's bibliography (re-read when changed)."""
        from ..citations import Citations

        return Citations(vault, self.bibliography.get() if self.bibliography else None)

    @property
    def live(self) -> LiveVault | None:
        """The live vault, None while loading (or when it could not load)."""
        return self.load.live if self.loaded.is_set() else None

    async def vault(self) -> LiveVault:
        """The live vault, once loaded (a request that comes first waits for it)."""
        if not self.loaded.is_set():
            await asyncio.to_thread(self.loaded.wait)
        if self.load.live is None:
            raise JsonRpcException(f"lemma: {self.load.error}", code=REQUEST_FAILED)
        return self.load.live

    # positions: the core counts characters, the client counts its negotiated units
    def _units(self, text: str) -> int:
        encoding = self.server_capabilities.position_encoding or t.PositionEncodingKind.Utf16
        if encoding == t.PositionEncodingKind.Utf32:
            return len(text)
        if encoding == t.PositionEncodingKind.Utf8:
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    def to_client(self, lines: list[str], line: int, col: int) -> t.Position:
        text = lines[line] if 0 <= line < len(lines) else ""
        return t.Position(line, self._units(text[:col]))

    def from_client(self, lines: list[str], position: t.Position) -> int:
        text = lines[position.line] if position.line < len(lines) else ""
        col = 0
        while col < len(text) and self._units(text[:col + 1]) <= position.character:
            col += 1
        return col

    def lines_of(self, path: str) -> list[str]:
        """The file's current lines: the buffer when open, else the note as loaded."""
        assert self.live is not None
        uri = from_fs_path(str(self.live.root / path)) or ""
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            return document.source.split("\n")
        note = self.live.vault.notes.get(path)
        if note is None:
            return []
        return [""] * (note.body_line - 1) + note.body.split("\n")

    def unsaved(self, path: str) -> bool:
        """Whether the buffer of `path` differs from the file on disk."""
        assert self.live is not None
        document = self.workspace.text_documents.get(self.uri(path))
        try:
            disk = (self.live.root / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return True
        return document is not None and document.source.replace("\r\n", "\n") != \
            disk.replace("\r\n", "\n")

    def span(self, path: str, span: features.Span) -> t.Range:
        lines = self.lines_of(path)
        return t.Range(self.to_client(lines, span.line, span.col),
                       self.to_client(lines, span.end_line, span.end_col))

    def uri(self, path: str) -> str:
        assert self.live is not None
        return from_fs_path(str(self.live.root / path)) or ""

    def path(self, uri: str) -> str | None:
        if self.live is None:
            return None
        parsed = urlparse(uri)
        return self.live.relative(Path(unquote(parsed.path))) if parsed.scheme == "file" else None

    def cursor(self, uri: str, position: t.Position) -> tuple[str, int, int] | None:
        path = self.path(uri)
        if path is None or self.live is None or path not in self.live.vault.notes:
            return None
        return path, position.line, self.from_client(self.lines_of(path), position)

    # diagnostics
    def publish(self, path: str) -> None:
        assert self.live is not None
        found = self.live.diagnostics(path) + self.derived.get(path, [])
        found += note_problems(self.citations(self.live.vault), path, self.macros)
        lines = self.lines_of(path)
        note = self.live.vault.notes.get(path)
        ends = {link.pos: len(link.raw) for link in note.links} if note else {}
        out = []
        for d in found:
            line, col = max(d.pos.line - 1, 0), max(d.pos.col - 1, 0)
            width = ends.get(d.pos)
            end = col + width if width else len(lines[line]) if line < len(lines) else col
            message = f"{d.message} ({d.hint})" if d.hint else d.message
            out.append(t.Diagnostic(range=t.Range(self.to_client(lines, line, col),
                                                  self.to_client(lines, line, end)),
                                    message=message, severity=_SEVERITY[d.severity],
                                    code=d.code, source="lemma"))
        uri = self.uri(path)
        document = self.workspace.text_documents.get(uri)
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, diagnostics=out, version=document.version if document else None))

    def open_paths(self) -> list[str]:
        return [p for uri in list(self.workspace.text_documents) if (p := self.path(uri))]

    def sync(self, uri: str) -> str | None:
        """Bring the vault in line with the buffer `uri`; its vault path (None: not a note)."""
        path = self.path(uri)
        if path is None or self.live is None:
            return None
        changed = self.live.set_text(path, self.workspace.get_text_document(uri).source)
        for other in (self.open_paths() if changed else [path]):
            self.publish(other)
        return path

    async def refresh_cross(self) -> None:
        """Recompute the vault-wide rules off the event loop, then republish open notes."""
        live = await self.vault()
        if not live.names_dirty:
            return
        snapshot = live.snapshot()
        live.names_dirty = False
        live.cross = await asyncio.to_thread(live.cross_rules, snapshot)
        for path in self.open_paths():
            self.publish(path)

    async def prepare_edits(self, delay: float = 0.3) -> None:
        """Once the first requests are answered, build the tables the first edit would build
        (in the event loop: edits change them there)."""
        live = await self.vault()
        await asyncio.sleep(delay)
        live.vault.prepare_edits()

    async def check(self, path: str) -> None:
        """Check the note's derivations in worker processes; publish when they are done."""
        live = await self.vault()
        generation = self.generation[path] = self.generation.get(path, 0) + 1
        snapshot = live.snapshot(only=path)

        def cancelled() -> bool:
            return self.generation.get(path) != generation

        try:
            found = await asyncio.to_thread(edits.check_note, snapshot, path, self.time_box,
                                            None, cancelled)
        except edits.Superseded:
            return
        except LemmaError as error:
            found = [Diagnostic(SourcePos(path, 1, 1), Severity.ERROR, "derivation-error",
                                error.message)]
        if self.generation.get(path) == generation:  # a newer save supersedes this run
            self.derived[path] = found
            self.publish(path)


def make_server(load: VaultLoad, time_box: float = 10.0, bibliography: Any = None,
                macros: dict[str, str] | None = None) -> LemmaServer:
    """A server over the vault `load` is loading (see `loading.VaultLoad`); `bibliography`
    is a `citations.BibliographySource` for the project's `.bib` files, `macros` its
    katex_macros."""
    server = LemmaServer(load, time_box)
    server.bibliography = bibliography
    server.macros = macros or {}
    from . import handlers

    handlers.register(server)
    return server
