"""Shared LaTeX macros: `katex_macros` in the `lemma` block, defined once for every formula.

The site hands the map to KaTeX, which typesets every formula at build time (pages, hover
previews, backlinks, derivation displays); the search words expand them
(`expand_macros`); `lemma lint` warns, with its position, about a command in a formula that
neither KaTeX nor the map nor the note itself (`\\newcommand`, `\\def`) defines.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .links import LineIndex, code_regions
from .links_regions import math_regions
from .model import Diagnostic, Note, Severity, SourcePos

#: The vendored KaTeX, whose string literals name every command it knows.
KATEX_JS = Path(__file__).parent / "site" / "assets" / "katex" / "katex.min.js"
#: A command `\name` (group 1), or a `\\` line break taken whole (group 1 None), so that
#: the `b` after a line break (`\\b`) is no command `\b`.
_COMMAND = re.compile(r"\\(?:\\|([A-Za-z]+))")
_DEFINED = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\\([A-Za-z]+)|\\[gx]?def\s*\\([A-Za-z]+)"
                      r"|\\(?:Declare)?MathOperator\*?\s*\{?\\([A-Za-z]+)")
_MAX_EXPANSIONS = 10


def read_macros(option: Any) -> tuple[dict[str, str], list[str]]:
    """The `katex_macros` option as {"\\\\R": "\\\\mathbb{R}"}, and what is wrong with it."""
    if option in (None, {}):
        return {}, []
    if not isinstance(option, dict):
        return {}, ["katex_macros must be a mapping such as {'\\\\R': '\\\\mathbb{R}'}"]
    macros, problems = {}, []
    for name, body in option.items():
        name = str(name) if str(name).startswith("\\") else f"\\{name}"
        if not re.fullmatch(r"\\(?:[A-Za-z]+|.)", name):
            problems.append(f"katex_macros: '{name}' is not a command name (\\ and letters)")
        elif not isinstance(body, (str, int, float)):
            problems.append(f"katex_macros: the body of '{name}' must be a string")
        else:
            macros[name] = str(body)
    return macros, problems


@lru_cache(maxsize=1)
def katex_commands() -> frozenset[str] | None:
    """Every command name KaTeX knows (None when its script is not where it is vendored)."""
    try:
        source = KATEX_JS.read_text(encoding="utf-8")
    except OSError:
        return None
    return frozenset(re.findall(r'"\\\\([A-Za-z]+)"', source))


def expand_macros(tex: str, macros: dict[str, str]) -> str:
    """`tex` with the macros replaced by their bodies (`#1`… by the following arguments)."""
    if not macros or "\\" not in tex:
        return tex
    for _ in range(_MAX_EXPANSIONS):
        expanded = _expand_once(tex, macros)
        if expanded == tex:
            break
        tex = expanded
    return tex


def _expand_once(tex: str, macros: dict[str, str]) -> str:
    out, pos = [], 0
    for match in _COMMAND.finditer(tex):
        body = macros.get(match.group(0))
        if body is None or match.start() < pos:
            continue
        end = match.end()
        count = max((int(n) for n in re.findall(r"#([1-9])", body)), default=0)
        for n in range(1, count + 1):
            argument, end = _argument(tex, end)
            body = body.replace(f"#{n}", argument)
        out += [tex[pos : match.start()], body]
        pos = end
    out.append(tex[pos:])
    return "".join(out)


def _argument(tex: str, at: int) -> tuple[str, int]:
    """The argument after `at`: a `{…}` group (balanced) or a single token."""
    while at < len(tex) and tex[at].isspace():
        at += 1
    if at >= len(tex):
        return "", at
    if tex[at] != "{":
        token = _COMMAND.match(tex, at)
        end = token.end() if token else at + 1
        return tex[at:end], end
    depth = 0
    for i in range(at, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[at + 1 : i], i + 1
    return tex[at + 1 :], len(tex)


def undefined_macros(note: Note, macros: dict[str, str]) -> list[Diagnostic]:
    """A warning for each command in the note's formulas that nothing defines."""
    known = katex_commands()
    body = note.body
    if known is None or "\\" not in body or "$" not in body:
        return []
    defined = {n for m in _DEFINED.finditer(body) for n in m.groups() if n}
    defined |= {name[1:] for name in macros}
    code = code_regions(body.replace("$", " "))  # code only: dollars there are not math
    lines = LineIndex(body, note.body_line)
    found = []
    for start, end in math_regions(body, code):
        for command in _COMMAND.finditer(body, start, end):
            name = command.group(1)
            if name is None or name in known or name in defined:
                continue
            close = difflib.get_close_matches(name, sorted(known | defined), n=1, cutoff=0.75)
            hint = (f"did you mean \\{close[0]}? or define it" if close else "define it")
            found.append(Diagnostic(
                lines.position(note.path, command.start()), Severity.WARNING, "undefined-macro",
                f"\\{name} is not a KaTeX command nor one of the katex_macros",
                f"{hint} under katex_macros in the lemma block of mkdocs.yml"))
    return found


def macro_problems(notes: Any, macros: dict[str, str]) -> list[Diagnostic]:
    """`undefined_macros` of every note."""
    return [d for note in notes for d in undefined_macros(note, macros)]


def config_problems(messages: list[str], config_file: Path | None) -> list[Diagnostic]:
    """The option's own problems as diagnostics at mkdocs.yml."""
    where = config_file.name if config_file else "mkdocs.yml"
    return [Diagnostic(SourcePos(where, 1, 1), Severity.ERROR, "katex-macros", message,
                       "fix katex_macros in the lemma block") for message in messages]
