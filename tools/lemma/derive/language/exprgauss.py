"""The calls over Gaussian vectors as an expression is read: E, Var, Cov, logpdf and KL.

`Var(s)` is E(s**2) - E(s)**2 for a scalar s (for a vector it is Cov); `Cov(u, v)` is
E(u*v.T) - E(u)*E(v).T (one argument: Cov(u, u)); `logpdf(x, v)` is the log-density of x's law
at v; `KL(x, y)` is the Kullback-Leibler divergence of x's law from y's, E over x of
logpdf(x, x) - logpdf(y, x). All of them are built from E, so their moment rules are E's.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import exprsym
from lemma.derive.language.gaussian import (
    MAX_DEGREE,
    GaussianVector,
    Unsupported,
    degree,
    expect,
    kl,
    log_density,
    randoms,
)

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder

CALLS = frozenset({"E", "Var", "Cov", "logpdf", "KL"})
_DECLARE = "declare one as `x: gaussian vector k (mu, S)`"


def call(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """One of CALLS, with its arguments checked and named in the message when wrong."""
    want = {"E": (1, 1), "Var": (1, 1), "Cov": (1, 2), "logpdf": (2, 2), "KL": (2, 2)}[name]
    if not want[0] <= len(node.args) <= want[1]:
        count = str(want[0]) if want[0] == want[1] else f"{want[0]} or {want[1]}"
        raise builder.fail(node, f"{name} takes {count} argument(s), got {len(node.args)}")
    if name in ("logpdf", "KL"):
        return _density(builder, node, name, scope)
    values = [_random_body(builder, arg, scope, name) for arg in node.args]
    if name == "E":
        return expect(values[0])
    if name == "Var" and not _is_vector(values[0]):
        s = _scalar(values[0])
        return expect(s**2) - expect(s)**2
    u, v = values[0], values[-1]
    if _is_vector(u) != _is_vector(v):
        raise builder.fail(node, f"{name} takes two vectors or two scalars")
    if not _is_vector(u):
        a, b = _scalar(u), _scalar(v)
        return expect(a * b) - expect(a) * expect(b)
    return sympy.MatAdd(expect(sympy.MatMul(u, v.T)),
                        -sympy.MatMul(expect(u), expect(v).T))  # type: ignore[union-attr]


def _random_body(builder: Builder, arg: ast.expr, scope: dict[str, object], name: str) -> object:
    """The argument of E/Var/Cov: a polynomial of degree <= MAX_DEGREE in Gaussian vectors."""
    value = builder.conv(arg, scope)
    if isinstance(value, MatrixBase):
        raise builder.fail(arg, f"{name} takes an expression of symbolic size in Gaussian "
                           "vectors, not an explicit matrix", _DECLARE)
    if not randoms(value):
        raise builder.fail(arg, f"{name}(...) needs a Gaussian vector inside", _DECLARE)
    try:
        found = degree(value)
    except Unsupported as err:
        raise builder.fail(arg, f"{name}(...) takes a polynomial in the Gaussian vectors, but "
                           f"this has {err}", "expand it, or keep the vector out of inv, det "
                           "and functions") from None
    factor = 2 if name in ("Var", "Cov") else 1
    if found * factor > MAX_DEGREE:
        raise builder.fail(arg, f"{name}(...) of degree {found * factor} in the Gaussian "
                           f"vectors is beyond the moment rules (at most {MAX_DEGREE})")
    return value


def _is_vector(value: object) -> bool:
    return isinstance(value, MatrixExpr) and value.shape != (1, 1)


def _scalar(value: object) -> object:
    return sympy.Trace(value) if isinstance(value, MatrixExpr) else value


def _density(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """logpdf(x, v) and KL(x, y) for declared Gaussian vectors x, y."""
    law = builder.conv(node.args[0], scope)
    if not isinstance(law, GaussianVector):
        raise builder.fail(node.args[0], f"the first argument of {name} is a declared Gaussian "
                           "vector", _DECLARE)
    other = builder.conv(node.args[1], scope)
    if name == "KL":
        if not isinstance(other, GaussianVector):
            raise builder.fail(node.args[1], "the second argument of KL is a declared Gaussian "
                               "vector", _DECLARE)
        if not exprsym.same(law.rows, other.rows):
            raise builder.fail(node, f"KL compares laws of one size, but {law.name} has "
                               f"{law.rows} entries and {other.name} {other.rows}")
        return kl(law, other)
    if not (exprsym.is_symbolic(other) and exprsym.same(other.rows, law.rows)
            and other.cols == 1):
        raise builder.fail(node.args[1], f"logpdf({law.name}, v) takes a {law.rows} x 1 "
                           "vector v")
    return log_density(law, other)
