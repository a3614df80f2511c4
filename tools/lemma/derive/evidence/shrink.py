"""Evidence for a failed link: a counterexample shrunk to simple values, and cheap hints.

Shrinking walks every symbol (and every coefficient of a stand-in polynomial) through simple
candidates -- 0, 1, -1, 2, 1/2 ... inside the declared domain -- and keeps the simplest value
that still refutes the link. Hints re-test the claim under a small change (a sign, a constant
factor, a symmetric or diagonal matrix, a positive scalar). Everything is seeded, so the same
block gives the same report on every run.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy

from lemma.derive.evidence.draw import simple_functions, special_values
from lemma.derive.evidence.evaluate import compare_at, instantiate, point_text
from lemma.derive.evidence.numeric import is_defined
from lemma.derive.evidence.sampling import replay, sample
from lemma.derive.evidence.space import Claim, Point
from lemma.derive.language import printing
from lemma.derive.language.block import Domain
from lemma.derive.language.printing import truncate

HINT_POINTS = 6
RESIDUAL_CHARS = 300


def _simplicity(value: sympy.Rational) -> tuple[int, int, bool]:
    return (int(value.q), abs(int(value.p)), bool(value < 0))


def candidates(domain: Domain | None) -> list[sympy.Rational]:
    """Simple values inside a domain, simplest first: the sampler's special values (0, ±1, the
    bounds and their neighbours) plus the quarters and thirds of a bounded interval."""
    domain = domain or Domain("real")
    pool = set(special_values(domain))
    if domain.lower is not None and domain.upper is not None:
        width = domain.upper - domain.lower
        inner = [domain.lower + width * sympy.Rational(k, 4) for k in range(5)]
        inner += [domain.lower + width * sympy.Rational(k, 3) for k in range(1, 3)]
        pool.update(v for v in inner if domain.contains(v))
    return sorted(pool, key=_simplicity)


def _refutes(claim: Claim, point: Point) -> bool:
    return compare_at(claim, point).kind == "refuted"


def shrink(claim: Claim, point: Point) -> Point:
    """The simplest point found, symbol by symbol, that still refutes the claim."""
    space = claim.space
    for _ in range(2):
        changed = False
        slots: list[tuple[Any, list[sympy.Rational]]] = [
            (sym, candidates(space.scalars[sym]))
            for sym in sorted(space.scalars, key=lambda s: space.names.get(s, str(s)))
            if sym not in space.dimensions  # a size fixes the shapes of the drawn matrices
        ]
        slots += [(sym, candidates(None)) for sym in space.entries]
        for sym, pool in slots:
            current = point.values[sym]
            for value in pool:
                if value == current:
                    break
                trial = point.copy()
                trial.values[sym] = value
                if _refutes(claim, trial):
                    point, changed = trial, True
                    break
        for slot in space.functions:
            simple = simple_functions(slot.variables)
            for stand_in in simple:
                if stand_in == point.functions[slot.func]:
                    break
                trial = point.copy()
                trial.functions[slot.func] = stand_in
                if _refutes(claim, trial):
                    point, changed = trial, True
                    break
            if point.functions[slot.func] not in simple:
                point, fewer = _shrink_terms(claim, point, slot.func)
                changed = changed or fewer
        if not changed:
            break
    return point


def _shrink_terms(claim: Claim, point: Point, func: object) -> tuple[Point, bool]:
    """A random stand-in with as few terms and as plain coefficients as still refute: each term
    dropped (highest degree first), then each remaining coefficient tried as 1 or -1, then
    each remaining exponential or sine argument as its simplest term. (point, changed?)"""
    changed = False
    for term in sorted(sympy.Add.make_args(point.functions[func]), key=_weight, reverse=True):
        trial = point.copy()
        trial.functions[func] = point.functions[func] - term
        if _refutes(claim, trial):
            point, changed = trial, True
    for term in sympy.Add.make_args(point.functions[func]):
        coeff, rest = term.as_coeff_Mul()
        if coeff in (1, -1) or rest == 1:
            continue
        for plain in (rest, -rest):
            trial = point.copy()
            trial.functions[func] = point.functions[func] - term + plain
            if _refutes(claim, trial):
                point, changed = trial, True
                break
    for term in sympy.Add.make_args(point.functions[func]):
        for inner in term.atoms(sympy.exp, sympy.sin):
            for plain in _plainer_arguments(inner.args[0]):
                trial = point.copy()
                trial.functions[func] = point.functions[func].xreplace({inner: inner.func(plain)})
                if _refutes(claim, trial):
                    point, changed = trial, True
                    break
    return point, changed


def _plainer_arguments(arg: sympy.Expr) -> list[sympy.Expr]:
    """Simpler arguments for exp/sin of a stand-in: the sum of the variables with each sign kept,
    without the constant, then each variable alone (sin(-5*x1/2 + 4*x2/3 + 4) -> sin(x2 - x1))."""
    coeffs = sympy.Add.make_args(arg)
    linear = [c.as_coeff_Mul() for c in coeffs if c.free_symbols]
    signed = sympy.Add(*(sympy.sign(c) * m for c, m in linear))
    out = [signed, *(m for _, m in linear)] if linear else []
    return [a for a in dict.fromkeys(out) if a != arg]


def _weight(term: sympy.Expr) -> tuple[int, int, str]:
    """Order of trying to drop terms: transcendental first, then by total degree, then text."""
    degree = sum(sympy.degree_list(term)) if term.is_polynomial() and term.free_symbols else 0
    return (int(not term.is_polynomial()), int(degree), sympy.sstr(term))


def show(value: object) -> str:
    """Exact text of a value, with a decimal when it is not rational."""
    return printing.with_decimal(value)


def explain_failure(claim: Claim, stream: str, draw: int) -> dict[str, Any]:
    """Shrunk counterexample, both sides' values there, residual text and hints (plain data)."""
    point = shrink(claim, replay(claim, stream, draw))
    why = compare_at(claim, point).message
    lhs, rhs = claim.display if claim.display is not None else (claim.left, claim.right)
    left, right = _value(lhs, claim, point), _value(rhs, claim, point)
    residual = claim.left - claim.right  # type: ignore[operator]
    if why.startswith("undefined"):
        residual_text = ""  # the sides are not numbers here: a residual would mislead
    elif isinstance(residual, sympy.MatrixBase):
        residual_text = printing.text(residual.applyfunc(sympy.expand))
    else:
        residual_text = printing.text(sympy.expand(residual))
    return {
        "point": point_text(claim.space, point),
        "left": show(left) if left is not None else "undefined",
        "right": show(right) if right is not None else "undefined",
        "residual": truncate(residual_text, RESIDUAL_CHARS),
        "hints": [] if why.startswith("undefined") else _safe_hints(claim, point),
        "why": why,
    }


