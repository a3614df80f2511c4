"""The site's navigation as data (a MkDocs-style `nav` list and the pages left out of it): by
kind for a typed vault, a nav of constant size, else the vault's folder tree."""

from __future__ import annotations

from typing import Any

from . import base_pages, canvas_pages, indexes, locations
from .context import SiteContext

NAV_ORDER = ("index.md", "papers/index.md", "papers/authors.md", "takes/index.md",
             "concepts/index.md", "digests/index.md", "notes.md", "tags/index.md")


def arrange(site: SiteContext, pages: list[str]) -> tuple[list[Any], set[str]]:
    """(nav, pages not in the nav) for the site's documentation pages `pages` (source paths)."""
    vault = site.site_state.vault
    assert vault is not None
    generated = site.generated
    mode = site.options.navigation
    if mode == "auto":
        mode = "folders" if locations.all_plain(vault.notes) else "kinds"
    if mode == "kinds":
        hidden = {p for p in pages
                  if p not in NAV_ORDER and (p not in generated or is_tag_page(p))}
        order = [p for p in NAV_ORDER if p in generated]
        order += sorted(p for p in generated if p not in NAV_ORDER and not is_tag_page(p))
        return [{generated[p][0]: p} for p in order], hidden
    present = set(pages)
    home = site.home or indexes.HOME
    extra = {canvas_pages.page_path(p): c.title for p, c in site.canvases.items()}
    extra.update({base_pages.page_path(b.path): b.title for b in site.bases})
    titles = locations.note_titles(vault, extra)
    titles = {p: t for p, t in titles.items() if p != home and p in present}
    tail = [p for p in NAV_ORDER[1:] if p in generated and p != "notes.md"]
    tail += sorted(p for p in generated if p not in NAV_ORDER and not is_tag_page(p)
                   and p not in titles)
    hidden = {p for p in pages if is_tag_page(p) or p == "notes.md"}
    first = [{"Home": home}] if home in present else []
    return first + locations.folder_nav(titles) + [{generated[p][0]: p} for p in tail], hidden


def is_tag_page(path: str) -> bool:
    """A generated page of one tag (listed on the tags index, not in the navigation)."""
    return path.startswith("tags/") and path != "tags/index.md"
