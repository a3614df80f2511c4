"""An Atom feed of the most recent notes (`feed.xml` at the site root), for feed readers.

Dated by the notes' own `date` (or a paper's `year`), else by when the file last changed (its
last git commit, or if configured its modification time), so the same repository gives the
same feed byte for byte. Links and ids are absolute when `site_url` is set; without it links
are relative to the feed and ids are `urn:uuid:`s made from the site's name and note paths.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

from ..link_text import plain_text
from ..links import strip_comments
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


SUMMARY_HEADINGS = frozenset({"summary", "tldr", "tl;dr", "abstract"})


def summary(note: Note, limit: int = 400) -> str:
    """The first paragraph of the note's Summary (or TL;DR) section, else of the note, as plain
    text with formulas as words."""
    body = strip_comments(note.body)  # %%private remarks%% never reach the feed
    heading = next((h for h in note.headings if h.text.strip().casefold() in SUMMARY_HEADINGS),
                   None)
    if heading is not None:
        lines = body.split("\n")
        body = "\n".join(lines[heading.line - note.body_line + 1:])
    for block in body.split("\n\n"):
        text = block.strip()
        if text and not text.startswith(("#", "```", "|", "<", "![[")):
            words = _MATH.sub(lambda m: tex_text(m.group(1)), plain_text(text))
            return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def stamp_of(seconds: int) -> str:
    """A Unix time as an Atom timestamp."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def urn(*parts: str) -> str:
    """A stable id for a site without `site_url` (distinct per site name and note)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "lemma:" + "\n".join(parts)))


def atom(notes: Iterable[Note], urls: Mapping[str, str], title: str, site_url: str = "",
         limit: int = 20, file_times: Mapping[str, int] | None = None,
         built: int = 0) -> str:
    """The feed: the `limit` newest notes, newest first, each dated by its frontmatter or else
    by `file_times` (vault path -> Unix time); `built` dates a feed with no entries."""
    times = file_times or {}
    entries = sorted(((stamp, n) for n in notes if (stamp := dated(n) or (
        stamp_of(times[n.path]) if n.path in times else None))),
                     key=lambda e: (e[0], e[1].path), reverse=True)[:limit]
    base = site_url.rstrip("/") + "/" if site_url else ""
    updated = entries[0][0] if entries else stamp_of(built)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(title)}</title>",
           f"<id>{escape(base + FEED if base else urn(title))}</id>",
           f"<updated>{updated}</updated>",
           f"<author><name>{escape(title)}</name></author>",
           f'<link rel="self" href={quoteattr(base + FEED)}/>',
           f'<link rel="alternate" type="text/html" href={quoteattr(base or "./")}/>']
    for stamp, note in entries:
        url = base + urls.get(note.path, note.path.removesuffix(".md") + "/")
        authors = note.meta.get("authors")
        names = authors if isinstance(authors, list) else [authors] if authors else []
        out += ["<entry>", f"<title>{escape(note.title)}</title>",
                f"<id>{escape(url if base else urn(title, note.path))}</id>",
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
