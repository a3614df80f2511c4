"""Matrix arithmetic for the expression parser: shape checks, size limits and matrix functions.

Every matrix is an explicit sympy ImmutableMatrix of at most 8x8 entries; products, inverses and
determinants are sized before they are computed so a short expression cannot expand without bound.
"""

from __future__ import annotations

import ast
import math
from functools import cache
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import exprsym, indexed
from lemma.derive.language.shapes import ShapeProblem

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder

MAX_MATRIX = 8  # rows and columns of any matrix
MAX_WORK = 100_000  # estimated expression nodes produced by one matrix operation
MAX_SYMBOLIC_INV = 5  # inverse of a matrix with symbols: at most 5x5
MAX_SYMBOLIC_DET = 6  # determinant of a matrix with symbols: at most 6x6
MAX_MATRIX_POWER = 8  # |n| in M**n


def shape_text(m: MatrixExpr) -> str:
    """`2x3` for a 2-row, 3-column matrix (`kxd` for symbolic sizes)."""
    return f"{m.rows}x{m.cols}"


def one_by_one_hint(m: object) -> str:
    """A hint for the common slip of using v.T*v (a 1x1 matrix) as a scalar."""
    if isinstance(m, MatrixBase) and m.shape == (1, 1):
        return "a 1x1 matrix such as v.T*v is not a scalar; wrap it in trace(...)"
    return ""


def size(value: object, cap: int = MAX_WORK + 1) -> int:
    """Number of expression nodes in a scalar or all entries of a matrix (counting stops at cap)."""
    items = list(value) if isinstance(value, MatrixBase) else [value]
    count = 0
    for item in items:
        for _ in sympy.preorder_traversal(item):
            count += 1
            if count >= cap:
                return count
    return count


def _symbolic(m: MatrixBase) -> bool:
    return any(not entry.is_number for entry in m)


def combine(op: str, left: object, right: object) -> object:
    """`left op right` for + - * / with scalar/matrix shape rules."""
    if exprsym.is_symbolic(left) or exprsym.is_symbolic(right):
        return exprsym.combine(op, left, right)
    lm, rm = isinstance(left, MatrixBase), isinstance(right, MatrixBase)
    if op in "+-":
        if lm and rm:
            if left.shape != right.shape:  # type: ignore[union-attr]
                word = "add" if op == "+" else "subtract"
                raise ShapeProblem(f"cannot {word} a {shape_text(left)} matrix and a "  # type: ignore[arg-type]
                                   f"{shape_text(right)} matrix")  # type: ignore[arg-type]
        elif lm or rm:
            m = left if lm else right
            raise ShapeProblem(f"cannot add a scalar and a {shape_text(m)} matrix",  # type: ignore[arg-type]
                               one_by_one_hint(m)
                               or f"multiply the scalar by eye({m.rows})")  # type: ignore[union-attr]
        result = left + right if op == "+" else left - right  # type: ignore[operator]
    elif op == "*":
        if lm and rm:
            return matmul(left, right)  # type: ignore[arg-type]
        result = left * right  # type: ignore[operator]
    else:
        if rm:
            raise ShapeProblem("cannot divide by a matrix", "multiply by inv(M) instead")
        if right == 0:
            raise ShapeProblem("division by zero")
        result = left / right  # type: ignore[operator]
    return sympy.ImmutableMatrix(result) if isinstance(result, MatrixBase) else result


def matmul(a: MatrixBase, b: MatrixBase) -> MatrixBase:
    """The matrix product, after checking inner dimensions and the size of the result."""
    if a.cols != b.rows:
        raise ShapeProblem(
            f"matrix product of a {shape_text(a)} and a {shape_text(b)} matrix: inner "
            f"dimensions differ ({a.cols} vs {b.rows})",
            "check the order of the factors or a missing .T",
        )
    # entry (i, j) is a sum over k of a[i, k] * b[k, j], built unexpanded: every entry of `a`
    # appears b.cols times, every entry of `b` a.rows times
    work = b.cols * size(a) + a.rows * size(b) + a.rows * b.cols * a.cols
    if work > MAX_WORK:
        raise ShapeProblem("this matrix product would be too large to expand",
                           "split the link into smaller steps")
    return _bounded(sympy.ImmutableMatrix(a * b), "this matrix product")


def _bounded(value: object, what: str) -> object:
    """Reject a result whose expression tree is larger than the work budget."""
    if size(value) > MAX_WORK:
        raise ShapeProblem(f"{what} would be too large to expand",
                           "split the link into smaller steps")
    return value


