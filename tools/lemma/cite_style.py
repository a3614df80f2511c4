"""An author–year style (APA 7 in outline) for citations and reference lists.

In text: `(Jacot et al., 2018, p. 3; Power & Burda, 2022)` for `[@jacot; @power]`, `Jacot et
al. (2018)` for a bare `@jacot`, `(2018)` for `[-@jacot]`. A reference: `Jacot, A., Gabriel, F.,
& Hongler, C. (2018). Title. *Venue*, *12*(3), 1–9. https://doi.org/…` — as plain text (hover
titles) or as HTML. Pure functions of `Reference`s, so the CLI, the site and the editor agree.
"""

from __future__ import annotations

import html

from .bibliography import Name, Reference

MAX_AUTHORS = 20  # APA lists up to 20 authors, then an ellipsis and the last one


def short_authors(ref: Reference, narrative: bool = False) -> str:
    """'Jacot', 'Power & Burda' ('Power and Burda' in running text), 'Jacot et al.'."""
    families = [a.family or a.given for a in ref.authors]
    if not families:
        return ref.title or ref.key
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} {'and' if narrative else '&'} {families[1]}"
    return f"{families[0]} et al."


def year_of(ref: Reference) -> str:
    return ref.year or "n.d."


def parenthetical(ref: Reference, suffix: str = "", prefix: str = "",
                  suppress_author: bool = False) -> str:
    """One item of a bracketed citation, without the parentheses: 'see Jacot et al., 2018, p. 3'."""
    text = year_of(ref) if suppress_author else f"{short_authors(ref)}, {year_of(ref)}"
    return " ".join(part for part in (prefix, text + (f", {suffix}" if suffix else "")) if part)


def narrative(ref: Reference, suffix: str = "") -> str:
    """A bare `@key` in running text: 'Jacot et al. (2018, p. 3)'."""
    inner = year_of(ref) + (f", {suffix}" if suffix else "")
    return f"{short_authors(ref, narrative=True)} ({inner})"


def _name(name: Name) -> str:
    return f"{name.family}, {name.initials}" if name.initials else name.family


def author_list(ref: Reference) -> str:
    """'Jacot, A., Gabriel, F., & Hongler, C.' (APA's list: up to 20, then … and the last)."""
    names = [_name(a) for a in ref.authors]
    if len(names) > MAX_AUTHORS:
        names = [*names[: MAX_AUTHORS - 1], "…", names[-1]]
        return ", ".join(names)
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}, & {names[1]}"
    return ", ".join(names[:-1]) + f", & {names[-1]}"


def _link(ref: Reference) -> str:
    return f"https://doi.org/{ref.doi}" if ref.doi else ref.url


def _parts(ref: Reference) -> list[tuple[str, bool]]:
    """The reference as (text, italic) pieces, in APA order."""
    authors = author_list(ref)
    title = ref.title.rstrip(".") or ref.key
    pieces: list[tuple[str, bool]] = []
    book = ref.kind in ("book", "thesis", "phdthesis", "mastersthesis", "report", "techreport")
    if authors:
        pieces.append((f"{authors}{'' if authors.endswith('.') else '.'} ({year_of(ref)}). ",
                       False))
        pieces.append((title, book))
    else:
        pieces.append((title, book))
        pieces.append((f". ({year_of(ref)})", False))
    pieces.append((". ", False))
    if ref.venue:
        pieces.append((ref.venue, True))
        if ref.volume:
            pieces.append((", ", False))
            pieces.append((ref.volume, True))
            if ref.number:
                pieces.append((f"({ref.number})", False))
        if ref.pages:
            pieces.append((f", {ref.pages}", False))
        pieces.append((". ", False))
    if ref.publisher and ref.publisher != ref.venue:
        pieces.append((f"{ref.publisher}. ", False))
    if link := _link(ref):
        pieces.append((link, False))
    return pieces


def reference_text(ref: Reference) -> str:
    """The reference as one line of plain text (a link's hover title, the CLI)."""
    return "".join(text for text, _ in _parts(ref)).strip()


def reference_html(ref: Reference) -> str:
    """The reference as HTML: italics for the venue (or book title), its DOI or URL a link."""
    out = []
    link = _link(ref)
    for text, italic in _parts(ref):
        if link and text == link:
            out.append(f'<a href="{html.escape(link)}">{html.escape(link)}</a>')
        elif italic:
            out.append(f"<em>{html.escape(text)}</em>")
        else:
            out.append(html.escape(text))
    return "".join(out).strip()


def sort_key(ref: Reference) -> tuple[str, str, str]:
    """References are listed by first author's family name, then year, then title."""
    first = ref.authors[0].family if ref.authors else ref.title
    return (first.casefold(), ref.year or "9999", ref.title.casefold())
