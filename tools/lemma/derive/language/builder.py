"""The state one walk over an expression shares with the construct modules (exprbind, exprcond,
exprfun, exprmat): the text and its positions, the names in scope and the side conditions found.

`ExpressionBuilder` (expr.py) implements the walk; the construct modules receive the builder and
depend on this module only, so imports run one way.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import replace

import sympy

from lemma.derive.language import sideconditions
from lemma.derive.language.block import Binder, Condition, DerivationSyntaxError
from lemma.model import SourcePos

#: What a guarded side condition is replaced by outside its branch: a value where it holds.
_NEUTRAL = {"nonzero": 1, "positive": 1, "nonnegative": 1, "unit": 0, "gamma": 1}


class Builder:
    """One walk over one expression's syntax tree, remembering where the text came from."""
    """One walk over one expression's syntax tree, remembering where the text came from."""

    def __init__(self, text: str, names: Mapping[str, object], pos: SourcePos, bound_ok: bool,
                 opaque: frozenset[sympy.Symbol] = frozenset()):
        self.text = text
        self.names = names
        self.pos = pos
        self.bound_ok = bound_ok
        self.opaque = opaque
        self.shift = 0
        self.flat = ""
        self.conditions: list[Condition] = []
        self.binders: list[Binder] = []
        self.guards: list[tuple[sympy.Basic, str]] = []  # the Piecewise branch being built

    # -- side conditions ------------------------------------------------------------------

    def segment(self, node: ast.AST) -> str:
        """The author's text of a node (without surrounding brackets)."""
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
        return " ".join(self.flat[start:end].split())

    def require(self, kind: str, expr: object, node: ast.AST | str, *,
                defines: bool = True) -> None:
        """Record that the expression is defined only where `expr` satisfies `kind`."""
        text = node if isinstance(node, str) else self.segment(node)
        if self.guards and isinstance(expr, sympy.Expr):
            where = sympy.And(*(guard for guard, _ in self.guards))
            if where is sympy.false:
                return
            expr = sympy.Piecewise((expr, where), (_NEUTRAL[kind], True))
        condition = sideconditions.make(kind, expr, text, tuple(self.binders), defines)
        if condition is not None and self.guards:
            shown = " and ".join(words for _, words in self.guards if words)
            condition = replace(condition, text=f"{condition.text} where {shown}")
        if condition is not None and condition not in self.conditions:
            self.conditions.append(condition)

    @contextlib.contextmanager
    def guarded(self, guards: list[tuple[sympy.Basic, str]]) -> Iterator[None]:
        """Side conditions recorded inside hold only where all `guards` hold."""
        saved, self.guards = self.guards, list(guards)
        try:
            yield
        finally:
            self.guards = saved

    def transparent(self, node: ast.AST, value: object, what: str) -> None:
        """Reject a hypothesis of a linear combination used other than by + - *."""
        if self.opaque and sideconditions.mentions(value, self.opaque):
            raise self.fail(node, f"a hypothesis cannot be used in {what} inside "
                            "linear_combination", "a linear combination only adds, subtracts "
                            "and multiplies hypotheses (Mathlib's rule)")

    # -- positions and errors -------------------------------------------------------------

    def where(self, offset: int) -> SourcePos:
        """The file position of character `offset` of the original text."""
        offset = max(0, min(offset, len(self.text)))
        before = self.text[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return SourcePos(self.pos.path, self.pos.line, self.pos.col + offset)
        return SourcePos(self.pos.path, self.pos.line + newlines, offset - before.rfind("\n"))

    def fail(self, at: ast.AST | int, message: str, hint: str = "") -> DerivationSyntaxError:
        """An error at a node (or a character offset of the original text)."""
        offset = at if isinstance(at, int) else self.shift + getattr(at, "col_offset", 0)
        return DerivationSyntaxError(self.where(offset), message, hint)

    # -- the walk, implemented by ExpressionBuilder ---------------------------------------

    def conv(self, node: ast.AST, scope: dict[str, object]) -> object:
        """Convert one syntax node to a sympy value."""
        raise NotImplementedError

    def scalar(self, node: ast.AST, scope: dict[str, object], what: str) -> sympy.Expr:
        """Convert a node that must be a scalar (not a matrix)."""
        raise NotImplementedError

    def defined(self, node: ast.AST, value: object) -> object:
        """Reject values sympy marks undefined and overlong numbers."""
        raise NotImplementedError
