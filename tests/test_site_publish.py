"""A plain Obsidian vault published as Publish would: its own home note at the root, a folder
tree named as the folders are, `permalink:` honoured, `/` aliases as redirects, no Lemma kinds."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from tests.test_site_build import MKDOCS_YML, build_site

VAULT = {
    "Home.md": "# Welcome home\n\nStart with [[Getting started/First steps]].\n",
    "Getting started/First steps.md": "---\naliases: [Begin, How to/Start]\n---\n"
                                      "# First steps\n\nSee [[Deep dive]]. ^intro\n",
    "Getting started/nested Folder/Deep dive.md": "---\npermalink: dive\n---\nDeep text.\n",
    "Getting started/nested Folder/Bad link.md": "---\npermalink: ../escape\n---\nText.\n",
    "obsidian Publish/Setup.md": "Setup text linking [[Home]].\n",
    "Zebra.md": "Last note #animal.\n",
    "About tags.md": "---\npermalink: tags\n---\nThe vault's own page about tags.\n",
    "Media.md": "![[clip.ogg]]\n\n![[movie.mp4|The movie]]\n\n![[paper.pdf#page=3]]\n\n"
                "![[paper.pdf#height=400]]\n\n"
                "![[First steps#^intro]]\n",
    "Attachments/clip.ogg": b"OggS",
    "Attachments/movie.mp4": b"\x00\x00\x00\x18ftyp",
    "Attachments/paper.pdf": b"%PDF-1.4",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return build_site(tmp_path_factory.mktemp("publish"), VAULT, strict=False,
                      yml=MKDOCS_YML + "site_url: https://example.org/kb/\n")


def nav_links(page: str) -> list[str]:
    """The primary sidebar's labels in order (folder names and page titles)."""
    import re

    nav = page[page.index('md-nav--primary'): page.index('</nav>', page.index('md-nav--primary'))]
    return [re.sub(r"\s+", " ", t).strip()
            for t in re.findall(r'<span class="md-ellipsis">(.*?)</span>', nav, re.S)]


def test_home_note_is_the_root_page(site: Path) -> None:
    root = (site / "index.html").read_text(encoding="utf-8")
    assert "<h1 id=\"welcome-home\">Welcome home</h1>" in root
    assert not (site / "Home").exists()
    setup = (site / "obsidian Publish" / "Setup" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../">Home</a>' in setup  # [[Home]] links to the root


def test_navigation_is_the_folder_tree_with_own_names(site: Path) -> None:
    top = nav_links((site / "Zebra" / "index.html").read_text(encoding="utf-8"))
    assert top == ["Home", "Getting started", "obsidian Publish", "About tags", "Media", "Zebra",
                   "Tags", "Graph"]
    deep = nav_links((site / "dive" / "index.html").read_text(encoding="utf-8"))
    assert deep == ["Home", "Getting started", "nested Folder", "Bad link", "Deep dive"]


def test_permalink_and_redirect_aliases(site: Path) -> None:
    assert (site / "dive" / "index.html").is_file()
    assert not (site / "Getting started" / "nested Folder" / "Deep dive").exists()
    first = (site / "Getting started" / "First steps" / "index.html").read_text(
        encoding="utf-8")
    assert 'href="../../dive/"' in first
    redirect = (site / "How to" / "Start" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../Getting%20started/First%20steps/"' in redirect
    assert "Also called</dt> <dd>Begin</dd>" in first  # the `/` alias is not a name
    assert not (site.parent / "escape").exists()
    assert (site / "Getting started" / "nested Folder" / "Bad link" / "index.html").is_file()


def test_plain_vault_has_neutral_labels(site: Path) -> None:
    page = (site / "Getting started" / "First steps" / "index.html").read_text(encoding="utf-8")
    crumbs = page[page.index('class="lemma-card-kind"'): page.index("</nav>",
                                                                     page.index("lemma-card-kind"))]
    assert ">Home</a>" in crumbs and "Getting started" in crumbs
    backlinks = page[page.index('class="lemma-backlinks'):]
    assert "Note" not in crumbs and "lemma-chip" not in backlinks


def test_audio_video_pdf_and_block_embeds(site: Path) -> None:
    page = html.unescape((site / "Media" / "index.html").read_text(encoding="utf-8"))
    assert ('<audio class="lemma-audio" controls preload="metadata" '
            'src="../Attachments/clip.ogg" aria-label="clip.ogg"></audio>') in page
    assert 'src="../Attachments/movie.mp4" aria-label="The movie"></video>' in page
    assert '<object data="../Attachments/paper.pdf#page=3" type="application/pdf"' in page
    assert 'href="../Attachments/paper.pdf#page=3">paper.pdf</a>' in page
    assert 'aria-label="paper.pdf" style="height: 400px"></object>' in page
    title = page[page.index('class="lemma-embed-title"'):]
    assert title[: title.index("</div>")].endswith(">First steps</a>")
    assert (site / "Attachments" / "clip.ogg").read_bytes() == b"OggS"


def test_a_permalink_wins_over_a_generated_page(site: Path) -> None:
    own = (site / "tags" / "index.html").read_text(encoding="utf-8")
    assert "The vault&#x27;s own page about tags." in own or "The vault's own page" in own
    index = (site / "tags" / "_index" / "index.html").read_text(encoding="utf-8")
    assert "animal" in index
    assert 'href="../tags/_index/"' in (site / "Zebra" / "index.html").read_text(
        encoding="utf-8")
