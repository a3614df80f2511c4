"""All-or-nothing, recoverable writes for `lemma mv` and `lemma new`, under a vault lock.

`apply_changes` first writes a journal (the plan: each file's hashes and original text) to
`.lemma-cache/` beside the notes, then hidden temp files, then renames them into place one by
one, keeping each original under a hidden name. Each file's hash is checked just before its
rename and all are checked again at the end: a concurrent edit, a failure or Ctrl-C rolls
everything back. A command killed midway leaves its journal behind, and the next `lemma`
command rolls the change back, or completes it if every file was already in place (`recover`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..model import LemmaError
from ..terminal import printable
from ..vault_fs import fsync_folder
from .files import (
    FileChange,
    digest,
    exchange,
    file_digest,
    file_mode,
    keep_original,
    link_exclusive,
    linked_folder,
    missing_folders,
    remove_folders,
    write_temp,
)
from .journal import Entry, Journal, journal_text, read_journal
from .lock import CacheFiles, interrupts_raise, try_vault_lock, uninterrupted, vault_lock

_EMPTY = digest("")


def apply_changes(root: Path, changes: Sequence[FileChange], what: str = "change") -> None:
    """Apply every change or none, under the vault lock; LemmaError says why none was.

    Refused up front: a file changed since the plan, a read-only file, a destination that
    exists. Afterwards a failure, a concurrent edit or Ctrl-C rolls back every file written.
    """
    root = Path(root)
    nothing = "nothing was written" if all(c.creates for c in changes) else \
        "nothing was changed"
    with vault_lock(root):
        _check_before(root, changes, nothing)
        files = CacheFiles.of(root)
        journal = _plan_journal(root, changes, what)
        current = str(files.journal)  # what is being written, for the message
        try:
            with interrupts_raise():
                _write_journal(files, journal)
                for entry, change in zip(journal.entries, changes, strict=True):
                    current = entry.new_path
                    _write_new_text(root, journal, entry, change)
                for entry in journal.entries:
                    current = entry.new_path
                    _commit(root, journal, entry)
                current = ""
                _check_after(root, journal)
                _mark_done(root, files, journal)
        except BaseException as error:
            with uninterrupted():
                failed, kept = roll_back(root, journal)
                if not failed:
                    _forget(files, journal)
            if not isinstance(error, KeyboardInterrupt | OSError | LemmaError):
                raise
            raise _failure(error, current, nothing, failed, kept, files) from None
        with uninterrupted():
            complete(root, journal)
            _forget(files, journal)


def _check_before(root: Path, changes: Sequence[FileChange], nothing: str) -> None:
    for change in changes:
        if (change.creates or change.moves) and (why := linked_folder(root, change.new_path)):
            raise LemmaError(f"cannot write {change.new_path}: {why}; {nothing}", exit_code=2)
        if (change.creates or change.moves) and os.path.lexists(root / change.new_path):
            raise LemmaError(f"{change.new_path} already exists; {nothing}")
        if change.creates:
            continue
        current = root / change.path
        if file_digest(current) != digest(change.old_text or ""):
            raise LemmaError(f"{change.path} changed since the plan was made; nothing was "
                             "written (run the command again)")
    check_writable(root, changes)


def check_writable(root: Path, changes: Sequence[FileChange]) -> None:
    """Refuse a plan that rewrites a read-only note (LemmaError naming it)."""
    for change in changes:
        if not change.creates and not file_mode(root / change.path) & 0o200:
            raise LemmaError(f"{change.path} is read-only; nothing was changed (make it "
                             f"writable, e.g. chmod u+w '{change.path}', and run the command "
                             "again)")


def _plan_journal(root: Path, changes: Sequence[FileChange], what: str) -> Journal:
    folders: set[Path] = set()
    for change in changes:
        folders.update(missing_folders((root / change.new_path).parent))
    relative = sorted((str(f.relative_to(root)) for f in folders),
                      key=lambda f: (-f.count("/"), f))
    entries = tuple(Entry(c.path, c.new_path, c.old_text,
                          None if c.old_text is None else digest(c.old_text), digest(c.new_text))
                    for c in changes)
    return Journal(what, os.urandom(4).hex(), tuple(relative), entries)


def _write_journal(files: CacheFiles, journal: Journal) -> None:
    files.folder.mkdir(parents=True, exist_ok=True)
    files.clear_strays()
    write_temp(files.journal_temp, journal_text(journal))
    os.replace(files.journal_temp, files.journal)
    fsync_folder(files.folder)


def _write_new_text(root: Path, journal: Journal, entry: Entry, change: FileChange) -> None:
    (root / entry.new_path).parent.mkdir(parents=True, exist_ok=True)
    mode = None if change.creates else file_mode(root / change.path)
    write_temp(journal.temp(root, entry), change.new_text, mode)


class _Changed(LemmaError):
    """A file was edited by someone else while the apply was running."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _commit(root: Path, journal: Journal, entry: Entry) -> None:
    """Put one file's new text in place, keeping its original under the backup name."""
    temp, dest = journal.temp(root, entry), root / entry.new_path
    if entry.creates or entry.moves:
        try:
            link_exclusive(temp, dest)
        except FileExistsError:
            raise LemmaError(f"{entry.new_path} already exists") from None
        temp.unlink(missing_ok=True)  # (gone already where there are no hard links)
        if entry.creates:
            return
    src, backup = root / entry.path, journal.backup(root, entry)
    if file_digest(src) != entry.old_sha:
        raise _Changed(entry.path)
    keep_original(src, backup, entry.moves)
    if file_digest(backup) != entry.old_sha:
        raise _Changed(entry.path)
    if entry.moves:
        return
    if not exchange(temp, src):
        os.replace(temp, src)
    elif os.path.samefile(temp, backup):
        temp.unlink()  # the temp name now holds the original, which the backup keeps
    else:  # an editor saved the file just now: give it its name back
        exchange(temp, src)
        raise _Changed(entry.path)


