"""Shared by the index tests: comparing an index with a fresh `load_vault`, a vault, seeded
random edits of it (`Editor`), and ways to spoil an index file."""

from __future__ import annotations

import os
import pickle
import random
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import yaml

from lemma.config import configured_slugify
from lemma.frontmatter import parse_date
from lemma.graph.concept import ConceptGraph, build_graph
from lemma.graph.indexed import graph_from_index, stats_from_index
from lemma.index import queries, store
from lemma.index.queries import NoteRow
from lemma.model import LemmaError
from lemma.synth import write_synthetic_vault
from lemma.vault import Vault
from tests.conftest import write_files

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

# -- comparing the index with a fresh load ------------------------------------------------------


def diagnostics_key(vault: Vault) -> list[tuple]:
    return sorted((d.sort_key(), repr(d)) for d in vault.diagnostics)


def graph_view(cg: ConceptGraph) -> tuple:
    """Everything of a concept graph a command can show: stats, nodes, edges (with data)."""
    g = cg.graph
    nodes = {n: dict(data) for n, data in g.nodes(data=True)}
    edges = {(u, v): sorted((o.line, o.col, o.embed, o.start, o.end, o.sentence)
                            for o in data["occurrences"]) for u, v, data in g.edges(data=True)}
    return cg.stats(), nodes, edges


def assert_same_vault(got: Vault, want: Vault, graph: bool = True) -> None:
    assert list(got.notes) == list(want.notes)
    assert got.notes == want.notes
    assert got.resolved == want.resolved
    assert got.attachments == want.attachments
    assert diagnostics_key(got) == diagnostics_key(want)
    assert got.skipped == want.skipped
    if graph:
        assert graph_view(build_graph(got)) == graph_view(build_graph(want))


def index_tables(db: sqlite3.Connection) -> dict[str, list]:
    """Every row of the index but what depends on when or in what order it was written (row
    ids, indexing times, pickle bytes: the pickles are compared unpickled)."""
    load = store.load
    notes = [(*row[:-2], load(row[-2]) if row[-2] else None, load(row[-1]) if row[-1] else None)
             for row in db.execute(
                 "SELECT path, size, mtime_ns, ctime_ns, ino, hash, kind, title, aliases, tags, "
                 "date, attrs, broken, note, problems FROM notes ORDER BY path")]
    tables: dict[str, list] = {"notes": [repr(n) for n in notes]}
    for table in ("names", "headings", "blocks", "tags", "attachments", "links"):
        tables[table] = sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    tables["search"] = sorted(db.execute(
        "SELECT n.path, s.title, s.aliases, s.tags, s.body FROM search s "
        "LEFT JOIN notes n ON n.id = s.rowid").fetchall(), key=repr)
    db.execute("INSERT INTO search(search) VALUES ('integrity-check')")  # index = its text
    tables["indexed"] = sorted(db.execute(  # what the full-text index itself holds
        "SELECT n.path, d.sz FROM search_docsize d LEFT JOIN notes n ON n.id = d.id"
        ).fetchall(), key=repr)
    tables["meta"] = sorted(r[0] for r in db.execute("SELECT key FROM meta"))
    return tables


def names_to_find(vault: Vault, rng: random.Random) -> list[str]:
    """Titles, aliases, stems and paths of some notes, names several notes share (ambiguous
    unless one kind of name wins), and names that match nothing."""
    names = ["no such note anywhere", "Zzq", "diagram.png", "shared", "misc/shared"]
    for note in rng.sample(list(vault), min(6, len(vault))):
        names += [note.title, note.stem, note.path, note.path.removesuffix(".md").upper()]
        names += list(note.aliases[:1])
        names.append(note.title[:-1] + "x")  # a typo: "did you mean" suggestions
    owners: dict[str, set[str]] = {}
    for note in vault:
        for name in (note.title, note.stem, *note.aliases):
            owners.setdefault(name.casefold(), set()).add(note.path)
    shared = sorted(name for name, paths in owners.items() if len(paths) > 1)
    return names + rng.sample(shared, min(4, len(shared)))


