"""The index's SQLite file: schema, opening (WAL), rebuilding, and rows in and out.

One database per vault at `.lemma-cache/<vault>.index.sqlite` beside the notes folder. Parsed
notes are kept as pickles read back by an unpickler that admits only Lemma's model classes and
plain data, so a tampered cache file cannot run code; anything else makes the index "corrupt",
and a corrupt, old-schema or other-version index is rebuilt with a one-line notice.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Note


@dataclass(slots=True)
class NoteRows:
    """One note's rows for every table but `links` (computed where the note was parsed)."""

    note: tuple[Any, ...]
    names: list[tuple[str, str, str, str]]
    headings: list[tuple[str, int, str, str, int]]
    blocks: list[tuple[str, str]]
    tags: list[tuple[str, str]]
    links: list[tuple[Any, ...]]  # the columns of `links` that do not depend on resolution

    @property
    def signature(self) -> tuple[int, ...]:
        """What `save_signatures` keeps of the note: size, mtime, ctime, inode, indexed_ns."""
        return (*self.note[1:5], self.note[6])


#: Bump when the tables change; `PRAGMA user_version` holds it.
SCHEMA_VERSION = 6
#: The modules whose code decides what a parsed note is: a change in any rebuilds the index.
PARSING_MODULES = ("model.py", "links.py", "links_cite.py", "links_regions.py", "resolution.py",
                   "frontmatter.py", "frontmatter_yaml.py", "note_parse.py", "vault.py",
                   "vault_changes.py", "vault_fs.py", "slug.py", "index/store.py",
                   "index/rows.py", "index/link_rows.py", "index/search_rows.py",
                   "note_attributes.py", "link_text.py", "search_text.py")

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE notes(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
    size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER, hash BLOB, indexed_ns INTEGER,
    note BLOB, problems BLOB,
    kind TEXT, title TEXT, aliases TEXT, tags TEXT, date TEXT, attrs TEXT,
    broken INTEGER NOT NULL DEFAULT 0);
CREATE TABLE names(path TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, how TEXT NOT NULL);
CREATE TABLE headings(path TEXT NOT NULL, level INTEGER, text TEXT, anchor TEXT, line INTEGER);
CREATE TABLE blocks(path TEXT NOT NULL, id TEXT NOT NULL);
CREATE TABLE tags(path TEXT NOT NULL, tag TEXT NOT NULL);
CREATE TABLE attachments(path TEXT PRIMARY KEY);
CREATE TABLE links(
    source TEXT NOT NULL, ord INTEGER NOT NULL, key TEXT NOT NULL,
    line INTEGER, col INTEGER, start INTEGER, "end" INTEGER, embed INTEGER,
    status TEXT NOT NULL, target TEXT, anchor TEXT, candidates TEXT,
    PRIMARY KEY(source, ord)) WITHOUT ROWID;
CREATE TABLE note_text(id INTEGER PRIMARY KEY, title, aliases, tags, body, folded);
CREATE VIRTUAL TABLE search USING fts5(title, aliases, tags, body, folded,
    content='note_text', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE listings(kind TEXT PRIMARY KEY, lines TEXT NOT NULL);
"""
_SEARCH_COLUMNS = "title, aliases, tags, body, folded"
_INDEX_NEW = (f"INSERT INTO search(rowid, {_SEARCH_COLUMNS}) VALUES (new.id, new.title, "
              "new.aliases, new.tags, new.body, new.folded);")
_UNINDEX_OLD = (f"INSERT INTO search(search, rowid, {_SEARCH_COLUMNS}) VALUES ('delete', "
                "old.id, old.title, old.aliases, old.tags, old.body, old.folded);")
#: The full-text table `search` indexes the rows of `note_text` (its external content: the
#: text is stored once, and snippets are cut from it) and follows them through these
#: triggers. A streamed first build fills `note_text` without them and then rebuilds the
#: index from it in one statement (`bulk`).
SEARCH_TRIGGERS = {"note_text_insert": f"AFTER INSERT ON note_text BEGIN {_INDEX_NEW} END",
                   "note_text_delete": f"AFTER DELETE ON note_text BEGIN {_UNINDEX_OLD} END",
                   "note_text_update": f"AFTER UPDATE ON note_text BEGIN {_UNINDEX_OLD} "
                                       f"{_INDEX_NEW} END"}
#: `listings` keeps what `lemma list [--kind K]` last printed (`queries.listed_text`); these
#: triggers empty it whenever a row of `notes` changes what it prints, whoever writes the row.
#: A bulk load drops them with the secondary indexes (3.5 µs a row) and empties it itself.
LISTING_TRIGGERS = {"listings_insert": "AFTER INSERT ON notes",
                    "listings_delete": "AFTER DELETE ON notes",
                    "listings_update": "AFTER UPDATE OF path, kind, title, note ON notes"}
#: Indexes kept apart so a first build can create them after its bulk insert.
#: What `lemma list` reads of every note, so that it is read without the rows' note pickles
#: (which come first in a row: 1 s at 100k notes, against 0.1 s from this index).
_LISTED = ("notes(path, kind, title, aliases, tags, date, mtime_ns, broken) "
           "WHERE note IS NOT NULL")
SECONDARY_INDEXES = {"names_key": "names(key)", "tags_tag": "tags(tag)",
                     "links_target": "links(target)", "notes_listed": _LISTED}
#: Those a first build can create before its links are written.
NOTE_INDEXES = ("names_key", "tags_tag", "notes_listed")

_ALLOWED = {
    "lemma.model": {"note_from_fields", "Note", "WikiLink", "Cite", "SourcePos", "Heading",
                    "Diagnostic", "Severity", "NoteKind"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
}


class IndexCorrupt(sqlite3.DatabaseError):
    """The index file cannot be trusted (unreadable, wrong schema, foreign objects)."""


class _ModelUnpickler(pickle.Unpickler):
    """Admits Lemma's model classes and plain data only (Python's "restricting globals")."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise IndexCorrupt(f"unexpected object {module}.{name}")


