"""Fuzz-style: vaults full of bad files (tests/hostile.py) give one diagnostic each, never a hang
or a traceback, under every command; a note's read goes through `read_note_text`."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lemma.frontmatter import split_frontmatter
from lemma.vault import load_vault
from lemma.vault_fs import NoteFileError, read_note_text
from tests.hostile import GOOD_NOTE, SIZE_LIMIT_MB, Case, bomb, cases, make_vault, nested

AS_ROOT = os.geteuid() == 0
MAX_BYTES = int(SIZE_LIMIT_MB * 1e6)
BIN = Path(sys.executable).parent
MKDOCS_YML = f"""site_name: Hostile
docs_dir: notes
site_dir: site
plugins:
  - lemma:
      max_note_size: {SIZE_LIMIT_MB}
      check: false
"""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than `seconds`."""
    def expire(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", cases(unreadable=not AS_ROOT), ids=lambda c: c.id)
def test_each_bad_entry_gets_one_diagnostic_and_the_rest_loads(tmp_path: Path, case: Case):
    root = make_vault(tmp_path / "v", [case])
    with time_limit(10):
        vault = load_vault(root, max_bytes=MAX_BYTES)
    assert {"good.md", "other.md"} <= set(vault.notes)
    mine = [d for d in vault.diagnostics if d.severity.value in ("error", "warning")
            and (d.pos.path == case.path or d.pos.path.startswith(case.path + "/"))]
    if case.code == "none":
        assert mine == []
    else:
        assert [d.code for d in mine] == [case.code]
        assert mine[0].pos.line >= 1
        assert mine[0].hint or mine[0].code == "invalid-field"  # its message says what to write


def test_read_note_text_enforces_file_size_encoding_and_vault(tmp_path: Path):
    root = make_vault(tmp_path / "v", [c for c in cases(unreadable=False)
                                       if c.id in ("fifo-note", "outside-vault", "latin-1",
                                                   "huge-note", "bom", "symlink-chain")])
    expected = {"pipe.md": "not-a-file", "outside.md": "outside-vault", "latin.md": "unreadable",
                "huge.md": "too-large"}
    for path, code in expected.items():
        with time_limit(5), pytest.raises(NoteFileError) as caught:
            read_note_text(root, path, MAX_BYTES)
        assert caught.value.code == code, path
    assert read_note_text(root, "bom.md").startswith("---\ntitle: With BOM")
    assert read_note_text(root, "chain-a.md") == "# Chain end\n"
    assert read_note_text(root, "huge.md", MAX_BYTES * 2).startswith("---\ntitle: Huge")


def test_a_non_utf8_byte_is_reported_on_its_line(tmp_path: Path):
    (tmp_path / "a.md").write_bytes(b"# Title\n\nline two\ncaf\xe9\n")
    with pytest.raises(NoteFileError) as caught:
        read_note_text(tmp_path, "a.md")
    assert (caught.value.line, caught.value.message) == (
        4, "file is not valid UTF-8 text (byte 0xe9)")


FIELDS = ["title", "tags", "aliases", "authors", "kind", "date", "source", "venue", "status",
          "confidence", "year", "custom"]


@pytest.mark.parametrize("field", FIELDS)
def test_an_alias_bomb_in_any_field_is_rejected_quickly(field: str):
    for text in (bomb(field), bomb(field, levels=6), nested(field, 60)):
        start = time.perf_counter()
        split = split_frontmatter(text, "papers/b.md")
        assert time.perf_counter() - start < 1.0
        assert [d.code for d in split.diagnostics] in (["frontmatter-too-large"],
                                                        ["frontmatter-invalid"])
        assert split.meta == {}


def test_a_large_plain_frontmatter_is_not_a_bomb():
    tags = ", ".join(f"tag{i}" for i in range(5000))
    split = split_frontmatter(f"---\ntitle: Many tags\ntags: [{tags}]\n---\nbody\n", "a.md")
    assert split.diagnostics == () and len(split.meta["tags"]) == 5000


def random_vault(root: Path, rng: random.Random) -> None:
    """A vault mixing the hostile cases with random variants: symlink chains (some looping or
    leaving the vault), notes in random encodings, bombs in random fields."""
    chosen = rng.sample(cases(unreadable=False), 8)
    make_vault(root, [c for c in chosen if c.id not in ("deep-path",)])
    names = [f"r{i}.md" for i in range(6)]
    for name in names[:3]:
        (root / name).write_text(f"# {name}\n\nLinks [[{rng.choice(names)}]].\n",
                                 encoding="utf-8")
    for i, name in enumerate(names[3:]):  # symlink chains among the notes, maybe looping
        target = rng.choice([*names, "missing.md", "../outside.md", "sub"])
        if not os.path.lexists(root / name):
            os.symlink(target, root / name)
        (root / f"enc{i}.md").write_bytes(
            f"---\ntitle: Enc {i} café ☕\n---\nText [[Good]] naïve.\n".encode(
                rng.choice(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252", "utf-32"]),
                errors="replace"))
    (root / "rbomb.md").write_text(bomb(rng.choice(FIELDS), rng.randint(5, 9)),
                                   encoding="utf-8")


@pytest.mark.parametrize("seed", range(12))
def test_random_hostile_vaults_load_and_lint_without_a_traceback(tmp_path: Path, seed: int):
    from click.testing import CliRunner

    from lemma.cli import main

    root = tmp_path / "v"
    random_vault(root, random.Random(seed))
    with time_limit(20):
        result = CliRunner().invoke(main, ["--notes", str(root), "lint"])
        stats = CliRunner().invoke(main, ["--notes", str(root), "graph", "stats"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert stats.exit_code == 0, stats.output
    assert result.exit_code == 1 and "rbomb.md:" in result.output


def run(project: Path, *args: str, timeout: float = 60) -> tuple[int, str, float]:
    """Run a command in `project` (as user nobody when the tests run as root, so permissions
    matter); (exit code, output, seconds)."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if AS_ROOT else []
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    start = time.perf_counter()
    done = subprocess.run([*prefix, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            digest.update(str(path).encode())
            readable = path.is_file() and not path.is_symlink() and os.access(path, os.R_OK)
            if readable and not path.name.startswith("pipe"):
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def hostile_project() -> Iterator[Path]:
    """One project whose vault holds every hostile case, writable by user nobody."""
    project = Path(tempfile.mkdtemp(prefix="lemma-hostile-"))
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    make_vault(project / "notes", cases())
    for folder, _dirs, files in os.walk(project):
        if os.stat(folder).st_mode & 0o700:
            os.chmod(folder, 0o777)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink() and path.is_file() and os.stat(path).st_mode & 0o600:
                os.chmod(path, 0o666)
    yield project
    subprocess.run(["chmod", "-R", "u+rwx", str(project)], check=False)
    shutil.rmtree(project, ignore_errors=True)


COMMANDS = {
    "lint": (["lemma", "lint"], 1),
    "list": (["lemma", "list"], 0),
    "check": (["lemma", "check"], 0),
    "graph-stats": (["lemma", "graph", "stats"], 0),
    "graph-backlinks": (["lemma", "graph", "backlinks", "Good"], 0),
    "build": (["mkdocs", "build", "-q"], 0),
    "build-strict": (["mkdocs", "build", "--strict"], 1),
    "mv": (["lemma", "mv", "Good", "Good two"], 1),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_survives_the_hostile_vault(hostile_project: Path, name: str):
    args, code = COMMANDS[name]
    before = tree_digest(hostile_project / "notes")
    status, output, seconds = run(hostile_project, str(BIN / args[0]), *args[1:])
    assert "Traceback" not in output
    assert status == code, output[-3000:]
    assert seconds < 30
    if name in ("lint", "build-strict"):
        for case in cases():
            if case.code not in ("none", "symlinked-folder"):
                assert f"{case.path}:" in output, case.id
    if name == "build-strict":
        assert "odd-date: date 9999-12-31 is outside 1970-01-01..2106-02-07" in output
    if name == "build":
        site = hostile_project / "site"
        assert (site / "good/index.html").is_file() and not (site / "pipe").exists()
    if name == "mv":
        assert output.startswith("error: cannot rename safely: ")
        assert tree_digest(hostile_project / "notes") == before


def test_a_link_to_a_skipped_note_names_why_it_is_missing(tmp_path: Path):
    root = make_vault(tmp_path / "v", [c for c in cases(unreadable=False) if c.id == "latin-1"])
    (root / "linker.md").write_text("See [[latin]].\n", encoding="utf-8")
    vault = load_vault(root)
    [problem] = [d for d in vault.diagnostics if d.pos.path == "linker.md"]
    assert problem.format() == (
        "linker.md:1:5: error broken-link: [[latin]]: 'latin.md' was skipped (unreadable) "
        "(fix the unreadable error reported for latin.md)")


def test_mv_refuses_while_a_note_cannot_be_read_and_changes_nothing(tmp_path: Path):
    from click.testing import CliRunner

    from lemma.cli import main

    root = make_vault(tmp_path / "v", [c for c in cases(unreadable=False) if c.id == "fifo-note"])
    before = tree_digest(root)
    with time_limit(10):
        result = CliRunner().invoke(main, ["--notes", str(root), "mv", "Good", "Better"])
    assert result.exit_code == 1
    assert result.output == (
        "error: cannot rename safely: pipe.md could not be read (not-a-file: is a named pipe "
        "(FIFO), not a file); fix or move it first, then run 'lemma mv' again\n")
    assert tree_digest(root) == before


def test_an_unreadable_notes_folder_is_one_error_for_cli_and_build():
    project = Path(tempfile.mkdtemp(prefix="lemma-locked-"))
    try:
        (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        (project / "notes").mkdir()
        (project / "notes/a.md").write_text("# A\n", encoding="utf-8")
        os.chmod(project / "notes", 0)
        os.chmod(project, 0o777)
        status, output, _ = run(project, str(BIN / "lemma"), "lint")
        assert (status, output) == (2, f"error: notes folder '{project}/notes': folder cannot be "
                                       "read: permission denied (make it readable (chmod u+r), "
                                       "or move it out of the vault)\n")
        status, output, _ = run(project, str(BIN / "mkdocs"), "build")
        assert status == 1 and "Traceback" not in output
        assert f"ERROR   -  docs_dir '{project}/notes': folder cannot be read" in output
    finally:
        os.chmod(project / "notes", 0o755)
        shutil.rmtree(project, ignore_errors=True)


def test_serve_answers_and_reloads_on_the_hostile_vault(hostile_project: Path):
    from tests.test_pathological import fetch, free_port, wait_for

    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if AS_ROOT else []
    port = free_port()
    server = subprocess.Popen([*prefix, str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=hostile_project, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:  # the symlink loops made the watcher walk forever: no request was ever answered
        assert wait_for(f"{url}/good/", 200, 60, server) == 200
        assert fetch(f"{url}/pipe/") == 404
        time.sleep(1.1)
        (hostile_project / "notes/good.md").write_text("# Good, edited\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{url}/good/", timeout=10) as page:
                if b"Good, edited" in page.read():
                    break
            time.sleep(0.3)
        else:
            pytest.fail("the edit was not rebuilt")
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
        (hostile_project / "notes/good.md").write_text(GOOD_NOTE, encoding="utf-8")
    assert "Traceback" not in output
