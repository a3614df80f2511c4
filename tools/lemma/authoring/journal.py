"""The journal of an apply: what it writes, and the checks a journal passes before it is replayed.

A journal left in `.lemma-cache/` is replayed by the next command, so it is read as untrusted
input (a vault cloned from elsewhere may carry one): it must hash to the checksum it records,
and every path it names must be a plain relative path whose folder really lies inside the vault.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from ..model import LemmaError
from ..terminal import printable
from .files import digest

VERSION = 2
_TOKEN = re.compile(r"[0-9a-f]{8}")
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a journal: where it is and goes, its hashes before and after, its text."""

    path: str
    new_path: str
    old_text: str | None
    old_sha: str | None
    new_sha: str

    @property
    def moves(self) -> bool:
        return self.path != self.new_path

    @property
    def creates(self) -> bool:
        return self.old_sha is None


@dataclass(frozen=True, slots=True)
class Journal:
    """What an apply is about to do, written before any note is touched."""

    what: str
    token: str
    folders: tuple[str, ...]  # vault-relative folders the apply creates, deepest first
    entries: tuple[Entry, ...]

    def temp(self, root: Path, entry: Entry) -> Path:
        """The hidden temp file holding the entry's new text, beside its destination."""
        dest = root / entry.new_path
        return dest.with_name(f".{dest.name}.{self.token}.tmp")

    def backup(self, root: Path, entry: Entry) -> Path:
        """The hidden name the entry's original file keeps until the apply is done."""
        src = root / entry.path
        return src.with_name(f".{src.name}.{self.token}.orig")


def _checksum(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def journal_text(journal: Journal) -> str:
    """The journal as written to disk: its fields and a checksum of them."""
    body = {"version": VERSION, **asdict(journal)}
    return json.dumps({**body, "sha256": _checksum(body)}, ensure_ascii=False)


def read_journal(path: Path, root: Path) -> Journal:
    """The journal an interrupted apply left, checked; LemmaError (one line) if it is refused."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        journal = Journal(data["what"], data["token"], tuple(data["folders"]),
                          tuple(Entry(**entry) for entry in data["entries"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LemmaError(f"cannot read {path} ({error}): it records an interrupted change to "
                         "the notes; check them, then delete it") from None
    problem = _integrity_problem(data, journal) or _path_problem(Path(root), journal)
    if problem:
        raise LemmaError(f"{path} was not replayed: {problem}; if no lemma command was "
                         "interrupted on these notes, delete it")
    return journal


def _integrity_problem(data: dict, journal: Journal) -> str | None:
    body = {key: value for key, value in data.items() if key != "sha256"}
    if data.get("version") != VERSION or data.get("sha256") != _checksum(body):
        return "its checksum does not match (a damaged journal, or one Lemma did not write)"
    if not (isinstance(journal.what, str) and len(journal.what) < 10_000
            and isinstance(journal.token, str) and _TOKEN.fullmatch(journal.token)):
        return "its header is malformed"
    for entry in journal.entries:
        if not (isinstance(entry.new_sha, str) and _SHA.fullmatch(entry.new_sha)):
            return "an entry's hash is malformed"
        if (entry.old_text is None) != (entry.old_sha is None) or (
                entry.old_text is not None and (not isinstance(entry.old_text, str)
                                                or digest(entry.old_text) != entry.old_sha)):
            return "an entry's original text does not match its hash"
    return None


def _path_problem(root: Path, journal: Journal) -> str | None:
    """Why a path the journal names may not be touched, or None when every one may."""
    real_root = os.path.realpath(root)
    named = [p for e in journal.entries for p in (e.path, e.new_path)]
    for relative in [*named, *journal.folders]:
        if not _plain_relative(relative):
            return f"it names a path outside the notes folder ({_shown(relative)})"
        folder = os.path.realpath(root / PurePosixPath(relative).parent)
        if os.path.commonpath([real_root, folder]) != real_root:
            return (f"{_shown(relative)} leads outside the notes folder "
                    f"(to {printable(folder, False)})")
    parents = {PurePosixPath(e.new_path).parent for e in journal.entries}
    ancestors = {str(a) for p in parents for a in (p, *p.parents)}
    for folder in journal.folders:
        if folder not in ancestors:
            return f"it names a folder no file of it is in ({_shown(folder)})"
    return None


def _plain_relative(relative: object) -> bool:
    """A vault-relative POSIX path with no `..`, `.`, empty or absolute part, no NUL."""
    if not isinstance(relative, str) or not relative or "\0" in relative or "\\" in relative:
        return False
    parts = relative.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _shown(value: object) -> str:
    return printable(repr(value) if not isinstance(value, str) else f"'{value}'", False)
