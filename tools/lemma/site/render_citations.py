"""Citations on a page: each `[@a; @b]` group as one author–year parenthesis of links, and a
*References* section listing every work the page cites.

A key a paper note claims links to that note's page; a key only the bibliography knows links
to its entry in the page's References. Each link's title (the hover text) is the formatted
reference. Unknown keys render visibly broken and are reported through `warn`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from ..bibliography import Reference
from ..citations import Citations
from ..cite_style import narrative, parenthetical, reference_html, reference_text, sort_key
from ..model import Note, SourcePos
from ..vault import ResolvedLink

Warn = Callable[[SourcePos, str], None]
#: the relative `.md` URL of a vault note from the page being rendered
NoteUrl = Callable[[str], str]
#: the final URL of a vault note (for raw HTML), or None when it has no page
HtmlUrl = Callable[[str], "str | None"]


def anchor(key: str) -> str:
    """The id of a key's entry in the References section."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _title(text: str) -> str:
    """A Markdown link title: no double quote may end it early."""
    return text.replace('"', "'")


def _md_label(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)


def group_edits(cites: Sequence[ResolvedLink], citations: Citations, note_url: NoteUrl,
                warn: Warn | None) -> list[tuple[int, int, str]]:
    """One (start, end, Markdown) edit per citation group of a text."""
    groups: dict[tuple[int, int], list[ResolvedLink]] = {}
    for r in cites:
        assert r.link.cite is not None
        groups.setdefault((r.link.cite.group_start, r.link.cite.group_end), []).append(r)
    edits = []
    for (start, end), items in groups.items():
        parts = [_item(r, citations, note_url, warn) for r in items]
        bracketed = items[0].link.cite is not None and items[0].link.cite.bracketed
        body = f"({'; '.join(parts)})" if bracketed else parts[0]
        edits.append((start, end, f'<span class="lemma-cite">{body}</span>'))
    return edits


def _item(r: ResolvedLink, citations: Citations, note_url: NoteUrl, warn: Warn | None) -> str:
    link = r.link
    cite = link.cite
    assert cite is not None
    ref = citations.reference(link.target) if r.status in ("ok", "entry") else None
    if ref is None:
        if r.status == "private":  # the paper note is not published: nothing of it is shown
            return html.escape(f"@{link.target}")
        if warn is not None and r.status == "entry":
            warn(link.pos, f"@{link.target}: no paper note or bibliography entry has this "
                 "citekey")
        why = "unknown citekey" if r.status == "entry" else f"{r.status} citekey"
        return (f'<span class="lemma-broken" title="{why}" '
                f'data-target="@{html.escape(link.target)}">@{html.escape(link.target)}</span>')
    url = note_url(r.target) if r.status == "ok" and r.target else f"#{anchor(ref.key)}"
    if cite.bracketed:
        text = parenthetical(ref, cite.suffix, suppress_author=cite.suppress_author)
        linked = f'[{_md_label(text)}]({url} "{_title(reference_text(ref))}")'
        return f"{_md_label(cite.prefix)} {linked}" if cite.prefix else linked
    text = narrative(ref, cite.suffix)
    return f'[{_md_label(text)}]({url} "{_title(reference_text(ref))}")'


def references_section(keys: Sequence[str], citations: Citations, html_url: HtmlUrl | None,
                       heading: str = "References") -> str:
    """Markdown for the page's References: the cited works sorted by author, year and title;
    each links to its paper note's page when it has one."""
    refs: dict[str, Reference] = {}
    for key in keys:
        ref = citations.reference(key)
        if ref is not None:
            refs.setdefault(ref.key.casefold(), ref)
    if not refs:
        return ""
    items = []
    for ref in sorted(refs.values(), key=sort_key):
        page = html_url(ref.note) if (ref.note and html_url) else None
        note = (f' <a class="lemma-ref-note" href="{html.escape(page)}">(note)</a>'
                if page else "")
        items.append(f'<li id="{anchor(ref.key)}">{reference_html(ref)}{note}</li>')
    return (f"\n\n## {heading}\n\n<ul class=\"lemma-references\">\n" + "\n".join(items)
            + "\n</ul>\n")


def references_for(note: Note, citations: Citations | None, html_url: HtmlUrl | None) -> str:
    """The References section of a note's page ('' when it cites nothing known)."""
    if citations is None or not any(link.cite is not None for link in note.links):
        return ""
    taken = any(h.text.strip().casefold() == "references" for h in note.headings)
    return references_section(citations.cited_keys(note.path), citations, html_url,
                              "Cited works" if taken else "References")

