"""Side conditions of powers and built-in functions, recorded by the expression builder.

Each says where the function of a real argument is defined: `sqrt` needs a nonnegative
argument, `log` a positive one, `tan` a nonzero cosine, and so on (conditions.py proves or
tests them).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import sympy

if TYPE_CHECKING:
    from lemma.derive.language.builder import Builder


def power_conditions(builder: Builder, node: ast.BinOp, base: object, exp: object,
                     natural: bool) -> None:
    """`base**exp` for real values: 0**-1 is undefined, (-1)**(1/2) is not real."""
    if natural:
        return
    if getattr(exp, "is_integer", False):
        builder.require("nonzero", base, node.left)
    elif getattr(exp, "is_positive", False):
        builder.require("nonnegative", base, node.left)
    else:
        builder.require("positive", base, node.left)

def call_conditions(builder: Builder, node: ast.Call, name: str, args: list[sympy.Expr]) -> None:
    """Where a built-in function of real arguments is defined."""
    for arg, sub in zip(args, node.args, strict=False):
        builder.transparent(sub, arg, f"the argument of {name}")
    text = builder.segment(node.args[0]) if node.args else ""
    if name == "sqrt":
        builder.require("nonnegative", args[0], node.args[0])
    elif name == "log":
        builder.require("positive", args[0], node.args[0])
        if len(args) == 2:
            builder.require("positive", args[1], node.args[1])
            builder.require("nonzero", args[1] - 1, f"{builder.segment(node.args[1])} - 1")
    elif name == "tan":
        builder.require("nonzero", sympy.cos(args[0]), f"cos({text})")
    elif name in ("asin", "acos"):
        builder.require("unit", args[0], node.args[0])
    elif name == "gamma":
        builder.require("gamma", args[0], node.args[0])
    elif name == "beta":
        builder.require("gamma", args[0], node.args[0])
        builder.require("gamma", args[1], node.args[1])
    elif name == "factorial":
        builder.require("gamma", args[0] + 1, f"{text} + 1")
