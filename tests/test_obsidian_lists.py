"""Lists nest, number and separate as in Obsidian (CommonMark): the Markdown rewrite, and the
HTML Python-Markdown makes of it with the site's extensions."""

from __future__ import annotations

import re

import markdown
import pytest

from lemma.site.obsidian_lists import normalise_lists


def html(text: str) -> str:
    md = markdown.Markdown(extensions=["sane_lists", "pymdownx.superfences"])
    return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", " ", md.convert(normalise_lists(text))))


CASES = [
    ("two-space-bullets", "- a\n  - b\n    - c\n- d\n",
     "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"),
    ("three-space-under-number", "1. one\n   - sub\n2. two\n",
     "<ol><li>one<ul><li>sub</li></ul></li><li>two</li></ol>"),
    ("tab-indented", "- a\n\t- b\n\t\t- c\n",
     "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"),
    ("paren-markers", "Steps:\n1) first\n2) second\n",
     "<p>Steps:</p><ol><li>first</li><li>second</li></ol>"),
    ("start-number-kept", "3. three\n4. four\n", '<ol start="3"><li>three</li><li>four</li></ol>'),
    ("nested-numbers-restart", "1. a\n   1. a1\n   2. a2\n2. b\n",
     "<ol><li>a<ol><li>a1</li><li>a2</li></ol></li><li>b</li></ol>"),
    ("one-space-is-sibling", "- a\n - b\n", "<ul><li>a</li><li>b</li></ul>"),
    ("lazy-continuation", "- a\nmore\n- b\n", "<ul><li>a more</li><li>b</li></ul>"),
    ("heading-ends-list", "- a\n# H\n", '<ul><li>a</li></ul><h1>H</h1>'),
    ("paragraph-after-blank-ends-list", "- a\n\nText\n", "<ul><li>a</li></ul><p>Text</p>"),
    ("continuation-paragraph", "- a\n\n  more\n- b\n",
     "<ul><li><p>a</p><p>more</p></li><li><p>b</p></li></ul>"),
    ("rule-is-not-item", "* * *\n", "<hr />"),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_lists_render_as_obsidian_shows_them(source: str, expected: str) -> None:
    assert html(source) == expected


def test_fenced_code_inside_a_nested_item_moves_with_it() -> None:
    source = "- a\n  - b\n    ```py\n    x = 1\n      y\n    ```\n"
    out = normalise_lists(source)
    assert out == "- a\n    - b\n        ```py\n        x = 1\n          y\n        ```\n"


def test_code_and_text_outside_lists_unchanged() -> None:
    text = "Para\n\n    indented code\n\n```\n- not a list\n  - no\n```\n"
    assert normalise_lists(text) == text


def test_deep_nesting_is_capped_and_linear() -> None:
    import time

    text = "".join(" " * (2 * i) + "- x\n" for i in range(2000))
    start = time.perf_counter()
    out = normalise_lists(text)
    assert time.perf_counter() - start < 2.0
    widths = {len(line) - len(line.lstrip(" ")) for line in out.split("\n") if line}
    assert max(widths) == 4 * 15