def assert_queries_agree(db: sqlite3.Connection, vault: Vault, rng: random.Random) -> None:
    """The SQL-only answers equal the model's: the concept graph, listing, backlinks, find
    and completion."""
    graph = build_graph(vault)
    assert graph_view(graph_from_index(db)) == graph_view(graph)
    assert stats_from_index(db, top=len(vault.notes)) == graph.stats(top=len(vault.notes))
    assert queries.note_rows(db) == vault_rows(vault)
    for path in vault.notes:
        want = [(b.source, b.title, b.line, b.sentence) for b in graph.backlinks(path)]
        got = [(b.source, b.title, b.line, b.sentence) for b in queries.backlinks(db, path)]
        assert got == want, path
    for name in names_to_find(vault, rng):
        assert outcome(queries.find_note, db, name) == outcome(
            lambda n: vault.find(n).path, name), name
    for prefix in ("", "m", "Gr", "t", "the", "Q", rng.choice(list(vault)).title[:3]):
        want = sorted({n for note in vault for n in (note.title, *note.aliases)
                       if n.casefold().startswith(prefix.casefold())})
        assert queries.names_starting(db, prefix) == want, prefix


def outcome(call: Callable[..., str], *args: object) -> tuple[str, str]:
    """What a lookup gives: ('ok', path) or ('error', exit code and message)."""
    try:
        return "ok", call(*args)
    except LemmaError as error:
        return "error", f"{error.exit_code}: {error.message}"


# -- a vault and random edits of it ---------------------------------------------------------------

HAND_MADE = {
    "hub.md": "---\ntitle: Hub\naliases: [Centre, Middle]\n---\n# Hub\n\n## Overview\n\n"
              "See [[Gradient notes]] and [[Shared]] and [[lone#Part one]].\n\n"
              "A claim. ^hub-claim\n",
    "misc/lone.md": "# Lone\n\n## Part one\n\nText with [[hub#^hub-claim]] and ![[diagram.png]].\n",
    "misc/shared.md": "---\ntitle: Shared\n---\nOne of two notes called Shared.\n",
    "other/shared.md": "---\ntitle: Shared copy\n---\n[[Shared]] is ambiguous from here? "
                       "[[misc/shared]] is not.\n",
    "gradient.md": "---\ntitle: Gradient notes\naliases: [Grad]\ntags: [ml/optim]\n---\n"
                   "## Descent\n\nBody [[Hub#Overview]] [[Missing one]]. ^grad-1\n",
    "diagram.png": PNG,
    "misc/cafe\u0301.md": "---\ntitle: Caf\u00e9 notes\n---\nDecomposed file name.\n",
    "other/links.md": "[[caf\u00e9]] [[CAFE\u0301]] [[misc/café]] [[Café notes#Nothing]]\n",
}

WORDS = ("gradient", "kernel", "descent", "prior", "limit", "scaling", "noise", "lemma")
FOLDERS = ("", "misc", "other", "papers", "concepts", "extra/deep")


