"""Which vault an editor means: from its workspace folders or root, else from the opened file.

The server no longer trusts its working directory (an editor may start it anywhere): a folder
is a vault's project when it holds `mkdocs.yml`, a `notes/` folder or `.obsidian/`; the nearest
such folder at or above the client's root (or the opened file) wins. No pygls here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True, slots=True)
class ProjectPlace:
    """A project folder (where `mkdocs.yml` is or would be) and, for an Obsidian vault opened
    at its own root, the notes folder itself (else None: the project's configuration says)."""

    directory: Path
    notes: Path | None = None


def uri_path(uri: str | None) -> Path | None:
    """The local path of a `file:` URI (None for any other scheme)."""
    if not uri:
        return None
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def find_project(start: Path) -> ProjectPlace | None:
    """The nearest vault project at or above `start` (a folder, or a file's folder)."""
    here = start if start.is_dir() else start.parent
    home = Path.home()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return ProjectPlace(folder)
        if (folder / ".obsidian").is_dir():
            return ProjectPlace(folder, folder)
        if (folder / "notes").is_dir():
            return ProjectPlace(folder)
        if folder == home:  # a stray ~/notes should not claim every file below it
            break
    return None


def client_roots(root_uri: str | None, root_path: str | None,
                 folders: list[str] | None) -> list[Path]:
    """The client's workspace folders in order (else its root URI, else its root path)."""
    paths = [p for p in (uri_path(uri) for uri in folders or ()) if p is not None]
    if not paths:
        root = uri_path(root_uri) or (Path(root_path) if root_path else None)
        paths = [root] if root is not None else []
    return paths
