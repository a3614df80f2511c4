"""Keeping imported paper notes in step with their BibTeX entry (a Better BibTeX auto-export).

A note made by `lemma new paper --from-bibtex` records its `citekey` and, under `imported`, a
short fingerprint of each field as it was imported. On the next import a field whose value
still has its fingerprint was not touched by the user and takes the entry's new value; a field
whose fingerprint no longer matches was edited by the user and is kept (and reported). Only
frontmatter lines of the changed fields are rewritten: the body is never touched.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .authoring.files import FileChange
from .authoring.new import yaml_value
from .model import LemmaError, Note

#: The frontmatter fields an import owns (while the user leaves them alone).
SYNCED = ("title", "authors", "year", "venue", "source")
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def fingerprint(value: Any) -> str:
    """8 hex digits standing for a field's value (as YAML reads it back)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def imported_record(values: dict[str, Any]) -> dict[str, str]:
    """The `imported:` mapping for these field values (absent fields are not recorded)."""
    return {name: fingerprint(values[name]) for name in SYNCED if values.get(name) is not None}


def entry_values(entry: Any) -> dict[str, Any]:
    """The synced fields of a `bibtex.BibEntry`."""
    return {"title": entry.title, "authors": list(entry.authors), "year": entry.year,
            "venue": entry.venue, "source": entry.source}


@dataclass(slots=True)
class Update:
    """What re-importing one entry does to the note it created."""

    key: str
    path: str
    changed: list[str] = field(default_factory=list)  # "year: 2021 → 2022"
    kept: list[str] = field(default_factory=list)  # fields the user edited, left alone
    change: FileChange | None = None  # None: nothing to write


def plan_update(note: Note, text: str, entry: Any) -> Update:
    """The update of an imported note (its current file `text`) from its entry's new values."""
    record = note.meta.get("imported")
    record = record if isinstance(record, dict) else {}
    new = entry_values(entry)
    update = Update(entry.key, note.path)
    updates: dict[str, Any] = {}
    for name in SYNCED:
        current, wanted = note.meta.get(name), new[name]
        if wanted is None or current == wanted:
            continue
        if name in note.meta:  # as imported, or edited by the user?
            untouched = record.get(name) == fingerprint(current)
        else:  # never imported (the entry lacked it), or deleted by the user?
            untouched = name not in record
        if not untouched:
            update.kept.append(f"{name} (edited here: {_shown(current)}; the entry says "
                               f"{_shown(wanted)})")
            continue
        update.changed.append(f"{name}: {_shown(current)} → {_shown(wanted)}")
        updates[name] = wanted
    if not updates:
        return update
    if "title" in updates and isinstance(note.meta.get("title"), str):
        aliases = [str(a) for a in _as_list(note.meta.get("aliases"))]
        if note.meta["title"] not in aliases:  # links by the old title keep working
            updates["aliases"] = [*aliases, note.meta["title"]]
            update.changed.append(f"aliases: + {_shown(note.meta['title'])}")
    kept_record = {n: record[n] for n in SYNCED if n in record}
    updates["imported"] = {**kept_record, **imported_record(updates)}
    update.change = FileChange(note.path, note.path, text, set_keys(text, updates))
    return update


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def set_keys(text: str, updates: dict[str, Any]) -> str:
    """`text` with these top-level frontmatter keys set (replaced in place, else added at the
    end of the frontmatter); every other line, and the body, unchanged."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise LemmaError("the note has no frontmatter to update")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise LemmaError("the note's frontmatter is not closed with ---")
    header = lines[1:end]
    spans: dict[str, tuple[int, int]] = {}
    for i, line in enumerate(header):
        match = _KEY_LINE.match(line)
        if match:
            stop = i + 1
            while stop < len(header) and (header[stop][:1] in (" ", "\t", "-", "#")
                                          or not header[stop].strip()):
                stop += 1
            spans[match.group(1)] = (i, stop)
    replacements = {spans[k][0]: (spans[k][1], v) for k, v in updates.items() if k in spans}
    out: list[str] = []
    i = 0
    while i < len(header):
        if i in replacements:
            stop, value = replacements[i]
            out.append(_line(header[i].split(":", 1)[0], value))
            i = stop
        else:
            out.append(header[i])
            i += 1
    out += [_line(k, v) for k, v in updates.items() if k not in spans]
    return "\n".join([lines[0], *out, *lines[end:]])


def _line(key: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {yaml_value(v, in_list=True)}" for k, v in value.items())
        return f"{key}: {{{inner}}}"
    return f"{key}: {yaml_value(value)}"
