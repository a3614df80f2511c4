"""Where the derivation blocks of a note are: fenced blocks whose info string starts with
`derivation`. sympy-free, so the language server and the site can find blocks cheaply; the
parser (parse.py) reads what is inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lemma.model import SourcePos

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")


@dataclass(frozen=True)
class RawBlock:
    """One fenced derivation block as found in a note, before parsing."""

    info: str  # the info string after the fence, e.g. "derivation id=x expect=invalid@2"
    source: str  # the text between the fences
    pos: SourcePos  # the opening fence line
    body_first_line: int  # the file line of the source's first line
    closed: bool = True


def find_blocks(text: str, path: str, first_line: int = 1) -> list[RawBlock]:
    """Every fenced block whose info string starts with the word `derivation`, outside others."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    blocks: list[RawBlock] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.fullmatch(lines[i])
        if not opening or (opening[2][0] == "`" and "`" in opening[3]):
            i += 1
            continue
        indent, fence, info = opening.groups()
        j = i + 1
        while j < len(lines):
            closing = _FENCE.fullmatch(lines[j])
            if (closing and closing[2][0] == fence[0] and len(closing[2]) >= len(fence)
                    and not closing[3].strip()):
                break
            j += 1
        words = info.split()
        if words and words[0] == "derivation":
            blocks.append(RawBlock(
                info=info.strip(),
                source="\n".join(lines[i + 1:j]),
                pos=SourcePos(path, first_line + i, len(indent) + 1),
                body_first_line=first_line + i + 1,
                closed=j < len(lines),
            ))
        i = j + 1
    return blocks
