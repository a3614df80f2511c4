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
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path

from ..model import Diagnostic, Severity
from . import edits, features
from .citations import note_problems
from .live import LiveVault
from .loading import Opener, VaultLoad
from .vaults import REQUEST_FAILED, Vaults

_SEVERITY = {Severity.ERROR: t.DiagnosticSeverity.Error,
             Severity.WARNING: t.DiagnosticSeverity.Warning,
             Severity.INFO: t.DiagnosticSeverity.Information}
__all__ = ["REQUEST_FAILED", "LemmaServer"]


class LemmaServer(Vaults, LanguageServer):
    """A language server over a user's vaults (each loaded once, then kept in step with the
    buffers and the disk; see `vaults` for which one a message is about)."""

    def __init__(self, load: VaultLoad | None, opener: Opener | None = None,
                 time_box: float = 10.0) -> None:
        from importlib.metadata import version

        super().__init__("lemma", version("lemma"))
        self.load = load
        self.loads = [load.start()] if load is not None else []
        self.speculative = load if opener is not None else None
        self.opener = opener  # None: the vault is fixed (`--notes`)
        self.started = False  # `initialized` was received
        self.registered: bool | None = None  # the client watches files for us (False: no)
        self.time_box = time_box
        self.derived: dict[str, list[Diagnostic]] = {}  # uri -> last on-save results
        self.checked: dict[str, list[str]] = {}  # uri -> last verdict per derivation block
        self.generation: dict[str, int] = {}  # uri -> number of the latest check
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

    def citations(self, vault: Any) -> Any:  # lemma.citations.Citations
        """The vault's citations against its project's bibliography (re-read when changed)."""
        from ..citations import Citations

        source = getattr(self.load, "bibliography", None)
        return Citations(vault, source.get() if source is not None else None)

    @property
    def live(self) -> LiveVault | None:
        """The live vault, None while loading (or when it could not load)."""
        return self.load.live if self.load is not None and self.ready else None

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
    def publish(self, path: str, live: LiveVault | None = None) -> None:
        """Publish the note's diagnostics (`live`: from that vault, e.g. an early one, for an
        open note)."""
        early = live is not None
        live = live or self.live
        assert live is not None
        uri = (from_fs_path(str(live.root / path)) or "") if early else self.uri(path)
        found = live.diagnostics(path) + self.derived.get(uri, [])
        found += note_problems(self.citations(live.vault), path,
                               self.load.macros if self.load is not None else {})
        document = self.workspace.text_documents.get(uri)
        lines = document.source.split("\n") if early and document else self.lines_of(path)
        note = live.vault.notes.get(path)
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

    async def check(self, path: str, load: VaultLoad | None) -> None:
        """Check the note's derivations (see `checking`)."""
        from .checking import check

        await check(self, path, load)

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
