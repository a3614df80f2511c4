"""Small pieces of the plugin kept apart so plugin.py stays a readable list of event handlers:
the template cache, generated-page writing, config comparison and title escaping (`page`: a
MkDocs page, whose `meta` the theme prints)."""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path
from typing import Any

import jinja2


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory across `mkdocs serve` rebuilds."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def escape_title(page: Any, note: Any) -> None:
    """The page's title as HTML text: MkDocs and the theme print `page.title` unescaped, so a
    title (or a file name) with `<`, `&` or quotes would otherwise be markup. A note without a
    title or H1 is titled by its file name as written, as Obsidian names it."""
    title = page.meta.get("title")
    if isinstance(title, str):
        page.meta["title"] = html.escape(title)
    elif note is not None and not any(h.level == 1 for h in note.headings):
        page.meta["title"] = html.escape(note.title)


def write_if_changed(path: Path, text: str | bytes) -> Path:
    """Write a generated page's source only when it changed, so `serve --dirty` skips it."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if not (path.is_file() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


def same(a: Any, b: Any) -> bool:
    """Whether two slugify callables are the same configuration (each load makes new partials)."""
    if isinstance(a, partial) and isinstance(b, partial):
        return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
    return a == b


def remove_stale(paths: set[Path], site_dir: Path) -> None:
    """Delete files a previous build wrote into `site_dir` that this build no longer makes
    (a `--dirty` build leaves them), and the folders that leaves empty."""
    for path in sorted(paths, reverse=True):
        path.unlink(missing_ok=True)
        folder = path.parent
        while (folder != site_dir and site_dir in folder.parents and folder.is_dir()
               and not any(folder.iterdir())):
            folder.rmdir()
            folder = folder.parent
