"""The written form of derivation text in LaTeX (shown beside the checked objects)."""

from __future__ import annotations

import pytest

from lemma.derive.language.written import greek_abbreviations, name_tex, source_tex


@pytest.mark.parametrize(("text", "expected"), [
    ("W.T*M*W", r"W^{\top} \, M \, W"),
    ("inv(W*W.T)", r"\left(W \, W^{\top}\right)^{-1}"),
    ("a - (b - c)", r"a - \left(b - c\right)"),
    ("alpha/2", r"\frac{\alpha}{2}"),
    ("diff(g(W*h), h)", r"\frac{\partial}{\partial h} g\left(W \, h\right)"),
    ("Matrix([[1, a], [0, 1]])", r"\begin{pmatrix}1 & a \\ 0 & 1\end{pmatrix}"),
    ("f(x)[0]", None),
    ("[[0, 1], [1, 0]]", r"\begin{pmatrix}0 & 1 \\ 1 & 0\end{pmatrix}"),
    ("zeros(2, 3)", r"0_{2 \times 3}"),
    ("Integral(p**M, (p, 0, 1))", r"\int_{0}^{1} p^{M} \, dp"),
    ("Sum(1/k**2, (k, 1, oo))", r"\sum_{k = 1}^{\infty} \frac{1}{k^{2}}"),
    ("Limit(sin(x)/x, x, 0)", r"\lim_{x \to 0} \frac{\sin\left(x\right)}{x}"),
    ("binomial(n, k)*factorial(n + 1)", r"\binom{n}{k} \, \left(n + 1\right)!"),
    ("Rational(1, 3) + floor(x)", r"\frac{1}{3} + \lfloor x \rfloor"),
    ("gamma(a)*E**x", r"\Gamma\left(a\right) \, e^{x}"),
    ("second_moment - 2*tight", r"\mathrm{second\_moment} - 2 \, \mathrm{tight}"),
    # a raised base is parenthesised: TeX (and KaTeX) refuse a double superscript
    ("inv(X).T*x", r"\left(X^{-1}\right)^{\top} \, x"),
    ("W.T**2", r"\left(W^{\top}\right)^{2}"),
    ("W.T*grad(g, W*h)", r"W^{\top} \, \nabla g\left(W \, h\right)"),
    ("det(expm(A))", r"\det\left(\exp\left(A\right)\right)"),
    ("charpoly(A, t)", r"\det\left(t I - A\right)"),
    ("logm(A)", r"\log\left(A\right)"),
    ("charpoly(A + B, t)", r"\det\left(t I - \left(A + B\right)\right)"),
])
def test_source_tex_prints_matrix_notation(text, expected):
    assert source_tex(text) == expected


def test_name_tex():
    assert name_tex("W_1_2") == "W_{1 2}" and name_tex("sigma") == r"\sigma"
    assert name_tex("s1") == "s_{1}" and name_tex("lam") == r"\lambda"
    assert name_tex("fullrank") == r"\mathrm{fullrank}"  # a word is one upright name


@pytest.mark.parametrize(("latex", "expected"), [
    (r"M_{1 1} - lam \, I", r"M_{1 1} - \lambda \, I"),
    (r"lamb + \lambda + eps_{2}", r"lamb + \lambda + \epsilon_{2}"),
])
def test_greek_abbreviations_replace_whole_names_only(latex, expected):
    assert greek_abbreviations(latex) == expected


def test_unsupported_syntax_gives_none():
    assert source_tex("a +") is None
    assert source_tex("Sum(x[i]*A[i, j], (i, 1, k))") == r"\sum_{i = 1}^{k} x_{i} \, A_{i, j}"
    assert source_tex("ones(k).T*x") == r"\mathbf{1}_{k}^{\top} \, x"
