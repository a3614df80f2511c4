"""Derivation text as written, in LaTeX: `W.T*M*W` -> W^T M W, `inv(A)` -> A^{-1}, `lam` -> lambda.

The site shows this beside the checked sympy objects when those are explicit matrices too large
to read. The text is one that `derive.parse` already accepted; it is only walked as a syntax
tree and printed, never evaluated. Stdlib only: no sympy needed to print the written form.
"""

from __future__ import annotations

import ast
import re

from lemma.derive.language.names import char_offsets, protect_keywords, restore_keywords

_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.MatMult: 2, ast.Div: 2, ast.Pow: 4}
_GREEK = frozenset({"alpha", "beta", "gamma", "delta", "epsilon", "theta", "kappa", "lambda",
                    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
                    "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega"})


#: Short spellings of Greek letters that notes use because `lambda` is a Python keyword.
GREEK_ABBREVIATIONS = {"lam": "lambda", "lamda": "lambda", "eps": "epsilon"}
_ABBREVIATED = re.compile(r"(?<![\\A-Za-z])(" + "|".join(GREEK_ABBREVIATIONS) + r")(?![A-Za-z])")


def greek_abbreviations(latex: str) -> str:
    """`lam` -> \\lambda (and the like) in LaTeX printed from names as declared."""
    return _ABBREVIATED.sub(lambda m: "\\" + GREEK_ABBREVIATIONS[m.group(1)], latex)


def name_tex(name: str) -> str:
    """A declared name set in math: `alpha` -> \\alpha, `W_1` -> W_{1}, and a word such as
    `second_moment` upright as one name rather than a product of italic letters."""
    base, _, sub = name.partition("_")
    if not sub and (digits := re.fullmatch(r"([A-Za-z]+?)(\d+)", base)):
        base, sub = digits.groups()  # s1 -> s_{1}, as sympy prints it
    base = GREEK_ABBREVIATIONS.get(base, base)
    if len(base) > 1 and base not in _GREEK:  # a word (`tight`, `second_moment`): a name
        return r"\mathrm{" + name.replace("_", r"\_") + "}"
    base_tex = "\\" + base if base in _GREEK else base
    return f"{base_tex}_{{{sub.replace('_', ' ')}}}" if sub else base_tex


def source_tex(text: str) -> str | None:
    """LaTeX for a derivation expression as written (matrix products, transposes, inverses).

    Used where the checked sympy object is an explicit matrix too large to read; the text is
    only parsed into a syntax tree and printed, never evaluated. None when it has other syntax.
    """
    try:
        flat = " ".join(text.split())
        tree = ast.parse(protect_keywords(flat), mode="eval")
        char_offsets(tree, flat)
        restore_keywords(tree, flat)
        return _tex(tree.body)
    except (SyntaxError, ValueError, RecursionError):
        return None


_CONSTANTS = {"oo": r"\infty", "E": "e", "I": "i", "pi": r"\pi"}
_NAMED = {"asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan", "cosh": r"\cosh",
          "sinh": r"\sinh", "sech": r"\operatorname{sech}", "Max": r"\max", "Min": r"\min",
          "sign": r"\operatorname{sign}", "gamma": r"\Gamma", "beta": r"\mathrm{B}"}
_BIG = {"Sum": r"\sum", "Product": r"\prod"}


def _tex(node: ast.AST, parent: int = 0) -> str:
    if isinstance(node, ast.Name):
        return _CONSTANTS.get(node.id) or name_tex(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return str(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _wrap("-" + _tex(node.operand, 3), 3, parent)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _raised(_tex(node.value, 5), r"\top")
    if isinstance(node, ast.BinOp) and type(node.op) in _PRECEDENCE:
        level = _PRECEDENCE[type(node.op)]
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{_tex(node.left)}}}{{{_tex(node.right)}}}"
        if isinstance(node.op, ast.Pow):
            return _raised(_tex(node.left, 5), _tex(node.right))
        sign = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \, ", ast.MatMult: r" \, "}[
            type(node.op)]
        right = _tex(node.right, level + (1 if isinstance(node.op, ast.Sub) else 0))
        return _wrap(_tex(node.left, level) + sign + right, level, parent)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return _call(node.func.id, node.args)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):  # x[i] -> x_{i}
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return f"{_tex(node.value, 5)}_{{{', '.join(_tex(p) for p in parts)}}}"
    if isinstance(node, ast.List):  # a matrix value as the checker prints it: [[1, 0], [0, 1]]
        return _matrix(node)
    if isinstance(node, ast.Tuple):
        return r"\left(" + ", ".join(_tex(e) for e in node.elts) + r"\right)"
    raise ValueError("unsupported syntax")


def _raised(base: str, exponent: str) -> str:
    """`base^{exponent}`, with a base that already carries a superscript (`X^{-1}`) in
    parentheses: TeX has no double superscript."""
    if base.endswith("}") and "^{" in base and not base.endswith(r"\right)"):
        base = r"\left(" + base + r"\right)"
    return f"{base}^{{{exponent}}}"


def _matrix(rows: ast.expr) -> str:
    """`Matrix([[a, b], [c, d]])` as a pmatrix."""
    if not isinstance(rows, ast.List):
        raise ValueError("unsupported matrix")
    lines = []
    for row in rows.elts:
        cells = row.elts if isinstance(row, ast.List) else [row]
        lines.append(" & ".join(_tex(c) for c in cells))
    return r"\begin{pmatrix}" + r" \\ ".join(lines) + r"\end{pmatrix}"