def _check_after(root: Path, journal: Journal) -> None:
    """Every file must still hold what was written, every original what was planned."""
    for entry in journal.entries:
        if file_digest(root / entry.new_path) != entry.new_sha:
            raise _Changed(entry.new_path)
        if not entry.creates and file_digest(journal.backup(root, entry)) != entry.old_sha:
            raise _Changed(entry.path)


def _mark_done(root: Path, files: CacheFiles, journal: Journal) -> None:
    for folder in sorted({(root / e.new_path).parent for e in journal.entries}):
        fsync_folder(folder)
    files.done(journal.token).touch()
    fsync_folder(files.folder)


def complete(root: Path, journal: Journal) -> None:
    """Finish an apply whose files are all in place: drop the originals and temp files."""
    for entry in journal.entries:
        journal.temp(root, entry).unlink(missing_ok=True)
        if not entry.creates:
            journal.backup(root, entry).unlink(missing_ok=True)


def roll_back(root: Path, journal: Journal) -> tuple[list[str], list[str]]:
    """Put every file back as it was: (files that could not be, files kept with a later edit)."""
    failed: list[str] = []
    kept: list[str] = []
    for entry in reversed(journal.entries):
        try:
            if (edited := _roll_back_one(root, journal, entry)) is not None:
                kept.append(edited)
        except OSError:
            failed.append(entry.path)
    remove_folders([root / folder for folder in journal.folders])
    return failed[::-1], kept[::-1]


