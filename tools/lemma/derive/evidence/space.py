"""The sample space of a block and its points: each symbol's domain, matrix entries, undefined
functions and declared hypotheses; a `Claim` is one link as tested at points.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from functools import cached_property

import sympy
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.matexpr import MatrixElement

from lemma.derive.evidence.draw import (
    draw_scalar,
    draw_size,
    matrix_entry,
    random_function,
    random_matrix,
)
from lemma.derive.language.block import Condition, Derivation, Domain
from lemma.derive.language.gaussian import Expectation, GaussianVector, MatrixExpectation
from lemma.derive.language.vecfun import VARIABLES, VectorFunction


@dataclass(frozen=True)
class FunctionSlot:
    """An undefined function of the block and the variables its random stand-ins use."""

    func: object
    name: str
    variables: tuple[sympy.Symbol, ...]


@dataclass
class Point:
    """Exact values for every symbol and a stand-in expression for every undefined function."""

    values: dict[sympy.Symbol, sympy.Expr]
    functions: dict[object, sympy.Expr] = field(default_factory=dict)

    def copy(self) -> Point:
        return Point(dict(self.values), dict(self.functions))


@dataclass(frozen=True)
class Space:
    """Where sample points come from: each symbol's domain, entry symbols, functions, conditions."""

    scalars: dict[sympy.Symbol, Domain]
    entries: tuple[sympy.Symbol, ...]
    functions: tuple[FunctionSlot, ...]
    conditions: tuple[sympy.Expr, ...]  # declared `!= 0` hypotheses (points must satisfy them)
    names: dict[sympy.Symbol, str]
    matrices: tuple[tuple[str, sympy.ImmutableMatrix], ...] = ()
    real: bool = True  # no complex declaration: every value is meant to be real
    symbolic: tuple[tuple[str, sympy.MatrixSymbol, str | None], ...] = ()  # matrix k x d
    inequalities: tuple[tuple[sympy.Expr, bool], ...] = ()  # (margin, strict): margin >= 0 / > 0
    dimensions: frozenset[sympy.Symbol] = frozenset()  # integers used as a symbolic size

    @property
    def symmetric(self) -> tuple[sympy.MatrixSymbol, ...]:
        return tuple(m for _, m, structure in self.symbolic
                     if structure in ("symmetric", "diagonal", "posdef"))

    @property
    def orthogonal(self) -> tuple[sympy.MatrixSymbol, ...]:
        return tuple(m for _, m, structure in self.symbolic if structure == "orthogonal")

    def with_domain(self, symbol: sympy.Symbol, domain: Domain) -> Space:
        """The same space with one scalar restricted (used by the positivity hint)."""
        scalars = dict(self.scalars)
        scalars[symbol] = domain
        return replace(self, scalars=scalars)


def build_space(d: Derivation) -> Space:
    """Collect the block's symbols, matrix entries, functions and `!= 0` side conditions."""
    scalars: dict[sympy.Symbol, Domain] = {}
    entries: list[sympy.Symbol] = []
    functions: list[FunctionSlot] = []
    names: dict[sympy.Symbol, str] = {}
    matrices: list[tuple[str, sympy.ImmutableMatrix]] = []
    symbolic: list[tuple[str, sympy.MatrixSymbol, str | None]] = []
    dimensions: set[sympy.Symbol] = set()
    for decl in d.declarations:
        if decl.kind == "function" and isinstance(decl.value, VectorFunction):
            functions.append(FunctionSlot(decl.value, decl.name, VARIABLES))
        elif decl.kind == "function":
            arity = decl.arity or 1
            xs = tuple(sympy.Symbol(f"x{i + 1}") for i in range(arity))
            functions.append(FunctionSlot(decl.value, decl.name, xs))
        elif decl.symbolic:
            symbolic.append((decl.name, decl.value, decl.structure))
            dimensions.update(s for s in decl.shape if isinstance(s, sympy.Symbol))  # type: ignore[union-attr]
        elif decl.kind in ("matrix", "vector"):
            matrices.append((decl.name, decl.value))
            for sym in sorted(getattr(decl.value, "free_symbols", ()), key=str):
                if sym not in entries:
                    entries.append(sym)
        else:
            scalars[decl.value] = decl.domain or Domain(decl.kind)
            names[decl.value] = decl.name
    dimensions |= _exponents(d, scalars)
    declared = tuple(h.lhs for h in d.hypotheses if h.nonzero)
    inequalities = tuple((h.rhs - h.lhs, h.relation == "<") for h in d.hypotheses
                         if h.relation in ("<", "<="))
    real = all(domain.kind != "complex" for domain in scalars.values())
    return Space(scalars, tuple(entries), tuple(functions), declared, names, tuple(matrices),
                 real=real, symbolic=tuple(symbolic), dimensions=frozenset(dimensions),
                 inequalities=inequalities)


