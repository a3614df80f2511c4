"""The functions papers use (Piecewise, Heaviside, sigmoid, Max/Min by cases, ...), Greek and
`lambda` names, `@`, and messages in the derivation language rather than sympy's.

Like test_derive_soundness: every invalid block has a valid twin that differs by the fact that
makes it true, so a checker that rejects everything fails here too.
"""

from __future__ import annotations

import pytest
import sympy

from lemma.derive.language import printing
from lemma.derive.language.functions import Heaviside
from lemma.derive.language.parse import find_blocks, parse_block
from lemma.derive.proof.cases import split
from lemma.derive.running.check import check_derivation
from lemma.derive.running.results import PASSING, DerivationResult, LinkResult


def verdict(body: str, time_box: float = 8.0) -> DerivationResult:
    text = f"```derivation id=f\n{body.strip()}\n```\n"
    return check_derivation(parse_block(find_blocks(text, "f.md")[0]), time_box=time_box)


def first_link(body: str) -> LinkResult:
    return verdict(body).links[0]


#: (id, invalid block, its valid twin)
CASES = [
    ("heaviside-is-one-half-at-zero",
     "given:\n  x: real\ncalc:\n  Heaviside(x)**2\n  = Heaviside(x)",
     "given:\n  x: real\ncalc:\n  Heaviside(x, 0)**2\n  = Heaviside(x, 0)"),
    ("heaviside-symmetry-needs-the-half",
     "given:\n  x: real\ncalc:\n  Heaviside(x, 0) + Heaviside(-x, 0)\n  = 1",
     "given:\n  x: real\ncalc:\n  Heaviside(x) + Heaviside(-x)\n  = 1"),
    ("piecewise-branch-has-its-own-condition",
     "given:\n  x: real\ncalc:\n  Piecewise((sqrt(x - 1)**2, x > 0), (0, True))\n"
     "  = Piecewise((x - 1, x > 0), (0, True))",
     "given:\n  x: real\ncalc:\n  Piecewise((sqrt(x - 1)**2, x >= 1), (0, True))\n"
     "  = Piecewise((x - 1, x >= 1), (0, True))"),
    ("piecewise-value-at-the-seam",
     "given:\n  x: real\ncalc:\n  Piecewise((x, x > 0), (0, True))\n"
     "  = Piecewise((x, x > 0), (1, True))",
     "given:\n  x: real\ncalc:\n  Piecewise((x, x > 0), (0, True))\n  = Max(x, 0)"),
    ("max-minus-min",
     "given:\n  a, b: real\ncalc:\n  Max(a, b) - Min(a, b)\n  = a - b",
     "given:\n  a, b: real\ncalc:\n  Max(a, b) - Min(a, b)\n  = Abs(a - b)"),
    ("max-is-not-strictly-above",
     "given:\n  a, b: real\ncalc:\n  Max(a, b)\n  > a",
     "given:\n  a, b: real\ncalc:\n  Max(a, b)\n  >= a"),
    ("sigmoid-is-not-even",
     "given:\n  x: real\ncalc:\n  sigmoid(-x)\n  = sigmoid(x)",
     "given:\n  x: real\ncalc:\n  sigmoid(-x)\n  = 1 - sigmoid(x)"),
    ("softplus-derivative",
     "given:\n  x: real\ncalc:\n  diff(softplus(x), x)\n  = sigmoid(-x)",
     "given:\n  x: real\ncalc:\n  diff(softplus(x), x)\n  = sigmoid(x)"),
    ("cross-entropy-gradient-sign",
     "given:\n  x, y: real\ncalc:\n  diff(-y*log(sigmoid(x)) - (1 - y)*log(1 - sigmoid(x)), x)\n"
     "  = y - sigmoid(x)",
     "given:\n  x, y: real\ncalc:\n  diff(-y*log(sigmoid(x)) - (1 - y)*log(1 - sigmoid(x)), x)\n"
     "  = sigmoid(x) - y"),
    ("erf-is-odd",
     "given:\n  x: real\ncalc:\n  erf(-x)\n  = erf(x)",
     "given:\n  x: real\ncalc:\n  erf(-x)\n  = -erf(x)"),
    ("conjugate-of-a-product",
     "given:\n  z, w: complex\ncalc:\n  conjugate(z*w)\n  = conjugate(z)*w",
     "given:\n  z, w: complex\ncalc:\n  conjugate(z*w)\n  = conjugate(z)*conjugate(w)"),
    ("re-is-not-abs",
     "given:\n  z: complex\ncalc:\n  re(z)**2\n  = Abs(z)**2",
     "given:\n  z: complex\ncalc:\n  re(z)**2 + im(z)**2\n  = Abs(z)**2"),
    ("greek-and-lambda-names",
     "given:\n  λ, σ: real > 0\n  lambda: real\ncalc:\n  λ*σ/σ + lambda\n  = σ + lambda",
     "given:\n  λ, σ: real > 0\n  lambda: real\ncalc:\n  λ*σ/σ + lambda\n  = λ + lambda"),
    ("matmul-order",
     "given:\n  A, B: matrix 2x2\ncalc:\n  (A @ B).T\n  = A.T @ B.T",
     "given:\n  A, B: matrix 2x2\ncalc:\n  (A @ B).T\n  = B.T @ A.T"),
]


