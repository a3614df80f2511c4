"""The stored vault as a refresh sees it: notes unpickled only when touched, names and
reverse links answered by SQL, so one edit costs a few queries rather than a whole load."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path

from ..links import NameIndex, Slugify, fold, lookup_key, name_keys
from ..model import Note
from ..vault import Vault, citekey_of
from . import store

#: Past this many looked-up names, reading every name at once is the cheaper way.
PARTIAL_KEYS = 2_000


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

    @contextlib.contextmanager
    def _resolving(self, sources: set[str]) -> Iterator[None]:
        """While the links of `sources` are resolved again: an index of only the names they
        look up (one edit at 100k notes: a few rows instead of 300k names, 0.3 s); the whole
        index again afterwards, if anything asks for it."""
        keys = {lookup_key(link) for path in sources if (note := self.notes.get(path))
                for link in note.links if link.target and link.cite is None}
        if self._index is not None or len(keys) > PARTIAL_KEYS:
            yield
            return
        self._index = self._names_looked_up_by(keys)
        try:
            yield
        finally:
            self._index = None

    def _names_looked_up_by(self, keys: set[str]) -> NameIndex:
        """The name index of the notes and attachments with a name under one of `keys`: what
        resolving a link by one of them reads (`link_key`)."""
        wanted = sorted(keys)
        rows: list[tuple[str, str, str]] = []
        for lo in range(0, len(wanted), 500):
            chunk = wanted[lo:lo + 500]
            rows += self.db.execute(
                "SELECT DISTINCT n.path, n.title, n.aliases FROM names k JOIN notes n "
                f"ON n.path = k.path WHERE k.key IN ({','.join('?' * len(chunk))}) "
                "AND n.note IS NOT NULL", chunk)
        return self._index_of(rows, lambda note: bool(
            name_keys(note.path, note.title, note.aliases) & keys),
            [a for a in self.attachments if name_keys(a) & keys])

    def _build_index(self) -> NameIndex:
        rows = self.db.execute("SELECT path, title, aliases FROM notes WHERE note IS NOT NULL")
        return self._index_of(rows, lambda note: True, self.attachments)

    def _index_of(self, rows: Iterable[tuple[str, str, str]], wanted: Callable[[Note], bool],
                  attachments: list[str]) -> NameIndex:
        """A name index of the stored notes in `rows` (path, title, aliases) and the notes this
        refresh re-read that are `wanted`, as they are now (a removed note is left out)."""
        live = self.notes.cache  # type: ignore[attr-defined]
        paths = self.notes.paths  # type: ignore[attr-defined]
        triples = {p: (p, t, store.split(a)) for p, t, a in rows if p not in live}
        triples.update((p, (p, n.title, n.aliases)) for p, n in live.items() if wanted(n))
        return NameIndex.build(sorted(t for p, t in triples.items() if p in paths), attachments)

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
