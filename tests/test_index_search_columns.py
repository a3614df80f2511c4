"""A note's full-text columns: the ASCII shortcut gives what the general path gives."""

from __future__ import annotations

import pytest

from lemma.index.search_rows import _unmarked, search_columns
from lemma.note_parse import parse_note
from lemma.search_text import folded_words, index_text

NOTES = {
    "ascii": "---\ntitle: Plain\naliases: [One, Two]\ntags: [a, b]\n---\n# Plain\nbody [[X]]\n",
    "ascii-marks": "---\ntitle: Marked\n---\nbody \x02with\x03 marks\n",
    "accents": "---\ntitle: Überblick\n---\nDie Übersicht über Łódź\n",
    "foldable-in-tag": "---\ntitle: T\ntags: [straße]\n---\nplain body\n",
    "cjk": "---\ntitle: 正切核\n---\n正切核的定义\n",
    "cjk-alias": "---\ntitle: T\naliases: [定义]\n---\nplain\n",
}


@pytest.mark.parametrize("text", NOTES.values(), ids=NOTES.keys())
def test_search_columns_equal_the_general_path(text):
    note, _ = parse_note("notes/n.md", text)
    parts = (note.title, " ".join(note.aliases), " ".join(note.tags), note.body)
    want = (*(index_text(_unmarked(x)) for x in parts), folded_words(*parts))
    assert search_columns(note) == want
    assert "\x02" not in search_columns(note)[3]
