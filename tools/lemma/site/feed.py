"""An Atom feed of the most recent notes (`feed.xml` at the site root), for feed readers.

Dated by the notes' own `date` (or a paper's `year`), never by file times, so the same notes
give the same feed byte for byte. Links are absolute when `site_url` is set, else relative to
the feed (Atom resolves them against the feed's own address).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

from ..graph.text import plain_text
from ..model import Note
from .render_notes import KIND_LABEL, note_date, note_year
from .tex_words import tex_text

FEED = "feed.xml"
_MATH = re.compile(r"\$\$?([^$]+?)\$\$?")


def dated(note: Note) -> str | None:
    """The note's date as an Atom timestamp (a paper's year as its 1 January)."""
    date = note_date(note)
    if date is not None:
        return f"{date.isoformat()}T00:00:00Z"
    year = note_year(note)
    return f"{year:04d}-01-01T00:00:00Z" if year else None


def summary(note: Note, limit: int = 400) -> str:
    """The note's first paragraph as plain text, formulas as words."""
    for block in note.body.split("\n\n"):
        text = block.strip()
        if text and not text.startswith(("#", "```", "|", "<", "![[")):
            words = _MATH.sub(lambda m: tex_text(m.group(1)), plain_text(text))
            return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def atom(notes: Iterable[Note], urls: Mapping[str, str], title: str, site_url: str = "",
         limit: int = 20) -> str:
    """The feed: the `limit` newest dated notes, newest first."""
    entries = sorted(((stamp, n) for n in notes if (stamp := dated(n))),
                     key=lambda e: (e[0], e[1].path), reverse=True)[:limit]
    base = site_url.rstrip("/") + "/" if site_url else ""
    updated = entries[0][0] if entries else "1970-01-01T00:00:00Z"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(title)}</title>",
           f"<id>{escape(base + FEED if base else 'urn:lemma:feed')}</id>",
           f"<updated>{updated}</updated>",
           f"<author><name>{escape(title)}</name></author>",
           f'<link rel="self" href={quoteattr(base + FEED)}/>',
           f'<link rel="alternate" type="text/html" href={quoteattr(base or "./")}/>']
    for stamp, note in entries:
        url = base + urls.get(note.path, note.path.removesuffix(".md") + "/")
        authors = note.meta.get("authors")
        names = authors if isinstance(authors, list) else [authors] if authors else []
        out += ["<entry>", f"<title>{escape(note.title)}</title>",
                f"<id>{escape(url if base else 'urn:lemma:note:' + note.path)}</id>",
                f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>',
                f"<updated>{stamp}</updated>",
                f'<category term={quoteattr(KIND_LABEL[note.kind])}/>']
        out += [f"<author><name>{escape(str(n))}</name></author>" for n in names]
        out += [f'<category term={quoteattr(t)}/>' for t in note.tags]
        text = summary(note)
        if text:
            out.append(f"<summary>{escape(text)}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
