"""Every title and alias of the vault, folded and sorted once, for `[[` completion and workspace
symbols: a query is a bisect for the names that start with it plus one scan for those that
contain it, cut at a limit, so a bare `[[` costs a slice, not a sort of 20,000 names.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from ..links import fold
from ..model import Note
from ..vault import Vault


@dataclass(frozen=True, slots=True)
class Name:
    """A note's title or one of its aliases."""

    key: str  # folded, for matching and order
    text: str
    kind: str  # "note" | "alias"
    path: str
    title: str  # the note's title


def _names_of(note: Note | None) -> list[Name]:
    if note is None:
        return []
    return [Name(fold(note.title), note.title, "note", note.path, note.title),
            *(Name(fold(a), a, "alias", note.path, note.title) for a in note.aliases)]


def _order(name: Name) -> tuple[str, str, str, str]:
    return name.key, name.kind, name.path, name.text


class NameList:
    """The vault's names in folded order (rebuilt by the owner when names change)."""

    def __init__(self, vault: Vault) -> None:
        names = [name for note in vault for name in _names_of(note)]
        names.sort(key=_order)
        self.names = names
        self.keys = [n.key for n in names]

    def replace(self, old: Note | None, new: Note | None) -> None:
        """Swap one note's names (a retitle, a new or deleted note) in place: a bisect and a
        list insert per name, not a re-sort of the vault."""
        for name in _names_of(old):
            at = bisect_left(self.names, _order(name), key=_order)
            if at < len(self.names) and self.names[at] == name:
                del self.names[at]
                del self.keys[at]
        for name in _names_of(new):
            at = bisect_left(self.names, _order(name), key=_order)
            self.names.insert(at, name)
            self.keys.insert(at, name.key)

    def search(self, typed: str, limit: int) -> tuple[list[Name], bool]:
        """Names starting with `typed` (folded), then names containing it, each group in
        folded order; at most `limit`, and whether more matched."""
        key = fold(typed)
        if not key:
            return self.names[:limit], len(self.names) > limit
        found = []
        at = bisect_left(self.keys, key)
        while at < len(self.keys) and self.keys[at].startswith(key):
            found.append(self.names[at])
            if len(found) > limit:
                return found[:limit], True
            at += 1
        for name in self.names:  # in order, so the scan stops once past the limit
            if key in name.key and not name.key.startswith(key):
                found.append(name)
                if len(found) > limit:
                    return found[:limit], True
        return found, False
