"""Functions papers use beyond sympy's basics: `Heaviside` with H(0) pinned, and `sigmoid` and
`softplus` as named abbreviations of their definitions (printed as written, unfolded by doit).
"""

from __future__ import annotations

import sympy

#: H(0) when Heaviside is called with one argument: 1/2, so H(x) + H(-x) = 1 and
#: sign(x) = 2*H(x) - 1 hold everywhere (sympy's convention too).
HEAVISIDE_AT_ZERO = sympy.Rational(1, 2)


class Heaviside(sympy.Heaviside):
    """sympy's Heaviside step, set as H(x) in LaTeX (sympy writes theta(x), which reads as a
    Greek name); H(x, h0) when H(0) is not the default 1/2."""

    def __new__(cls, arg: sympy.Expr, at_zero: sympy.Expr = HEAVISIDE_AT_ZERO,
                **options: object) -> sympy.Expr:
        # sympy's own __new__ recurses forever in a subclass (super(cls, cls))
        return sympy.Function.__new__(cls, arg, at_zero, **options)

    def _latex(self, printer: object, exp: str | None = None) -> str:
        arg = printer._print(self.args[0])  # type: ignore[attr-defined]
        at_zero = self.args[1] if len(self.args) > 1 else HEAVISIDE_AT_ZERO
        extra = "" if at_zero == HEAVISIDE_AT_ZERO else ", " + printer._print(at_zero)  # type: ignore[attr-defined]
        power = f"^{{{exp}}}" if exp else ""
        return rf"H{power}\left({arg}{extra}\right)"


class sigmoid(sympy.Function):
    """sigmoid(x) = 1/(1 + exp(-x)): printed as written, unfolded by doit (and so at points)."""

    nargs = 1

    def doit(self, **hints: object) -> sympy.Expr:
        x = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return 1 / (1 + sympy.exp(-x))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self * (1 - self)

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.doit()._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-x))

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None


class softplus(sympy.Function):
    """softplus(x) = log(1 + exp(x)): printed as written, unfolded by doit (and so at points)."""

    nargs = 1

    def doit(self, **hints: object) -> sympy.Expr:
        x = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return sympy.log(1 + sympy.exp(x))

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.doit()._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.log(1 + sympy.exp(x))

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_extended_real else None


ABBREVIATIONS = {"sigmoid": sigmoid, "softplus": softplus}


def unfold(expr: sympy.Basic) -> sympy.Basic:
    """`expr` with sigmoid and softplus written out as their definitions."""
    return expr.replace(lambda n: isinstance(n, sigmoid | softplus), lambda n: n.doit(deep=False))
