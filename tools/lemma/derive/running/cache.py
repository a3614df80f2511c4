"""On-disk cache of derivation results, keyed by the block's source and the checker's versions.

One JSON file per block under `.lemma-cache/derive/`. A cached result is re-based to where the
block sits now (path and lines), so moving a block does not invalidate it; editing it does.
Links cut short by a time box are stored with what they did establish; `--no-cache` re-checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from lemma.derive.running.results import CHECKER_VERSION, DerivationResult


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

    def get(self, source: str, path: str, line: int) -> DerivationResult | None:
        """The cached result for this source, re-based to `path:line`, or None."""
        try:
            data = json.loads(self._file(source).read_text(encoding="utf-8"))
            result = DerivationResult.from_json(data)
        except (OSError, ValueError, TypeError, KeyError):
            return None
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
        return self.directory / "notes" / f"{cache_key(path + chr(0) + body)}.json"

    def get_note(self, path: str, body: str, body_line: int) -> list[DerivationResult] | None:
        """All results of a note whose body is unchanged (re-based to its body line), or None.

        This is what lets a fully cached run skip parsing, and so never import sympy.
        """
        try:
            data = json.loads(self._note_file(path, body).read_text(encoding="utf-8"))
            shift = body_line - int(data["body_line"])
            results = [DerivationResult.from_json(r) for r in data["results"]]
        except (OSError, ValueError, TypeError, KeyError):
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
