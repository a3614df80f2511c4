"""One note's vault read from a refreshed index, before the whole vault is read back.

At 100k notes restoring every stored note takes tens of seconds; the note an editor opens needs
only the notes its links can name. A link's resolution depends only on the notes and
attachments carrying its `link_key` (see `resolution.link_key`), so a vault holding the note,
every note under one of its links' keys (citekeys too), every attachment and every unreadable
file resolves the note's links exactly as the whole vault does. Its "did you mean" hints come
from every name in the index, as the whole vault's would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Diagnostic, Note
from ..vault_fs import Listing
from . import store
from .typed_rows import INT, MAYBE_BLOB, TEXT, checked

if TYPE_CHECKING:
    from ..links import Slugify
    from ..vault import Vault


def note_keys(note: Note) -> set[str]:
    """The `names` keys under which the notes `note`'s links may name are stored."""
    from ..resolution import fold, link_key

    keys = {"@" + fold(link.target.strip()) for link in note.links if link.cite is not None}
    keys |= {link_key(link.target, link.is_attachment) for link in note.links
             if link.cite is None and link.target}
    if any(link.is_attachment for link in note.links):  # `![[diagram.png]]` may be a note
        keys |= {link_key(link.target) for link in note.links if link.is_attachment}
    return keys


def partial_vault(db: sqlite3.Connection, root: Path, listing: Listing, note: Note,
                  problems: list[Diagnostic], slugify: Slugify | None,
                  max_bytes: int, hints: bool = True) -> Vault:
    """A vault with `note` (parsed from the editor's buffer) and what its links can reach,
    from the index (which the caller refreshed); IndexCorrupt on data Lemma did not write."""
    from ..names import NameSuggester
    from ..resolution import fold
    from ..vault import Vault
    from ..vault_changes import citekey_of

    keys = sorted(note_keys(note))
    db.execute("BEGIN")  # one snapshot for every query
    try:
        paths = {r[0] for r in checked(db.execute(
            f"SELECT DISTINCT path FROM names WHERE key IN ({','.join('?' * len(keys))})",
            keys), TEXT)} - {note.path} if keys else set()
        notes = {note.path: note}
        found: dict[str, list[Diagnostic]] = {p: [d] for p, d in listing.problems.items()}
        for path, blob, problem_blob in checked(db.execute(
                "SELECT path, note, problems FROM notes WHERE note IS NULL OR path IN "
                f"({','.join('?' * len(paths))})", sorted(paths)),
                TEXT, MAYBE_BLOB, MAYBE_BLOB):
            if path == note.path:
                continue  # the buffer, not the file, is the note
            if blob is not None:
                notes[path] = store.load_note(blob)
            found[path] = store.load_problems(problem_blob) if problem_blob else []
        vault = Vault(root, dict(sorted(notes.items())), listing.attachments,
                      {**found, note.path: problems}, slugify, max_bytes)
        wanted = {fold(r.link.target.removesuffix(".md")) for r in vault.resolved[note.path]
                  if r.status == "broken"}
        if wanted and hints:  # "did you mean": among the whole vault's names, not these few
            own = frozenset(fold(n) for n in (note.stem, note.title, *note.aliases) if n)
            vault._names = NameSuggester(sorted(close_names(db, wanted, note.path, own)))
        elif wanted:  # asked for later (100k notes: ~0.6 s of SQL): no hint meanwhile
            vault._names = NameSuggester([])
            vault.hints_left = True  # type: ignore[attr-defined]
        if any(link.cite is not None for link in note.links):  # "did you mean @key?"
            keys = checked(db.execute(
                "SELECT path, name FROM names WHERE how = 'citekey' AND path != ? ORDER BY path",
                (note.path,)), TEXT, TEXT)
            written = dict(keys)
            if (own := citekey_of(note)) is not None:
                written[note.path] = own
            vault.all_citekeys = [written[p] for p in sorted(written)]  # type: ignore[attr-defined]
    finally:
        db.execute("COMMIT")
    return vault


def close_names(db: sqlite3.Connection, queries: set[str], path: str | None = None,
                own: frozenset[str] = frozenset()) -> set[str]:
    """For each (folded) query, the 64 folded names a `NameSuggester` of the whole vault
    shortlists (most shared trigrams, then name order): a suggester made of these few proposes
    what the whole vault's does. Counted in SQL over the keys of the notes (other than `path`;
    a suggester of 300k names takes seconds to index); names with a folder part, whose key is
    not the whole name, and the `own` names of `path` as edited are counted here."""
    import heapq

    from ..names import _trigrams
    from ..resolution import fold

    shortlisted: set[str] = set()
    for query in sorted(queries):
        grams = sorted(_trigrams(query))
        hits = " + ".join(["(instr(' ' || ' ' || key || ' ', ?) > 0)"] * len(grams))
        rows = db.execute(
            f"SELECT key, {hits} AS hits FROM (SELECT DISTINCT key FROM names WHERE "
            "how != 'citekey' AND path IS NOT ? AND instr(name, '/') = 0) WHERE hits > 0 "
            "ORDER BY hits DESC, key LIMIT 64", (*grams, path))
        counted = dict(checked(rows, TEXT, INT))
        others = {fold(name) for (name,) in checked(db.execute(
            "SELECT name FROM names WHERE how != 'citekey' AND path IS NOT ? "
            "AND instr(name, '/') > 0", (path,)), TEXT)} | own
        for name in others:
            if shared := len(_trigrams(name) & set(grams)):
                counted[name] = shared
        shortlisted |= set(heapq.nsmallest(64, counted, key=lambda n: (-counted[n], n)))
    return shortlisted


def early_vault(file: Path, root: Path, listing: Listing, path: str, text: str,
                slugify: Slugify | None, max_bytes: int, hints: bool = True) -> Vault | None:
    """`partial_vault` for the note `path` with the buffer `text`, from the index `file`; None
    when the index cannot tell (unreadable, or a file the vault skips: the whole vault will).
    Without `hints`, broken links get no "did you mean" (`hints_left` is then set)."""
    from ..note_parse import parse_note

    if path in listing.problems:
        return None
    try:
        db = store.connect(file)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT note IS NULL FROM notes WHERE path = ?", (path,)).fetchone()
        if row is not None and row[0]:
            return None  # e.g. too large or not UTF-8: the file decides, not the buffer
        note, problems = parse_note(path, text, slugify)
        return partial_vault(db, root, listing, note, problems, slugify, max_bytes, hints)
    except sqlite3.Error:  # IndexCorrupt too: the full load rebuilds and says so
        return None
    finally:
        db.close()
