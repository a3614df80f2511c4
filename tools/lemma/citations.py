"""Citations of a vault against its bibliography: what each key means, who cites what, problems.

A citation (`[@key]`, parsed by the one link parser) names the paper note whose `citekey` is
`key`, else an entry of the configured bibliography files. `Citations(vault, bibliography)`
answers both and collects `unknown-citekey` (with "did you mean") and duplicate keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .bibliography import Bibliography, Reference, note_reference
from .links import fold
from .model import Diagnostic, Severity, SourcePos, WikiLink
from .names import NameSuggester
from .vault import ResolvedLink, Vault, citekey_of


class Citations:
    """The vault's citations resolved against its notes' citekeys and its bibliography."""

    def __init__(self, vault: Vault, bibliography: Bibliography | None = None) -> None:
        self.vault = vault
        self.bibliography = bibliography or Bibliography()
        self._keys: list[str] | None = None
        self._suggester: NameSuggester | None = None
        self._folded: dict[str, str] = {}
        self._suggestions: dict[str, str] = {}

    def reference(self, key: str) -> Reference | None:
        """What `key` cites: the paper note claiming it (first in path order), else the entry.

        A key both a note and the bibliography know is formatted from the entry (the full
        title, venue, pages) and links to the note.
        """
        entry = self.bibliography.get(key)
        owners = self.vault.citekeys.get(fold(key))
        if owners and (note := self.vault.notes.get(owners[0])) is not None:
            if entry is not None:
                return replace(entry, note=note.path)
            return note_reference(note, citekey_of(note) or key)
        return entry

    def known(self) -> list[str]:
        """Every key a citation may use: notes' citekeys and bibliography keys (as written)."""
        if self._keys is None:
            keys = {fold(ref.key): ref.key for ref in self.bibliography.entries.values()}
            # a vault of a few notes (`index.early`) carries every note's citekey
            written = getattr(self.vault, "all_citekeys", None)
            for key in written if written is not None else map(citekey_of, self.vault):
                if key is not None:
                    keys[fold(key)] = key
            self._keys = sorted(keys.values(), key=str.casefold)
        return self._keys

    def links(self, path: str | None = None) -> Iterator[ResolvedLink]:
        """The resolved citations of one note (or of every note), in text order."""
        chosen = self.vault.resolved.values() if path is None else [
            self.vault.resolved.get(path, ())]
        for resolved in chosen:
            yield from (r for r in resolved if r.link.cite is not None)

    def cited_keys(self, path: str) -> list[str]:
        """The keys a note cites that resolve, in order of first citation (no repeats)."""
        seen: dict[str, str] = {}
        for r in self.links(path):
            if r.status == "ok" or self.bibliography.get(r.link.target) is not None:
                seen.setdefault(fold(r.link.target), r.link.target)
        return list(seen.values())

    def citing(self, key: str) -> list[ResolvedLink]:
        """Every citation of `key` in the vault."""
        wanted = fold(key)
        return [r for r in self.links() if fold(r.link.target) == wanted]

    def problems(self, path: str | None = None) -> list[Diagnostic]:
        """Unknown keys (errors in `[…]`, warnings for a bare `@word`), duplicate citekeys of
        notes, and the bibliography's own problems (when `path` is None)."""
        found = [self._unknown(r.link) for r in self.links(path)
                 if r.status == "entry" and self.bibliography.get(r.link.target) is None]
        if path is None:
            found += self.bibliography.problems + self._duplicate_notes()
        return sorted(found, key=Diagnostic.sort_key)

    def _unknown(self, link: WikiLink) -> Diagnostic:
        close = self._close(link.target)
        hint = (f"did you mean @{close}?" if close else
                "add the entry to a bibliography file, or set `citekey:` in its paper note")
        bracketed = link.cite is not None and link.cite.bracketed
        return Diagnostic(link.pos, Severity.ERROR if bracketed else Severity.WARNING,
                          "unknown-citekey", f"@{link.target}: no paper note or bibliography "
                          f"entry has this citekey", hint)

    def _close(self, key: str) -> str:
        """The known key closest to `key` ('' if none is close): a trigram index shortlists
        (`names.NameSuggester`), so thousands of keys cost milliseconds per unknown key."""
        if self._suggester is None:
            self._folded = {fold(k): k for k in self.known()}
            self._suggester = NameSuggester(sorted(self._folded))
        if fold(key) not in self._suggestions:
            close = self._suggester.close(fold(key), n=1)
            self._suggestions[fold(key)] = self._folded[close[0]] if close else ""
        return self._suggestions[fold(key)]

    def _duplicate_notes(self) -> list[Diagnostic]:
        problems = []
        for paths in self.vault.citekeys.values():
            for path in paths[1:]:
                key = citekey_of(self.vault.notes[path])
                problems.append(Diagnostic(
                    SourcePos(path, _meta_line(self.vault, path, "citekey"), 1), Severity.ERROR,
                    "duplicate-citekey", f"citekey '{key}' is also claimed by {paths[0]}",
                    "give each paper note its own citekey"))
        return problems


def _meta_line(vault: Vault, path: str, name: str) -> int:
    """The file line of a frontmatter key (1 if the file cannot be read again)."""
    try:
        lines = (vault.root / path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines[: vault.notes[path].body_line], start=1):
        if line.startswith(f"{name}:"):
            return number
    return 1
