"""Math typeset when the site is built: KaTeX's HTML in the page, its words for the index,
bad TeX reported at its line, and `<` in `$…$` kept away from Python-Markdown's HTML reader."""

from __future__ import annotations

import re

import pytest

from lemma.site.math import guard_math_brackets
from lemma.site.typeset import Typesetter, source_line, typeset_html


@pytest.fixture(scope="module")
def typesetter():
    t = Typesetter()
    yield t
    t.close()


@pytest.mark.parametrize(("html", "display", "words"), [
    ('<span class="arithmatex">\\(\\lambda &lt; 1\\)</span>', False, "λ &lt; 1"),
    ('<div class="arithmatex">\\[a = b\\]</div>', True, "a = b"),
    ('<span class="arithmatex lemma-display">\\&#91;x_i\\&#93;</span>', True, "xᵢ"),
    ('<div class="arithmatex">\\begin{align}x &amp;= 1\\end{align}</div>', True, "x = 1"),
], ids=["inline", "display", "derivation-entities", "environment"])
def test_formulas_become_katex_html_with_their_words_beside(typesetter, html, display, words):
    out = typeset_html(f"<p>A {html} b</p>", typesetter)
    shown = re.search(r"<lemma-math data-search-exclude>(.*?)</lemma-math>", out, re.S)
    assert shown is not None
    assert shown.group(1).startswith('<span class="katex-display">' if display
                                     else '<span class="katex">')
    assert "\\(" not in out and "\\[" not in out and "&#91;" not in out
    assert out.endswith(f'<span class="lemma-search-text" hidden>{words}</span> b</p>')


def test_a_page_without_math_is_returned_as_is(typesetter):
    assert typeset_html("<p>no math</p>", typesetter) == "<p>no math</p>"


def test_bad_tex_is_reported_and_shown_as_katex_shows_errors(typesetter):
    reported = []
    out = typeset_html('<span class="arithmatex">\\(\\frac{1}{\\)</span>', typesetter,
                       lambda tex, error: reported.append((tex, error)))
    assert reported == [("\\frac{1}{", "KaTeX parse error: Unexpected end of input in a macro "
                         "argument, expected '}' at end of input: \\frac{1}{")]
    assert 'class="katex-error"' in out


@pytest.mark.parametrize("latex", [r"\href{javascript:alert(1)}{x}", r"\url{http://x.org}",
                                   r"\htmlClass{x}{y}"], ids=["href", "url", "html-extension"])
def test_untrusted_commands_make_no_link_and_no_markup(typesetter, latex):
    out, _ = typesetter.render(latex, False)
    assert "<a " not in out and "javascript:" not in out.replace("\\href{javascript:", "")
    assert 'class="x"' not in out


def test_a_macro_loop_stops_with_an_error(typesetter):
    _, error = typesetter.render(r"\def\a{\a}\a", False)
    assert error is not None and "Too many expansions" in error


def test_each_formula_is_typeset_once_and_the_same_in_a_fresh_v8():
    class Counting(Typesetter):
        calls = 0

        def _render(self, latex, display):
            Counting.calls += 1
            return super()._render(latex, display)

    first = Counting()
    page = '<span class="arithmatex">\\(W^\\top W\\)</span>' * 3
    out = typeset_html(page, first)
    assert Counting.calls == 1
    second = Typesetter()
    assert typeset_html(page, second) == out  # deterministic across processes' V8 contexts
    first.close()
    second.close()


@pytest.mark.parametrize(("markdown", "expected"), [
    ("and $0<x\\le1$ text", "and $0\\lt x\\le1$ text"),
    ("$$a<b$$", "$$a\\lt b$$"),
    ("`$a<b$` and <b>bold</b>", "`$a<b$` and <b>bold</b>"),
    ("costs $5 < $6", "costs $5 < $6"),
    ("```\n$a<b$\n```\n", "```\n$a<b$\n```\n"),
], ids=["inline", "display", "code-and-html", "prices", "fenced"])
def test_a_less_than_sign_in_math_is_written_as_tex(markdown, expected):
    assert guard_math_brackets(markdown) == expected


@pytest.mark.parametrize(("latex", "line"), [("x^2", 12), ("y", 14), ("z", 12)],
                         ids=["first-line", "later-line", "not-found-the-first-line"])
def test_a_formula_is_found_at_its_line(latex, line):
    assert source_line("$x^2$ a\nb\nc $y$ d", 12, latex) == line


def test_a_derivation_after_a_formula_with_less_than_is_typeset(tmp_path):
    from tests.test_site_build import GOOD, build_site

    note = ("---\ntitle: Update\n---\nFor $0<x\\le1$ the update holds:\n\n"
            "```derivation id=upd\ntitle: Scaling\ngiven:\n  x: real\ncalc:\n"
            "     2*x - x\n  =  x\n```\n")
    page = (build_site(tmp_path / "p", {**GOOD, "concepts/upd.md": note})
            / "concepts/upd/index.html").read_text()
    assert page.count('class="arithmatex') == page.count("<lemma-math ")  # none nested
    assert "katex-error" not in page and "\\(" not in page
    assert '<div class="lemma-derivation" id="upd">' in page
