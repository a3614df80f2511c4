"""What a published site may show: notes marked `publish: false` or `draft: true` stay private.

`PublicVault` is the vault the site is built from. Private notes are left out of its `notes`
(so out of every page, index, graph, search entry and backlink list) but keep their names, so a
public link to one resolves to the status "private" — reported, and shown as plain text —
rather than looking like a typo.
"""

from __future__ import annotations

from typing import Any

from .links import NameIndex
from .model import Diagnostic, Note, Severity
from .vault import ResolvedLink, Vault

PRIVATE = "private"
_FALSE = frozenset({"false", "no", "off", "0"})
_TRUE = frozenset({"true", "yes", "on", "1"})


def is_private(note: Note) -> bool:
    """Whether the frontmatter keeps the note off the site (`publish: false` or `draft: true`)."""
    return _is(note.meta.get("publish"), False) or _is(note.meta.get("draft"), True)


def _is(value: Any, wanted: bool) -> bool:
    if isinstance(value, bool):
        return value is wanted
    if isinstance(value, str):
        return value.strip().lower() in (_TRUE if wanted else _FALSE)
    return False


def private_link_problem(r: ResolvedLink) -> Diagnostic:
    """The warning for a public note linking to a private one (the site shows plain text)."""
    link = r.link
    return Diagnostic(link.pos, Severity.WARNING, "private-link",
                      f"{link.raw} points to a private note (publish: false or draft: true); "
                      "the site shows it as plain text",
                      "publish that note, or remove the link")


def private_link_problems(vault: Vault) -> list[Diagnostic]:
    """Links from public notes to private ones, for `lemma lint` on the whole vault."""
    private = {path for path, note in vault.notes.items() if is_private(note)}
    if not private:
        return []
    return [private_link_problem(r) for r in vault.links()
            if r.target in private and r.source not in private]


class PublicVault(Vault):
    """The publishable part of a vault; links into private notes resolve to "private"."""

    def __init__(self, vault: Vault) -> None:
        self.private: dict[str, Note] = {}
        super().__init__(vault.root, dict(vault.notes), vault.attachments,
                         dict(vault._problems), vault.slugify, vault.max_bytes)

    def _reindex(self) -> None:
        for path, note in list(self.notes.items()):
            if is_private(note):
                self.private[path] = self.notes.pop(path)
                self._problems.pop(path, None)
        named = [*self.notes.values(), *self.private.values()]
        self._index = NameIndex.build(((n.path, n.title, n.aliases) for n in named),
                                     self.attachments)
        self._names = None
        self._citekeys = None
        self.resolved = {path: self._resolve_all(note) for path, note in self.notes.items()}
        self.__dict__.pop("diagnostics", None)

    def resolve(self, link: Any, source: Note) -> ResolvedLink:
        resolved = super().resolve(link, source)
        if resolved.target is not None and resolved.target in self.private:
            return ResolvedLink(source.path, link, PRIVATE)
        return resolved

    def _link_problem(self, r: ResolvedLink, skipped: dict[str, Diagnostic]
                      ) -> Diagnostic | None:
        if r.status == PRIVATE:
            return private_link_problem(r)
        return super()._link_problem(r, skipped)

    def update_note(self, path: str) -> Note | None:
        """Re-read one note; a note that turned private (or public) moves, and links follow."""
        was_private = self.private.pop(path, None) is not None
        note = super().update_note(path)
        if note is not None and (was_private or is_private(note)):
            self.notes = dict(sorted(self.notes.items()))
            self._reindex()
        return None if path in self.private else note

    def private_attachments(self) -> set[str]:
        """Attachments that only private notes link to: the site must not publish them."""
        used = {r.target for r in self.links() if r.target and r.is_attachment}
        hidden = set()
        for note in self.private.values():
            for link in note.links:
                if link.is_attachment:
                    found = self.index.resolve(link.target, note.path, attachment=True)
                    if found.path and found.path not in used:
                        hidden.add(found.path)
        return hidden
