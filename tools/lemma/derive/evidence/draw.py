"""Where sample points come from: values inside the declared domains and random functions.

A point mixes special values (0, ±1, the closed ends of an interval, the first integers above a
bound) with random rationals whose denominators run up to a million over several magnitudes, so
no grid of rationals hides a counterexample (`sin(2520*pi*x)` vanishes on every p/q with q ≤ 9).
An undefined function becomes, draw by draw, a dense polynomial of degree up to 9, or a mix of
exponentials, sines and a polynomial: an identity that holds only for cubics does not survive.
"""

from __future__ import annotations

import itertools
import random

import sympy

from lemma.derive.language.block import Domain

#: Highest degree of a random polynomial standing for an undefined function (above the highest
#: derivative order the language allows, so `diff(f(x), x, 8) = 0` is refuted).
FUNCTION_DEGREE = 9
LARGE_INTEGER = 400
_SPECIAL = (0, 1, -1, 2, -2, sympy.Rational(1, 2), sympy.Rational(-1, 2), 3, -3, 4)


def special_values(domain: Domain) -> list[sympy.Rational]:
    """0, ±1 and friends, the closed ends and first values inside each bound, in the domain."""
    pool = [sympy.Rational(v) for v in _SPECIAL]
    for bound, step, strict in ((domain.lower, 1, domain.lower_strict),
                                (domain.upper, -1, domain.upper_strict)):
        if bound is None:
            continue
        if not strict:
            pool.append(bound)
        if domain.kind == "integer":
            first = sympy.ceiling(bound) if step > 0 else sympy.floor(bound)
            pool += [first + step * k for k in range(3)]
        else:
            pool += [bound + step * sympy.Rational(1, 10**6), bound + step]
    if domain.lower is not None and domain.upper is not None:
        pool.append((domain.lower + domain.upper) / 2)
    out: list[sympy.Rational] = []
    for value in pool:
        if value not in out and domain.contains(value):
            out.append(value)
    return out


def _fraction(rng: random.Random) -> sympy.Rational:
    """A random rational in (0, 1] with a denominator up to a million."""
    den = rng.choice((rng.randint(1, 97), rng.randint(98, 10**6)))
    return sympy.Rational(rng.randint(1, den), den)


def _magnitude(rng: random.Random) -> sympy.Rational:
    """A random positive rational over several magnitudes (1/1000 to 1000)."""
    exponent = rng.choice((-3, -1, 0, 0, 0, 1, 1, 2, 3))
    return _fraction(rng) * sympy.Integer(10) ** exponent


def random_value(domain: Domain, rng: random.Random) -> sympy.Expr:
    """One random exact value inside a scalar domain (bounds and strictness respected)."""
    lo, hi = domain.lower, domain.upper
    if domain.kind == "integer":
        return _random_integer(domain, rng)
    if domain.kind == "complex":
        return _signed(rng) + sympy.I * _signed(rng)
    if lo is not None and hi is not None:
        return lo + (hi - lo) * _open_unit(rng)
    if lo is not None:
        return lo + _magnitude(rng)
    if hi is not None:
        return hi - _magnitude(rng)
    return _signed(rng)


def _signed(rng: random.Random) -> sympy.Rational:
    return _magnitude(rng) * rng.choice((1, -1))


def _open_unit(rng: random.Random) -> sympy.Rational:
    while True:
        value = _fraction(rng)
        if value != 1:
            return value


def _random_integer(domain: Domain, rng: random.Random) -> sympy.Integer:
    lo = None if domain.lower is None else int(
        sympy.floor(domain.lower) + 1 if domain.lower_strict or not domain.lower.is_integer
        else domain.lower)
    hi = None if domain.upper is None else int(
        sympy.ceiling(domain.upper) - 1 if domain.upper_strict or not domain.upper.is_integer
        else domain.upper)
    reach = rng.choice((12, 12, 24, LARGE_INTEGER))
    if lo is None and hi is None:
        return sympy.Integer(rng.randint(-reach, reach))
    if hi is None:
        return sympy.Integer(lo + rng.randint(0, reach))  # type: ignore[operator]
    if lo is None:
        return sympy.Integer(hi - rng.randint(0, reach))
    return sympy.Integer(rng.randint(lo, max(lo, hi)))


def draw_scalar(domain: Domain, rng: random.Random, special: bool = False) -> sympy.Expr:
    """A special value of the domain (when asked and there is one) or a random one."""
    if special:
        pool = special_values(domain)
        if pool:
            return rng.choice(pool)
    return random_value(domain, rng)


def matrix_entry(rng: random.Random) -> sympy.Rational:
    """A random matrix entry: small rationals, sometimes 0."""
    if rng.random() < 0.1:
        return sympy.Integer(0)
    return sympy.Rational(rng.randint(-40, 40), rng.randint(1, 12))


