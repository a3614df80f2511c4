"""Gaussian random vectors and their moments: `x: gaussian vector k (mu, S)`, `E(...)`,
`Var(...)`, `Cov(...)`, `logpdf(x, v)` and `KL(x, y)`.

A Gaussian vector is a k x 1 matrix symbol carrying its mean and covariance, so every expression
that mentions it knows its law; distinct Gaussian vectors are independent. `E(body)` takes a
polynomial in them (degree at most 4). For a proof `E` becomes a ring expression by the moment
rules (moments.py); at a sample point it is computed independently and exactly, entry by entry:
the body is written out over fresh entry symbols and every monomial's mean is taken by Isserlis'
theorem from the drawn mean and covariance (no Monte Carlo).
"""

from __future__ import annotations

import functools

import sympy
from sympy.core.symbol import Str
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from lemma.derive.language.explicit import Unsupported, written_out

#: Highest total degree in the Gaussian vectors an expectation takes.
MAX_DEGREE = 4


class GaussianVector(MatrixSymbol):
    """x ~ N(mean, cov): a k x 1 matrix symbol whose arguments also hold its law."""

    def __new__(cls, name: str | Str, rows: object, cols: object, mean: object,
                cov: object) -> GaussianVector:
        name = Str(name) if isinstance(name, str) else name
        rows, cols = (sympy.Integer(n) if isinstance(n, int) else n for n in (rows, cols))
        return sympy.Basic.__new__(cls, name, rows, cols, mean, cov)

    @property
    def mean(self) -> MatrixExpr:
        return self.args[3]

    @property
    def cov(self) -> MatrixExpr:
        return self.args[4]

    @property
    def zero_mean(self) -> bool:
        """Centred (the site writes its law as N(0, S))."""
        return isinstance(self.mean, sympy.ZeroMatrix)

    def doit(self, **_: object) -> GaussianVector:
        return self

    def _eval_subs(self, old: object, new: object) -> None:
        return None


def randoms(expr: object) -> list[GaussianVector]:
    """The Gaussian vectors an expression mentions, in name order."""
    if not isinstance(expr, sympy.Basic):
        return []
    found = {n for n in sympy.preorder_traversal(expr) if isinstance(n, GaussianVector)}
    return sorted(found, key=lambda g: g.name)


class Expectation(sympy.Expr):
    """E(body) of a scalar body."""

    is_commutative = True
    is_real = True

    def __new__(cls, body: sympy.Basic) -> Expectation:
        return sympy.Expr.__new__(cls, body)

    def _sympystr(self, printer: object) -> str:
        return f"E({printer._print(self.args[0])})"  # type: ignore[attr-defined]

    def _latex(self, printer: object) -> str:
        return r"\mathbb{E}\left[" + printer._print(self.args[0]) + r"\right]"  # type: ignore[attr-defined]

    def at(self, values: dict[object, object]) -> sympy.Expr:
        return expectation_at(self.args[0], values)  # type: ignore[return-value]


class MatrixExpectation(MatrixExpr):
    """E(body) of a matrix body: the matrix of the entries' means."""

    def __new__(cls, body: MatrixExpr) -> MatrixExpectation:
        return sympy.Basic.__new__(cls, body)

    @property
    def shape(self) -> tuple[object, object]:
        return self.args[0].shape

    def _entry(self, i: object, j: object, **_: object) -> sympy.Expr:
        raise Unsupported("an entry of an unevaluated expectation")

    def _sympystr(self, printer: object) -> str:
        return f"E({printer._print(self.args[0])})"  # type: ignore[attr-defined]

    def _latex(self, printer: object) -> str:
        return r"\mathbb{E}\left[" + printer._print(self.args[0]) + r"\right]"  # type: ignore[attr-defined]

    def at(self, values: dict[object, object]) -> sympy.ImmutableMatrix:
        return expectation_at(self.args[0], values)  # type: ignore[return-value]


def expect(body: object) -> object:
    """E(body): a 1 x 1 body of symbolic size is read as the scalar it is."""
    if isinstance(body, MatrixExpr) and body.shape == (1, 1):
        body = sympy.Trace(body)
    if not randoms(body):
        return body  # the mean of a constant
    if isinstance(body, MatrixExpr):
        return MatrixExpectation(body)
    return Expectation(body)  # type: ignore[arg-type]


def degree(expr: object) -> int:
    """The total degree of `expr` in the Gaussian vectors (Unsupported where not polynomial)."""
    if isinstance(expr, GaussianVector):
        return 1
    if not isinstance(expr, sympy.Basic) or not randoms(expr):
        return 0
    if isinstance(expr, sympy.exp):  # the moment generating function: exp of an affine form
        if degree(expr.args[0]) > 1:
            raise Unsupported("exp of a form of degree above 1 in a Gaussian vector")
        return 0
    if isinstance(expr, sympy.MatMul | sympy.Mul):
        exps = [a for a in expr.args if isinstance(a, sympy.exp) and randoms(a)]
        if exps and len([a for a in expr.args if randoms(a)]) > 1:
            raise Unsupported("exp of a Gaussian vector times another factor that depends on it")
        return sum(degree(a) for a in expr.args)
    if isinstance(expr, sympy.MatAdd | sympy.Add):
        return max(degree(a) for a in expr.args)
    if isinstance(expr, sympy.Transpose | sympy.Trace):
        return degree(expr.args[0])
    if isinstance(expr, sympy.Pow | sympy.MatPow):
        base, exp = expr.args
        if exp.is_Integer and exp >= 0:
            return degree(base) * int(exp)
    if isinstance(expr, Expectation | MatrixExpectation):
        return 0  # a mean is a constant
    raise Unsupported(f"a Gaussian vector inside {type(expr).__name__}")


