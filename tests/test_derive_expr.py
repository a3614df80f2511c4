"""The safe expression parser: every accepted form, injection attempts and resource limits."""

from __future__ import annotations

import time

import pytest
import sympy

from lemma.derive.language.block import DerivationSyntaxError
from lemma.derive.language.expr import parse_expression
from lemma.derive.language.exprbind import BoundSymbol
from lemma.derive.language.functions import Heaviside, sigmoid, softplus
from lemma.model import SourcePos

POS = SourcePos("notes/x.md", 10, 5)

a = sympy.Symbol("a", real=True)
n = sympy.Symbol("n", integer=True)
j = sympy.Symbol("j", integer=True)
t = sympy.Symbol("t", real=True)
u, v = sympy.symbols("u v", real=True)
jb = BoundSymbol("j", integer=True)  # bound variables are local: never the declared symbol
tb = BoundSymbol("t", real=True)
ub = BoundSymbol("u", real=True)
W = sympy.ImmutableMatrix(2, 3, lambda i, k: sympy.Symbol(f"W_{i + 1}_{k + 1}", real=True))
X = sympy.ImmutableMatrix(3, 1, lambda i, _: sympy.Symbol(f"x_{i + 1}", real=True))
M = sympy.ImmutableMatrix(2, 2, lambda i, k: sympy.Symbol(f"M_{i + 1}_{k + 1}", real=True))
g = sympy.Function("g", nargs=2, real=True)
f = sympy.Function("f", nargs=1, real=True)
z = sympy.Symbol("z", complex=True)
lam = sympy.Symbol("lambda", real=True)
sig = sympy.Symbol("σ", positive=True)
NAMES = {"a": a, "n": n, "W": W, "x": X, "M": M, "g": g, "f": f, "z": z, "lambda": lam, "σ": sig}


def parse(text: str, names: dict[str, object] | None = None) -> object:
    return parse_expression(text, NAMES if names is None else names, POS)


def same(left: object, right: object) -> bool:
    """Mathematical equality, for matrices entry by entry."""
    if left == right:
        return True
    diff = sympy.ImmutableMatrix(left) - sympy.ImmutableMatrix(right) if isinstance(
        left, sympy.MatrixBase) else left - right  # type: ignore[operator]
    return sympy.simplify(diff) == 0 if not isinstance(diff, sympy.MatrixBase) else all(
        sympy.simplify(e) == 0 for e in diff)