def split_front(text: str) -> tuple[dict | None, str]:
    """A note's frontmatter (None if it has none or it is not valid YAML) and its body."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            try:
                meta = yaml.safe_load(text[4:end])
            except yaml.YAMLError:
                return None, text[end + 5:]
            return (meta if isinstance(meta, dict) else None), text[end + 5:]
    return None, text


def join_front(meta: dict | None, body: str) -> str:
    if not meta:
        return body
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body


class Editor:
    """Random edits of the vault at `root`, chosen with a seeded generator."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.counter = 0

    # what is there
    def notes(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.md")
                      if p.is_file())

    def attachments(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file() and p.suffix != ".md")

    def read(self, path: str) -> str:
        return (self.root / path).read_bytes().decode("utf-8", "replace")

    def write(self, path: str, text: str | bytes) -> None:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text.encode() if isinstance(text, str) else text)

    def fresh_name(self) -> str:
        self.counter += 1
        return f"{self.rng.choice(WORDS)}-{self.counter}"

    def some_note(self) -> str:
        return self.rng.choice(self.notes())

    def names(self) -> list[tuple[str, list[str], list[str], list[str]]]:
        """(stem-path, names, headings, block ids) of each note as the files say now."""
        found = []
        for path in self.notes():
            text = self.read(path)
            meta, body = split_front(text)
            names = [path.rsplit("/", 1)[-1][:-3], path[:-3]]
            if meta:
                names += [str(meta["title"])] if meta.get("title") else []
                aliases = meta.get("aliases") or []
                names += [str(a) for a in (aliases if isinstance(aliases, list) else [aliases])]
            headings = re.findall(r"^#{1,6} +(.+?) *$", body, re.M)
            blocks = re.findall(r"\^([\w-]+)\s*$", body, re.M)
            found.append((path[:-3], names, headings, blocks))
        return found

    def random_link(self) -> str:
        """A link in one of the forms people write, to a note, heading, block, attachment or
        nothing at all."""
        rng = self.rng
        stem, names, headings, blocks = rng.choice(self.names())
        name = rng.choice(names)
        form = rng.randrange(12)
        if form == 0 and headings:
            return f"[[{name}#{rng.choice(headings)}]]"
        if form == 1 and blocks:
            return f"[[{name}#^{rng.choice(blocks)}]]"
        if form == 2:
            return f"![[{name}]]"
        if form == 3:
            attachments = self.attachments()
            target = rng.choice(attachments).rsplit("/", 1)[-1] if attachments else "gone.png"
            return f"![[{target}]]"
        if form == 4:
            return f"[[{rng.choice(['Nowhere', 'missing-9', 'ghost.pdf', name + ' 2'])}]]"
        if form == 5:
            return f"[[{name}#No such heading]]"
        if form == 6:
            return f"[[{name}|a label]]"
        if form == 7:
            return f"[text]({stem.rsplit('/', 1)[-1]}.md)"
        if form == 8:
            return "[[#Overview]]"
        if form == 9:
            return f"[[{stem}]]"
        return f"[[{name}]]"

    def random_body(self) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randrange(1, 4)):
            parts.append(f"## {rng.choice(WORDS).capitalize()} {rng.randrange(5)}\n")
            words = [rng.choice(WORDS) for _ in range(rng.randrange(3, 9))]
            for _ in range(rng.randrange(0, 3)):
                words.insert(rng.randrange(len(words) + 1), self.random_link())
            block = f" ^b{rng.randrange(100)}" if rng.random() < 0.3 else ""
            parts.append(" ".join(words) + "." + block + "\n")
        return "\n".join(parts)

    def random_meta(self) -> dict | None:
        rng = self.rng
        if rng.random() < 0.25:
            return None
        meta: dict = {}
        if rng.random() < 0.7:
            known = [n for _, names, _, _ in self.names() for n in names[2:]]
            meta["title"] = (rng.choice(known) if known and rng.random() < 0.2
                             else f"{rng.choice(WORDS).capitalize()} {self.fresh_name()}")
        if rng.random() < 0.5:
            meta["aliases"] = [self.fresh_name() for _ in range(rng.randrange(1, 3))]
        if rng.random() < 0.3:
            meta["tags"] = [rng.choice(["ml", "ml/optim", "maths"])]
        return meta

    # the edits
    def create(self) -> str:
        folder = self.rng.choice(FOLDERS)
        path = f"{folder}/{self.fresh_name()}.md".lstrip("/")
        self.write(path, join_front(self.random_meta(), self.random_body()))
        return f"create {path}"

    def edit_body(self) -> str:
        path = self.some_note()
        meta, _ = split_front(self.read(path))
        self.write(path, join_front(meta, self.random_body()))
        return f"edit body {path}"

    def add_link(self) -> str:
        path = self.some_note()
        self.write(path, self.read(path) + f"\nAlso {self.random_link()} here.\n")
        return f"add link {path}"

    def remove_link(self) -> str:
        path = self.some_note()
        text = self.read(path)
        links = list(re.finditer(r"!?\[\[[^\]]*\]\]", text))
        if not links:
            return self.add_link()
        link = self.rng.choice(links)
        self.write(path, text[:link.start()] + text[link.end():])
        return f"remove {link.group()} from {path}"

    def rename(self) -> str:
        path = self.some_note()
        folder = self.rng.choice([path.rsplit("/", 1)[0] if "/" in path else "", *FOLDERS])
        new = f"{folder}/{self.fresh_name()}.md".lstrip("/")
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.root / path, self.root / new)
        return f"rename {path} -> {new}"

    def delete(self) -> str:
        if len(self.notes()) < 10:
            return self.create()
        path = self.some_note()
        os.remove(self.root / path)
        return f"delete {path}"

    def rename_names(self) -> str:
        path = self.some_note()
        meta, body = split_front(self.read(path))
        self.write(path, join_front(self.random_meta() or {"title": self.fresh_name()}, body))
        return f"names of {path} ({meta and meta.get('title')!r} before)"

    def headings(self) -> str:
        path = self.some_note()
        text = self.read(path)
        rng = self.rng
        found = list(re.finditer(r"^(#{1,6}) +(.+)$", text, re.M))
        choice = rng.randrange(3)
        if choice == 0 or not found:
            text += f"\n## {self.fresh_name()}\n\nMore text.\n"
        elif choice == 1:
            h = rng.choice(found)
            text = text[:h.start()] + text[h.end():]
        else:
            h = rng.choice(found)
            text = text[:h.start(2)] + self.fresh_name() + text[h.end(2):]
        self.write(path, text)
        return f"heading edit {choice} in {path}"

    def block_ids(self) -> str:
        path = self.some_note()
        text = self.read(path)
        found = list(re.finditer(r" \^([\w-]+)$", text, re.M))
        if found and self.rng.random() < 0.5:
            b = self.rng.choice(found)
            text = text[:b.start()] + (f" ^{self.fresh_name()}" if self.rng.random() < 0.5
                                       else "") + text[b.end():]
        else:
            text = text.rstrip("\n") + f" ^{self.fresh_name()}\n"
        self.write(path, text)
        return f"block id edit in {path}"

    def attachment(self) -> str:
        attachments = self.attachments()
        choice = self.rng.randrange(3)
        if choice == 0 or not attachments:
            path = f"{self.rng.choice(FOLDERS)}/{self.rng.choice(['diagram', 'figure-001', 'x'])}"
            path = (path + self.rng.choice([".png", ".pdf"])).lstrip("/")
            self.write(path, PNG)
            return f"add attachment {path}"
        path = self.rng.choice(attachments)
        if choice == 1:
            os.remove(self.root / path)
            return f"remove attachment {path}"
        new = f"{self.rng.choice(FOLDERS)}/{self.fresh_name()}.png".lstrip("/")
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.root / path, self.root / new)
        return f"move attachment {path} -> {new}"

    def unreadable(self) -> str:
        path = self.some_note() if self.rng.random() < 0.7 else f"{self.fresh_name()}.md"
        self.write(path, b"---\ntitle: Broken \xff\xfe bytes\n---\nText \xc3\x28.\n")
        return f"invalid UTF-8 in {path}"

    def bad_frontmatter(self) -> str:
        path = self.some_note()
        _, body = split_front(self.read(path))
        bad = self.rng.choice(["title: [unclosed\n", "title: Fine\naliases: {a: 1}\n",
                               "- a list\n- not a mapping\n", "kind: nonsense\n"])
        self.write(path, f"---\n{bad}---\n{body}")
        return f"bad frontmatter in {path}"

    def same_mtime(self) -> str:
        """Rewrite a note with other content of the same size and put its times back."""
        path = self.some_note()
        file = self.root / path
        data = file.read_bytes()
        info = file.stat()
        spans = [m.span(1) for m in re.finditer(rb"\[\[([a-z][^\]|#]*)", data)]
        spans = spans or [m.span() for m in re.finditer(rb"[a-z]", data)]
        if not spans:
            return self.edit_body()
        lo, hi = self.rng.choice(spans)
        at = self.rng.randrange(lo, hi)
        new = b"q" if data[at:at + 1] != b"q" else b"z"
        changed = data[:at] + new + data[at + 1:]
        assert len(changed) == len(data) and changed != data
        file.write_bytes(changed)
        os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert file.stat().st_mtime_ns == info.st_mtime_ns
        return f"same-size same-mtime rewrite of {path} at byte {at}"

    def symlink(self) -> str:
        """A note that is a symbolic link: to another note, or to nothing."""
        path = f"{self.rng.choice(FOLDERS)}/{self.fresh_name()}.md".lstrip("/")
        target = self.some_note() if self.rng.random() < 0.6 else "nowhere/gone.md"
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(self.root / target, (self.root / path).parent),
                   self.root / path)
        return f"symlink {path} -> {target}"

    def case_twin(self) -> str:
        """A second note whose path differs from another's only in case."""
        path = self.some_note()
        folder, _, name = path.rpartition("/")
        twin = f"{folder}/{name[:-3].swapcase()}.md".lstrip("/")
        if (self.root / twin).exists():
            return self.create()
        self.write(twin, f"Twin of [[{name[:-3]}]] and [[{twin[:-3].upper()}]].\n")
        return f"case twin {twin} of {path}"

    def same_stem(self) -> str:
        """A note with another note's file name in another folder: links pick the nearest."""
        stem = self.some_note().rsplit("/", 1)[-1]
        folder = self.rng.choice(FOLDERS)
        path = f"{folder}/{stem}".lstrip("/")
        if (self.root / path).exists():
            return self.create()
        self.write(path, join_front(self.random_meta(), self.random_body()))
        return f"same file name {path}"

    def special_file(self) -> str:
        """A FIFO named like a note, or a note symlinked to one: reported, never opened."""
        path = f"{self.rng.choice(FOLDERS)}/{self.fresh_name()}".lstrip("/")
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        if self.rng.random() < 0.5:
            os.mkfifo(self.root / f"{path}.md")
            return f"fifo {path}.md"
        os.mkfifo(self.root / f"{path}.pipe")
        os.symlink(f"{path.rsplit('/', 1)[-1]}.pipe", self.root / f"{path}.md")
        return f"symlink {path}.md to a fifo"

    def rename_folder(self) -> str:
        folders = sorted({p.rsplit("/", 1)[0] for p in self.notes() if "/" in p})
        if not folders:
            return self.rename()
        folder = self.rng.choice(folders)
        new = f"{folder.rsplit('/', 1)[0]}/{self.fresh_name()}" if "/" in folder else (
            self.fresh_name())
        os.rename(self.root / folder, self.root / new)
        return f"rename folder {folder} -> {new}"

    def touch(self) -> str:
        path = self.some_note()
        os.utime(self.root / path)
        return f"touch {path}"

    EDITS = ("create", "edit_body", "add_link", "remove_link", "rename", "delete",
             "rename_names", "headings", "block_ids", "attachment", "unreadable",
             "bad_frontmatter", "same_mtime", "same_mtime", "symlink", "case_twin",
             "same_stem", "special_file", "rename_folder", "touch")

    def step(self) -> str:
        return getattr(self, self.rng.choice(self.EDITS))()


