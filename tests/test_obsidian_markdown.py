"""Obsidian Markdown rewritten for the site's extensions: callouts, inline footnotes, raw HTML
regions, image sizes and unique ids — table by table."""

from __future__ import annotations

import pytest

from lemma.site.obsidian_markdown import (
    align_fences,
    convert_callouts,
    inline_footnotes,
    unique_ids,
)
from lemma.site.raw_html import raw_html_regions
from lemma.site.render_links import image_size

CALLOUTS = [
    ("titled", "> [!note] Title\n> Body", '\n!!! note "Title"\n    Body\n'),
    ("untitled", "> [!info]\n> Body", "\n!!! info\n    Body\n"),
    ("folded", "> [!tip]- Hidden\n> Body", '\n??? tip "Hidden"\n    Body\n'),
    ("open-foldable", "> [!faq]+ Open\n> Body", '\n???+ faq "Open"\n    Body\n'),
    ("case-folded-type", "> [!WARNING] Loud\n> x", '\n!!! warning "Loud"\n    x\n'),
    ("nested", "> [!note] Out\n> a\n> > [!bug] In\n> > b",
     '\n!!! note "Out"\n    a\n\n    !!! bug "In"\n        b\n\n'),
    ("blank-quote-line", "> [!note] T\n> a\n>\n> b", '\n!!! note "T"\n    a\n\n    b\n'),
    ("list-after-text", "> [!note] T\n> text\n> - item",
     '\n!!! note "T"\n    text\n\n    - item\n'),
    ("ends-at-unquoted-line", "> [!note] T\n> a\nafter", '\n!!! note "T"\n    a\n\nafter'),
    ("plain-quote-untouched", "> just a quote\n> [!note] not first", "> just a quote\n> [!note] "
                                                                        "not first"),
    ("in-code-untouched", "```\n> [!note] T\n```", "```\n> [!note] T\n```"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CALLOUTS],
                         ids=[c[0] for c in CALLOUTS])
def test_callouts_become_admonitions(text: str, expected: str) -> None:
    assert convert_callouts(text) == expected


FOOTNOTES = [
    ("one", "a^[note] b", "a[^lemma-1] b\n\n[^lemma-1]: note\n"),
    ("brackets-inside", "a^[see [x](y) and [[Z]]] b",
     "a[^lemma-1] b\n\n[^lemma-1]: see [x](y) and [[Z]]\n"),
    ("two", "a^[x] b^[y]", "a[^lemma-1] b[^lemma-2]\n\n[^lemma-1]: x\n[^lemma-2]: y\n"),
    ("in-code", "`a^[x]`", "`a^[x]`"),
    ("unclosed", "a^[x\n\nb]", "a^[x\n\nb]"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in FOOTNOTES],
                         ids=[c[0] for c in FOOTNOTES])
def test_inline_footnotes(text: str, expected: str) -> None:
    assert inline_footnotes(text) == expected


RAW_HTML = [
    ("div-block", "<div>\n[[x]]\n</div>\nafter", "[[x]]", True),
    ("after-block", "<div>\nx\n</div>\n[[y]]", "[[y]]", False),
    ("markdown-attr", '<div markdown="1">\n[[x]]\n</div>', "[[x]]", False),
    ("nested-same-tag", "<div><div>a</div>\n[[x]]\n</div>", "[[x]]", True),
    ("inline-span", "text <span>[[x]]</span>", "[[x]]", False),
    ("details", "<details>\n<summary>s</summary>\n[[x]]\n</details>", "[[x]]", True),
    ("in-code", "```\n<div>\n```\n[[x]]", "[[x]]", False),
    ("unclosed-stops-at-blank", "<div>\n[[x]]\n\n[[y]]", "[[y]]", False),
]


@pytest.mark.parametrize(("text", "needle", "raw"), [c[1:] for c in RAW_HTML],
                         ids=[c[0] for c in RAW_HTML])
def test_raw_html_regions(text: str, needle: str, raw: bool) -> None:
    assert (text.index(needle) in raw_html_regions(text)) is raw


@pytest.mark.parametrize(("label", "expected"), [
    ("100", ("", '{: width="100" }')),
    ("100x50", ("", '{: width="100" height="50" }')),
    ("A cat|300", ("A cat", '{: width="300" }')),
    ("A cat", ("A cat", "")),
    ("", ("", "")),
], ids=["width", "width-height", "alt-and-width", "alt-only", "none"])
def test_image_size(label: str, expected: tuple[str, str]) -> None:
    assert image_size(label) == expected


def test_unique_ids_renames_repeats_only() -> None:
    html = '<a id="x"></a><p id="y">t</p><a id="x"></a><a id="x_2"></a>'
    assert unique_ids(html) == '<a id="x"></a><p id="y">t</p><a id="x_2"></a><a id="x_2_2"></a>'


TAG_RENDER = [
    ("with-tags-page", "tags/index.md", "a #x/y b",
     "a [#x/y](../tags/x/y.md){: .lemma-tag .lemma-inline-tag } b"),
    ("without-tags-page", None, "a #x b", 'a <span class="lemma-tag lemma-inline-tag">#x</span> b'),
    ("raw-html", "tags/index.md", "<div>\n#x\n</div>",
     '<div>\n<a class="lemma-tag lemma-inline-tag" href="/tags/x/">#x</a>\n</div>'),
    ("heading-line-stays", "tags/index.md", "# Title", "# Title"),
]


@pytest.mark.parametrize(("page", "text", "expected"), [c[1:] for c in TAG_RENDER],
                         ids=[c[0] for c in TAG_RENDER])
def test_inline_tags_render_as_chips(make_vault, page, text: str, expected: str) -> None:
    from lemma.site.render_links import LinkRenderer

    vault = make_vault({"n/a.md": text})
    renderer = LinkRenderer(vault, lambda pos, msg: None, tags_page=page,
                            html_url=lambda target: "/" + target.removesuffix(".md") + "/")
    note = vault.notes["n/a.md"]
    assert renderer.render(note.body, note, note.body_line) == expected


FENCES = [
    ("closing-less-indented", " ```md\n> x\n```", "```md\n> x\n```"),
    ("body-keeps-extra-indent", " ```\n   a\n```", "```\n  a\n```"),
    ("already-aligned", "  ```\n  a\n  ```", "  ```\n  a\n  ```"),
    ("closing-more-indented", "```\na\n  ```", "```\na\n```"),
    ("longer-closing", "```\na\n`````", "```\na\n`````"),
    ("tilde", "   ~~~\n   a\n ~~~", " ~~~\n a\n ~~~"),
    ("inline-code-is-not-a-fence", " ```a``` b\n```", " ```a``` b\n```"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in FENCES], ids=[c[0] for c in FENCES])
def test_closing_fences_follow_their_opening(text: str, expected: str) -> None:
    assert align_fences(text) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('say \\"hi\\"', '<p>say "hi"</p>'),
    ("a \\< b \\& c", "<p>a &lt; b &amp; c</p>"),
    ("\\~\\~not struck\\~\\~ \\=\\=not marked\\=\\=", "<p>~~not struck~~ ==not marked==</p>"),
    ("keep \\a and \\\\", "<p>keep \\a and \\</p>"),
], ids=["quotes", "angle-amp", "tilde-equals", "letters-stay"])
def test_backslash_escapes_every_punctuation_character(source: str, expected: str) -> None:
    import markdown

    md = markdown.Markdown(extensions=["lemma.site.commonmark_escapes", "pymdownx.tilde",
                                       "pymdownx.mark"])
    assert md.convert(source) == expected
