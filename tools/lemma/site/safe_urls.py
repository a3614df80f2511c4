"""No link on a page runs script: `javascript:`, `vbscript:` and non-image `data:` URLs in a
page's `href`/`src`-like attributes become `#`, wherever they came from (a Markdown link
`[x](javascript:…)`, a raw HTML `<a>`), as Obsidian Publish's sanitiser does."""

from __future__ import annotations

import html
import re

_URL_ATTR = re.compile(
    r"""(\s(?:href|src|action|formaction|xlink:href|poster|data|srcset)\s*=\s*)"""
    r"""("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these before reading the scheme
_UNSAFE = re.compile(r"(?:javascript|vbscript|data):", re.IGNORECASE)
_IMAGE_DATA = re.compile(r"data:image/(?:png|gif|jpe?g|webp|avif|bmp);", re.IGNORECASE)


def unsafe(url: str) -> bool:
    """Whether a URL (as written in an attribute, references not yet decoded) runs script."""
    plain = _IGNORED.sub("", html.unescape(url))
    return _UNSAFE.match(plain) is not None and _IMAGE_DATA.match(plain) is None


def neutralise_urls(page_html: str) -> tuple[str, list[str]]:
    """(the HTML with every unsafe URL attribute set to "#", the URLs removed)."""
    removed: list[str] = []

    def check(match: re.Match[str]) -> str:
        value = match.group(2)
        url = value[1:-1] if value[:1] in "\"'" else value
        if not unsafe(url):
            return match.group(0)
        removed.append(html.unescape(url))
        return f'{match.group(1)}"#"'

    if ":" not in page_html:
        return page_html, removed
    return _URL_ATTR.sub(check, page_html), removed
