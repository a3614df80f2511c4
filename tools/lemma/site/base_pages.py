"""A page per `.base` (Obsidian Bases): each view as a table, a list or cards of the notes it
selects, evaluated at build time. The page lives at `X.base.md` (URL `X.base/`); its links are
relative `.md` links that MkDocs resolves like those of the index pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

from ..bases.base import Base, Row, View, run_view
from ..model import Note
from ..publish import is_private
from .render_links import escape_label, md_url, relative_url

LINK_PROPS = frozenset({"file.name", "file.basename", "file.path"})


def page_path(base_path: str) -> str:
    return base_path + ".md"


def base_page(base: Base, notes: Iterable[Note], links: Mapping[str, list[str]],
              today: dt.date) -> tuple[str, str]:
    """(nav title, Markdown) of the base's page."""
    host = page_path(base.path)
    notes = list(notes)
    parts = [f"# {escape_label(base.title)}\n"]
    for view in base.views:
        rows = run_view(base, view, notes, links, today)
        parts.append(f"## {escape_label(view.name)}\n")
        if not rows:
            parts.append('<p class="lemma-base-empty">No notes match this view.</p>\n')
            continue
        groups = ([(None, rows)] if view.group_by is None else
                  [(k, list(g)) for k, g in groupby(rows, key=lambda r: _text(
                      r.values.get(view.group_by[0])))])  # type: ignore[index]
        for key, members in groups:
            if key is not None:
                parts.append(f"### {escape_label(key or '(empty)')}\n")
            parts.append(_render(view, base, members, host))
    return base.title, "\n".join(parts)


def _render(view: View, base: Base, rows: list[Row], host: str) -> str:
    columns = view.order or ["file.name"]
    if view.type == "table":
        head = "| " + " | ".join(_cell(base.display(c)) for c in columns) + " |"
        rule = "|" + "---|" * len(columns)
        body = ["| " + " | ".join(_value(r, c, host, cell=True) for c in columns) + " |"
                for r in rows]
        table = "\n".join([head, rule, *body])
        return f'<div class="lemma-base-table" markdown="1">\n\n{table}\n\n</div>\n'
    if view.type == "list":
        return "\n".join("- " + " · ".join(v for c in columns if (v := _value(r, c, host)))
                         for r in rows) + "\n"
    cards = []
    for r in rows:
        title = _link(r, host)
        lines = [f"**{base.display(c)}**: {v}" for c in columns if c not in LINK_PROPS
                 and (v := _value(r, c, host))]
        cards.append(f'<div class="lemma-base-card" markdown="1">\n\n{title}\n\n'
                     + "\n\n".join(lines) + "\n\n</div>")
    return '<div class="lemma-base-cards" markdown="1">\n\n' + "\n\n".join(cards) + "\n\n</div>\n"


def _link(row: Row, host: str) -> str:
    name = row.note.path.rsplit("/", 1)[-1].removesuffix(".md")
    return f"[{escape_label(name)}]({md_url(relative_url(host, row.note.path))})"


def _value(row: Row, prop: str, host: str, cell: bool = False) -> str:
    if prop in LINK_PROPS:
        return _link(row, host)
    text = escape_label(_text(row.values.get(prop)))
    return _cell(text) if cell else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def bases_pages(bases: Iterable[Base], vault: Any, epoch: int) -> dict[str, tuple[str, str]]:
    """Page path -> (title, Markdown) of each base, over the vault's public notes; `today()`
    is the build's date (`epoch`), so the same notes give the same page."""
    today = dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    notes = [n for n in vault if not is_private(n)]  # the site's vault has none; the CLI's may
    links = {path: sorted({r.target for r in resolved if r.ok and r.target})
             for path, resolved in vault.resolved.items()}
    return {page_path(b.path): base_page(b, notes, links, today) for b in bases}
