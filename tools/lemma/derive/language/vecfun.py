"""Scalar functions of a vector of symbolic size: `g: function k`, `g(W*h)`, `grad(g, W*h)`.

`g(z)` is a scalar and `grad(g, z)` the k x 1 gradient of g at z; with the gradients of
matcalc they state the chain rule at any size, `diff(g(W*h), h) = W.T*grad(g, W*h)`. In a proof
`grad(g, z)` is one opaque k x 1 matrix (a stand-in symbol named after g and z); at a sample
point g is a random function of the drawn number of variables, so both are numbers.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import exprsym
from lemma.derive.language.explicit import written_out

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder

#: Most variables a random stand-in of a vector function has (a larger drawn size: no value).
MAX_VARIABLES = 8
VARIABLES = tuple(sympy.Symbol(f"x{i + 1}", real=True) for i in range(MAX_VARIABLES))


class VectorFunction(sympy.Basic):
    """A declared scalar function of a vector of size `size` (a dimension symbol)."""

    def __new__(cls, name: str | sympy.Symbol, size: sympy.Expr) -> VectorFunction:
        symbol = name if isinstance(name, sympy.Symbol) else sympy.Symbol(name)
        return sympy.Basic.__new__(cls, symbol, size)

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def size(self) -> sympy.Expr:
        return self.args[1]

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


class VectorCall(sympy.Expr):
    """g(z): the value of a vector function at a k x 1 matrix expression."""

    is_commutative = True
    is_real = True

    def __new__(cls, fn: VectorFunction, arg: MatrixExpr) -> VectorCall:
        return sympy.Expr.__new__(cls, fn, arg)

    def _sympystr(self, printer: object) -> str:
        return f"{self.args[0].name}({printer._print(self.args[1])})"  # type: ignore[attr-defined]

    def _eval_derivative(self, s: object) -> sympy.Expr:
        raise TypeError("differentiate g(z) through diff(g(z), v) by a vector or matrix")


class VectorGradient(MatrixExpr):
    """grad(g, z): the k x 1 gradient of a vector function g at z."""

    def __new__(cls, fn: VectorFunction, arg: MatrixExpr) -> VectorGradient:
        return sympy.Basic.__new__(cls, fn, arg)

    @property
    def shape(self) -> tuple[object, object]:
        return (self.args[0].size, sympy.Integer(1))

    def _sympystr(self, printer: object) -> str:
        return f"grad({self.args[0].name}, {printer._print(self.args[1])})"  # type: ignore[attr-defined]

    def stand_in(self) -> sympy.MatrixSymbol:
        """The opaque matrix symbol a proof uses (equal for equal g and z)."""
        return sympy.MatrixSymbol(f"∇{self.args[0].name}@{sympy.sstr(self.args[1])}",
                                  self.args[0].size, 1)


def at_point(expr: sympy.Basic, functions: dict[object, sympy.Expr]) -> sympy.Basic:
    """`expr` with every g(z) and grad(g, z) whose z is explicit replaced by numbers: g is the
    point's stand-in, a function of the first n of VARIABLES (n the drawn size)."""
    if not isinstance(expr, sympy.Basic) or not expr.has(VectorCall, VectorGradient):
        return expr

    def value(node: sympy.Basic) -> sympy.Basic:
        fn, arg = node.args
        if isinstance(arg, MatrixExpr) and not isinstance(arg, sympy.MatrixBase):
            sized = all(getattr(d, "is_number", True) for d in arg.shape)
            arg = written_out(arg) if sized else arg  # direct arithmetic, no Sum per entry
        if not isinstance(arg, sympy.MatrixBase):
            return node
        entries = list(sympy.ImmutableMatrix(arg.doit()))
        if len(entries) > MAX_VARIABLES:
            raise ValueError(f"a vector function of more than {MAX_VARIABLES} variables")
        stand_in = next(v for f, v in functions.items()  # its size may be a number now
                        if isinstance(f, VectorFunction) and f.name == fn.name)
        table = {v: (entries[i] if i < len(entries) else sympy.Integer(0))
                 for i, v in enumerate(VARIABLES)}
        if isinstance(node, VectorCall):
            return stand_in.xreplace(table)
        return sympy.ImmutableMatrix(len(entries), 1, [sympy.diff(stand_in, v).xreplace(table)
                                                       for v in VARIABLES[:len(entries)]])

    return expr.replace(lambda n: isinstance(n, VectorCall | VectorGradient), value)


def call(builder: Builder, node: ast.Call, name: str, fn: object,
         scope: dict[str, object]) -> sympy.Basic:
    """g(z) and grad(g, z) for `g: function k` and z a k x 1 matrix of symbolic size."""
    args = list(node.args)
    gradient = fn is None
    if gradient:  # grad(g, z)
        first = args[0] if args else None
        target = builder.names.get(first.id) if isinstance(first, ast.Name) else None
        if len(args) != 2 or not isinstance(target, VectorFunction):
            raise builder.fail(node, "grad takes a function of a vector and a point: "
                               "grad(g, z) for `g: function k`")
        fn, args = target, args[1:]
    elif len(args) != 1:
        raise builder.fail(node, f"{name} takes one argument, a vector of size {fn.size}")  # type: ignore[attr-defined]
    value = builder.conv(args[0], scope)  # type: ignore[attr-defined]
    builder.transparent(args[0], value, f"the argument of {fn.name}")  # type: ignore[attr-defined]
    if not (exprsym.is_symbolic(value) and exprsym.same(value.rows, fn.size)  # type: ignore[attr-defined]
            and value.cols == 1):  # type: ignore[attr-defined]
        raise builder.fail(args[0], f"{fn.name} takes a {fn.size} x 1 vector of symbolic "  # type: ignore[attr-defined]
                           "size", f"it is declared as `{fn.name}: function {fn.size}`")  # type: ignore[attr-defined]
    if gradient:
        return VectorGradient(fn, value)  # type: ignore[arg-type]
    return VectorCall(fn, value)  # type: ignore[arg-type]
