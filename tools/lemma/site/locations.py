"""Where pages live, as Obsidian Publish places them: the vault's own home note at the site root,
`permalink:` honoured, aliases containing `/` (old addresses) as redirect pages, and a folder
tree for the navigation with the folders' own names."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..model import Note
from ..vault import Vault
from .urls import relative_url

#: Root notes taken as the home page when the vault has no `index.md` (first match wins).
HOME_NAMES = ("home.md", "readme.md")
_BAD_SEGMENT = re.compile(r"[\x00-\x1f\x7f\\?#%]")


def home_note(vault: Vault, option: str = "") -> str | None:
    """The note shown at the site root: `home:` of the config (a vault path or a note's name),
    else a root `Home.md` or `README.md` (any case); None keeps the generated page."""
    if "index.md" in vault.notes:
        return None
    if option:
        path = option if option in vault.notes else option + ".md"
        return path if path in vault.notes else None
    roots = {p.casefold(): p for p in vault.notes if "/" not in p}
    return next((roots[name] for name in HOME_NAMES if name in roots), None)


def clean_path(value: Any) -> str | None:
    """A URL path from a note (`permalink:`, a `/` alias) made safe: relative, no `..`, no
    query or fragment characters; None when nothing safe is left."""
    if not isinstance(value, str):
        return None
    parts = [p.strip() for p in value.strip().strip("/").split("/")]
    if not parts or any(p in ("", ".", "..") or _BAD_SEGMENT.search(p) for p in parts):
        return None
    return "/".join(parts)


def relocate(f: Any, url_path: str) -> None:
    """Serve the page of `f` (a MkDocs `File` or a `SiteFile`) at `url_path` ("" for the site
    root)."""
    if f.use_directory_urls:
        f.dest_uri = f"{url_path}/index.html" if url_path else "index.html"
    else:
        f.dest_uri = f"{url_path}.html" if url_path else "index.html"
    for cached in ("url", "abs_dest_path"):
        f.__dict__.pop(cached, None)


def is_redirect_alias(alias: str) -> bool:
    """An alias with a `/` is an old address of the note (Publish redirects it), not a name."""
    return "/" in alias


def redirect_pages(vault: Vault, urls: Mapping[str, str], taken: set[str],
                   use_directory_urls: bool = True) -> dict[str, str]:
    """Site file -> HTML of a page sending readers from each `/` alias to its note."""
    pages: dict[str, str] = {}
    for note in sorted(vault, key=lambda n: n.path):
        target = urls.get(note.path)
        if target is None:
            continue
        for alias in note.aliases:
            path = clean_path(alias) if is_redirect_alias(alias) else None
            if path is None:
                continue
            dest = f"{path}/index.html" if use_directory_urls else f"{path}.html"
            if dest in taken or dest in pages:
                continue
            href = html.escape(relative_url(target, dest))
            pages[dest] = (
                '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<title>{html.escape(note.title)}</title><link rel="canonical" href="{href}">'
                f'<meta http-equiv="refresh" content="0; url={href}"></head>'
                f'<body><p>Moved to <a href="{href}">{html.escape(note.title)}</a>.</p>'
                "</body></html>\n")
    return pages


def folder_nav(pages: Mapping[str, str]) -> list[Any]:
    """MkDocs nav entries for vault pages (path -> title) as a tree of their folders, each
    folder under its own name; folders first, then notes, each by name ignoring case."""
    tree: dict[str, Any] = {}
    for path in pages:
        node = tree
        for folder in path.split("/")[:-1]:
            node = node.setdefault(("d", folder), {})
        node[("f", path)] = None
    return _entries(tree, pages)


def _entries(tree: dict[tuple[str, str], Any], pages: Mapping[str, str]) -> list[Any]:
    folders = sorted((k for k in tree if k[0] == "d"), key=lambda k: (k[1].casefold(), k[1]))
    files = sorted((k for k in tree if k[0] == "f"),
                   key=lambda k: (posixpath.basename(k[1]).casefold(), k[1]))
    out: list[Any] = [{html.escape(name): _entries(tree[(kind, name)], pages)}
                      for kind, name in folders]
    out += [{html.escape(pages[path]): path} for _, path in files]
    return out


def note_titles(vault: Vault, extra: Mapping[str, str]) -> dict[str, str]:
    """Path -> title of every page of the tree: the notes and `extra` (e.g. canvas pages)."""
    titles = {n.path: n.title for n in vault}
    titles.update(extra)
    return titles


def all_plain(notes: Mapping[str, Note]) -> bool:
    """Whether the vault has only plain notes (no papers, takes, concepts or digests)."""
    return all(n.kind.value == "note" for n in notes.values())


def place_pages(vault: Vault, files: Any, home: str | None,
                warn: Callable[..., None]) -> None:
    """The home note at the root, and each `permalink:` honoured (unless unsafe or taken)."""
    if home is not None:  # a root README.md MkDocs put at index.html keeps its own page
        for other in files.documentation_pages():
            if other.dest_uri == "index.html" and other.src_uri != home:
                relocate(other, other.src_uri.removesuffix(".md"))
    taken = {f.dest_uri for f in files}
    by_dest = {f.dest_uri: f for f in files.documentation_pages() if f.src_uri not in vault.notes}
    if home is not None and (f := files.get_file_from_path(home)) is not None:
        taken.discard(f.dest_uri)
        relocate(f, "")
        taken.add(f.dest_uri)
    for note in vault:
        wanted = note.meta.get("permalink")
        if wanted is None:  # most notes: no look-up at all
            continue
        path = clean_path(wanted)
        f = files.get_file_from_path(note.path)
        if f is None or note.path == home:
            continue
        dest = f"{path}/index.html" if f.use_directory_urls else f"{path}.html"
        if path is not None and (page := by_dest.pop(dest, None)) is not None:
            relocate(page, f"{path}/_index")  # a generated page (the tags index) makes way
            taken.add(page.dest_uri)
            taken.discard(dest)
        if path is None or dest in taken:
            warn("%s: permalink %r %s; the page keeps its own address", note.path, wanted,
                 "is not a safe path" if path is None else "is taken")
            continue
        taken.discard(f.dest_uri)
        relocate(f, path)
        taken.add(dest)
