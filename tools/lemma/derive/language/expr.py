"""Safe expression parser: Python `ast` to sympy objects through a whitelist, with resource limits.

Note text is data: it is parsed by `ast.parse` and walked node by node; nothing is evaluated by
Python, and sympy only ever sees constructors whose arguments have been bounded first.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from fractions import Fraction

import sympy
from sympy.core.function import UndefinedFunction
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language import (
    exprbind,
    exprcond,
    exprfun,
    exprgauss,
    exprsym,
    indexed,
    printing,
    sideconditions,
    syntax,
    vecfun,
)
from lemma.derive.language import exprmat as mat
from lemma.derive.language.block import Condition, DerivationSyntaxError
from lemma.derive.language.builder import Builder
from lemma.derive.language.tables import (
    BINDERS,
    BOUNDED_ARGS,
    CONSTANTS,
    FUNCTIONS,
    MATRIX_FUNCTIONS,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_FACTORIAL,
    MAX_NUMBER_BITS,
    MAX_POWER_BITS,
    SCALAR_FUNCTIONS,
    SPECIAL_FUNCTIONS,
    numeric_size,
)
from lemma.model import SourcePos

_DECIMAL = re.compile(r"(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?")
_NOT_ALLOWED = {
    ast.Lambda: "lambda expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Compare: "comparisons are not allowed inside an expression",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.IfExp: "conditional expressions (a if c else b) are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Starred: "starred arguments (*args) are not allowed",
    ast.Slice: "slices are not allowed",
}
_HINTS = {
    ast.Compare: "a relation (=, <=, <, >=, >) starts a calc line; hypotheses use ==",
}
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def is_matrix(value: object) -> bool:
    """True for a matrix: explicit (entries) or of symbolic size (`W: matrix k x d`)."""
    return isinstance(value, MatrixBase | MatrixExpr)


def parse_expression(
    text: str, names: Mapping[str, object], pos: SourcePos, *, bound_ok: bool = True
) -> object:
    """Turn one expression of a derivation into a sympy expression or ImmutableMatrix.

    `names` maps declared names to their sympy objects; `pos` is where `text` starts in the file
    (later lines of a multi-line `text` are whole file lines). With `bound_ok=False`, binders
    (Sum, Integral, ...) may only use declared names as their variables.
    """
    return parse_with_conditions(text, names, pos, bound_ok=bound_ok)[0]


def parse_with_conditions(
    text: str,
    names: Mapping[str, object],
    pos: SourcePos,
    *,
    bound_ok: bool = True,
    opaque: frozenset[sympy.Symbol] = frozenset(),
) -> tuple[object, tuple[Condition, ...]]:
    """The expression and the conditions under which it is defined, as the author wrote it.

    `opaque` are symbols standing for hypotheses in a linear combination: they may only be
    added, subtracted and multiplied (Mathlib's ring rule), never divided by or passed to a
    function.
    """
    builder = ExpressionBuilder(text, names, pos, bound_ok, opaque)
    try:
        value = builder.build()
        return value, tuple(builder.conditions)
    except DerivationSyntaxError:
        raise
    except RecursionError:
        raise builder.fail(0, "expression is too deeply nested to build") from None
    except Exception as err:  # sympy rejecting a whitelisted construct: report, never a traceback
        raise builder.fail(0, "cannot build this expression: "
                           + printing.plain_error(err)) from None


class ExpressionBuilder(Builder):
    """The walk over one expression: the whitelist of syntax nodes, operators and calls."""

    # -- entry point ----------------------------------------------------------------------

    def build(self) -> object:
        return self.conv(syntax.syntax_tree(self).body, {})

    # -- the walk -------------------------------------------------------------------------

    def conv(self, node: ast.AST, scope: dict[str, object]) -> object:
        """Convert one syntax node; anything not whitelisted is an error."""
        if isinstance(node, ast.BinOp):
            return self.binop(node, scope)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.conv(node.operand, scope)  # type: ignore[operator]
            if isinstance(node.op, ast.UAdd):
                return self.conv(node.operand, scope)
            raise self.fail(node, "only unary - and + are allowed")
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.Subscript):
            return indexed.subscript(self, node, scope)
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                attr = self.segment(node).rpartition(".")[2].strip()
                raise self.fail(node, f"attribute access .{attr} is not allowed",
                                "only .T (transpose) is allowed")
            value = self.conv(node.value, scope)
            if not is_matrix(value):
                raise self.fail(node, ".T is the transpose of a matrix, but this is a scalar")
            return value.T  # type: ignore[attr-defined]
        if isinstance(node, ast.Tuple | ast.List):
            raise self.fail(node, "a tuple or list is only allowed as a function argument",
                            "e.g. the bounds (j, a, b) of Sum, or the rows of Matrix([[...]])")
        for kind, message in _NOT_ALLOWED.items():
            if isinstance(node, kind):
                raise self.fail(node, message, _HINTS.get(kind, ""))
        raise self.fail(node, f"{type(node).__name__} is not allowed in an expression")

    def scalar(self, node: ast.AST, scope: dict[str, object], what: str) -> sympy.Expr:
        """Convert a node that must be a scalar (not a matrix)."""
        value = self.conv(node, scope)
        if exprsym.one_by_one(value):  # exp(a.T*x): a 1 x 1 product of symbolic size
            return sympy.Trace(value)
        if is_matrix(value):
            raise self.fail(node, f"{what} takes a scalar, but this is a "
                            f"{mat.shape_text(value)} matrix", mat.one_by_one_hint(value))
        return value  # type: ignore[return-value]

    def constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        seg = self.flat[node.col_offset:node.end_col_offset].replace("_", "")
        if isinstance(value, complex):
            raise self.fail(node, f"complex literal {seg} is not allowed",
                            "write I for the imaginary unit, e.g. 2*I")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, f"the literal {seg} is not allowed",
                            "only numbers, names and function calls are allowed")
        if isinstance(value, int):
            if not seg.isdigit():
                raise self.fail(node, f"write integers in decimal, not {seg}")
            if len(seg.lstrip("0")) > MAX_DIGITS:
                raise self.fail(node, f"integer literal has {len(seg)} digits; the limit is "
                                f"{MAX_DIGITS}", "write large numbers as powers, e.g. 10**40")
            return sympy.Integer(int(seg))
        match = _DECIMAL.fullmatch(seg)
        if not match:
            raise self.fail(node, f"cannot read the number {seg}")
        whole, frac, exponent = match.groups()
        if len((whole + frac).lstrip("0")) > MAX_DIGITS or abs(int(exponent or 0)) > MAX_DIGITS:
            raise self.fail(node, f"decimal literal {seg} is too long; the limit is "
                            f"{MAX_DIGITS} digits and exponent {MAX_DIGITS}")
        exact = Fraction(seg)
        return sympy.Rational(exact.numerator, exact.denominator)

    def name(self, node: ast.Name, scope: dict[str, object]) -> object:
        ident = node.id
        value = scope.get(ident, self.names.get(ident))
        if value is None and ident in CONSTANTS:
            return CONSTANTS[ident]
        if isinstance(value, UndefinedFunction):
            raise self.fail(node, f"{ident!r} is a function; call it with its arguments",
                            f"e.g. {ident}(x)")
        if value is not None:
            return value
        if ident in FUNCTIONS:
            raise self.fail(node, f"{ident!r} is a function; call it with its arguments",
                            f"e.g. {ident}(x)")
        raise self.fail(node, f"undeclared name {ident!r}", "declare it under given:")

    def binop(self, node: ast.BinOp, scope: dict[str, object]) -> object:
        op = type(node.op)
        if op is ast.BitXor:
            raise self.fail(self.operator_offset(node), "'^' is not a power here",
                            "use ** for powers, e.g. x**2")
        if op is ast.MatMult:
            return self.matmul(node, scope)
        if op not in _OPS:
            raise self.fail(node, "only + - * / ** are allowed as operators")
        # a long flat chain a + b - c * d ... is folded left to right without recursion
        spine = [node]
        while syntax.chained(spine[-1]) and syntax.chained(spine[-1].left):
            spine.append(spine[-1].left)  # type: ignore[arg-type]
        value = self.conv(spine[-1].left, scope)
        for link in reversed(spine):
            value = self.apply(link, value, self.conv(link.right, scope))
        return value

    def matmul(self, node: ast.BinOp, scope: dict[str, object]) -> object:
        """`A @ B`: the matrix product, as `A*B`; with a scalar operand it is an error."""
        left, right = self.conv(node.left, scope), self.conv(node.right, scope)
        if not (is_matrix(left) and is_matrix(right)):
            which = "both operands are scalars" if not (is_matrix(left) or is_matrix(right)) \
                else f"the {'left' if not is_matrix(left) else 'right'} operand is a scalar"
            raise self.fail(self.operator_offset(node), f"'@' is the matrix product, but {which}",
                            "use * to multiply by a scalar")
        try:
            return self.defined(node, mat.combine("*", left, right))
        except mat.ShapeProblem as err:
            raise self.fail(self.operator_offset(node), err.message, err.hint) from None

    def apply(self, node: ast.BinOp, left: object, right: object) -> object:
        """One binary operation on converted operands, with its side conditions."""
        op = type(node.op)
        if op is ast.Div:
            self.transparent(node.right, right, "a denominator")
            if not is_matrix(right):
                self.require("nonzero", right, node.right)
        try:
            if op is ast.Pow:
                result = self.power(node, left, right)
            else:
                result = mat.combine(_OPS[op], left, right)
        except mat.ShapeProblem as err:
            raise self.fail(self.operator_offset(node), err.message, err.hint) from None
        return self.defined(node, result)

    def operator_offset(self, node: ast.BinOp) -> int:
        """Offset of the operator of a binary operation (errors point at it, not the operand)."""
        start, end = node.left.end_col_offset or 0, node.right.col_offset
        gap = self.flat[start:end]
        symbol = {**_OPS, ast.BitXor: "^", ast.MatMult: "@"}.get(type(node.op), "")
        found = gap.find(symbol) if symbol else -1
        return self.shift + (start + found if found >= 0 else node.col_offset)

    def defined(self, node: ast.AST, value: object) -> object:
        """Reject values sympy marks undefined (1/0, 0**-1, oo - oo) and overlong numbers."""
        if value is sympy.zoo or value is sympy.nan:
            raise self.fail(node, "the value is undefined (division by zero, log(0), oo - oo "
                            "or 0*oo)")
        if isinstance(value, sympy.Rational):
            bits = max(abs(value.p).bit_length(), value.q.bit_length())
            if bits > MAX_NUMBER_BITS:
                raise self.fail(node, f"a number of about {int(bits * 0.30103)} digits is too "
                                "large", "keep it symbolic, e.g. declare a name for it")
        return value

    def power(self, node: ast.BinOp, base: object, exponent: object) -> object:
        """`base ** exponent` with bounded exponents; numeric powers are sized before evaluating."""
        if is_matrix(exponent):
            raise mat.ShapeProblem("a matrix cannot be an exponent")
        exp = exponent
        self.transparent(node.right, exp, "an exponent")
        seen = sideconditions.from_lower_bounds(exp, self.binders)
        natural = bool(getattr(seen, "is_integer", False) and seen.is_nonnegative)  # type: ignore[union-attr]
        if not natural:
            self.transparent(node.left, base, "a power other than 0, 1, 2, ...")
        if is_matrix(base):
            if getattr(exp, "is_negative", False) and base.rows == base.cols:  # type: ignore[attr-defined]
                det = (sympy.Determinant(base) if exprsym.is_symbolic(base)
                       else mat.determinant(base))
                self.require("nonzero", det, f"det({self.segment(node.left)})")
            return mat.matrix_power(base, exp)
        exprcond.power_conditions(self, node, base, exp, natural)
        if exp.is_number and exp.is_Rational:  # type: ignore[union-attr]
            if abs(exp) > MAX_EXPONENT:
                raise self.fail(node.right, f"exponent {exp} is too large (the limit is "
                                f"{MAX_EXPONENT})", "keep the exponent symbolic, e.g. x**n")
            if base.is_Rational:  # type: ignore[union-attr]
                bits = max(abs(base.p).bit_length(), base.q.bit_length())  # type: ignore[union-attr]
                if bits * abs(exp.p) > MAX_POWER_BITS * exp.q:  # type: ignore[union-attr]
                    raise self.fail(node, f"the power {_short(base)}**{exp} is too large to "
                                    "compute", "keep it symbolic, e.g. declare the base")
        elif exp.is_number and base.is_number:  # type: ignore[union-attr]
            size = numeric_size(exp)
            if size is None or size > MAX_EXPONENT:
                raise self.fail(node.right, "a numeric exponent of a number must be at most "
                                f"{MAX_EXPONENT} in size")
        return sympy.Pow(base, exp)

    # -- calls ----------------------------------------------------------------------------

    def call(self, node: ast.Call, scope: dict[str, object]) -> object:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only named functions can be called",
                            "e.g. sqrt(x) or a declared function g(x)")
        if node.keywords:
            raise self.fail(node.keywords[0], "keyword arguments are not allowed")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, "starred arguments (*args) are not allowed")
        name = node.func.id
        value = scope.get(name, self.names.get(name))
        if value is None and name in exprgauss.CALLS:  # E(...) is a mean; E alone is e
            return exprgauss.call(self, node, name, scope)
        if isinstance(value, UndefinedFunction):
            return self.undefined_call(node, name, value, scope)
        if isinstance(value, vecfun.VectorFunction) or (name == "grad" and value is None):
            return vecfun.call(self, node, name, value, scope)
        if value is not None:
            kind = "matrix" if is_matrix(value) else "scalar"
            raise self.fail(node.func, f"{name!r} is declared as a {kind}, not a function",
                            f"declare it as `{name}: function N` to call it")
        if name in SCALAR_FUNCTIONS:
            return self.scalar_call(node, name, scope)
        if name in SPECIAL_FUNCTIONS:
            return self.special_call(node, name, scope)
        if name in BINDERS:
            built = exprbind.binder(self, node, name, scope)
            self.transparent(node, built, name)
            return built
        if name in MATRIX_FUNCTIONS:
            try:
                return mat.matrix_call(self, node, name, scope)
            except mat.ShapeProblem as err:
                raise self.fail(node, err.message, err.hint) from None
        raise self.fail(node.func, f"unknown function {name!r}",
                        "allowed: " + " ".join(sorted(FUNCTIONS, key=str.lower))
                        + "; or declare `NAME: function N`")

    def scalar_call(self, node: ast.Call, name: str, scope: dict[str, object]) -> object:
        fn, least, most = SCALAR_FUNCTIONS[name]
        count = len(node.args)
        if not least <= count <= most:
            want = str(least) if least == most else f"{least} to {most}"
            raise self.fail(node, f"{name} takes {want} argument(s), got {count}")
        args = [self.scalar(arg, scope, name) for arg in node.args]
        if name in ("Max", "Min"):
            for arg, sub in zip(args, node.args, strict=True):
                exprfun.real_argument(self, sub, arg, name)
        exprcond.call_conditions(self, node, name, args)
        if name in BOUNDED_ARGS:
            for arg, sub in zip(args, node.args, strict=True):
                size = numeric_size(arg) if arg.is_number else 0
                if size is None or size > MAX_FACTORIAL:
                    raise self.fail(sub, f"{name} of a number larger than {MAX_FACTORIAL} is "
                                    "not computed", "keep the argument symbolic")
        return self.defined(node, fn(*args))

    def special_call(self, node: ast.Call, name: str, scope: dict[str, object]) -> object:
        """Piecewise, Heaviside, and the abbreviations sigmoid and softplus."""
        if name == "Piecewise":
            built = exprfun.piecewise(self, node, scope)
        elif name == "Heaviside":
            built = exprfun.heaviside(self, node, scope)
        else:
            if len(node.args) != 1:
                raise self.fail(node, f"{name} takes 1 argument, got {len(node.args)}")
            arg = self.scalar(node.args[0], scope, name)
            built = exprfun.abbreviation(self, node, name, arg)
        self.transparent(node, built, name)
        return self.defined(node, built)

    def undefined_call(
        self, node: ast.Call, name: str, fn: UndefinedFunction, scope: dict[str, object]
    ) -> object:
        nargs = fn.nargs
        single = isinstance(nargs, sympy.FiniteSet) and len(nargs) == 1
        arity = int(next(iter(nargs))) if single else None
        values = [self.conv(arg, scope) for arg in node.args]
        for value, sub in zip(values, node.args, strict=False):
            self.transparent(sub, value, f"the argument of {name}")
        if len(values) == 1 and exprsym.is_symbolic(values[0]):
            raise self.fail(node.args[0], f"{name} of a vector of symbolic size is not supported",
                            "declare the vector with a literal size, e.g. vector 3")
        if len(values) == 1 and is_matrix(values[0]) and 1 in values[0].shape:  # type: ignore
            entries = list(values[0])  # type: ignore[call-overload]
            if arity is not None and len(entries) != arity and arity != 1:
                raise self.fail(node.args[0], f"{name} takes {arity} arguments, but this "
                                f"vector has {len(entries)} entries")
            if arity is None or len(entries) == arity:
                values = entries  # g(W*x) with W*x a vector: one argument per entry
        for value, sub in zip(values, node.args, strict=False):
            if is_matrix(value):
                raise self.fail(sub, f"{name} takes scalars, but this is a "
                                f"{mat.shape_text(value)} matrix")
        if arity is not None and len(values) != arity:
            raise self.fail(node, f"{name} takes {arity} argument(s), got {len(values)}",
                            f"it is declared as `{name}: function {arity}`")
        return fn(*values)


def _short(number: sympy.Rational) -> str:
    """A number for a message: itself when short, else its size."""
    bits = max(abs(number.p).bit_length(), number.q.bit_length())
    return str(number) if bits < 100 else f"<a {int(bits * 0.30103)}-digit number>"
