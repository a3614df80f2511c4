"""A note file's stat signature: what the index compares to tell whether a file changed."""

from __future__ import annotations

import os
from pathlib import Path

NO_FILE = (-1, -1, -1, -1)


def signature(file: Path | str) -> tuple[int, int, int, int]:
    """Size, modification and change times (ns) and inode: what changes when a file does.

    A dangling symlink has size -1 and the link's own times and inode (retargeting it makes a
    new link, so its diagnostic is redone); NO_FILE when there is nothing at all.
    """
    try:
        info = os.stat(file)
    except OSError:
        try:
            link = os.lstat(file)
        except OSError:
            return NO_FILE
        return -1, link.st_mtime_ns, link.st_ctime_ns, link.st_ino
    return signature_of(info)


def signature_of(info: os.stat_result) -> tuple[int, int, int, int]:
    """The signature of a file as `os.stat` found it (one stat already made serves)."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
