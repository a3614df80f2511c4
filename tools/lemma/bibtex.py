"""Paper notes from BibTeX entries (title, authors, year, venue, URL/DOI), via `bibtexparser` v2.

Planning only: `plan_bibtex` returns the notes to create, the notes an earlier import made that
the entries update (see `bibtex_sync`), and why other entries were skipped; the caller writes
`BibPlan.changes()` all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .authoring.files import FileChange, read_raw
from .authoring.new import Creation, NewNote, name_clash, plan_new
from .bibliography import parse_bibtex
from .bibtex_sync import Update, entry_values, imported_record, plan_update, set_keys
from .links import fold
from .model import LemmaError, NoteKind
from .vault import Vault, citekey_of


@dataclass(frozen=True, slots=True)
class BibEntry:
    """The fields of one BibTeX entry that a paper note uses (`source` None if it has no URL)."""

    key: str
    line: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str | None
    source: str | None


@dataclass(slots=True)
class BibPlan:
    """What an import will do: notes to create, imported notes to update (see `bibtex_sync`),
    entries skipped as existing, entries in error."""

    creations: list[tuple[str, Creation]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def changes(self) -> list[FileChange]:
        """Every file the import writes: new notes, then updated ones."""
        made = [FileChange(c.path, c.path, None, c.text) for _, c in self.creations]
        return made + [u.change for u in self.updates if u.change is not None]


def read_bibtex(path: Path) -> tuple[list[BibEntry], list[str]]:
    """Parse a .bib file: its entries, and `file:line: problem` for blocks that failed to parse
    and keys defined twice (the first definition is imported)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LemmaError(f"cannot read {path}: {error}", exit_code=2) from None
    raw, failed = parse_bibtex(text)
    problems = [f"{path}:{line}: could not parse this BibTeX block (check its braces and "
                "commas)" for line in failed]
    entries: dict[str, BibEntry] = {}
    for item in raw:
        entry = _entry(item)
        first = entries.setdefault(fold(entry.key), entry)
        if first is not entry:
            problems.append(f"{path}:{entry.line}: key '{entry.key}' is also defined at line "
                            f"{first.line}; the first is imported")
    return list(entries.values()), sorted(problems, key=_line_of)


def _line_of(problem: str) -> int:
    return int(problem.rsplit(":", 2)[-2]) if problem.count(":") >= 2 else 0


def _entry(entry: object) -> BibEntry:
    fields = {k.lower(): f.value for k, f in entry.fields_dict.items()}  # type: ignore[attr-defined]
    authors = tuple(_name(n) for n in fields.get("author", []) if not isinstance(n, str))
    year = re.search(r"\d{4}", str(fields.get("year", "")))
    return BibEntry(
        key=entry.key,  # type: ignore[attr-defined]
        line=entry.start_line + 1,  # type: ignore[attr-defined]
        title=_clean(str(fields.get("title", ""))),
        authors=authors,
        year=int(year.group(0)) if year else None,
        venue=_clean(str(fields.get("journal") or fields.get("booktitle") or "")) or None,
        source=_source(fields),
    )


def _name(parts: object) -> str:
    """`NameParts(first=[Ada], last=[Lovelace])` -> 'Ada Lovelace'."""
    words = [*parts.first, *parts.von, *parts.last]  # type: ignore[attr-defined]
    name = " ".join(_clean(w) for w in words)
    return f"{name}, {' '.join(parts.jr)}" if parts.jr else name  # type: ignore[attr-defined]


def _clean(text: str) -> str:
    """Drop BibTeX's protective braces and collapse whitespace."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _source(fields: dict) -> str | None:
    """The entry's URL, else its DOI as a doi.org URL, else its arXiv id as an arxiv.org URL."""
    url = str(fields.get("url", "")).strip()
    if re.match(r"https?://", url):
        return url.split()[0]
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(fields.get("doi", "")).strip())
    if doi:
        return f"https://doi.org/{doi}"
    eprint = str(fields.get("eprint", "")).strip()
    if eprint and str(fields.get("archiveprefix", "arxiv")).lower() == "arxiv":
        return f"https://arxiv.org/abs/{eprint}"
    return None


def plan_bibtex(vault: Vault, path: Path, key: str | None = None) -> BibPlan:
    """Plan paper notes for the entries of `path` (or only `key`), skipping those that exist."""
    entries, problems = read_bibtex(path)
    plan = BibPlan(problems=problems)
    if key is not None:
        entries = [e for e in entries if e.key == key]
        if not entries:
            raise LemmaError(f"no entry with key '{key}' in {path}", exit_code=2)
    sources = {str(n.meta.get("source")): n.path for n in vault if n.kind is NoteKind.PAPER}
    by_key = {fold(k): n for n in vault if (k := citekey_of(n)) is not None}
    planned: set[str] = set()
    for entry in entries:
        note = by_key.get(fold(entry.key))
        if note is not None:
            if not isinstance(note.meta.get("imported"), dict):
                plan.skipped.append((entry.key, f"{note.path} has this citekey and was not "
                                                "made by an import: left alone"))
            else:
                plan.updates.append(plan_update(note, read_raw(vault.root / note.path), entry))
            continue
        if reason := _existing(vault, entry, sources, planned):
            plan.skipped.append((entry.key, reason))
            continue
        missing = [name for name, value in (("title", entry.title), ("author", entry.authors),
                                            ("year", entry.year), ("url or doi", entry.source))
                   if not value]
        if missing:
            plan.problems.append(f"{path}:{entry.line}: entry '{entry.key}' has no "
                                 f"{', '.join(missing)}; add it to create a paper note")
            continue
        values = entry_values(entry)
        spec = NewNote(NoteKind.PAPER, entry.title, {**values, "status": "to-read"})
        try:
            creation = plan_new(vault, spec, reserved=planned)
            creation = replace(creation, text=set_keys(creation.text, {
                "citekey": entry.key, "imported": imported_record(values)}))
        except LemmaError as error:
            plan.problems.append(f"{path}:{entry.line}: entry '{entry.key}': {error.message}")
            continue
        planned |= {fold(entry.title), fold(creation.path.removesuffix(".md")),
                    fold(creation.path.rsplit("/", 1)[-1].removesuffix(".md"))}
        plan.creations.append((entry.key, creation))
    return plan


def _existing(vault: Vault, entry: BibEntry, sources: dict[str, str], planned: set[str]) -> str:
    """Why the entry already has a note ('' if it does not)."""
    if entry.title and (clash := name_clash(vault, entry.title)):
        return clash
    if entry.source and entry.source in sources:
        return f"{sources[entry.source]} has the same source {entry.source}"
    if entry.title and fold(entry.title) in planned:
        return "an earlier entry of this file has the same title"
    return ""
