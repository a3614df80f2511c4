"""Which names a derivation may use: ASCII and Greek letters, and `lambda` despite Python.

Python's parser folds look-alike characters together (NFKC: fullwidth `ｘ` *is* `x`, `ϑ` *is*
`θ`), so a character is allowed in a name only when it is its own normal form, and only Greek
letters that do not look like a Latin one (`Α`, `ο` do). The keyword `lambda` is accepted as a
name by swapping it for a placeholder of the same length before `ast.parse` and back after; the
text is still only parsed, never run.
"""

from __future__ import annotations

import ast
import re
import unicodedata

#: Greek letters allowed in names: the lowercase alphabet without omicron (it is an `o`) and
#: the capitals that differ from Latin ones.
GREEK = frozenset("αβγδεζηθικλμνξπρστυφχψω" "ΓΔΘΛΞΠΣΦΨΩ")
_LETTER = "A-Za-z" + "".join(sorted(GREEK))
NAME_PATTERN = f"[{_LETTER}][{_LETTER}0-9_]*"
NAME = re.compile(NAME_PATTERN)

#: Python keywords a derivation may use as names, and their same-length placeholders.
KEYWORD_NAMES = {"lambda": "_lambd"}
_KEYWORD = re.compile(r"(?<![\w])(" + "|".join(KEYWORD_NAMES) + r")(?![\w])")
_ASCII_FOR = {"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/", "≤": "<=", "≥": ">=",
              "≠": "!=", "²": "**2", "³": "**3", "√": "sqrt", "∞": "oo"}


def character_problem(ch: str) -> tuple[str, str] | None:
    """(message, hint) when a character may not appear in an expression or a name."""
    if ch.isascii():
        if ord(ch) < 32 and ch not in "\t\n\r":
            return f"control character {ch!r} in an expression", ""
        return None
    if ch in GREEK:
        return None
    label = unicodedata.name(ch, f"U+{ord(ch):04X}")
    if ch in _ASCII_FOR:
        return f"the character {ch!r} ({label}) is not allowed", f"write {_ASCII_FOR[ch]}"
    normal = unicodedata.normalize("NFKC", ch)
    if normal != ch:
        return (f"the character {ch!r} ({label}) is a variant of {normal!r} and is not allowed",
                f"write {normal!r} itself" if normal.isascii() or normal in GREEK else
                "names use ASCII letters, digits, _ and Greek letters such as α, λ, σ")
    if unicodedata.category(ch).startswith("L"):
        look = " (it looks like a Latin letter)" if "GREEK" in label else ""
        return (f"the letter {ch!r} ({label}) is not allowed in a name{look}",
                "names use ASCII letters, digits, _ and Greek letters such as α, λ, σ, Σ")
    return (f"the character {ch!r} ({label}) is not allowed in an expression",
            "write operators in ASCII: + - * / ** <= >=; names may use Greek letters (λ, σ)")


def protect_keywords(text: str) -> str:
    """`lambda` as a name -> its placeholder (same length, so every offset stays put)."""
    return _KEYWORD.sub(lambda m: KEYWORD_NAMES[m.group(1)], text)


def restore_keywords(tree: ast.AST, original: str) -> None:
    """Name nodes that were `lambda` in the original text get their name back; a placeholder
    the author typed literally stays what it is (an undeclared name)."""
    back = {v: k for k, v in KEYWORD_NAMES.items()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in back:
            word = back[node.id]
            if original[node.col_offset:node.col_offset + len(word)] == word:
                node.id = word


def char_offsets(tree: ast.AST, text: str) -> None:
    """Turn the UTF-8 byte offsets `ast` reports into character offsets of `text` (one line)."""
    if text.isascii():
        return
    table: list[int] = []
    for i, ch in enumerate(text):
        table.extend([i] * len(ch.encode("utf-8")))
    table.append(len(text))
    for node in ast.walk(tree):
        for attr in ("col_offset", "end_col_offset"):
            value = getattr(node, attr, None)
            if isinstance(value, int):
                setattr(node, attr, table[min(value, len(table) - 1)])
