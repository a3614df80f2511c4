"""KaTeX's fonts cut to the characters the site's formulas show: nothing a formula draws is lost."""

from __future__ import annotations

import io
import re

import pytest
from fontTools.ttLib import TTFont

from lemma.site import katex_fonts
from lemma.site.typeset import Typesetter
from tests.test_site_build import build_site


def cmap(data: bytes) -> set[str]:
    return {chr(c) for c in TTFont(io.BytesIO(data)).getBestCmap()}


def test_glyphs_come_from_the_drawn_html_not_the_mathml_or_the_tex() -> None:
    html, error = Typesetter().render(r"\mathbb{R} \ni \alpha \text{ if } x", False)
    assert error is None
    glyphs = katex_fonts.formula_glyphs(html)
    assert {"R", "∋", "α", "i", "f", "x"} <= glyphs  # KaTeX draws ℝ as an R in its AMS font
    assert not {"\\", "{", '"', "="} & glyphs  # neither the TeX annotation nor the markup
    assert katex_fonts.formula_glyphs('<span class="katex-error">\\x</span>') == set()


def test_a_subset_keeps_the_characters_asked_for_and_drops_the_rest(tmp_path) -> None:
    fonts = katex_fonts.subset_fonts({"x", "α", "R"}, tmp_path)
    main = katex_fonts.FONTS / "KaTeX_Main-Regular.woff2"
    before, after = cmap(main.read_bytes()), cmap(fonts[main.name])
    assert {"x", "α"} & before <= after and "q" in before and "q" not in after
    assert "R" in cmap(fonts["KaTeX_AMS-Regular.woff2"])
    assert len(fonts[main.name]) < main.stat().st_size / 2
    assert set(fonts) == {p.name for p in katex_fonts.FONTS.glob("*.woff2")}
    again = katex_fonts.subset_fonts({"x", "α", "R"}, None)  # computed afresh, not cached
    assert again == fonts  # byte-identical: the build stays reproducible
    assert len(list(tmp_path.iterdir())) == len(fonts)


def test_a_cached_subset_is_used_as_it_is(tmp_path) -> None:
    katex_fonts.subset_fonts({"y"}, tmp_path)
    cached = sorted(tmp_path.iterdir())[0]
    cached.write_bytes(b"marker")
    name = re.sub(r"-[0-9a-f]{24}\.woff2$", ".woff2", cached.name)
    assert katex_fonts.subset_fonts({"y"}, tmp_path)[name] == b"marker"


def test_no_formula_leaves_the_fonts_whole() -> None:
    assert katex_fonts.subset_fonts(set(), None) == {}


def test_each_build_counts_only_its_own_formulas() -> None:
    typesetter = Typesetter()
    typesetter.render(r"\mathbb{Q}", False)
    first = typesetter.take_font_use()
    typesetter.render("x", False)
    typesetter.render("x", False)  # from the cache: still this build's
    glyphs, classes = typesetter.take_font_use()
    assert "Q" in first[0] and "Q" not in glyphs and "x" in glyphs
    assert katex_fonts.used_fonts(classes) == {"KaTeX_Main-Regular.woff2",
                                               "KaTeX_Math-Italic.woff2"}
    assert typesetter.take_font_use() == (set(), set())
    assert {"Q", "x"} <= typesetter.take_font_use(everything=True)[0]  # a partial rebuild


@pytest.fixture
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_built_site_fonts_hold_every_character_its_formulas_draw(tmp_path, _epoch) -> None:
    notes = {"a.md": "# A\n\n$\\mathbb{R}^n \\ni \\nabla f$ and $$\\sum_{i} \\left( \\frac{x_i}"
                     "{\\lambda} \\right)$$\n",
             "b.md": "# B\n\nText only, with é and ✓.\n"}
    site = build_site(tmp_path / "p", notes)
    page = (site / "a/index.html").read_text(encoding="utf-8")
    drawn = set()
    for part in page.split("<lemma-math")[1:]:
        drawn |= katex_fonts.formula_glyphs(part.split("</lemma-math>")[0])
    assert {"R", "∇", "λ", "∑"} <= drawn
    published = site / katex_fonts.SITE_FONTS
    cut = set()
    for font in katex_fonts.FONTS.glob("*.woff2"):
        had, has = cmap(font.read_bytes()), cmap((published / font.name).read_bytes())
        assert drawn & had <= has, font.name
        if has != had:
            cut.add(font.name)
            assert "q" not in has  # neither prose nor unused letters are kept
    # the fonts these formulas use are cut, the others are published whole
    # (Size2: the displayed sum and the parentheses around a fraction)
    assert cut == {"KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2",
                   "KaTeX_AMS-Regular.woff2", "KaTeX_Size2-Regular.woff2"}


@pytest.mark.parametrize("tex, fonts", [
    ("x + 1", {"Main-Regular", "Math-Italic"}),
    (r"\mathbb{R}", {"Main-Regular", "AMS-Regular"}),
    (r"\mathbf{W} \boldsymbol{\alpha}", {"Main-Regular", "Main-Bold", "Math-BoldItalic"}),
    (r"\textit{a} \mathcal{C}", {"Main-Regular", "Main-Italic", "Caligraphic-Regular"}),
    (r"\displaystyle\sum_i \Bigg(", {"Main-Regular", "Math-Italic", "Size2-Regular",
                                       "Size4-Regular"}),
], ids=["letters", "blackboard", "bold", "italic-text-and-calligraphic", "big-operators"])
def test_the_fonts_used_are_read_from_the_classes_and_katex_css(tex, fonts) -> None:
    typesetter = Typesetter()
    typesetter.render(tex, False)
    assert katex_fonts.used_fonts(typesetter.take_font_use()[1]) == {
        f"KaTeX_{f}.woff2" for f in fonts}


def test_a_dirty_rebuild_keeps_the_glyphs_of_pages_it_did_not_render(tmp_path, _epoch) -> None:
    import os
    import time

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from tests.conftest import write_files

    yml = ("site_name: D\ndocs_dir: notes\nsite_dir: site\n"
           "plugins:\n  - lemma:\n      check: false\n")
    live = write_files(tmp_path / "live", {
        "mkdocs.yml": yml, "notes/a.md": "# A\n\n$q$ here.\n",
        "notes/b.md": "# B\n\n$x$ there.\n"})
    here = os.getcwd()
    try:
        os.chdir(live)
        build(load_config("mkdocs.yml"))
        time.sleep(0.02)
        write_files(live / "notes", {"b.md": "# B\n\n$y$ there now.\n"})
        build(load_config("mkdocs.yml"), dirty=True)  # renders b only; a keeps its q
    finally:
        os.chdir(here)
    fonts = live / "site" / katex_fonts.SITE_FONTS
    assert {"q", "y"} <= cmap((fonts / "KaTeX_Math-Italic.woff2").read_bytes())
