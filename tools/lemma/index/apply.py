"""What a refresh does once it knows what changed: parse, store, resolve (`store_changes`),
and its report (`Refresh`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..vault_fs import Listing
from . import link_rows, meta_rows, search_rows, store
from .changes import loaded

if TYPE_CHECKING:  # the vault and parser load only when something changed
    from ..links import Slugify
    from ..vault import FileRead, Vault

#: Told (notes parsed so far, notes to parse) as a refresh parses: a command's progress bar.
Progress = Callable[[int, int], None]
#: A parse of fewer notes ends before a display of its progress is worth reading.
WORTH_SHOWING = 2_000


@dataclass(slots=True)
class Refresh:
    """What a refresh found: paths parsed again, removed, and re-resolved; and the listing
    (read when asked for: a watched refresh that found nothing need not read 100k paths)."""

    found: Listing | Callable[[], Listing]
    parsed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    resolved: set[str] = field(default_factory=set)
    rebuilt: bool = False
    vault: Vault | None = None  # the whole vault, when a first build made it in memory
    #: A streamed first build's light vault (names, kinds, titles and resolved links; no
    #: bodies, no frontmatter): enough for the graph's stats while the index is written.
    light: Vault | None = None

    @property
    def changed(self) -> bool:
        return bool(self.parsed or self.removed or self.resolved or self.rebuilt)

    @property
    def listing(self) -> Listing:
        self.found = loaded(self.found)
        return self.found


def store_changes(db: sqlite3.Connection, root: Path, listing: Listing, changed: list[str],
                  removed: list[str], moved: bool, now: int, first: bool,
                  slugify: Slugify | None, max_bytes: int, jobs: int | None,
                  progress: Progress | None = None) -> tuple[Refresh, Callable[[], None]]:
    """Parse the `changed` notes, drop the `removed` ones and re-resolve what they touch
    (inside the caller's transaction); the report, and the writing left, which a first
    build runs in a thread while its caller works from the vault in hand."""
    from ..vault import Vault
    from .bulk import can_stream as bulk_build
    from .parse import parse_batches
    from .stored import StoredVault

    report = Refresh(listing)
    if first and not removed and bulk_build(len(changed), jobs):
        from .bulk import build

        report.parsed, report.light, rest = build(db, root, listing, sorted(changed), slugify,
                                                  max_bytes, now, jobs, progress)
        report.resolved = set(report.parsed)
        return report, rest
    stored = None if first else StoredVault(db, root, slugify, max_bytes)
    if stored is not None:
        for path in [*changed, *removed]:
            stored.notes.get(path)  # keep the old version: its names and headings count
        store.delete_notes(db, [*changed, *removed])
    if first:
        store.drop_secondary_indexes(db)  # a bulk load indexes faster afterwards
    parsed = []
    for batch in parse_batches(root, sorted(changed), slugify, max_bytes, now, jobs):
        if not first:  # a first build stores everything once its vault is handed back
            store.write_notes(db, [p.stored_rows(now) for p in batch])
        parsed += batch
        if progress is not None:
            progress(len(parsed), len(changed))
    reads: dict[str, FileRead] = {p.path: (p.note, p.problems) for p in parsed}
    reads.update({path: None for path in removed})
    if first:  # resolve everything in memory, and keep the vault for the caller
        vault: Vault = Vault(root, {p.path: p.note for p in parsed if p.note},
                             listing.attachments,
                             {**{p: [d] for p, d in listing.problems.items()},
                              **{p.path: p.problems for p in parsed}},
                             slugify, max_bytes)
        report.resolved = set(vault.notes)
        report.vault = vault
    else:
        assert stored is not None
        vault = stored
        report.resolved = vault.apply_changes(reads, listing.attachments)
    resolved = [(s, vault.resolved[s]) for s in sorted(report.resolved) if s in vault.resolved]

    def rest() -> None:  # may run in the writer thread: it touches only `db`, plain data
        rows = [p.stored_rows(now) for p in parsed]
        columns = {r.note[0]: r.links for r in rows}
        if first:
            store.write_notes(db, rows)
        search_rows.write_search(db, [p.note for p in parsed if p.note is not None])
        link_rows.write_links(db, resolved, columns)
        if first:
            store.create_secondary_indexes(db)
        if moved:
            store.save_attachments(db, listing.attachments)
        signatures = {r.note[0]: r.signature for r in rows}
        if first:
            meta_rows.save_signatures(db, signatures)
        else:
            meta_rows.update_signatures(db, signatures, removed)
        meta_rows.save_counts(db)

    report.parsed, report.removed = [p.path for p in parsed], removed
    return report, rest
