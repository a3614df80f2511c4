"""Binding constructs of the expression parser: Sum, Product, Integral, Derivative, Subs, Limit.

Their variables need no declaration: an undeclared bound name becomes a plain sympy Symbol (integer
for Sum/Product indices, real otherwise), the same object every time, so parsing is deterministic.
All of them are built unevaluated; `diff` is a synonym of `Derivative` (the checker evaluates).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

import sympy
from sympy.matrices import MatrixBase
from sympy.matrices.expressions import MatrixExpr

from lemma.derive.language.block import Binder
from lemma.derive.language.exprmat import shape_text
from lemma.derive.language.tables import (
    CONSTANTS,
    FUNCTIONS,
    MAX_DIFF_ORDER,
    MAX_TERMS,
    numeric_size,
)

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder

Scope = dict[str, object]


def binder(builder: Builder, node: ast.Call, name: str, scope: Scope) -> object:
    """Build one binding construct; `name` is one of expr.BINDERS."""
    if name in ("Sum", "Product"):
        return _sum(builder, node, name, scope)
    if name == "Integral":
        return _integral(builder, node, scope)
    if name in ("Derivative", "diff"):
        return _derivative(builder, node, name, scope)
    if name == "Subs":
        return _subs(builder, node, scope)
    return _limit(builder, node, scope)


class BoundSymbol(sympy.Symbol):
    """The variable of a Sum, Product, Integral, Subs or Limit: local to its binder.

    A distinct class, so it never equals a declared symbol of the same name: the declared
    `x: real > 0` says nothing about the `x` of `Integral(f(x), (x, -1, 1))`, and sample points
    never substitute a number into a binder. The same text gives the same symbol, so
    `Sum(f(j), (j, 1, n)) - Sum(f(j), (j, 1, n))` is still 0.
    """


def _fresh(ident: str, integer: bool) -> sympy.Symbol:
    return BoundSymbol(ident, integer=True) if integer else BoundSymbol(ident, real=True)


def _variable(builder: Builder, node: ast.AST, scope: Scope, what: str, *,
              integer: bool = False, vector_ok: bool = False, fresh: bool = True) -> object:
    """The symbol a binder binds: always a fresh local one, except for a derivative's variable
    (`fresh=False`), which is the declared name it differentiates by."""
    if not isinstance(node, ast.Name):
        raise builder.fail(node, f"the variable of {what} must be a name, e.g. j")
    ident = node.id
    existing = scope.get(ident, builder.names.get(ident))
    if existing is None and (ident in CONSTANTS or ident in FUNCTIONS):
        raise builder.fail(node, f"{ident!r} cannot be a bound variable: it is a built-in name")
    if fresh and (existing is None or isinstance(existing, sympy.Symbol)):
        if existing is None and not builder.bound_ok:
            raise builder.fail(node, f"undeclared name {ident!r}", "declare it under given:")
        return _fresh(ident, integer)
    if isinstance(existing, sympy.Symbol):
        return existing
    if isinstance(existing, MatrixBase) and vector_ok and existing.cols == 1:
        return existing
    if isinstance(existing, sympy.MatrixSymbol) and vector_ok:
        return existing  # a gradient by a matrix of symbolic size
    if existing is not None:
        raise builder.fail(node, f"{ident!r} cannot be the variable of {what}: it is not a "
                           "scalar name")
    if not builder.bound_ok:
        raise builder.fail(node, f"undeclared name {ident!r}", "declare it under given:")
    return sympy.Symbol(ident, integer=True) if integer else sympy.Symbol(ident, real=True)


def _need(builder: Builder, node: ast.Call, name: str, least: int, most: int, usage: str) -> None:
    if not least <= len(node.args) <= most:
        raise builder.fail(node, f"{name} takes {usage}")


def _sum(builder: Builder, node: ast.Call, name: str, scope: Scope) -> object:
    _need(builder, node, name, 2, 5, "an expression and bounds, e.g. " + name + "(f, (j, 1, n))")
    inner = dict(scope)
    limits = []
    for lim in reversed(node.args[1:]):  # the last bound is the outermost
        if not isinstance(lim, ast.Tuple | ast.List) or len(lim.elts) != 3:
            raise builder.fail(lim, f"{name} bounds must be a tuple (j, a, b)")
        var = _variable(builder, lim.elts[0], inner, name, integer=True)
        low = builder.scalar(lim.elts[1], inner, f"a bound of {name}")
        high = builder.scalar(lim.elts[2], inner, f"a bound of {name}")
        for bound, sub in ((low, lim.elts[1]), (high, lim.elts[2])):
            if not (bound.is_integer or bound in (sympy.oo, -sympy.oo)):
                raise builder.fail(sub, f"a bound of {name} must be an integer, and "
                                   f"{builder.segment(sub)} is not known to be one",
                                   "declare it as an integer, or round it with floor(...)")
        builder.require("nonnegative", high - low + 1,
                        f"{builder.segment(lim.elts[2])} - ({builder.segment(lim.elts[1])}) + 1",
                        defines=False)
        if low.is_number and high.is_number and low.is_finite and high.is_finite:
            span = numeric_size(high - low)
            if span is None or span + 1 > MAX_TERMS:
                count = f"{high - low + 1} terms" if span is not None else "too many terms"
                raise builder.fail(lim, f"{name} over {count} is not expanded: the limit is "
                                   f"{MAX_TERMS} terms with numeric bounds",
                                   "use a symbolic bound, e.g. (j, 1, n)")
        inner[lim.elts[0].id] = var  # type: ignore[attr-defined]
        limits.append((var, low, high))
        builder.binders.append(Binder(var, low, high, "sum"))
    try:
        body = builder.scalar(node.args[0], inner, name)
    finally:
        del builder.binders[len(builder.binders) - len(limits):]
    cls = sympy.Sum if name == "Sum" else sympy.Product
    built = cls(body, *reversed(limits))
    terms = expansion(built)
    if terms > MAX_TERMS:
        raise builder.fail(node, f"nested sums and products expand to {terms} terms: the limit "
                           f"is {MAX_TERMS} with numeric bounds",
                           "use a symbolic bound, e.g. (j, 1, n)")
    return built


def expansion(expr: object) -> int:
    """Terms that evaluating the numeric-bound Sums/Products inside `expr` would produce."""
    if not isinstance(expr, sympy.Basic):
        return 1
    if isinstance(expr, sympy.Sum | sympy.Product):
        count = 1
        for _, low, high in expr.limits:
            span = high - low
            if span.is_Integer:
                count *= max(int(span) + 1, 0)
        return count * expansion(expr.function)
    return max((expansion(arg) for arg in expr.args), default=1)


def _integral(builder: Builder, node: ast.Call, scope: Scope) -> object:
    _need(builder, node, "Integral", 2, 4, "an expression and variables, e.g. "
          "Integral(f, (x, 0, 1)) or Integral(f, x)")
    inner = dict(scope)
    limits: list[tuple[object, ...]] = []
    for lim in reversed(node.args[1:]):
        parts = lim.elts if isinstance(lim, ast.Tuple | ast.List) else [lim]
        if len(parts) not in (1, 3):
            raise builder.fail(lim, "Integral limits must be x or (x, a, b)")
        var = _variable(builder, parts[0], inner, "Integral")
        bounds = [builder.scalar(p, inner, "a bound of Integral") for p in parts[1:]]
        inner[parts[0].id] = var  # type: ignore[attr-defined]
        limits.append((var, *bounds))
        low, high = (bounds[0], bounds[1]) if bounds else (None, None)
        builder.binders.append(Binder(var, low, high, "integral"))
    try:
        body = builder.scalar(node.args[0], inner, "Integral")
    finally:
        del builder.binders[len(builder.binders) - len(limits):]
    return sympy.Integral(body, *reversed(limits))


def _order(builder: Builder, node: ast.AST) -> int:
    if (
        not isinstance(node, ast.Constant)
        or isinstance(node.value, bool)
        or not isinstance(node.value, int)
        or not 1 <= node.value <= MAX_DIFF_ORDER
    ):
        raise builder.fail(node, f"a derivative order must be a literal integer from 1 to "
                           f"{MAX_DIFF_ORDER}")
    return node.value


def _derivative(builder: Builder, node: ast.Call, name: str, scope: Scope) -> object:
    _need(builder, node, name, 2, 9, f"an expression and variables, e.g. {name}(f, x)")
    args = node.args
    specs: list[tuple[object, int]] = []
    inner = dict(scope)
    i = 1
    while i < len(args):
        arg = args[i]
        if isinstance(arg, ast.Tuple | ast.List) and len(arg.elts) == 2:
            var_node, order = arg.elts[0], _order(builder, arg.elts[1])
        else:
            var_node, order = arg, 1
            if i + 1 < len(args) and isinstance(args[i + 1], ast.Constant):
                order = _order(builder, args[i + 1])
                i += 1
        var = _variable(builder, var_node, inner, name, vector_ok=True, fresh=False)
        inner[var_node.id] = var  # type: ignore[attr-defined]
        specs.append((var, order))
        i += 1
    if sum(order for _, order in specs) > MAX_DIFF_ORDER:
        raise builder.fail(node, f"total derivative order is above {MAX_DIFF_ORDER}")
    body = builder.conv(args[0], inner)
    if any(isinstance(var, sympy.MatrixSymbol) for var, _ in specs):
        return _matrix_gradient(builder, node, name, body, specs)
    variables = {s for var, _ in specs
                 for s in (var if isinstance(var, MatrixBase) else [var])}  # type: ignore[union-attr]
    for kink, what in kinks(body, variables):
        before = len(builder.conditions)
        builder.require("nonzero", kink, str(kink))
        if len(builder.conditions) > before:  # say why: the derivative of Abs at 0 and so on
            made = builder.conditions[-1]
            builder.conditions[-1] = replace(made, text=f"{made.text} (the kink of {what})")
    vectors = [var for var, _ in specs if isinstance(var, MatrixBase)]
    if vectors:
        if len(specs) != 1 or specs[0][1] != 1 or isinstance(body, MatrixBase):
            raise builder.fail(node, "a derivative by a vector is the gradient of a scalar: "
                               f"{name}(f, x) with x a vector, first order only")
        grad = vectors[0]
        return sympy.ImmutableMatrix(grad.rows, 1, [sympy.Derivative(body, v) for v in grad])
    if isinstance(body, MatrixBase):
        return sympy.ImmutableMatrix(body.applyfunc(lambda e: sympy.Derivative(e, *specs)))
    return sympy.Derivative(body, *specs)


def _matrix_gradient(builder: Builder, node: ast.Call, name: str, body: object,
                     specs: list[tuple[object, int]]) -> object:
    """diff(f, X) for X a matrix of symbolic size: the gradient of a scalar f, first order,
    with `det(M) != 0` recorded for every determinant it differentiates through."""
    from lemma.derive.language.matcalc import Gradient

    (var, order), = specs if len(specs) == 1 else ((None, 0),)
    if var is None or order != 1:
        raise builder.fail(node, f"a derivative by a matrix of symbolic size is the gradient of "
                           f"a scalar: {name}(f, X), first order, one variable")
    if isinstance(body, MatrixBase) or (isinstance(body, MatrixExpr) and body.shape != (1, 1)):
        raise builder.fail(node, "a derivative by a matrix of symbolic size takes a scalar (or "
                           "1 x 1) expression, e.g. diff(x.T*A*x, x) or diff(trace(A*X), X)")
    for det in sympy.preorder_traversal(body):
        if isinstance(det, sympy.Determinant) and det.has(var):
            builder.require("nonzero", det, f"det({det.args[0]})")
    return Gradient(body, var)


#: Functions without a derivative somewhere: where each one's kink lies (an expression that is
#: zero exactly there), so differentiating them records "off the kink" like any side condition.
_KINKED = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.floor,
           sympy.ceiling, sympy.Piecewise)


def kinks(body: object, variables: set[object]) -> list[tuple[sympy.Expr, str]]:
    """(expression zero at the kink, function name) for each kinked function of the
    differentiation variables in `body`: sympy's diff(Abs(x), x) = sign(x) and
    diff(Max(x, 0), x) = Heaviside(x) give a value at 0, where no derivative exists."""
    found: list[tuple[sympy.Expr, str]] = []
    for entry in (list(body) if isinstance(body, MatrixBase) else [body]):  # type: ignore[call-overload]
        if not isinstance(entry, sympy.Basic):
            continue
        for node in sympy.preorder_traversal(entry):
            if not isinstance(node, _KINKED) or not node.free_symbols & variables:
                continue
            name = type(node).__name__
            if isinstance(node, sympy.Max | sympy.Min):
                zeros = [a - b for i, a in enumerate(node.args) for b in node.args[i + 1:]]
            elif isinstance(node, sympy.floor | sympy.ceiling):
                zeros = [sympy.sin(sympy.pi * node.args[0])]
            elif isinstance(node, sympy.Piecewise):
                zeros = [rel.lhs - rel.rhs for _, cond in node.args
                         for rel in getattr(cond, "atoms", lambda *_: set())(sympy.Rel)]
            else:
                zeros = [node.args[0]]
            if len(zeros) == 1 and _smooth_across(entry, node, zeros[0], variables):
                continue  # Abs(x)**3: both sides of the kink meet with the same slope
            found += [(z, name) for z in zeros
                      if z.free_symbols & variables and (z, name) not in found]
    return found


def _branches(node: sympy.Basic) -> list[sympy.Expr]:
    """The values a kinked function takes on either side of its kink (none when unknown)."""
    if isinstance(node, sympy.Abs):
        return [node.args[0], -node.args[0]]
    if isinstance(node, sympy.sign):
        return [sympy.Integer(1), sympy.Integer(-1)]
    if isinstance(node, sympy.Heaviside):
        return [sympy.Integer(1), sympy.Integer(0)]
    if isinstance(node, sympy.Max | sympy.Min) and len(node.args) == 2:
        return list(node.args)
    return []


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    difference = a - b
    return sympy.expand(difference) == 0 or sympy.cancel(sympy.together(difference)) == 0


def _smooth_across(body: sympy.Basic, node: sympy.Basic, zero: sympy.Expr,
                   variables: set[object]) -> bool:
    """True when `body` provably has a derivative across the kink of `node`: with the node
    replaced by each of its branches, the values and first derivatives agree where `zero` is 0
    (solved for one variable it is linear in). Anything unsure keeps the side condition."""
    branches = _branches(node)
    scalars = sorted((v for v in variables if isinstance(v, sympy.Symbol)), key=str)
    if not branches or len(scalars) != len(variables):
        return False
    solvable = [v for v in scalars if zero.free_symbols & {v}
                and sympy.degree(zero, v) == 1 and zero.is_polynomial(v)]
    if not solvable:
        return False
    var = solvable[0]
    root = sympy.solve(zero, var)
    if len(root) != 1:
        return False
    forms = [body.xreplace({node: branch}) for branch in branches]
    for view in (lambda e: e, *(lambda e, w=w: sympy.diff(e, w) for w in scalars)):
        values = [view(form).subs(var, root[0]) for form in forms]
        if not all(_same(values[0], other) for other in values[1:]):
            return False
    return True


def _subs(builder: Builder, node: ast.Call, scope: Scope) -> object:
    _need(builder, node, "Subs", 3, 3, "three arguments: Subs(f, x, a) or Subs(f, (x, y), (a, b))")
    var_arg, point_arg = node.args[1], node.args[2]
    var_nodes = var_arg.elts if isinstance(var_arg, ast.Tuple | ast.List) else [var_arg]
    inner = dict(scope)
    variables = []
    for var_node in var_nodes:
        var = _variable(builder, var_node, scope, "Subs")
        inner[var_node.id] = var  # type: ignore[attr-defined]
        variables.append(var)
    if isinstance(point_arg, ast.Tuple | ast.List):
        points = [builder.scalar(p, scope, "a point of Subs") for p in point_arg.elts]
    else:
        point = builder.conv(point_arg, scope)
        if isinstance(point, MatrixBase) and point.cols != 1:
            raise builder.fail(point_arg, f"the point of Subs must be a vector, not a "
                               f"{shape_text(point)} matrix")
        points = list(point) if isinstance(point, MatrixBase) else [point]
    if len(points) != len(variables):
        raise builder.fail(point_arg, f"Subs has {len(variables)} variable(s) but "
                           f"{len(points)} value(s)")
    before = len(builder.conditions)
    body = builder.conv(node.args[0], inner)
    # what the body needs of its variables, it needs of the values put in for them
    at = dict(zip(variables, points, strict=True))
    builder.conditions[before:] = [replace(c, expr=c.expr.xreplace(at))
                                   for c in builder.conditions[before:]]
    if isinstance(body, MatrixBase):
        return sympy.ImmutableMatrix(body.applyfunc(lambda e: sympy.Subs(e, variables, points)))
    return sympy.Subs(body, tuple(variables), tuple(points))


def _limit(builder: Builder, node: ast.Call, scope: Scope) -> object:
    """Limit(f, x, a) is two-sided; Limit(f, x, a, "+") or "-" approaches from one side."""
    _need(builder, node, "Limit", 3, 4, 'three arguments, Limit(f, x, a), or a direction too: '
          'Limit(f, x, a, "+")')
    direction = "+-"
    if len(node.args) == 4:
        arg = node.args[3]
        if not (isinstance(arg, ast.Constant) and arg.value in ("+", "-")):
            raise builder.fail(arg, 'the direction of a Limit is "+" (from above) or "-" '
                               "(from below)")
        direction = arg.value
    var = _variable(builder, node.args[1], scope, "Limit")
    point = builder.scalar(node.args[2], scope, "the point of Limit")
    inner = dict(scope)
    inner[node.args[1].id] = var  # type: ignore[attr-defined]
    before = len(builder.conditions)
    body = builder.scalar(node.args[0], inner, "Limit")
    # a limit needs its body defined near the point, not at it: drop what mentions the variable
    builder.conditions[before:] = [c for c in builder.conditions[before:]
                                   if var not in c.expr.free_symbols]
    return sympy.Limit(body, var, point, dir=direction)
