"""The saved copy of every note's stat signature, patched by a refresh that changed a few
notes, equals the copy made from every row of `notes` (what a full look compares with)."""

from __future__ import annotations

import marshal
import sqlite3
from pathlib import Path

from lemma.index import store
from lemma.index.refresh import VaultIndex
from tests.conftest import write_files


def saved_and_rows(root: Path) -> tuple[dict, dict]:
    db = sqlite3.connect(store.index_file(root))
    try:
        saved = marshal.loads(db.execute(
            "SELECT value FROM meta WHERE key = 'signatures'").fetchone()[0])
        rows = {r[0]: r[1:] for r in db.execute(
            "SELECT path, size, mtime_ns, ctime_ns, ino, indexed_ns FROM notes")}
    finally:
        db.close()
    return saved, rows


def refresh(root: Path) -> None:
    with VaultIndex(root) as index:
        index.refresh()


def test_a_refresh_patches_the_saved_signatures_to_what_the_rows_say(tmp_path: Path) -> None:
    root = write_files(tmp_path / "vault", {f"n{i}.md": f"# Note {i}\n[[n{i + 1}]]\n"
                                            for i in range(30)})
    refresh(root)
    (root / "n3.md").write_text("# Note 3 edited\n", encoding="utf-8")
    (root / "n4.md").unlink()
    write_files(root, {"new.md": "# New\n", "bad.md": b"\xff\xfe not UTF-8"})
    refresh(root)
    saved, rows = saved_and_rows(root)
    assert saved == rows and "n4.md" not in saved and {"new.md", "bad.md"} <= set(saved)


def test_unreadable_saved_signatures_are_made_again_from_the_rows(tmp_path: Path) -> None:
    root = write_files(tmp_path / "vault", {f"n{i}.md": f"# Note {i}\n" for i in range(5)})
    refresh(root)
    db = sqlite3.connect(store.index_file(root))
    db.execute("UPDATE meta SET value = x'00' WHERE key = 'signatures'")
    db.commit()
    db.close()
    (root / "n1.md").write_text("# Note 1 edited\n", encoding="utf-8")
    refresh(root)
    saved, rows = saved_and_rows(root)
    assert saved == rows
