"""A progress bar on stderr while a refresh parses many notes: drawn on a terminal (its
carriage returns not escaped by the terminal-safe stream), ended before the command prints,
absent when stderr is not a terminal; the refresh tells it every step of the parse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main, progress
from lemma.index import parse
from lemma.index.refresh import VaultIndex
from lemma.synth import write_synthetic_vault
from lemma.terminal import SafeStream, progress_stream
from tests.conftest import write_files


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_reaches_the_terminal_past_the_safe_stream() -> None:
    screen = Terminal()
    assert progress_stream(SafeStream(screen)) is screen  # type: ignore[arg-type]
    assert progress_stream(screen) is screen


def test_the_bar_is_drawn_and_ended_with_the_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", SafeStream(screen))
    monkeypatch.setattr(progress, "SHOWN_FROM", 3)
    bar = progress.IndexProgress()
    bar(1, 2)  # too few notes to show
    assert screen.getvalue() == ""
    for done in (1, 2, 4):
        bar(done, 4)
    drawn = screen.getvalue()
    assert "indexing 4 notes" in drawn and "100%" in drawn and "\r" in drawn
    assert "\\u000d" not in drawn and "\\u001b" not in drawn  # not escaped
    assert drawn.endswith("\n")  # ended: the command's output starts on a line of its own
    bar.close()  # (again at the end of the command: nothing more)
    assert screen.getvalue() == drawn


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", SafeStream(io.StringIO()))  # e.g. `lemma list 2>log`
    assert progress.index_progress() is None
    monkeypatch.setattr("sys.stderr", SafeStream(Terminal()))  # type: ignore[arg-type]
    assert progress.index_progress() is not None


def test_a_command_shows_the_bar_on_stderr_only(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "vault", {f"n{i}.md": f"# Note {i}\n" for i in range(12)})
    quiet = write_files(tmp_path / "other" / "vault", {f"n{i}.md": f"# Note {i}\n"
                                                       for i in range(12)})
    plain = CliRunner().invoke(main, ["--notes", str(quiet), "list"])
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(progress, "SHOWN_FROM", 10)
    shown = CliRunner().invoke(main, ["--notes", str(root), "list"])
    assert shown.exit_code == plain.exit_code == 0
    assert shown.stdout == plain.stdout.replace(str(quiet), str(root))
    assert "indexing 12 notes" in shown.stderr and plain.stderr == ""
    again = CliRunner().invoke(main, ["--notes", str(root), "list"])  # nothing to parse
    assert again.stderr == ""


def test_the_refresh_tells_every_step_of_the_parse(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "SERIAL_BATCH", 100)  # (in a process with threads: no workers)
    root = tmp_path / "vault"
    write_synthetic_vault(root, 450)  # parsed batch by batch, by workers or here
    total = sum(1 for _ in root.rglob("*.md"))
    told: list[tuple[int, int]] = []
    with VaultIndex(root, progress=lambda done, of: told.append((done, of))) as index:
        index.refresh()
    assert len(told) > 1 and told[-1] == (total, total)
    assert all(of == total for _, of in told)
    assert [done for done, _ in told] == sorted({done for done, _ in told})  # only forward
    told.clear()
    for path in sorted(root.rglob("*.md"))[:2]:
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    with VaultIndex(root, progress=lambda done, of: told.append((done, of))) as index:
        index.refresh()
    assert told[-1] == (2, 2)
