"""Checking a whole vault: find the blocks, reuse cached results, check the rest in parallel.

`check_vault` is what the CLI and the site call; `find_derivations` is split out so a caller can
report syntax errors (exit 2) before checking anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lemma.derive.running import workers
from lemma.derive.running.cache import ResultCache, default_cache_dir
from lemma.derive.running.results import DerivationResult
from lemma.links import blank_comments
from lemma.model import Diagnostic, LemmaError, Severity, SourcePos

if TYPE_CHECKING:
    from lemma.derive.language.block import Derivation
    from lemma.vault import Vault

Progress = Callable[[DerivationResult], None]

#: Links plus `check:` lines checked in one block. Each link costs a few worker runs (tens of
#: milliseconds at best, a time box at worst), so a 10,000-link block would take hours; a longer
#: block gets an `error` verdict naming the limit, and the other blocks are still checked.
MAX_LINKS = 200


@dataclass
class Found:
    """The derivations of the selected notes and the syntax problems met on the way."""

    derivations: list[Derivation]
    diagnostics: list[Diagnostic]


def select_notes(vault: Vault, paths: Sequence[str | os.PathLike[str]] | None) -> list[str]:
    """Vault-relative note paths under the given files/folders (all notes when none given)."""
    every = sorted(vault.notes)
    if not paths:
        return every
    root = Path(vault.root).resolve()
    chosen: list[str] = []
    for given in paths:
        rel = _relative(Path(given), root)
        hits = [p for p in every if rel in ("", ".") or p == rel or p.startswith(rel + "/")]
        if not hits:
            raise LemmaError(f"'{given}' is not a note or folder of the vault at {root}", 2)
        chosen.extend(p for p in hits if p not in chosen)
    return sorted(chosen)


def _relative(given: Path, root: Path) -> str:
    for candidate in (given, root / given):
        resolved = candidate.resolve()
        if resolved == root:
            return ""
        if resolved.is_relative_to(root) and resolved.exists():
            return resolved.relative_to(root).as_posix()
    return given.as_posix().strip("/")


def find_derivations(vault: Vault, paths: Sequence[str | os.PathLike[str]] | None = None) -> Found:
    """Parse every derivation block of the selected notes; ids must be unique in the vault."""
    from lemma.derive.language.parse import parse_note

    derivations: list[Derivation] = []
    diagnostics: list[Diagnostic] = []
    for path in select_notes(vault, paths):
        note = vault.notes[path]
        # a block inside %%comments%% is private text: not checked, like it is not published
        found, problems = parse_note(blank_comments(note.body), note.path, note.body_line)
        derivations.extend(found)
        diagnostics.extend(problems)
    seen: dict[str, SourcePos] = {}
    for d in derivations:
        if d.id in seen:
            diagnostics.append(
                Diagnostic(
                    d.pos,
                    Severity.ERROR,
                    "derivation-syntax",
                    f"derivation id '{d.id}' is already used at {seen[d.id]}",
                    "give every derivation block a unique id=",
                )
            )
        seen.setdefault(d.id, d.pos)
    return Found(derivations, sorted(diagnostics, key=Diagnostic.sort_key))


def check_derivations(
    derivations: Iterable[Derivation],
    *,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    time_box: float = 10.0,
) -> list[DerivationResult]:
    """Results in input order: cache hits first, the rest checked in up to `jobs` processes."""
    from lemma.derive.running.check import check_derivation

    items = list(derivations)
    results: list[DerivationResult | None] = [None] * len(items)
    todo: list[int] = []
    for i, d in enumerate(items):
        if len(d.steps) + len(d.checks) > MAX_LINKS:
            results[i] = _too_long(d)
            if progress:
                progress(results[i])
            continue
        hit = cache.get(d.source, d.pos.path, d.pos.line, d.id, d.expect_invalid_at) \
            if cache else None
        if hit is not None:
            results[i] = hit
            if progress:
                progress(hit)
        else:
            todo.append(i)

    def finish(i: int, result: DerivationResult) -> None:
        results[i] = result
        if cache:
            cache.put(items[i].source, result)
        if progress:
            progress(result)

    if jobs <= 1:
        for i in todo:
            try:
                finish(i, check_derivation(items[i], time_box=time_box))
            except Exception as exc:  # a checker bug: report it on the block, keep going
                failure = workers.Outcome("error", message=f"{type(exc).__name__}: {exc}")
                finish(i, _broken(items[i], failure, time_box))
    else:
        tasks = [
            (i, _check_block, (items[i], time_box), _block_budget(items[i], time_box))
            for i in todo
        ]
        for i, outcome in workers.run_many(tasks, jobs=jobs):
            if outcome.ok:
                finish(i, outcome.value)
            else:
                finish(i, _broken(items[i], outcome, time_box))
    return [r for r in results if r is not None]


def _check_block(d: Derivation, time_box: float) -> DerivationResult:
    """check_derivation with the time box given (a worker task takes positional arguments)."""
    from lemma.derive.running.check import check_derivation

    return check_derivation(d, time_box=time_box)


def _block_budget(d: Derivation, time_box: float) -> float:
    """Wall-clock allowance for a whole block: every link and check plus slack."""
    return time_box * (len(d.steps) + len(d.checks) + 1) * 1.5 + 5.0


def _too_long(d: Derivation) -> DerivationResult:
    """The `error` result of a block over MAX_LINKS: what the limit is and what to do."""
    size = len(d.steps) + len(d.checks)
    reason = (f"{size:,} links and check: lines, more than the {MAX_LINKS} checked in one block: "
              "split it into several derivation blocks")
    return _broken(d, workers.Outcome("error", message=reason), 0.0, prefix="")


def _broken(d: Derivation, outcome: workers.Outcome, time_box: float,
            prefix: str = "checker error: ") -> DerivationResult:
    """A result for a block whose checking process died or overran (never 'valid')."""
    reason = (
        f"checking the block overran its time box ({time_box:g} s per link)"
        if outcome.status == "timeout"
        else f"{prefix}{outcome.message}"
    )
    expected = "valid" if d.expect_invalid_at is None else f"invalid@{d.expect_invalid_at}"
    return DerivationResult(
        id=d.id,
        path=d.pos.path,
        line=d.pos.line,
        title=d.title,
        verdict="error",
        expected=expected,
        first_failure=None,
        error=reason,
        passed=False,
    )


@dataclass
class Checked:
    """Results of a checking run plus the syntax problems that stopped some blocks."""

    results: list[DerivationResult]
    diagnostics: list[Diagnostic]


def run_checks(
    vault: Vault,
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    time_box: float = 10.0,
) -> Checked:
    """The CLI's path: whole-note cache hits first (no parsing), then parse and check the rest."""
    results: dict[str, list[DerivationResult]] = {}
    missing: list[str] = []
    for path in select_notes(vault, paths):
        note = vault.notes[path]
        if "derivation" not in note.body:
            continue
        hit = cache.get_note(path, note.body, note.body_line) if cache else None
        if hit is None:
            missing.append(path)
            continue
        results[path] = hit
        for result in hit:
            if progress:
                progress(result)
    diagnostics: list[Diagnostic] = []
    if missing:
        found = find_derivations(vault, missing)
        diagnostics = found.diagnostics
        checked = check_derivations(
            found.derivations, jobs=jobs, cache=cache, progress=progress, time_box=time_box
        )
        for result in checked:
            results.setdefault(result.path, []).append(result)
        broken = {d.pos.path for d in diagnostics}
        for path in missing:
            note = vault.notes[path]
            if cache and path not in broken:
                cache.put_note(path, note.body, note.body_line, results.get(path, []))
    ordered = [r for path in sorted(results) for r in sorted(results[path], key=_line)]
    diagnostics += _duplicates(ordered, diagnostics)
    return Checked(ordered, sorted(diagnostics, key=Diagnostic.sort_key))


