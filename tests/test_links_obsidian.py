"""The one parser on everyday Obsidian syntax: comments, Markdown links, inline tags, anchors."""

from __future__ import annotations

import pytest
from markdown.extensions.toc import slugify as toc_default
from pymdownx.slugs import slugify as pymdownx_slugify

from lemma.links import (
    comment_spans,
    heading_anchor,
    markdown_link_text,
    parse_headings,
    parse_links,
    scan_markdown,
    strip_comments,
)

# (id, text, expected [(target, heading, label, embed, markdown)])
MARKDOWN_LINKS = [
    ("md-file", "[x](note.md)", [("note.md", None, "x", False, True)]),
    ("percent-encoded", "[x](Note%20name)", [("Note name", None, "x", False, True)]),
    ("angle-brackets", "[x](<Note name.md#Some part>)", [("Note name.md", "Some part", "x", False,
                                                         True)]),
    ("heading-encoded", "[x](a.md#Two%20words)", [("a.md", "Two words", "x", False, True)]),
    ("same-note-heading", "[x](#Intro)", [("", "Intro", "x", False, True)]),
    ("relative", "[x](../c/n.md)", [("c/n.md", None, "x", False, True)]),
    ("dot-relative", "[x](./n.md)", [("dir/n.md", None, "x", False, True)]),
    ("image", "![alt](pic.png)", [("pic.png", None, "alt", True, True)]),
    ("with-title", '[x](n.md "Title")', [("n.md", None, "x", False, True)]),
    ("external", "[x](https://a.org/b.md) [m](mailto:a@b.c) [o](obsidian://open?x)", []),
    ("protocol-relative", "[x](//cdn.org/a.md)", []),
    ("folder-url", "[x](guide/)", []),
    ("space-is-not-a-link", "[x](Link URL)", []),
    ("in-code", "`[x](a.md)` and [y](b.md)", [("b.md", None, "y", False, True)]),
    ("in-comment", "%%[x](a.md)%% [y](b.md)", [("b.md", None, "y", False, True)]),
    ("mixed-order", "[y](b.md) [[a]]", [("b.md", None, "y", False, True),
                                        ("a", None, None, False, False)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MARKDOWN_LINKS],
                         ids=[c[0] for c in MARKDOWN_LINKS])
def test_markdown_links_are_links(text: str, expected: list[tuple]) -> None:
    found = [(k.target, k.heading, k.label, k.embed, k.markdown)
             for k in parse_links(text, "dir/n.md")]
    assert found == expected


COMMENTS = [
    ("inline", "a %%[[no]]%% [[yes]]", ["yes"]),
    ("multi-line", "a\n%%\n[[no]]\n%%\n[[yes]]", ["yes"]),
    ("unclosed-runs-to-end", "[[yes]] %% [[no]]\n\n[[no2]]", ["yes"]),
    ("in-code-is-not-a-comment", "`%%` [[yes]] `%%`", ["yes"]),
    ("fenced-percent", "```\n%%\n```\n[[yes]]", ["yes"]),
]


@pytest.mark.parametrize(("text", "targets"), [c[1:] for c in COMMENTS],
                         ids=[c[0] for c in COMMENTS])
def test_links_in_obsidian_comments_are_ignored(text: str, targets: list[str]) -> None:
    assert [k.target for k in parse_links(text)] == targets


def test_strip_comments_keeps_lines_and_code() -> None:
    text = "a %%secret%% b\n%%\nmore\nsecret\n%%\n`%%code%%` end"
    assert strip_comments(text) == "a  b\n\n\n\n\n`%%code%%` end"
    assert comment_spans("no comments") == []


TAGS = [
    ("simple", "a #tag b", ("tag",)),
    ("nested", "#project/alpha and #project", ("project/alpha", "project")),
    ("unicode", "#théorème", ("théorème",)),
    ("punctuation-ends", "(#a) #b, #c.", ("b", "c")),
    ("digits-only-is-not", "#2024 #v2", ("v2",)),
    ("heading-is-not", "# Title\n## Sub", ()),
    ("mid-word-is-not", "C#sharp a#b", ()),
    ("url-fragment-is-not", "https://a.org/#frag [x](#anchor) [[N#H]]", ()),
    ("code-is-not", "`#no`\n```\n#no\n```\n#yes", ("yes",)),
    ("comment-is-not", "%%#no%% #yes", ("yes",)),
    ("html-attribute-is-not", '<span style="color: #fff">x</span> #yes', ("yes",)),
    ("repeated-once", "#a #a", ("a",)),
]


@pytest.mark.parametrize(("text", "tags"), [c[1:] for c in TAGS], ids=[c[0] for c in TAGS])
def test_inline_tags(text: str, tags: tuple[str, ...]) -> None:
    assert scan_markdown(text).tags == tags


ANCHORS = [
    ("ascii", "Hello World", None, "hello-world"),
    ("default-drops-non-ascii", "概要", None, "_1"),
    ("default-folds-accents", "Überblick", None, "uberblick"),
    ("unicode-slugify", "Überblick", pymdownx_slugify(case="lower"), "überblick"),
    ("unicode-cjk", "概要", pymdownx_slugify(case="lower"), "概要"),
]


@pytest.mark.parametrize(("text", "slugify", "anchor"), [c[1:] for c in ANCHORS],
                         ids=[c[0] for c in ANCHORS])
def test_heading_ids_come_from_the_configured_slugify(text, slugify, anchor) -> None:
    (heading,) = parse_headings(f"## {text}\n", slugify=slugify)
    assert heading.anchor == anchor


def test_default_anchor_is_the_toc_extensions_rule() -> None:
    for text in ("Hello, World!", "A -- b", "Ça va? Oui", "x_y z"):
        assert heading_anchor(text) == toc_default(text, "-")


def test_repeated_and_empty_ids_follow_the_toc_extension() -> None:
    headings = parse_headings("## A\n## A\n## 概要\n## 日本\n## A_1\n")
    assert [h.anchor for h in headings] == ["a", "a_1", "_1", "_2", "a_2"]


REWRITES = [
    ("name-encoded", "[x](Old%20name.md)", "c/New name.md", "[x](New%20name.md)"),
    ("name-no-ext", "[x](Old%20name#H)", "c/New name.md", "[x](New%20name#H)"),
    ("path", "[x](c/Old.md)", "d/New.md", "[x](d/New.md)"),
    ("angle", "[x](<Old name.md>)", "New one.md", "[x](<New one.md>)"),
    ("relative", "[x](../c/Old.md)", "d/New.md", "[x](../d/New.md)"),
]


@pytest.mark.parametrize(("raw", "new", "expected"), [c[1:] for c in REWRITES],
                         ids=[c[0] for c in REWRITES])
def test_markdown_link_rewrite_keeps_its_form(raw: str, new: str, expected: str) -> None:
    (link,) = parse_links(raw, "src/n.md")
    assert markdown_link_text(link, new, "src/n.md") == expected
