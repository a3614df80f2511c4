"""The core's fast paths (bytes reading, one line index, a paused collector) change nothing."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from lemma.frontmatter import split_frontmatter
from lemma.note_parse import parse_note, read_note
from lemma.vault import load_vault


def test_an_impossible_date_is_a_diagnostic_not_a_traceback():
    split = split_frontmatter("---\ntitle: X\ndate: 2021-13-45\n---\nbody\n", "x.md")
    assert [d.code for d in split.diagnostics] == ["frontmatter-invalid"]
    assert split.diagnostics[0].pos.line == 3
    assert "month must be in 1..12" in split.diagnostics[0].message
    assert split.body == "body\n"


@pytest.mark.parametrize("raw", [
    b"---\r\ntitle: A\r\n---\r\nline one\rline two [[b]]\r\n# H\n",
    b"\xef\xbb\xbfno frontmatter [[b]]\n",
    b"plain\n\n## Heading\rwith a lone CR\n",
])
def test_reading_bytes_gives_what_text_mode_gave(tmp_path: Path, raw: bytes):
    (tmp_path / "a.md").write_bytes(raw)
    expected = parse_note("a.md", (tmp_path / "a.md").read_text(encoding="utf-8"))
    assert read_note(tmp_path, "a.md") == expected


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path):
    (tmp_path / "a.md").write_text("[[b]]\n", encoding="utf-8")
    assert gc.isenabled()
    load_vault(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        load_vault(tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()
