"""Math without the network: arithmatex marks `$…$`/`$$…$$`, a vendored KaTeX typesets it.

Arithmatex's generic mode wraps math in `<span class="arithmatex">\\(…\\)</span>` (or a div with
`\\[…\\]`); `assets/lemma.js` renders those elements with the KaTeX shipped in `assets/katex/`.
"""

from __future__ import annotations

import html
from typing import Any

#: Markdown extensions the site needs, with their options (added unless the user configured them).
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "attr_list": {},
    "md_in_html": {},
    "tables": {},
    "footnotes": {},
    "admonition": {},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.highlight": {"use_pygments": True},
    "pymdownx.arithmatex": {"generic": True, "block_syntax": ["dollar", "square", "begin"],
                            "inline_syntax": ["dollar", "round"]},
}

#: Vendored KaTeX files loaded on every page (paths under the site's assets/lemma/).
KATEX_CSS = "katex/katex.min.css"
KATEX_JS = "katex/katex.min.js"


def inline_math(latex: str) -> str:
    """An inline formula in the same markup arithmatex produces, for lemma.js to typeset."""
    return f'<span class="arithmatex">\\({html.escape(latex, quote=False)}\\)</span>'


def display_math(latex: str) -> str:
    """A display formula in arithmatex's markup."""
    return f'<span class="arithmatex lemma-display">\\[{html.escape(latex, quote=False)}\\]</span>'


def add_extensions(extensions: list[Any], configs: dict[str, Any]) -> None:
    """Add the site's Markdown extensions to MkDocs' lists in place, keeping the user's own."""
    present = {e if isinstance(e, str) else "" for e in extensions}
    for name, options in MARKDOWN_EXTENSIONS.items():
        if name not in present:
            extensions.append(name)
            if options:
                configs[name] = dict(options)
