"""Answers read straight from the index tables, without building the vault model.

Each returns what the model-based code returns for the same vault (tests compare the two):
`find_note` is `Vault.find`, `backlinks` is `ConceptGraph.backlinks`, `note_rows` feeds
`lemma list`, `names_starting` is completion; `search` ranks full text with FTS5's bm25.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..model import LemmaError
from ..search_text import ZWSP, query_words, shown_text
from . import store
from .typed_rows import INT, MAYBE_TEXT, NUMBER, TEXT, checked

#: bm25 weights of the search columns: title, aliases, tags, body, folded (see search_text).
WEIGHTS = (10.0, 6.0, 4.0, 1.0, 1.0)


def find_note(db: sqlite3.Connection, name: str) -> str:
    """The path of the note a user means by `name`, with `Vault.find`'s rules and messages."""
    from ..names import NameSuggester, find_path
    from ..resolution import NameIndex, fold, link_key

    key = link_key(name)
    rows = checked(db.execute(
        "SELECT DISTINCT n.path, n.title, n.aliases FROM names k JOIN notes n ON n.path = k.path "
        "WHERE k.key = ? ORDER BY n.path", (key,)), TEXT, TEXT, MAYBE_TEXT)
    triples = [(p, t, store.split(a)) for p, t, a in rows]
    attachments = [r[0] for r in checked(db.execute("SELECT path FROM attachments"), TEXT)
                   if link_key(r[0], attachment=True) == key]
    index = NameIndex.build(triples, attachments)
    paths = {t[0] for t in triples}

    def suggest(wanted: str) -> str:  # among the few names close enough (see `close_names`)
        from .early import close_names

        return NameSuggester(sorted(close_names(db, {fold(wanted)}))).phrase(wanted)

    return find_path(index, name, paths.__contains__, suggest)


@dataclass(frozen=True, slots=True)
class BacklinkRow:
    """One link into a note: the linking note, its title, the line and the sentence."""

    source: str
    title: str
    line: int
    sentence: str


def backlinks(db: sqlite3.Connection, path: str) -> list[BacklinkRow]:
    """Every link into `path` from another note (broken-heading ones too), sorted by the
    linking note's title, as the concept graph lists them."""
    from ..link_text import link_sentence

    exists = db.execute("SELECT 1 FROM notes WHERE path = ? AND note IS NOT NULL",
                        (path,)).fetchone()
    if exists is None:
        raise LemmaError(f"'{path}' is not a note of this vault", exit_code=2)
    rows = list(checked(db.execute(  # each linking note's record is read once
        'SELECT l.source, n.title, l.line, l.start, l."end" FROM links l '
        "JOIN notes n ON n.path = l.source WHERE l.target = ? AND l.source != ?",
        (path, path)), TEXT, TEXT, INT, INT, INT))
    bodies: dict[str, str] = {}
    found = []
    for source, title, line, start, end in rows:
        if source not in bodies:
            blob = db.execute("SELECT note FROM notes WHERE path = ?", (source,)).fetchone()[0]
            bodies[source] = store.load_note(blob).body
        found.append(BacklinkRow(source, title, line, link_sentence(bodies[source], start, end)))
    return sorted(found, key=lambda b: (b.title.casefold(), b.source, b.line))


def title_of(db: sqlite3.Connection, path: str) -> str:
    row = db.execute("SELECT title FROM notes WHERE path = ?", (path,)).fetchone()
    return row[0] if row and isinstance(row[0], str) else path.rsplit("/", 1)[-1]


@dataclass(slots=True)
class NoteRow:
    """What `lemma list` needs of a note (not frozen: 3x faster to make 10k of)."""

    path: str
    kind: str
    title: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    date: str | None  # the frontmatter date, ISO, if valid
    mtime_ns: int
    broken: bool
    linked: bool  # another note links to it


def note_rows(db: sqlite3.Connection, links: bool = True, kind: str | None = None
              ) -> list[NoteRow]:
    """Every readable note (of `kind`, if given), in path order (`linked` is left False
    unless `links`)."""
    linked: set[str] = set()
    if links:
        linked = {r[0] for r in checked(db.execute(
            "SELECT DISTINCT target FROM links WHERE target IS NOT NULL AND target != source "
            "AND status IN ('ok', 'missing-heading')"), TEXT)}
    rows = checked(db.execute(
        "SELECT path, kind, title, aliases, tags, date, mtime_ns, broken FROM notes "
        f"WHERE note IS NOT NULL{' AND kind = ?' if kind else ''} ORDER BY path",
        (kind,) if kind else ()), TEXT, TEXT, TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, INT, INT)
    split = store.split
    return [NoteRow(p, k, t, split(a), split(g), d, m, bool(b), p in linked)
            for p, k, t, a, g, d, m, b in rows]


