"""The file system's own clock, which the "changed within the same tick" rule is measured on.

A note's times are set by the file system (a file server's clock on a network share, whole
seconds on FAT), not by this machine's clock: a stat-clean note is doubtful when its times are
within a tick of when it was indexed, so "when" must be read from the same clock. It is the
modification time a write to a probe file beside the index gets.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def fs_now_ns(probe: Path) -> int:
    """The current time of the file system holding `probe` (written to get it; created if
    missing); the machine's clock when it cannot be written (an index kept in memory)."""
    try:
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_TRUNC)
        except FileNotFoundError:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, b"t")
            return os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
    except OSError:
        return time.time_ns()
