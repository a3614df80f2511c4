"""Edits an editor applies: rename (`lemma mv`'s plan), "create note" on a broken link, and
derivation results turned into diagnostics on the lines they concern. No pygls here; the
authoring modules load on the first rename or code action, not while the server starts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..links import LineIndex
from ..model import Diagnostic, LemmaError, Severity, SourcePos
from ..vault import Vault
from .features import Span, link_at, link_span

#: The longest file name (in bytes) the usual file systems accept.
NAME_MAX = 255


@dataclass(frozen=True, slots=True)
class TextChange:
    """Replace `span` of the file's current text by `text`."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class FileEdit:
    """The edits to one file and, when it moves, its new vault-relative path."""

    path: str
    changes: tuple[TextChange, ...]
    new_path: str


@dataclass(frozen=True, slots=True)
class NewFile:
    """A "create note" action: the planned note's path, kind and full text."""

    title: str
    kind: str
    path: str
    text: str


def rename_target(vault: Vault, path: str, line: int, col: int) -> tuple[str, Span, str] | None:
    """What a rename at the cursor renames: (note path, span to highlight, current title).

    On a link: the note it points to; on the note's `title:` line or its H1: the note itself.
    """
    resolved = link_at(vault, path, line, col)
    if resolved is not None:
        target = vault.notes.get(resolved.target or "")
        if target is None:
            return None
        return target.path, link_span(resolved.link), target.title
    note = vault.notes.get(path)
    if note is None:
        return None
    if line < note.body_line - 1 and isinstance(note.meta.get("title"), str):
        return note.path, Span(line, 0, line + 1, 0), note.title
    h1 = next((h for h in note.headings if h.level == 1 and h.text == note.title), None)
    if h1 is not None and h1.line - 1 == line:
        return note.path, Span(line, 0, line + 1, 0), note.title
    return None


def rename_edits(vault: Vault, note_path: str, new_name: str,
                 keep_path: bool = False) -> list[FileEdit]:
    """`lemma mv NOTE NEW`'s plan as edits to the files' current text (LemmaError if refused);
    with `keep_path`, a new title leaves the file where it is (no file operation needed)."""
    from ..authoring.rename import plan_rename

    too_long = [part for part in new_name.strip().split("/") if len(part.encode()) > NAME_MAX]
    if new_name.strip().lower().endswith(".md") and too_long:
        raise LemmaError(f"the file name '{too_long[0][:40]}…' is {len(too_long[0].encode())} "
                         f"bytes long; file systems allow {NAME_MAX}: choose a shorter name")
    for problem in vault.unread_notes():  # as `lemma mv`: its links could not be rewritten
        raise LemmaError(f"cannot rename safely: {problem.pos.path} could not be read "
                         f"({problem.code}: {problem.message}); fix or move it first")
    try:
        plan = plan_rename(vault, note_path, new_name, keep_path)
    except OSError as error:  # e.g. a name the file system refuses
        raise LemmaError(f"cannot rename to that name: {error.strerror or error}") from None
    return [FileEdit(change.path, tuple(text_changes(change.old_text, change.new_text)),
                     change.new_path) for change in plan.changes]


def text_changes(old: str, new: str) -> list[TextChange]:
    """The smallest line-wise edits that turn `old` into `new`."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    lines = LineIndex(old)
    starts = [0]
    for text in old_lines:
        starts.append(starts[-1] + len(text))
    changes = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        start, end = lines.position("", starts[i1]), lines.position("", starts[i2])
        span = Span(start.line - 1, start.col - 1, end.line - 1, end.col - 1)
        changes.append(TextChange(span, "".join(new_lines[j1:j2])))
    return changes


def create_note_actions(vault: Vault, path: str, line: int, col: int) -> list[NewFile]:
    """For a broken link under the cursor: one planned note per kind whose template accepts
    the link's target as a title (a paper needs authors, year and source, so it is left out)."""
    from ..authoring.new import CREATABLE, NewNote, plan_new

    resolved = link_at(vault, path, line, col)
    if resolved is None or resolved.status != "broken" or resolved.link.is_attachment:
        return []
    title = resolved.link.target.removesuffix(".md").rsplit("/", 1)[-1].strip()
    found = []
    for kind in CREATABLE:
        try:
            creation = plan_new(vault, NewNote(kind, title))
        except LemmaError:
            continue
        found.append(NewFile(title, kind.value, creation.path, creation.text))
    return found