def _exponents(d: Derivation, scalars: dict) -> set[sympy.Symbol]:
    """Integers in the exponent of a matrix power (A**n): drawn small, like sizes, so a power of
    an explicit matrix stays cheap to write out."""
    found: set[sympy.Symbol] = set()
    for step in d.steps:
        for side in (step.lhs, step.rhs):
            if isinstance(side, sympy.Basic):
                for node in side.atoms(sympy.MatPow):
                    found |= {s for s in node.exp.free_symbols if s in scalars}
    return found


#: Every ZERO_EVERY-th point (from the ZERO_FROM-th) one matrix of symbolic size is all zeros, in
#: turn: x = 0 is where x.T*A*x > 0 fails, a set a random draw hits only by luck.
ZERO_EVERY = 6
ZERO_FROM = 4


def _zero_one(space: Space, values: dict[sympy.Symbol, sympy.Expr], index: int) -> None:
    """Set one symbolic-size matrix (not a posdef one) to zeros at the chosen points; drawn
    first, so the other values of the stream stay as they were."""
    plain = [symbol for _, symbol, structure in space.symbolic
             if structure not in ("posdef", "orthogonal")]
    if not plain or index < ZERO_FROM or (index - ZERO_FROM) % ZERO_EVERY:
        return
    symbol = plain[(index - ZERO_FROM) // ZERO_EVERY % len(plain)]
    drawn = values[symbol]
    values[symbol] = sympy.ImmutableMatrix(sympy.zeros(*drawn.shape))  # type: ignore[union-attr]


def draw_point(space: Space, rng: random.Random, index: int = 1) -> Point:
    """A fresh point: the first of a stream uses special values (0, ±1, bounds), every third
    mixes special and random values, the rest are random."""
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for sym in sorted(space.scalars, key=str):
        special = index == 0 or (index % 3 == 1 and rng.random() < 0.5)
        if sym in space.dimensions:
            values[sym] = draw_size(space.scalars[sym], rng)
        else:
            values[sym] = draw_scalar(space.scalars[sym], rng, special)
    for sym in space.entries:
        values[sym] = matrix_entry(rng)
    for _, symbol, structure in space.symbolic:
        rows, cols = (int(d.xreplace(values)) for d in symbol.shape)
        values[symbol] = random_matrix(rows, cols, structure, rng)  # type: ignore[index]
    _zero_one(space, values, index)
    functions = {slot.func: random_function(slot.variables, rng) for slot in space.functions}
    return Point(values, functions)


@dataclass(frozen=True)
class Claim:
    """What is tested at points: `left REL right` (for linear_combination, left = lhs - rhs).

    `conditions` are the link's side conditions the declarations do not imply: each is tested
    at every point, and a point that violates one refutes the link ("undefined here").
    """

    left: object
    right: object
    relation: str  # "=", "<=", "<", ">=", ">"
    space: Space
    seed: str
    display: tuple[object, object] | None = None  # the link's own sides, when left/right differ
    conditions: tuple[Condition, ...] = ()
    guards: tuple[object, ...] = ()  # must be defined at a point (a combination's hypotheses)

    @cached_property
    def real(self) -> bool:
        sides = (self.left, self.right)
        return self.space.real and not any(getattr(s, "has", lambda *_: False)(sympy.I)
                                           for s in sides)

    @cached_property
    def pointwise(self) -> tuple[Condition, ...]:
        """Conditions that can be tested at a point: those that define values, free of binders."""
        return tuple(c for c in self.conditions if c.defines and not c.binders)


_SIZED = (sympy.MatrixSymbol, sympy.Identity, sympy.ZeroMatrix, sympy.OneMatrix)


def _averaged_out(exprs: list[object]) -> set[object]:
    """Gaussian vectors that occur only inside expectations (their means and covariances are
    still drawn: they are found through the vector's own arguments)."""
    inside: set[object] = set()
    outside: set[object] = set()

    def walk(node: object, averaged: bool) -> None:
        if isinstance(node, GaussianVector):
            (inside if averaged else outside).add(node)
            return
        if isinstance(node, sympy.Basic):
            now = averaged or isinstance(node, Expectation | MatrixExpectation)
            for arg in node.args:
                walk(arg, now)

    for expr in exprs:
        walk(expr, False)
    return inside - outside


def for_claim(claim: Claim) -> Claim:
    """The claim over the space its link needs: a dimension that sizes no matrix of the link
    is an integer like any other (drawn large too, so `2**k >= k**2` is tested past k = 4),
    and matrices of symbolic size the link does not use are not built."""
    claim = _sizes_as_numbers(_matrices_cancelled(claim))
    space = claim.space
    exprs = [claim.left, claim.right, *(c.expr for c in claim.conditions), *claim.guards,
             *space.conditions, *(margin for margin, _ in space.inequalities)]
    used: set[object] = set()
    sized: set[object] = set()
    for expr in exprs:
        if isinstance(expr, sympy.Basic):
            for atom in expr.atoms(*_SIZED):
                used.add(atom)
                sized.update(s for dim in atom.shape for s in getattr(dim, "free_symbols", ()))
            for power in expr.atoms(sympy.MatPow):  # A**n: n is drawn small, like a size
                sized.update(power.exp.free_symbols)
    used -= _averaged_out(exprs)  # x inside E(...) only: integrated, not drawn or shown
    symbolic = tuple(entry for entry in space.symbolic if entry[1] in used)
    dimensions = space.dimensions & frozenset(sized)
    if (symbolic, dimensions) == (space.symbolic, space.dimensions):
        return claim
    return replace(claim, space=replace(space, symbolic=symbolic, dimensions=dimensions))


def _matrices_cancelled(claim: Claim) -> Claim:
    """A scalar claim whose matrix terms cancel (`trace(A.T*A) + k**2 <= trace(A.T*A) + 20*k`)
    as the scalar claim left over (`k**2 - 20*k <= 0`): every trace, determinant or entry of a
    matrix stands for an independent unknown, so when none is left in lhs - rhs the two claims
    are equivalent, and the dimension is then drawn like any integer (large values too)."""
    sides = (claim.left, claim.right)
    if not all(isinstance(s, sympy.Expr) and not isinstance(s, sympy.MatrixBase | MatrixExpr)
               for s in sides) or not any(s.has(sympy.MatrixSymbol) for s in sides):
        return claim
    unknowns: dict[object, sympy.Dummy] = {}

    def unknown(node: sympy.Basic) -> sympy.Dummy:
        return unknowns.setdefault(node, sympy.Dummy())

    def is_matrix_scalar(node: sympy.Basic) -> bool:
        return (isinstance(node, sympy.Trace | sympy.Determinant | MatrixElement)
                and node.has(sympy.MatrixSymbol))

    try:
        left, right = (s.replace(is_matrix_scalar, unknown) for s in sides)
        if any(a.has(sympy.MatrixSymbol) for a in (left, right)):
            return claim  # a matrix inside something else: not a plain scalar term
        rest = sympy.expand(left - right)
    except (TypeError, ValueError, AttributeError, RecursionError):
        return claim
    if rest.has(*unknowns.values()) or rest.is_zero:
        return claim
    return replace(claim, left=rest, right=sympy.Integer(0))  # the values shown: rest and 0


def _sizes_as_numbers(claim: Claim) -> Claim:
    """A scalar claim whose matrices are only identities, zeros and ones of symbolic size:
    their traces and determinants written as the scalars they are (`trace(eye(k))` is `k`), so
    the size is drawn like any integer, large values too, and no matrix is built at all."""
    sides = (claim.left, claim.right)
    if not all(isinstance(s, sympy.Expr) and not isinstance(s, sympy.MatrixBase)
               for s in sides) or any(isinstance(s, MatrixExpr) for s in sides):
        return claim
    if any(s.has(sympy.MatrixSymbol) for s in sides) or not any(s.has(*_SIZED[1:])
                                                                for s in sides):
        return claim
    reduced = [s.replace(lambda n: isinstance(n, sympy.Trace | sympy.Determinant),
                         lambda n: n.doit().doit()) for s in sides]
    if any(r.has(*_SIZED) or any(isinstance(a, MatrixExpr) for a in sympy.preorder_traversal(r))
           for r in reduced):
        return claim
    return replace(claim, left=reduced[0], right=reduced[1])
