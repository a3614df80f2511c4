"""What the citation options of `lemma list` and `lemma graph backlinks` share."""

from __future__ import annotations

import difflib
import sqlite3

from ..model import LemmaError
from ..resolution import fold
from . import Project


def check_citekey(project: Project, db: sqlite3.Connection, key: str) -> None:
    """Raise a "did you mean" error unless `key` is cited, claimed by a note or in the
    bibliography (only then is the bibliography read)."""
    from ..index.cites import cited_keys

    known = cited_keys(db)
    if fold(key) in known:
        return
    bibliography = project.bibliography()
    if bibliography.get(key) is not None:
        return
    names = sorted(known | set(bibliography.entries))
    close = difflib.get_close_matches(fold(key), names, n=1, cutoff=0.6)
    hint = f" (did you mean @{close[0]}?)" if close else ""
    raise LemmaError(f"no paper note or bibliography entry has the citekey '{key}'{hint}",
                     exit_code=2)
