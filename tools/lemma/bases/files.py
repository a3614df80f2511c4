"""Reading the vault's `.base` files (the only I/O of the bases package)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import Diagnostic
from ..publish import is_private
from .base import MAX_BASE_BYTES, Base, parse_base, run_view


def load_bases(root: Path, paths: Iterable[str]) -> list[Base]:
    """Every `.base` among the vault files `paths`, read and parsed, in path order."""
    found = []
    for path in sorted(p for p in paths if p.lower().endswith(".base")):
        try:
            data = (root / path).read_bytes()[: MAX_BASE_BYTES + 1]
            base = parse_base(path, data.decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError) as error:
            base = Base(path)
            base.problem(f"base cannot be read: {error}")
        found.append(base)
    return found


def base_diagnostics(base: Base, vault: Any) -> list[Diagnostic]:
    """What `lemma lint` says about a base: bad YAML or filters, expressions it cannot read or
    that use something outside the safe subset (found by evaluating every view once)."""
    notes = [n for n in vault if not is_private(n)]
    links = {path: sorted({r.target for r in resolved if r.ok and r.target})
             for path, resolved in vault.resolved.items()}
    for view in base.views:
        run_view(base, view, notes, links, dt.date.today())
    return sorted(set(base.problems), key=lambda d: d.sort_key())
