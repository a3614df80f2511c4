"""Which pages an edit changes, so `mkdocs serve --dirty` re-renders them all, not only the
edited note's: a preview must equal a fresh build.

A note's page shows the sentences that link to it (backlinks), the text of notes it links to
(hover previews) and embeds, its local graph (sized by PageRank), tag lists and the navigation.
An edit that keeps the note's shape — title, aliases, tags, kind, frontmatter, where its links
point — changes only its own page, its link targets' backlinks and its linkers' previews and
embeds (and their embedders'); any other edit can change every page, which are all re-rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..vault import Vault


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
    linkers: dict[str, set[str]] = {}
    embedders: dict[str, set[str]] = {}
    found = set(wanted)
    for r in vault.links():
        if r.target is None:
            continue
        linkers.setdefault(r.target, set()).add(r.source)
        if r.link.embed:
            embedders.setdefault(r.target, set()).add(r.source)
        if r.source in wanted:
            found.add(r.target)
    for path in wanted:
        found |= linkers.get(path, set())
    todo = list(found)
    while todo:  # embedders of anything shown, transitively
        for source in embedders.get(todo.pop(), ()):
            if source not in found:
                found.add(source)
                todo.append(source)
    return found


def shapes(vault: Vault, paths: Iterable[str]) -> dict[str, tuple[Any, ...] | None]:
    return {path: shape(vault, path) for path in paths}