def _bounds(node: ast.expr) -> tuple[str, str | None, str | None]:
    """A binder's `(x, a, b)` or `x` as (variable, lower, upper)."""
    if isinstance(node, ast.Tuple) and len(node.elts) == 3:
        return _tex(node.elts[0]), _tex(node.elts[1]), _tex(node.elts[2])
    return _tex(node), None, None


def _binder(name: str, args: list[ast.expr]) -> str | None:
    """Integrals, sums, products and limits in their usual notation."""
    if name == "Integral" and len(args) == 2:
        var, low, high = _bounds(args[1])
        limits = f"_{{{low}}}^{{{high}}}" if low is not None else ""
        return rf"\int{limits} {_tex(args[0], 2)} \, d{var}"
    if name in _BIG and len(args) == 2:
        var, low, high = _bounds(args[1])
        limits = f"_{{{var} = {low}}}^{{{high}}}" if low is not None else f"_{{{var}}}"
        return rf"{_BIG[name]}{limits} {_tex(args[0], 2)}"
    if name == "Limit" and len(args) == 3:
        return rf"\lim_{{{_tex(args[1])} \to {_tex(args[2])}}} {_tex(args[0], 2)}"
    return None


def _call(name: str, args: list[ast.expr]) -> str:
    if name == "Matrix" and len(args) == 1:
        return _matrix(args[0])
    if (big := _binder(name, args)) is not None:
        return big
    if name == "Rational" and len(args) == 2:
        return rf"\frac{{{_tex(args[0])}}}{{{_tex(args[1])}}}"
    if name == "binomial" and len(args) == 2:
        return rf"\binom{{{_tex(args[0])}}}{{{_tex(args[1])}}}"
    if name == "factorial" and len(args) == 1:
        return _tex(args[0], 5) + "!"
    if name in ("floor", "ceiling") and len(args) == 1:
        side = "floor" if name == "floor" else "ceil"
        return rf"\l{side} {_tex(args[0])} \r{side}"
    if name in _NAMED:
        return rf"{_NAMED[name]}\left({', '.join(_tex(a) for a in args)}\right)"
    if name == "grad" and len(args) == 2:  # grad(g, z): the gradient of g at z
        return rf"\nabla {_tex(args[0])}\left({_tex(args[1])}\right)"
    if name in ("diff", "Derivative") and len(args) == 2:
        return rf"\frac{{\partial}}{{\partial {_tex(args[1])}}} {_tex(args[0], 5)}"
    if name == "Subs" and len(args) == 3:
        return (rf"\left. {_tex(args[0])} \right|_{{{_tex(args[1])} = {_tex(args[2])}}}")
    inner = ", ".join(_tex(a) for a in args)
    if (moment := _moment(name, args, inner)) is not None:
        return moment
    if len(name) == 1:
        return rf"{name}\left({inner}\right)"
    if name == "inv" and len(args) == 1:
        return _raised(_tex(args[0], 5), "-1")
    if name == "norm" and len(args) == 1:
        return rf"\left\lVert {inner}\right\rVert"
    if name == "pinv" and len(args) == 1:
        return _raised(_tex(args[0], 5), "+")
    if name in ("expm", "logm") and len(args) == 1:
        return rf"\{name[:3]}\left({inner}\right)"
    if name == "charpoly" and len(args) == 2:  # det(t I - A), its definition
        return rf"\det\left({_tex(args[1], 3)} I - {_tex(args[0], 3)}\right)"
    if name == "hadamard" and len(args) == 2:
        return rf"\left({_tex(args[0], 3)} \odot {_tex(args[1], 3)}\right)"
    if name in ("zeros", "ones") and len(args) == 2:
        return f"{0 if name == 'zeros' else 1}_{{{_tex(args[0])} \\times {_tex(args[1])}}}"
    if name == "eye" and len(args) == 1:
        return f"I_{{{inner}}}"
    if name == "ones" and len(args) == 1:  # the all-ones vector
        return rf"\mathbf{{1}}_{{{inner}}}"
    if name == "sqrt" and len(args) == 1:
        return rf"\sqrt{{{inner}}}"
    if name == "Heaviside" and len(args) == 1:
        return rf"H\left({inner}\right)"
    if name == "Abs" and len(args) == 1:
        return rf"\left|{inner}\right|"
    if name in ("det", "exp", "log", "sin", "cos", "tan", "tanh"):
        return rf"\{name}\left({inner}\right)"
    if name == "trace":
        return rf"\operatorname{{tr}}\left({inner}\right)"
    return rf"\operatorname{{{name}}}\left({inner}\right)"


def _moment(name: str, args: list[ast.expr], inner: str) -> str | None:
    """E[...], Var[...], Cov[...], KL(x || y) and log p_x(v) as a paper writes them."""
    if name == "E" and len(args) == 1:
        return rf"\mathbb{{E}}\left[{inner}\right]"
    if name in ("Var", "Cov"):
        return rf"\operatorname{{{name}}}\left[{inner}\right]"
    if name == "KL" and len(args) == 2:
        return (rf"\operatorname{{KL}}\left(p_{{{_tex(args[0])}}} \,\middle\|\, "
                rf"p_{{{_tex(args[1])}}}\right)")
    if name == "logpdf" and len(args) == 2:
        return rf"\log p_{{{_tex(args[0])}}}\left({_tex(args[1])}\right)"
    return None


def _wrap(text: str, level: int, parent: int) -> str:
    return rf"\left({text}\right)" if level < parent else text
