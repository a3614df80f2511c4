"""The vault: every note of a folder read once, names indexed, links resolved, problems collected.

`load_vault(root)` is the one entry point; it writes nothing and never raises on bad notes:
each problem becomes a Diagnostic with `path:line:col`.
"""

from __future__ import annotations

import difflib
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .links import (
    NameIndex,
    Slugify,
    find_heading,
    fold,
)
from .model import (
    Diagnostic,
    LemmaError,
    Note,
    NoteKind,
    Severity,
    SourcePos,
    WikiLink,
    field_setters,
)
from .names import NameSuggester, find_path
from .note_parse import read_note
from .vault_changes import FileRead, VaultChanges, citekey_of
from .vault_fs import DEFAULT_MAX_BYTES, IGNORED_FOLDERS, NoteFileError, list_vault, prefetch

__all__ = ["IGNORED_FOLDERS", "ResolvedLink", "Vault", "load_vault", "scan"]



@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """A link with what it points at: `target` is a note or attachment path (None if broken)."""

    source: str
    link: WikiLink
    status: str  # "ok" | "broken" | "ambiguous" | "missing-heading"
    target: str | None = None
    anchor: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def is_attachment(self) -> bool:
        """Whether the link points at a file that is not a note (by what it resolved to)."""
        if self.target is not None:
            return not self.target.endswith(".md")
        return self.link.is_attachment


_SET = field_setters(ResolvedLink, "source link status target anchor candidates")


def _link(source: str, link: WikiLink, status: str, target: str | None, anchor: str | None,
          candidates: tuple[str, ...]) -> ResolvedLink:
    """`ResolvedLink(...)` at half the cost, as model's quick constructors make their objects
    (half a million links at 100k notes)."""
    resolved = object.__new__(ResolvedLink)
    set_source, set_link, set_status, set_target, set_anchor, set_candidates = _SET
    set_source(resolved, source)
    set_link(resolved, link)
    set_status(resolved, status)
    set_target(resolved, target)
    set_anchor(resolved, anchor)
    set_candidates(resolved, candidates)
    return resolved


def scan(root: Path) -> tuple[list[str], list[str]]:
    """Vault-relative paths of notes (`.md`) and attachments, sorted (see `list_vault`)."""
    listing = list_vault(root)
    return listing.notes, listing.attachments


