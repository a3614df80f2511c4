"""Math typeset at build time: the vendored KaTeX, run in an embedded V8 (mini-racer), turns
every arithmatex element into finished HTML, so a page shows its formulas with no script.

Chosen over MathML (`latex2mathml`): the same speed per formula (under a millisecond), and the
output is KaTeX's own typesetting with its fonts (MathML is drawn by the browser's math font,
and latex2mathml mis-reads `\\mathrel`, `\\operatorname` spacing and matrices). KaTeX also
writes hidden MathML beside its HTML, which screen readers read.
"""

from __future__ import annotations

import asyncio
import atexit
import html
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..macros import expand_macros
from .extensions import ASSETS
from .katex_fonts import formula_classes, formula_glyphs
from .tex_words import tex_text

KATEX_JS = ASSETS / "katex" / "katex.min.js"
#: KaTeX options: no `\href`/`\url` or HTML extensions (trust), macros bounded (maxExpand).
OPTIONS = {"throwOnError": True, "strict": "ignore", "trust": False, "maxExpand": 1000,
           "output": "htmlAndMathml"}
SECONDS_PER_FORMULA = 5.0
MEMORY = 512 * 2**20  # bytes of V8 heap; a formula past it fails alone, the build goes on
#: The TeX is passed as a call argument (JSON), never spliced into code.
RENDER = """
function lemmaRender(tex, display, options) {
  options.displayMode = display;
  try { return [katex.renderToString(tex, options), null]; }
  catch (err) {
    if (!(err instanceof katex.ParseError)) throw err;
    options.throwOnError = false;
    return [katex.renderToString(tex, options), String(err.message)];
  }
}
"""
#: An arithmatex element: `\\(…\\)`, `\\[…\\]` (its brackets maybe entities, as derivation HTML
#: writes them), or a bare `\\begin{env}…\\end{env}` block.
_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex([^"]*)">(\\\(|\\\[|\\&#91;)?(.*?)'
                         r'(\\\)|\\\]|\\&#93;)?</\1>', re.S)

#: report(latex, message): a formula KaTeX could not typeset.
Report = Callable[[str, str], None]


@dataclass
class Typesetter:
    """KaTeX in V8, started on the first formula; results cached by (TeX, display mode), so a
    formula used on many pages, or unchanged across `mkdocs serve` rebuilds, is typeset once."""

    cache: dict[tuple[str, bool], tuple[str, str | None]] = field(default_factory=dict)
    #: the project's `katex_macros` (see `lemma.macros`), handed to KaTeX with every formula
    macros: dict[str, str] = field(default_factory=dict)
    #: formulas asked for since the last `take_font_use` (the current build), and what each
    #: draws: its characters and its elements' classes (`katex_fonts` keeps only those glyphs)
    used: set[tuple[str, bool]] = field(default_factory=set)
    drawn: dict[tuple[str, bool], tuple[frozenset[str], frozenset[frozenset[str]]]] = field(
        default_factory=dict)
    _context: Any = None

    def use_macros(self, macros: dict[str, str]) -> None:
        """Typeset with `macros` from now on (the cache is dropped when they change)."""
        if macros != self.macros:
            self.macros = dict(macros)
            self.cache.clear()
            self.drawn.clear()

    def render(self, latex: str, display: bool) -> tuple[str, str | None]:
        """(KaTeX HTML, None), or (KaTeX's error markup, the parse error) for bad TeX."""
        key = (latex, display)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._render(latex, display)
        if key not in self.drawn:
            self.drawn[key] = (frozenset(formula_glyphs(found[0])),
                               frozenset(formula_classes(found[0])))
        self.used.add(key)
        return found

    def forget_font_use(self) -> None:
        """Another vault from now on: its fonts owe nothing to the formulas typeset before
        (the cache of typeset formulas stays; only the record of what the fonts must draw goes)."""
        self.drawn.clear()
        self.used = set()

    def take_font_use(self, everything: bool = False) -> tuple[set[str], set[frozenset[str]]]:
        """(characters, element classes) of the formulas typeset since the last call, which
        starts the count again: a build cuts the fonts to its own formulas, whatever an earlier
        build in this process (a test) typeset. `everything`: of every formula still cached,
        for a build that re-rendered only some pages (`serve --dirty`), whose other pages keep
        formulas typeset by earlier builds."""
        glyphs: set[str] = set()
        classes: set[frozenset[str]] = set()
        for key in self.drawn if everything else self.used:
            g, c = self.drawn.get(key, ((), ()))
            glyphs.update(g)
            classes.update(c)
        self.used = set()
        return glyphs, classes

    def _render(self, latex: str, display: bool) -> tuple[str, str | None]:
        from py_mini_racer import JSTimeoutException

        def call() -> Any:
            options = {**OPTIONS, "macros": dict(self.macros)} if self.macros else OPTIONS
            return self._js().call("lemmaRender", latex, display, options,
                                   timeout_sec=SECONDS_PER_FORMULA)
        try:
            if _in_event_loop():  # mini-racer's timeout refuses to block a running loop
                with ThreadPoolExecutor(1) as pool:
                    out, error = pool.submit(call).result()
            else:
                out, error = call()
        except JSTimeoutException:
            self.close()  # a fresh V8 for the next formula
            message = f"typesetting took over {SECONDS_PER_FORMULA:g} s"
            return _fallback(latex, message), message
        return str(out), error

    def _js(self) -> Any:
        if self._context is None:
            from py_mini_racer import MiniRacer

            context = MiniRacer()
            context.set_hard_memory_limit(MEMORY)
            # only the vendored KaTeX and RENDER run as code; a note's TeX is a call argument
            source = KATEX_JS.read_text(encoding="utf-8")
            context.execute(f"(function () {{ {source}\n;{RENDER}\n"
                            "globalThis.lemmaRender = lemmaRender; return 0; })()")
            self._context = context
            atexit.register(self.close)  # an open context can hang the interpreter's exit
        return self._context

    def close(self) -> None:
        """Stop V8 (the cache stays; the next formula starts it again)."""
        if self._context is not None:
            self._context.close()
            self._context = None
            atexit.unregister(self.close)


def _in_event_loop() -> bool:
    """Whether this thread runs an asyncio loop (e.g. a build inside Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _fallback(latex: str, message: str) -> str:
    """What KaTeX shows for a formula it rejects: the TeX in red, the reason on hover."""
    return (f'<span class="katex-error" title="{html.escape(message)}">'
            f"{html.escape(latex, quote=False)}</span>")


def typeset_html(content: str, typesetter: Typesetter, report: Report | None = None) -> str:
    """Page HTML with every arithmatex formula typeset, and its words for the search index.

    KaTeX's markup is kept out of the index in a `<lemma-math data-search-exclude>` element (a
    tag KaTeX never writes: Material's indexer stops skipping at the first closing tag of the
    excluded element's name), and the formula is followed by a hidden span holding `tex_text`
    of it, which only the search plugin reads.
    """
    if "arithmatex" not in content:
        return content

    def swap(m: re.Match[str]) -> str:
        tag, classes, opening, body, _ = m.groups()
        latex = html.unescape(body).strip()
        typeset, error = typesetter.render(latex, tag == "div" or opening not in (None, "\\("))
        if error is not None and report is not None:
            report(latex, error)
        words = html.escape(tex_text(expand_macros(latex, typesetter.macros)), quote=False)
        return (f'<{tag} class="arithmatex{classes}"><lemma-math data-search-exclude>{typeset}'
                f'</lemma-math></{tag}><span class="lemma-search-text" hidden>{words}</span>')
    return _ARITHMATEX.sub(swap, content)



def source_line(text: str, first_line: int, latex: str) -> int:
    """The file line of `text` (which starts at `first_line`) where `latex` is written, or
    `first_line` when it is not found as written (e.g. a derivation's printed formula)."""
    at = text.find(latex)
    return first_line + (text.count("\n", 0, at) if at >= 0 else 0)
