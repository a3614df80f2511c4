"""Side conditions as the parser records them: where a written expression is defined.

Every division, inverse, root, logarithm and non-natural power records a `Condition` before
sympy's automatic simplification hides it (proof/conditions.py discharges them).
"""

from __future__ import annotations

import sympy

from lemma.derive.language.block import Binder, Condition

SIGNED = frozenset({"positive", "nonnegative", "unit"})
_TEXT = {
    "nonzero": "{} != 0",
    "positive": "{} > 0",
    "nonnegative": "{} >= 0",
    "unit": "-1 <= {} <= 1",
    "gamma": "{} is not 0, -1, -2, ...",
}


def _real(expr: sympy.Expr) -> bool:
    """True when every symbol is real and no imaginary unit appears (real-valued semantics)."""
    return not expr.has(sympy.I) and all(s.is_real for s in expr.free_symbols)


def make(kind: str, expr: object, text: str, binders: tuple[Binder, ...],
         defines: bool = True) -> Condition | None:
    """A condition, or None when it holds for every value (a nonzero number, a complex block)."""
    if not isinstance(expr, sympy.Expr):
        return None
    if kind in SIGNED and not _real(expr):
        return None  # complex values: the principal branch is defined
    if expr.is_number and holds(kind, expr) is True:
        return None
    used = expr.free_symbols
    inside = tuple(b for b in binders if b.var in used or _depends(b, binders, used))
    return Condition(kind, expr, _TEXT[kind].format(text), inside, defines)


def _depends(binder: Binder, binders: tuple[Binder, ...], used: set[object]) -> bool:
    """An outer binder matters when an inner one that is used has bounds mentioning it."""
    for inner in binders[binders.index(binder) + 1:]:
        if inner.var in used:
            for bound in (inner.low, inner.high):
                if isinstance(bound, sympy.Basic) and binder.var in bound.free_symbols:
                    return True
    return False


def from_lower_bounds(expr: object, binders: list[Binder]) -> object:
    """`expr` with each summation index written as its lower bound plus a nonnegative integer,
    so that `x**j` in `Sum(x**j, (j, 0, n))` is seen to have a natural exponent."""
    if not isinstance(expr, sympy.Basic):
        return expr
    for depth, binder in enumerate(reversed(binders)):
        if binder.kind == "sum" and binder.low is not None and binder.var in expr.free_symbols:
            offset = sympy.Symbol(f"t{depth}", integer=True, nonnegative=True)
            expr = expr.xreplace({binder.var: binder.low + offset})
    return expr


def mentions(value: object, symbols: frozenset[sympy.Symbol]) -> bool:
    """True when a scalar or matrix value contains one of `symbols`."""
    return bool(getattr(value, "free_symbols", set()) & symbols)


def holds(kind: str, value: sympy.Expr) -> bool | None:
    """Whether a condition holds for a concrete number (None when that cannot be decided)."""
    if kind == "nonzero":
        return _not_none(value.is_zero, negate=True)
    if kind == "positive":
        return value.is_extended_positive
    if kind == "nonnegative":
        return value.is_extended_nonnegative
    if kind == "unit":
        low, high = (value + 1).is_extended_nonnegative, (1 - value).is_extended_nonnegative
        if low is None or high is None:
            return None
        return low and high
    if value.is_integer and value.is_nonpositive:  # gamma: poles at 0, -1, -2, ...
        return False
    return True if value.is_number and value.is_integer is not None else None


def _not_none(flag: bool | None, negate: bool = False) -> bool | None:
    return None if flag is None else (not flag if negate else flag)
