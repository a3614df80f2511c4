"""Text of sympy values in what users read: the derivation language, not sympy's internals.

`Limit(f, x, 0)` rather than `Limit(f, x, 0, dir='+-')`, "undefined" rather than `zoo`/`nan`,
and a decimal beside every exact value that is not a plain rational.
"""

from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter


class _Printer(StrPrinter):
    """sympy's str printer with the derivation language's spelling of a few objects."""

    def _print_Limit(self, expr: sympy.Limit) -> str:
        body, var, point, direction = expr.args
        args = [self._print(body), self._print(var), self._print(point)]
        if str(direction) in ("+", "-"):
            args.append(f'"{direction}"')
        return f"Limit({', '.join(args)})"

    def _print_MatrixElement(self, expr: sympy.Basic) -> str:
        """An entry counted from 1, as written: x[i] of a vector, A[i, j] of a matrix."""
        parent, i, j = expr.args
        rows, cols = parent.shape
        if cols == 1:
            index = [i + 1]
        elif rows == 1:
            index = [j + 1]
        else:
            index = [i + 1, j + 1]
        name = self._print(parent)
        if not isinstance(parent, sympy.MatrixSymbol):
            name = f"({name})"
        return f"{name}[{', '.join(self._print(n) for n in index)}]"

    def _print_ComplexInfinity(self, expr: sympy.Basic) -> str:
        return "undefined"

    def _print_NaN(self, expr: sympy.Basic) -> str:
        return "undefined"

    def _print_Heaviside(self, expr: sympy.Heaviside) -> str:
        arg, at_zero = expr.args[0], expr.args[1] if len(expr.args) > 1 else None
        if at_zero is None or at_zero == sympy.Rational(1, 2):
            return f"Heaviside({self._print(arg)})"
        return f"Heaviside({self._print(arg)}, {self._print(at_zero)})"


_PRINTER = _Printer({"order": None})


def text(value: object) -> str:
    """A value, matrix or list as the author would write it."""
    if isinstance(value, sympy.MatrixBase):
        value = value.tolist()
    return _PRINTER.doprint(value)


def with_decimal(value: object) -> str:
    """Exact text, and `≈ decimal` when the value is a number that is not rational."""
    shown = text(value)
    if isinstance(value, sympy.Expr) and value.is_number and not value.is_Rational:
        if value.has(sympy.zoo, sympy.nan):
            return "undefined"
        try:
            approx = sympy.N(value, 12)
        except (TypeError, ValueError, ArithmeticError):
            return shown
        if approx.is_number and not approx.has(sympy.zoo, sympy.nan) and text(approx) != shown:
            return f"{shown} ≈ {text(approx)}"
    return shown


_PLAIN = (
    ("Invalid limits", "the bounds of an integral or sum are not valid here"),
    ("defined only for Real", "a function of real values got a value that is not real"),
    ("comparable", "values that are not real cannot be compared"),
    ("Invalid comparison", "values that are not real cannot be compared"),
    ("does not exist", "a limit does not exist here"),
    ("division by zero", "division by zero"),
)


def plain_error(exc: BaseException) -> str:
    """What went wrong inside sympy, said without sympy's internals."""
    said = str(exc)
    for needle, plain in _PLAIN:
        if needle in said:
            return plain
    return "sympy could not evaluate it"


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
