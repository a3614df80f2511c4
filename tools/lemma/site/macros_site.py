"""`katex_macros` on the site: one generated script hands the map to KaTeX for every formula
(pages, hover previews, backlinks, derivation displays); see `lemma.macros`."""

from __future__ import annotations

import logging
from typing import Any

from ..macros import read_macros

#: The generated script that hands `katex_macros` to KaTeX (before lemma.js, which uses them).
MACROS_JS = "assets/lemma/katex-macros.js"


def site_macros(option: Any, js: list[str]) -> dict[str, str]:
    """The `katex_macros` option read (a problem is logged, failing --strict); when there are
    macros, their script is put in `js` (the page scripts) right after KaTeX itself."""
    macros, problems = read_macros(option)
    for problem in problems:
        logging.getLogger("mkdocs.plugins.lemma").warning(f"mkdocs.yml: {problem}")
    if macros and MACROS_JS not in js:
        js.insert(1, MACROS_JS)
    return macros