def matrix_power(base: MatrixBase, exp: object) -> MatrixBase:
    """M**n for a square M and a literal integer |n| <= 8 (n = -1 is the inverse)."""
    if exprsym.is_symbolic(base):
        return exprsym.power(base, exp)  # type: ignore[return-value]
    if base.rows != base.cols:
        raise ShapeProblem(f"only a square matrix has powers; this is {shape_text(base)}")
    if not (getattr(exp, "is_Integer", False) and abs(exp) <= MAX_MATRIX_POWER):  # type: ignore
        raise ShapeProblem(f"a matrix power needs an integer exponent between "
                           f"-{MAX_MATRIX_POWER} and {MAX_MATRIX_POWER}")
    n = int(exp)  # type: ignore[call-overload]
    result: MatrixBase = sympy.ImmutableMatrix(sympy.eye(base.rows))
    factor = inverse(base) if n < 0 else base
    for _ in range(abs(n)):
        result = matmul(result, factor)
    return result


def _laplace(m: MatrixBase) -> sympy.Expr:
    """Determinant by cofactor expansion with memoized minors: builds a tree, expands nothing."""

    @cache
    def minor(rows: tuple[int, ...], cols: tuple[int, ...]) -> sympy.Expr:
        if len(rows) == 1:
            return m[rows[0], cols[0]]
        terms = []
        for k, col in enumerate(cols):
            entry = m[rows[0], col]
            if entry != 0:
                sub = minor(rows[1:], cols[:k] + cols[k + 1:])
                terms.append(entry * sub if k % 2 == 0 else -entry * sub)
        return sympy.Add(*terms)

    return minor(tuple(range(m.rows)), tuple(range(m.cols)))


def _symbolic_limit(m: MatrixBase, what: str, limit: int) -> None:
    work = math.factorial(m.rows) * size(m)
    if m.rows > limit or work > 10 * MAX_WORK:
        raise ShapeProblem(f"{what} of a symbolic {shape_text(m)} matrix is too large to expand "
                           f"(limit {limit}x{limit})",
                           "keep it as a named matrix, e.g. declare its inverse Minv and assume "
                           "M*Minv == eye(n)")


def inverse(m: MatrixBase) -> MatrixBase:
    """The inverse: exact for numbers, adjugate over determinant by cofactors otherwise."""
    square(m, "inv")
    if not _symbolic(m):
        if m.det() == 0:
            raise ShapeProblem("inv of a singular matrix (its determinant is 0)")
        return sympy.ImmutableMatrix(m.inv())
    _symbolic_limit(m, "inv", MAX_SYMBOLIC_INV)
    det = _laplace(m)
    if det == 0:
        raise ShapeProblem("inv of a singular matrix (its determinant is 0)")
    n = m.rows
    if n == 1:
        return sympy.ImmutableMatrix([[1 / det]])

    def cofactor(i: int, j: int) -> sympy.Expr:
        rows = [r for r in range(n) if r != i]
        cols = [c for c in range(n) if c != j]
        value = _laplace(sympy.ImmutableMatrix([[m[r, c] for c in cols] for r in rows]))
        return value if (i + j) % 2 == 0 else -value

    return _bounded(sympy.ImmutableMatrix(n, n, lambda i, j: cofactor(j, i) / det), "inv")


def determinant(m: MatrixBase) -> object:
    """The determinant, sized first for symbolic matrices."""
    square(m, "det")
    if not _symbolic(m):
        return m.det()
    _symbolic_limit(m, "det", MAX_SYMBOLIC_DET)
    return _bounded(_laplace(m), "det")


def square(m: MatrixBase, what: str) -> None:
    """Reject a non-square argument of inv/det/trace."""
    if m.rows != m.cols:
        raise ShapeProblem(f"{what} needs a square matrix, but this is {shape_text(m)}")


def _dimension(builder: Builder, node: ast.AST, what: str) -> object:
    """A literal integer dimension 1..8 for eye/zeros, or a declared integer name (eye(k))."""
    if isinstance(node, ast.Name):
        value = builder.names.get(node.id)
        if isinstance(value, sympy.Symbol) and value.is_integer:
            return value
        raise builder.fail(node, f"{node.id!r} is not a declared integer", "e.g. k: integer >= 1")
    if (
        not isinstance(node, ast.Constant)
        or isinstance(node.value, bool)
        or not isinstance(node.value, int)
    ):
        raise builder.fail(node, f"{what} needs literal integer sizes, e.g. eye(2)")
    if not 1 <= node.value <= MAX_MATRIX:
        raise builder.fail(node, f"matrix size {node.value} is out of range (1 to {MAX_MATRIX})")
    return node.value


