"""Which pages an edit changes, so `mkdocs serve --dirty` re-renders them all, not only the
edited note's: a preview must equal a fresh build.

A note's page shows the sentences that link to it (backlinks), the text and title of notes it
links to (hover previews, embeds), its local graph, tag lists and the navigation. An edit —
a new note, a deletion, a rename, a new link — changes the pages of the notes it touches: the
notes re-read, the notes whose links now resolve differently (`relinked`: a new note that a
broken link named), their link targets before and after (backlinks), their linkers and those
notes' embedders (previews, embeds). Local graphs, index pages and the navigation are checked
by what they show (`SiteContext.stale_pages`), not assumed to change everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..vault import Vault
from .render_links import PAGED


def shape(vault: Vault, path: str) -> tuple[Any, ...] | None:
    """What of the note other pages show beyond its text (None: the note is gone)."""
    note = vault.notes.get(path)
    if note is None:
        return None
    links = tuple((r.target, r.status, r.link.embed) for r in vault.resolved.get(path, ()))
    return (note.title, tuple(note.aliases), tuple(note.tags), note.kind, repr(note.meta), links)


def around(vault: Vault, paths: Iterable[str]) -> set[str]:
    """`paths`, the notes they link to, the notes linking to them, and those notes' embedders
    (an embed shows the embedded note's text, and so does whoever embeds the embedder)."""
    wanted = set(paths)
    found = set(wanted)
    for path in wanted:
        found.update(r.target for r in vault.resolved.get(path, ()) if r.target is not None)
    embedders: dict[str, set[str]] = {}
    for r in vault.links():  # one pass: the linkers of `paths`, and every embed (few)
        if r.target in wanted:
            found.add(r.source)
        if r.link.embed and r.target is not None:
            embedders.setdefault(r.target, set()).add(r.source)
    todo = list(found)
    while todo:  # embedders of anything shown, transitively
        for source in embedders.get(todo.pop(), ()):
            if source not in found:
                found.add(source)
                todo.append(source)
    return found


def shapes(vault: Vault, paths: Iterable[str]) -> dict[str, tuple[Any, ...] | None]:
    return {path: shape(vault, path) for path in paths}


def relinked(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> set[str]:
    """Notes whose resolved links differ between two `Vault.resolved` maps (an unchanged note
    keeps its very list, so only the re-resolved ones are compared)."""
    return {p for p, links in after.items()
            if (old := before.get(p)) is not links and old != links}


def targets(resolved: dict[str, list[Any]], paths: Iterable[str]) -> set[str]:
    """The notes that `paths` linked to, by the resolution `resolved` (their backlinks)."""
    return {r.target for p in paths for r in resolved.get(p, ()) if r.target is not None}


def split(stale: set[str] | None, changed: Iterable[str]
          ) -> tuple[set[str] | None, set[str] | None]:
    """(pages to render now, pages left to the next build) of the pages an edit changed
    (`stale`; None: all): the pages of the notes re-read first, on their own — each other
    page costs ~0.1 s at 10,000 notes, and a backlink elsewhere can wait for the next build."""
    first = set(changed)
    if stale is None:
        return first, None
    rest = stale - first
    return (stale & first, rest) if rest else (stale, set())


def linked_pages(vault: Vault, pages: Iterable[str]) -> set[str]:
    """The pages whose files `pages` link to when rendered: their link targets, and those of
    the notes they embed, transitively (an embed's title links its note by file)."""
    found, todo, embedded = set(), list(pages), set()
    while todo:
        for r in vault.resolved.get(todo.pop(), ()):
            if r.target is None:
                continue
            found.add(r.target + ".md" if r.target.endswith(PAGED) else r.target)
            if r.link.embed and r.target not in embedded:
                embedded.add(r.target)
                todo.append(r.target)
    return found
