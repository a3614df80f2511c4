"""The expression language's tables: constants, the whitelisted functions and the size limits.

Shared by the builder, its construct modules and the declaration reader (names may not shadow them).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from lemma.derive.language.functions import ABBREVIATIONS

MAX_CHARS = 8000  # characters of one expression
MAX_NODES = 4000  # Python syntax nodes of one expression
MAX_DEPTH = 200  # nesting depth of the syntax tree
MAX_BRACKETS = 50  # nesting depth of brackets, checked before Python parses anything
MAX_DIGITS = 30  # digits of an integer or decimal literal
MAX_EXPONENT = 64  # |n| of a numeric exponent
MAX_POWER_BITS = 4096  # bits of an exact rational power computed while parsing
MAX_NUMBER_BITS = 12_000  # bits of any exact number built while parsing (about 3600 digits)
MAX_FACTORIAL = 1000  # numeric arguments of factorial, binomial, gamma, beta
MAX_TERMS = 1000  # terms of a Sum/Product whose bounds are both numbers
MAX_DIFF_ORDER = 8  # total order of a derivative

CONSTANTS: dict[str, sympy.Basic] = {"pi": sympy.pi, "π": sympy.pi, "E": sympy.E, "I": sympy.I,
                                     "oo": sympy.oo}

#: name -> (constructor, least and most number of arguments); all arguments are scalars.
SCALAR_FUNCTIONS: dict[str, tuple[Callable[..., sympy.Basic], int, int]] = {
    "sqrt": (sympy.sqrt, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "log": (sympy.log, 1, 2),
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "sech": (sympy.sech, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "Min": (sympy.Min, 1, 16),
    "Max": (sympy.Max, 1, 16),
    "sign": (sympy.sign, 1, 1),
    "factorial": (sympy.factorial, 1, 1),
    "binomial": (sympy.binomial, 2, 2),
    "gamma": (sympy.gamma, 1, 1),
    "beta": (sympy.beta, 2, 2),
    "floor": (sympy.floor, 1, 1),
    "ceiling": (sympy.ceiling, 1, 1),
    "erf": (sympy.erf, 1, 1),
    "erfc": (sympy.erfc, 1, 1),
    "re": (sympy.re, 1, 1),
    "im": (sympy.im, 1, 1),
    "conjugate": (sympy.conjugate, 1, 1),
}
BOUNDED_ARGS = frozenset({"factorial", "binomial", "gamma", "beta"})
BINDERS = frozenset({"Sum", "Product", "Integral", "Derivative", "diff", "Subs", "Limit"})
MATRIX_FUNCTIONS = frozenset({"inv", "det", "trace", "eye", "zeros", "Matrix", "jacobian",
                              "norm", "kron", "vec", "ones", "hadamard", "diag", "pinv",
                              "charpoly", "expm", "logm"})
SPECIAL_FUNCTIONS = frozenset({"Piecewise", "Heaviside"}) | frozenset(ABBREVIATIONS)
#: Moments of Gaussian vectors (E is also the constant e: E(...) is an expectation).
MOMENT_FUNCTIONS = frozenset({"Var", "Cov", "logpdf", "KL"})
FUNCTIONS = (frozenset(SCALAR_FUNCTIONS) | BINDERS | MATRIX_FUNCTIONS | SPECIAL_FUNCTIONS
             | MOMENT_FUNCTIONS)
RESERVED = frozenset(CONSTANTS)


def numeric_size(value: sympy.Expr) -> float | None:
    """|value| for a number, computed cheaply; None when it cannot be sized."""
    if value.is_Rational:
        return float(abs(value))  # type: ignore[arg-type]
    try:
        approx = complex(sympy.N(value, 15))
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return None
    return abs(approx)
