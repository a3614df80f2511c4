"""Shared fixtures: a vault built from a dict of files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "notes"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (vault-relative path -> text or bytes) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[[dict[str, str | bytes]], object]:
    """`make_vault({"a.md": "…"})` writes the files and returns the loaded Vault."""
    from lemma.vault import load_vault

    def make(files: dict[str, str | bytes]):
        root = write_files(tmp_path / "vault", files)
        return load_vault(root)

    return make
