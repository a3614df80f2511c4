"""What the reader sees of formulas, backlinks and derivations: math as words for the search
index, sentences with typeset math, derivations as written, badges in words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lemma.model import NoteKind
from lemma.site import render_derivations as rd
from lemma.site import render_notes
from lemma.site.math import prose_html
from lemma.site.tex_words import tex_text


@pytest.mark.parametrize(("latex", "words"), [
    (r"\nabla_W L", "∇_W L"),
    (r"W^\top W \propto \lambda I", "Wᵀ W ∝ λ I"),
    (r"(WW^T)^{-1}", "(WWᵀ)⁻¹"),
    (r"P = WW^{+}", "P = WW⁺"),
    (r"\operatorname{rank}W_l = k", "rank Wₗ = k"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "a b; c d"),
    (r"\alpha = \tfrac12", "α = 1/2"),
    (r"\frac{a+b}{2}\,x", "(a+b)/2 x"),
    (r"\sum_{i=1}^n w_i^2", "∑ᵢ₌₁ⁿ wᵢ²"),
    (r"\lambda_{\max}(H) \le L", "λ_max(H) ≤ L"),
    (r"W \in \mathbb{R}^{k\times d}", "W ∈ ℝ^(k× d)"),
    (r"\frac{1}{", "1/"),
], ids=["nabla", "transpose", "inverse", "pseudo-inverse", "operator", "matrix", "half",
        "fraction", "sum-and-squares", "word-subscript", "set", "unclosed"])
def test_tex_text_reads_formulas_as_words(latex, words):
    assert tex_text(latex) == words


@pytest.mark.parametrize(("text", "expected"), [
    ("rank ($\\operatorname{rank}W = k$): ok",
     'rank (<span class="arithmatex">\\(\\operatorname{rank}W = k\\)</span>): ok'),
    ("a $$x^2$$ b", 'a <span class="arithmatex">\\(x^2\\)</span> b'),
    ("…\\sum_p x = 1,$$ i.e. a frame.", "…i.e. a frame."),
    ("see $$x = 1 and more", "see …"),
    ("x^2 = 1$$ then more", "…then more"),
    ("Costs $5 and $6 & <b>", "Costs $5 and $6 &amp; &lt;b&gt;"),
    ("a stray $ sign", "a stray  sign"),
], ids=["inline", "display", "cut-at-start", "cut-at-end", "tex-before", "prices-escaped",
        "stray-dollar"])
def test_prose_html_typesets_math_and_never_shows_a_cut_formula(text, expected):
    assert prose_html(text) == expected


def test_backlinks_name_the_kind_of_their_source_and_typeset_their_math():
    links = [SimpleNamespace(source="c.md", title="C", sentence="so $W^\\top W$ holds"),
             SimpleNamespace(source="p.md", title="P", sentence="plain")]
    html = render_notes.backlinks_html(links, lambda p: p.replace(".md", "/"),
                                       {"c.md": NoteKind.CONCEPT, "p.md": NoteKind.PAPER})
    assert '<span class="lemma-chip lemma-chip-concept">Concept</span>' in html
    assert '<span class="lemma-chip lemma-chip-paper">Paper</span>' in html
    assert '<span class="arithmatex">\\(W^\\top W\\)</span>' in html
    assert "data-search-exclude" in html and 'id="lemma-linked-from"' in html


@pytest.mark.parametrize(("content", "expected"), [
    ('<h1 id="t">T</h1><p>x</p>', ('<h1 id="t">T</h1>CARD', "<p>x</p>")),
    ("<p>x</p>", ("CARD", "<p>x</p>")),
], ids=["below-own-h1", "top-without-h1"])
def test_the_card_goes_below_a_title_the_note_wrote(content, expected):
    assert render_notes.place_card("CARD", content) == expected


@pytest.mark.parametrize(("status", "method", "message", "words"), [
    ("proved", "linear_combination+matrix ring normal form", "", "proved symbolically"),
    ("verified", "random exact x15", "", "verified: equal at 15 random exact points"),
    ("numeric", "random numeric x8", "7 of 8 points agree",
     "numeric: equal at 8 random floating-point points; 7 of 8 points agree"),
    ("unchecked", "", "", "not checked"),
], ids=["proved", "verified", "numeric", "unchecked"])
def test_badges_say_the_status_in_a_word_and_how_on_hover_without_internals(status, method, message,
                                                                 words):
    assert rd.method_words(status, method, message) == words
    badge = rd.badge(status, words)
    assert badge == (f'<span class="lemma-badge lemma-badge-{status}" title="{words}">{status}'
                     f'<span class="lemma-sr">: {words}</span></span>')  # read out, not only hover


def declaration(name, kind="real", lower=None, upper=None, strict=(False, False), shape=None):
    domain = None if lower is None and upper is None else SimpleNamespace(
        lower=lower, upper=upper, lower_strict=strict[0], upper_strict=strict[1])
    return SimpleNamespace(name=name, kind=kind, value=name, domain=domain, shape=shape,
                           structure=None, arity=None)


def test_given_names_each_set_once_and_groups_names_that_share_it(monkeypatch):
    monkeypatch.setattr(rd, "tex", str)
    derivation = SimpleNamespace(hypotheses=(), declarations=(
        declaration("a"), declaration("b"), declaration("p1", lower=0, upper=1, strict=(1, 1)),
        declaration("lam", lower=0, strict=(True, False)),
        declaration("n", kind="integer", lower=1)))
    html = rd.declarations_html(derivation)
    assert r"a, b \in \mathbb{R}" in html
    assert r"p1 \in (0, 1)" in html and r"p1 \in \mathbb{R}" not in html
    assert r"lam &gt; 0" in html
    assert r"n \ge 1\ (n \in \mathbb{Z})" in html


def test_checker_prose_typesets_code_spans_and_extra_fields_are_shown():
    assert rd.code_html("declare `W.T` as `W: matrix 2x2`") == (
        'declare <span class="arithmatex">\\(W^{\\top}\\)</span> as <code>W: matrix 2x2</code>')
    link = SimpleNamespace(__dataclass_fields__={"status": 0, "side_conditions": 0,
                                                 "seconds": 0},
                           status="proved", side_conditions=["`x` != 0"], seconds=1.0)
    assert rd.extra_notes_html(link) == (
        '<span class="lemma-d-note">side conditions: '
        '<span class="arithmatex">\\(x\\)</span> != 0</span>')


def test_the_chain_shows_expressions_as_written_with_the_relation_inside():
    cell = rd._expr_cell(None, "(a + b)**2 - (a - b)**2", "=")
    assert cell == ('<span class="arithmatex lemma-display">\\[\\mathrel{=} '
                    '\\left(a + b\\right)^{2} - \\left(a - b\\right)^{2}\\]</span>')


@pytest.mark.parametrize(("tag", "path"), [
    ("ml", "tags/ml.md"),
    ("ML/Theory", "tags/ml/theory.md"),
    ("index", "tags/index-tag.md"),
    ("état civil", "tags/etat-civil.md"),
    ("c++", "tags/c-2b-2b.md"),
    ("c#", "tags/c-23.md"),
    ("ai_safety", "tags/ai_safety.md"),
], ids=["plain", "nested", "not-the-index", "accents", "plus", "hash", "underscore"])
def test_each_tag_has_its_own_page(tag, path):
    from lemma.site.tag_pages import tag_page

    assert tag_page(tag) == path


def test_a_nested_tag_counts_under_its_parent_and_both_have_pages(make_vault):
    from lemma.site.tag_pages import generate

    vault = make_vault({
        "concepts/a.md": "---\ntitle: A\ntags: [ml/theory]\n---\nx\n",
        "papers/b.md": "---\ntitle: B\ntags: [ML]\n---\nx\n",
        "takes/c.md": "---\ntitle: C\ntags: [ml/practice, ethics]\n---\nx\n"})
    pages = generate(vault)
    assert set(pages) == {"tags/index.md", "tags/ml.md", "tags/ml/theory.md",
                          "tags/ml/practice.md", "tags/ethics.md"}
    parent = pages["tags/ml.md"][1]
    assert "3 notes tagged #ml." in parent  # the shown name comes from the first note by path
    assert "Subtags: [#ml/practice](ml/practice.md), [#ml/theory](ml/theory.md)." in parent
    assert "## Papers" in parent and "[B](../papers/b.md)" in parent
    child = pages["tags/ml/theory.md"][1]
    assert "[Tags](../index.md) › [#ml](../ml.md)" in child and "1 note tagged" in child
    index = pages["tags/index.md"][1]
    assert "- [#ml](ml.md) <span class=\"lemma-meta\">3 notes</span>" in index
    assert "    - [#theory](ml/theory.md)" in index


def test_the_atom_feed_lists_dated_notes_newest_first_with_formulas_as_words(make_vault):
    import xml.dom.minidom

    from lemma.site.feed import atom

    vault = make_vault({
        "takes/old.md": "---\ntitle: Old\ndate: 2020-01-02\n---\nFirst $\\lambda > 0$ said.\n",
        "papers/p.md": "---\ntitle: P & Q\nyear: 2022\nauthors: [A. B]\n---\n## Summary\nText.\n",
        "concepts/c.md": "---\ntitle: Undated\n---\nNo date.\n"})
    text = atom(vault, {"takes/old.md": "takes/old/"}, "Site", "https://ex.org/")
    feed = xml.dom.minidom.parseString(text)
    titles = [e.getElementsByTagName("title")[0].firstChild.data
              for e in feed.getElementsByTagName("entry")]
    assert titles == ["P & Q", "Old"]  # undated notes are left out
    assert "<updated>2022-01-01T00:00:00Z</updated>" in text
    assert '<link rel="alternate" type="text/html" href="https://ex.org/takes/old/"/>' in text
    assert "<summary>First λ &gt; 0 said.</summary>" in text
    assert "<author><name>A. B</name></author>" in text
    assert atom(vault, {}, "Site") == atom(vault, {}, "Site")  # the same notes, the same bytes


@pytest.mark.parametrize(("words", "minutes"), [(0, "1 min"), (220, "1 min"), (1000, "5 min")])
def test_reading_time(words, minutes):
    assert render_notes.reading_time("word " * words) == minutes


def anchor(title, level, children=()):
    return SimpleNamespace(title=title, url="#" + title.lower().replace(" ", "-"), level=level,
                           children=list(children))


@pytest.mark.parametrize(("toc", "expected"), [
    ([anchor("T", 1, [anchor("A", 2, [anchor("A1", 3)]), anchor("B &amp; C", 2)])],
     '<li><a href="#a">A</a><ul><li><a href="#a1">A1</a></li></ul></li>'
     '<li><a href="#b-&amp;amp;-c">B &amp; C</a></li>'),
    ([anchor("A", 2), anchor("B", 2), anchor("C", 2)],
     '<li><a href="#a">A</a></li><li><a href="#b">B</a></li><li><a href="#c">C</a></li>'),
    ([anchor("T", 1, [anchor("A", 2), anchor("B", 2)])], None),
], ids=["under-the-title", "no-h1", "too-short"])
def test_phones_get_an_on_this_page_list_of_sections(toc, expected):
    from lemma.site.page_toc import phone_toc

    html = phone_toc(toc)
    if expected is None:
        assert html == ""
        return
    assert html.startswith('<details class="lemma-toc-phone" data-search-exclude><summary>'
                           "On this page <span")
    assert f'<nav aria-label="On this page"><ul>{expected}</ul></nav></details>' in html


@pytest.mark.parametrize(("name", "tex"), [
    ("g(x1, x2)", r"g\left(x_{1}, x_{2}\right)"), ("lam", r"\lambda"), ("W", "W"),
], ids=["function", "greek", "matrix"])
def test_a_counterexample_names_a_function_with_its_arguments(name, tex) -> None:
    assert rd._point_name_tex(name) == tex