def listed_text(db: sqlite3.Connection, kind: str | None = None) -> str:
    """`listed_lines` joined by newlines, as the index last made them: a 100k-note listing is
    one stored text to read (milliseconds) instead of 100k rows to step through (~90 ms).

    Made and kept in one write transaction, so no change slips in between; the `listings`
    triggers drop every kept text when a note row changes. An index that cannot be written
    (read-only, busy past the timeout) still gives the listing, made each time."""
    key = kind or ""
    kept = db.execute("SELECT lines FROM listings WHERE kind = ?", (key,)).fetchone()
    if kept is not None:
        if not isinstance(kept[0], str):
            raise store.IndexCorrupt("a value of the wrong type in a row")
        return kept[0]
    try:
        with store.transaction(db):
            text = "\n".join(listed_lines(db, kind))
            db.execute("INSERT OR REPLACE INTO listings VALUES (?, ?)", (key, text))
    except sqlite3.OperationalError:
        return "\n".join(listed_lines(db, kind))
    return text


def listed_lines(db: sqlite3.Connection, kind: str | None = None) -> list[str]:
    """What `lemma list [--kind K]` prints when it filters by nothing else: a line per readable
    note (of `kind`, if given) in path order, its path, kind and title in columns. SQLite
    formats the lines (100k notes: one string a row to fetch, not three to format after).

    Widths are in characters on both sides (`%!-*s`, `length`), as Python's `<` pads. A row
    whose columns are not all text is formatted as NULL, which the join refuses: the index
    is corrupt, and nothing of it is printed."""
    where = "note IS NOT NULL" + (" AND kind = ?" if kind else "")
    args = (kind,) if kind else ()
    width = db.execute(f"SELECT max(length(path)) FROM notes WHERE {where}", args).fetchone()[0]
    if not isinstance(width, int):
        return []
    lines = [line for (line,) in db.execute(
        "SELECT CASE WHEN typeof(path) = 'text' AND typeof(kind) = 'text' AND "
        "typeof(title) = 'text' THEN printf('%!-*s  %!-7s  %s', ?, path, kind, title) END "
        f"FROM notes WHERE {where} ORDER BY path", (width, *args))]
    if None in lines:
        raise store.IndexCorrupt("a value of the wrong type in a row")
    return lines


def names_starting(db: sqlite3.Connection, typed: str) -> list[str]:
    """Titles and aliases that start with `typed` (any case), sorted: shell completion.

    A name whose folded `key` is its SQLite `lower()` (ASCII case aside, nothing to fold, no
    folder part) starts with `typed` exactly when its key does: those are found by a range of
    the key index (100k notes: milliseconds, not a pass over 200k names in Python). The others
    (`Ärger`, `ß`, `a/b`, decomposed accents) are few and checked one by one.
    """
    wanted = typed.casefold()
    if wanted:
        last = ord(wanted[-1])
        bound = wanted[:-1] + chr(last + 1) if last < 0x10FFFF else wanted + "\U0010ffff"
        regular = db.execute("SELECT name FROM names WHERE key >= ? AND key < ? "
                             "AND how != 'file'", (wanted, bound))
    else:
        regular = db.execute("SELECT name FROM names WHERE how != 'file'")
    found = {name for (name,) in checked(regular, TEXT)
             if name.casefold().startswith(wanted)}
    irregular = db.execute("SELECT name FROM names WHERE how != 'file' AND key != lower(name)")
    found |= {name for (name,) in checked(irregular, TEXT)
              if name.casefold().startswith(wanted)}
    return sorted(found)


#: How a snippet marks a matched word (control characters, so no note text can forge one).
MATCH_START, MATCH_END = "\x02", "\x03"


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the note, its rank score (higher is better) and a snippet whose
    matched words are wrapped in MATCH_START/MATCH_END."""

    path: str
    title: str
    kind: str
    score: float
    snippet: str

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(MATCH_START, "").replace(MATCH_END, "")

    @property
    def matches(self) -> list[str]:
        return re.findall(f"{MATCH_START}(.*?){MATCH_END}", self.snippet)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "title": self.title, "kind": self.kind,
                "score": round(self.score, 4), "snippet": self.plain_snippet,
                "matches": self.matches}




def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must appear; a trailing `*` keeps a
    prefix, `"quoted words"` stay a phrase, `OR` between two terms accepts either, and a
    leading `-` excludes a word or phrase (wherever it is written).

    Every term is quoted, so no word the user types is ever read as FTS5 syntax.
    """
    groups: list[list[str]] = []  # each group: terms joined by OR; groups joined by AND
    excluded: list[str] = []
    pending_or = False
    seen_any = False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', text):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        if word == "OR":
            pending_or = bool(groups)
            continue
        if phrase is not None:
            words, prefix = query_words(phrase), False
        else:
            negate = "-" if word.startswith("-") and len(word) > 1 else ""
            words, prefix = query_words(word), word.endswith("*")
        if not words:
            continue
        seen_any = True
        term = '"' + " ".join(words) + '"' + ("*" if prefix else "")  # `a-b`: the phrase a b
        if negate:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if not seen_any:
        raise LemmaError(f"'{text}' has no word to search for (letters or digits)",
                         exit_code=2)
    if not groups:
        raise LemmaError("a search needs at least one word that must appear", exit_code=2)
    query = " AND ".join("(" + " OR ".join(group) + ")" if len(group) > 1 else group[0]
                         for group in groups)
    if excluded:
        query = f"({query}) NOT (" + " OR ".join(excluded) + ")"
    return query


