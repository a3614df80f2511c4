"""Following the disk: notes made, changed, moved or deleted outside the editor (a `git pull`,
`lemma mv`, another program). The client's own file watcher when it offers one to register,
else watchdog's (inotify on Linux) on the notes folder. Events are batched on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as t

if TYPE_CHECKING:
    from .loading import VaultLoad
    from .server import LemmaServer

#: Seconds events are gathered before the vault re-reads them (a pull touches many files).
SETTLE = 0.05


def client_watches(server: LemmaServer) -> bool:
    """Whether the client lets the server register a file watcher."""
    workspace = server.client_capabilities.workspace
    watching = workspace.did_change_watched_files if workspace else None
    return bool(watching and watching.dynamic_registration)


def follow_disk(server: LemmaServer, load: VaultLoad) -> None:
    """Have the disk's changes in `load`'s vault reach `server.disk_changed`, by the client's
    watcher (registered once for every vault) or by watchdog."""
    stop_watching(load)
    live = load.live
    if live is None:
        return
    if client_watches(server) and server.registered is not False:
        if server.registered:
            return
        server.registered = True
        future = server.client_register_capability(t.RegistrationParams([t.Registration(
            "lemma-notes", t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            t.DidChangeWatchedFilesRegistrationOptions([
                t.FileSystemWatcher(glob_pattern="**/*.md")]))]))
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda done: done.exception() is None or  # refused: our own
                                 loop.call_soon_threadsafe(_watch_ourselves, server))
        return
    load.watch = DiskWatch(live.root, server, load, asyncio.get_running_loop())


def _watch_ourselves(server: LemmaServer) -> None:
    """The client refused to watch files for us: watchdog on every vault served."""
    server.registered = False  # for good: later vaults get watchdog at once
    loop = asyncio.get_running_loop()
    for load in server.loads:
        if load.live is not None and load.watch is None:
            load.watch = DiskWatch(load.live.root, server, load, loop)
            # what changed before the refusal arrived has no event: look at the vault once
            load.watch.add([load.live.root])


def reread(server: LemmaServer, files: list[Path | None]) -> None:
    """Re-read notes changed on disk (a folder: every note in or below it), except those
    open in the editor, whose buffers win; republish when other notes are affected."""
    live = server.live
    if live is None:
        return
    opened = set(server.open_paths())
    paths: set[str] = set()
    root = live.root.resolve()
    for file in files:
        if file is None:
            continue
        path = live.relative(file)
        if path is not None:
            paths.add(path)
            continue
        try:
            folder = file.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        prefix = "" if folder == "." else folder + "/"
        paths.update(p for p in live.vault.notes if p.startswith(prefix))
        paths.update(p for p in live.vault.skipped if p.startswith(prefix))
        if file.is_dir():
            paths.update(q for f in file.rglob("*.md") if (q := live.relative(f)))
    changed = False
    for path in sorted(paths - opened):
        changed |= live.revert(path)
    if changed:
        from .tasks import spawn

        spawn(server.refresh_cross(server.load))
        for path in opened:
            server.publish(path)


def stop_watching(load: VaultLoad) -> None:
    """Stop the watchdog observer of a vault no longer served."""
    watch, load.watch = load.watch, None
    if isinstance(watch, DiskWatch):
        watch.stop()


class DiskWatch:
    """A watchdog observer on the notes folder handing changed paths to the event loop."""

    def __init__(self, root: Path, server: LemmaServer, load: VaultLoad,
                 loop: asyncio.AbstractEventLoop) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        self.loop, self.server, self.load = loop, server, load
        self.pending: set[Path] = set()
        watch = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed", "closed_no_write") or (
                        event.is_directory and event.event_type == "modified"):
                    return  # a folder is "modified" whenever a file in it comes or goes
                paths = [event.src_path, getattr(event, "dest_path", "")]
                found = [Path(os.fsdecode(p)) for p in paths if p]
                loop.call_soon_threadsafe(watch.add, found)

        self.observer = Observer()
        self.observer.daemon = True
        try:
            self.observer.schedule(Handler(), str(root), recursive=True)
            self.observer.start()
        except OSError as error:  # e.g. out of inotify watches: say so once
            server.window_log_message(t.LogMessageParams(
                t.MessageType.Warning, f"lemma: cannot watch {root} ({error}); changes made "
                "outside the editor are seen after a restart"))

    def add(self, paths: list[Path]) -> None:
        """Gather paths; the first one schedules the batch."""
        if not self.pending:
            self.loop.call_later(SETTLE, self.flush)
        self.pending.update(paths)

    def flush(self) -> None:
        paths, self.pending = list(self.pending), set()
        if self.load.watch is self:
            self.server.load = self.load
            self.server.disk_changed(paths)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.observer.stop()