@pytest.mark.parametrize(("invalid", "valid"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_false_derivation_is_never_valid_and_its_twin_is(invalid: str, valid: str) -> None:
    bad = verdict(invalid)
    assert bad.verdict == "invalid", [(x.status, x.method, x.message) for x in bad.links]
    good = verdict(valid)
    assert good.verdict in PASSING, [(x.status, x.method, x.message) for x in good.links]


@pytest.mark.parametrize(("body", "method"), [
    ("given:\n  a, b: real\ncalc:\n  Max(a, b) + Min(a, b)\n  = a + b", "doit+cases"),
    ("given:\n  a, b: real\ncalc:\n  Max(a, b)\n  = (a + b + Abs(a - b))/2", "doit+cases"),
    ("given:\n  a, b, c: real\ncalc:\n  Max(a, b, c)\n  >= Min(a, c)",
     "sign from the declarations"),
    ("given:\n  x: real\ncalc:\n  Heaviside(x) + Heaviside(-x)\n  = 1", "doit+cases"),
    ("given:\n  x: real\ncalc:\n  Piecewise((x, x > 0), (0, True))\n  = (x + Abs(x))/2",
     "doit+cases"),
    ("given:\n  p1, p2, q1, q2: real in (0, 1)\ncalc:\n"
     "  Min(p1, q1) + Min(p2, q2) + Min(1 - p1 - p2, 1 - q1 - q2)\n"
     "  = 1 - (Abs(p1 - q1) + Abs(p2 - q2) + Abs(p1 + p2 - q1 - q2))/2", "doit+cases"),
], ids=["max-plus-min", "max-by-abs", "max-above-min", "heaviside-symmetric", "relu-by-abs",
        "overlap-is-one-minus-total-variation"])
def test_max_min_piecewise_are_proved_by_cases(body: str, method: str) -> None:
    link = first_link(body)
    assert (link.status, link.method) == ("proved", method), link.message


def test_a_cancellation_far_out_is_not_a_counterexample() -> None:
    # at x = 600, 1 - sigmoid(x) is exp(-600)/(1 + exp(-600)): floating evaluation loses it
    link = first_link("given:\n  x, y: real\ncalc:\n"
                      "  diff(-y*log(sigmoid(x)) - (1 - y)*log(1 - sigmoid(x)), x)\n"
                      "  = sigmoid(x) - y")
    assert (link.status, link.method) == ("proved", "doit+cancel")
    assert "exact" in link.message


def test_a_branch_condition_holds_only_where_the_branch_is_taken() -> None:
    # 1/x is taken only where x != 0: proved, not "undefined at x = 0"
    link = first_link("given:\n  x: real\ncalc:\n  Piecewise((sin(x)/x, x != 0), (1, True))\n"
                      "  = Piecewise((sin(x)/x, x != 0), (1, True))")
    assert link.status == "proved"
    failed = first_link("given:\n  x: real\ncalc:\n  Piecewise((1/(x - 1), x > 0), (0, True))\n"
                        "  = 0")
    assert (failed.status, failed.counterexample) == ("failed", {"x": "1"})
    assert failed.message == "undefined here: x - 1 != 0 where x > 0 fails"
    assert failed.lhs_value == "undefined"


def test_cases_cover_every_point() -> None:
    a, b = sympy.symbols("a b", real=True)
    cases = split(sympy.Max(a, b) - a)
    assert cases is not None and len(cases) == 2
    assert sorted(str(sympy.simplify(c)) for c in cases) == ["0", "_t"]
    assert split(a + b) is None


@pytest.mark.parametrize(("value", "shown"), [
    (sympy.Limit(sympy.sin(sympy.Symbol("x")) / sympy.Symbol("x"), sympy.Symbol("x"), 0,
                 dir="+-"), "Limit(sin(x)/x, x, 0)"),
    (sympy.Limit(1 / sympy.Symbol("x"), sympy.Symbol("x"), 0, dir="+"), 'Limit(1/x, x, 0, "+")'),
    (sympy.zoo, "undefined"),
    (sympy.Heaviside(sympy.Symbol("x")), "Heaviside(x)"),
    (sympy.Heaviside(sympy.Symbol("x"), 0), "Heaviside(x, 0)"),
], ids=["two-sided-limit", "one-sided-limit", "complex-infinity", "heaviside", "heaviside-h0"])
def test_values_are_printed_in_the_derivation_language(value: object, shown: str) -> None:
    assert printing.text(value) == shown


def test_heaviside_is_set_as_h_not_theta() -> None:
    x = sympy.Symbol("x", real=True)
    assert sympy.latex(Heaviside(x) ** 2) == r"H^{2}\left(x\right)"
    assert sympy.latex(Heaviside(x, 0)) == r"H\left(x, 0\right)"


def test_an_irrational_counterexample_has_its_decimal() -> None:
    link = first_link("given:\n  x: real\ncalc:\n  (x**2 - 2)/(x**2 - 2)\n  = 1")
    assert link.counterexample == {"x": "-sqrt(2) ≈ -1.41421356237"}


def test_a_failed_limit_link_prints_no_sympy_internals() -> None:
    link = first_link("given:\n  x: real\ncalc:\n  Limit(sin(x)/x, x, 0)\n  = 2")
    assert link.status == "failed"
    assert link.residual == "-2 + Limit(sin(x)/x, x, 0)"
    assert "dir=" not in link.residual


def test_a_failed_check_shows_decimals() -> None:
    result = verdict("given:\n  x: real > 0\ncalc:\n  sqrt(x)\n  = sqrt(x)\ncheck:\n  x=2 => 3/2")
    assert result.checks[0].message == "expected 3/2, got sqrt(2) ≈ 1.41421356237"


def test_greek_and_lambda_names_work_in_every_section() -> None:
    result = verdict("given:\n  lambda: real\n  Σ: matrix 2x2 symmetric\n  θ: real in (0, 1)\n"
                     "assume:\n  h: lambda*θ == 1\n"
                     "calc:\n  lambda*θ*Σ\n  = Σ   # linear_combination(h*Σ)\n"
                     "check:\n  lambda=2, θ=1/2, Σ=eye(2) => Matrix([[1, 0], [0, 1]])")
    assert result.verdict in PASSING, [(x.status, x.message) for x in result.links]
    assert result.links[0].lhs_text == "lambda*θ*Σ"


@pytest.mark.parametrize("text", ["lambda x: x", "(lambda: 1)()", "lambda*(lambda q: q)"],
                         ids=["lambda-expression", "called-lambda", "nested-lambda"])
def test_lambda_the_name_never_makes_lambda_the_expression(text: str) -> None:
    with pytest.raises(Exception) as err:
        verdict(f"given:\n  lambda, x: real\ncalc:\n  {text}\n  = x")
    assert "lambda expressions are not allowed" in str(err.value)


@pytest.mark.parametrize(("value", "ok", "message"), [
    ("Matrix([[1, 2], [2, 3]])", True, ""),
    ("Matrix([[1, 2], [5, 3]])", False, "the value of S does not have its declared structure"),
], ids=["symmetric", "not-symmetric"])
def test_a_matrix_check_value_fills_its_entries(value: str, ok: bool, message: str) -> None:
    result = verdict(f"given:\n  S: matrix 2x2 symmetric\ncalc:\n  S.T\n  = S\n"
                     f"check:\n  S={value} => Matrix([[1, 2], [2, 3]])")
    assert (result.checks[0].ok, result.checks[0].message) == (ok, message)


def test_the_cli_reports_a_branch_condition_in_the_notes_own_words(tmp_path) -> None:
    from click.testing import CliRunner

    from lemma.cli import main
    from tests.conftest import write_files

    block = ("```derivation id=pw\ngiven:\n  x: real\ncalc:\n"
             "  Piecewise((1/(x - 1), x > 0), (0, True))\n  = 0\n```\n")
    root = write_files(tmp_path / "notes", {"a.md": "# A\n\n" + block})
    result = CliRunner().invoke(main, ["--notes", str(root), "check", "--no-cache"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:9] == [
        "a.md:3  pw  invalid FAIL  (1 failed)",
        "a.md:8: pw, link 1 (=) failed",
        "    Piecewise((1/(x - 1), x > 0), (0, True))",
        "    = 0",
        "    undefined here: x - 1 != 0 where x > 0 fails",
        "    counterexample: x = 1",
        "    left side there:  undefined",
        "    right side there: 0",
        "    hint: holds where x - 1 != 0 where x > 0 — declare it under assume:?",
    ]
