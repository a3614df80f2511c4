"""The vault on disk: which entries are notes and attachments, and the one function reading a note.

Whatever a folder holds — named pipes, folders called `x.md`, dangling or looping symlinks, links
out of the vault, unreadable or huge files, bytes that are not UTF-8, paths too long for the OS —
each bad entry becomes one Diagnostic naming it; nothing blocks, nothing raises.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Diagnostic, Severity, SourcePos

#: Folders of the vault that hold no notes: note templates (see `lemma new`).
IGNORED_FOLDERS = frozenset({"templates"})
#: Default largest note read, in bytes (`max_note_size` in megabytes overrides it).
DEFAULT_MAX_BYTES = 5_000_000
_SIZE_HINT = ("split it into smaller notes, or raise 'max_note_size' (in MB) in the lemma block "
              "of mkdocs.yml")


class NoteFileError(Exception):
    """Why a vault file cannot be read as a note: a diagnostic code, a message and a hint."""

    def __init__(self, code: str, message: str, hint: str, line: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.line = code, message, hint, line

    def diagnostic(self, path: str) -> Diagnostic:
        return Diagnostic(SourcePos(path, self.line, 1), Severity.ERROR, self.code, self.message,
                          self.hint)


def max_bytes_option(megabytes: object) -> int:
    """The `max_note_size` option (megabytes, may be fractional) in bytes; default if unset."""
    if isinstance(megabytes, int | float) and not isinstance(megabytes, bool) and megabytes > 0:
        return int(megabytes * 1_000_000)
    return DEFAULT_MAX_BYTES


def read_note_text(root: str | os.PathLike[str], path: str,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of the vault file `path`: a regular file inside the vault (after resolving
    symlinks), at most `max_bytes` long, UTF-8 (a BOM is dropped), newlines as `\\n`.

    Raises NoteFileError otherwise; never blocks (a FIFO is refused before it is opened).
    """
    return read_note_file(root, path, max_bytes)[0]


def read_note_file(root: str | os.PathLike[str], path: str,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, os.stat_result]:
    """`read_note_text` and the file's `os.stat` as checked before it was read (what an index
    keeps to tell a later change: no second stat per note)."""
    full = os.path.join(root, path)
    info = _stat(full, os.lstat)  # a note that is not a symlink costs one stat, not two
    link = stat.S_ISLNK(info.st_mode)
    if link:
        info = _stat(full)
    if not stat.S_ISREG(info.st_mode):
        raise NoteFileError("not-a-file", f"is {_what(info.st_mode)}, not a note file",
                            "remove it or rename it so it does not end in '.md'")
    if link:
        _require_inside(root, full)
    if info.st_size > max_bytes:
        raise _too_large(info.st_size, max_bytes)
    return decode_note(_read_bytes(full, max_bytes)), info


def prefetch(root: str | os.PathLike[str], paths: list[str]) -> None:
    """Ask the kernel to start reading these note files now (`posix_fadvise` WILLNEED), so
    that on a cold disk their reads overlap, and the parse of the first ones, instead of
    waiting one by one: 100k notes took 6.5 s to read in turn after the page cache was
    dropped, ~1.4 s so. A file it cannot open is left to `read_note_file` to report; a
    file cached already costs ~1.6 us. Nothing happens where the call is missing."""
    if not hasattr(os, "posix_fadvise"):
        return
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in opens, not blocks
    for path in paths:
        try:
            fd = os.open(os.path.join(root, path), flags)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def read_or_problem(root: str | os.PathLike[str], path: str,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """`read_note_text`, or None and the one problem that kept the file from being read."""
    try:
        return read_note_text(root, path, max_bytes), []
    except NoteFileError as problem:
        return None, [problem.diagnostic(path)]


def decode_note(data: bytes) -> str:
    """Note bytes as text: UTF-8 with an optional BOM, universal newlines; NUL bytes refused."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02x}"
        raise NoteFileError("unreadable", f"file is not valid UTF-8 text (byte {byte})",
                            "re-save it as UTF-8", line) from None
    nul = text.find("\0")
    if nul >= 0:
        raise NoteFileError("unreadable", "file is binary (it contains NUL bytes), not text",
                            "remove it or rename it so it does not end in '.md'",
                            text.count("\n", 0, nul) + 1)
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # the universal-newline translation text mode would have done
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _stat(full: str, how: Callable[[str], os.stat_result] = os.stat) -> os.stat_result:
    try:
        return how(full)
    except OSError as exc:
        raise os_problem(exc, full) from None


def os_problem(exc: OSError, full: str) -> NoteFileError:
    """The NoteFileError for an OSError met while reading `full`."""
    if exc.errno == errno.ELOOP:
        return NoteFileError("broken-symlink", "is a symbolic link that loops back on itself",
                             "point the link at a real file, or remove it")
    if exc.errno == errno.ENOENT and os.path.islink(full):
        return NoteFileError("broken-symlink",
                             f"is a symbolic link to '{os.readlink(full)}', which does not exist",
                             "point the link at an existing file, or remove it")
    if exc.errno == errno.ENAMETOOLONG:
        return NoteFileError("unreadable", "path is too long for the operating system to open",
                             "move the note to a shallower folder or shorten the folder names")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return NoteFileError("unreadable", "cannot be read: permission denied",
                             "make it readable (chmod u+r), or move it out of the vault")
    return NoteFileError("unreadable", f"cannot be read: {exc.strerror or exc}",
                         "check the file, or move it out of the vault")


def _require_inside(root: str | os.PathLike[str], full: str) -> None:
    real_root = os.path.realpath(root)
    real = os.path.realpath(full)
    if os.path.commonpath([real_root, real]) != real_root:
        raise NoteFileError("outside-vault", f"is a symbolic link to '{real}', outside the vault",
                            "copy the note into the vault instead of linking to it")


def _read_bytes(full: str, max_bytes: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(full, flags)
    except OSError as exc:
        raise os_problem(exc, full) from None
    try:
        info = os.fstat(fd)  # the file may have been swapped since it was checked
        if not stat.S_ISREG(info.st_mode):
            raise NoteFileError("not-a-file", f"is {_what(info.st_mode)}, not a note file",
                                "remove it or rename it so it does not end in '.md'")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, max(info.st_size - size, 0) + 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise os_problem(exc, full) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    return b"".join(chunks)


def _too_large(size: int, max_bytes: int) -> NoteFileError:
    return NoteFileError("too-large", f"note is {size / 1e6:.1f} MB, above the "
                         f"{max_bytes / 1e6:g} MB limit; it is skipped", _SIZE_HINT)


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


@dataclass
class Listing:
    """The vault's entries: note and attachment paths (sorted), and the entries left out."""

    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    problems: dict[str, Diagnostic] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)  # notes and attachments that are symlinks


