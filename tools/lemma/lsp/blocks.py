"""Derivation blocks as an editor needs them: where each one is and which names it declares.

A light, sympy-free reading of the block language (fences, `id=`, the `given:` and `assume:`
sections), for document symbols and completion; checking goes through `lemma.derive`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..derive.language.fences import find_blocks
from ..model import Note

_SECTION = re.compile(r"([A-Za-z_]+)[ \t]*:(.*)")
_ID = re.compile(r"\bid=([A-Za-z0-9][A-Za-z0-9_.-]*)")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
SECTIONS = ("title", "given", "assume", "calc", "check")


@dataclass(frozen=True, slots=True)
class Block:
    """A derivation block: file lines (0-based) of its fences, its id and its declared names."""

    id: str
    title: str
    start: int  # the opening fence line
    end: int  # the closing fence line (the last line of the note if unclosed)
    names: tuple[tuple[str, str], ...]  # (name, what it is: the declared type or "hypothesis")

    def contains(self, line: int) -> bool:
        """Whether a file line is inside the block, between its fences."""
        return self.start < line < self.end


def derivation_blocks(note: Note) -> list[Block]:
    """Every ```derivation block of a note, in order (found by the checker's own fence scan)."""
    blocks = []
    last = note.body_line - 1 + note.body.count("\n")
    for raw in find_blocks(note.body, note.path, note.body_line):
        found = _ID.search(raw.info)
        lines = raw.source.split("\n")
        title, names = _sections(lines)
        start = raw.pos.line - 1
        end = start + len(lines) + 1 if raw.closed else last
        blocks.append(Block(found[1] if found else "", title, start, end, tuple(names)))
    return blocks


def _sections(lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """The title and the declared names (given: types, assume: hypotheses) of a block's lines."""
    title = ""
    names: list[tuple[str, str]] = []
    section = ""
    for line in lines:
        code = line.split("#", 1)[0]
        top = _SECTION.fullmatch(code.rstrip()) if not line[:1].isspace() else None
        if top and top[1] in SECTIONS:
            section = top[1]
            if section == "title":
                title = top[2].strip()
            continue
        head, colon, rest = code.partition(":")
        if not colon:
            continue
        if section == "given":
            for name in head.split(","):
                if _NAME.fullmatch(name.strip()):
                    names.append((name.strip(), rest.strip()))
        elif section == "assume" and _NAME.fullmatch(head.strip()):
            names.append((head.strip(), "hypothesis: " + rest.strip()))
    return title, names
