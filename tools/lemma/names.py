"""Finding a note by the name a user types, and "did you mean" when nothing matches.

Shared by the loaded vault (`Vault.find`, broken-link hints) and the index's queries, which
must not import the parser to answer one name.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable

from .model import LemmaError
from .resolution import NameIndex, fold


def find_path(index: NameIndex, name: str, is_note: Callable[[str], bool],
              suggest: Callable[[str], str]) -> str:
    """The path of the note `name` means in `index`; LemmaError (exit 2) when none or several."""
    found = index.resolve(name, "", attachment=False)
    if found.status == "ok" and found.path is not None and is_note(found.path):
        return found.path
    if found.status == "ambiguous":
        raise LemmaError(f"'{name}' matches several notes: {', '.join(found.candidates)}",
                         exit_code=2)
    hint = suggest(name)
    raise LemmaError(f"no note named '{name}'" + (f" (did you mean {hint}?)" if hint else ""),
                     exit_code=2)


class NameSuggester:
    """Close matches among many names: a trigram index picks candidates, difflib ranks them.

    Plain difflib over every name costs ~0.2 s per query at 30,000 names; the index keeps a
    broken-link report on a 10,000-note vault to milliseconds per link.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = list(names)
        self.postings: dict[str, list[int]] = {}
        self.gone: set[int] = set()  # names discarded since (their postings stay)
        self._where: dict[str, int] | None = None
        self._phrases: dict[str, str] = {}  # a broken link's phrase, asked again per keystroke
        for i, name in enumerate(names):
            for gram in _trigrams(name):
                self.postings.setdefault(gram, []).append(i)

    def add(self, name: str) -> None:
        """Take in one name (a keystroke in a title need not rebuild the trigrams of all)."""
        self._phrases.clear()
        i = self._positions().get(name)
        if i is None:
            i = self._positions()[name] = len(self.names)
            self.names.append(name)
            for gram in _trigrams(name):
                self.postings.setdefault(gram, []).append(i)
        self.gone.discard(i)

    def discard(self, name: str) -> None:
        """Suggest `name` no more."""
        self._phrases.clear()
        i = self._positions().get(name)
        if i is not None:
            self.gone.add(i)

    def _positions(self) -> dict[str, int]:
        if self._where is None:
            self._where = {name: i for i, name in enumerate(self.names)}
        return self._where

    def phrase(self, name: str) -> str:
        """"'a' or 'b'": the close names to `name`, for a "did you mean" ('' if none)."""
        if name not in self._phrases:  # 100k names: ~10 ms a query
            self._phrases[name] = " or ".join(f"'{c}'" for c in self.close(fold(name)))
        return self._phrases[name]

    def close(self, query: str, n: int = 3, shortlist: int = 64) -> list[str]:
        hits: dict[int, int] = {}
        for gram in _trigrams(query):
            for i in self.postings.get(gram, ()):
                hits[i] = hits.get(i, 0) + 1
        for i in self.gone:
            hits.pop(i, None)
        names = self.names  # ties in name order, as the names are given (sorted) or added
        best = heapq.nsmallest(shortlist, hits, key=lambda i: (-hits[i], names[i]))
        return difflib.get_close_matches(query, [names[i] for i in best], n=n, cutoff=0.6)


def _trigrams(name: str) -> set[str]:
    padded = f"  {name} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
