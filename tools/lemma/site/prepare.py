"""The site's whole-site step, engine-free: `prepare_site` reads a project (mkdocs.yml's `lemma`
block and `docs_dir`) into a `PreparedSite` — what is published and where, the generated pages,
every URL — and `write_prepared` writes it as a folder any engine can build from: the public
notes and attachments, the generated pages (home, indexes, tags, graph, canvases, bases) as
Markdown, Lemma's assets, and the site-wide files (feed, graph data, redirects). The same folder
for the same notes, byte for byte; a second run rewrites only what changed.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ProjectConfig, configured_slugify, read_project_config
from ..model import LemmaError
from ..vault_fs import Listing, NoteFileError, list_vault
from . import locations
from .context import SiteContext
from .extensions import ASSETS, ASSETS_URL, asset_files
from .options import SiteOptions
from .outputs import SiteInfo, site_outputs
from .plugin_support import write_if_changed
from .urls import SiteFile, SiteFiles, dest_of

log = logging.getLogger("mkdocs.plugins.lemma")
#: The file that marks a folder as written by `write_prepared` (so it may be rewritten).
MARKER = ".lemma-prepared"


@dataclass
class PreparedSite:
    """A prepared site: its context (vault, graph, URLs), its files placed, its settings."""

    site: SiteContext
    files: SiteFiles
    info: SiteInfo
    sources: dict[str, str] = field(default_factory=dict)  # vault file -> path in the folder

    def vault_path(self, path: str) -> str:
        """The vault path of a page given by its path in the prepared folder."""
        back = {folder: vault for vault, folder in self.sources.items()}
        return back.get(path, path)


def vault_files(root: Path, use_directory_urls: bool = True) -> tuple[SiteFiles, Listing]:
    """Every note and attachment of `root` in MkDocs' order, one file per address (an
    `index.md` wins over a `README.md` beside it, as in MkDocs), and the listing."""
    try:
        listing = list_vault(root)
    except NoteFileError as problem:
        raise LemmaError(f"docs_dir '{root}': {problem.message}", exit_code=2) from None
    files = [SiteFile(p, use_directory_urls) for p in listing.notes + listing.attachments
             if not _excluded(p)]
    files.sort(key=lambda f: sort_key(f.src_uri))
    by_dest: dict[str, SiteFile] = {}
    for f in files:
        kept = by_dest.setdefault(f.dest_uri, f)
        if kept is not f and _stem(f.src_uri) == "index":
            by_dest[f.dest_uri] = f
    return SiteFiles(f for f in files if by_dest[f.dest_uri] is f), listing


def _excluded(path: str) -> bool:
    """What MkDocs leaves out by default: dot files and folders, a top-level `templates/`."""
    return path.startswith("templates/") or any(p.startswith(".") for p in path.split("/"))


def sort_key(src_uri: str) -> tuple[Any, ...]:
    """MkDocs' file order (`file_sort_key`): by folder, an index page first in its folder."""
    parts = src_uri.split("/")
    return (tuple(parts[:-1]), _stem(parts[-1]) != "index", parts[-1])


def _stem(path: str) -> str:
    """MkDocs' `File.name`: the file name without its extension, `README` read as `index`."""
    name = posixpath.splitext(posixpath.basename(path))[0]
    return "index" if name == "README" else name


def prepare_project(config_file: Path, load: Callable[[Path], Any] | None = None
                    ) -> PreparedSite:
    """The site of the project whose mkdocs.yml is `config_file`, prepared."""
    return prepare_site(read_project_config(config_file.parent, load), config_file.parent)


def prepare_site(project: ProjectConfig, base: Path) -> PreparedSite:
    """The site of `project` (`base`: the folder of its mkdocs.yml), prepared: the vault read
    and checked, its problems logged, what is published placed, every URL known."""
    directory_urls = bool(project.site.get("use_directory_urls", True))
    info = SiteInfo(str(project.site.get("site_name", "")), str(project.site.get("site_url")
                                                                  or ""), directory_urls)
    site = SiteContext()
    site.configure(SiteOptions.from_mapping(project.options), project.notes_dir,
                   base.resolve(), configured_slugify(project.toc))
    files, listing = vault_files(site.site_state.root, directory_urls)
    vault_sources = {f.src_uri for f in files}
    generated = site.prepare(files, listing)
    for path in generated:
        if files.get_file_from_path(path) is None:
            files.append(SiteFile(path, directory_urls))
    for rel in asset_files():
        files.append(SiteFile(f"{ASSETS_URL}/{rel}", directory_urls))
    vault = site.site_state.vault
    assert vault is not None
    locations.place_pages(vault, files, site.home, log.warning)
    site.set_urls(files.documentation_pages())
    sources = {f.src_uri: _folder_path(f) for f in files if f.src_uri in vault_sources}
    return PreparedSite(site, files, info, sources)


def _folder_path(f: SiteFile) -> str:
    """Where a vault file goes in the folder: its own path, unless the site moved its page (the
    home note, a `permalink:`), then a path an engine gives that same address."""
    if not f.is_documentation_page() or dest_of(f.src_uri, f.use_directory_urls) == f.dest_uri:
        return f.src_uri
    return f.dest_uri.removesuffix(".html") + ".md"


def folder_contents(prepared: PreparedSite) -> dict[str, Path | str | bytes]:
    """Path in the folder -> a file to copy or the text to write, sorted by path."""
    site, root = prepared.site, prepared.site.site_state.root
    out: dict[str, Path | str | bytes] = {}
    for f in prepared.files:
        if f.src_uri in prepared.sources:
            text = site.page_source(f.src_uri)  # a note as the vault read it, safely
            out[prepared.sources[f.src_uri]] = root / f.src_uri if text is None else text
        elif f.src_uri in site.generated:
            out[f.src_uri] = site.generated[f.src_uri][1]
        else:
            out[f.src_uri] = ASSETS / f.src_uri.removeprefix(ASSETS_URL + "/")
    taken = {f.dest_uri for f in prepared.files.documentation_pages()}
    out.update(site_outputs(site, prepared.info, taken))
    return dict(sorted(out.items()))


def write_prepared(prepared: PreparedSite, folder: Path) -> list[str]:
    """Write the prepared site into `folder` (new, empty, or written by this function before:
    files no longer part of the site are removed); the paths that changed."""
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise LemmaError(f"{folder} is not empty and was not written by `lemma site prepare`; "
                         "choose a new or empty folder", exit_code=2)
    contents = folder_contents(prepared)
    changed = []
    for rel, content in contents.items():
        data = content.read_bytes() if isinstance(content, Path) else (
            content.encode("utf-8") if isinstance(content, str) else content)
        target = folder / rel
        if not (target.is_file() and target.read_bytes() == data):
            changed.append(rel)
        write_if_changed(target, data)
    for old in sorted(folder.rglob("*"), reverse=True):
        rel = old.relative_to(folder).as_posix()
        if old.is_file() and rel not in contents and rel != MARKER:
            old.unlink()
            changed.append(rel)
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    (folder / MARKER).write_text("written by `lemma site prepare`\n", encoding="utf-8")
    return sorted(changed)

