"""The Atom feed: each entry summarised by its Summary section's first paragraph, ids from
`site_url` (else per-site uuids), notes without a date dated by their last git commit."""

from __future__ import annotations

import os
import subprocess
import xml.dom.minidom
from pathlib import Path

from lemma.note_parse import parse_note
from lemma.site.feed import atom, summary
from tests.test_site_build import MKDOCS_YML, build_site

PAPER = ("---\ntitle: P\nauthors: [A]\nyear: 2021\n---\n*Known through a summary by X.*\n\n"
         "## Summary\nThe real claim, with $x^2$.\n\nSecond paragraph.\n\n## Opinion\nGood.\n")


def entries(text: str) -> list[dict[str, str]]:
    dom = xml.dom.minidom.parseString(text)
    return [{tag: e.getElementsByTagName(tag)[0].firstChild.data
             for tag in ("title", "id", "updated")}
            for e in dom.getElementsByTagName("entry")]


def test_summary_is_the_summary_sections_first_paragraph() -> None:
    note = parse_note("papers/p.md", PAPER)[0]
    assert summary(note) == "The real claim, with x²."  # formulas as readable text


def test_ids_come_from_site_url_else_differ_per_site() -> None:
    note = parse_note("papers/p.md", PAPER)[0]
    urls = {"papers/p.md": "papers/p/"}
    with_url = atom([note], urls, "KB", "https://kb.example.org/")
    assert "<id>https://kb.example.org/feed.xml</id>" in with_url
    assert entries(with_url)[0]["id"] == "https://kb.example.org/papers/p/"
    one, two = atom([note], urls, "KB one"), atom([note], urls, "KB two")
    assert "urn:lemma:feed" not in one
    assert entries(one)[0]["id"].startswith("urn:uuid:")
    assert entries(one)[0]["id"] != entries(two)[0]["id"]


def test_an_empty_feed_is_dated_by_the_build_not_1970() -> None:
    text = atom([], {}, "KB", built=1_700_000_000)
    assert "<updated>2023-11-14T22:13:20Z</updated>" in text


def test_undated_notes_are_dated_by_their_last_git_commit(tmp_path: Path) -> None:
    project = tmp_path / "p"
    notes = {"a.md": "# A\n\nFirst paragraph of A.\n", "b.md": "# B\n\nText of B.\n"}
    project.mkdir()
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x")
    (project / "notes").mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True, env=env)
    for name, stamp in (("a.md", "2024-03-01T10:00:00Z"), ("b.md", "2024-05-02T12:00:00Z")):
        (project / "notes" / name).write_text(notes[name], encoding="utf-8")
        subprocess.run(["git", "-C", str(project), "add", "."], check=True, env=env)
        subprocess.run(["git", "-C", str(project), "commit", "-qm", name], check=True,
                       env={**env, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_DATE": stamp})
    site = build_site(project, {}, yml=MKDOCS_YML + "site_url: https://kb.example.org/\n")
    found = entries((site / "feed.xml").read_text(encoding="utf-8"))
    assert [(e["title"], e["updated"]) for e in found] == [
        ("B", "2024-05-02T12:00:00Z"), ("A", "2024-03-01T10:00:00Z")]
    assert found[0]["id"] == "https://kb.example.org/b/"