def random_function(variables: tuple[sympy.Symbol, ...], rng: random.Random) -> sympy.Expr:
    """A random stand-in for an undefined function: a high-degree polynomial, or a mix of
    exponential, sine and a polynomial (rational coefficients throughout)."""
    if rng.random() < 0.6:
        degree = rng.randint(4, FUNCTION_DEGREE)
        return _polynomial(variables, degree, rng)
    low = _polynomial(variables, 2, rng)
    a = _linear(variables, rng)
    b = _linear(variables, rng)
    phase = sympy.Rational(rng.randint(-6, 6), rng.randint(1, 4))
    return (low + _coefficient(rng) * sympy.exp(a)
            + _coefficient(rng) * sympy.sin(b + phase))


def _coefficient(rng: random.Random) -> sympy.Rational:
    value = sympy.Rational(rng.randint(-9, 9), rng.randint(1, 5))
    return value if value != 0 else sympy.Integer(1)


def _linear(variables: tuple[sympy.Symbol, ...], rng: random.Random) -> sympy.Expr:
    return sympy.Add(*(sympy.Rational(rng.randint(-5, 5), rng.randint(1, 4)) * v
                       for v in variables)) or variables[0]


def _polynomial(variables: tuple[sympy.Symbol, ...], degree: int,
                rng: random.Random) -> sympy.Expr:
    """Dense in one variable; in several, every monomial up to degree 2 plus a few higher."""
    if len(variables) == 1:
        x = variables[0]
        return sympy.Add(*(_coefficient(rng) * x**k for k in range(degree + 1)))
    terms = [sympy.Mul(*c) for total in range(3)
             for c in itertools.combinations_with_replacement(variables, total)]
    for _ in range(4):
        powers = [rng.randint(0, 3) for _ in variables]
        powers[rng.randrange(len(variables))] += max(0, degree - sum(powers))
        terms.append(sympy.Mul(*(v**p for v, p in zip(variables, powers, strict=True))))
    return sympy.Add(*(_coefficient(rng) * t for t in terms))


def simple_functions(variables: tuple[sympy.Symbol, ...]) -> list[sympy.Expr]:
    """Readable stand-ins tried first when shrinking a counterexample, simplest first: for one
    argument x, x**2, ...; for several, constants, each variable, sums, products and squares."""
    if len(variables) == 1:
        x = variables[0]
        return [x, x**2, x**3, x**4, x**5, sympy.exp(x), sympy.sin(x)]
    if not variables:
        return []
    first = variables[:3]
    pairs = list(itertools.combinations(first, 2))
    out: list[sympy.Expr] = [sympy.Integer(0), sympy.Integer(1), *variables,
                             sympy.Add(*variables)]
    out += [a - b for a, b in pairs]
    out += [a * b for a, b in pairs] + [v**2 for v in first]
    out += [sympy.Mul(*variables), sympy.Add(*(v**2 for v in variables))]
    out += [a**2 * b for a, b in pairs] + [a * b**2 for a, b in pairs] + [v**3 for v in first]
    out += [sympy.exp(v) for v in first] + [sympy.sin(v) for v in first]
    return list(dict.fromkeys(out))


#: Largest size a symbolic dimension takes at a sample point (explicit matrices stay small).
MAX_SIZE = 4


def draw_size(domain: Domain, rng: random.Random) -> sympy.Integer:
    """A small size for a dimension `k` of `matrix k x d`: 1 to 4, inside its domain."""
    low = 1 if domain.lower is None else max(1, int(sympy.ceiling(domain.lower)))
    if domain.lower is not None and domain.lower_strict and domain.lower == low:
        low += 1
    high = low + MAX_SIZE - 1
    if domain.upper is not None:
        high = min(high, int(sympy.floor(domain.upper)))
    return sympy.Integer(rng.randint(low, max(low, high)))


def random_matrix(rows: int, cols: int, structure: str | None,
                  rng: random.Random) -> sympy.ImmutableMatrix:
    """An explicit random matrix of a drawn size (symmetric, diagonal, positive definite or
    orthogonal when declared so: B*B.T + c*I with c > 0 is positive definite, the Cayley
    transform (I - S)(I + S)^-1 of a skew S orthogonal, both exactly)."""
    cells = [[matrix_entry(rng) for _ in range(cols)] for _ in range(rows)]
    if structure == "posdef":
        b = sympy.Matrix(cells)
        shift = sympy.Rational(1, rng.choice([1, 10, 1000]))
        return sympy.ImmutableMatrix(b * b.T + shift * sympy.eye(rows))
    if structure == "orthogonal":  # the Cayley transform of a skew matrix, exactly rational
        skew = sympy.Matrix(rows, rows, lambda i, j: cells[i][j] - cells[j][i])
        q = (sympy.eye(rows) - skew) * (sympy.eye(rows) + skew).inv()
        if rng.random() < 0.5:  # a reflection too: determinant -1
            q[0, :] = -q[0, :]
        return sympy.ImmutableMatrix(q)
    if structure == "symmetric":
        cells = [[cells[min(i, j)][max(i, j)] for j in range(cols)] for i in range(rows)]
    elif structure == "diagonal":
        cells = [[cells[i][j] if i == j else 0 for j in range(cols)] for i in range(rows)]
    return sympy.ImmutableMatrix(cells)
