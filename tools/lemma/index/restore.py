"""The whole vault model read back from the index tables (checked as it is read), so `lint`,
`check`, `mv`, `new`, the site and the language server need not parse an unchanged note."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Diagnostic, Note
from ..vault_fs import Listing
from . import store
from .typed_rows import INT, MAYBE_BLOB, MAYBE_TEXT, TEXT, checked

if TYPE_CHECKING:
    from ..links import Slugify
    from ..vault import Vault


def restore_vault(db: sqlite3.Connection, root: Path, listing: Listing,
                  slugify: Slugify | None, max_bytes: int) -> Vault:
    """The vault as stored; IndexCorrupt when a row or record is not what Lemma wrote."""
    from ..vault import ResolvedLink, Vault

    notes: dict[str, Note] = {}
    problems: dict[str, list[Diagnostic]] = {p: [d] for p, d in listing.problems.items()}
    for path, blob, problem_blob in checked(db.execute(
            "SELECT path, note, problems FROM notes ORDER BY path"),
            TEXT, MAYBE_BLOB, MAYBE_BLOB):
        if blob is not None:
            notes[path] = store.load_note(blob)
        problems[path] = store.load_problems(problem_blob) if problem_blob is not None \
            else []
    resolved: dict[str, list[ResolvedLink]] = {path: [] for path in notes}
    rows = checked(db.execute(
        "SELECT source, ord, status, target, anchor, candidates FROM links "
        "ORDER BY source, ord"), TEXT, INT, TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT)
    for source, ord_, status, target, anchor, candidates in rows:
        if source not in notes:
            raise store.IndexCorrupt(f"links of {source}, which is not a note")
        links = notes[source].links
        if ord_ >= len(links):
            raise store.IndexCorrupt(f"link {ord_} of {source} is not in its note")
        resolved[source].append(ResolvedLink(
            source, links[ord_], status, target, anchor,
            tuple(candidates.split("\n")) if candidates else ()))
    complete = {path: tuple(links) for path, links in resolved.items()}
    if any(len(complete[p]) != len(n.links) for p, n in notes.items()):
        raise store.IndexCorrupt("links missing from the index")
    return Vault(root, notes, listing.attachments, problems, slugify,
                 max_bytes, resolved=complete)
