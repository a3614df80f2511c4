"""Text for full-text search in any script: CJK split into characters, accents folded.

SQLite's `unicode61` tokenizer reads a run of Chinese, Japanese or Korean characters as one
word, so `正切核` would find nothing inside `正切核的定义`. Indexed text gets a zero-width space
around each CJK character (each becomes a token) and a query's CJK run becomes the phrase of
its characters: a phrase of consecutive characters is a substring match, with no segmenter
and no ICU. `unicode61` folds most accents itself (`Überblick` ~ `uberblick`); letters it
keeps (`ł ø æ œ ß đ þ`) are folded here into an extra column of the words that change.
"""

from __future__ import annotations

import re

#: Han (with extensions A and compatibility ideographs), kana, Hangul syllables and jamo.
CJK = (r"\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
       r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff")
_CJK_CHAR = re.compile(f"[{CJK}]")
ZWSP = "\u200b"  # a separator to unicode61 (category Cf), invisible in a snippet
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae",
                       "œ": "oe", "Œ": "Oe", "ß": "ss", "ẞ": "SS", "đ": "d", "Đ": "D",
                       "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"})
_FOLDABLE_CHARS = "".join(chr(c) for c in _FOLD)
_FOLDABLE = re.compile(f"[{_FOLDABLE_CHARS}]")
_WORD = re.compile(r"\w+")


# Every CJK character's high byte in UTF-16 (surrogates, D8-DF, are none of them): a text none
# of whose characters has one of these has no CJK, found by one C-speed `translate`, ~3x faster
# than the character class above.
_CJK_HIGH = [0x11, 0x30, 0x31, *range(0x34, 0xA0), *range(0xAC, 0xD8), 0xF9, 0xFA]
_NOT_CJK_HIGH = bytes(sorted(set(range(256)) - set(_CJK_HIGH)))


def may_have_cjk(text: str) -> bool:
    """False when `text` surely has no CJK character (see `_CJK_HIGH`)."""
    if text.isascii():
        return False
    high = text.encode("utf-16-le", "surrogatepass")[1::2]
    return bool(high.translate(None, _NOT_CJK_HIGH))


def index_text(text: str) -> str:
    """`text` as the search table stores it: each CJK character a separate token."""
    if not may_have_cjk(text) or not _CJK_CHAR.search(text):
        return text
    return _CJK_CHAR.sub(lambda m: f"{ZWSP}{m.group(0)}{ZWSP}", text)


def shown_text(snippet: str) -> str:
    """A snippet of indexed text as written (the zero-width spaces taken out)."""
    return snippet.replace(ZWSP, "")


def folded_words(*texts: str) -> str:
    """The words of `texts` that `fold_letters` changes, folded (for an extra column)."""
    found: dict[str, None] = {}
    for text in texts:
        if has_foldable(text):
            for word in _WORD.findall(text):
                if _FOLDABLE.search(word):
                    found[fold_letters(word)] = None
    return " ".join(found)


def has_foldable(text: str) -> bool:
    """Whether `text` has a letter `fold_letters` changes: 17 one-character searches, each
    faster than one pass of a character class over a note."""
    return not text.isascii() and any(char in text for char in _FOLDABLE_CHARS)


def fold_letters(text: str) -> str:
    """Letters that Unicode does not decompose, as their ASCII reading (`Łódź` -> `Lódź`)."""
    return text.translate(_FOLD)


def query_words(text: str) -> list[str]:
    """The tokens of a query word or phrase: `\\w+` runs, each CJK character on its own,
    undecomposable letters folded."""
    words = []
    for word in _WORD.findall(fold_letters(text)):
        if _CJK_CHAR.search(word):
            words += [w for w in _CJK_CHAR.sub(lambda m: f" {m.group(0)} ", word).split()]
        else:
            words.append(word)
    return words
