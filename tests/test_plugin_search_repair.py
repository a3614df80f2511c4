"""The preview's search-index repair reads only what the search plugin appended at the end of
its index (the pages rendered now), and knows when the layout is not one it can read so."""

from __future__ import annotations

import json

import pytest

from lemma.site.plugin_search_repair import appended, repaired

ENTRIES = [{"location": "a/", "title": "A", "text": "x"},
           {"location": "b/", "title": "B", "text": "y {\"location\":\"z/\"}"},
           {"location": "b/#s", "title": "S", "text": "z"}]


def index(entries: list[dict[str, str]], extra: str = "") -> str:
    data = json.dumps({"config": {"lang": ["en"]}, "docs": entries}, separators=(",", ":"))
    return data[:-1] + extra + "}" if extra else data


@pytest.mark.parametrize("rendered, tail", [
    ({"b/"}, ENTRIES[1:]),
    ({"a/", "b/"}, ENTRIES),
    ({"c/"}, []),
    ({"a/"}, []),  # a's entries are not at the end: nothing rendered now was appended there
], ids=["last-page", "every-page", "none-appended", "rendered-but-earlier"])
def test_appended_reads_the_rendered_pages_entries_from_the_end(rendered, tail) -> None:
    text = index(ENTRIES)
    head, found = appended(text, {page: set() for page in rendered})
    assert head == '{"config":{"lang":["en"]},"docs":['
    assert found == tail


@pytest.mark.parametrize("text", [
    index(ENTRIES, ',"index":{}'),
    '{"docs":[{"title":"A","location":"a/"}],"config":{}}',
    json.dumps({"config": {}, "docs": ENTRIES}),  # spaces after separators
], ids=["more-after-the-docs", "docs-first", "spaced"])
def test_appended_declines_a_layout_it_cannot_read_from_the_end(text: str) -> None:
    assert appended(text, {"a/": set(), "b/": set()}) is None


def test_repaired_keeps_unrendered_pages_and_takes_the_last_entries_of_rendered_ones() -> None:
    before = ENTRIES
    after = [{"location": "b/", "title": "B2", "text": "new"}]
    docs = repaired(before, after, {"b/": set()}, ["a/", "b/"])
    assert docs == [ENTRIES[0], after[0]]  # b's removed section (#s) is gone