class Vault(VaultChanges):
    """All notes of a folder, their name index and their resolved links.

    `resolved`, when given (an index restoring a vault it saved), is trusted as the links'
    resolution; otherwise every link is resolved here.
    """

    def __init__(self, root: Path, notes: dict[str, Note], attachments: list[str],
                 problems: dict[str, list[Diagnostic]], slugify: Slugify | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 resolved: dict[str, tuple[ResolvedLink, ...]] | None = None) -> None:
        self.root = root
        self.slugify = slugify
        self.max_bytes = max_bytes
        self.notes = notes
        self.attachments = attachments
        self._problems = problems
        self._index: NameIndex | None = None
        self._names: NameSuggester | None = None
        self._by_key: dict[str, set[str]] | None = None  # see `_link_keys`
        self._citekeys: dict[str, list[str]] | None = None  # see `citekeys`
        if resolved is None:
            self._reindex()
        else:
            self.resolved = resolved

    @property
    def index(self) -> NameIndex:
        """Notes and attachments by name (built on first use)."""
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> NameIndex:
        triples = ((n.path, n.title, n.aliases) for n in self.notes.values())
        return NameIndex.build(triples, self.attachments)

    @property
    def citekeys(self) -> dict[str, list[str]]:
        """Folded `citekey` frontmatter -> the notes (in path order) that claim it."""
        if self._citekeys is None:
            found: dict[str, list[str]] = {}
            for note in self.notes.values():
                if (key := citekey_of(note)) is not None:
                    found.setdefault(fold(key), []).append(note.path)
            self._citekeys = found
        return self._citekeys

    def _reindex(self) -> None:
        self._citekeys = None
        self._index = self._build_index()
        self._index.unique_targets()  # every link then costs one look-up
        self._names = None
        self.resolved = {path: self._resolve_all(note) for path, note in self.notes.items()}
        self.__dict__.pop("diagnostics", None)

    def _resolve_all(self, note: Note) -> tuple[ResolvedLink, ...]:
        resolve = self.resolve
        return tuple([resolve(link, note) for link in note.links])

    def resolve(self, link: WikiLink, source: Note) -> ResolvedLink:
        """Where `link`, written in `source`, points — checking its heading or block id too.

        A citation points at the note whose `citekey` it names; with none, its status is
        "entry" (the bibliography decides whether the key is known).
        """
        if link.cite is not None:
            return self._resolve_citation(link, source)
        target = link.target
        if not target:
            path = source.path
        else:
            index = self._index if self._index is not None else self.index
            attachment = "." in target and link.is_attachment
            path = None if attachment else index.unique_path(target)
            if path is None:  # not one note whatever the source: the rules decide
                found = index.resolve_by_rules(target, source.path, attachment)
                if found.status != "ok" or found.path is None:
                    return _link(source.path, link, found.status, None, None, found.candidates)
                path = found.path
        heading = link.heading
        note = self.notes.get(path) if heading else None
        if note is None:
            return _link(source.path, link, "ok", path, None, ())
        if heading.startswith("^"):
            ok = heading[1:].casefold() in note.block_ids
            anchor = heading[1:] if ok else None
        else:
            found_heading = find_heading(note.headings, heading, self.slugify)
            ok = found_heading is not None
            anchor = found_heading.anchor if found_heading else None
        return _link(source.path, link, "ok" if ok else "missing-heading", path, anchor, ())

    def _resolve_citation(self, link: WikiLink, source: Note) -> ResolvedLink:
        owners = self.citekeys.get(fold(link.target), [])
        if len(owners) > 1:
            return ResolvedLink(source.path, link, "ambiguous", candidates=tuple(owners))
        return ResolvedLink(source.path, link, "ok" if owners else "entry",
                            owners[0] if owners else None)

    def __iter__(self) -> Iterator[Note]:
        return iter(self.notes.values())

    def __len__(self) -> int:
        return len(self.notes)

    def links(self) -> Iterator[ResolvedLink]:
        """Every resolved link of the vault, note by note in path order."""
        for links in self.resolved.values():
            yield from links

    def find(self, name: str) -> Note:
        """The note a user means by `name` (path, file name, title or alias, any case).

        Raises LemmaError with "did you mean" suggestions when nothing or several notes match.
        """
        return self.notes[find_path(self.index, name, self.notes.__contains__, self.suggest)]

    def suggest(self, name: str) -> str:
        """A "did you mean" phrase for a name that resolved to nothing ('' if nothing is close)."""
        if self._names is None:
            self._names = NameSuggester(self.index.names())
        return self._names.phrase(name)

    def update_note(self, path: str) -> Note | None:
        """Re-read one note after an edit (or its deletion); see `apply_changes`."""
        read: FileRead = None
        if os.path.lexists(self.root / path):
            read = read_note(self.root, path, self.slugify, self.max_bytes)
        self.apply_changes({path: read})
        return self.notes.get(path)

    def _sources_naming(self, keys: set[str]) -> set[str]:
        """Notes with a link looked up by one of `keys`."""
        if not keys:
            return set()
        by_key = self._link_keys()
        return {s for key in keys for s in by_key.get(key, ()) if s in self.notes}

    def prepare_edits(self) -> None:
        """Build now what edits and hints otherwise build on first use: the name index, the
        link keys and the "did you mean" names (~0.2 s at 10k notes), e.g. while an editor
        is idle, so that no keystroke pays for them."""
        self._link_keys()
        self.suggest("")

    def _sources_linking_to(self, targets: set[str]) -> set[str]:
        """Notes with a link whose target is one of `targets`."""
        if not targets:
            return set()
        return {r.source for r in self.links() if r.target in targets}

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        """Every problem in the vault, sorted by position (computed on first use)."""
        found = [d for problems in self._problems.values() for d in problems]
        found += self._duplicate_names()
        skipped = self._skipped_by_name()
        found += [d for r in self.links() if (d := self._link_problem(r, skipped)) is not None]
        return sorted(found, key=Diagnostic.sort_key)

    def link_problems(self, path: str) -> list[Diagnostic]:
        """The problems of one note's links (broken, ambiguous...), as `diagnostics` has them."""
        resolved = self.resolved.get(path, ())
        if all(r.status == "ok" for r in resolved):
            return []  # the usual keystroke: no look at every skipped file
        skipped = self._skipped_by_name()
        return [d for r in resolved if (d := self._link_problem(r, skipped)) is not None]

    def _link_problem(self, r: ResolvedLink, skipped: dict[str, Diagnostic]
                      ) -> Diagnostic | None:
        link = r.link
        if r.status == "ok" or r.status == "entry":  # an entry: see `Citations.problems`
            return None
        if r.status == "ambiguous" and link.cite is not None:
            return Diagnostic(link.pos, Severity.ERROR, "duplicate-citekey",
                              f"@{link.target}: citekey '{link.target}' is claimed by several "
                              f"notes: {', '.join(r.candidates)}",
                              "give each paper note its own citekey")
        if r.status == "ambiguous":
            return Diagnostic(link.pos, Severity.ERROR, "ambiguous-link",
                              f"{link.raw} matches several notes: {', '.join(r.candidates)}",
                              f"qualify it with a folder, e.g. [[{_stem_path(r.candidates[0])}]]")
        if r.status == "missing-heading":
            where = f"#{link.heading}"
            hint = self._heading_hint(r)
            return Diagnostic(link.pos, Severity.ERROR, "missing-heading",
                              f"{link.raw}: '{r.target}' has no heading or block '{where}'", hint)
        if link.is_attachment:
            return Diagnostic(link.pos, Severity.ERROR, "missing-attachment",
                              f"{link.raw}: no file '{link.target}' in the vault",
                              "add the file to the vault or fix the name")
        unread = skipped.get(fold(link.target.removesuffix(".md")))
        if unread is not None:
            return Diagnostic(link.pos, Severity.ERROR, "broken-link",
                              f"{link.raw}: '{unread.pos.path}' was skipped ({unread.code})",
                              f"fix the {unread.code} error reported for {unread.pos.path}")
        suggestion = self.suggest(link.target.removesuffix(".md"))
        hint = f"did you mean {suggestion}?" if suggestion else "create the note or fix the name"
        return Diagnostic(link.pos, Severity.ERROR, "broken-link",
                          f"{link.raw}: no note named '{link.target}'", hint)

    def _skipped_by_name(self) -> dict[str, Diagnostic]:
        """Skip diagnostics of unreadable notes by folded path and file name (no `.md`)."""
        found: dict[str, Diagnostic] = {}
        for path, problem in self.skipped.items():
            stem = fold(path.removesuffix(".md"))
            found.setdefault(stem, problem)
            found.setdefault(stem.rsplit("/", 1)[-1], problem)
        return found

    def _heading_hint(self, r: ResolvedLink) -> str:
        note = self.notes[r.target] if r.target else None
        texts = [h.text for h in note.headings] if note else []
        close = difflib.get_close_matches(r.link.heading or "", texts, n=1, cutoff=0.5)
        if close:
            return f"did you mean '#{close[0]}'?"
        return f"headings there: {', '.join(texts[:6])}" if texts else "that note has no headings"

    def _duplicate_names(self) -> list[Diagnostic]:
        """Titles and aliases shared by Lemma's typed notes (plain notes: see duplicate_names)."""
        return self.duplicate_names(every_note=False)

    def duplicate_names(self, every_note: bool = True) -> list[Diagnostic]:
        """Explicit titles and aliases claimed by two notes.

        Among plain Obsidian notes a shared alias is harmless until a link uses it (that link
        is then an `ambiguous-link`), so they are checked only when `every_note` is asked for.
        """
        owners: dict[str, list[Note]] = {}
        for note in self.notes.values():
            if not every_note and note.kind is NoteKind.NOTE:
                continue
            explicit = {fold(n) for n in (note.meta.get("title"), *note.aliases)
                        if isinstance(n, str) and n.strip()}
            for name in explicit:
                owners.setdefault(name, []).append(note)
        problems = []
        for name, notes in sorted(owners.items()):
            for note in notes[1:]:
                others = ", ".join(n.path for n in notes if n is not note)
                problems.append(Diagnostic(SourcePos(note.path, 1, 1), Severity.ERROR,
                                           "duplicate-name",
                                           f"title or alias '{name}' is also used by {others}",
                                           "give each note its own title and aliases"))
        return problems

    @property
    def skipped(self) -> dict[str, Diagnostic]:
        """Vault entries left out because they cannot be read as notes: path -> why."""
        return {p: ds[0] for p, ds in self._problems.items() if ds and p not in self.notes}

    def problems_of(self, path: str) -> list[Diagnostic]:
        """The problems found while reading one file (frontmatter, encoding, size...)."""
        return list(self._problems.get(path, ()))

    def unread_notes(self) -> list[Diagnostic]:
        """Errors of notes and folders that could not be read: links in them are unknown."""
        return [d for p, d in self.skipped.items() if d.severity is Severity.ERROR
                and (p.endswith(".md") or d.code == "unreadable-folder")]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def _stem_path(path: str) -> str:
    return path.removesuffix(".md")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects, then freeze them.

    Loading 10k notes allocates about a million objects, and each automatic full collection
    walks all of them: a quarter of the load time. Nothing built here forms reference cycles,
    so what survives is moved out of the collector's sight (`gc.freeze`) before it is switched
    back on: otherwise its first collection walks them all once more (0.25 s at 10k notes).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def load_vault(root: str | os.PathLike[str], slugify: Slugify | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Vault:
    """Read every note under `root` once, index names, resolve links. Writes nothing.

    `slugify` is the site's toc slugify, so `#Heading` links get the ids the pages have. Files
    that cannot be read as notes (special files, broken symlinks, unreadable, not UTF-8, above
    `max_bytes`) are left out, each with one diagnostic.
    """
    root = Path(root)
    if not root.is_dir():
        raise LemmaError(f"notes folder '{root}' does not exist",
                         exit_code=2) from None
    try:
        listing = list_vault(root)
    except NoteFileError as problem:
        raise LemmaError(f"notes folder '{root}': {problem.message} ({problem.hint})",
                         exit_code=2) from None
    notes: dict[str, Note] = {}
    problems: dict[str, list[Diagnostic]] = {p: [d] for p, d in listing.problems.items()}
    with gc_paused():
        for i, path in enumerate(listing.notes):
            if i % _PREFETCHED == 0:  # the next files' reading asked of the kernel
                prefetch(root, listing.notes[i:i + _PREFETCHED])
            note, problems[path] = read_note(root, path, slugify, max_bytes)
            if note is not None:
                notes[path] = note
        return Vault(root, notes, listing.attachments, problems, slugify, max_bytes)


#: Notes whose reading `load_vault` asks of the kernel at a time (`vault_fs.prefetch`).
_PREFETCHED = 500
