"""Atomic, never-overwriting file writes for `lemma new` and all-or-nothing ones for `lemma mv`.

Every write goes to a hidden temp file in the destination folder (the vault scan skips dot
files), is flushed to disk, then renamed into place: an interrupted command leaves either the old
state or the new one, never half a note.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import LemmaError


def read_raw(path: Path) -> str:
    """A file's exact text (BOM and line endings kept), so it can be compared and written back."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def write_temp(folder: Path, name: str, text: str) -> Path:
    """Write `text` to a new hidden temp file in `folder` (flushed and fsynced); return its path."""
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def link_exclusive(temp: Path, path: Path) -> None:
    """Give `temp`'s content the name `path`, failing with FileExistsError if `path` exists.

    A hard link is atomic and exclusive even against a concurrent writer; where the file system
    has no hard links, an O_EXCL create claims the name before the rename fills it.
    """
    try:
        os.link(temp, path)
        return
    except FileExistsError:
        raise
    except OSError:
        pass  # no hard links on this file system
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    os.replace(temp, path)


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and missing parents; return the ones created, deepest first."""
    created = []
    probe = folder
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return created


def _remove_folders(folders: Sequence[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def create_file(path: Path, text: str) -> None:
    """Atomically create `path` holding `text`; FileExistsError (nothing written) if it exists."""
    created = _make_folders(path.parent)
    temp = None
    try:
        temp = write_temp(path.parent, path.name, text)
        link_exclusive(temp, path)
    except BaseException:
        _remove_folders(created)
        raise
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of a plan: its text before and after; `new_path` differs when the file moves."""

    path: str
    new_path: str
    old_text: str
    new_text: str

    @property
    def moves(self) -> bool:
        return self.path != self.new_path


def apply_changes(root: Path, changes: Sequence[FileChange]) -> None:
    """Apply every change or none: temp files first, then renames; on failure undo and clean up.

    Raises LemmaError if a file changed since the plan was made, if a destination exists, or if
    a write fails (after restoring every file it had already replaced).
    """
    for change in changes:
        current = root / change.path
        if not current.is_file() or read_raw(current) != change.old_text:
            raise LemmaError(f"{change.path} changed since the plan was made; nothing was "
                             "written (run the command again)")
    temps: dict[str, Path] = {}
    folders: list[Path] = []
    done: list[FileChange] = []
    try:
        for change in changes:
            destination = root / change.new_path
            folders += _make_folders(destination.parent)
            temps[change.new_path] = write_temp(destination.parent, destination.name,
                                                change.new_text)
        for change in changes:
            _commit(root, change, temps[change.new_path])
            done.append(change)
        for change in changes:
            if change.moves:
                (root / change.path).unlink()
    except (OSError, LemmaError) as error:
        problem = _undo(root, done)
        _cleanup(temps.values(), folders)
        what = error.message if isinstance(error, LemmaError) else f"{error.strerror or error}"
        where = f" ({error.filename})" if isinstance(error, OSError) and error.filename else ""
        raise LemmaError(f"could not apply the change: {what}{where}; " + (
            problem or "nothing was changed")) from None
    _cleanup(temps.values(), [])


def _commit(root: Path, change: FileChange, temp: Path) -> None:
    destination = root / change.new_path
    if change.moves:
        try:
            link_exclusive(temp, destination)
        except FileExistsError:
            raise LemmaError(f"{change.new_path} already exists") from None
    else:
        os.replace(temp, destination)


def _undo(root: Path, done: Sequence[FileChange]) -> str:
    """Put back the files already changed; return '' or a description of what could not be."""
    failed = []
    for change in reversed(done):
        try:
            if change.moves:
                (root / change.new_path).unlink()
            else:
                path = root / change.path
                os.replace(write_temp(path.parent, path.name, change.old_text), path)
        except OSError:
            failed.append(change.path)
    return f"could not restore {', '.join(failed)}: check them by hand" if failed else ""


def _cleanup(temps: Iterable[Path], folders: Sequence[Path]) -> None:
    for temp in temps:
        with contextlib.suppress(OSError):
            temp.unlink()
    _remove_folders(folders)
