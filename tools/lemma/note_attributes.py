"""The attributes of the concept graph's nodes: plain data, no networkx (the index stores them,
the graph reads them back)."""

from __future__ import annotations

from typing import Any

from .frontmatter import as_list, parse_confidence
from .model import Note


def note_attributes(note: Note) -> dict[str, Any]:
    """The node attributes of a note (None where a field does not apply or is invalid)."""
    meta = note.meta
    year = meta.get("year")
    return {
        "type": "note",
        "kind": note.kind.value,
        "title": note.title,
        "path": note.path,
        "tags": list(note.tags),
        "aliases": list(note.aliases),
        "year": year if isinstance(year, int) and not isinstance(year, bool) else None,
        "authors": list(as_list(meta.get("authors"))) if "authors" in meta else [],
        "confidence": parse_confidence(meta.get("confidence")),
    }


def attachment_attributes(path: str) -> dict[str, Any]:
    """The node attributes of a linked attachment (an image, a PDF…)."""
    return {"type": "attachment", "kind": "attachment", "title": path.rsplit("/", 1)[-1],
            "path": path}