def make_random_vault(root: Path) -> None:
    write_synthetic_vault(root, 40)
    write_files(root, HAND_MADE)


#: Settings the stored parses depend on: seed 4 skips notes above 2 kB (about half of them;
#: edits cross the limit), seed 5 makes heading anchors with another separator.
SETTINGS: dict[int, dict] = {4: {"max_bytes": 2000},
                             5: {"slugify": configured_slugify({"separator": "_"})}}


# -- corrupt, old and foreign index files --------------------------------------------------------

SMALL = {
    "a.md": "---\ntitle: Alpha\n---\nSee [[Beta]].\n",
    "b.md": "---\ntitle: Beta\n---\n## Part\nBack to [[Alpha#Nowhere]].\n",
}


def spoil_garbage(file: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    file.write_bytes(b"this is not a database at all\x00" * 200)


def spoil_truncated(file: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 3])


def _sql(file: Path, *statements: str, args: tuple = ()) -> None:
    db = sqlite3.connect(file)
    for statement in statements:
        db.execute(statement, args if "?" in statement else ())
    db.commit()
    db.close()


def spoil_version_zero(file: Path) -> None:
    _sql(file, "PRAGMA user_version = 0")


def spoil_old_version(file: Path) -> None:
    _sql(file, f"PRAGMA user_version = {store.SCHEMA_VERSION + 41}")


