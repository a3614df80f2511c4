"""What the site is built from — vault, concept graph, derivations and their results — kept
between `mkdocs serve` rebuilds and refreshed only where notes changed."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..frontmatter import key_line, parse_date
from ..links import Slugify, comment_spans
from ..model import Diagnostic, Severity, SourcePos
from ..publish import PublicVault
from ..vault import Vault, scan
from ..vault_fs import DEFAULT_MAX_BYTES, NoteFileError, read_note_text

log = logging.getLogger("mkdocs.plugins.lemma")


@dataclass
class SiteState:
    """The vault, graph and derivation results of one notes folder, reusable across rebuilds."""

    root: Path
    cache_dir: Path | None
    check: bool = True
    jobs: int = 1
    time_box: float = 10.0
    slugify: Slugify | None = None  # the toc extension's, so heading links get the page's ids
    max_bytes: int = DEFAULT_MAX_BYTES
    vault: PublicVault | None = None  # private notes are named but never published
    graph: Any = None  # lemma.graph.concept.ConceptGraph
    derivations: dict[str, list[Any]] = field(default_factory=dict)  # note path -> Derivations
    results: dict[tuple[str, str], Any] = field(default_factory=dict)  # (path, id) -> result
    syntax: dict[str, list[Diagnostic]] = field(default_factory=dict)  # note path -> errors
    mtimes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # signatures
    changed: list[str] = field(default_factory=list)  # notes re-read by the last refresh
    urls: dict[str, str] = field(default_factory=dict)  # vault path -> site URL (plugin)
    affected: set[str] | None = None  # pages the last refresh changed (None: all of them)
    relinked: set[str] = field(default_factory=set)  # notes whose links resolve anew (+ changed)
    shape_kept: bool = False  # the last refresh kept every note's shape (`dirty.shape`)
    views: dict[str, Any] = field(default_factory=dict)  # site extensions' per-vault memory

    def refresh(self, listing: Any = None) -> None:
        """Load everything on first use; afterwards re-read, re-link and re-check edited notes
        (`listing`: the vault's `vault_fs.Listing` when the caller just made it)."""
        mtimes, attachments = _scan(self.root, listing)
        if self.vault is None:
            self.vault = PublicVault(_indexed_vault(self.root, self.slugify, self.max_bytes))
            self.graph = _build_graph(self.vault)
            self.changed = sorted(self.vault.notes)
            self.affected, self.relinked, self.shape_kept = None, set(self.changed), False
            self._check(None)
        else:
            paths = set(mtimes) | set(self.mtimes)
            self.changed = sorted(p for p in paths if mtimes.get(p) != self.mtimes.get(p))
            attachments_changed = attachments != self.vault.attachments
            private = set(self.vault.private)
            if attachments_changed or len(self.changed) > 50 or private & set(self.changed):
                self.vault, self.graph = None, None
                self.mtimes = {}
                return self.refresh(listing)
            from .dirty import around, relinked, shapes, targets

            before, nearby = shapes(self.vault, self.changed), around(self.vault, self.changed)
            links = dict(self.vault.resolved)
            for path in self.changed:
                self.vault.update_note(path)
            if set(self.vault.private) != private:  # a note became private: links into it change
                self.vault, self.graph = None, None
                self.mtimes = {}
                return self.refresh(listing)
            self.shape_kept = before == shapes(self.vault, self.changed)
            self.relinked = relinked(links, self.vault.resolved) | set(self.changed)
            self.affected = nearby | targets(links, self.relinked) | around(self.vault,
                                                                            self.relinked)
            kept = _link_views(self.graph) if self.shape_kept else {}
            for path in self.changed:
                if self.graph is not None:
                    self.graph.update_note(self.vault, path)
            _restore_link_views(self.graph, kept)
            self._check([p for p in self.changed if p in self.vault.notes],
                        removed=[p for p in self.changed if p not in self.vault.notes])
        self.mtimes = mtimes
        return None

    def _check(self, paths: list[str] | None, removed: tuple[str, ...] | list[str] = ()) -> None:
        """Parse derivation blocks of `paths` (None: all notes) and check them (cache first)."""
        for path in removed:
            self._forget(path)
        if paths is not None and not paths:
            return
        try:
            from lemma.derive.running.api import check_derivations, find_derivations
            from lemma.derive.running.cache import ResultCache
        except ImportError:  # the checker is not installed: show blocks unchecked
            return
        assert self.vault is not None
        found = find_derivations(self.vault, paths)
        for path in paths if paths is not None else list(self.derivations):
            self._forget(path)
        hidden = commented_lines(self.vault)  # a %%commented-out%% block is not published
        blocks = [d for d in found.derivations if d.pos.line not in hidden.get(d.pos.path, ())]
        for d in blocks:
            self.derivations.setdefault(d.pos.path, []).append(d)
        for problem in found.diagnostics:
            if problem.pos.line not in hidden.get(problem.pos.path, ()):
                self.syntax.setdefault(problem.pos.path, []).append(problem)
        if not self.check:
            return
        cache = ResultCache(self.cache_dir) if self.cache_dir else None
        results = check_derivations(blocks, jobs=self.jobs, cache=cache, time_box=self.time_box)
        for r in results:
            self.results[(r.path, r.id)] = r

    def _forget(self, path: str) -> None:
        self.derivations.pop(path, None)
        self.syntax.pop(path, None)
        for key in [k for k in self.results if k[0] == path]:
            del self.results[key]

    def results_of(self, path: str) -> dict[str, Any]:
        """Checker results of one note's derivations, by derivation id."""
        return {d.id: self.results[(path, d.id)] for d in self.derivations.get(path, ())
                if (path, d.id) in self.results}

    def all_results(self) -> list[Any]:
        """Every result, in note and line order."""
        return sorted(self.results.values(), key=lambda r: (r.path, r.line))

    def usage(self) -> dict[str, int]:
        """Note path -> number of distinct other notes linking to it (from the concept graph)."""
        if self.graph is not None:
            g = self.graph.graph
            return {p: sum(1 for s in g.predecessors(p) if s != p) for p in self.vault.notes
                    if p in g}
        return {}

    def backlinks(self, path: str) -> list[Any]:
        """The graph's backlinks of a note (sentence included), [] when the graph is absent."""
        if self.graph is None or path not in self.graph.graph:
            return []
        return self.graph.backlinks(path)

    def epoch(self) -> tuple[int, Diagnostic | None]:
        """A build timestamp that depends only on the notes' text: their newest `date`, and
        the diagnostic of that date when it had to be clamped into what gzip can store.

        File modification times differ between clones of the same notes, so they are not used.
        Gzip (the sitemap) stores 32-bit seconds: 1970-01-01 to 2106-02-07.
        """
        assert self.vault is not None
        dated = [(d, n) for n in self.vault.notes.values()
                 if (d := parse_date(n.meta.get("date"))) is not None]
        if not dated:
            return 0, None
        newest, note = max(dated, key=lambda pair: (pair[0], pair[1].path))
        if newest < _FIRST_DAY or newest > _LAST_DAY:
            clamped = min(max(newest, _FIRST_DAY), _LAST_DAY)
            line = key_line(_frontmatter_text(self.root, note, self.max_bytes), "date")
            problem = Diagnostic(SourcePos(note.path, line, 1), Severity.WARNING, "odd-date",
                                 f"date {newest.isoformat()} is outside 1970-01-01..2106-02-07; "
                                 f"the site's build date is clamped to {clamped.isoformat()}",
                                 "check the year of this date")
            return _timestamp(clamped), problem
        return _timestamp(newest), None


_FIRST_DAY = dt.date(1970, 1, 1)
_LAST_DAY = dt.date(2106, 2, 7)


def _frontmatter_text(root: Path, note: Any, max_bytes: int) -> str:
    """The lines of `note`'s file before its body (its frontmatter), '' if unreadable now."""
    try:
        text = read_note_text(root, note.path, max_bytes)
    except NoteFileError:
        return ""
    return "\n".join(text.split("\n", note.body_line)[: note.body_line - 1])


def _timestamp(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _indexed_vault(root: Path, slugify: Slugify | None, max_bytes: int) -> Vault:
    """The vault read through the index the CLI shares (only changed notes are parsed)."""
    from ..index.refresh import VaultIndex

    with VaultIndex(root, slugify, max_bytes) as index:
        vault = index.vault()
        if index.notice:
            log.info(index.notice.removeprefix("note: "))
        return vault


def commented_lines(vault: Vault) -> dict[str, set[int]]:
    """Note path -> file lines inside `%%comments%%`, for notes that have any."""
    found: dict[str, set[int]] = {}
    for note in vault:
        for start, end in comment_spans(note.body) if "%%" in note.body else ():
            first = note.body_line + note.body.count("\n", 0, start)
            found.setdefault(note.path, set()).update(
                range(first, first + note.body.count("\n", start, end) + 1))
    return found


def _build_graph(vault: Vault) -> Any:
    try:
        from lemma.graph.concept import build_graph
    except ImportError:
        log.info("lemma: the concept graph is unavailable; pages show no backlinks")
        return None
    return build_graph(vault)


#: The concept graph's cached views that depend only on which notes link where, and how often.
LINK_VIEWS = ("adjacency", "undirected", "pagerank", "communities")


def _link_views(graph: Any) -> dict[str, Any]:
    """The graph's cached link-only views (from its `_cache`): an edit that kept every link
    keeps them, so `serve --dirty` does not recompute PageRank and the projections."""
    cache = getattr(graph, "_cache", None)
    return {k: cache[k] for k in LINK_VIEWS if k in cache} if isinstance(cache, dict) else {}


def _restore_link_views(graph: Any, views: dict[str, Any]) -> None:
    cache = getattr(graph, "_cache", None)
    if isinstance(cache, dict):
        cache.update(views)


def _scan(root: Path, listing: Any = None
          ) -> tuple[dict[str, tuple[int, int, int, int]], list[str]]:
    """Note path -> stat signature (size, mtime, ctime, inode: a same-size rewrite within the
    same mtime still changes ctime) of every note, and the attachments (`listing`: the vault's
    listing if already made)."""
    from ..index.parse import signature

    notes, attachments = (listing.notes, listing.attachments) if listing else scan(root)
    top = os.path.join(root, "")  # string joins: a Path per note costs more than its stat
    return {p: signature(top + p) for p in notes}, attachments


def log_problem(pos: SourcePos, message: str, emit: Callable[[str], None] | None = None) -> None:
    """A build warning naming `path:line` (so `mkdocs build --strict` fails on it)."""
    (emit or log.warning)(f"{pos.path}:{pos.line}: {message}")
