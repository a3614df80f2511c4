"""The parsed form of a derivation block: declarations, hypotheses, calc links and checks.

Plain frozen data shared by the parser (which builds it) and the checker (which consumes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from lemma.model import SourcePos


@dataclass(frozen=True)
class Domain:
    """The value set of a scalar declaration: a kind plus optional (strict) bounds."""

    kind: str  # "real" | "integer" | "complex"
    lower: sympy.Rational | None = None
    lower_strict: bool = False
    upper: sympy.Rational | None = None
    upper_strict: bool = False

    def contains(self, value: object) -> bool:
        """True when a concrete number lies in this domain (used to filter sample points)."""
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            v: sympy.Basic = sympy.Integer(value)
        elif isinstance(value, Fraction):
            v = sympy.Rational(value.numerator, value.denominator)
        elif isinstance(value, sympy.Basic):
            v = value
        else:
            return False
        if not getattr(v, "is_number", False):
            return False
        if self.kind == "complex":
            return v.is_finite is not False
        if v.is_real is not True or v.is_finite is not True:
            return False
        if self.kind == "integer" and v.is_integer is not True:
            return False
        if self.lower is not None:
            if self.lower_strict and not bool(v > self.lower):
                return False
            if not self.lower_strict and not bool(v >= self.lower):
                return False
        if self.upper is not None:
            if self.upper_strict and not bool(v < self.upper):
                return False
            if not self.upper_strict and not bool(v <= self.upper):
                return False
        return True


@dataclass(frozen=True)
class Declaration:
    """One name declared under `given:` and the sympy object that stands for it."""

    name: str
    kind: str  # "real" | "integer" | "complex" | "matrix" | "vector" | "function"
    value: object  # Symbol, ImmutableMatrix of entry Symbols "W_1_2", or an undefined Function
    pos: SourcePos
    domain: Domain | None = None  # scalars; matrix entries are real
    shape: tuple[int, int] | None = None  # matrix/vector (vector N is N x 1)
    structure: str | None = None  # "symmetric" | "diagonal" | None
    arity: int | None = None  # function
    symbolic: bool = False  # a matrix of symbolic size (`matrix k x d`): a MatrixSymbol


@dataclass(frozen=True)
class Hypothesis:
    """A named assumption: `NAME: lhs == rhs`, or `NAME: expr != 0` (nonzero=True, rhs=0)."""

    name: str
    lhs: object
    rhs: object
    nonzero: bool
    text: str
    pos: SourcePos
    relation: str = "=="  # "==", or "<=" / "<" for an inequality `lhs <= rhs` / `lhs < rhs`

    @property
    def equation(self) -> bool:
        return not self.nonzero and self.relation == "=="


@dataclass(frozen=True)
class Binder:
    """A variable bound by Sum/Product (integer, `low..high`), Integral (`low..high`) or Limit."""

    var: object
    low: object | None
    high: object | None
    kind: str  # "sum" | "integral" | "limit"


@dataclass(frozen=True)
class Condition:
    """Where a written expression means something: `expr` must be nonzero, positive, ...

    Collected while parsing, before sympy simplifies anything away (`x*y/x` is `y` to sympy,
    but the author divided by `x`). `defines` is False for conditions that only make a
    symbolic method applicable (a Sum whose bounds may run backwards) without making the
    expression undefined.
    """

    kind: str  # "nonzero" | "positive" | "nonnegative" | "unit" (-1 <= e <= 1) | "gamma"
    expr: object
    text: str  # as the author wrote it, e.g. "det(W*W.T) != 0"
    binders: tuple[Binder, ...] = ()  # enclosing binders, outermost first
    defines: bool = True


@dataclass(frozen=True)
class Justification:
    """What a link says after `#`: none, free text, linear_combination(EXPR), cite or unchecked."""

    kind: str  # "none" | "text" | "linear_combination" | "cite" | "unchecked"
    text: str  # as written after '#', stripped ("" for none)
    expr: object | None = None  # linear_combination: hypothesis names stand for (lhs - rhs)


@dataclass(frozen=True)
class Step:
    """One link `lhs REL rhs` of the calc chain (1-based index, pos = the relation's line)."""

    index: int
    relation: str
    lhs: object
    rhs: object
    lhs_text: str
    rhs_text: str
    justification: Justification
    pos: SourcePos
    conditions: tuple[Condition, ...] = ()  # of both sides and of a linear combination


@dataclass(frozen=True)
class Check:
    """`check: a=1, b=2 => value`: the chain's last expression at a point must equal value."""

    assignments: tuple[tuple[str, object], ...]
    expected: object
    text: str
    pos: SourcePos


@dataclass(frozen=True)
class Derivation:
    """One parsed derivation block, with positions for every part and a digest of its source."""

    id: str
    title: str
    expect_invalid_at: int | None
    declarations: tuple[Declaration, ...]
    hypotheses: tuple[Hypothesis, ...]
    steps: tuple[Step, ...]
    checks: tuple[Check, ...]
    pos: SourcePos  # the opening fence line
    source: str  # the block text between the fences
    digest: str  # sha256 hex of source (cache key part)

    def symbol(self, name: str) -> object:
        """The declared sympy object for `name` (KeyError if it was not declared)."""
        for decl in self.declarations:
            if decl.name == name:
                return decl.value
        raise KeyError(name)


class DerivationSyntaxError(Exception):
    """A derivation block that cannot be parsed: where, what is wrong, and what to do."""

    def __init__(self, pos: SourcePos, message: str, hint: str = "") -> None:
        super().__init__(f"{pos}: {message}" + (f" ({hint})" if hint else ""))
        self.pos = pos
        self.message = message
        self.hint = hint
