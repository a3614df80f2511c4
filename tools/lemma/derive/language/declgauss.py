"""The declaration `x: gaussian vector k (mu, S)`: its law checked when it is declared.

The mean is a k x 1 expression of symbolic size (`mu`, `zeros(k, 1)`, `W*h`), the covariance a
matrix declared `posdef`, `eye(k)` or a positive multiple of it: a covariance must be symmetric
and positive (semi)definite, and only these are known to be. Without a law, `x: gaussian vector
k` is a standard normal vector (mean 0, covariance eye(k)).
"""

from __future__ import annotations

import sympy

from lemma.derive.language.block import Declaration, DerivationSyntaxError
from lemma.derive.language.exprsym import is_symbolic, same
from lemma.model import SourcePos

_LAW = "e.g. `x: gaussian vector k (mu, S)` with `mu: vector k` and `S: matrix k x k posdef`"


def gaussian_type(where: SourcePos, size: object, law: list[object] | None,
                  decls: list[Declaration], law_pos: SourcePos | None) -> tuple[str, object]:
    """("gaussian", (size, mean, covariance)) or a syntax error naming what is wrong; `law` is
    the parsed (mean, covariance) the author wrote in brackets, if any."""
    if not isinstance(size, sympy.Symbol):
        raise DerivationSyntaxError(where, "a gaussian vector has a symbolic size",
                                    "declare `k: integer >= 1` and `x: gaussian vector k`")
    if law is None:
        return "gaussian", (size, sympy.ZeroMatrix(size, 1), sympy.Identity(size))
    if len(law) != 2 or law_pos is None:
        raise DerivationSyntaxError(where, "the law of a gaussian vector is (mean, covariance)",
                                    _LAW)
    values = law
    mean, cov = values
    if not (is_symbolic(mean) and same(mean.rows, size) and mean.cols == 1):
        raise DerivationSyntaxError(law_pos, f"the mean of a gaussian vector of size {size} is "
                                    f"a {size} x 1 vector of symbolic size", _LAW)
    posdef = {d.value for d in decls if d.structure == "posdef"}
    if not (is_symbolic(cov) and same(cov.rows, size) and same(cov.cols, size)
            and _known_covariance(cov, posdef)):
        raise DerivationSyntaxError(law_pos, "the covariance of a gaussian vector must be a "
                                    f"matrix declared `{size} x {size} posdef`, eye({size}) or a "
                                    "positive multiple of eye", _LAW)
    return "gaussian", (size, mean, cov)


def _known_covariance(cov: object, posdef: set[object]) -> bool:
    if cov in posdef or isinstance(cov, sympy.Identity):
        return True
    if isinstance(cov, sympy.MatMul):
        scalars = [a for a in cov.args if not isinstance(a, sympy.MatrixExpr)]
        matrices = [a for a in cov.args if isinstance(a, sympy.MatrixExpr)]
        return (len(matrices) == 1 and _known_covariance(matrices[0], posdef)
                and bool(sympy.Mul(*scalars).is_positive))
    return False
