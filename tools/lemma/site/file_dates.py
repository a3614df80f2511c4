"""When each vault file last changed, for notes whose frontmatter gives no date: the time of the
last git commit that touched it (the same in every clone), and, only when asked, the file's
modification time for files git does not know (that differs between copies of a vault)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

GIT_TIMEOUT = 20.0  # seconds; a slower history falls back to file times
_COMMIT = "@lemma-commit:"


def last_changed(root: Path, paths: Iterable[str], mtime: bool = False) -> dict[str, int]:
    """Vault path -> Unix time of its last commit (`mtime`: else of its last modification)."""
    wanted = set(paths)
    found = {p: t for p, t in _git_times(root).items() if p in wanted}
    for path in sorted(wanted - found.keys()) if mtime else ():
        try:
            found[path] = int(os.stat(root / path).st_mtime)
        except OSError:
            continue
    return found


def _git_times(root: Path) -> dict[str, int]:
    """The last commit time of every file git knows under `root` (empty outside a repository)."""
    try:
        run = subprocess.run(
            ["git", "-C", str(root), "log", f"--format=%x00{_COMMIT}%ct", "--name-only",
             "--relative", "--no-renames", "-z", "--", "."],
            capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if run.returncode != 0:
        return {}
    times: dict[str, int] = {}
    stamp = 0
    for field in run.stdout.decode("utf-8", "replace").split("\0"):
        field = field.strip("\n")
        if not field:
            continue
        if field.startswith(_COMMIT):
            stamp = int(field.removeprefix(_COMMIT) or 0)  # the names after it are its files
            continue
        times.setdefault(field, stamp)  # newest commit first: keep the first time seen
    return times


def head(root: Path) -> str | None:
    """The commit the vault's repository is at (None outside one): the commit times
    `last_changed` reads stay the same while it does."""
    try:
        run = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout.decode("ascii", "replace").strip() if run.returncode == 0 else None