def _line(result: DerivationResult) -> int:
    return result.line


def _duplicates(results: list[DerivationResult], known: list[Diagnostic]) -> list[Diagnostic]:
    """Duplicate ids across notes that were not parsed together in this run."""
    reported = {(d.pos.path, d.pos.line) for d in known}
    seen: dict[str, str] = {}
    out: list[Diagnostic] = []
    for r in results:
        where = f"{r.path}:{r.line}"
        if r.id in seen and (r.path, r.line) not in reported:
            out.append(
                Diagnostic(
                    SourcePos(r.path, r.line),
                    Severity.ERROR,
                    "derivation-syntax",
                    f"derivation id '{r.id}' is already used at {seen[r.id]}",
                    "give every derivation block a unique id=",
                )
            )
        seen.setdefault(r.id, where)
    return out


def check_vault(
    vault: Vault,
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    jobs: int = 1,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    time_box: float = 10.0,
) -> list[DerivationResult]:
    """Check every well-formed derivation of the vault (syntax errors are lint's business)."""
    found = find_derivations(vault, paths)
    cache = ResultCache(cache_dir or default_cache_dir(vault.root)) if use_cache else None
    return check_derivations(
        found.derivations, jobs=jobs, cache=cache, progress=progress, time_box=time_box
    )
