"""`vault_fs.prefetch`: the kernel is asked to read a batch of note files before they are parsed;
bad entries neither block nor raise (their read reports them), and every parse path uses it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from lemma.index import bulk, parse
from lemma.vault import load_vault
from lemma.vault_fs import prefetch
from tests.conftest import write_files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_bad_entries_neither_block_nor_raise(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {"a.md": "# A\n", "locked.md": "x"})
    os.mkfifo(root / "pipe.md")  # a writer never comes: opening it blocking would hang
    os.symlink(root / "gone.md", root / "dangling.md")
    (root / "folder.md").mkdir()
    os.chmod(root / "locked.md", 0)
    done = threading.Event()

    def run() -> None:
        prefetch(root, ["a.md", "pipe.md", "dangling.md", "folder.md", "locked.md", "none.md",
                        "../outside.md"])
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert done.wait(10), "prefetch blocked"


def test_nothing_happens_without_posix_fadvise(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.delattr(os, "posix_fadvise", raising=False)
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a[0]))
    prefetch(tmp_path, ["a.md"])
    assert opened == []


def test_every_parse_asks_for_its_files_first(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Each batch is prefetched before any of its files is read: the workers' chunks, this
    process's batches and share, and `load_vault`."""
    root = write_files(tmp_path / "v", {f"n{i}.md": f"# N{i}\n[[n{i + 1}]]\n" for i in range(30)})
    events: list[tuple[str, str]] = []

    def record_prefetch(where: Path, paths: list[str]) -> None:
        events.extend(("prefetch", p) for p in paths)

    real_read = parse.read_note_file

    def record_read(where: Path, path: str, max_bytes: int):  # type: ignore[no-untyped-def]
        events.append(("read", path))
        return real_read(where, path, max_bytes)

    monkeypatch.setattr(parse, "prefetch", record_prefetch)
    monkeypatch.setattr(parse, "read_note_file", record_read)
    paths = sorted(p.name for p in root.iterdir())
    for batch in parse.parse_batches(root, paths, None, 10**6, 0, jobs=1):
        assert all(p.note is not None for p in batch)
    rows = list(bulk._chunks(root, paths, None, 10**6, 0, jobs=1))
    assert sum(map(len, rows)) == len(paths)
    for path in paths:  # read twice (two parses), each time after its prefetch
        mine = [kind for kind, p in events if p == path]
        assert mine == ["prefetch", "read", "prefetch", "read"], (path, mine)
    import lemma.vault as vault_module

    asked: list[str] = []
    monkeypatch.setattr(vault_module, "prefetch", lambda where, ps: asked.extend(ps))
    assert len(load_vault(root)) == len(paths)
    assert asked == paths