def _safe_hints(claim: Claim, point: Point) -> list[str]:
    """Hints are a courtesy: one that cannot be computed is left out, never an error."""
    try:
        return hints(claim, point)
    except (ValueError, ArithmeticError, TypeError):
        return []


def _value(expr: object, claim: Claim, point: Point) -> object:
    """A side's value at the point, or None where it is undefined (a singular inverse, a pole)."""
    try:
        value = instantiate(expr, claim.space, point)
    except (ValueError, ArithmeticError, TypeError):
        return None
    return value if is_defined(value) else None


def _holds(claim: Claim, stream: str, wanted: int = HINT_POINTS) -> bool:
    found = sample(claim, stream, wanted)
    return not found["refuted"] and int(found["exact"]) + int(found["numeric"]) > 0


def hints(claim: Claim, point: Point) -> list[str]:
    """Cheap re-tests that suggest what the author meant."""
    out: list[str] = []
    if claim.relation == "=":
        out += _scalar_factor_hints(claim, point)
        out += _matrix_hints(claim)
    out += _positivity_hints(claim)
    return out


def _scalar_factor_hints(claim: Claim, point: Point) -> list[str]:
    if _holds(replace(claim, right=-claim.right), "hint-sign"):  # type: ignore[operator]
        return ["differs only by a sign: the left side equals minus the right side"]
    left = instantiate(claim.left, claim.space, point)
    right = instantiate(claim.right, claim.space, point)
    pairs = zip(left, right, strict=True) if isinstance(left, sympy.MatrixBase) else [(left, right)]
    ratio = next((sympy.nsimplify(a / b) for a, b in pairs if b != 0 and a != 0), None)
    if ratio is None or not ratio.is_Rational or ratio in (1, -1):
        return []
    if _holds(replace(claim, right=ratio * claim.right), "hint-factor"):  # type: ignore[operator]
        return [f"off by a constant factor {ratio}: the left side is {ratio} times the right side"]
    return []


