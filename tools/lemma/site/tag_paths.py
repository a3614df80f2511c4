"""Where a tag's page lives in the site (`ml/Theory` -> `tags/ml/theory.md`): shared by the tag
pages and the link renderer, which turns inline `#tags` into links to them."""

from __future__ import annotations

import re
import unicodedata


def tag_page(tag: str) -> str:
    """The vault path of a tag's page: `ml/Theory` -> `tags/ml/theory.md`, `c++` ->
    `tags/c-2b-2b.md` (tags that differ in more than case or accents get different pages)."""
    parts = [_slug(p) for p in tag.strip("/").split("/") if p.strip()]
    parts = parts or ["tag"]
    if parts[-1] == "index":
        parts[-1] = "index-tag"  # never the tags index itself
    return "tags/" + "/".join(parts) + ".md"


def _slug(segment: str) -> str:
    out = []
    for ch in segment.strip():
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        if ch.isspace():
            out.append("-")
        elif plain.isalnum() or plain in ("-", "_"):
            out.append(plain.lower())
        else:
            out.append(f"-{ord(ch):x}-")
    return re.sub(r"-+", "-", "".join(out)).strip("-") or "tag"