def matrix_call(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """inv, det, trace, eye, zeros, ones and Matrix."""
    args = node.args
    if name in ("eye", "zeros", "ones"):
        if not 1 <= len(args) <= (1 if name == "eye" else 2):
            raise builder.fail(node, f"{name} takes {'1' if name == 'eye' else '1 or 2'} "
                               f"argument(s), got {len(args)}")
        dims = [_dimension(builder, arg, name) for arg in args]
        rows, cols = dims[0], dims[-1]
        if name == "ones":  # ones(k): the all-ones k-vector; ones(k, d) a k x d matrix
            return indexed.ones(rows, cols if len(dims) == 2 else 1)
        if any(isinstance(d, sympy.Symbol) for d in dims):
            return sympy.Identity(rows) if name == "eye" else sympy.ZeroMatrix(rows, cols)
        made = sympy.eye(rows) if name == "eye" else sympy.zeros(rows, cols)
        return sympy.ImmutableMatrix(made)
    if name == "Matrix":
        return _literal(builder, node, scope)
    if name == "jacobian":
        return _jacobian(builder, node, scope)
    if name == "norm":
        return _norm(builder, node, scope)
    if name in ("kron", "vec"):
        return _kron_vec(builder, node, name, scope)
    if name in ("charpoly", "expm", "logm"):
        from lemma.derive.language import matfun

        return matfun.call(builder, node, name, scope)
    if name in ("hadamard", "diag", "pinv"):
        from lemma.derive.language import elementwise

        return elementwise.call(builder, node, name, scope)
    if len(args) != 1:
        raise builder.fail(node, f"{name} takes 1 argument, got {len(args)}")
    value = builder.conv(args[0], scope)
    if exprsym.is_symbolic(value):
        builder.transparent(args[0], value, name)
        made = exprsym.call(name, value)
        if name == "inv":
            builder.require("nonzero", sympy.Determinant(value),
                            f"det({builder.segment(args[0])})")
        return made
    if not isinstance(value, MatrixBase):
        raise builder.fail(args[0], f"{name} takes a matrix, but this is a scalar")
    if name == "inv":
        builder.transparent(args[0], value, "inv")
        inverted = inverse(value)
        builder.require("nonzero", determinant(value), f"det({builder.segment(args[0])})")
        return inverted
    if name == "det":
        return determinant(value)
    square(value, "trace")
    return value.trace()


def _kron_vec(builder: Builder, node: ast.Call, name: str, scope: dict[str, object]) -> object:
    """kron(A, B) and vec(X), for explicit matrices or matrices of symbolic size (not mixed)."""
    from lemma.derive.language import kron

    values = exprsym.matrix_arguments(builder, node, name, scope, 2 if name == "kron" else 1)
    if name == "vec":
        return kron.vec(values[0])
    if isinstance(values[0], MatrixBase) != isinstance(values[1], MatrixBase):
        raise builder.fail(node, "kron cannot combine a matrix of symbolic size with an "
                           "explicit matrix", "declare both with symbolic sizes")
    return kron.kron(values[0], values[1])


def _literal(builder: Builder, node: ast.Call, scope: dict[str, object]) -> MatrixBase:
    """Matrix([[a, b], [c, d]]) by rows, or Matrix([a, b]) as a column."""
    args = node.args
    if len(args) != 1 or not isinstance(args[0], ast.List | ast.Tuple):
        raise builder.fail(node, "Matrix takes one list: Matrix([[a, b], [c, d]]) or "
                           "Matrix([a, b])")
    items = args[0].elts
    nested = [isinstance(item, ast.List | ast.Tuple) for item in items]
    if not items:
        raise builder.fail(node, "Matrix needs at least one entry")
    if any(nested) and not all(nested):
        raise builder.fail(node, "Matrix rows must all be lists: Matrix([[a, b], [c, d]])")
    rows = [item.elts for item in items] if all(nested) else [[item] for item in items]  # type: ignore[attr-defined]
    width = len(rows[0])
    if len(rows) > MAX_MATRIX or width > MAX_MATRIX:
        raise builder.fail(node, f"Matrix is larger than {MAX_MATRIX}x{MAX_MATRIX}")
    if width == 0 or any(len(row) != width for row in rows):
        raise builder.fail(node, "Matrix rows must all have the same, non-zero length")
    first = builder.conv(rows[0][0], scope)
    if exprsym.is_symbolic(first):  # [[A, B], [C, D]] from blocks of symbolic size
        from lemma.derive.language.blocks import block_matrix

        cells = [[first if (i, j) == (0, 0) else builder.conv(cell, scope)
                  for j, cell in enumerate(row)] for i, row in enumerate(rows)]
        return block_matrix(builder, node, rows, cells)  # type: ignore[return-value]
    entries = [[first if (i, j) == (0, 0) else builder.scalar(cell, scope, "a Matrix entry")
                for j, cell in enumerate(row)] for i, row in enumerate(rows)]
    if isinstance(first, MatrixBase | MatrixExpr):
        raise builder.fail(rows[0][0], f"a Matrix entry takes a scalar, but this is a "
                           f"{shape_text(first)} matrix", one_by_one_hint(first))
    return sympy.ImmutableMatrix(entries)


def _explicit(builder: Builder, node: ast.AST, scope: dict[str, object], what: str) -> object:
    value = builder.conv(node, scope)
    if exprsym.is_symbolic(value):
        raise builder.fail(node, f"{what} of a matrix of symbolic size is not supported",
                           "declare it with a literal size, e.g. vector 3")
    return value


def _jacobian(builder: Builder, node: ast.Call, scope: dict[str, object]) -> MatrixBase:
    """jacobian(F, x): the m x n matrix of dF_i/dx_j, for F a scalar or an m-vector and x a
    declared n-vector (a scalar F gives the 1 x n row of its gradient)."""
    if len(node.args) != 2:
        raise builder.fail(node, "jacobian takes two arguments: jacobian(F, x)")
    first, second = (builder.conv(arg, scope) for arg in node.args)
    if exprsym.is_symbolic(first) or exprsym.is_symbolic(second):
        return _symbolic_jacobian(builder, node, first, second)
    f = _explicit(builder, node.args[0], scope, "jacobian")
    x = _explicit(builder, node.args[1], scope, "jacobian")
    if not (isinstance(x, MatrixBase) and x.cols == 1 and all(e.is_Symbol for e in x)):
        raise builder.fail(node.args[1], "the variable of jacobian must be a declared vector",
                           "declare it as `x: vector n`")
    if isinstance(f, MatrixBase) and f.cols != 1:
        raise builder.fail(node.args[0], f"jacobian takes a vector or a scalar, but this is a "
                           f"{shape_text(f)} matrix")
    builder.transparent(node.args[0], f, "jacobian")
    entries = list(f) if isinstance(f, MatrixBase) else [f]
    return sympy.ImmutableMatrix(len(entries), x.rows,
                                 lambda i, j: sympy.Derivative(entries[i], x[j]))


def _symbolic_jacobian(builder: Builder, node: ast.Call, f: object, x: object) -> object:
    """jacobian(F, x) at a symbolic size: F a vector expression, x a declared vector."""
    from lemma.derive.language.matcalc import Jacobian

    if not (isinstance(x, sympy.MatrixSymbol) and x.shape[1] == 1):
        raise builder.fail(node.args[1], "the variable of jacobian must be a declared vector",
                           "declare it as `x: vector k`")
    if not (exprsym.is_symbolic(f) and f.shape[1] == 1):  # type: ignore[attr-defined]
        raise builder.fail(node.args[0], "jacobian takes a vector of symbolic size, e.g. "
                           "jacobian(W*x, x) or jacobian(diff(f, x), x) for a Hessian")
    builder.transparent(node.args[0], f, "jacobian")
    for det in sympy.preorder_traversal(f):
        if isinstance(det, sympy.Determinant) and det.has(x):
            builder.require("nonzero", det, f"det({det.args[0]})")
    return Jacobian(f, x)


def _norm(builder: Builder, node: ast.Call, scope: dict[str, object]) -> sympy.Expr:
    """norm(v): the Euclidean norm of a vector, the Frobenius norm of a matrix; at a symbolic
    size sqrt(trace(v.T*v)), so the ring normal form and the gradient rules reach inside."""
    if len(node.args) != 1:
        raise builder.fail(node, "norm takes one argument: norm(v)")
    value = builder.conv(node.args[0], scope)
    if exprsym.is_symbolic(value):
        builder.transparent(node.args[0], value, "norm")
        return sympy.sqrt(sympy.Trace(sympy.MatMul(value.T, value)))  # type: ignore[attr-defined]
    if not isinstance(value, MatrixBase):
        raise builder.fail(node.args[0], "norm takes a vector or a matrix; for a scalar use Abs")
    builder.transparent(node.args[0], value, "norm")
    return sympy.sqrt(sympy.Add(*(e**2 for e in value)))
