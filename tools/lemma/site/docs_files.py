"""The docs folder as MkDocs files, walked (and watched) the way the vault is walked.

MkDocs' own `get_files` follows every symlinked folder (`os.walk(followlinks=True)`), so a link
back to a parent folder makes the build walk forever, and it lists FIFOs and broken symlinks that
later block or crash the build. While the plugin builds, `mkdocs.commands.build.get_files` is
this walker instead: the vault's listing (`lemma.vault_fs.list_vault`), nothing else changed.
`mkdocs serve` polls the folder the same way: symlinked folders are not followed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import mkdocs.commands.build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, file_sort_key, set_exclusions

from ..vault_fs import NoteFileError, list_vault

_MKDOCS_GET_FILES = mkdocs_build.get_files


def get_files(config: MkDocsConfig) -> Files:
    """Every note and attachment of `docs_dir` as a File, in MkDocs' order and with its
    exclusions (a `README.md` next to an `index.md` is dropped, as MkDocs does)."""
    try:
        listing = list_vault(config.docs_dir)
    except NoteFileError as problem:
        raise PluginError(f"docs_dir '{config.docs_dir}': {problem.message}") from None
    files = [File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
             for path in listing.notes + listing.attachments]
    files.sort(key=file_sort_key)
    set_exclusions(files, config)
    by_dest: dict[str, File] = {}
    for f in files:
        kept = by_dest.setdefault(f.dest_uri, f)
        if kept is not f and f.name == "index":
            by_dest[f.dest_uri] = f
    return Files(f for f in files if by_dest[f.dest_uri] is f)


def install() -> None:
    """Make MkDocs list the docs folder with `get_files` (undone by `uninstall`)."""
    mkdocs_build.get_files = get_files


def uninstall() -> None:
    mkdocs_build.get_files = _MKDOCS_GET_FILES



def watch_without_following_links(server: LiveReloadServer, path: str) -> None:
    """Re-watch `path` with a poller that does not descend into symlinked folders.

    MkDocs' poller stats with `os.stat`, so a link to a parent folder makes its first snapshot
    walk forever and `mkdocs serve` never answers. Nothing changes if watchdog's internals differ.
    """
    top = os.path.abspath(path)
    observer = server.observer
    emitter = getattr(observer, "_emitter_class", None)
    if emitter is None or top not in getattr(server, "_watched_paths", {}):
        return

    def stat(name: str) -> os.stat_result:
        return os.stat(name) if os.path.abspath(name) == top else os.lstat(name)

    observer._emitter_class = functools.partial(emitter, stat=stat, listdir=_listdir)
    server.unwatch(top)
    server.watch(top)


def _listdir(folder: str | None) -> Iterator[os.DirEntry[str]]:
    """`os.scandir`, but a folder that cannot be listed (too long, unreadable) is empty."""
    try:
        with os.scandir(folder) as entries:
            return iter(list(entries))
    except OSError:
        return iter(())