def spoil_fingerprint(file: Path) -> None:
    _sql(file, "UPDATE meta SET value = 'another lemma' WHERE key = 'fingerprint'")


def spoil_blob(file: Path, path: str = "b.md") -> None:
    _sql(file, "UPDATE notes SET note = ? WHERE path = ?", args=(pickle.dumps(os.getcwd), path))


def spoil_links(file: Path) -> None:
    _sql(file, "DELETE FROM links WHERE source = 'a.md'")


def spoil_foreign(file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    _sql(file, "CREATE TABLE photos(id INTEGER, data BLOB)", "INSERT INTO photos VALUES (1, x'00')")


SPOILERS = {
    "garbage-bytes": (spoil_garbage, "it is damaged"),
    "truncated": (spoil_truncated, "it is damaged"),
    "user-version-0": (spoil_version_zero, "it was not made by Lemma"),
    "other-schema-version": (spoil_old_version,
                             f"its schema is version {store.SCHEMA_VERSION + 41}, this Lemma "
                             f"uses {store.SCHEMA_VERSION}"),
    "fingerprint": (spoil_fingerprint,
                    "it was built by another Lemma version or with other settings"),
    "foreign-database": (spoil_foreign, "it was not made by Lemma"),
    "disallowed-pickle": (spoil_blob,
                          "it holds unreadable data (unexpected object posix.getcwd)"),
    "links-missing": (spoil_links, "it is damaged (its links table holds 1 rows, 2 were "
                                   "written)"),
}


def linked_paths(vault: Vault) -> set[str]:
    """Notes that some other note links to (so not orphans)."""
    return {r.target for r in vault.links() if r.target and r.target != r.source
            and r.status in ("ok", "missing-heading")}


def vault_rows(vault: Vault) -> list[NoteRow]:
    """The index's `note_rows`, computed from a loaded vault instead: the oracle they must equal."""
    linked = linked_paths(vault)
    rows = []
    for note in vault:
        written = parse_date(note.meta.get("date"))
        try:
            mtime = (vault.root / note.path).stat().st_mtime_ns
        except OSError:
            mtime = -1
        rows.append(NoteRow(note.path, note.kind.value, note.title, note.aliases, note.tags,
                            written.isoformat() if written else None, mtime,
                            not all(r.ok for r in vault.resolved[note.path]),
                            note.path in linked))
    return rows
