"""A parsed note as rows of the index's tables, made where the note was parsed (in a worker).

Kept apart from `store` so that commands which only query the index do not import the parser.
"""

from __future__ import annotations

import json

from ..frontmatter import parse_date
from ..links import fold
from ..model import Diagnostic, Note
from ..note_attributes import note_attributes
from .link_rows import link_columns
from .store import NoteRows, dump, join

#: Where the note's pickle sits in a `notes` row as `note_rows` makes it.
NOTE_BLOB = 7
#: The `attrs` column's encoder, made once (json.dumps with options makes one per call).
_ATTRS = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def note_rows(path: str, sig: tuple[int, int, int, int], digest: bytes, note: Note | None,
              blob: bytes | None, problems: list[Diagnostic], indexed_ns: int) -> NoteRows:
    """The rows that store one parsed (or unreadable) note file."""
    problem_blob = dump(problems) if problems else None
    if note is None:
        return NoteRows((path, *sig, digest, indexed_ns, None, problem_blob, None, None, None,
                         None, None, None), [], [], [], [], [])
    date = parse_date(note.meta.get("date"))
    named = [(note.stem, "file"), (note.title, "title"), *((a, "alias") for a in note.aliases)]
    citekey = note.meta.get("citekey")
    return NoteRows(
        (path, *sig, digest, indexed_ns, blob or dump(note), problem_blob, note.kind.value,
         note.title, join(note.aliases), join(note.tags), date.isoformat() if date else None,
         _ATTRS.encode(note_attributes(note))),
        [(path, fold(name).rsplit("/", 1)[-1], name, how) for name, how in named]
        + ([(path, "@" + fold(citekey.strip()), citekey.strip(), "citekey")]
           if isinstance(citekey, str) and citekey.strip() else []),
        [(path, h.level, h.text, h.anchor, h.line) for h in note.headings],
        [(path, b) for b in sorted(note.block_ids)],
        [(path, tag) for tag in note.tags],
        link_columns(path, note.links))
