"""An "On this page" list at the top of a long note, for narrow screens: Material hides its
contents sidebar below 76.25em, and a note page is not in the navigation drawer either."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

#: Fewer sections than this need no list.
MIN_ENTRIES = 3


def phone_toc(toc: Iterable[Any]) -> str:
    """A collapsed `<details>` listing the page's h2 sections and their h3 subsections
    (`toc`: MkDocs' page.toc, items with `title`, `url`, `level` and `children`)."""
    top = _sections(toc)
    count = sum(1 + len(item.children) for item in top)
    if count < MIN_ENTRIES:
        return ""
    items = []
    for item in top:
        subs = "".join(f"<li>{_link(child)}</li>" for child in item.children)
        items.append(f"<li>{_link(item)}" + (f"<ul>{subs}</ul>" if subs else "") + "</li>")
    return ('<details class="lemma-toc-phone" data-search-exclude><summary>On this page '
            f'<span class="lemma-count">{len(top)}</span></summary>'
            f'<nav aria-label="On this page"><ul>{"".join(items)}</ul></nav></details>\n')


def _sections(toc: Iterable[Any]) -> list[Any]:
    """The h2 entries: the page title's (h1) children, or the top entries when no h1."""
    out: list[Any] = []
    for item in toc:
        out += item.children if item.level <= 1 else [item]
    return out


def _link(item: Any) -> str:
    """An entry's link; the title is HTML already (MkDocs keeps inline markup), its anchor
    is escaped."""
    return f'<a href="{html.escape(item.url)}">{item.title}</a>'
