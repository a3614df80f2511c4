"""Words about checker results on the page: badges (status in a word, method on hover), block
verdicts, and the checker's prose with its `code` spans typeset."""

from __future__ import annotations

import html
import re
from typing import Any

from ..derive.language.written import source_tex
from .math import inline_math

STATUS_WORDS = {
    "proved": "proved symbolically",
    "verified": "tested at exact random points, not proved",
    "numeric": "tested numerically only, not proved",
    "unchecked": "not checked",
    "failed": "the two sides differ",
}


VERDICT_WORDS = {
    "proved": "every link proved symbolically, every side condition follows from the declarations",
    "tested": "no counterexample, but some links rest on sample points: evidence, not a proof",
    "incomplete": "not decided: a time box, unevaluable points or an open side condition",
}


def method_words(status: str, method: str, message: str = "") -> str:
    """A link's status as a sentence for the badge's tooltip: how many points a test used,
    never the names of the checker's internal steps (`linear_combination`, `doit`, …)."""
    words = STATUS_WORDS.get(status, status)
    points = re.fullmatch(r"random (exact|numeric) x(\d+)", method.strip())
    if points:
        kind = "exact" if points.group(1) == "exact" else "floating-point"
        words = f"{status}: equal at {points.group(2)} random {kind} points"
    return words + (f"; {message}" if message else "")  # the checker's internal steps: no


def badge(status: str, title: str = "") -> str:
    """A link's status badge: one word (proved / verified / numeric / unchecked / failed), with
    how it was decided on hover."""
    title = html.escape(title or STATUS_WORDS.get(status, status))
    return (f'<span class="lemma-badge lemma-badge-{html.escape(status)}" title="{title}">'
            f'{html.escape(status)}<span class="lemma-sr">: {title}</span></span>')


def verdict_html(result: Any) -> str:
    """The block's overall badge."""
    if result is None:
        return '<span class="lemma-badge lemma-badge-unchecked">not checked</span>'
    if result.expected != "valid":
        css, text = ("teaching", "fails as intended") if result.passed else ("failed",
                                                                            "did not fail")
    else:
        css = {"proved": "proved", "tested": "verified", "incomplete": "unchecked"}.get(
            result.verdict, "failed")
        text = result.verdict
    title = VERDICT_WORDS.get(text, "")
    title_attr = f' title="{html.escape(title)}"' if title else ""
    return f'<span class="lemma-badge lemma-badge-{css}"{title_attr}>{text}</span>'


#: LinkResult fields shown by their own code; any other text field is shown as a note.
_SHOWN_FIELDS = frozenset({"index", "line", "relation", "status", "method", "lhs_text",
                           "rhs_text", "justification", "residual", "counterexample",
                           "lhs_value", "rhs_value", "hints", "message", "error", "seconds"})


def extra_notes_html(link: Any) -> str:
    """Text fields of a link result this page has no special place for (e.g. side conditions
    a newer checker reports), each shown as a short note: "side conditions: …"."""
    fields = getattr(link, "__dataclass_fields__", {})
    notes = []
    for name in fields:
        value = getattr(link, name, None)
        if name in _SHOWN_FIELDS or not value:
            continue
        if isinstance(value, str):
            items = [value]
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            items = list(value)
        else:
            continue
        label = html.escape(name.replace("_", " "))
        notes.append(f'<span class="lemma-d-note">{label}: '
                     f'{"; ".join(code_html(v) for v in items)}</span>')
    return "".join(notes)


def code_html(text: str) -> str:
    """Checker prose with `code` spans typeset as formulas when they parse as expressions."""
    out = []
    for i, part in enumerate(re.split(r"`([^`]*)`", text)):
        if i % 2 == 0:
            out.append(html.escape(part))
            continue
        written = source_tex(part)
        out.append(inline_math(written) if written else f"<code>{html.escape(part)}</code>")
    return "".join(out)
