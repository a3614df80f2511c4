"""Find ```derivation blocks in a note and parse them into `Derivation` objects.

The block language is specified in the derivation-language reference: a header with `id=` and
optional `expect=invalid@K`, then the sections title, given, assume, calc and check. Every part
keeps its file position so errors and reports can say `path:line`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import sympy

from lemma.derive.language.block import (
    Condition,
    Derivation,
    DerivationSyntaxError,
    Hypothesis,
    Justification,
    Step,
)
from lemma.derive.language.combination import combination
from lemma.derive.language.declare import (
    SECTIONS,
    Lines,
    check_lines,
    check_new_name,
    declarations,
    top_level_split,
)
from lemma.derive.language.expr import is_matrix, parse_expression, parse_with_conditions
from lemma.derive.language.exprmat import shape_text
from lemma.derive.language.fences import RawBlock, find_blocks
from lemma.model import Diagnostic, Severity

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_SECTION = re.compile(r"([A-Za-z_]+)\s*:(.*)")
_HYPOTHESIS = re.compile(r"(\s*)([A-Za-z][A-Za-z0-9_]*)\s*:(.*)")
_LINEAR = re.compile(r"linear_combination\s*\((.*)\)\s*", re.S)
_RELATIONS = ("<=", ">=", "=", "<", ">")
_HEADER_HINT = "write ```derivation id=NAME, optionally followed by expect=invalid@K"


def parse_note(
    text: str, path: str, first_line: int = 1
) -> tuple[list[Derivation], list[Diagnostic]]:
    """Parse every derivation block of a note; syntax errors become diagnostics, never raise."""
    derivations: list[Derivation] = []
    diagnostics: list[Diagnostic] = []
    for raw in find_blocks(text, path, first_line):
        try:
            derivations.append(parse_block(raw))
        except DerivationSyntaxError as err:
            diagnostics.append(
                Diagnostic(err.pos, Severity.ERROR, "derivation-syntax", err.message, err.hint)
            )
    return derivations, diagnostics


def duplicate_ids(derivations: list[Derivation]) -> list[Diagnostic]:
    """One error for every derivation whose id was already used earlier in the vault."""
    first: dict[str, Derivation] = {}
    found: list[Diagnostic] = []
    for d in sorted(derivations, key=lambda d: d.pos):
        if d.id in first:
            found.append(Diagnostic(
                d.pos, Severity.ERROR, "derivation-duplicate-id",
                f"derivation id {d.id!r} is already used at {first[d.id].pos}",
                "ids must be unique in the vault; rename one of them",
            ))
        else:
            first[d.id] = d
    return found


@dataclass
class _Section:
    line: int  # index of the header line in the block
    rest: str  # text after "name:" on the header line
    entries: list[int] = field(default_factory=list)


def parse_block(raw: RawBlock) -> Derivation:
    """Parse one block (raises DerivationSyntaxError at the first problem, with its position)."""
    if not raw.closed:
        raise DerivationSyntaxError(raw.pos, "derivation block is not closed",
                                    "end it with a closing fence line")
    ident, expect = _header(raw)
    lines = Lines(raw.source.split("\n"), raw.pos.path, raw.body_first_line)
    sections = _sections(lines)
    decls = declarations(lines, sections["given"].entries if "given" in sections else [])
    names: dict[str, object] = {d.name: d.value for d in decls}
    hyps = _hypotheses(lines, sections["assume"].entries if "assume" in sections else [], names)
    if "calc" not in sections:
        raise DerivationSyntaxError(raw.pos, "derivation has no calc: section",
                                    "add calc: with a starting expression and relation lines")
    steps = _calc(lines, sections["calc"], names, hyps)
    checks = check_lines(lines, sections["check"].entries if "check" in sections else [], decls)
    if expect is not None and not 1 <= expect <= len(steps):
        raise DerivationSyntaxError(raw.pos, f"expect=invalid@{expect} is out of range: the calc "
                                    f"has {len(steps)} link(s)", "K counts links from 1")
    title = sections["title"].rest if "title" in sections else ""
    return Derivation(
        id=ident, title=title, expect_invalid_at=expect, declarations=tuple(decls),
        hypotheses=tuple(hyps), steps=tuple(steps), checks=tuple(checks), pos=raw.pos,
        source=raw.source, digest=hashlib.sha256(raw.source.encode("utf-8")).hexdigest(),
    )


def _header(raw: RawBlock) -> tuple[str, int | None]:
    """The id and expected failing link from `derivation id=NAME [expect=invalid@K]`."""
    ident: str | None = None
    expect: int | None = None
    for word in raw.info.split()[1:]:
        key, eq, value = word.partition("=")
        value = value.strip("\"'")
        if not eq:
            raise DerivationSyntaxError(raw.pos, f"unexpected {word!r} in the derivation header",
                                        _HEADER_HINT)
        if key == "id":
            if not _ID.fullmatch(value):
                raise DerivationSyntaxError(raw.pos, f"invalid derivation id {value!r}",
                                            "use letters, digits, '-', '_' and '.'")
            ident = value
        elif key == "expect":
            match = re.fullmatch(r"invalid@(\d{1,4})", value)
            if value != "valid" and not match:
                raise DerivationSyntaxError(raw.pos, f"invalid expect={value}",
                                            "write expect=invalid@K with K the failing link")
            expect = int(match[1]) if match else None
        else:
            raise DerivationSyntaxError(raw.pos, f"unknown header key {key!r}", _HEADER_HINT)
    if ident is None:
        raise DerivationSyntaxError(raw.pos, "derivation block has no id", _HEADER_HINT)
    return ident, expect


def _sections(lines: Lines) -> dict[str, _Section]:
    """Split the block into sections; headers sit at the indentation of the first line."""
    sections: dict[str, _Section] = {}
    base: int | None = None
    current: str | None = None
    for idx, line in enumerate(lines.text):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        if base is None:
            base = indent
        if indent > base:
            if current == "title":
                raise DerivationSyntaxError(lines.pos(idx, indent), "title: is a single line")
            if current is not None:
                sections[current].entries.append(idx)
            continue
        if stripped.startswith("#"):
            continue
        match = _SECTION.fullmatch(stripped)
        if not match:
            raise DerivationSyntaxError(lines.pos(idx, indent), f"expected a section header, "
                                        f"found {stripped[:40]!r}",
                                        "sections are title:, given:, assume:, calc:, check:; "
                                        "indent their entries")
        name, rest = match[1], match[2].strip()
        if name not in SECTIONS:
            raise DerivationSyntaxError(lines.pos(idx, indent), f"unknown section {name!r}",
                                        "sections are title:, given:, assume:, calc:, check:")
        if name in sections:
            raise DerivationSyntaxError(lines.pos(idx, indent), f"section {name}: appears twice "
                                        f"(first on line {lines.line(sections[name].line)})")
        if name == "title" and not rest:
            raise DerivationSyntaxError(lines.pos(idx, indent), "title: needs its text on the "
                                        "same line")
        if name != "title" and rest and not rest.startswith("#"):
            raise DerivationSyntaxError(lines.pos(idx, line.index(rest)), f"put the entries of "
                                        f"{name}: on the following, indented lines")
        sections[name] = _Section(idx, rest)
        current = name
    return sections


def _hypotheses(lines: Lines, entries: list[int], names: dict[str, object]) -> list[Hypothesis]:
    """`NAME: lhs == rhs` equations, `NAME: expr != 0` side conditions and `NAME: a <= b`
    inequalities (stored as low < high or low <= high)."""
    hyps: list[Hypothesis] = []
    seen: dict[str, int] = {}
    for idx in entries:
        code = lines.code(idx)
        if not code.strip():
            continue
        match = _HYPOTHESIS.fullmatch(code)
        if not match:
            raise DerivationSyntaxError(lines.pos(idx, lines.indent(idx)),
                                        "expected a hypothesis 'NAME: lhs == rhs' or "
                                        "'NAME: expr != 0'")
        name, body, start = match[2], match[3], match.start(3)
        check_new_name(lines, idx, match.start(2), name, names, seen, hypothesis=True)
        ops = [(m.start(), m[0]) for m in re.finditer(r"==|!=|<=|>=|<|>", body)]
        if len(ops) != 1:
            raise DerivationSyntaxError(lines.pos(idx, start), f"hypothesis {name} must have "
                                        "exactly one ==, !=, <=, <, >= or >",
                                        "e.g. h: a*b == 1, nz: x - 1 != 0, order: a <= b")
        at, op = ops[0]
        lhs = parse_expression(body[:at], names, lines.pos(idx, start))
        rhs = parse_expression(body[at + len(op):], names,
                               lines.pos(idx, start + at + len(op)))
        if op in ("<=", "<", ">=", ">"):
            if is_matrix(lhs) or is_matrix(rhs):
                raise DerivationSyntaxError(lines.pos(idx, start + at), f"the inequality {name} "
                                            "needs scalar sides")
            low, high = (lhs, rhs) if op[0] == "<" else (rhs, lhs)
            seen[name] = idx
            hyps.append(Hypothesis(name, low, high, False, body.strip(),
                                   lines.pos(idx, match.start(2)), relation=op[0].replace(
                                       ">", "<") + op[1:]))
            continue
        if is_matrix(lhs) != is_matrix(rhs) or (is_matrix(lhs) and lhs.shape != rhs.shape):  # type: ignore[attr-defined]
            raise DerivationSyntaxError(lines.pos(idx, start + at), f"the two sides of {name} "
                                        f"have different shapes ({_shape(lhs)} vs {_shape(rhs)})")
        if op == "!=":
            if is_matrix(lhs):
                raise DerivationSyntaxError(lines.pos(idx, start), "a side condition != 0 must "
                                            "be a scalar")
            lhs, rhs = (lhs if rhs == 0 else lhs - rhs), 0  # type: ignore[operator]
        seen[name] = idx
        hyps.append(Hypothesis(name, lhs, rhs if op == "==" else _zero(), op == "!=",
                               body.strip(), lines.pos(idx, match.start(2))))
    return hyps


def _zero() -> object:
    return sympy.Integer(0)


def _shape(value: object) -> str:
    return shape_text(value) if is_matrix(value) else "scalar"  # type: ignore[arg-type]


@dataclass
class _Entry:
    """One logical calc line: its relation, physical lines and justification comments."""

    relation: str | None
    first: int  # index of its first physical line
    col: int  # column (0-based) where the expression starts on that line
    indent: int
    last: int  # index of its last physical line
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (idx, col, text)


def _relation(lines: Lines, idx: int, stripped: str) -> str | None:
    if stripped.startswith("=="):
        raise DerivationSyntaxError(lines.pos(idx, lines.indent(idx)), "use = in calc, not ==")
    return next((r for r in _RELATIONS if stripped.startswith(r)), None)


def _calc(lines: Lines, section: _Section, names: dict[str, object],
          hyps: list[Hypothesis]) -> list[Step]:
    """The chain: a start expression, then one link per relation line (continuations allowed)."""
    entries: list[_Entry] = []
    for idx in section.entries:
        code, comment = lines.code(idx), lines.comment(idx)
        indent = lines.indent(idx)
        stripped = code.strip()
        if not stripped:
            if comment and entries and indent > entries[-1].indent:
                entries[-1].comments.append(comment)
            continue
        relation = _relation(lines, idx, stripped)
        if relation is not None or not entries:
            if relation is not None and not entries:
                raise DerivationSyntaxError(lines.pos(idx, indent), "the first calc line is the "
                                            "starting expression; it cannot begin with a relation")
            col = indent + (len(relation) if relation else 0)
            entries.append(_Entry(relation, idx, col, indent, idx))
        elif indent > entries[-1].indent:
            entries[-1].last = idx
        else:
            raise DerivationSyntaxError(lines.pos(idx, indent), "expected a relation (=, <=, <, "
                                        ">=, >) at the start of this calc line",
                                        "indent a line more deeply to continue the line above")
        if comment:
            entries[-1].comments.append(comment)
    if len(entries) < 2:
        raise DerivationSyntaxError(lines.pos(section.line, lines.indent(section.line)),
                                    "calc: needs a starting expression and at least one link",
                                    "write each link on a line starting with =, <=, <, >= or >")
    _one_direction(lines, entries)
    exprs = [_expression(lines, entry, names) for entry in entries]
    steps = []
    for k in range(1, len(entries)):
        entry = entries[k]
        justification, combo_conditions = _justification(lines, entry, names, hyps)
        steps.append(Step(
            index=k, relation=entry.relation or "=", lhs=exprs[k - 1][0], rhs=exprs[k][0],
            lhs_text=exprs[k - 1][1], rhs_text=exprs[k][1],
            justification=justification,
            pos=lines.pos(entry.first, entry.indent),
            conditions=_union(exprs[k - 1][2], exprs[k][2], combo_conditions),
        ))
    return steps


def _union(*groups: tuple[Condition, ...]) -> tuple[Condition, ...]:
    out: list[Condition] = []
    for group in groups:
        out += [c for c in group if c not in out]
    return tuple(out)


def _one_direction(lines: Lines, entries: list[_Entry]) -> None:
    """A chain goes one way: `<`/`<=` links and `>`/`>=` links cannot be mixed."""
    first: tuple[str, _Entry] | None = None
    for entry in entries[1:]:
        rel = entry.relation or "="
        if rel == "=":
            continue
        if first is None:
            first = (rel, entry)
        elif (rel[0] == "<") != (first[0][0] == "<"):
            raise DerivationSyntaxError(
                lines.pos(entry.first, entry.indent),
                f"this chain mixes directions: {rel} here, {first[0]} on line "
                f"{lines.line(first[1].first)}",
                "a chain proves one relation between its first and last expression; split it "
                "into two derivations",
            )


def conclusion(relations: list[str]) -> str:
    """The relation a chain proves between its first and last expression."""
    ordered = [r for r in relations if r != "="]
    if not ordered:
        return "="
    strict = any(r in ("<", ">") for r in ordered)
    return ordered[0][0] + ("" if strict else "=")


def _expression(lines: Lines, entry: _Entry,
                names: dict[str, object]) -> tuple[object, str, tuple[Condition, ...]]:
    """Parse the expression of a logical line; later physical lines are passed whole."""
    parts = [lines.code(entry.first)[entry.col:]]
    parts += [lines.code(i) for i in range(entry.first + 1, entry.last + 1)]
    text = "\n".join(parts)
    written = " ".join(part.strip() for part in parts if part.strip())
    value, conds = parse_with_conditions(text, names, lines.pos(entry.first, entry.col))
    return value, written, conds


def _justification(lines: Lines, entry: _Entry, names: dict[str, object],
                   hyps: list[Hypothesis]) -> tuple[Justification, tuple[Condition, ...]]:
    """Classify the comments of a link: text, linear_combination(EXPR), cite: or unchecked:."""
    if not entry.comments:
        return Justification("none", ""), ()
    idx, col, _ = entry.comments[0]
    text = " ".join(c[2].strip() for c in entry.comments).strip()
    lead = len(entry.comments[0][2]) - len(entry.comments[0][2].lstrip())
    if text.startswith("linear_combination"):
        match = _LINEAR.fullmatch(text)
        if not match:
            raise DerivationSyntaxError(lines.pos(idx, col + lead), "expected "
                                        "# linear_combination(EXPR)")
        where = lines.pos(idx, col + lead + match.start(1))
        expr, conds = combination(match[1], names, hyps, where)
        return Justification("linear_combination", text, expr), conds
    for kind in ("cite", "unchecked"):
        if re.match(kind + r"\s*:", text):
            return Justification(kind, text), ()
    return Justification("text" if text else "none", text), ()


__all__ = ["RawBlock", "duplicate_ids", "find_blocks", "parse_block", "parse_note",
           "top_level_split"]
