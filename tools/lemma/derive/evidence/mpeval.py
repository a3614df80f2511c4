"""Fast numeric evaluation of a sympy expression tree with mpmath, for quadrature.

sympy's own evalf of an integral re-walks the expression at every quadrature node and takes
seconds to minutes; this walks the (already whitelisted) tree directly with mpmath numbers.
Nothing is compiled or executed: an unknown node raises `Unsupported` and the caller falls back.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy

_FUNCTIONS: dict[type, Callable[..., object]] = {
    sympy.exp: mpmath.exp, sympy.log: mpmath.log, sympy.sin: mpmath.sin, sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan, sympy.sinh: mpmath.sinh, sympy.cosh: mpmath.cosh,
    sympy.tanh: mpmath.tanh, sympy.asin: mpmath.asin, sympy.acos: mpmath.acos,
    sympy.atan: mpmath.atan, sympy.Abs: abs, sympy.gamma: mpmath.gamma, sympy.erf: mpmath.erf,
    sympy.erfc: mpmath.erfc, sympy.sech: mpmath.sech, sympy.asinh: mpmath.asinh,
    sympy.acosh: mpmath.acosh, sympy.atanh: mpmath.atanh, sympy.cot: mpmath.cot,
    sympy.sec: mpmath.sec, sympy.csc: mpmath.csc, sympy.coth: mpmath.coth,
    sympy.Max: max, sympy.Min: min, sympy.sign: mpmath.sign, sympy.floor: mpmath.floor,
    sympy.ceiling: mpmath.ceil, sympy.loggamma: mpmath.loggamma,
}


class Unsupported(Exception):
    """A node this evaluator does not know."""


def evaluate(expr: sympy.Basic, env: dict[sympy.Symbol, object]) -> object:
    """The value of `expr` with mpmath numbers, symbols taken from `env`."""
    if expr.is_Number:
        if expr.is_Rational:
            return mpmath.mpf(expr.p) / expr.q  # type: ignore[attr-defined]
        return mpmath.mpf(sympy.Float(expr, mpmath.mp.dps)._mpf_)
    if expr.is_Symbol:
        if expr in env:
            return env[expr]  # type: ignore[index]
        raise Unsupported(f"free symbol {expr}")
    if expr is sympy.pi:
        return +mpmath.pi
    if expr is sympy.E:
        return mpmath.e
    if expr is sympy.I:
        return mpmath.mpc(0, 1)
    args = [evaluate(a, env) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return mpmath.fsum(args)
    if isinstance(expr, sympy.Mul):
        return mpmath.fprod(args)
    if isinstance(expr, sympy.Pow):
        return mpmath.power(args[0], args[1])
    fn = _FUNCTIONS.get(expr.func)  # type: ignore[arg-type]
    if fn is None:
        raise Unsupported(type(expr).__name__)
    return fn(*args)


def integrate(node: sympy.Integral, digits: int) -> sympy.Expr:
    """A one-dimensional definite integral with numeric bounds, by tanh-sinh quadrature."""
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        raise Unsupported("only one variable with numeric bounds")
    var, low, high = node.limits[0]
    if node.function.free_symbols - {var} or not (low.is_number and high.is_number):
        raise Unsupported("free symbols left in the integral")
    with mpmath.workdps(digits + 10):
        bounds = [bound(low), bound(high)]
        value = mpmath.quad(lambda t: evaluate(node.function, {var: t}), bounds)
        if isinstance(value, mpmath.mpc):
            return sympy.Float(value.real, digits) + sympy.I * sympy.Float(value.imag, digits)
        return sympy.Float(value, digits)


def bound(value: sympy.Expr) -> object:
    if value is sympy.oo:
        return mpmath.inf
    if value is sympy.S.NegativeInfinity:
        return -mpmath.inf
    return evaluate(value, {})
