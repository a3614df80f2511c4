"""Site links to notes whose file names hold `?`, `#`, `%`, spaces; text that is not a link."""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from lemma.site.render_links import relative_url
from tests.test_site_build import build_site

FILES = {
    "index.md": "---\ntitle: Home\n---\n# Home\n\nSee [[What?]], [[What?#Part|its part]], "
                "[[C sharp]], [[100% sure]], [[a b (c)]] and "
                "![[fig 1?.png]].\n\n    [[Code link]] in an indented code block\n\n"
                "$$\n[[Math link]]\n$$\n\nInline $[[Iverson]]$ too.\n",
    "What?.md": "---\ntitle: What?\n---\n## Part\nBack to [[Home]] and [[100% sure]].\n",
    "notes/C# tips.md": "---\ntitle: C# tips\naliases: [C sharp]\n---\nSee [[What?#Part]].\n",
    "100% sure.md": "---\ntitle: 100% sure\n---\nSure about [[What?]].\n",
    "a b (c).md": "---\ntitle: a b (c)\n---\nLinks to [[C sharp]].\n",
    "fig 1?.png": b"\x89PNG\r\n\x1a\n",
}


@pytest.mark.parametrize(("source", "target", "url"), [
    ("index.md", "What?.md", "What%3F.md"),
    ("index.md", "notes/C# tips.md", "notes/C%23%20tips.md"),
    ("notes/x.md", "100% sure.md", "../100%25%20sure.md"),
    ("a/b.md", "a/plain.md", "plain.md"),
])
def test_relative_urls_are_percent_encoded(source: str, target: str, url: str) -> None:
    assert relative_url(source, target) == url


def broken_hrefs(site: Path) -> list[tuple[str, str]]:
    """(page, href) of every relative href or src in a note page that names no built file."""
    broken = []
    for page in sorted(site.rglob("index.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("graph/", "search/")):
            continue
        for url in re.findall(r'(?:href|src)="([^"#]+)(?:#[^"]*)?"', page.read_text("utf-8")):
            parts = urlsplit(url.replace("&amp;", "&"))
            if parts.scheme or parts.netloc:
                continue
            target = site / posixpath.normpath(posixpath.join(posixpath.dirname(rel),
                                                              unquote(parts.path)))
            if parts.query or not (target.is_file() or (target / "index.html").is_file()):
                broken.append((rel, url))
    return broken


@pytest.mark.slow
def test_special_file_names_get_working_links_and_non_links_stay_text(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        site = build_site(tmp_path, FILES)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    home = (site / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="lemma-wikilink[^"]*" href="([^"]*)"', home)
    assert hrefs == ["What%3F/", "What%3F/#part", "notes/C%23%20tips/", "100%25%20sure/",
                     "a%20b%20%28c%29/"]
    assert 'src="fig%201%3F.png"' in home
    assert broken_hrefs(site) == []
    assert "<code>[[Code link]] in an indented code block" in home
    assert "[[Math link]]" in home and "[[Iverson]]" in home
    assert "lemma-broken" not in home
