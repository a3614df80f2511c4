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

from ..model import Diagnostic, Severity
from . import edits, features
from .live import LiveVault
from .loading import Opener, VaultLoad
from .roots import find_project, uri_path

_SEVERITY = {Severity.ERROR: t.DiagnosticSeverity.Error,
             Severity.WARNING: t.DiagnosticSeverity.Warning,
             Severity.INFO: t.DiagnosticSeverity.Information}
REQUEST_FAILED = -32803


class LemmaServer(LanguageServer):
    """A language server over one vault (loaded once, then kept in step with the buffers)."""

    def __init__(self, load: VaultLoad | None, opener: Opener | None = None,
                 time_box: float = 10.0) -> None:
        from importlib.metadata import version

        super().__init__("lemma", version("lemma"))
        self.load = load
        self.opener = opener  # None: the vault is fixed (`--notes`)
        self.settled = opener is None  # the vault came from `--notes` or the client's root
        self.started = False  # `initialized` was received
        self.time_box = time_box
        self.derived: dict[str, list[Diagnostic]] = {}  # path -> last on-save results
        self.checked: dict[str, list[str]] = {}  # path -> last verdict per derivation block
        self.generation: dict[str, int] = {}
        self.watch: object | None = None  # the disk watcher, when the client has none
        self.exit_code = 0
        self.told: set[Path] = set()  # folders of notes outside the vault, said once

    def _start_io_async(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls' stdio server with Lemma's reading loop (see `transport`); the exit code is
        kept for `lemma lsp` (0 after `shutdown`, else 1)."""
        import sys
        import threading

        from pygls.io_ import StdinAsyncReader, StdoutWriter

        from .transport import serve

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        try:
            asyncio.run(serve(self, reader))
        except SystemExit as done:  # the `exit` notification
            self.exit_code = done.code if isinstance(done.code, int) else 1
        except (BrokenPipeError, KeyboardInterrupt):
            pass
        finally:
            self.shutdown()

    def report_server_error(self, error: Exception, source: object) -> None:
        """An error outside a request: its traceback to stderr (the client's LSP log), one line
        to the user."""
        import sys
        import traceback

        handled = sys.exc_info()[1]  # inside pygls' `except`: the original exception
        traceback.print_exception(handled or error, file=sys.stderr)
        super().report_server_error(error, source)  # type: ignore[arg-type]

    @property
    def ready(self) -> bool:
        """Whether the vault is there (or failed to load)."""
        return self.load is not None and self.load.done.is_set()

    @property
    def live(self) -> LiveVault | None:
        """The live vault, None while loading (or when it could not load)."""
        return self.load.live if self.load is not None and self.ready else None

    async def vault(self) -> LiveVault:
        """The live vault, once loaded (a request that comes first waits for it)."""
        load = self.load
        if load is None:
            raise JsonRpcException("lemma: no vault here: open a note inside a folder with "
                                   "mkdocs.yml, a notes/ folder or .obsidian/",
                                   code=REQUEST_FAILED)
        if not load.done.is_set():
            await asyncio.to_thread(load.done.wait)
        if load.live is None:
            raise JsonRpcException(f"lemma: {load.error}", code=REQUEST_FAILED)
        return load.live

    def choose_vault(self, roots: list[Path]) -> bool:
        """Serve the vault of the first client root that is in one; whether one was."""
        if self.opener is None:
            return False
        for root in roots:
            place = find_project(root)
            if place is not None:
                self.adopt(self.opener(place.directory, place.notes))
                self.settled = True
                return True
        return False

    def vault_of_file(self, uri: str) -> None:
        """No vault from the client's root: take the one around the first note opened."""
        file = uri_path(uri)
        if file is None:
            return
        if self.settled:
            self._outside(file)
            return
        self.settled = True
        if self.load is not None and self.load.notes is not None and \
                file.resolve().is_relative_to(self.load.notes.resolve()):
            return  # the working directory's vault holds it
        place = find_project(file)
        if place is not None and self.opener is not None:
            self.adopt(self.opener(place.directory, place.notes))

    def _outside(self, file: Path) -> None:
        """Say once per folder that a note of another vault is not served by this server."""
        notes = self.load.notes if self.load is not None else None
        if notes is None or file.suffix != ".md" or file.resolve().is_relative_to(
                notes.resolve()) or file.parent in self.told:
            return
        self.told.add(file.parent)
        self.window_log_message(t.LogMessageParams(t.MessageType.Warning, (
            f"lemma: {file} is outside the vault this server serves ({notes}); "
            "an editor starts one server per vault with the README's settings")))

    def adopt(self, load: VaultLoad) -> None:
        """Serve `load` unless the same notes folder is loading already."""
        if self.load is not None and load.notes is not None and self.load.serves(load.notes):
            return
        self.load = load.start()
        self.derived.clear()
        if self.started:
            from .handlers import spawn

            spawn(self.after_load())

    async def after_load(self) -> None:
        """Once the vault is there: say what went wrong or was rebuilt, publish the open
        notes, start the vault-wide rules, and follow the disk."""
        load = self.load
        try:
            await self.vault()
        except JsonRpcException as error:  # e.g. no notes folder: say so once, visibly
            self.window_show_message(t.ShowMessageParams(t.MessageType.Error, error.message))
            return
        if load is not self.load:
            return  # another vault was chosen meanwhile
        if load.notice:  # the index was rebuilt, or cannot be written: one line in the log
            self.window_log_message(t.LogMessageParams(t.MessageType.Info, load.notice))
        for uri in list(self.workspace.text_documents):  # opened while the vault was loading
            self.sync(uri)
        from .handlers import spawn
        from .watch import follow_disk

        spawn(self.refresh_cross())
        spawn(self.prepare_edits())
        follow_disk(self)

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
        """The character column of a client position (clamped to the line; linear time)."""
        text = lines[position.line] if position.line < len(lines) else ""
        wanted = max(position.character, 0)
        encoding = self.server_capabilities.position_encoding or t.PositionEncodingKind.Utf16
        if encoding == t.PositionEncodingKind.Utf32 or text.isascii():
            return min(wanted, len(text))
        if encoding == t.PositionEncodingKind.Utf8:  # a cut inside a character stops before it
            return len(text.encode("utf-8")[:wanted].decode("utf-8", errors="ignore"))
        return len(text.encode("utf-16-le")[:2 * wanted].decode("utf-16-le", errors="ignore"))

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
        if path not in self.live.vault.notes:
            return False  # a file lint skips: lemma mv says what to do about it
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

    def can_edit_files(self, operation: str) -> bool:
        """Whether the client applies this file operation ("create", "rename") in an edit."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        # listing resource operations implies document changes (Neovim lists only the former)
        return operation in ((edit.resource_operations or []) if edit else [])

    def workspace_edit(self, planned: list[edits.FileEdit]) -> t.WorkspaceEdit:
        """File edits (and moves) as a workspace edit the client can apply: document changes
        with file renames when it takes them, else plain text edits per file."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        if not (edit and (edit.document_changes or edit.resource_operations)):  # no moves either
            return t.WorkspaceEdit(changes={self.uri(f.path): [
                t.TextEdit(self.span(f.path, c.span), c.text) for c in f.changes]
                for f in planned})
        changes: list = []
        for file in planned:
            uri = self.uri(file.path)
            text_edits = [t.TextEdit(self.span(file.path, c.span), c.text) for c in file.changes]
            changes.append(t.TextDocumentEdit(
                t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), text_edits))
            if file.new_path != file.path:
                changes.append(t.RenameFile(old_uri=uri, new_uri=self.uri(file.new_path)))
        return t.WorkspaceEdit(document_changes=changes)

    # diagnostics
    def publish(self, path: str) -> None:
        assert self.live is not None
        found = self.live.diagnostics(path) + self.derived.get(path, [])
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

    def disk_changed(self, files: list[Path | None]) -> None:
        """Re-read what changed on disk (see `watch.reread`)."""
        from .watch import reread

        reread(self, files)

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
        live.name_list()  # the first `[[` completion or workspace symbol finds it sorted

    async def check(self, path: str) -> None:
        """Check the note's derivations (see `checking`)."""
        from .checking import check

        await check(self, path)

    def verdicts(self, path: str) -> list[tuple[int, str]]:
        """Each derivation block's last verdict, for code lenses (see `checking`)."""
        from .checking import verdicts

        return verdicts(self, path)

    def file_lines(self, path: str) -> list[str]:
        """The file's current lines: the open buffer, else the file on disk (frontmatter
        included, which `lines_of` leaves blank for a closed note)."""
        document = self.workspace.text_documents.get(self.uri(path))
        if document is not None:
            return document.source.split("\n")
        from ..vault_fs import read_or_problem

        assert self.live is not None
        text, _problems = read_or_problem(self.live.root, path, self.live.vault.max_bytes)
        return text.split("\n") if text is not None else self.lines_of(path)


def make_server(load: VaultLoad | None, opener: Opener | None = None,
                time_box: float = 10.0) -> LemmaServer:
    """A server over the vault `load` is loading (see `loading.VaultLoad`); with `opener`, the
    client's root or first opened note may name another vault, which `opener` then loads."""
    server = LemmaServer(load, opener, time_box)
    from . import handlers, handlers_nav

    handlers.register(server)
    handlers_nav.register(server)
    return server
