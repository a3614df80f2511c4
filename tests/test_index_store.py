"""Rows in and out of the index file: link rows keep every value exactly as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from lemma.index import link_rows, store
from lemma.vault import load_vault
from tests.conftest import write_files

NAMES = {
    "plain": "Target",
    "accents and CJK": "Éléments 日本語",
    "unit separator": "a\x1fb",
    "quotes and backslash": 'say "hi" \\ there',
    "emoji": "note 🙂",
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000], ids=["one per statement", "two", "three", "all"])
def test_link_rows_round_trip_through_the_index(tmp_path: Path, chunk: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(link_rows, "LINK_CHUNK", chunk)
    body = " ".join(f"[[{name}#Part|shown]] ![[{name}]]" for name in NAMES.values())
    files = {f"{name}.md": "# Part\n" for name in NAMES.values()}
    write_files(tmp_path / "v", {**files, "a/Dup.md": "x", "b/Dup.md": "y",
                                     "src.md": body + " [[Gone]] [[Dup]]"})
    vault = load_vault(tmp_path / "v")
    links = vault.resolved["src.md"]
    assert {r.status for r in links} == {"ok", "ambiguous", "broken"}
    db = store.connect(":memory:")
    store.create(db, "x")
    link_rows.write_links(db, [("src.md", links)])
    rows = db.execute("SELECT * FROM links ORDER BY ord").fetchall()
    fixed = link_rows.link_columns("src.md", [r.link for r in links])
    assert rows == [(*f, r.status, r.target, r.anchor, "\n".join(r.candidates) or None)
                    for f, r in zip(fixed, links, strict=True)]
    assert rows[-1][-1] == "a/Dup.md\nb/Dup.md"  # the candidates of the ambiguous one
    assert [type(v) for v in rows[0]] == [str, int, str, int, int, int, int, int, str, str,
                                          str, type(None)]
