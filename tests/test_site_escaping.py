"""Text from a note never escapes the attribute or element Lemma writes it into: quotes, `<`,
`>`, `&` and `javascript:` fed through every kind of link, embed, title, alias and tag, and each
page read back with an HTML parser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_site_build import MKDOCS_YML, build_site

#: The payload: a quote of each kind, a would-be element, an entity and a script URL.
P = """q"'<xss>&amp;"""
JS = "javascript:alert(1)"

VAULT = {
    "Target.md": f"---\ntitle: {json.dumps('Target ' + P)}\n"
                 f"aliases: [{json.dumps('Alias ' + P)}, {json.dumps(JS)}]\n"
                 f"tags: [good, {json.dumps('bad ' + P)}]\n---\n# Target\n\n## Head\n\n"
                 "A block. ^blk\n",
    "Host.md": (
        f"---\ntitle: {json.dumps('Host ' + P)}\n---\n# Host\n\n"
        f"Broken [[Missing {P}]] and [[Missing {P}|label {P}]] and [[{JS}]].\n\n"
        f"Markdown broken [lab {P}](Missing%22.md) and [Custom name](Example.md).\n\n"
        f"Good [[Target|shown {P}]] and [md q\"'&amp;](Target.md) and [[Target#Nope {P}]].\n\n"
        f"Script [click]({JS}) and [[Target|{JS}]] and <{JS}>.\n\n"
        f"Tagged #ok-tag and #a&b.\n\n"
        f"![[Target|embed {P}]]\n\n![[Target#^blk]]\n\n![[pic.png|alt {P}|10]]\n\n"
        f"![[missing {P}.png]]\n\n![[clip.mp3]]\n\n"
        f"> [!note] Callout q\"'&amp; (Markdown, as in Obsidian)\n> Body [[Missing {P}]].\n\n"
        f"| a | b |\n|---|---|\n| [[Missing {P}]] | [[Target\\|t {P}]] |\n\n"
        f'<div class="box">\nRaw [[Missing {P}]] and [[Target|x {P}]] and ![[pic.png|q {P}]]\n'
        f"and #rawtag.\n</div>\n"
    ),
    "pic.png": b"\x89PNG\r\n\x1a\n",
    "clip.mp3": b"ID3",
}

#: Every attribute a page of this vault may carry; a payload breaking out of a value shows up
#: as an attribute outside this list (or as an <xss> element).
KNOWN_ATTRS = re.compile(
    r"^(?:class|id|href|src|title|alt|width|height|rel|lang|charset|name|content|type|for|"
    r"role|tabindex|hidden|checked|disabled|open|controls|preload|loading|datetime|min|max|"
    r"value|label|method|action|autocapitalize|autocomplete|autocorrect|spellcheck|"
    r"placeholder|required|target|viewbox|xmlns|d|fill|stroke|aria-[a-z-]+|data-[a-z-]+|"
    r"media|async|defer|style|accesskey|dir|sizes|property|crossorigin|integrity|"
    r"focusable|tooltip|translate|referrerpolicy|srcset|draggable|novalidate)$")


class Attributes(HTMLParser):
    """Every element and attribute of a page, with attribute values decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[self.stack.index(tag):]

    def handle_data(self, data: str) -> None:
        if "script" not in self.stack:  # JSON data of the graph view is not page text
            self.text.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("escaping"), VAULT, strict=False,
                      yml=MKDOCS_YML + "site_url: https://example.org/kb/\n")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parsed(path: Path) -> Attributes:
    parser = Attributes()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_no_payload_becomes_an_element_or_an_attribute(site: Path) -> None:
    bad = []
    for path in pages(site):
        for tag, attrs in parsed(path).elements:
            if tag == "xss":
                bad.append(f"{path.relative_to(site)}: <xss> element")
            bad += [f"{path.relative_to(site)}: <{tag} {name}=...>" for name, _ in attrs
                    if not KNOWN_ATTRS.match(name)]
    assert bad == []


def test_no_attribute_holds_markup_and_no_url_runs_script(site: Path) -> None:
    bad = []
    for path in pages(site):
        for tag, attrs in parsed(path).elements:
            for name, value in attrs:
                value = value or ""
                where = f"{path.relative_to(site)}: <{tag} {name}={value[:60]!r}>"
                if name in ("href", "src", "action", "data") and re.match(
                        r"\s*(?:javascript|vbscript|data):", value.replace("\t", ""), re.I):
                    bad.append(where)
                if "href=" in value or "</" in value:
                    bad.append(where)  # Markdown or HTML was processed inside the value
    assert bad == []


def test_the_payload_reaches_attributes_and_text_verbatim(site: Path) -> None:
    page = parsed(site / "Host" / "index.html")
    elements, text = page.elements, "".join(page.text)
    titles = [v for _, attrs in elements for n, v in attrs if n == "title" and v]
    assert any(f"no note named 'Missing {P}'" in t for t in titles)
    targets = [v for _, attrs in elements for n, v in attrs if n == "data-target"]
    assert "[Custom name](Example.md)" in targets
    assert f"[[Missing {P}|label {P}]]" in targets
    assert f"label {P}" in text and f"Host {P}" in text
    alts = [v for tag, attrs in elements if tag == "img" for n, v in attrs if n == "alt"]
    assert f"alt {P}" in alts and f"q {P}" in alts


def test_titles_aliases_and_tags_are_text(site: Path) -> None:
    target = parsed(site / "Target" / "index.html")
    assert all(tag != "xss" for tag, _ in target.elements)
    text = "".join(target.text)
    assert f"Alias {P}" in text and f"Target {P}" in text and f"#bad {P}" in text
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<xss>" not in feed
