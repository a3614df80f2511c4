"""ProperDocs, the continuation of MkDocs 1.x, builds the corpus exactly as MkDocs does (apart
from the generator tag): the supported runner should MkDocs 1.x break (issue 23)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def build(runner: str, site: Path) -> dict[str, bytes]:
    """Build the corpus strictly with `runner` into `site`: every output file's bytes."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    argv = [str(BIN / runner), "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(site)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, f"{runner} build failed:\n{done.stderr[-3000:]}"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


@pytest.mark.slow
def test_properdocs_builds_the_corpus_byte_for_byte_as_mkdocs(tmp_path: Path):
    mkdocs = build("mkdocs", tmp_path / "mkdocs")
    properdocs = build("properdocs", tmp_path / "properdocs")
    assert sorted(mkdocs) == sorted(properdocs)
    generators = {GENERATOR.search(site["index.html"]).group(1).decode()
                  for site in (mkdocs, properdocs)}
    assert any("ProperDocs" in g for g in generators) and len(generators) == 2
    differ = [path for path in mkdocs
              if GENERATOR.sub(b"", mkdocs[path]) != GENERATOR.sub(b"", properdocs[path])]
    assert differ == []
    assert len([p for p in mkdocs if p.endswith(".html")]) > 40  # the whole corpus was built
