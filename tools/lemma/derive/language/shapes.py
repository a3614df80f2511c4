"""The one error of matrix arithmetic, shared by explicit (exprmat) and symbolic-size (exprsym)
matrices: an operation whose shapes do not fit."""

from __future__ import annotations


class ShapeProblem(Exception):
    """A matrix operation that does not fit; the parser turns it into a positioned error."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