def derivation_diagnostics(results: list, syntax: list[Diagnostic]) -> list[Diagnostic]:
    """Failed links (with their counterexample), failed checks and checker errors, each on
    its own line; blocks that pass (or fail where they say they will) give nothing."""
    from ..derive.running.report import derivation_line, link_report

    found = list(syntax)
    for result in results:
        if result.passed:
            continue
        reported = False
        for link in result.links:
            if link.status == "failed" or link.status == "unchecked":
                severity = Severity.ERROR if link.status == "failed" else Severity.WARNING
                text = "\n".join(line.strip() for line in link_report(result, link))
                found.append(Diagnostic(SourcePos(result.path, link.line), severity,
                                        f"derivation-{link.status}", _after_place(text)))
                reported = True
        for check in result.checks:
            if not check.ok:
                found.append(Diagnostic(SourcePos(result.path, check.line), Severity.ERROR,
                                        "derivation-check",
                                        f"{result.id}: check '{check.text}' failed: "
                                        f"{check.message or 'value differs'}"))
                reported = True
        if result.error or not reported:
            message = _after_place(derivation_line(result))
            if result.error:
                message += f": {result.error}"
            found.append(Diagnostic(SourcePos(result.path, result.line), Severity.ERROR,
                                    "derivation-failed", message))
    return sorted(found, key=Diagnostic.sort_key)


def _after_place(text: str) -> str:
    """A report line without its leading `path:line` (the editor shows the place)."""
    return re.sub(r"^\S+?:\d+:?\s+", "", text, count=1)


class Superseded(Exception):
    """A newer save of the note made this check pointless."""


def check_note(vault: Vault, path: str, time_box: float = 10.0,
               cache_dir: Path | None = None,
               cancelled: Callable[[], bool] | None = None) -> list[Diagnostic]:
    """The diagnostics of `check_note_verdicts`."""
    return check_note_verdicts(vault, path, time_box, cache_dir, cancelled)[0]


def check_note_verdicts(vault: Vault, path: str, time_box: float = 10.0,
                        cache_dir: Path | None = None,
                        cancelled: Callable[[], bool] | None = None,
                        done: Callable[[int, int], None] | None = None,
                        ) -> tuple[list[Diagnostic], list[tuple[int, str]]]:
    """Check the derivations of one note in the checker's killable workers (sympy loads here):
    the diagnostics, and one verdict line per block (0-based file line of its fence, text).

    Always at least two workers, so every block runs in a forked, time-boxed child process and
    a runaway expression is killed rather than blocking the server. `done(k, n)` hears of each
    finished block. When `cancelled()` turns true, the run stops after the next block (its
    workers are killed) with `Superseded`.
    """
    from ..derive.running.api import check_derivations, find_derivations
    from ..derive.running.cache import ResultCache, default_cache_dir
    from ..derive.running.report import derivation_line

    note = vault.notes.get(path)
    if note is None or "derivation" not in note.body:
        return [], []
    found = find_derivations(vault, [path])
    cache = ResultCache(cache_dir or default_cache_dir(vault.root))
    finished = 0

    def progress(_result: object) -> None:
        nonlocal finished
        finished += 1
        if done is not None:
            done(finished, len(found.derivations))
        if cancelled is not None and cancelled():
            raise Superseded(path)

    results = check_derivations(found.derivations, jobs=2, cache=cache, time_box=time_box,
                                progress=progress)
    verdicts = [(result.line - 1, ("✓ " if result.passed else "✗ ")
                 + _after_place(derivation_line(result))) for result in results]
    return derivation_diagnostics(results, found.diagnostics), verdicts
