"""Deciding at a point: is a value defined, is a difference zero, which sign has a margin.

Exact first; otherwise 50 significant digits, relative to the size of the two sides, and a
re-check at 120 digits for anything near the tolerance (a true zero shrinks as the precision
grows, a real difference of 1e-35 stays).
"""

from __future__ import annotations

import functools

import sympy

from lemma.derive.evidence.gammas import gamma_zero

#: Decimal digits of the numeric comparison, and of its re-check near the tolerance.
DIGITS = 50
RECHECK_DIGITS = 120
#: Relative size below which a difference is tested again at RECHECK_DIGITS, and the size it
#: must stay above there to count as a real difference.
TOLERANCE = sympy.Float("1e-30", 60)
RECHECK_TOLERANCE = sympy.Float("1e-100", 130)
UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def is_defined(value: object, real: bool = False) -> bool:
    """False when a value has a pole, is undefined or infinite, still has free symbols, or --
    in a block of real quantities -- is not a real number."""
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    for v in items:
        if not isinstance(v, sympy.Basic) or v.free_symbols or v.has(*UNDEFINED):
            return False
        if real and not v.is_Rational and _not_real(v):
            return False
    return True


def _not_real(value: sympy.Basic) -> bool:
    if value.is_real is not None:
        return not value.is_real
    approx = _numeric(value, DIGITS)
    if approx is None:
        return False  # decided later: an unevaluable value is "unknown"
    re, im = approx.as_real_imag()
    return bool(abs(im) > TOLERANCE * max(abs(re), 1))


def _numeric(value: sympy.Expr, digits: int) -> sympy.Expr | None:
    """`value` evaluated to `digits` significant digits, or None when it cannot be."""
    try:
        approx = sympy.N(value, digits)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return None
    return approx if approx.is_number and not approx.has(*UNDEFINED) else None


@functools.lru_cache(maxsize=256)
def _exactly_zero(value: sympy.Expr) -> bool:
    """Cheap exact rewrites that recognise a zero (gamma/beta ratios, radicals, rationals)."""
    if gamma_zero(value):
        return True
    for rewrite in (sympy.expand, lambda v: sympy.cancel(sympy.radsimp(v)), sympy.expand_func):
        if rewrite(value) == 0:
            return True
    return False


def _negligible(value: sympy.Expr, scale: sympy.Expr) -> bool | None:
    """Is |value| zero at working precision relative to `scale`? (See _resolve_at_120; an
    equality's difference is not evaluated deeper: below 1e-100 it is numeric agreement.)"""
    return _resolve_at_120(value, scale)[0]


def _resolve(value: sympy.Expr, scale: sympy.Expr) -> tuple[bool | None, sympy.Expr | None]:
    """_resolve_at_120 and, for a sign that it calls negligible but cheap exact rewrites do not
    prove zero, the deep evaluation: a margin of 1e-131 is positive, not zero."""
    negligible, approx = _resolve_at_120(value, scale)
    if not negligible or _exactly_zero(value):
        return negligible, approx
    deep = _deep(value)
    if deep is not None and (approx is None or not _significant(approx)
                             or abs(deep - approx) <= sympy.Float("1e-20") * abs(deep)):
        return False, deep
    return True, approx


def _resolve_at_120(value: sympy.Expr, scale: sympy.Expr
                    ) -> tuple[bool | None, sympy.Expr | None]:
    """(negligible?, the approximation that decided it). Near the tolerance the value is
    evaluated again at higher precision: a true zero shrinks (sympy's adaptive evaluation returns
    it with no significant digits), a real difference -- even exp(-1000) -- stays the same.
    A result without significant digits is never taken for a difference; one that has none at
    120 digits is tried at 400 and 1500 (log(1 + exp(-300)) is 5e-131, not zero)."""
    first = _numeric(value, DIGITS)
    if first is None:
        return None, None
    if _significant(first) and abs(first) > TOLERANCE * scale:
        return False, first
    second = _numeric(value, RECHECK_DIGITS)
    if second is None:
        return None, None
    if not _significant(second):
        return True, second
    if _significant(first) and abs(second - first) <= sympy.Float("1e-20") * abs(second):
        return False, second
    return bool(abs(second) <= RECHECK_TOLERANCE * scale), second


#: Precisions a value with no significant digit at RECHECK_DIGITS is tried at before it counts
#: as zero (a margin below 1e-120 is still a sign).
DEEP_DIGITS = (400, 1500)


def _deep(value: sympy.Expr) -> sympy.Expr | None:
    """`value` at the first of DEEP_DIGITS where it has significant digits, or None."""
    for digits in DEEP_DIGITS:
        approx = _numeric(value, digits)
        if approx is None:
            return None
        if _significant(approx):
            return approx
    return None


def _significant(value: sympy.Expr) -> bool:
    """A nonzero result evaluated with real precision (at least 30 bits in some part)."""
    for part in value.as_real_imag():
        if part.is_Rational and part != 0:
            return True
        if isinstance(part, sympy.Float) and part != 0 and part._prec >= 30:
            return True
    return False


def _scale(*values: object) -> sympy.Expr:
    """The size differences are measured against: the larger side, or 1 when both vanish."""
    sizes = [_numeric(v, 15) for v in values if isinstance(v, sympy.Basic)]
    known = [abs(s) for s in sizes if s is not None and _significant(s)]
    return max(known) if known else sympy.Integer(1)


def zero_kind(value: object, *sides: object) -> str:
    """'zero' (exactly), 'numeric-zero' (negligible relative to the sides, re-checked at higher
    precision), 'nonzero' or 'unknown'."""
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    side_items = [list(s) if isinstance(s, sympy.MatrixBase) else [s] * len(items)
                  for s in sides]
    kind = "zero"
    for i, v in enumerate(items):
        if v == 0:
            continue
        if getattr(v, "is_Rational", False):
            return "nonzero"
        negligible = _negligible(v, _scale(*(s[i] for s in side_items)))
        if negligible is None:
            return "unknown"
        if not negligible:
            return "nonzero"
        if not _exactly_zero(v):
            kind = "numeric-zero"
    return kind


def sign_kind(value: sympy.Expr, *sides: object) -> str:
    """An inequality margin: positive, zero, negative, numeric-zero, complex or unknown."""
    if value == 0:
        return "zero"
    if value.is_Rational:
        return "positive" if value > 0 else "negative"
    scale = _scale(*sides)
    negligible, approx = _resolve(value, scale)
    if negligible is None:
        return "unknown"
    if negligible:
        return "numeric-zero"
    re, im = approx.as_real_imag()  # type: ignore[union-attr]
    if abs(im) > TOLERANCE * scale:
        return "complex"
    return "positive" if re > 0 else "negative"
