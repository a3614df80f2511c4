"""Derivation blocks as readable calculations: LaTeX from the parsed sympy objects, a badge a link.

The LaTeX comes from each object's own `_repr_latex_` (sympy's printer), so the reader sees
exactly the expressions the checker checked, and this module needs no sympy import of its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..derive.language.parse import find_blocks
from ..derive.language.written import greek_abbreviations, name_tex, source_tex
from ..model import SourcePos
from .derivation_words import badge, code_html, extra_notes_html, method_words, verdict_html
from .math import display_math, inline_math, prose_html
from .written_names import apply_forms, written_forms

RELATIONS = {"=": "=", "==": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
SETS = {"real": r"\mathbb{R}", "integer": r"\mathbb{Z}", "complex": r"\mathbb{C}"}
MAX_TEX = 1500  # longer LaTeX is folded behind the expression as written
MATRIX_TEX = 300  # an explicit matrix with longer LaTeX is shown in matrix notation


def tex(obj: Any) -> str:
    """LaTeX for a sympy object via its own printer; plain text for anything else."""
    printer = getattr(obj, "_repr_latex_", None)
    try:
        text = None if printer is None or isinstance(obj, type) else printer()
    except Exception:  # an object sympy cannot print is shown as text, not a crash
        text = None
    if text is None:
        return r"\text{" + str(obj).replace("_", r"\_") + "}"
    text = text.removeprefix("$").removesuffix("$").removeprefix(r"\displaystyle").strip()
    return greek_abbreviations(text)


def block_spans(markdown: str, first_line: int) -> list[tuple[int, int]]:
    """(first, last) line indexes in `markdown` of each derivation fence, as the parser finds them
    (last = the closing fence, or the last line of an unclosed block)."""
    last = markdown.count("\n")
    spans = []
    for raw in find_blocks(markdown, "", first_line):
        start = raw.pos.line - first_line
        end = raw.body_first_line - first_line + raw.source.count("\n") + (1 if raw.source else 0)
        spans.append((start, min(end, last) if raw.closed else last))
    return spans


def render_blocks(markdown: str, first_line: int, derivations: Sequence[Any],
                  results: Mapping[str, Any], problems: Mapping[int, str]) -> str:
    """`markdown` with every derivation fence replaced by its rendered HTML.

    `derivations` are the parsed blocks of this note, `results` their checker results by id,
    `problems` syntax errors by the fence's file line (those blocks show the source and error).
    """
    lines = markdown.split("\n")
    by_line = {d.pos.line: d for d in derivations}
    out: list[str] = []
    pos = 0
    for start, end in block_spans(markdown, first_line):
        file_line = start + first_line
        out.extend(lines[pos:start])
        derivation = by_line.get(file_line)
        if derivation is not None:
            rendered = derivation_html(derivation, results.get(derivation.id))
        else:
            source = "\n".join(lines[start + 1 : end])
            why = problems.get(file_line, "this block could not be parsed")
            rendered = error_html(source, why)
        out.extend(_same_lines(rendered, end - start + 1))
        pos = end + 1
    out.extend(lines[pos:])
    return "\n".join(out)


def _same_lines(rendered: str, count: int) -> list[str]:
    """The block's HTML on one line, padded to the block's line count (so the positions of
    later links stay right); brackets become entities so no `[[` is read as a wikilink."""
    flat = rendered.replace("\n", "&#10;").replace("[", "&#91;").replace("]", "&#93;")
    return ["", flat] + [""] * max(1, count - 2)


def error_html(source: str, why: str) -> str:
    """A block the parser rejected: its text and the reason, visibly marked."""
    return (f'<div class="lemma-derivation lemma-derivation-error"><div class="lemma-d-head">'
            f'<span class="lemma-badge lemma-badge-failed">syntax error</span> '
            f"{html.escape(why)}</div><pre><code>{html.escape(source)}</code></pre></div>")


def declarations_html(derivation: Any) -> str:
    """The `given:` names with their sets (names sharing one set together), then the
    `assume:` hypotheses by name."""
    groups: dict[str, list[str]] = {}
    for d in derivation.declarations:
        name = tex(d.value) if d.kind in SETS else name_tex(d.name)
        groups.setdefault(_declaration_tex(d, "\0"), []).append(name)
    parts = [inline_math(shape.replace("\0", ", ".join(names)))
             for shape, names in groups.items()]
    rows = []
    if parts:
        rows.append(f'<div class="lemma-d-given"><span class="lemma-d-key">Given</span> '
                    f'{"; ".join(parts)}</div>')
    hyps = []
    for h in derivation.hypotheses:
        hyps.append(f'<span class="lemma-d-hyp"><span class="lemma-d-hname">'
                    f"{html.escape(h.name)}</span> {inline_math(hypothesis_tex(h))}</span>")
    if hyps:
        combined = any(getattr(getattr(s, "justification", None), "kind", "") ==
                       "linear_combination" for s in derivation.steps)
        key = ('<span class="lemma-d-keynote">In a linear combination below, each name stands '
               "for its hypothesis as left side − right side.</span>") if combined else ""
        rows.append(f'<div class="lemma-d-given"><span class="lemma-d-key">Assume</span> '
                    f'{" ".join(hyps)}{key}</div>')
    return "".join(rows)


def hypothesis_tex(h: Any) -> str:
    """A hypothesis as written (`W.T*M*W == lam*W.T*W`), not as its expanded matrix entries."""
    match = re.search(r"!=|==|<=|>=|<|>", h.text)
    written_op = match[0] if match else "=="
    relation = {"!=": r"\ne", "==": "=", "<=": r"\le", ">=": r"\ge", "<": "<", ">": ">"}[
        written_op]
    sides = [h.text[:match.start()], h.text[match.end():]] if match else [h.text]
    written = [source_tex(side) for side in sides] if len(sides) == 2 else [None]
    if all(written):
        return f"{written[0]} {relation} {written[1]}"
    if h.nonzero:
        body = rf"{tex(h.lhs)} \ne 0"
    else:
        op = {"==": "=", "<=": r"\le", "<": "<"}[h.relation]
        body = rf"{tex(h.lhs)} {op} {tex(h.rhs)}"
    return body if len(body) <= MATRIX_TEX else r"\text{" + html.escape(h.text) + "}"


def _declaration_tex(d: Any, name: str) -> str:
    """`name ∈ set`, said once: a bounded real reads `p ∈ (0, 1)` or `λ > 0`, not both."""
    if d.structure == "gaussian":  # x ~ N(mu, S), as a paper writes its law
        mean = "0" if getattr(d.value, "zero_mean", False) else tex(d.value.mean)
        return rf"{name} \sim \mathcal{{N}}({mean}, {tex(d.value.cov)})"
    if d.kind in ("matrix", "vector") and d.shape:
        rows, cols = d.shape
        shape = f"{rows}" if d.kind == "vector" else rf"{rows}\times {cols}"
        extra = rf"\ \text{{({d.structure})}}" if d.structure else ""
        return rf"{name} \in \mathbb{{R}}^{{{shape}}}{extra}"
    if d.kind == "function":  # `g: function k` takes a k-vector; `f: function 2` two numbers
        size = getattr(d.value, "size", None)
        inputs = d.arity or 1 if size is None else tex(size)
        return rf"{name} : \mathbb{{R}}^{{{inputs}}} \to \mathbb{{R}}"
    domain = d.domain
    number_set = SETS.get(d.kind, SETS["real"])
    if domain is None or (domain.lower is None and domain.upper is None):
        return name + r" \in " + number_set
    tail = "" if d.kind == "real" else rf"\ ({name} \in {number_set})"
    if domain.lower is not None and domain.upper is not None:
        left = "(" if domain.lower_strict else "["
        right = ")" if domain.upper_strict else "]"
        return rf"{name} \in {left}{tex(domain.lower)}, {tex(domain.upper)}{right}{tail}"
    if domain.lower is not None:
        rel = ">" if domain.lower_strict else r"\ge"
        return rf"{name} {rel} {tex(domain.lower)}{tail}"
    rel = "<" if domain.upper_strict else r"\le"
    return rf"{name} {rel} {tex(domain.upper)}{tail}"


def _expr_cell(obj: Any, text: str, relation: str) -> str:
    """`relation expression` as the author wrote it, in one formula (so the relation sits on
    the expression's axis); an explicit matrix also offers its entries as checked."""
    written = source_tex(text)
    checked = tex(obj)
    if written is None and len(checked) <= MAX_TEX and not (
            _is_matrix(obj) and len(checked) > MATRIX_TEX):
        written = checked
    if written is None:
        shown = (inline_math(relation) + " " if relation != r"\phantom{=}" else "")
        return f'{shown}<code class="lemma-d-src">{html.escape(text)}</code>'
    cell = display_math(rf"\mathrel{{{relation}}} {written}")
    if _is_matrix(obj) and checked != written and len(checked) <= MAX_TEX:
        cell += (f'<details class="lemma-d-expanded"><summary>entries as checked</summary>'
                 f"{display_math(checked)}</details>")
    return cell


def _is_matrix(obj: Any) -> bool:
    """An explicit matrix of entries (a matrix of symbolic size has none to show)."""
    shape = getattr(obj, "shape", None)
    return (isinstance(shape, tuple) and shape != (1, 1)
            and all(isinstance(n, int) or getattr(n, "is_Integer", False) for n in shape))


def steps_html(derivation: Any, result: Any) -> str:
    """The calc chain as a table: relation and expression as written, justification, badge."""
    links = {link.index: link for link in result.links} if result is not None else {}
    first = derivation.steps[0] if derivation.steps else None
    rows = []
    if first is not None:
        rows.append('<tr class="lemma-d-start">'
                    f'<td class="lemma-d-expr">{_expr_cell(first.lhs, first.lhs_text, FIRST)}'
                    '</td><td class="lemma-d-status"></td></tr>')
    for step in derivation.steps:
        link = links.get(step.index)
        status = link.status if link is not None else "unchecked"
        title = (method_words(status, link.method, "" if status == "failed" else link.message)
                 if link is not None else "not checked: the checker did not run")
        why = _justification_html(step.justification) + (extra_notes_html(link) if link else "")
        if link is not None and link.message and status in ("numeric", "unchecked"):
            why += f'<span class="lemma-d-note">{code_html(link.message)}</span>'  # not just hover
        why = f'<div class="lemma-d-why">{why}</div>' if why else ""
        failing = ' lemma-d-failing' if status == "failed" else ""
        relation = RELATIONS.get(step.relation, step.relation)
        rows.append(
            f'<tr class="lemma-d-link lemma-d-{status}{failing}" id="{derivation.id}-{step.index}">'
            f'<td class="lemma-d-expr">{_expr_cell(step.rhs, step.rhs_text, relation)}{why}</td>'
            f'<td class="lemma-d-status">{badge(status, title)}</td></tr>')
        if link is not None and status == "failed":
            rows.append(f'<tr class="lemma-d-counter"><td colspan="2">'
                        f"{counterexample_html(link)}</td></tr>")
    return f'<table class="lemma-calc"><tbody>{"".join(rows)}</tbody></table>'


FIRST = r"\phantom{=}"  # the chain's first expression: room for a relation, none shown


def _justification_html(justification: Any) -> str:
    kind = justification.kind
    text = html.escape(justification.text)
    if kind == "none" or not text:
        return ""
    if kind == "linear_combination":
        inner = justification.text.strip().removeprefix("linear_combination").strip()
        written = source_tex(inner[1:-1]) if inner.startswith("(") else None
        shown = inline_math(written) if written else f"<code>{text}</code>"
        return f'<span class="lemma-d-lc">linear combination of the hypotheses: {shown}</span>'
    if kind in ("cite", "unchecked"):
        return f'<span class="lemma-d-cite">{prose_html(justification.text)}</span>'
    return prose_html(justification.text)


def counterexample_html(link: Any) -> str:
    """Why a link fails: the exact point found, both sides' values there, and hints."""
    parts = []
    if link.counterexample:
        point = r",\ ".join(rf"{_point_name_tex(k)} = {_value_tex(v)}"
                            for k, v in sorted(link.counterexample.items()))
        parts.append(f"<strong>Counterexample</strong> {inline_math(point)}")
    if link.lhs_value is not None and link.rhs_value is not None:
        parts.append(f"left side {inline_math(_value_tex(link.lhs_value))}, right side "
                     f"{inline_math(_value_tex(link.rhs_value))}")
    if link.message and not parts:
        parts.append(code_html(link.message))
    hints = "".join(f"<li>{code_html(h)}</li>" for h in link.hints)
    hint_html = f'<ul class="lemma-d-hints">{hints}</ul>' if hints else ""
    return f'<div class="lemma-d-why-fails">{": ".join(parts)}{hint_html}</div>'


def _point_name_tex(name: str) -> str:
    """A counterexample's name: `x` as declared, a function as `g(x_1, x_2)` (not upright)."""
    call = re.fullmatch(r"(\w+)\(([\w\s,]*)\)", name.strip())
    if call:
        args = ", ".join(name_tex(a.strip()) for a in call.group(2).split(",") if a.strip())
        return rf"{name_tex(call.group(1))}\left({args}\right)"
    return name_tex(name)


def _value_tex(value: str) -> str:
    """An exact value string from the checker ("3/4", "-1", "sqrt(2)") as LaTeX."""
    match = re.fullmatch(r"(-?)(\d+)/(\d+)", value.strip())
    if match:
        return rf"{match.group(1)}\tfrac{{{match.group(2)}}}{{{match.group(3)}}}"
    if re.fullmatch(r"-?[\d.]+", value.strip()):
        return value.strip()
    arrow = re.fullmatch(r"\s*(\([^()]*\)|\w+)\s*->\s*(.+)", value)  # a function: (x1) -> x1
    if arrow and (args := source_tex(arrow.group(1))) and (body := source_tex(arrow.group(2))):
        return rf"{args} \mapsto {body}"
    written = source_tex(value)
    return written if written else r"\texttt{" + re.sub(r"[\\{}]", "", value) + "}"


def checks_html(derivation: Any, result: Any) -> str:
    """The `check:` lines: the point, the exact value and its decimal, and whether it matched."""
    if not derivation.checks:
        return ""
    by_line = {c.line: c for c in result.checks} if result is not None else {}
    items = []
    for check in derivation.checks:
        point = r",\ ".join(rf"{name_tex(k)} = {tex(v)}" for k, v in check.assignments)
        outcome = by_line.get(check.pos.line)
        value = tex(check.expected)
        if outcome is None:
            mark, tail = "", ""
        else:
            mark = "lemma-ok" if outcome.ok else "lemma-bad"
            got = "" if outcome.ok else f" — got {html.escape(outcome.actual)}"
            if not outcome.ok and getattr(outcome, "message", ""):
                got += f" ({code_html(outcome.message)})"
            approx = short_decimal(outcome.decimal, outcome.actual)
            tail = (f' <span class="lemma-d-decimal">≈ {html.escape(approx)}</span>'
                    if approx else "") + got
        sign = "✓" if mark == "lemma-ok" else ("✗" if mark else "")
        said = {"lemma-ok": "matches", "lemma-bad": "does not match"}.get(mark, "")
        formula = inline_math(point + r" \;\Rightarrow\; " + value)
        items.append(f'<li class="{mark}">{formula}{tail} <span class="lemma-d-mark" '
                     f'title="{said}">{sign}<span class="lemma-sr"> {said}</span></span></li>')
    return (f'<div class="lemma-d-checks" data-search-exclude><span class="lemma-d-key">Check'
            f'</span><ul>{"".join(items)}</ul></div>')


def short_decimal(decimal: str, exact: str) -> str:
    """A check value's decimal to 6 significant digits; '' when the exact value is an integer."""
    if re.fullmatch(r"-?\d+", exact.strip()):
        return ""
    try:
        return f"{float(decimal):.6g}"
    except ValueError:
        return decimal


def derivation_html(derivation: Any, result: Any) -> str:
    """One derivation block, rendered: header, declarations, the chain, the checks, the source.

    Only the title and the prose around it go to the search index (snippets quote prose, not
    the block's source or its typeset rows, which are marked `data-search-exclude`).
    Material's index stops skipping at the first closing tag of the same name, so each excluded
    element holds no element of its own tag.
    """
    title = prose_html(derivation.title or derivation.id)
    teaching = ""
    if derivation.expect_invalid_at:
        teaching = (f'<div class="lemma-d-teaching">A teaching example: link '
                    f"{derivation.expect_invalid_at} is a common slip, and the checker is "
                    "expected to reject it.</div>")
    error = ""
    if result is not None and result.error:
        error = f'<div class="lemma-d-error">{code_html(result.error)}</div>'
    forms = written_forms(derivation.source)  # `Wp` declared `# W⁺` reads W⁺
    body = apply_forms(declarations_html(derivation) + steps_html(derivation, result), forms)
    checks = apply_forms(checks_html(derivation, result), forms)
    return (
        f'<div class="lemma-derivation" id="{html.escape(derivation.id)}">'
        f'<div class="lemma-d-head"><span class="lemma-d-title">{title}</span> '
        f'<b data-search-exclude>{verdict_html(result)}</b> '
        f'<a class="lemma-d-anchor" href="#{html.escape(derivation.id)}" data-search-exclude '
        f'title="Link to this derivation" aria-label="Link to this derivation">¶</a></div>'
        f"{teaching}{error}"
        f'<section class="lemma-d-body" data-search-exclude>{body}</section>{checks}'
        f'<details class="lemma-d-source" data-search-exclude><summary>Source</summary><pre><code>'
        f"{html.escape(derivation.source)}</code></pre></details></div>"
    )


def unexpected_failures(results: Sequence[Any]) -> list[tuple[SourcePos, str]]:
    """(position, message) for each derivation whose verdict is not what it expects."""
    problems = []
    for r in results:
        if r.passed:
            continue
        where = r.line
        if r.first_failure is not None:
            where = next((link.line for link in r.links if link.index == r.first_failure), r.line)
        why = r.error or f"verdict {r.verdict}, expected {r.expected}"
        if r.first_failure is not None and r.expected == "valid":
            why = f"link {r.first_failure} fails ({why})"
        problems.append((SourcePos(r.path, where), f"derivation '{r.id}': {why}"))
    return problems
