"""ProperDocs, the continuation of MkDocs 1.x, builds the corpus and an Obsidian vault exactly as
MkDocs does (apart from the generator tag): the supported runner should MkDocs 1.x break (issues
23 and 32)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def build(runner: str, site: Path, project: Path = ROOT, strict: bool = True
          ) -> dict[str, bytes]:
    """Build `project` (the corpus) with `runner` into `site`: every output file's bytes."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if project != ROOT:  # the corpus dates its build from its notes; a test vault is fixed
        env["SOURCE_DATE_EPOCH"] = "1700000000"
    argv = [str(BIN / runner), "build", *(["--strict"] if strict else []), "-f", "mkdocs.yml",
            "--site-dir", str(site)]
    done = subprocess.run(argv, cwd=project, capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, f"{runner} build failed:\n{done.stderr[-3000:]}"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def same_but_generator(mkdocs: dict[str, bytes], properdocs: dict[str, bytes]) -> None:
    """Both builds hold the same files with the same bytes, the generator tag aside."""
    assert sorted(mkdocs) == sorted(properdocs)
    generators = {GENERATOR.search(site["index.html"]).group(1).decode()
                  for site in (mkdocs, properdocs)}
    assert any("ProperDocs" in g for g in generators) and len(generators) == 2
    differ = [path for path in mkdocs
              if GENERATOR.sub(b"", mkdocs[path]) != GENERATOR.sub(b"", properdocs[path])]
    assert differ == []


@pytest.mark.slow
def test_properdocs_builds_the_corpus_byte_for_byte_as_mkdocs(tmp_path: Path):
    mkdocs = build("mkdocs", tmp_path / "mkdocs")
    properdocs = build("properdocs", tmp_path / "properdocs")
    same_but_generator(mkdocs, properdocs)
    assert len([p for p in mkdocs if p.endswith(".html")]) > 40  # the whole corpus was built


def test_properdocs_builds_the_obsidian_vault_byte_for_byte_as_mkdocs(tmp_path: Path):
    """Every Obsidian construct (canvas, base, embeds, home note, redirects, private note)."""
    from tests.test_site_publish_vault import VAULT, YML

    shutil.copytree(VAULT, tmp_path / "vault")
    (tmp_path / "mkdocs.yml").write_text(YML, encoding="utf-8")
    mkdocs = build("mkdocs", tmp_path / "mkdocs", tmp_path, strict=False)
    properdocs = build("properdocs", tmp_path / "properdocs", tmp_path, strict=False)
    same_but_generator(mkdocs, properdocs)
    assert "Map.canvas/index.html" in mkdocs and "Library.base/index.html" in mkdocs
