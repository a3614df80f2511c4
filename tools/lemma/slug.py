"""File names for new notes: ASCII, lower-case, stable (same title, same slug) and unique.

A slug is also a link name (Obsidian resolves `[[file-name]]` before titles), so uniqueness is
checked against every existing name, not only against existing files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

#: Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe",
                          "Œ": "oe", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th",
                          "Þ": "th", "ı": "i", "&": " and "})
MAX_LENGTH = 60


def slugify(title: str) -> str:
    """`"Grokking: délai & généralisation"` -> `"grokking-delai-and-generalisation"`.

    Titles with no ASCII letters or digits get `note-<hash>`, stable for the same title.
    """
    text = unicodedata.normalize("NFKD", title.translate(_SPECIAL))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['’`]", "", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_LENGTH:
        cut = slug[: MAX_LENGTH + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut[MAX_LENGTH // 2 :] else slug[:MAX_LENGTH]
        slug = slug.strip("-")
    if not slug:
        digest = hashlib.sha1(title.strip().encode("utf-8")).hexdigest()[:8]
        slug = f"note-{digest}"
    return slug


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3`, … : the first candidate for which `taken` is false."""
    if not taken(base):
        return base
    number = 2
    while taken(f"{base}-{number}"):
        number += 1
    return f"{base}-{number}"
