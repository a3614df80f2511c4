"""On-disk cache of derivation results, keyed by the block's source and the checker's versions.

One JSON file per block under `.lemma-cache/derive/`. A cached result is re-based to where the
block sits now (path and lines), so moving a block does not invalidate it; editing it does.
Links cut short by a time box are stored with what they did establish; `--no-cache` re-checks.
The cache folder may come with a cloned vault: an entry that is too big, too deeply nested or of
the wrong shape is a miss, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import types
import typing
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any

from lemma.derive.running.results import (
    CHECKER_VERSION,
    LINK_STATUSES,
    VERDICTS,
    CheckResult,
    DerivationResult,
    LinkResult,
    expectation_met,
)

#: The largest entry read (a note's entry holds all its blocks; 200 links take ~100 kB).
MAX_ENTRY_BYTES = 8_000_000
#: What reading an entry may raise besides a wrong shape (json's RecursionError on deep nesting).
_UNREADABLE = (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError)


def sympy_version() -> str:
    """The installed sympy version, read without importing sympy."""
    try:
        return metadata.version("sympy")
    except metadata.PackageNotFoundError:  # pragma: no cover - sympy is a dependency
        return "unknown"


def cache_key(source: str) -> str:
    """sha256 of the block source + checker version + sympy version."""
    text = "\0".join((source, CHECKER_VERSION, sympy_version()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_cache_dir(vault_root: Path) -> Path:
    """`.lemma-cache/derive/` beside the notes folder."""
    return Path(vault_root).resolve().parent / ".lemma-cache" / "derive"


def cacheable(result: DerivationResult) -> bool:
    """Every result but a checker error. A link the time box cut short is stored as such (with
    the points it did evaluate), so a warm run does not spend the time box on it again;
    `--no-cache` re-checks it."""
    return result.verdict != "error"


class ResultCache:
    """Read and write cached results; a missing or corrupt entry is simply a miss."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _file(self, source: str) -> Path:
        return self.directory / f"{cache_key(source)}.json"

    def get(self, source: str, path: str, line: int, ident: str | None = None,
            expect_invalid_at: int | None = None) -> DerivationResult | None:
        """The cached result for this source, re-based to `path:line`, or None.

        The key is the block's text between its fences: a block copied or given a new `id=` or
        `expect=` on its fence line finds the result under the old header, so the result takes
        the id given and its expectation is judged again (`ident`).
        """
        try:
            result = _result(_load(self._file(source)))
        except _UNREADABLE:
            return None
        if ident is not None:
            result.id = ident
            result.expected = "valid" if expect_invalid_at is None else \
                f"invalid@{expect_invalid_at}"
            result.passed = expectation_met(result.verdict, expect_invalid_at,
                                            result.first_failure)
        shift = line - result.line
        result.path, result.line, result.cached = path, line, True
        for link in result.links:
            link.line += shift
        for chk in result.checks:
            chk.line += shift
        return result

    def put(self, source: str, result: DerivationResult) -> None:
        """Store a result atomically (best effort: an unwritable cache is not an error)."""
        if cacheable(result):
            data = result.to_json()
            data["cached"] = False
            self._write(self._file(source), data)

    def _write(self, target: Path, data: object) -> None:
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.directory.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, target)

    def _note_file(self, path: str, body: str) -> Path:
        # "ids": entries made before a block's cached result took the block's own id
        return self.directory / "notes" / f"{cache_key('ids' + chr(0) + path + chr(0) + body)}.json"

    def get_note(self, path: str, body: str, body_line: int) -> list[DerivationResult] | None:
        """All results of a note whose body is unchanged (re-based to its body line), or None.

        This is what lets a fully cached run skip parsing, and so never import sympy.
        """
        try:
            data = _load(self._note_file(path, body))
            shift = body_line - _typed(data["body_line"], int)
            results = [_result(r) for r in _typed(data["results"], list)]
        except _UNREADABLE:
            return None
        for result in results:
            result.line += shift
            result.cached = True
            for link in result.links:
                link.line += shift
            for chk in result.checks:
                chk.line += shift
        return results

    def put_note(
        self, path: str, body: str, body_line: int, results: list[DerivationResult]
    ) -> None:
        """Remember a note's results when every one of them is cacheable."""
        if all(cacheable(r) for r in results):
            data = [dict(r.to_json(), cached=False) for r in results]
            self._write(self._note_file(path, body), {"body_line": body_line, "results": data})


def _load(file: Path) -> Any:
    """The JSON of an entry no bigger than MAX_ENTRY_BYTES (ValueError when it is bigger)."""
    with file.open("rb") as handle:
        raw = handle.read(MAX_ENTRY_BYTES + 1)
    if len(raw) > MAX_ENTRY_BYTES:
        raise ValueError(f"{file}: cache entry over {MAX_ENTRY_BYTES} bytes")
    return json.loads(raw.decode("utf-8"))


def _result(data: Any) -> DerivationResult:
    """A DerivationResult from an entry whose every field has its declared type (else TypeError),
    so a tampered entry cannot reach the reports with an int where they join strings."""
    result = DerivationResult.from_json(_typed(data, dict))
    for item in (result, *result.links, *result.checks):
        _check_fields(item)
    if result.verdict not in VERDICTS or any(x.status not in LINK_STATUSES for x in result.links):
        raise ValueError("unknown verdict or link status in a cache entry")
    return result


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"a cache entry holds {type(value).__name__} where {kind.__name__} goes")
    return value


def _check_fields(item: DerivationResult | LinkResult | CheckResult) -> None:
    for name, hint in _hints(type(item)):
        if not _fits(getattr(item, name), hint):
            raise TypeError(f"cache entry field {name!r} has the wrong type")


@functools.cache
def _hints(kind: type) -> tuple[tuple[str, Any], ...]:
    """A result class's fields and their annotations, evaluated once (not per entry)."""
    hints = typing.get_type_hints(kind)
    return tuple((f.name, hints[f.name]) for f in fields(kind))


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value matches a result field's annotation (str, int, list[str], X | None)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(
            isinstance(x, (LinkResult, CheckResult)) or _fits(x, item) for x in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