def _roll_back_one(root: Path, journal: Journal, entry: Entry) -> str | None:
    """Undo one entry from what is on disk; the path of a later edit it kept, else None."""
    journal.temp(root, entry).unlink(missing_ok=True)
    src, dest, backup = root / entry.path, root / entry.new_path, journal.backup(root, entry)
    kept = None
    if entry.creates or entry.moves:
        now = file_digest(dest)
        if now in (entry.new_sha, _EMPTY):  # empty: claimed by link_exclusive, not yet filled
            dest.unlink()
        elif now is not None and entry.moves:
            kept = entry.new_path
        if entry.creates:
            return kept
    now = file_digest(src)
    if entry.moves and os.path.lexists(backup):
        if now is None:
            os.rename(backup, src)
        else:  # someone made a new file at the old path: keep both
            kept = f"{entry.path} (its earlier text is in {backup.name})"
    elif os.path.lexists(backup):
        if now is not None and os.path.samefile(src, backup):
            backup.unlink()  # the original never left
        elif now is None or now == entry.new_sha:
            os.replace(backup, src)
        elif file_digest(backup) == entry.old_sha:
            backup.unlink()  # edited after lemma wrote it: the edit stays
            kept = kept or (entry.path if now != entry.old_sha else None)
        else:
            kept = f"{entry.path} (its earlier text is in {backup.name})"
    elif (now is None and entry.moves) or now == entry.new_sha:
        _restore(src, entry.old_text or "", None if now is None else file_mode(src))
    return kept


def _restore(path: Path, text: str, mode: int | None) -> None:
    """Write `text` back to `path` from the journal (its hidden original was lost)."""
    temp = path.with_name(f".{path.name}.restore.tmp")
    temp.unlink(missing_ok=True)
    write_temp(temp, text, mode)
    os.replace(temp, path)


def _forget(files: CacheFiles, journal: Journal) -> None:
    files.journal.unlink(missing_ok=True)
    files.done(journal.token).unlink(missing_ok=True)


def recover(root: Path) -> str | None:
    """Finish an interrupted apply of this vault (the caller holds the lock): a notice or None.

    Completed if every file was already in place (the done-marker exists), else rolled back.
    """
    files = CacheFiles.of(root)
    if not files.journal.exists():
        files.clear_strays()
        return None
    journal = read_journal(files.journal, root)
    what = printable(journal.what, newlines=False)
    with uninterrupted():
        if files.done(journal.token).exists():
            complete(root, journal)
            _forget(files, journal)
            return f"note: an interrupted {what} was completed"
        failed, kept = roll_back(root, journal)
        if failed:
            return (f"warning: an interrupted {what} could not be rolled back: cannot "
                    f"restore {printable(', '.join(failed), False)}; their original text is "
                    f"in {files.journal}")
        _forget(files, journal)
    edits = f" (kept the later edits to {printable(', '.join(kept), False)})" if kept else ""
    return f"note: an interrupted {what} was rolled back; the notes are as before{edits}"


def recover_interrupted(root: Path) -> str | None:
    """`recover` if an apply left something and no running lemma command owns it; else None."""
    if not CacheFiles.of(root).pending():
        return None
    with try_vault_lock(root) as locked:
        return recover(root) if locked else None


def _failure(error: BaseException, current: str, nothing: str, failed: list[str],
             kept: list[str], files: CacheFiles) -> LemmaError:
    """The one message for a rolled-back apply: what went wrong, then what state remains."""
    exit_code = None
    if isinstance(error, _Changed):
        head = f"{error.path} was edited while the change was being applied"
        nothing += "; the edit is kept (run the command again)"
        kept = [k for k in kept if k != error.path]
    elif isinstance(error, KeyboardInterrupt):
        head, exit_code = "interrupted", 130
    elif isinstance(error, OSError):
        where = f"write {current}" if current else "apply the change"
        head = f"could not {where}: {error.strerror or error}"
    else:
        head = f"could not apply the change: {error}"
    outcome = nothing
    if failed:
        outcome = (f"could not restore {', '.join(failed)}; their original text is in "
                   f"{files.journal} and the next lemma command retries")
    if kept:
        outcome += f" (kept the later edits to {', '.join(kept)})"
    return LemmaError(f"{head}; {outcome}", exit_code=exit_code)
