"""The parsed bibliography kept in `.lemma-cache/bibliography.json` beside mkdocs.yml, so commands
after the first do not parse the .bib files again (5,000 entries take a second or two).

Keyed by every file's path, size and modification time and by Lemma's version; JSON of plain
values (never a pickle), written to a temp file and renamed. Any problem with the cache file
means parsing again: the cache never changes an answer.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from .bibliography import Bibliography, Name, Reference, bibliography_files, load_bibliography
from .model import Diagnostic, Severity, SourcePos

CACHE_NAME = "bibliography.json"


def _signature(files: list[Path]) -> list[Any]:
    from importlib.metadata import version

    found: list[Any] = [version("lemma")]
    for path in files:
        try:
            info = os.stat(path)
            found.append([str(path.resolve()), info.st_size, info.st_mtime_ns])
        except OSError:
            found.append([str(path), None, None])
    return found


def cached_bibliography(files: list[Path], base: Path | None, cache_dir: Path) -> Bibliography:
    """`load_bibliography(files, base)`, read from the cache when no file changed."""
    cache = cache_dir / CACHE_NAME
    signature = _signature(files)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data["signature"] == signature and data["base"] == str(base):
            return _from_json(data)
    bib = load_bibliography(files, base)
    if all(problem.code != "bibliography" or "cannot read" not in problem.message
           for problem in bib.problems):
        with contextlib.suppress(OSError):
            cache_dir.mkdir(parents=True, exist_ok=True)
            temp = cache.with_name(f".{CACHE_NAME}.{os.getpid()}")
            temp.write_text(json.dumps({"signature": signature, "base": str(base),
                                        **_to_json(bib)}, ensure_ascii=False), "utf-8")
            temp.replace(cache)
    return bib


def _to_json(bib: Bibliography) -> dict[str, Any]:
    return {"files": {k: str(v) for k, v in bib.files.items()},
            "entries": [asdict(ref) for ref in bib.entries.values()],
            "problems": [d.to_json() for d in bib.problems]}


def _from_json(data: dict[str, Any]) -> Bibliography:
    from .resolution import fold

    names = {f.name for f in fields(Reference)}
    bib = Bibliography(files={k: Path(v) for k, v in data["files"].items()})
    for item in data["entries"]:
        values = {k: v for k, v in item.items() if k in names}
        values["authors"] = tuple(Name(**a) for a in values["authors"])
        values["pos"] = SourcePos(**values["pos"])
        ref = Reference(**values)
        bib.entries[fold(ref.key)] = ref
    bib.problems = [Diagnostic(SourcePos(p["path"], p["line"], p["col"]),
                               Severity(p["severity"]), p["code"], p["message"], p["hint"])
                    for p in data["problems"]]
    return bib


def project_bibliography(option: Any, base: Path, cache_dir: Path) -> Bibliography:
    """The entries of a `bibliography:` option (paths relative to mkdocs.yml's folder `base`),
    through the cache in `cache_dir` that the CLI, the site and the language server share."""
    files = bibliography_files(option, base)
    return cached_bibliography(files, base, cache_dir) if files else Bibliography()
