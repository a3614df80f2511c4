"""The citation part of the one link parser: Pandoc's forms are links; e-mails, code, math,
URLs, escapes and other links are not."""

from __future__ import annotations

import pytest

from lemma.links import lookup_key, parse_links
from lemma.model import Cite


def cites(text: str) -> list[tuple[str, str, str, bool, bool]]:
    """(key, prefix, suffix, bracketed, suppress_author) of each citation of `text`."""
    found = []
    for link in parse_links(text, "n.md"):
        if link.cite is not None:
            c = link.cite
            found.append((link.target, c.prefix, c.suffix, c.bracketed, c.suppress_author))
    return found


@pytest.mark.parametrize(("text", "expected"), [
    ("[@jacot2018]", [("jacot2018", "", "", True, False)]),
    ("[@jacot2018, p. 3]", [("jacot2018", "", "p. 3", True, False)]),
    ("[see @a, chap. 2; also @b]", [("a", "see", "chap. 2", True, False),
                                    ("b", "also", "", True, False)]),
    ("[@a; @b]", [("a", "", "", True, False), ("b", "", "", True, False)]),
    ("[-@jacot2018]", [("jacot2018", "", "", True, True)]),
    ("as @jacot2018 shows", [("jacot2018", "", "", False, False)]),
    ("@jacot2018 [p. 3] shows", [("jacot2018", "", "p. 3", False, False)]),
    ("ends with @jacot2018.", [("jacot2018", "", "", False, False)]),
    ("Better BibTeX @smith2020:deep-nets.", [("smith2020:deep-nets", "", "", False, False)]),
    ("braced [@{odd key.}]", []),
    ("braced [@{doe.2019}]", [("doe.2019", "", "", True, False)]),
    ("accents @müller2020 too", [("müller2020", "", "", False, False)]),
    ("over lines [see @a;\n@b]", [("a", "see", "", True, False), ("b", "", "", True, False)]),
], ids=["bracket", "locator", "prefix-suffix", "several", "suppress-author", "in-text",
        "in-text-locator", "sentence-end", "punctuation", "braced-space", "braced",
        "unicode", "two-lines"])
def test_citation_forms(text: str, expected: list) -> None:
    assert cites(text) == expected


@pytest.mark.parametrize("text", [
    "write to someone@example.org",
    "`@jacot2018` in code",
    "```\n@jacot2018\n```",
    "    @jacot2018 indented code",
    "math $@x$ and $$@y$$",
    "a URL https://social.example/@jacot2018",
    "escaped \\@jacot2018",
    "[@jacot2018](https://example.org) is a web link",
    "[x](a.md) [[@jacot2018]] is a wikilink",
    "<span data-x=\"@jacot2018\">html</span>",
    "<!-- @jacot2018 -->",
    "%% @jacot2018 %%",
    "[@jacot2018]: https://example.org a reference definition",
    "[not a citation @ all]",
    "[x@y.org]",
], ids=["email", "inline-code", "fenced", "indented", "math", "url", "escaped",
        "markdown-link", "wikilink", "html-attribute", "html-comment", "obsidian-comment",
        "link-definition", "lone-at", "address-in-brackets"])
def test_not_citations(text: str) -> None:
    assert cites(text) == []


def test_a_group_shares_its_span_and_each_key_has_its_position() -> None:
    text = "Intro.\nSee [see @a, p. 1; @b]."
    links = parse_links(text, "n.md", first_line=5)
    assert [(link.target, str(link.pos), link.raw) for link in links] == [
        ("a", "n.md:6:10", "@a, p. 1"), ("b", "n.md:6:20", "@b")]
    assert {link.cite.group_start for link in links if link.cite} == {text.index("[")}
    assert links[1].cite == Cite(11, 29, True, "", "", False)
    assert [lookup_key(link) for link in links] == ["@a", "@b"]


def test_citations_and_wikilinks_come_in_text_order() -> None:
    links = parse_links("[[Note]] then [@a] then [x](b.md) then @c", "n.md")
    assert [(link.target, link.cite is not None) for link in links] == [
        ("Note", False), ("a", True), ("b.md", False), ("c", True)]


def test_a_citation_is_never_an_attachment_and_shows_its_key() -> None:
    (link,) = parse_links("[@doe.pdf]", "n.md")
    assert not link.is_attachment and link.display == "@doe.pdf"


@pytest.mark.parametrize("text", [
    "[@a] " * 50_000,
    "[" + "@a " * 50_000,
    "[x " + "@ " * 50_000 + "]",
    "[see @a; @b] [x][ref] @c " * 20_000,
], ids=["many-groups", "unclosed-group", "many-lone-at", "mixed"])
def test_many_citations_parse_in_linear_time(text: str) -> None:
    """Quadratic work (a scan of every group per citation) would take minutes here."""
    import time

    start = time.perf_counter()
    parse_links(text, "n.md")
    assert time.perf_counter() - start < 20
