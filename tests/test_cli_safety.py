"""The CLI facing hostile notes and surroundings (issue 27, items 5, 10, 11): note text cannot
drive the terminal, a huge `--limit`, a full stdout, a cache folder that is a file and a
retargeted dangling symlink give the right answer or one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.terminal import printable
from tests.conftest import REPO, write_files

EVIL = ("---\ntitle: \"Evil \\e]0;pwned\\a title\"\naliases: [\"\\u202eeviL\"]\n---\n"
        "Body with \x1b[31mred\x1b[0m kernel text, a bell \x07 and \x9b2J [[Other]] "
        "[[Nowhere \x1b[2J]].\n")
NOTES = {"evil.md": EVIL, "other.md": "# Other\n\nkernel words.\n"}
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def lemma(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


@pytest.mark.parametrize("command", [
    ("list",), ("search", "kernel"), ("graph", "backlinks", "Other"), ("lint",),
    ("graph", "stats"), ("graph", "neighbors", "Other"), ("mv", "Other", "Another", "--dry-run"),
], ids=lambda c: "-".join(c))
def test_control_characters_from_notes_never_reach_the_terminal(tmp_path: Path,
                                                                 command) -> None:
    root = write_files(tmp_path / "v", NOTES)
    result = lemma(root, *command)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not any(c in result.stdout + result.stderr for c in RAW), repr(result.output)
    if command[0] not in ("lint", "mv"):  # (they quote no escaped text of these notes)
        assert "\\u001b" in result.stdout + result.stderr  # shown, escaped, not dropped


def test_json_output_keeps_the_text_exactly(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", NOTES)
    result = lemma(root, "list", "--format", "json")
    assert not any(c in result.stdout for c in RAW)
    titles = {row["path"]: row["title"] for row in json.loads(result.stdout)}
    assert titles["evil.md"] == "Evil \x1b]0;pwned\x07 title"


def test_printable_escapes_controls_and_keeps_lines() -> None:
    assert printable("a\x1b[1mb\tc\nd\x7f\x85\u2066") == "a\\u001b[1mb\tc\nd\\u007f\\u0085\\u2066"
    assert printable("a\nb\tc", newlines=False) == "a\\nb\\tc"


def test_a_huge_search_limit_lists_every_hit(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", NOTES)
    result = lemma(root, "search", "kernel", "--limit", "9" * 30)
    assert result.exit_code == 0 and result.stdout.count("(") == 2, result.output


def run_cli(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from lemma.cli import entry; entry()", *args],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [("lint",), ("list",), ("search", "kernel"),
                                     ("graph", "stats")], ids=lambda c: c[0] + str(len(c)))
def test_a_full_stdout_is_one_error_line(tmp_path: Path, command) -> None:
    root = write_files(tmp_path / "v", NOTES)
    with open("/dev/full", "w") as full:
        done = run_cli("--notes", str(root), *command, stdout=full)
    assert (done.returncode, done.stderr.splitlines()[-1:]) == (
        1, ["error: cannot write the output: No space left on device"]), done.stderr
    assert "Traceback" not in done.stderr


def test_a_cache_folder_that_is_a_file(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v" / "notes", NOTES)
    cache = tmp_path / "v" / ".lemma-cache"
    cache.write_text("not a folder")
    listed = lemma(root, "list")
    assert listed.exit_code == 0 and "other.md" in listed.stdout
    assert listed.stderr.count("\n") == 1 and "working without it" in listed.stderr
    made = lemma(root, "new", "take", "Hello")
    assert (made.exit_code, made.stderr) == (1, (
        f"error: cannot lock the notes: {cache} is not a folder (remove it: Lemma keeps its "
        "index and lock there)\n"))


def test_a_retargeted_dangling_symlink_gets_its_new_diagnostic(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {"a.md": "# A\n"})
    (root / "b.md").symlink_to("nowhere-1.md")
    assert "'nowhere-1.md'" in lemma(root, "lint").stdout
    (root / "b.md").unlink()
    (root / "b.md").symlink_to("nowhere-2.md")
    linted = lemma(root, "lint").stdout
    assert "'nowhere-2.md'" in linted and "nowhere-1" not in linted


def test_the_output_stream_keeps_clicks_bold_and_escapes_the_rest() -> None:
    import io

    from lemma.terminal import SafeStream

    out = io.StringIO()
    SafeStream(out).write("\x1b[1mTitle\x1b[0m and \x1b[31mred\x07 end\n")
    assert out.getvalue() == "\x1b[1mTitle\x1b[0m and \\u001b[31mred\\u0007 end\n"
