"""`katex_macros` on the site: the map KaTeX uses for every formula it typesets at build time
(pages, hover previews, backlinks, derivation displays); see `lemma.macros`."""

from __future__ import annotations

import logging
from typing import Any

from ..macros import read_macros


def site_macros(option: Any) -> dict[str, str]:
    """The `katex_macros` option read (a problem is logged, failing --strict)."""
    macros, problems = read_macros(option)
    for problem in problems:
        logging.getLogger("mkdocs.plugins.lemma").warning(f"mkdocs.yml: {problem}")
    return macros
