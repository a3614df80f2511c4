"""The vault as MkDocs files, listed the way the vault is listed, without MkDocs walking it.

MkDocs' own walker follows every symlinked folder (`os.walk(followlinks=True)`), so a link back
to a parent folder makes the build walk forever, and it lists FIFOs and broken symlinks that
later block or crash the build. So MkDocs is pointed at an empty staging folder (`docs_dir`,
set in `on_config`), and `on_files` adds the vault's files, listed by `lemma.vault_fs`, through
MkDocs' public `File` API, with MkDocs' order and exclusions. `mkdocs serve` watches the vault
itself, polling without descending into symlinked folders.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, file_sort_key, set_exclusions

from ..vault_fs import Listing, NoteFileError, list_vault


def staging_folder(cache_dir: Path) -> Path:
    """The empty folder MkDocs is given as `docs_dir` (its walk finds nothing there)."""
    folder = cache_dir / "site-docs"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():  # nothing may be found there but what on_files adds
        if stale.is_dir() and not stale.is_symlink():
            import shutil

            shutil.rmtree(stale)
        else:
            stale.unlink()
    return folder


_order: dict[str, Any] = {}  # the last listing's paths and their places in MkDocs' order


def vault_files(config: MkDocsConfig, root: str) -> tuple[Files, Listing]:
    """Every note and attachment of `root` as a File, in MkDocs' order and with its
    exclusions (a `README.md` next to an `index.md` is dropped, as MkDocs does), and the
    listing they come from."""
    try:
        listing = list_vault(root)
    except NoteFileError as problem:
        raise PluginError(f"docs_dir '{root}': {problem.message}") from None
    paths = tuple(listing.notes + listing.attachments)
    files = [File(path, root, config.site_dir, config.use_directory_urls) for path in paths]
    if _order.get("paths") != paths:  # MkDocs' order depends on the paths alone
        ranked = sorted(range(len(files)), key=lambda i: file_sort_key(files[i]))
        _order.update(paths=paths, ranked=ranked)
    files = [files[i] for i in _order["ranked"]]
    set_exclusions(files, config)
    by_dest: dict[str, File] = {}
    for f in files:
        kept = by_dest.setdefault(f.dest_uri, f)
        if kept is not f and f.name == "index":
            by_dest[f.dest_uri] = f
    return Files(f for f in files if by_dest[f.dest_uri] is f), listing


def watch_vault(server: LiveReloadServer, staging: str, root: str) -> None:
    """Watch the vault (not the staging folder MkDocs watches as `docs_dir`) by the kernel's
    change notices where watchdog has them (inotify), else with a poller that does not
    descend into symlinked folders.

    MkDocs polls every watched file twice a second: at 10,000 notes one look at every file
    takes ~0.3 s of the server's time (and its interpreter lock, which the rebuilds need), and a
    save is seen up to half a second late. Its poller also stats with `os.stat`, so a link to a
    parent folder makes its first snapshot walk forever and `mkdocs serve` never answers.
    The emitter is swapped before the observer starts, so the watches this plugin adds after
    the vault's use it too; nothing changes if watchdog's internals differ.
    """
    top = os.path.abspath(root)
    observer = server.observer
    emitter = getattr(observer, "_emitter_class", None)
    if emitter is not None:
        def stat(name: str) -> os.stat_result:
            return os.stat(name) if os.path.abspath(name) == top else os.lstat(name)

        observer._emitter_class = _kernel_notices(top) or functools.partial(
            emitter, stat=stat, listdir=_listdir)
    if os.path.abspath(staging) in getattr(server, "_watched_paths", {}):
        server.unwatch(os.path.abspath(staging))
    server.watch(top)


def _listdir(folder: str | None) -> Iterator[os.DirEntry[str]]:
    """`os.scandir`, but a folder that cannot be listed (too long, unreadable) is empty."""
    try:
        with os.scandir(folder) as entries:
            return iter(list(entries))
    except OSError:
        return iter(())


def _kernel_notices(root: str) -> Any:
    """watchdog's inotify emitter (it never follows symlinked folders) when this is Linux and
    the vault's folders fit well within the user's inotify watches; None otherwise."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from watchdog.observers.inotify import InotifyEmitter
        limit = int(Path("/proc/sys/fs/inotify/max_user_watches").read_text())
    except (ImportError, OSError, ValueError):
        return None
    folders = sum(len(names) for _, names, _ in os.walk(root)) + 1  # links not followed
    return InotifyEmitter if folders * 4 < limit else None
