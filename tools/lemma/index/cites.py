"""Citations answered from the index: who cites `@key`, and which keys the vault knows.

Citation links are rows of `links` under the key `@citekey` (folded), whatever they resolved
to; notes' own citekeys are `names` rows of kind `citekey`.
"""

from __future__ import annotations

import sqlite3

from ..resolution import fold
from . import store
from .queries import BacklinkRow


def citing(db: sqlite3.Connection, key: str) -> list[BacklinkRow]:
    """Every citation of `key` (with its sentence), sorted by the citing note's title."""
    from ..link_text import link_sentence

    rows = db.execute(
        'SELECT l.source, n.title, l.line, l.start, l."end", n.note FROM links l '
        "JOIN notes n ON n.path = l.source WHERE l.key = ?", ("@" + fold(key),)).fetchall()
    bodies: dict[str, str] = {}
    found = []
    for source, title, line, start, end, blob in rows:
        if source not in bodies:
            bodies[source] = store.load(blob).body
        found.append(BacklinkRow(source, title, line, link_sentence(bodies[source], start, end)))
    return sorted(found, key=lambda b: (b.title.casefold(), b.source, b.line))


def citing_sources(db: sqlite3.Connection, key: str) -> set[str]:
    """The notes that cite `key`."""
    return {r[0] for r in db.execute("SELECT DISTINCT source FROM links WHERE key = ?",
                                     ("@" + fold(key),))}


def cited_keys(db: sqlite3.Connection) -> set[str]:
    """The folded keys the vault cites or its notes claim (without the `@`)."""
    cited = {k[1:] for (k,) in db.execute("SELECT DISTINCT key FROM links WHERE key LIKE '@%'")}
    return cited | {k[1:] for (k,) in db.execute(
        "SELECT key FROM names WHERE how = 'citekey'")}


def citekey_owner(db: sqlite3.Connection, key: str) -> tuple[str, str] | None:
    """(path, title) of the first note (in path order) whose `citekey` is `key`."""
    row = db.execute("SELECT n.path, n.title FROM names k JOIN notes n ON n.path = k.path "
                     "WHERE k.how = 'citekey' AND k.key = ? ORDER BY n.path",
                     ("@" + fold(key),)).fetchone()
    return (row[0], row[1]) if row else None
