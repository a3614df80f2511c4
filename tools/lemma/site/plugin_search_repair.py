"""The search index of a `mkdocs serve --dirty` preview, made equal to a fresh build's.

A dirty rebuild renders only the pages an edit changes (site/dirty.py picks them), but the
search plugins do not expect several: Material keeps the previous index and replaces the
entries of the first re-rendered page only (stale duplicates of the others stay, and a first
page at the site root drops every entry), MkDocs' own search keeps only the pages rendered.
Rather than reach into either plugin, this works on what they write — `search/search_index.json`,
`{"config": ..., "docs": [{"location": "page/#anchor", ...}]}` — after they wrote it:

- a page not rendered in this build keeps its entries from the index before the build;
- a page rendered keeps, per location, its last entry (a plugin appends what it renders after
  what it kept), and only locations that exist on the page now (a removed heading's entry goes);
- pages come in the build's page order, so the preview's index equals a fresh build's.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

log = logging.getLogger("mkdocs.plugins.lemma")

INDEX = Path("search") / "search_index.json"
_ID = re.compile(r"""<[^>]*?\sid=["']([^"']+)["']""")
Entry = dict[str, Any]


def page_of(location: str) -> str:
    """The page URL of a search entry's location (`b/#sec` -> `b/`)."""
    return location.split("#", 1)[0]


def _page_url(url: str) -> str:
    """A file's URL as its page and the search entries give it (the site root is '')."""
    return "" if url in (".", "./") else url


def repaired(before: list[Entry], after: list[Entry], rendered: dict[str, set[str]],
             order: list[str]) -> list[Entry]:
    """The entries of a fresh build: `rendered` maps each page rendered now to its ids."""
    pages = repaired_pages(by_page(before), after, rendered, order)
    return [entry for entries in pages.values() for entry in entries]


def by_page(entries: list[Entry]) -> dict[str, list[Entry]]:
    """Entries grouped by page, in their order."""
    found: dict[str, list[Entry]] = {}
    for entry in entries:
        found.setdefault(page_of(entry["location"]), []).append(entry)
    return found


def repaired_pages(before: dict[str, list[Entry]], after: list[Entry],
                   rendered: dict[str, set[str]], order: list[str]) -> dict[str, list[Entry]]:
    """`repaired`, page by page (`before`: the entries of the index before, by page)."""
    pages = {page: entries for page, entries in before.items() if page not in rendered}
    latest: dict[str, Entry] = {}
    for entry in after:  # the last entry per location is the one rendered now
        if page_of(entry["location"]) in rendered:
            latest.pop(entry["location"], None)
            latest[entry["location"]] = entry
    for location, entry in latest.items():
        page, _, anchor = location.partition("#")
        if not anchor or anchor in rendered[page]:
            pages.setdefault(page, []).append(entry)
    position = {id(entry): i for i, entry in enumerate(after)}  # once: not once per page
    return {page: _in_order(pages[page], position) for page in order if page in pages}
    # pages no longer built (a deleted note) are left out


def _in_order(entries: list[Entry], position: dict[int, int]) -> list[Entry]:
    """A rendered page's entries in the order the plugin wrote them (kept ones as they were;
    `position`: each entry's place in what the plugin wrote, by identity)."""
    return sorted(entries, key=lambda e: position.get(id(e), -1))


