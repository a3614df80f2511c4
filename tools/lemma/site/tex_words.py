"""Formulas as readable text, for the search index, its snippets and the feed.

`\\frac{1}{2}` reads "1/2", `W^\\top` "Wᵀ", `(WW^\\top)^{-1}` "(WWᵀ)⁻¹", `\\nabla_W L` "∇_W L",
`\\lambda` "λ". The search box writes notation the same way (`assets/lemma.js`) and adds the
name of each symbol (λ ↔ lambda, ∇ ↔ nabla, ᵀ ↔ transpose), so either finds the other.
"""

from __future__ import annotations

import re

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
SYMBOLS = {
    "nabla": "∇", "partial": "∂", "sum": "∑", "prod": "∏", "int": "∫", "cdot": "·",
    "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
    "lt": "<", "gt": ">", "approx": "≈", "propto": "∝", "to": "→", "mapsto": "↦",
    "infty": "∞", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪",
    "cap": "∩", "iff": "⇔", "implies": "⇒", "Rightarrow": "⇒", "rightarrow": "→",
    "top": "ᵀ", "dagger": "†", "pm": "±", "circ": "∘", "otimes": "⊗", "oplus": "⊕",
    "mid": "|", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "|": "‖",
    "langle": "⟨", "rangle": "⟩", "ldots": "…", "cdots": "…", "dots": "…", "forall": "∀",
    "exists": "∃", "emptyset": "∅", "sim": "∼", "equiv": "≡", "star": "⋆", "ell": "ℓ",
    "max": "max", "min": "min", "log": "log", "exp": "exp", "det": "det", "tr": "tr",
    "arg": "arg", "sin": "sin", "cos": "cos", "tanh": "tanh", "lim": "lim", "sup": "sup",
    "inf": "inf",
}
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "C": "ℂ", "Q": "ℚ", "E": "𝔼", "P": "ℙ"}
#: Commands whose argument is shown as it is (fonts, text, operator names, accents).
KEEP_ARGUMENT = frozenset({
    "text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathcal",
    "mathscr", "mathfrak", "boldsymbol", "bm", "operatorname", "hat", "bar", "tilde",
    "widehat", "widetilde", "vec", "dot", "ddot", "overline", "underline", "phantom",
    "mathrel", "mathop", "mathbin", "texttt",
})
DROP = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
                  "Bigr", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits"})
SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": " "}
SUPER = str.maketrans("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ")
SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx",
                    "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(\s+)|(.)", re.S)


def tex_text(latex: str) -> str:
    """Readable text for a formula (see the module's docstring)."""
    tokens = [(m.group(1) or (m.group(2) and "\\" + m.group(2)) or None,
               m.group(3), m.group(4)) for m in _TOKEN.finditer(latex)]
    text, _ = _sequence(tokens, 0)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s+([,;.)\]])|([(\[])\s+", r"\1\2", text).strip()


def _sequence(tokens: list, i: int) -> tuple[str, int]:
    """Text of tokens[i:] up to the closing `}` of the group (or the end), and where it ends."""
    out: list[str] = []
    while i < len(tokens):
        char = tokens[i][2]
        if char == "}":
            return "".join(out), i + 1
        if char in ("^", "_"):
            arg, i = _argument(tokens, i + 1)
            script = _superscript(arg) if char == "^" else _subscript(arg)
            if out:
                out[-1] = out[-1].rstrip()
            out.append(script)
            continue
        piece, i = _atom(tokens, i)
        out.append(piece)
    return "".join(out), i


def _atom(tokens: list, i: int) -> tuple[str, int]:
    """The text of one token (a command takes its arguments)."""
    command, space, char = tokens[i]
    if space is not None:
        return " ", i + 1
    if char is not None:
        if char == "{":
            inner, end = _sequence(tokens, i + 1)
            return inner, end
        return {"&": " ", "~": " ", "$": ""}.get(char, char), i + 1
    return _command(command, tokens, i + 1)


def _command(name: str, tokens: list, i: int) -> tuple[str, int]:
    if name.startswith("\\"):  # an escaped character: `\,` `\{` `\\`
        char = name[1]
        if char == "\\":
            return "; ", i
        return SPACES.get(char, char), i
    if name in ("frac", "dfrac", "tfrac"):
        top, i = _argument(tokens, i)
        bottom, i = _argument(tokens, i)
        return f"{_operand(top)}/{_operand(bottom)} ", i
    if name == "sqrt":
        arg, i = _argument(tokens, i)
        return "√" + _operand(arg), i
    if name == "mathbb":
        arg, i = _argument(tokens, i)
        return BLACKBOARD.get(arg, arg), i
    if name in KEEP_ARGUMENT:
        arg, i = _argument(tokens, i)
        return arg + (" " if name == "operatorname" else ""), i
    if name in ("begin", "end"):
        _, i = _argument(tokens, i)  # the environment's name
        return " ", i
    if name in DROP:
        return "", i
    if name in SPACES:
        return SPACES[name], i
    word = GREEK.get(name) or SYMBOLS.get(name) or name
    return (word + " ") if word.isalpha() and len(word) > 1 else word, i


def _argument(tokens: list, i: int) -> tuple[str, int]:
    """A command's or script's argument: a group, or the next single token."""
    while i < len(tokens) and tokens[i][1] is not None:  # spaces before it
        i += 1
    if i >= len(tokens):
        return "", i
    return _atom(tokens, i)


def _operand(text: str) -> str:
    """A fraction's part, in parentheses when it has more than one term."""
    text = text.strip()
    return f"({text})" if re.search(r"[\s+\-−·×/]", text) else text


def _superscript(arg: str) -> str:
    arg = arg.strip()
    if arg in ("ᵀ", "T", "⊤", "\\top"):
        return "ᵀ"
    if _scriptable(arg, "0123456789+-=()ni"):
        return arg.translate(SUPER)
    if arg in ("*", "′", "'", "†", "∗"):
        return arg
    return "^" + (arg if arg.isalnum() else f"({arg})")


def _subscript(arg: str) -> str:
    arg = arg.strip()
    if _scriptable(arg, "0123456789+-=()aeijklmnoprstuvx"):
        return arg.translate(SUB)
    return "_" + (arg if arg.isalnum() else f"({arg})")


def _scriptable(arg: str, chars: str) -> bool:
    """Whether a script has a Unicode form that reads well: its characters all exist raised
    (or lowered) and it holds at most one letter (`ᵢ₌₁`, `⁻¹`, not `ₘₐₓ`)."""
    return (bool(arg) and all(c in chars for c in arg)
            and sum(c.isalpha() for c in arg) <= 1)