VALID = [
    ("integer", "42", sympy.Integer(42)),
    ("decimal-exact", "0.1", sympy.Rational(1, 10)),
    ("decimal-exponent", "2.5e-3", sympy.Rational(1, 400)),
    ("arithmetic", "a**2 + 2*a - 1/3", a**2 + 2 * a - sympy.Rational(1, 3)),
    ("unary", "-(-a) + +a", 2 * a),
    ("constants", "pi + E + I", sympy.pi + sympy.E + sympy.I),
    ("infinity", "-oo", -sympy.oo),
    ("functions", "sqrt(a**2) + exp(log(2)) + sin(pi/2)", sympy.Abs(a) + 3),
    ("log-base", "log(8, 2)", sympy.Integer(3)),
    ("min-max", "Min(1, 2) + Max(a, a)", 1 + a),
    ("factorial", "factorial(5) + binomial(5, 2) + gamma(4)", sympy.Integer(136)),
    ("beta", "beta(a, 2)", sympy.beta(a, 2)),
    ("floor-ceiling", "floor(7/2) + ceiling(7/2) + sign(-a**2 - 1)", sympy.Integer(6)),
    ("hyperbolic", "cosh(a)**2 - sinh(a)**2 + tanh(0) + sech(0)", sympy.Integer(2)),
    ("inverse-trig", "asin(1) + acos(1) + atan(0)", sympy.pi / 2),
    ("exponent-64", "2**64", sympy.Integer(2) ** 64),
    ("symbolic-exponent", "a**n", a**n),
    ("fractional-power", "2**0.5", sympy.sqrt(2)),
    ("sum", "Sum(1/j**2, (j, 1, n))", sympy.Sum(1 / jb**2, (jb, 1, n))),
    ("sum-infinite", "Sum(2**(-j), (j, 1, oo))", sympy.Sum(2**-jb, (jb, 1, sympy.oo))),
    ("product", "Product(j, (j, 1, 1000))", sympy.Product(jb, (jb, 1, 1000))),
    ("integral", "Integral(t**a, (t, 0, 1))", sympy.Integral(tb**a, (tb, 0, 1))),
    ("integral-indefinite", "Integral(t, t)", sympy.Integral(tb, tb)),
    ("derivative", "Derivative(a**3, a)", sympy.Derivative(a**3, a)),
    ("diff-order", "diff(a**3, a, 2)", sympy.Derivative(a**3, (a, 2))),
    ("subs", "Subs(u**2, u, a)", sympy.Subs(ub**2, ub, a)),
    ("limit", "Limit(sin(t)/t, t, 0)", sympy.Limit(sympy.sin(tb) / tb, tb, 0, dir="+-")),
    ("undefined-function", "f(a) + g(a, 1)", f(a) + g(a, 1)),
    ("function-of-vector", "g(W*x)", g(*(W * X))),
    ("matrix-product", "W*x", W * X),
    ("transpose", "W.T*W", W.T * W),
    ("matrix-sum", "M + M.T - 2*M", M.T - M),
    ("matrix-div", "M/2", M / 2),
    ("inverse", "inv(M)*M", sympy.eye(2)),
    ("matrix-power", "M**-1*M**2", M),
    ("det-trace", "det(M) + trace(M)", M.det() + M.trace()),
    ("eye-zeros", "eye(2) + zeros(2, 2) + zeros(2)", sympy.eye(2)),
    ("matrix-literal", "Matrix([[1, a], [0, 1]])", sympy.Matrix([[1, a], [0, 1]])),
    ("column-literal", "Matrix([a, 1])", sympy.Matrix([a, 1])),
    ("gradient", "diff(a*trace(x.T*x), x)",
     sympy.Matrix([sympy.Derivative(a * (X.T * X)[0], e) for e in X])),
    ("subs-vector-point", "Subs(Derivative(g(u, v), u), (u, v), W*x)",
     sympy.Subs(sympy.Derivative(g(u, v), u), (u, v), tuple(W * X))),
    ("multi-line", "a +\n        a", 2 * a),
    ("greek-name", "σ**2 + 2*π", sig**2 + 2 * sympy.pi),
    ("keyword-name", "lambda*a + Sum(lambda, (lambda, 1, 2))", lam * a + 3),
    ("keyword-inside-a-longer-name", "lambda + a", lam + a),
    ("matmul", "W.T @ W @ x", W.T * W * X),
    ("erf", "erf(a) + erfc(a)", sympy.erf(a) + sympy.erfc(a)),
    ("complex-parts", "re(z) + I*im(z) - conjugate(conjugate(z))",
     sympy.re(z) + sympy.I * sympy.im(z) - z),
    ("heaviside", "Heaviside(0) + Heaviside(0, 1) + Heaviside(a)",
     sympy.Rational(3, 2) + Heaviside(a)),
    ("abbreviations", "sigmoid(a) + softplus(a)", sigmoid(a) + softplus(a)),
    ("piecewise", "Piecewise((a, a > 0), (-a, a <= -1), (0, True))",
     sympy.Piecewise((a, a > 0), (-a, a <= -1), (0, True))),
    ("piecewise-equality", "Piecewise((1, a == 0), (2, a != 1), (3, True))",
     sympy.Piecewise((1, sympy.Eq(a, 0)), (2, sympy.Ne(a, 1)), (3, True))),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_expressions(text: str, expected: object) -> None:
    got = parse(text)
    assert same(got, expected)
    assert isinstance(got, sympy.MatrixBase) == isinstance(expected, sympy.MatrixBase)


def test_abbreviations_unfold_to_their_definitions() -> None:
    value = parse("sigmoid(0) + softplus(0)")
    assert str(value) == "sigmoid(0) + softplus(0)"
    assert value.doit() == sympy.Rational(1, 2) + sympy.log(2)  # type: ignore[attr-defined]
    assert abs(sympy.N(value) - sympy.N(sympy.Rational(1, 2) + sympy.log(2))) < 1e-12


@pytest.mark.parametrize("text", ["Piecewise((a, (a > 0) & (a < 1)), (0, True))",
                                  "Piecewise((a, a > 0 or a < -1), (0, True))",
                                  "Piecewise((a, 0 < a < 1), (0, True))"],
                         ids=["bitwise-and", "or", "chain"])
def test_a_combined_condition_is_told_to_nest(text: str) -> None:
    with pytest.raises(DerivationSyntaxError) as info:
        parse(text)
    assert info.value.hint == "nest Piecewise for a combined condition"


def test_decimal_is_exact_rational() -> None:
    assert parse("0.1 + 0.2") == sympy.Rational(3, 10)


def test_bound_variables_are_plain_symbols_with_kinds() -> None:
    got = parse("Sum(k**2, (k, 1, n)) + Integral(s, (s, 0, 1))")
    names = {str(s): s for s in got.atoms(sympy.Symbol)}  # type: ignore[attr-defined]
    assert names["k"].is_integer and names["s"].is_real and names["s"].is_integer is None


def test_declared_names_win_as_bound_variables() -> None:
    got = parse("Derivative(f(a), a)")
    assert got.variables == (a,)  # type: ignore[attr-defined]


def test_bound_ok_false_needs_declared_variables() -> None:
    with pytest.raises(DerivationSyntaxError, match="undeclared name 'k'"):
        parse_expression("Sum(k, (k, 1, 3))", {}, POS, bound_ok=False)


REJECTED = [
    # injection attempts
    ("dunder-import", "__import__('os')", "unknown function '__import__'"),
    ("dunder-chain", "().__class__.__bases__", "attribute access .__bases__ is not allowed"),
    ("lambda", "lambda: 1", "lambda expressions are not allowed"),
    ("comprehension", "[x for x in y]", "comprehensions are not allowed"),
    ("generator", "sum(i for i in x)", "unknown function 'sum'"),
    ("f-string", "f'{a}'", "f-strings are not allowed"),
    ("string", "'os'", "the literal 'os' is not allowed"),
    ("attribute", "a.real", "attribute access .real is not allowed"),
    ("method-call", "a.subs(a, 1)", "only named functions can be called"),
    ("subscript-from-one", "x[0]", "index 0 is outside 1..3"),
    ("getattr", "getattr(a, 'x')", "unknown function 'getattr'"),
    ("keyword", "sqrt(a, evaluate=False)", "keyword arguments are not allowed"),
    ("kwargs", "sqrt(**{'x': 1})", "keyword arguments are not allowed"),
    ("open", "open('/etc/passwd')", "unknown function 'open'"),
    ("starred", "Max(*x)", "starred arguments (*args) are not allowed"),
    ("walrus", "(y := 1)", "':=' is not allowed"),
    ("conditional", "1 if a else 2", "conditional expressions (a if c else b) are not allowed"),
    ("boolean", "a and 1", "'and'/'or' are not allowed"),
    ("comparison", "a == 1", "comparisons are not allowed inside an expression"),
    ("dict", "{1: 2}", "dictionaries are not allowed"),
    ("bare-tuple", "(1, 2)", "a tuple or list is only allowed as a function argument"),
    ("sympy-internals", "Symbol('x')", "unknown function 'Symbol'"),
    # language rules
    ("caret", "a^2", "'^' is not a power here"),
    ("matmul-of-scalars", "a @ a", "'@' is the matrix product, but both operands are scalars"),
    ("matmul-scalar-matrix", "a @ M", "'@' is the matrix product, but the left operand is a "
     "scalar"),
    ("matmul-shapes", "x @ W", "matrix product of a 3x1 and a 2x3 matrix"),
    ("modulo", "a % 2", "only + - * / ** are allowed as operators"),
    ("undeclared", "q + 1", "undeclared name 'q'"),
    ("bare-function", "sqrt + 1", "'sqrt' is a function; call it with its arguments"),
    ("scalar-called", "a(1)", "'a' is declared as a scalar, not a function"),
    ("arity", "g(a)", "g takes 2 argument(s), got 1"),
    ("vector-arity", "g(x)", "g takes 2 arguments, but this vector has 3 entries"),
    ("function-arity", "sqrt(1, 2)", "sqrt takes 1 argument(s), got 2"),
    ("complex-literal", "2j", "complex literal 2j is not allowed"),
    ("hex", "0x10", "write integers in decimal, not 0x10"),
    ("bool", "True", "the literal True is not allowed"),
    ("division-by-zero", "1/0", "division by zero"),
    ("zero-power", "0**(-1)", "the value is undefined"),
    ("unicode-minus", "a \u2212 1", "the character '\u2212' (MINUS SIGN) is not allowed"),
    ("fullwidth-letter", "\uff41 + 1", "the character '\uff41' (FULLWIDTH LATIN SMALL LETTER A) "
     "is a variant of 'a'"),
    ("fullwidth-digit", "a + \uff11", "is a variant of '1'"),
    ("math-italic", "\U0001d44e", "is a variant of 'a'"),
    ("cyrillic-a", "\u0430", "the letter '\u0430' (CYRILLIC SMALL LETTER A) is not allowed"),
    ("combining-mark", "a\u0301", "(COMBINING ACUTE ACCENT) is not allowed"),
    ("lambda-placeholder", "_lambd", "undeclared name '_lambd'"),
    ("lambda-keyword-call", "lambda(a)", "'lambda' is declared as a scalar, not a function"),
    ("piecewise-no-otherwise", "Piecewise((a, a > 0), (0, a < 0))", "the last branch of "
     "Piecewise, and only the last, is (value, True)"),
    ("piecewise-true-early", "Piecewise((a, True), (0, True))", "(value, True) must be the last "
     "branch"),
    ("piecewise-chain", "Piecewise((a, 0 < a < 1), (0, True))", "a condition of Piecewise is one "
     "comparison, e.g. x > 0, not a chain"),
    ("piecewise-and", "Piecewise((a, (a > 0) & (a < 1)), (0, True))", "a condition of Piecewise "
     "is one comparison"),
    ("piecewise-bool-op", "Piecewise((a, a > 0 and a < 1), (0, True))", "a condition of "
     "Piecewise is one comparison"),
    ("piecewise-pair", "Piecewise(a, (0, True))", "each branch of Piecewise is a pair"),
    ("piecewise-complex", "Piecewise((1, z > 0), (0, True))", "a condition of Piecewise "
     "compares real values, but this may be complex"),
    ("heaviside-complex", "Heaviside(z)", "Heaviside compares real values"),
    ("max-complex", "Max(z, 1)", "Max compares real values"),
    ("heaviside-symbolic-at-zero", "Heaviside(a, a)", "the value of Heaviside at 0 must be a "
     "real number"),
    ("sigmoid-arity", "sigmoid(a, a)", "sigmoid takes 1 argument, got 2"),
    ("empty", "   ", "expected an expression, found nothing"),
    ("syntax", "a + (1", "invalid expression"),
    # shapes
    ("shape-product", "W*W", "matrix product of a 2x3 and a 2x3 matrix: inner dimensions "
     "differ (3 vs 2)"),
    ("matrix-plus-scalar", "M + 1", "cannot add a scalar and a 2x2 matrix"),
    ("one-by-one", "x.T*x + 1", "cannot add a scalar and a 1x1 matrix"),
    ("matrix-shapes-add", "W + M", "cannot add a 2x3 matrix and a 2x2 matrix"),
    ("divide-by-matrix", "1/M", "cannot divide by a matrix"),
    ("scalar-transpose", "a.T", ".T is the transpose of a matrix, but this is a scalar"),
    ("sqrt-matrix", "sqrt(M)", "sqrt takes a scalar, but this is a 2x2 matrix"),
    ("det-nonsquare", "det(W)", "det needs a square matrix, but this is 2x3"),
    ("inv-scalar", "inv(a)", "inv takes a matrix, but this is a scalar"),
    ("inv-singular", "inv(Matrix([[1, 2], [2, 4]]))", "inv of a singular matrix"),
    ("matrix-ragged", "Matrix([[1, 2], [3]])", "Matrix rows must all have the same"),
    ("matrix-exponent", "2**M", "a matrix cannot be an exponent"),
    ("bound-constant", "Sum(1, (pi, 1, 3))", "'pi' cannot be a bound variable"),
    ("sum-bounds", "Sum(a, j)", "Sum bounds must be a tuple (j, a, b)"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in REJECTED],
                         ids=[c[0] for c in REJECTED])
def test_rejected_expressions(text: str, message: str) -> None:
    with pytest.raises(DerivationSyntaxError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.pos.path == "notes/x.md" and info.value.pos.line == 10


def test_caret_hint_and_position() -> None:
    with pytest.raises(DerivationSyntaxError) as info:
        parse("a + a^2")
    assert info.value.hint == "use ** for powers, e.g. x**2"
    assert info.value.pos == SourcePos("notes/x.md", 10, 5 + 5)  # the '^'


def test_undeclared_hint_and_column() -> None:
    with pytest.raises(DerivationSyntaxError) as info:
        parse("  a + zz")
    assert info.value.hint == "declare it under given:"
    assert info.value.pos.col == 5 + 6


def test_error_on_continuation_line_has_its_own_position() -> None:
    text = "a +\n        a +\n      qq"
    with pytest.raises(DerivationSyntaxError) as info:
        parse(text)
    assert info.value.pos == SourcePos("notes/x.md", 12, 7)


def test_shape_error_points_at_the_operator() -> None:
    with pytest.raises(DerivationSyntaxError) as info:
        parse("W * W")
    assert info.value.pos.col == 5 + 2
    assert "missing .T" in info.value.hint


NESTED = "(" * 45 + "a" + ")" * 45
DOS = [
    ("tower-2-10-10", "2**10**10", "exponent 10000000000 is too large (the limit is 64)"),
    ("tower-9-9-9-9", "9**9**9**9", "exponent 387420489 is too large (the limit is 64)"),
    ("big-base-power", "(10**30)**64", "is too large to compute"),
    ("symbolic-big-power", "(a + 1)**1000", "exponent 1000 is too large"),
    ("factorial-huge", "factorial(10**9)", "factorial of a number larger than 1000 is not "
     "computed"),
    ("factorial-nested", "factorial(factorial(7))", "factorial of a number larger than 1000"),
    ("binomial-huge", "binomial(10**6, 3)", "binomial of a number larger than 1000"),
    ("gamma-huge", "gamma(10**5 + 1/2)", "gamma of a number larger than 1000"),
    ("eye-huge", "eye(10**6)", "eye needs literal integer sizes"),
    ("eye-nine", "eye(9)", "matrix size 9 is out of range (1 to 8)"),
    ("zeros-huge", "zeros(1000, 1000)", "matrix size 1000 is out of range"),
    ("nested-parens-10000", "(" * 10000 + "1" + ")" * 10000, "expression is too long"),
    ("nested-parens-60", "(" * 60 + "1" + ")" * 60, "brackets are nested too deeply"),
    ("string-100kb", "a+" * 50000, "expression is too long (100000 characters"),
    ("unary-chain", "-" * 1500 + "a", "expression is nested too deeply"),
    ("many-nodes", "+".join(["a*a"] * 1500), "expression is too large (more than 4000 syntax "
     "nodes)"),
    ("matrix-100x100", "Matrix([" + ",".join(["[" + ",".join(["1"] * 9) + "]"] * 9) + "])",
     "Matrix is larger than 8x8"),
    ("long-integer", "1" * 31, "integer literal has 31 digits; the limit is 30"),
    ("long-decimal", "1e999", "decimal literal 1e999 is too long"),
    ("sum-huge", "Sum(a, (j, 1, 10**9))", "Sum over 1000000000 terms is not expanded"),
    ("product-huge", "Product(j, (j, 1, 2000))", "Product over 2000 terms is not expanded"),
    ("diff-order", "diff(a**2, a, 9)", "a derivative order must be a literal integer from 1 to 8"),
    ("matrix-power", "M**100", "a matrix power needs an integer exponent between -8 and 8"),
    ("nested-sums", "Sum(Sum(Sum(a, (i, 1, 999)), (j, 1, 999)), (k, 1, 999))",
     "nested sums and products expand to 998001 terms"),
    ("huge-product-of-numbers", "*".join(["factorial(1000)"] * 3), "digits is too large"),
    ("power-of-huge-number", "factorial(1000)**64", "the power <a 2567-digit number>**64 is too "
     "large to compute"),
    ("control-character", "a\x00", "control character '\\x00' in an expression"),
    ("log-zero", "log(0)", "the value is undefined"),
    ("numeric-irrational-exponent", "2**(pi*10**30)", "a numeric exponent of a number must be at "
     "most 64"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in DOS], ids=[c[0] for c in DOS])
def test_denial_of_service_rejected_fast(text: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(DerivationSyntaxError) as info:
        parse(text)
    assert time.perf_counter() - start < 1.0
    assert message in info.value.message


def test_nesting_just_under_the_limit_is_fine() -> None:
    assert parse(NESTED) == a


def test_symbolic_matrix_products_are_bounded() -> None:
    big = sympy.ImmutableMatrix(8, 8, lambda i, k: sympy.Symbol(f"B_{i + 1}_{k + 1}", real=True))
    start = time.perf_counter()
    with pytest.raises(DerivationSyntaxError) as info:
        parse("B*B*B*B*B*B", {"B": big})
    assert time.perf_counter() - start < 2.0
    assert "too large to expand" in info.value.message


def test_repeated_symbolic_inverse_is_bounded() -> None:
    c4 = sympy.ImmutableMatrix(4, 4, lambda i, k: sympy.Symbol(f"C_{i + 1}_{k + 1}", real=True))
    start = time.perf_counter()
    product = parse("inv(C)*C", {"C": c4})
    point = {e: sympy.Integer((3 * k * k + 1) % 11) for k, e in enumerate(c4)}
    assert product.xreplace(point) == sympy.eye(4)  # type: ignore[attr-defined]
    with pytest.raises(DerivationSyntaxError, match="inv would be too large to expand"):
        parse("inv(inv(C))", {"C": c4})
    assert time.perf_counter() - start < 5.0


def test_symbolic_inverse_is_bounded() -> None:
    big = sympy.ImmutableMatrix(6, 6, lambda i, k: sympy.Symbol(f"B_{i + 1}_{k + 1}", real=True))
    with pytest.raises(DerivationSyntaxError, match="inv of a symbolic 6x6 matrix is too large"):
        parse("inv(B)", {"B": big})


def test_language_spec_linear_combination_example_parses() -> None:
    """The example in derivation-language.md: products of symbolic inverses stay in budget."""
    from lemma.derive.language.parse import parse_note

    block = (
        "```derivation id=spec-example\n"
        "given:\n  W: matrix 2x3\n  M: matrix 2x2 symmetric\n  lam: real > 0\n"
        "assume:\n  DNFA: W.T*M*W == lam*W.T*W\n"
        "calc:\n     M - lam*eye(2)\n"
        "  =  zeros(2, 2)   # linear_combination(inv(W*W.T)*W*DNFA*W.T*inv(W*W.T))\n```\n"
    )
    derivations, diagnostics = parse_note(block, "n.md")
    assert diagnostics == []
    assert derivations[0].steps[0].justification.kind == "linear_combination"


@pytest.mark.parametrize("size", [400, 1200])
def test_a_long_flat_sum_is_not_nesting(size: int) -> None:
    assert parse(" + ".join(["a"] * size)) == size * a
    assert parse(" - ".join(["a"] * size)) == (2 - size) * a
    assert parse("*".join(["2"] * 400)) == 2**400
