"""The stored vault as a refresh sees it: notes unpickled only when touched, names and
reverse links answered by SQL, so one edit costs a few queries rather than a whole load."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from ..links import NameIndex, Slugify, fold
from ..model import Note
from ..vault import Vault, citekey_of
from . import store


class LazyNotes(MutableMapping[str, Note]):
    """The stored notes, unpickled one by one as a refresh touches them."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.paths = {r[0] for r in db.execute("SELECT path FROM notes WHERE note IS NOT NULL")}
        self.cache: dict[str, Note] = {}

    def __getitem__(self, path: str) -> Note:
        if path not in self.paths:
            raise KeyError(path)
        if path not in self.cache:
            row = self.db.execute("SELECT note FROM notes WHERE path = ?", (path,)).fetchone()
            self.cache[path] = store.load_note(row[0])
        return self.cache[path]

    def __setitem__(self, path: str, note: Note) -> None:
        self.paths.add(path)
        self.cache[path] = note

    def __delitem__(self, path: str) -> None:
        self.paths.remove(path)
        self.cache.pop(path, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.paths))

    def __len__(self) -> int:
        return len(self.paths)


class StoredVault(Vault):
    """The stored vault as far as a refresh needs it: notes loaded lazily, names and
    reverse links answered by SQL, so one edit costs a few queries, not a whole load."""

    def __init__(self, db: sqlite3.Connection, root: Path, slugify: Slugify | None,
                 max_bytes: int) -> None:
        attachments = [r[0] for r in db.execute("SELECT path FROM attachments ORDER BY path")]
        super().__init__(root, LazyNotes(db), attachments, {},  # type: ignore[arg-type]
                         slugify, max_bytes, resolved={})
        self.db = db

    def _build_index(self) -> NameIndex:
        rows = self.db.execute("SELECT path, title, aliases FROM notes WHERE note IS NOT NULL")
        live = self.notes.cache  # type: ignore[attr-defined]
        triples = [(p, t, store.split(a)) for p, t, a in rows if p not in live]
        triples += [(p, n.title, n.aliases) for p, n in live.items()]
        paths = self.notes.paths  # type: ignore[attr-defined]
        return NameIndex.build(sorted(t for t in triples if t[0] in paths), self.attachments)

    @property
    def citekeys(self) -> dict[str, list[str]]:
        """`Vault.citekeys` from the `names` table, the notes re-read by this refresh first."""
        if self._citekeys is None:
            live = self.notes.cache  # type: ignore[attr-defined]
            paths = self.notes.paths  # type: ignore[attr-defined]
            pairs = [(k[1:], p) for p, k in self.db.execute(
                "SELECT path, key FROM names WHERE how = 'citekey'") if p not in live]
            pairs += [(fold(k), p) for p, n in live.items() if (k := citekey_of(n))]
            found: dict[str, list[str]] = {}
            for key, path in sorted(pairs, key=lambda pair: pair[1]):
                if path in paths:
                    found.setdefault(key, []).append(path)
            self._citekeys = found
        return self._citekeys

    def _sources_naming(self, keys: set[str]) -> set[str]:
        return self._select("SELECT DISTINCT source FROM links WHERE key IN ({})", keys)

    def _sources_linking_to(self, targets: set[str]) -> set[str]:
        return self._select("SELECT DISTINCT source FROM links WHERE target IN ({})", targets)

    def _select(self, query: str, values: set[str]) -> set[str]:
        found: set[str] = set()
        items = sorted(values)
        for lo in range(0, len(items), 500):
            chunk = items[lo : lo + 500]
            found |= {r[0] for r in self.db.execute(query.format(",".join("?" * len(chunk))),
                                                    chunk)}
        return found