def _square(matrix: sympy.ImmutableMatrix) -> bool:
    return matrix.shape[0] == matrix.shape[1] and matrix.shape[0] > 1


def _matrix_hints(claim: Claim) -> list[str]:
    used = _free(claim)
    square = [(n, m) for n, m in claim.space.matrices if _square(m) and m.free_symbols & used]
    out: list[str] = []
    for name, m in square:
        if m == m.T:
            continue
        k = m.shape[0]
        mirror = {m[j, i]: m[i, j] for i in range(k) for j in range(i + 1, k)}
        trial = replace(claim, left=_sub(claim.left, mirror), right=_sub(claim.right, mirror))
        if _holds(trial, f"hint-symmetric-{name}"):
            declare = f"`{name}: matrix {k}x{k} symmetric`"
            out.append(f"holds if {name} is symmetric — declare {declare}?")
    if out or len(square) < 2:
        return out
    zero = {
        m[i, j]: sympy.Integer(0)
        for _, m in square
        for i in range(m.shape[0])
        for j in range(m.shape[1])
        if i != j and m[i, j].is_Symbol
    }
    trial = replace(claim, left=_sub(claim.left, zero), right=_sub(claim.right, zero))
    if zero and _holds(trial, "hint-commuting"):
        names = ", ".join(n for n, _ in square)
        out.append(
            f"holds for commuting matrices (true when {names} are diagonal): "
            "check the order of the factors"
        )
    return out


def _positivity_hints(claim: Claim) -> list[str]:
    used = _free(claim)
    out: list[str] = []
    for sym, domain in sorted(claim.space.scalars.items(), key=lambda kv: str(kv[0])):
        if sym not in used or domain.kind == "complex":
            continue
        low = domain.lower
        if low is not None and (low > 0 or (domain.lower_strict and low == 0)):
            continue
        upper_ok = domain.upper is None or domain.upper > 0
        if not upper_ok:
            continue
        name = claim.space.names.get(sym, str(sym))
        if domain.kind == "integer":
            positive = replace(domain, lower=sympy.Integer(1), lower_strict=False)
            text = f"holds if {name} >= 1 — declare `{name}: integer >= 1`?"
        else:
            positive = replace(domain, lower=sympy.Integer(0), lower_strict=True)
            text = f"holds if {name} > 0 — declare `{name}: real > 0`?"
        trial = replace(claim, space=claim.space.with_domain(sym, positive))
        if _holds(trial, f"hint-positive-{name}", 8):
            out.append(text)
    return out


def _free(claim: Claim) -> set[sympy.Symbol]:
    syms: set[sympy.Symbol] = set()
    for side in (claim.left, claim.right):
        syms |= getattr(side, "free_symbols", set())
    return syms


def _sub(expr: object, mapping: dict[Any, Any]) -> object:
    return expr.xreplace(mapping) if isinstance(expr, sympy.Basic) else expr
