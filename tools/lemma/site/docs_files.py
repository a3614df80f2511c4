"""The docs folder as MkDocs files, walked the way the vault is walked.

MkDocs' own `get_files` follows every symlinked folder (`os.walk(followlinks=True)`), so a link
back to a parent folder makes the build walk forever, and it lists FIFOs and broken symlinks that
later block or crash the build. While the plugin builds, `mkdocs.commands.build.get_files` is
this walker instead: the vault's listing (`lemma.vault_fs.list_vault`), nothing else changed.
"""

from __future__ import annotations

import mkdocs.commands.build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
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