def log_density(x: GaussianVector, v: MatrixExpr) -> sympy.Expr:
    """log p_x(v) = -(k/2) log(2 pi) - log(det(S))/2 - (v - mu).T inv(S) (v - mu) / 2."""
    k, cov = x.rows, x.cov
    centred = v - x.mean if not isinstance(x.mean, sympy.ZeroMatrix) else v
    form = sympy.Trace(sympy.MatMul(centred.T, sympy.Inverse(cov), centred))
    det: sympy.Expr = sympy.Determinant(cov)
    if isinstance(cov, sympy.Identity):
        det = sympy.Integer(1)
    elif isinstance(cov, sympy.MatMul):  # s*eye(k) (declgauss admits no other product)
        det = sympy.Mul(*(a for a in cov.args if not isinstance(a, MatrixExpr)))**k
    return -k * sympy.log(2 * sympy.pi) / 2 - sympy.log(det) / 2 - form / 2


def kl(x: GaussianVector, y: GaussianVector) -> sympy.Expr:
    """KL(p_x || p_y) = E over x of log p_x(x) - log p_y(x)."""
    return expect(log_density(x, x) - log_density(y, x))  # type: ignore[return-value]


# -- exact evaluation at a point --------------------------------------------------------------


def expectation_at(body: sympy.Basic, values: dict[object, object]) -> object:
    """E(body) at a point: every Gaussian vector written out over fresh entry symbols, the body
    expanded, each monomial's mean taken from the drawn mean and covariance by Isserlis."""
    found = randoms(body)
    fresh: dict[object, sympy.ImmutableMatrix] = {}
    means: list[sympy.Expr] = []
    blocks: list[sympy.ImmutableMatrix] = []
    entries: list[sympy.Symbol] = []
    others = {s: v for s, v in values.items() if s not in found}
    for x in found:
        size = int(x.rows.xreplace(others))
        symbols = [sympy.Dummy(f"{x.name}{i + 1}", real=True) for i in range(size)]
        fresh[x] = sympy.ImmutableMatrix(symbols)
        entries.extend(symbols)
        means.extend(written_out(x.mean.xreplace(others), size, 1))
        blocks.append(sympy.ImmutableMatrix(written_out(x.cov.xreplace(others), size, size)))
    cov = sympy.ImmutableMatrix(sympy.diag(*blocks)) if blocks else sympy.ImmutableMatrix([])
    plain = body.xreplace(fresh).xreplace(others)
    value = written_out(plain)
    take = functools.partial(_mean, entries=entries, means=means, cov=cov)
    if isinstance(value, MatrixBase):
        return sympy.ImmutableMatrix(value.rows, value.cols, [take(e) for e in value])
    return take(value)


def _mean(expr: sympy.Expr, entries: list[sympy.Symbol], means: list[sympy.Expr],
          cov: sympy.ImmutableMatrix) -> sympy.Expr:
    """E of a polynomial in the entries (entry i has mean means[i], covariances cov), or of a
    sum of c*exp(L) terms with L affine: exp(E[L] + Var[L]/2), the moment generating function."""
    used = [i for i, s in enumerate(entries) if expr.has(s)]
    if not used:
        return expr
    if expr.has(sympy.exp):
        pieces = sympy.Add.make_args(sympy.expand(expr, deep=False, power_exp=False))
        total = sympy.Integer(0)
        for piece in pieces:
            powers = [f for f in sympy.Mul.make_args(piece)
                      if isinstance(f, sympy.exp) and any(f.has(entries[i]) for i in used)]
            if not powers:
                total += _mean(piece, entries, means, cov)
                continue
            (power,) = powers  # degree() allows one exp factor with the vector in it
            coeff = sympy.Mul(*(f for f in sympy.Mul.make_args(piece) if f != power))
            form = power.args[0]
            mean = _mean(form, entries, means, cov)
            spread = _mean(sympy.expand(form**2), entries, means, cov) - mean**2
            total += coeff * sympy.exp(mean + spread / 2)
        return total
    try:
        poly = sympy.Poly(expr, *(entries[i] for i in used))
    except sympy.PolynomialError as err:
        raise Unsupported("an expectation of a body that is not a polynomial") from err
    if poly.total_degree() > MAX_DEGREE:
        raise Unsupported(f"an expectation of degree above {MAX_DEGREE}")
    mu = [means[i] for i in used]
    sigma = [[cov[i, j] for j in used] for i in used]
    memo: dict[tuple[int, ...], sympy.Expr] = {}
    return sympy.Add(*(coeff * _moment(powers, mu, sigma, memo) for powers, coeff in poly.terms()))


def _moment(powers: tuple[int, ...], mu: list[sympy.Expr], sigma: list[list[sympy.Expr]],
            memo: dict[tuple[int, ...], sympy.Expr]) -> sympy.Expr:
    """E of the monomial x**powers by Stein's recursion (Isserlis' theorem with a mean):
    E[x_i m] = mu_i E[m] + sum_j S_ij E[dm/dx_j]."""
    if powers in memo:
        return memo[powers]
    at = next((i for i, p in enumerate(powers) if p), None)
    if at is None:
        return sympy.Integer(1)
    rest = list(powers)
    rest[at] -= 1
    total = mu[at] * _moment(tuple(rest), mu, sigma, memo)
    for j, p in enumerate(rest):
        if p:
            lower = list(rest)
            lower[j] -= 1
            total += sigma[at][j] * p * _moment(tuple(lower), mu, sigma, memo)
    memo[powers] = total
    return total
