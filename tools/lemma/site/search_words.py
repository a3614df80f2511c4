"""The site's search in any script: Material's search splits Chinese, Japanese and Korean text
into characters, and a page's accented words are also indexed without their accents.

Material (lunr) splits words with one `separator` regular expression, used for pages and
queries alike; a run of CJK characters is one word to it, so `正切核` finds nothing inside
`正切核的定义`. Zero-width splits before and after each CJK character make each a term, and a
query's characters are then its terms (pages with all of them rank first). Accents: a hidden
span lists the page's words with diacritics folded, so `uberblick` finds `Überblick`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from ..search_text import CJK, fold_letters

#: Material's own default (its English `search.config.separator`).
DEFAULT_SEPARATOR = r"[\s\-]+"
#: Lemma's: words also split at brackets, commas and `=` (so `(WWᵀ)⁻¹` indexes `WWᵀ` and `⁻¹`),
#: and around every CJK character (each one a term: Chinese and Japanese have no spaces).
CJK_SPLIT = f"|(?<=[{CJK}])|(?=[{CJK}])"
SEARCH_SEPARATOR = r'[\s\-,;:!=\[\]()"/|]+|\.(?!\d)|&[lg]t;|&amp;' + CJK_SPLIT
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def search_separator(plugins: Any) -> None:
    """Give the search plugin Lemma's separator, unless the project chose its own."""
    for name in ("search", "material/search"):
        search = plugins.get(name)
        options = getattr(search, "config", None)
        if options is None or options.get("separator") not in (None, "", DEFAULT_SEPARATOR):
            continue
        options["separator"] = SEARCH_SEPARATOR
        index = getattr(search, "search_index", None)  # made by its on_config, if run already
        if isinstance(getattr(index, "config", None), dict):
            index.config["separator"] = SEARCH_SEPARATOR


def unaccented(word: str) -> str:
    """`Überblick` -> `Uberblick`, `Łódź` -> `Lodz`."""
    decomposed = unicodedata.normalize("NFKD", fold_letters(word))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def folded_span(page_html: str) -> str:
    """A hidden span of the page's accented words without accents ('' if it has none)."""
    text = html.unescape(_TAG.sub(" ", page_html))
    if text.isascii():
        return ""
    words: dict[str, None] = {}
    for word in _WORD.findall(text):
        if not word.isascii() and (plain := unaccented(word)) != word and plain.isascii():
            words[plain] = None
    if not words:
        return ""
    return (f'<span class="lemma-search-text" hidden>{html.escape(" ".join(words))}'
            "</span>")


def with_folded_words(page_html: str) -> str:
    """The page with `folded_span` placed right after its title, so the search counts the
    folded words to the page's first section rather than showing them under its last."""
    span = folded_span(page_html)
    if not span:
        return page_html
    at = page_html.find("</h1>")
    if at < 0:
        return page_html + span
    return page_html[: at + 5] + span + page_html[at + 5:]
