"""The index on a file system with whole-second times and a clock skewed from this machine's:
an edit of the same size within the second it was indexed is still seen (issue 27, item 3),
and every command's output after random edits equals a fresh run with `.lemma-cache/` deleted."""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.index import refresh
from lemma.index.clock import fs_now_ns
from tests.index_vaults import Editor, make_random_vault

SECOND = 1_000_000_000


class CoarseSkewedFS:
    """A file system whose clock is `skew` ns off this machine's and keeps whole seconds.

    The index reads its time (patched `fs_now_ns`); the notes get its times (`stamp`); a note's
    change time reads as its modification time, as on FAT or a share that keeps one time.
    """

    def __init__(self, root: Path, skew: int) -> None:
        self.root, self.skew = root, skew
        self.last = self.now()

    def now(self) -> int:
        return (time.time_ns() + self.skew) // SECOND * SECOND

    def index_clock(self, probe: Path) -> int:
        self.last = self.now()
        return self.last

    def stamp(self, path: Path, at: int | None = None) -> None:
        at = self.now() if at is None else at
        os.utime(path, ns=(at, at), follow_symlinks=False)

    def stamp_fine(self) -> None:
        """Give every file the editor touched (a fine-grained time) this file system's time."""
        for path in self.root.rglob("*"):
            info = path.lstat()
            if info.st_mtime_ns % SECOND:
                self.stamp(path)

    @contextmanager
    def active(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        real_stat = os.stat
        prefix = str(self.root)

        class Coarse:
            def __init__(self, info: os.stat_result) -> None:
                self._info = info

            def __getattr__(self, name: str) -> object:
                if name == "st_ctime_ns":
                    return self._info.st_mtime_ns
                if name == "st_ctime":
                    return self._info.st_mtime
                return getattr(self._info, name)

        def stat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            info = real_stat(path, *args, **kwargs)
            return Coarse(info) if str(path).startswith(prefix) else info

        with monkeypatch.context() as patch:
            patch.setattr(refresh, "fs_now_ns", self.index_clock)
            patch.setattr(os, "stat", stat)
            yield


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--notes", str(root), *args])
    return result.exit_code, result.stdout


def rewrite_same_size(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite the file in place (same inode) with `old` replaced by `new` of the same length."""
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    with open(path, "r+b") as handle:
        handle.write(data.replace(old, new, 1))


SKEWS = {"clock-ahead-3s": 3 * SECOND, "clock-behind-3s": -3 * SECOND,
         "clock-behind-40s": -40 * SECOND}


@pytest.mark.parametrize("skew", SKEWS.values(), ids=SKEWS.keys())
def test_a_same_size_edit_in_the_indexed_second_is_seen(tmp_path: Path, skew: int,
                                                        monkeypatch) -> None:
    root = tmp_path / "v" / "notes"
    root.mkdir(parents=True)
    fs = CoarseSkewedFS(root, skew)
    note, other = root / "a.md", root / "b.md"
    note.write_text("---\ntitle: Title 0\n---\nSee [[B]].\n", encoding="utf-8")
    other.write_text("---\ntitle: B\n---\nBack.\n", encoding="utf-8")
    fs.stamp(note), fs.stamp(other)
    with fs.active(monkeypatch):
        for round_ in range(1, 7):
            assert run(root, "list")[0] == 0  # indexes the note at the file system's `last`
            rewrite_same_size(note, f"Title {round_ - 1}".encode(), f"Title {round_}".encode())
            fs.stamp(note, fs.last)  # the same second as the indexing
            code, out = run(root, "list")
            assert (code, f"Title {round_}" in out) == (0, True), out
            assert f"Title {round_}" in run(root, "graph", "backlinks", "B")[1]
            assert f"Title {round_}" in run(root, "search", "see")[1]
            assert f"Title {round_}" in run(root, "graph", "stats")[1]


def test_the_probe_reads_the_file_systems_time(tmp_path: Path) -> None:
    probe = tmp_path / "x.clock"
    before = time.time_ns()
    now = fs_now_ns(probe)
    assert probe.stat().st_mtime_ns == now and before - SECOND < now < time.time_ns() + SECOND
    assert fs_now_ns(tmp_path / "no" / "such" / "folder") > 0  # falls back to this clock


COMMANDS = (("list",), ("list", "--format", "json"), ("graph", "stats"), ("lint",),
            ("graph", "backlinks", "Hub"), ("graph", "backlinks", "Gradient notes"),
            ("search", "gradient"), ("search", "kernel OR lemma"), ("graph", "orphans"))
#: Editor edits that keep the vault copyable and meaningful on this simulated file system.
EDITS = tuple(e for e in Editor.EDITS if e not in ("special_file", "same_mtime", "touch"))


def fresh_outputs(root: Path) -> list[tuple[int, str]]:
    """Every command's output with `.lemma-cache/` deleted (the index kept aside meanwhile)."""
    cache, kept = root.parent / ".lemma-cache", root.parent / ".kept-cache"
    cache.rename(kept)
    try:
        return [run(root, *command) for command in COMMANDS]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        kept.rename(cache)


@pytest.mark.slow
@pytest.mark.parametrize("skew", SKEWS.values(), ids=SKEWS.keys())
@pytest.mark.parametrize("seed", range(2))
def test_random_edits_give_every_command_the_output_of_a_fresh_run(
        tmp_path: Path, skew: int, seed: int, monkeypatch) -> None:
    root = tmp_path / "v" / "notes"
    make_random_vault(root)
    rng = random.Random(seed)
    editor = Editor(root, rng)
    fs = CoarseSkewedFS(root, skew)
    fs.stamp_fine()
    with fs.active(monkeypatch):
        history: list[str] = []
        for step in range(6):  # bounded: a few edits, then every command, then compare
            assert run(root, "list")[0] == 0
            for _ in range(rng.randrange(1, 4)):
                history.append(getattr(editor, rng.choice(EDITS))())
            fs.stamp_fine()
            history.append(same_second_rewrite(editor, fs))
            got = [run(root, *command) for command in COMMANDS]
            want = fresh_outputs(root)
            for command, mine, fresh in zip(COMMANDS, got, want, strict=True):
                assert mine == fresh, (f"seed {seed} step {step} `lemma {' '.join(command)}` "
                                       f"after: {' / '.join(history[-4:])}")


def same_second_rewrite(editor: Editor, fs: CoarseSkewedFS) -> str:
    """Change one letter of a note in place, with the second its last indexing was in."""
    for path in editor.rng.sample(editor.notes(), k=len(editor.notes())):
        file = editor.root / path
        if file.is_symlink():
            continue
        data = file.read_bytes()
        letters = [i for i, b in enumerate(data) if chr(b) in "aeiou"]
        if not letters:
            continue
        at = editor.rng.choice(letters)
        with open(file, "r+b") as handle:
            handle.seek(at)
            handle.write(b"x" if data[at:at + 1] != b"x" else b"y")
        fs.stamp(file, fs.last)
        return f"same-second rewrite of {path} at byte {at}"
    return "no note to rewrite"