def list_vault(root: str | os.PathLike[str]) -> Listing:
    """Every note (`.md`) and attachment under `root`; hidden folders and templates skipped.

    Symlinked folders are not followed (a note is read once, by its real path, and a link back
    up the tree cannot loop); a folder that cannot be listed, a symlinked folder named `x.md`,
    a special file (FIFO, socket, device) and a broken or out-of-vault attachment symlink are
    reported in `problems` and left out. Raises NoteFileError when `root` cannot be listed.
    """
    found = Listing()
    todo = [(os.fspath(root), "")]
    while todo:
        folder, prefix = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            problem = os_problem(exc, folder)
            problem.code, problem.message = "unreadable-folder", "folder " + problem.message
            if not prefix:
                raise problem from None
            _skip(found, prefix.rstrip("/"), problem)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            try:
                _classify(root, entry, rel, prefix, found, todo)
            except OSError as exc:
                _skip(found, rel, os_problem(exc, entry.path))
            except NoteFileError as problem:
                _skip(found, rel, problem)
    found.notes.sort()
    found.attachments.sort()
    return found


def _classify(root: str | os.PathLike[str], entry: os.DirEntry[str], rel: str, prefix: str,
              found: Listing, todo: list[tuple[str, str]]) -> None:
    is_note = entry.name.endswith(".md")
    if entry.is_dir(follow_symlinks=False):
        if not (prefix == "" and entry.name.lower() in IGNORED_FOLDERS):
            todo.append((entry.path, rel + "/"))
        return
    if entry.is_file(follow_symlinks=False):
        if not (is_note or os.access(entry.path, os.R_OK)):  # notes: read_note_text reports
            raise NoteFileError("unreadable", "cannot be read: permission denied",
                                "make it readable (chmod u+r), or move it out of the vault")
        (found.notes if is_note else found.attachments).append(rel)
        return
    if not entry.is_symlink():
        raise NoteFileError("not-a-file", f"is {_what(entry.stat(follow_symlinks=False).st_mode)}"
                            ", not a file", "remove it from the vault")
    found.links.append(rel)  # its target may change with no event in the vault
    if is_note:  # read_note_text checks what the link points at
        found.notes.append(rel)
        return
    info = _stat(entry.path)
    if stat.S_ISDIR(info.st_mode):
        found.problems[rel] = Diagnostic(
            SourcePos(rel), Severity.WARNING, "symlinked-folder",
            "is a symbolic link to a folder; Lemma does not follow folder links",
            "move or copy the folder into the vault")
        return
    if not stat.S_ISREG(info.st_mode):
        raise NoteFileError("not-a-file", f"is {_what(info.st_mode)}, not a file",
                            "remove it from the vault")
    _require_inside(root, entry.path)
    found.attachments.append(rel)


def _skip(found: Listing, rel: str, problem: NoteFileError) -> None:
    found.problems[rel] = problem.diagnostic(rel)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename or create in `folder` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
