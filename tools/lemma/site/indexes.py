"""Generated index pages: home, papers by year and by author, takes, concepts A–Z, tags.

Each page is Markdown with relative `.md` links, so MkDocs resolves (and validates) every URL.
Nothing here is hand-written: the pages are rebuilt from the vault on every build.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..frontmatter import as_list, parse_confidence
from ..model import Note, NoteKind
from ..vault import Vault
from . import tag_pages
from .render_derivations import verdict_html
from .render_links import escape_label, md_url, relative_url
from .render_notes import (
    KIND_INDEX,
    KIND_LABEL,
    author_anchor,
    note_date,
    note_year,
)

HOME = "index.md"
AUTHORS_INDEX = "papers/authors.md"
LINK_STATUSES = ("proved", "verified", "numeric", "unchecked", "failed")


@dataclass
class IndexInput:
    """What the index pages are made from: the vault, usage counts and derivation results."""

    vault: Vault
    usage: Mapping[str, int]  # note path -> how many other notes link to it
    results: Sequence[Any] = ()  # DerivationResult objects of the checker
    intro: str = ""
    recent: int = 12
    extra_nav: list[tuple[str, str]] = field(default_factory=list)  # (title, page) of extensions


def generate_pages(data: IndexInput) -> dict[str, tuple[str, str]]:
    """Vault path -> (nav title, Markdown) of every generated page the vault does not define."""
    vault = data.vault
    by_kind: dict[NoteKind, list[Note]] = {k: [] for k in NoteKind}
    for note in vault:
        by_kind[note.kind].append(note)
    pages = {HOME: ("Home", home_page(data, by_kind))}
    if by_kind[NoteKind.PAPER]:
        pages[KIND_INDEX[NoteKind.PAPER]] = ("Papers", papers_by_year(by_kind[NoteKind.PAPER]))
        pages[AUTHORS_INDEX] = ("Papers by author", papers_by_author(by_kind[NoteKind.PAPER]))
    if by_kind[NoteKind.TAKE]:
        pages[KIND_INDEX[NoteKind.TAKE]] = ("Quick takes", dated_list(
            "Quick takes", KIND_INDEX[NoteKind.TAKE], by_kind[NoteKind.TAKE]))
    if by_kind[NoteKind.CONCEPT]:
        pages[KIND_INDEX[NoteKind.CONCEPT]] = ("Concepts", concepts_page(
            by_kind[NoteKind.CONCEPT], data.usage))
    if by_kind[NoteKind.DIGEST]:
        pages[KIND_INDEX[NoteKind.DIGEST]] = ("Digests", dated_list(
            "Digests", KIND_INDEX[NoteKind.DIGEST], by_kind[NoteKind.DIGEST]))
    if by_kind[NoteKind.NOTE]:
        pages[KIND_INDEX[NoteKind.NOTE]] = ("Notes", by_folder(by_kind[NoteKind.NOTE]))
    pages.update(tag_pages.generate(vault))
    return {path: page for path, page in pages.items() if path not in vault.notes}


def item(host: str, note: Note, extra: str = "") -> str:
    """One list line linking from the page `host` to `note`."""
    url = md_url(relative_url(host, note.path))
    tail = f" <span class=\"lemma-meta\">{extra}</span>" if extra else ""
    return f"- [{escape_label(note.title)}]({url}){tail}"


def _front(title: str) -> str:
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n"


def papers_by_year(papers: list[Note]) -> str:
    """Papers grouped under their year, newest first; each with authors and reading status."""
    host = KIND_INDEX[NoteKind.PAPER]
    years: dict[int | None, list[Note]] = {}
    for note in papers:
        years.setdefault(note_year(note), []).append(note)
    out = [_front("Papers"),
           f"{len(papers)} paper notes, newest first. See also "
           f"[papers by author]({relative_url(host, AUTHORS_INDEX)}).\n"]
    for year in sorted(years, key=lambda y: -(y or 0)):
        out.append(f"\n## {year or 'Undated'}\n")
        for note in sorted(years[year], key=_title_key):
            out.append(item(host, note, _authors_status(note)))
    return "\n".join(out) + "\n"


def _authors_status(note: Note) -> str:
    authors = escape_label(", ".join(as_list(note.meta.get("authors"))))
    status = note.meta.get("status")
    return f"{authors} · {escape_label(status)}" if isinstance(status, str) else authors


def papers_by_author(papers: list[Note]) -> str:
    """Every author A–Z (by family name) with their papers."""
    host = AUTHORS_INDEX
    authors: dict[str, list[Note]] = {}
    for note in papers:
        for author in as_list(note.meta.get("authors")):
            authors.setdefault(author, []).append(note)
    out = [_front("Papers by author"), f"{len(authors)} authors of {len(papers)} papers.\n"]
    for author in sorted(authors, key=lambda a: (_sort_key(a.split()[-1]), _sort_key(a))):
        out.append(f"\n## {escape_label(author)} {{#{author_anchor(author)}}}\n")
        for note in sorted(authors[author], key=lambda n: (-(note_year(n) or 0), _title_key(n))):
            year = note_year(note)
            out.append(item(host, note, str(year) if year else ""))
    return "\n".join(out) + "\n"


def dated_list(title: str, host: str, notes: list[Note]) -> str:
    """Takes or digests by date, newest first, with a take's confidence."""
    out = [_front(title), f"{len(notes)} notes, newest first.\n"]
    month = None
    for note in sorted(notes, key=_recent_key):
        date = note_date(note)
        heading = date.strftime("%B %Y") if date else "Undated"
        if heading != month:
            out.append(f"\n## {heading}\n")
            month = heading
        extra = [date.isoformat()] if date else []
        confidence = parse_confidence(note.meta.get("confidence"))
        if confidence is not None:
            extra.append(f"confidence {round(confidence * 100)}%")
        out.append(item(host, note, " · ".join(extra)))
    return "\n".join(out) + "\n"


