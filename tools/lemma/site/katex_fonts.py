"""KaTeX's fonts cut down to the characters the site's formulas use.

A page with math downloads up to seven of KaTeX's fonts (about 85 KB on the DNFA page), each
holding every glyph KaTeX might need. Formulas are typeset at build time (`typeset.py`), so the
build knows every character they show: the fonts its formulas use keep only those (and their
hinting goes: browsers anti-alias these sizes anyway). A font keeps every character of every
formula, whichever font draws it, so it never lacks a glyph it is asked for. Which fonts are
used is read from the CSS classes of the formulas against KaTeX's own stylesheet; a font that
seems unused is left whole, so a misjudged one only costs weight, never a missing glyph.
Subsets are cached by (font, characters), so a rebuild with no new symbol costs nothing. The
characters come from the build's `Typesetter`: every formula of the site passes through it.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import io
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .extensions import ASSETS

FONTS = ASSETS / "katex" / "fonts"
CSS = ASSETS / "katex" / "katex.min.css"
SITE_FONTS = "assets/lemma/katex/fonts"
_TAG = re.compile(r"<[^>]*>")
_CLASSES = re.compile(r'class="([^"]*)"')
_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
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


def formula_classes(katex_html: str) -> set[frozenset[str]]:
    """The class lists of one formula's elements (they choose KaTeX's fonts)."""
    return {frozenset(found.split()) for found in _CLASSES.findall(katex_html)}


def _matches(selector: str, classes: set[frozenset[str]]) -> bool:
    """Whether each part of `selector` with classes (`.delimsizing.size3`, `.delim-size1`)
    names classes one element has; `.katex` and bare tags are taken as present."""
    parts = [set(re.findall(r"\.([\w-]+)", part)) - {"katex"}
             for part in re.split(r"[\s>+~]+", selector.strip())]
    parts = [p for p in parts if p]
    return bool(parts) and all(any(p <= element for element in classes) for p in parts)


def used_fonts(classes: set[frozenset[str]]) -> set[str]:
    """Font file names the formulas with `classes` may draw with: KaTeX_Main-Regular always,
    and each font whose rule in KaTeX's stylesheet matches (a rule that sets only weight or
    style makes the Main face it selects used; a face the name does not match: all of them)."""
    names = {p.name for p in FONTS.glob("*.woff2")}
    used = {"KaTeX_Main-Regular.woff2"}
    for selectors, body in _RULE.findall(CSS.read_text(encoding="utf-8")):
        family = re.search(r"font-family:(KaTeX_\w+)", body)
        bold = re.search(r"font-weight:(700|bold)", body) is not None
        italic = "font-style:italic" in body
        if not family and not (bold or italic):
            continue
        if not any(_matches(sel, classes) for sel in selectors.split(",")):
            continue  # (@font-face has no class: never matches)
        base = family.group(1) if family else "KaTeX_Main"
        face = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
        name = f"{base}-{face}.woff2"
        used |= {name} if name in names else {n for n in names if n.startswith(base + "-")}
    return used


def subset_fonts(glyphs: Iterable[str], cache: Path | None,
                 fonts: set[str] | None = None) -> dict[str, bytes]:
    """Font file name -> the woff2 subset keeping `glyphs`, for the fonts named in `fonts`
    (default: all); empty when nothing was typeset. `cache`: a folder for finished subsets."""
    keep = sorted(set(glyphs) | ALWAYS)
    if len(keep) == len(ALWAYS):
        return {}
    out = {}
    for font in sorted(FONTS.glob("*.woff2")):
        if fonts is not None and font.name not in fonts:
            continue
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


def write_fonts(site_dir: Path, typesetter: Any, cache: Path | None,
                partial: bool = False) -> None:
    """Replace the published KaTeX fonts of `site_dir` that this build's formulas use (as
    `typesetter.take_font_use` tells) by their subsets; `partial`: the build re-rendered only
    some pages, so the fonts keep every formula the typesetter still holds."""
    glyphs, classes = typesetter.take_font_use(everything=partial)
    if importlib.util.find_spec("fontTools") is None:  # an install without it: fonts whole
        log.info("lemma: KaTeX's fonts are published whole (install fonttools[woff] to cut "
                 "them to the characters the formulas use)")
        return
    for name, data in subset_fonts(glyphs, cache, used_fonts(classes)).items():
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
