"""Declared names shown as the author writes them in the declaration's comment (`# W⁺`)."""

from __future__ import annotations

import pytest

from lemma.derive.language.parse import parse_note
from lemma.site.render_derivations import derivation_html
from lemma.site.written_names import apply_forms, symbol_tex, written_forms


@pytest.mark.parametrize(("symbol", "tex"), [
    ("W⁺", "W^{+}"), ("A⁻¹", "A^{-1}"), ("Wᵀ", r"W^{\top}"), ("λ₁", r"\lambda_{1}"),
    ("Xᵢⱼ", "X_{ij}"), ("x̂", r"\hat{x}"), ("Ŵᵀ", r"\hat{W}^{\top}"), ("Σ", r"\Sigma"),
    ("W", None), ("the", None), ("≥", None), ("e.g.", None), ("W⁺x", None),
], ids=["plus", "inverse", "transpose", "greek-sub", "two-subs", "hat", "hat-transpose",
        "capital-greek", "plain-letter", "word", "relation", "abbreviation", "trailing-letter"])
def test_a_symbol_is_a_letter_with_marks(symbol, tex) -> None:
    assert symbol_tex(symbol) == tex


BLOCK = """```derivation id=proj
title: P = W W⁺ is idempotent
given:
  k, d: integer >= 1     # Σ is not taken: two names share this line
  W: matrix k x d
  Wp: matrix d x k       # W⁺, e.g. the pseudo-inverse
  S: matrix k x k        # $\\Sigma$ the covariance
  c: real                # the scale
assume:
  penrose: W*Wp*W == W     # W⁺ here is no declaration
calc:
     (W*Wp)*(W*Wp)
  =  (W*Wp*W)*Wp         # associativity
  =  W*Wp                # linear_combination(penrose*Wp)
```
"""


def test_forms_come_from_single_name_declarations_only() -> None:
    assert written_forms(BLOCK) == {"Wp": "W^{+}", "S": r"\Sigma"}


def test_the_rendered_block_shows_the_written_form_and_keeps_the_source() -> None:
    [derivation], problems = parse_note(BLOCK, "n.md")
    assert problems == []
    html = derivation_html(derivation, None)
    body, source = html.split('class="lemma-d-source"')
    assert r"{W^{+}} \in \mathbb{R}^{d\times k}" in body
    assert r"W \, {W^{+}} \, W = W" in body  # the hypothesis, as written
    assert r"\mathrm{Wp}" not in body and "Wp" not in body.replace("penrose", "")
    assert "Wp: matrix d x k" in source  # the source as the author wrote it


def test_only_formulas_change_and_a_transpose_stacks_on_the_form() -> None:
    html = (r'<span class="arithmatex">\(\mathrm{Wp}^{\top} W + Wp_{1}\)</span>'
            " Wp in prose")
    assert apply_forms(html, {"Wp": "W^{+}"}) == (
        r'<span class="arithmatex">\({W^{+}}^{\top} W + Wp_{1}\)</span> Wp in prose')



FUNCTIONS = """
```derivation id=chain
given:
  k, d: integer >= 1
  W: matrix k x d
  h: matrix d x 1
  g: function k
  f: function 2
calc:
     diff(g(W*h), h)
  =  W.T*grad(g, W*h)
```
"""


def test_a_function_of_a_vector_takes_its_size_and_its_gradient_reads_nabla() -> None:
    [derivation], problems = parse_note(FUNCTIONS, "n.md")
    assert problems == []
    html = derivation_html(derivation, None)
    assert r"g : \mathbb{R}^{k} \to \mathbb{R}" in html  # not R^1: g takes a k-vector
    assert r"f : \mathbb{R}^{2} \to \mathbb{R}" in html
    assert r"\nabla g\left(W \, h\right)" in html
