"""One note file read and parsed into a Note: frontmatter, kind, its checks, and the Markdown
scan (links, headings, block ids, tags). Every path that makes a Note from text goes here."""

from __future__ import annotations

from pathlib import Path

from . import frontmatter as fm
from .links import Slugify, scan_markdown
from .model import Diagnostic, Note, NoteKind, new_note
from .vault_fs import DEFAULT_MAX_BYTES, read_or_problem


def read_note(root: Path, path: str, slugify: Slugify | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Note | None, list[Diagnostic]]:
    """Read and parse one vault file (vault-relative `path`): the Note and its problems.

    `slugify` is the toc extension's, so heading anchors are the ids the site gives them. A file
    that cannot be read as a note (see `read_note_text`) gives None and one diagnostic.
    """
    text, problems = read_or_problem(root, path, max_bytes)
    return parse_note(path, text, slugify) if text is not None else (None, problems)


def parse_note(path: str, text: str,
               slugify: Slugify | None = None) -> tuple[Note, list[Diagnostic]]:
    """Parse a note's text (as read from `path`) into a Note and its frontmatter problems."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # one character is found ~20x faster than two
        text = text.replace("\r\n", "\n")
    split = fm.split_frontmatter(text, path)
    problems = list(split.diagnostics)
    kind = fm.kind_of(path, split.meta)
    if not split.diagnostics:
        header = text[: text.find("\n---", 3) + 1] if split.meta else ""
        problems += fm.validate(kind, split.meta, path, header)
    kind = kind if isinstance(kind, NoteKind) else NoteKind.NOTE
    return _make_note(path, split, kind, slugify), problems


def _make_note(path: str, split: fm.Split, kind: NoteKind, slugify: Slugify | None = None) -> Note:
    scan = scan_markdown(split.body, path, split.body_line, slugify)
    meta = split.meta
    title = meta.get("title")
    if not (isinstance(title, str) and title.strip()):
        h1 = next((h.text for h in scan.headings if h.level == 1), None)
        title = h1 or path.rsplit("/", 1)[-1].removesuffix(".md")
    return new_note(
        path,
        kind,
        title.strip(),
        meta,
        split.body,
        split.body_line,
        fm.as_list(meta.get("aliases")),
        tuple(dict.fromkeys((*(t.lstrip("#") for t in fm.as_list(meta.get("tags"))),
                             *scan.tags))),
        scan.headings,
        scan.block_ids,
        scan.links,
    )