class SearchRepair(BasePlugin):  # type: ignore[type-arg]
    """Added to the plugins by the Lemma plugin when serving with --dirty (see the module doc).

    It keeps the index it wrote (entries and each page's JSON text), so a rebuild reads only
    the entries the search plugin appended for the pages rendered now, at the end of its file,
    and writes each other page's entries as the text it already has: at 10,000 notes the
    index is ~25 MB, which a full parse and dump took ~0.5 s a rebuild to go through."""

    def __init__(self) -> None:
        self.before: dict[str, list[Entry]] | None = None  # the index before, by page
        self.written: tuple[Any, dict[str, list[Entry]], dict[str, str]] | None = None
        self.rendered: dict[str, set[str]] = {}  # (stamp, entries and JSON text by page)
        self.order: list[str] = []

    def on_pre_build(self, *, config: Any) -> None:
        file = Path(config.site_dir) / INDEX
        if self.written is not None and self.written[0] != _stamp(file):
            self.written = None  # not the index it wrote
        docs = None if self.written else _docs(file)
        self.before = self.written[1] if self.written else (
            None if docs is None else by_page(docs))
        self.rendered = {}

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        self.rendered[page.url] = set(_ID.findall(page.content or ""))
        return context

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config: Any) -> None:
        file = Path(config.site_dir) / INDEX
        if not file.is_file():
            return  # no search plugin
        if self.before is None:  # the first build: its index is a fresh build's, kept as
            self._keep(file)      # it is (so the first edit reads only what it appends)
            return
        try:
            text = file.read_text(encoding="utf-8")
            split = appended(text, self.rendered) if self.written else None
            if split is None:  # no index of its own yet, or a layout it does not know
                data = json.loads(text)
                head = _head(text) if text.endswith("]}") else ""
                after = data["docs"]
            else:
                head, after = split
            pages = repaired_pages(self.before, after, self.rendered, self.order)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("lemma: the preview's search index was left as written: %s", error)
            self.written = None
            return
        if not head:  # entries followed by more than the closing brackets: write it whole
            data["docs"] = [entry for entries in pages.values() for entry in entries]
            file.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            self.written = None
            return
        texts = dict(self.written[2]) if self.written and split is not None else {}
        for page, entries in pages.items():
            if page in self.rendered or page not in texts:
                texts[page] = ",".join(json.dumps(e, separators=(",", ":"), default=str)
                                       for e in entries)
        fresh = head + ",".join(texts[p] for p in pages) + "]}"
        if fresh != text:
            file.write_text(fresh, encoding="utf-8")
        self.written = (_stamp(file), pages, texts)


    def _keep(self, file: Path) -> None:
        try:
            text = file.read_text(encoding="utf-8")
            pages = by_page(json.loads(text)["docs"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.written = None
            return
        texts = {page: ",".join(json.dumps(e, separators=(",", ":"), default=str)
                                for e in entries) for page, entries in pages.items()}
        fits = _head(text) and text.endswith("]}")  # the layout it can read from the end
        self.written = (_stamp(file), pages, texts) if fits else None


def appended(text: str, rendered: dict[str, set[str]]) -> tuple[str, list[Entry]] | None:
    """(the index's text up to its first entry, the entries at its end whose pages are in
    `rendered`) of an index `{"config": ..., "docs": [...]}` written with compact separators
    (as both search plugins write it); None for any other layout."""
    head = _head(text)
    if not head or not text.endswith("]}"):
        return None
    decoder = json.JSONDecoder()
    found: list[Entry] = []
    end = len(text) - 2
    while end > len(head):
        start = text.rfind('{"location":"', len(head), end)
        if start < 0 or text[start - 1] not in ",[":
            return None
        entry, stop = decoder.raw_decode(text, start)
        if stop != end:
            return None
        if page_of(entry["location"]) not in rendered:
            break
        found.append(entry)
        end = start - 1
    return head, found[::-1]


def _head(text: str) -> str:
    """The text of an index up to its first entry ('' when it has no `"docs":[`)."""
    at = text.find('"docs":[')
    return text[:at + len('"docs":[')] if at >= 0 else ""


def _stamp(file: Path) -> tuple[str, int, int] | None:
    try:
        status = file.stat()
    except OSError:
        return None
    return str(file.resolve()), status.st_mtime_ns, status.st_size


def _docs(file: Path) -> list[Entry] | None:
    """The entries of an index written before (None when there is none or it is unreadable)."""
    try:
        docs = json.loads(file.read_text(encoding="utf-8"))["docs"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return docs if isinstance(docs, list) else None


_REPAIR = SearchRepair()


def install(plugins: Any, dirty_serve: bool) -> None:
    """Add the repair to this configuration's plugins (MkDocs registers its events on adding)."""
    if dirty_serve and "lemma/search-repair" not in plugins:
        plugins["lemma/search-repair"] = _REPAIR


def remember_order(pages: Any) -> None:
    """The order of every page of this build (`pages`: all of them, before a preview build
    leaves some out), which the repaired index follows."""
    _REPAIR.order = [_page_url(f.url) for f in pages]