def search(db: sqlite3.Connection, text: str, kind: str | None = None, tag: str | None = None,
           limit: int = 20) -> list[Hit]:
    """Notes matching `text`, best first (title and alias matches weigh most)."""
    query = fts_query(text)
    if not query:
        return []
    limit = min(limit, 1 << 62)  # "as many as there are" past SQLite's integers
    where, args = ["search MATCH ?"], [query]
    if kind:
        where.append("n.kind = ?")
        args.append(kind)
    if tag:
        wanted = tag.lstrip("#").casefold()
        where.append("EXISTS (SELECT 1 FROM tags t WHERE t.path = n.path AND "
                     "(casefold(t.tag) = ? OR casefold(t.tag) LIKE ? ESCAPE '\\'))")
        args += [wanted, wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                 + "/%"]
    weights = ", ".join(str(w) for w in WEIGHTS)
    if not kind and not tag:
        found = _best_matches(db, query, weights, limit)
        if found is not None:
            return found
    sql = (f"SELECT n.path, n.title, n.kind, bm25(search, {weights}) AS rank, "
           f"snippet(search, 3, '{MATCH_START}', '{MATCH_END}', '…', 14) "
           "FROM search JOIN notes n ON n.id = search.rowid "
           f"WHERE {' AND '.join(where)} ORDER BY rank, n.path LIMIT ?")
    try:
        rows = db.execute(sql, (*args, limit)).fetchall()
    except sqlite3.OperationalError as error:
        if "fts5" not in str(error):  # not the query's fault: the index's (a missing table)
            raise
        raise LemmaError(f"cannot search for '{text}': {error}", exit_code=2) from None
    rows = list(checked(rows, TEXT, TEXT, TEXT, NUMBER, TEXT))
    return _hits(rows)


def _hits(rows: list[tuple[Any, ...]]) -> list[Hit]:
    joined = re.compile(f"{MATCH_END}{ZWSP}+{MATCH_START}")  # 正切核: one match, not three
    return [Hit(p, t, k, -r, readable_snippet(shown_text(joined.sub("", s))))
            for p, t, k, r, s in rows]


def _best_matches(db: sqlite3.Connection, query: str, weights: str,
                  limit: int) -> list[Hit] | None:
    """`search` without filters, ranked in the full-text table alone (76k matches of common
    words at 100k notes: the join with `notes` for every match doubled the time); the few
    best are then joined, tie-broken by path and given snippets. None when the ties at the
    cut run past what was ranked (the caller ranks with the join)."""
    if not 0 < limit <= 10_000:
        return None
    wanted = limit * 2 + 10  # enough to see where the ties at the cut end
    try:
        ranked = db.execute(f"SELECT rowid, bm25(search, {weights}) AS rank FROM search "
                            "WHERE search MATCH ? ORDER BY rank LIMIT ?", (query, wanted)
                            ).fetchall()
    except sqlite3.OperationalError:
        return None  # the caller says what is wrong with the query
    ranked = list(checked(ranked, INT, NUMBER))
    if len(ranked) == wanted and len(ranked) > limit and ranked[limit - 1][1] == ranked[-1][1]:
        return None
    if len(ranked) > limit:
        cut = ranked[limit - 1][1]
        ranked = [r for r in ranked if r[1] <= cut]  # the ties at the cut, all of them
    ids = [r[0] for r in ranked]
    marks = ",".join("?" * len(ids))
    notes = {i: (p, t, k) for i, p, t, k in checked(db.execute(
        f"SELECT id, path, title, kind FROM notes WHERE id IN ({marks})", ids),
        INT, TEXT, TEXT, TEXT)}
    snippets = dict(checked(db.execute(
        f"SELECT rowid, snippet(search, 3, '{MATCH_START}', '{MATCH_END}', '…', 14) "
        f"FROM search WHERE search MATCH ? AND rowid IN ({marks})", (query, *ids)),
        INT, TEXT))
    if any(i not in notes or i not in snippets for i in ids):
        return None  # a full-text row without its note: as the join has it
    rows = sorted(((*notes[i], rank, snippets[i]) for i, rank in ranked),
                  key=lambda row: (row[3], row[0]))[:limit]
    return _hits(rows)


def readable_snippet(snippet: str) -> str:
    """A snippet of Markdown as a reader sees it: links by their text, markup gone (links cut
    by the snippet's edges too)."""
    from ..link_text import plain_text

    text = plain_text(snippet)  # line by line: list and heading markers go too
    text = re.sub(r"^[^\[\]|]*\|(?=[^\[\]]*\]\])", "", text)  # a cut link's "target|"
    text = re.sub(r"!?\[\[|\]\]", "", text)
    return " ".join(text.split())
