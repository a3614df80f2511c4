"""KaTeX's fonts cut down to the characters the site's formulas use.

A page with math downloads up to seven of KaTeX's fonts (about 85 KB on the DNFA page), each
holding every glyph KaTeX might need. Formulas are typeset at build time (`typeset.py`), so the
build knows every character they show: the published fonts keep only those (and their hinting
goes: browsers anti-alias these sizes anyway). A font is only ever given more glyphs than its
formulas need, never fewer, because the kept set is every character in the text of every
formula, whichever font draws it. Subsets are cached by (font, characters), so a rebuild with
no new symbol costs nothing. The characters come from the `Typesetter` of the build: every
formula of the site must pass through it (the browser test walks the built pages to check).
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from .extensions import ASSETS

FONTS = ASSETS / "katex" / "fonts"
SITE_FONTS = "assets/lemma/katex/fonts"
_TAG = re.compile(r"<[^>]*>")
#: Drawn by every formula whatever its text (KaTeX's struts and spacing).
ALWAYS = frozenset(" \u00a0\u200b")
log = logging.getLogger("mkdocs.plugins.lemma")


def formula_glyphs(katex_html: str) -> set[str]:
    """The characters KaTeX's visible HTML of one formula shows (its hidden MathML repeats
    them, and its TeX annotation is never drawn)."""
    start = katex_html.find('class="katex-html"')
    if start < 0:
        return set()
    start = katex_html.find(">", start) + 1
    return set(html.unescape(_TAG.sub("", katex_html[start:])))


def subset_fonts(glyphs: Iterable[str], cache: Path | None) -> dict[str, bytes]:
    """Font file name -> the woff2 subset keeping `glyphs` (empty when nothing was typeset).
    `cache` is a folder for finished subsets, or None."""
    keep = sorted(set(glyphs) | ALWAYS)
    if len(keep) == len(ALWAYS):
        return {}
    out = {}
    for font in sorted(FONTS.glob("*.woff2")):
        data = font.read_bytes()
        key = hashlib.sha256(data + "".join(keep).encode("utf-8") + _version()).hexdigest()[:24]
        hit = cache / f"{font.stem}-{key}.woff2" if cache else None
        if hit is not None and hit.is_file():
            out[font.name] = hit.read_bytes()
            continue
        out[font.name] = _subset(data, keep)
        if hit is not None:
            hit.parent.mkdir(parents=True, exist_ok=True)
            hit.write_bytes(out[font.name])
    return out


def write_fonts(site_dir: Path, glyphs: Iterable[str], cache: Path | None) -> None:
    """Replace the published KaTeX fonts of `site_dir` by their subsets."""
    for name, data in subset_fonts(glyphs, cache).items():
        target = site_dir / SITE_FONTS / name
        if target.parent.is_dir() and (not target.is_file() or target.read_bytes() != data):
            target.write_bytes(data)


def _subset(data: bytes, keep: list[str]) -> bytes:
    """One font cut down to the characters `keep`, as woff2, byte-identical for the same input."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # KaTeX's 1970 timestamps
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [1, 2]  # family and style: what the CSS and a font inspector show
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in keep])
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def _version() -> bytes:
    from fontTools import version

    return version.encode("ascii")
