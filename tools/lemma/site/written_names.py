"""Declared names shown the way the author writes them: `Wp` declared with `# W⁺` reads W⁺.

A derivation's names are identifiers (`Wp`, `Sig`, `xhat`), but the author usually has a symbol
in mind and says so in the declaration's comment:

    given:
      Wp: matrix d x k      # W⁺, e.g. the pseudo-inverse
      S: matrix n x n       # $\\Sigma$, the covariance

A comment that starts with a symbol (a letter with super- or subscripts, accents or a Greek
letter, e.g. `W⁺`, `λ₁`, `x̂`, `Σ`) or with `$TeX$` sets how the name is typeset on the site,
everywhere in that block. The checker is untouched: only the display changes, and the block's
source (shown under "Source") keeps the names as written in it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping

from ..derive.language.written import name_tex

_SECTION = re.compile(r"^\s*([a-z]+):\s*$")
_DECLARATION = re.compile(r"^\s+([A-Za-z]\w*)\s*:[^#]*#\s*(.+)$")
_DOLLARS = re.compile(r"^\$([^$]{1,80})\$")
_TOKEN = re.compile(r"^([^\s,;:()]{1,8})(?=[\s,;:]|$)")
_MATH = re.compile(r"(\\\(|\\\[)(.*?)(\\\)|\\\])", re.S)
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ", [*"0123456789+-=()ni", r"\top"], strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ", "0123456789+-=()aeoxhklmnpstij",
                       strict=True))
_ACCENTS = {"\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar", "\u0307": r"\dot",
            "\u0308": r"\ddot", "\u20d7": r"\vec"}
_SMALL = ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
          "sigma tau upsilon varphi chi psi omega epsilon phi vartheta")
_CAPITAL = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
_GREEK = {**dict(zip("αβγδεζηθικλμνξπρστυφχψωϵϕϑ", ["\\" + n for n in _SMALL.split()],
                     strict=True)),
          **dict(zip("ΓΔΘΛΞΠΣΥΦΨΩ", ["\\" + n for n in _CAPITAL.split()], strict=True))}


def written_forms(source: str) -> dict[str, str]:
    """Name -> LaTeX, for each single-name declaration under `given:` whose comment starts
    with the name's symbol (`# W⁺, ...` or `# $W^+$ ...`)."""
    forms: dict[str, str] = {}
    section = ""
    for line in source.splitlines():
        if header := _SECTION.match(line):
            section = header[1]
            continue
        found = _DECLARATION.match(line) if section == "given" else None
        if found is None:
            continue
        comment = found[2].strip()
        if dollars := _DOLLARS.match(comment):
            forms[found[1]] = dollars[1].strip()
        elif (token := _TOKEN.match(comment)) and (tex := symbol_tex(token[1])):
            forms[found[1]] = tex
    return forms


def symbol_tex(symbol: str) -> str | None:
    """`W⁺` -> W^{+}, `λ₁` -> \\lambda_{1}, `x̂` -> \\hat{x}, `Σ` -> \\Sigma; None for anything
    that is not one letter with such marks (a plain word, a relation sign, a phrase)."""
    text = unicodedata.normalize("NFD", symbol)
    base = text[0]
    if not (base.isascii() and base.isalpha()) and base not in _GREEK:
        return None
    tex = _GREEK.get(base, base)
    rest = text[1:]
    while rest and rest[0] in _ACCENTS:
        tex, rest = f"{_ACCENTS[rest[0]]}{{{tex}}}", rest[1:]
    if not rest and tex == symbol:
        return None  # a plain ASCII letter: nothing to show differently
    sup, sub = [], []
    for c in rest:
        if c in _SUPERSCRIPTS:
            sup.append(_SUPERSCRIPTS[c])
        elif c in _SUBSCRIPTS:
            sub.append(_SUBSCRIPTS[c])
        else:
            return None  # an unknown mark: a word or a phrase, not a symbol
    sups = " ".join(sup).replace(" ", "") if r"\top" not in sup else " ".join(sup)
    return tex + (f"_{{{''.join(sub)}}}" if sub else "") + (f"^{{{sups}}}" if sup else "")


def apply_forms(rendered: str, forms: Mapping[str, str]) -> str:
    """`rendered` HTML with each name in its formulas shown in its written form (braced, so a
    following `^{\\top}` stacks on it)."""
    if not forms:
        return rendered
    patterns = []
    for name, tex in forms.items():
        shown = re.escape(html.escape(name_tex(name), quote=False))
        bare = rf"(?<![\\A-Za-z]){re.escape(name)}(?![A-Za-z0-9_])"
        patterns.append((re.compile(rf"{shown}(?![A-Za-z])|{bare}"),
                         "{" + html.escape(tex, quote=False) + "}"))

    def one(match: re.Match[str]) -> str:
        body = match[2]
        for pattern, shown_as in patterns:
            body = pattern.sub(lambda _, t=shown_as: t, body)
        return match[1] + body + match[3]
    return _MATH.sub(one, rendered)
