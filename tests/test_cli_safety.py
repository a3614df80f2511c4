"""The CLI facing hostile notes and surroundings (issue 27, items 5, 8, 10, 11): note text cannot
drive the terminal, a huge `--limit`, a full stdout, a cache folder that is a file, a
retargeted dangling symlink, a derivation of 10,000 links and tampered derive cache entries give
the right answer or one line, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma import terminal
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


@pytest.mark.parametrize("tail", ["", "é", "\u202e"], ids=["ascii", "latin", "bidi"])
def test_printable_escapes_each_character_as_the_pattern_does(tail: str) -> None:
    """ASCII text without controls skips the pattern: each character, alone and in a long
    text, comes out as the pattern makes it."""
    for code in range(0x3000):
        char = chr(code)
        text = f"line {char} and more\n" * 3 + tail
        assert printable(text) == terminal._CONTROL.sub(terminal._escape, text), hex(code)


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


OK_BLOCK = ("# Ok\n\n```derivation id=ok\ngiven:\n  x: real\ncalc:\n  (x + 1)**2\n"
            "  = x**2 + 2*x + 1\n```\n")


def long_block(links: int) -> str:
    return ("# Long\n\n```derivation id=long\ngiven:\n  x: real\ncalc:\n  x\n"
            + "  = x + 0\n" * links + "```\n")


def test_a_block_of_ten_thousand_links_is_an_error_and_the_others_are_checked(
        tmp_path: Path) -> None:
    """Issue 27, item 8: `lemma check` did not finish on it (each link costs worker runs)."""
    root = write_files(tmp_path / "v" / "notes", {"long.md": long_block(10_000),
                                                  "ok.md": OK_BLOCK})
    done = run_cli("--notes", str(root), "check")  # within run_cli's 60 s, not hours
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and done.stderr == ""
    assert lines[:3] == [
        "long.md:3  long  error FAIL  (no links)",
        "long.md:3: long: 10,000 links and check: lines, more than the 200 checked in one block: "
        "split it into several derivation blocks",
        "ok.md:3  ok  proved  (1 proved)"]
    assert lines[3].startswith("2 derivations: 1 proved, 1 error; links: 1 proved; 1 unexpected")


def test_a_block_at_the_limit_is_still_checked(tmp_path: Path) -> None:
    from lemma.derive.running.api import MAX_LINKS, find_derivations
    from lemma.vault import load_vault

    root = write_files(tmp_path / "v", {"a.md": long_block(MAX_LINKS)})
    (block,) = find_derivations(load_vault(root)).derivations
    assert len(block.steps) == MAX_LINKS  # over it is the error above, at it the usual check


def _entry(**change) -> str:
    result = {"id": "ok", "path": "ok.md", "line": 3, "title": "", "verdict": "proved",
              "expected": "valid", "first_failure": None, "links": [
                  {"index": 1, "line": 8, "relation": "=", "status": "proved", "hints": []}]}
    result.update(change)
    return json.dumps(result)


TAMPERED = {
    "nested-arrays": "[" * 200_000 + "]" * 200_000,
    "nested-objects": '{"a":' * 200_000 + "1" + "}" * 200_000,
    "huge": json.dumps({"body_line": 1, "results": [], "pad": "x" * 9_000_000}),
    "not-an-object": "[1, 2]",
    "line-is-text": _entry(line="3"),
    "hints-are-numbers": _entry(links=[{"index": 1, "line": 8, "relation": "=",
                                        "status": "proved", "hints": [1, 2]}]),
    "unknown-verdict": _entry(verdict="\x1b[2Jproved"),
    "unknown-field": _entry(shell="rm -rf"),
    "not-utf8": b"\xff\xfe{}",
}


@pytest.mark.parametrize("content", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_derive_cache_entry_is_a_miss(tmp_path: Path, content: str | bytes) -> None:
    """Issue 27, item 11: a deep entry raised RecursionError, a huge one was read whole."""
    root = write_files(tmp_path / "v" / "notes", {"ok.md": OK_BLOCK})
    first = lemma(root, "check")
    assert first.exit_code == 0 and "ok.md:3  ok  proved" in first.stdout
    entries = list((tmp_path / "v" / ".lemma-cache" / "derive").rglob("*.json"))
    assert len(entries) == 2  # the block's entry and the note's
    for entry in entries:
        entry.write_bytes(content if isinstance(content, bytes) else content.encode())
    again = lemma(root, "check")
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout.splitlines()[0] == "ok.md:3  ok  proved  (1 proved)"


def test_a_copied_block_takes_its_own_id_and_expectation_from_the_cache(tmp_path: Path) -> None:
    """The block cache is keyed by the text between the fences: a copy under a new id (or a
    new expect=) found the first block's result and reported its id (a false duplicate)."""
    root = write_files(tmp_path / "v" / "notes", {"ok.md": OK_BLOCK})
    assert lemma(root, "check").exit_code == 0
    write_files(root, {"copy.md": OK_BLOCK.replace("id=ok", "id=copy"),
                       "slip.md": OK_BLOCK.replace("id=ok", "id=slip expect=invalid@1")})
    again = lemma(root, "check")
    assert again.stderr == "" and again.exit_code == 1
    lines = again.stdout.splitlines()
    assert lines[:3] == ["copy.md:3  copy  proved  (1 proved)", "ok.md:3  ok  proved  (1 proved)",
                         "slip.md:3  slip  proved (expected invalid@1: MISMATCH)  (1 proved)"]
