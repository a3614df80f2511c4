"""Reading an expression's text into a syntax tree, within limits: no forbidden character, no
overlong text, brackets, node count or depth, and positions mapped back to the author's text.
"""

from __future__ import annotations

import ast
import re

from lemma.derive.language import names as naming
from lemma.derive.language.builder import Builder
from lemma.derive.language.tables import MAX_BRACKETS, MAX_CHARS, MAX_DEPTH, MAX_NODES


def chained(node: ast.AST) -> bool:
    """A + - * / operation: a left-nested run of these is a flat chain, not nesting."""
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult
                                                      | ast.Div)


def syntax_tree(builder: Builder) -> ast.Expression:
    """The checked syntax tree of the builder's text (sets `flat` and `shift` on the builder)."""
    text = builder.text
    if len(text) > MAX_CHARS:
        raise builder.fail(0, f"expression is too long ({len(text)} characters; the limit is "
                           f"{MAX_CHARS})", "split the link into smaller steps")
    depth = 0
    for i, ch in enumerate(text):
        if problem := naming.character_problem(ch):
            raise builder.fail(i, *problem)
        if ch in "([{":
            depth += 1
            if depth > MAX_BRACKETS:
                raise builder.fail(i, f"brackets are nested too deeply (more than {MAX_BRACKETS}"
                                   " levels)", "split the expression into smaller steps")
        elif ch in ")]}":
            depth -= 1
    flat = text.replace("\r", " ").replace("\n", " ")
    builder.flat = flat.lstrip()
    builder.shift = len(flat) - len(builder.flat)
    if not builder.flat.strip():
        raise builder.fail(0, "expected an expression, found nothing")
    try:
        tree = ast.parse(naming.protect_keywords(builder.flat), mode="eval")
    except SyntaxError as err:
        if re.search(r"(?<!\w)lambda(?!\w)[^:]*:", builder.flat):
            raise builder.fail(builder.shift + builder.flat.find("lambda"),
                               "lambda expressions are not allowed",
                               "lambda may only be a declared name") from None
        hint = "use ** for powers" if "^" in text else "expressions use Python syntax"
        raise builder.fail(builder.shift + max((err.offset or 1) - 1, 0),
                           f"invalid expression: {err.msg}", hint) from None
    except (RecursionError, MemoryError, ValueError):
        raise builder.fail(0, "expression is too deeply nested to parse") from None
    naming.char_offsets(tree, builder.flat)
    naming.restore_keywords(tree, builder.flat)
    _measure(builder, tree)
    return tree


def _measure(builder: Builder, tree: ast.AST) -> None:
    """Reject trees with too many nodes or too deep before walking them recursively."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr_context | ast.operator | ast.unaryop):
            continue
        count += 1
        if count > MAX_NODES:
            raise builder.fail(0, f"expression is too large (more than {MAX_NODES} syntax "
                               "nodes)", "split the link into smaller steps")
        if depth > MAX_DEPTH:
            raise builder.fail(node, f"expression is nested too deeply (more than {MAX_DEPTH} "
                               "levels)", "split the link into smaller steps")
        for child in ast.iter_child_nodes(node):
            flat = child is getattr(node, "left", None) and chained(node) and chained(child)
            stack.append((child, depth if flat else depth + 1))
