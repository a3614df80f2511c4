"""File primitives for `lemma new` and `lemma mv`: exact reads, hashes, temp files, exclusive links.

Every write goes to a hidden temp file in the destination folder (the vault scan skips dot
files), is flushed to disk, then renamed or linked into place, so no reader ever sees half a
note. `authoring.apply` builds the all-or-nothing, recoverable apply on top of these.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of a plan: its text before and after; `new_path` differs when the file moves.

    `old_text` is None for a file the plan creates.
    """

    path: str
    new_path: str
    old_text: str | None
    new_text: str

    @property
    def moves(self) -> bool:
        return self.path != self.new_path

    @property
    def creates(self) -> bool:
        return self.old_text is None


def read_raw(path: Path) -> str:
    """A file's exact text (BOM and line endings kept), so it can be compared and written back."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def digest(text: str) -> str:
    """The SHA-256 of `text` as the bytes a file holding it contains."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when there is no such file."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def file_mode(path: Path) -> int:
    """The permission bits of `path`, to give its rewritten version the same ones."""
    return stat.S_IMODE(os.stat(path).st_mode)


def write_temp(temp: Path, text: str, mode: int | None = None) -> None:
    """Create the file `temp` holding `text`, flushed and fsynced.

    It gets `mode`, or when None the mode a new file gets from the umask (as any editor's would).
    """
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


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
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.replace(temp, path)


def keep_original(path: Path, backup: Path, moves: bool) -> None:
    """Give the file at `path` the extra name `backup` (a moved file loses its old name)."""
    if not moves:
        try:
            os.link(path, backup)
            return
        except (FileExistsError, FileNotFoundError):
            raise
        except OSError:
            pass  # no hard links: the original steps aside, its new text takes the name next
    os.rename(path, backup)


def exchange(first: Path, second: Path) -> bool:
    """Atomically swap what the two names hold (Linux `renameat2`); False where unsupported.

    Unlike a rename over `second`, nothing saved there a moment earlier is lost: it ends up
    under the name `first`, where the caller can check it.
    """
    swap = _renameat2()
    if swap is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if swap(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    import ctypes

    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOENT, errno.EXDEV, errno.ENOTSUP):
        return False  # no support on this system or file system (or nothing to swap with)
    raise OSError(error, os.strerror(error), str(second))


@functools.cache
def _renameat2() -> Any:
    import ctypes  # only `lemma mv` and `lemma new` need it

    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None


def missing_folders(folder: Path) -> list[Path]:
    """`folder` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove the given folders (deepest first) where they are empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def linked_folder(root: Path, relative: str) -> str | None:
    """Why a note at vault-relative `relative` would not be in the vault, or None if it would.

    The vault scan does not follow symlinked folders, so a folder on the way that is a symlink
    (to outside the vault or elsewhere inside it) would take the note out of the vault.
    """
    real_root = Path(os.path.realpath(root))
    folder = Path(root)
    parts = relative.split("/")[:-1]
    for depth, part in enumerate(parts, 1):
        folder = folder / part
        if not os.path.lexists(folder):
            return None
        real = Path(os.path.realpath(folder))
        if real != real_root.joinpath(*parts[:depth]):
            where = "outside the vault" if not real.is_relative_to(real_root) else "in the vault"
            return (f"{'/'.join(parts[:depth])}/ is a symbolic link to a folder {where} "
                    f"({real}), and the vault does not follow linked folders")
    return None