def dump(value: object) -> bytes:
    """Pickle a note or its problems for the `notes` table."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load(blob: bytes) -> Any:
    """Read back what `dump` wrote; IndexCorrupt on anything else."""
    try:
        return _ModelUnpickler(io.BytesIO(blob)).load()
    except IndexCorrupt:
        raise
    except Exception as error:  # a truncated or garbled pickle: any of a dozen exception types
        raise IndexCorrupt(f"unreadable note record ({type(error).__name__})") from None


def index_file(root: Path) -> Path:
    """Where the index of the vault at `root` lives (beside the lock and journal)."""
    from ..cache_files import CacheFiles

    files = CacheFiles.of(root)
    return files.folder / f"{files.name}.index.sqlite"


def load_note(blob: object) -> Note:
    """A stored note record; IndexCorrupt if it is anything else."""
    note = load(blob) if isinstance(blob, bytes) else None
    if not isinstance(note, Note):
        raise IndexCorrupt("a note record of the wrong type")
    return note


def load_problems(blob: object) -> list[Any]:
    """A stored list of diagnostics; IndexCorrupt if it is anything else."""
    from ..model import Diagnostic

    problems = load(blob) if isinstance(blob, bytes) else None
    if not isinstance(problems, list) or not all(isinstance(p, Diagnostic) for p in problems):
        raise IndexCorrupt("a problems record of the wrong type")
    return problems


def fingerprint(slugify: Callable[..., str] | None, max_bytes: int) -> str:
    """What the stored parses depend on: Lemma's parsing code, the toc slugify, the size limit."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for name in PARSING_MODULES:
        digest.update((package / name).read_bytes())
    version = f"{SCHEMA_VERSION}|{sys.version}|{max_bytes}|{describe(slugify)}"
    digest.update(version.encode())
    return digest.hexdigest()


def describe(function: object) -> str:
    """A stable description of a (possibly configured) slugify function."""
    if function is None:
        return "default"
    if not callable(function):
        return repr(function)
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"
    cells = getattr(function, "__closure__", None) or ()
    inner = [describe(c.cell_contents) for c in cells if _has_contents(c)]
    for attribute in ("func", "args", "keywords"):  # functools.partial
        if hasattr(function, attribute):
            inner.append(describe(getattr(function, attribute)))
    return f"{name}({','.join(inner)})" if inner else name


