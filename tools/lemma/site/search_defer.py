"""Material's search index loaded when the search box is first used, not with every page.

The index (`search/search_index.json`) is the heaviest file a note page would fetch, and most
readers never search. `search_defer.js`, inlined at the top of each page's `<head>` so that it
runs before Material's bundle, holds back the index request until the reader points at, focuses
or opens the search box (Material's `f`, `s` and `/` keys too). Nothing of the theme is patched:
only the browser's XMLHttpRequest is wrapped, so a theme that fetched the index otherwise would
just fetch it at once, as before.
"""

from __future__ import annotations

from pathlib import Path

SCRIPT = (Path(__file__).with_name("search_defer.js")).read_text(encoding="utf-8")
MARK = "lemma-search-defer"


def defer_search_index(output: str) -> str:
    """The page's HTML with the deferring script first in its `<head>` (pages without search
    or without a head are returned unchanged)."""
    if 'name="search"' not in output or MARK in output:
        return output
    head = output.find("<head>")
    if head < 0:
        return output
    tag = f'<script id="{MARK}">{minify(SCRIPT)}</script>'
    return output[:head + 6] + tag + output[head + 6:]


def minify(script: str) -> str:
    """The script without its comments and indentation (it is inlined in every page)."""
    out, in_comment = [], False
    for line in script.splitlines():
        text = line.strip()
        if in_comment:
            in_comment = "*/" not in text
            continue
        if text.startswith("/*"):
            in_comment = "*/" not in text
            continue
        if text:
            out.append(text)
    return "\n".join(out)