def by_folder(notes: list[Note]) -> str:
    """Plain notes (guides, scratch) grouped by folder."""
    host = KIND_INDEX[NoteKind.NOTE]
    folders: dict[str, list[Note]] = {}
    for note in notes:
        folders.setdefault(note.folder, []).append(note)
    out = [_front("Notes"), f"{len(notes)} notes that are not papers, takes, concepts "
           "or digests.\n"]
    for folder in sorted(folders):
        out.append(f"\n## {escape_label(folder.replace('-', ' ').capitalize() or 'Top level')}\n")
        for note in sorted(folders[folder], key=_title_key):
            out.append(item(host, note))
    return "\n".join(out) + "\n"


def concepts_page(concepts: list[Note], usage: Mapping[str, int]) -> str:
    """Concepts A–Z, each with how many notes link to it."""
    host = KIND_INDEX[NoteKind.CONCEPT]
    letters: dict[str, list[Note]] = {}
    for note in concepts:
        first = _sort_key(note.title)[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(note)
    jump = " · ".join(f"[{letter}](#{_letter_anchor(letter)})" for letter in sorted(letters))
    out = [_front("Concepts"), f"{len(concepts)} concepts. {jump}\n"]
    for letter in sorted(letters):
        out.append(f"\n## {letter} {{#{_letter_anchor(letter)}}}\n")
        for note in sorted(letters[letter], key=_title_key):
            count = usage.get(note.path, 0)
            out.append(item(host, note, f"used by {count} note{'s' if count != 1 else ''}"))
    return "\n".join(out) + "\n"


def _letter_anchor(letter: str) -> str:
    return "letter-" + (letter.lower() if letter.isalpha() else "other")


def home_page(data: IndexInput, by_kind: Mapping[NoteKind, list[Note]]) -> str:
    """The front page: introduction, what is inside, recent notes, then checked derivations."""
    out = [_front("Lemma"), data.intro.strip() + "\n"]
    counts = [(kind, len(notes)) for kind, notes in by_kind.items() if notes]
    cards = []
    for kind, count in counts:
        label = KIND_LABEL[kind] + ("s" if count != 1 else "")
        index = KIND_INDEX.get(kind)
        link = f"[{label}]({relative_url(HOME, index)})" if index else label
        cards.append(f'<div class="lemma-stat" markdown="span">**{count}**<br>{link}</div>')
    out.append('<div class="lemma-stats" markdown="1">\n' + "\n".join(cards) + "\n</div>\n")
    out.append("## Recent notes\n")
    for note in sorted(data.vault, key=_recent_key)[: data.recent]:
        date = note_date(note)
        when = date.isoformat() if date else str(note_year(note) or "")
        out.append(item(HOME, note, " · ".join(x for x in (KIND_LABEL[note.kind], when) if x)))
    out.append("")
    out.append(checked_knowledge(data.results, data.vault))
    return "\n".join(out) + "\n"


def checked_knowledge(results: Iterable[Any], vault: Vault) -> str:
    """A table of the derivations in the notes with their verdicts and link totals; the
    teaching examples (blocks meant to fail) are listed apart, after it."""
    results = sorted(results, key=lambda r: (r.path, r.line))
    out = ["## Checked derivations\n"]
    if not results:
        return out[0] + "\nNo derivation blocks yet.\n"
    claims = [r for r in results if r.expected == "valid"]
    teaching = [r for r in results if r.expected != "valid"]
    statuses = Counter(link.status for r in claims for link in r.links)
    totals = ", ".join(f"**{statuses[s]}** {s}" for s in LINK_STATUSES if statuses[s])
    out.append(f"{_count(len(claims), 'derivation')} in the notes, with "
               f"{_count(sum(statuses.values()), 'checked link')}: {totals}.\n")
    out.append('<div class="lemma-checked" markdown="1" data-search-exclude>\n')  # no snippets
    out.append("| Derivation | Note | Links | Verdict |\n|---|---|---|---|")
    for r in claims:
        note = vault.notes.get(r.path)
        url = md_url(relative_url(HOME, r.path))
        source = f"[{escape_label(short_title(note))}]({url})" if note else r.path
        counts = Counter(link.status for link in r.links)
        summary = ", ".join(f"{counts[s]} {s}" for s in LINK_STATUSES if counts[s])
        cells = (_derivation_link(r, note), source, summary, verdict_html(r))
        out.append("| " + " | ".join(c.replace("|", "&#124;") for c in cells) + " |")
    out.append("\n</div>\n")
    if teaching:
        shown = ", ".join(_derivation_link(r, vault.notes.get(r.path)) for r in teaching)
        out.append(f"Also {_count(len(teaching), 'teaching example')}, each a common slip "
                   f"that the checker rejects as intended: {shown}.\n")
    return "\n".join(out) + "\n"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _derivation_link(r: Any, note: Note | None) -> str:
    title = escape_label(r.title or r.id)
    return f"[{title}]({md_url(relative_url(HOME, r.path))}#{r.id})" if note else title


def short_title(note: Note, limit: int = 40) -> str:
    """A long title's shortest alias (for tables), else the title."""
    shorter = [a for a in note.aliases if len(a) < len(note.title)]
    return min(shorter, key=len) if len(note.title) > limit and shorter else note.title


def _sort_key(text: str) -> str:
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return value.casefold().lstrip("\"'([").strip()


def _title_key(note: Note) -> tuple[str, str]:
    return (_sort_key(note.title), note.path)


def _recent_key(note: Note) -> tuple[int, str, str]:
    date = note_date(note)
    if date is None and (year := note_year(note)):
        date = dt.date(year, 1, 1)
    return (-(date.toordinal() if date else 0), _sort_key(note.title), note.path)