def _has_contents(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


#: How long a command waits for another one's refresh (a cold 100k-note build takes minutes).
BUSY_SECONDS = 900


def connect(path: Path | str, journal: str = "WAL") -> sqlite3.Connection:
    """An SQLite connection in WAL mode that waits for another writer instead of failing;
    `journal` "OFF": none, and no syncing (a first build's own file, `fresh.py`)."""
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None,
                         check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
    db.create_function("casefold", 1, _casefold, deterministic=True)
    if str(path) != ":memory:":
        db.execute(f"PRAGMA journal_mode = {journal}")
    db.execute(f"PRAGMA synchronous = {'OFF' if journal == 'OFF' else 'NORMAL'}")
    return db


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def check_schema(db: sqlite3.Connection, wanted: str) -> str | None:
    """Why the database cannot be used as is ('' for a new empty one), or None when it can."""
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            return "" if tables == 0 else "it was not made by Lemma"
        if version != SCHEMA_VERSION:
            return f"its schema is version {version}, this Lemma uses {SCHEMA_VERSION}"
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        triggers = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    except sqlite3.DatabaseError as error:
        return f"it is damaged ({error})"
    if row is None or row[0] != wanted:
        return "it was built by another Lemma version or with other settings"
    if not triggers.issuperset(LISTING_TRIGGERS):  # kept listings would outlive their notes
        return "it is damaged (a trigger of its listings is missing)"
    if not triggers.issuperset(SEARCH_TRIGGERS):  # the full-text index would fall behind
        return "it is damaged (a trigger of its full-text index is missing)"
    return None


def create(db: sqlite3.Connection, wanted: str) -> None:
    """Drop whatever is there and create the empty tables (inside the caller's transaction)."""
    for (kind, name) in db.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_%'").fetchall():
        db.execute(f'DROP {kind} IF EXISTS "{name}"')
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    create_secondary_indexes(db)
    create_search_triggers(db)
    db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (wanted,))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def drop_secondary_indexes(db: sqlite3.Connection) -> None:
    """Before a bulk load: the secondary indexes and the listings' triggers go."""
    for name in SECONDARY_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    for name in LISTING_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_secondary_indexes(db: sqlite3.Connection) -> None:
    """After a bulk load (or at creation): the secondary indexes and the listings' triggers
    are back, and no listing made before the load is kept."""
    for name in SECONDARY_INDEXES:
        db.execute(create_index(name))
    db.execute("DELETE FROM listings")
    for name, when in LISTING_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN DELETE FROM listings; END")


def drop_search_triggers(db: sqlite3.Connection) -> None:
    """Before `note_text` is filled in bulk (the full-text index is rebuilt from it after)."""
    for name in SEARCH_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_search_triggers(db: sqlite3.Connection) -> None:
    for name, body in SEARCH_TRIGGERS.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def create_index(name: str) -> str:
    """The statement that creates secondary index `name` unless it exists."""
    return f"CREATE INDEX IF NOT EXISTS {name} ON {SECONDARY_INDEXES[name]}"


def remove_files(path: Path) -> None:
    """Delete an index file and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once so two refreshing processes queue, not deadlock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # (SQLite may have rolled back already)
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def delete_notes(db: sqlite3.Connection, paths: Iterable[str]) -> None:
    """Remove every row about these notes (their links included).

    The small per-note tables are not indexed by path (a first build inserts faster without):
    they are scanned once for the whole set of paths.
    """
    rows = [(p,) for p in paths]
    if not rows:
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS gone(path TEXT PRIMARY KEY)")
    db.execute("DELETE FROM gone")
    db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", rows)
    db.execute("DELETE FROM note_text WHERE id IN (SELECT id FROM notes WHERE path IN gone)")
    for table in ("names", "headings", "blocks", "tags"):
        db.execute(f"DELETE FROM {table} WHERE path IN gone")
    db.executemany("DELETE FROM notes WHERE path = ?", rows)
    db.executemany("DELETE FROM links WHERE source = ?", rows)


#: Joins a note's aliases or tags in one column (no title or tag can hold this character).
SEPARATOR = "\x1f"


def join(values: tuple[str, ...]) -> str:
    return SEPARATOR.join(values)


def split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split(SEPARATOR)) if value else ()


def write_notes(db: sqlite3.Connection, rows: list[NoteRows]) -> None:
    """Insert notes' rows, table by table (the caller deleted the old ones).

    Their links are written by `write_links` once resolved, their search rows by
    `write_search`.
    """
    db.executemany("INSERT INTO notes(path, size, mtime_ns, ctime_ns, ino, hash, indexed_ns, "
                   "note, problems, kind, title, aliases, tags, date, attrs) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [r.note for r in rows])
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", [x for r in rows for x in r.names])
    db.executemany("INSERT INTO headings VALUES (?, ?, ?, ?, ?)",
                   [x for r in rows for x in r.headings])
    db.executemany("INSERT INTO blocks VALUES (?, ?)", [x for r in rows for x in r.blocks])
    db.executemany("INSERT INTO tags VALUES (?, ?)", [x for r in rows for x in r.tags])


def save_attachments(db: sqlite3.Connection, attachments: list[str]) -> None:
    """The vault's attachments, in place of those stored."""
    db.execute("DELETE FROM attachments")
    db.executemany("INSERT INTO attachments VALUES (?)", [(a,) for a in attachments])
