"""`lemma mv`/`new` never lose an edit nor leave a half-renamed vault (issue 18).

Concurrent editor saves at every stage of an apply, SIGKILL at every k-th file operation with a
recovery check, Ctrl-C and SIGTERM, ten parallel `lemma new`, file modes and read-only notes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.authoring import apply as authoring_apply
from lemma.authoring import lock as authoring_lock
from lemma.authoring.apply import recover_interrupted
from lemma.authoring.lock import CacheFiles
from lemma.cli import main
from tests.conftest import write_files

HUB = "---\ntitle: Hub\n---\nThe hub note.\n"
RENAMED = "'Hub' to 'Center'"
CHANGED = "was edited while the change was being applied; nothing was changed; the edit is " \
          "kept (run the command again)"


def hub_vault(root: Path, notes: int = 200, linking: int = 150) -> Path:
    """`notes` notes, the first `linking` of which link to the hub in different forms."""
    files = {"concepts/hub.md": HUB}
    forms = ("[[Hub]]", "[[hub|the hub]]", "[[concepts/hub]]", "![[Hub]]", "[[Hub#x]]")
    for i in range(notes):
        link = f"See {forms[i % len(forms)]}." if i < linking else "No link."
        folder = ("a", "b", "c")[i % 3]
        text = f"---\ntitle: Note {i}\n---\n{link} And [[Note {(i + 1) % notes}]].\n"
        files[f"{folder}/n{i:03}.md"] = text
    files["concepts/hub.md"] = HUB + "\n## x\nSection.\n"
    return write_files(root, files)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, hidden ones included (a stale temp file shows up here)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


def cache_left(root: Path) -> list[str]:
    """What an apply left in `.lemma-cache/` besides the lock file and the vault's index."""
    files = CacheFiles.of(root)
    return sorted(p.name for p in files.folder.glob("*")
                  if p != files.lock and ".index.sqlite" not in p.name)  # the index stays


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    """The 200-note vault before and after `lemma mv Hub Center` (run once, uninterrupted)."""
    root = hub_vault(tmp_path_factory.mktemp("pristine") / "vault")
    before = snapshot(root)
    result = run(root, "mv", "Hub", "Center")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("renamed 'Hub' to 'Center': 150 links rewritten in 151 "
                                  "files\n")
    after = snapshot(root)
    assert cache_left(root) == []
    return before, after


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return hub_vault(tmp_path / "vault", notes=20, linking=12)


def save_in_place(path: Path, text: str) -> None:
    """How some editors save: truncate the file and write it."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def save_atomically(path: Path, text: str) -> None:
    """How most editors save: write a temp file, rename it over the note."""
    temp = path.with_name(path.name + ".swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


VICTIM = "a/n003.md"  # links to the hub, so mv rewrites it


def edit_before_its_turn(monkeypatch, root: Path, save: Callable) -> None:
    real = authoring_apply._commit

    def commit(root_: Path, journal, entry) -> None:
        if entry.path == VICTIM:
            save(root / VICTIM, "EDIT\n")
        real(root_, journal, entry)

    monkeypatch.setattr(authoring_apply, "_commit", commit)


def edit_after_its_check(monkeypatch, root: Path, save: Callable) -> None:
    real = authoring_apply.keep_original

    def keep(path: Path, backup: Path, moves: bool) -> None:
        real(path, backup, moves)
        if path == root / VICTIM:
            save(path, "EDIT\n")  # between the hash check and the rename

    monkeypatch.setattr(authoring_apply, "keep_original", keep)


def edit_after_its_rename(monkeypatch, root: Path, save: Callable) -> None:
    real = authoring_apply._commit
    seen = []

    def commit(root_: Path, journal, entry) -> None:
        seen.append(entry.path)
        if len(seen) == 12:  # VICTIM was committed earlier
            assert VICTIM in seen[:-1]
            save(root / VICTIM, "EDIT\n")
        real(root_, journal, entry)

    monkeypatch.setattr(authoring_apply, "_commit", commit)


def edit_at_the_last_check(monkeypatch, root: Path, save: Callable) -> None:
    real = authoring_apply._check_after

    def check(root_: Path, journal) -> None:
        save(root / VICTIM, "EDIT\n")
        real(root_, journal)

    monkeypatch.setattr(authoring_apply, "_check_after", check)


@pytest.mark.parametrize("save", [save_in_place, save_atomically])
@pytest.mark.parametrize("when", [edit_before_its_turn, edit_after_its_check,
                                  edit_after_its_rename, edit_at_the_last_check])
def test_an_edit_saved_during_the_apply_is_kept_and_nothing_else_changes(
        vault: Path, monkeypatch, when: Callable, save: Callable) -> None:
    before = snapshot(vault)
    when(monkeypatch, vault, save)
    result = run(vault, "mv", "Hub", "Center")
    assert (result.exit_code, result.stderr) == (1, f"error: {VICTIM} {CHANGED}\n")
    assert snapshot(vault) == {**before, VICTIM: b"EDIT\n"}
    assert cache_left(vault) == []


def test_an_edit_to_the_moved_note_is_kept(vault: Path, monkeypatch) -> None:
    before = snapshot(vault)
    real = authoring_apply.keep_original

    def keep(path: Path, backup: Path, moves: bool) -> None:
        if moves:
            save_atomically(path, "MOVED EDIT\n")
        real(path, backup, moves)

    monkeypatch.setattr(authoring_apply, "keep_original", keep)
    result = run(vault, "mv", "Hub", "Center")
    assert (result.exit_code, result.stderr) == (1, f"error: concepts/hub.md {CHANGED}\n")
    assert snapshot(vault) == {**before, "concepts/hub.md": b"MOVED EDIT\n"}


@pytest.mark.parametrize("save", [save_in_place, save_atomically])
def test_an_editor_saving_all_through_the_apply_never_loses_an_edit(
        tmp_path: Path, monkeypatch, save: Callable) -> None:
    root = hub_vault(tmp_path / "vault")
    before = snapshot(root)
    victim = root / "c/n146.md"  # rewritten near the end of the apply
    original = victim.read_text(encoding="utf-8")
    started, done = threading.Event(), threading.Event()
    last: list[str] = []
    threads: list[threading.Thread] = []

    def editor() -> None:
        while not done.is_set():
            text = f"{original}edit {len(last) + 1}\n"
            save(victim, text)
            last.append(text)
            started.set()

    real = authoring_apply._write_journal

    def write_journal(files, journal) -> None:  # the apply starts: so does the editor
        threads.append(threading.Thread(target=editor))
        threads[0].start()
        started.wait(10)
        real(files, journal)

    monkeypatch.setattr(authoring_apply, "_write_journal", write_journal)
    try:
        result = run(root, "mv", "Hub", "Center")
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert victim.read_text(encoding="utf-8") == last[-1]
    assert (result.exit_code, result.stderr) == (1, f"error: c/n146.md {CHANGED}\n")
    assert snapshot(root) == {**before, "c/n146.md": last[-1].encode()}
    assert cache_left(root) == []


# -- SIGKILL at every k-th file operation, then recovery by the next command ------------------

MUTATING = ("open", "link", "rename", "replace", "unlink", "rmdir", "mkdir", "fsync")


def instrument(root: Path, before: Callable[[int], None]) -> Callable[[], None]:
    """Call `before(n)` ahead of the n-th file operation in `root`'s folder (the vault and its
    `.lemma-cache/`): creating opens, links, renames, swaps, unlinks, fsyncs (skipped, to save
    time). Returns an undo."""
    scope = str(root.parent)
    saved = {name: getattr(os, name) for name in MUTATING}
    saved_exchange = authoring_apply.exchange
    count = 0

    def wrap(name: str, real: Callable) -> Callable:
        def operation(*args, **kwargs):
            nonlocal count
            first = args[0] if args else ""
            creates = name != "open" or (len(args) > 1 and args[1] & os.O_CREAT)
            if creates and (isinstance(first, int) or scope in os.fsdecode(first)):
                count += 1
                before(count)
                if name == "fsync":
                    return None  # durability against power loss is not what is tested here
            return real(*args, **kwargs)
        return operation

    for name, real in saved.items():
        setattr(os, name, wrap(name, real))
    authoring_apply.exchange = wrap("exchange", saved_exchange)  # type: ignore[assignment]

    def undo() -> None:
        for name, real in saved.items():
            setattr(os, name, real)
        authoring_apply.exchange = saved_exchange  # type: ignore[assignment]
    return undo


def killed_at(root: Path, operation: int, *args: str) -> int:
    """Run `lemma ARGS` in a forked child SIGKILLed before file operation `operation`; return
    minus the signal that ended it, or its exit code."""
    pid = os.fork()
    if pid == 0:  # the child never returns to pytest
        try:
            instrument(root, lambda n: n == operation and os.kill(os.getpid(), signal.SIGKILL))
            result = run(root, *args)
            os._exit(10 + result.exit_code)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def operations_of(root: Path, *args: str) -> int:
    """How many file operations an uninterrupted `lemma ARGS` makes."""
    seen: list[int] = [0]
    undo = instrument(root, seen.append)
    try:
        assert run(root, *args).exit_code == 0
    finally:
        undo()
    return seen[-1]


def milestones(root: Path, *args: str) -> tuple[int, int]:
    """The file operations of an uninterrupted `lemma ARGS` before which the rename's journal,
    then its done-marker, first exist (found, not counted by hand: a first index build's own
    operations come before them)."""
    files = CacheFiles.of(root)
    found: dict[str, int] = {}

    def look(n: int) -> None:
        if "journal" not in found and files.journal.exists():
            found["journal"] = n
        if "done" not in found and any(files.folder.glob("*.done-*")):
            found["done"] = n

    undo = instrument(root, look)
    try:
        assert run(root, *args).exit_code == 0
    finally:
        undo()
    assert found.keys() == {"journal", "done"} and found["journal"] < found["done"], found
    return found["journal"], found["done"]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_every_kth_operation_is_rolled_back_or_completed(
        tmp_path: Path, pristine: tuple[dict, dict]) -> None:
    before, after = pristine
    total = operations_of(hub_vault(tmp_path / "count" / "vault"), "mv", "Hub", "Center")
    assert total > 600  # journal, 151 temp files, 151 swaps, cleanup
    wanted = int(os.environ.get("LEMMA_KILL_POINTS", "30"))  # CI budget; raise it to sweep all
    step = max(1, total // wanted)
    points = sorted({*range(1, total + 1, step), total})  # the last operation (a cleanup) too
    outcomes = {"old": 0, "new": 0, "torn before recovery": 0}
    for point in points:
        root = hub_vault(tmp_path / f"k{point}" / "vault")
        status = killed_at(root, point, "mv", "Hub", "Center")
        assert status == -signal.SIGKILL, f"kill point {point}: child ended with {status}"
        files = CacheFiles.of(root)
        journal, done = files.journal.exists(), any(files.folder.glob("*.done-*"))
        outcomes["torn before recovery"] += snapshot(root) not in (before, after)
        result = run(root, "list")  # any command recovers
        assert result.exit_code == 0, result.output
        state = snapshot(root)
        assert state in (before, after), f"kill point {point}: vault is neither old nor new"
        outcomes["old" if state == before else "new"] += 1
        assert result.stderr == (
            "" if not journal else
            f"note: an interrupted rename of {RENAMED} was completed\n" if done else
            f"note: an interrupted rename of {RENAMED} was rolled back; the notes are as "
            "before\n"), f"kill point {point}"
        assert cache_left(root) == [], f"kill point {point}: {cache_left(root)}"
        shutil.rmtree(root.parent)
    print(f"\n{len(points)} kill points over {total} file operations: {outcomes}")
    assert outcomes["old"] and outcomes["new"]  # both ways out were exercised …
    assert outcomes["torn before recovery"] > len(points) // 2  # … from mostly torn vaults


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("completes", [False, True], ids=["rollback", "completion"])
def test_a_recovery_killed_at_any_point_is_finished_by_the_next_command(
        tmp_path: Path, completes: bool) -> None:
    journal_at, done_at = milestones(hub_vault(tmp_path / "milestones" / "vault", notes=20,
                                               linking=12), "mv", "Hub", "Center")
    # the first operation after the done-marker, or one half-way from the journal to it
    kill_at = done_at if completes else (journal_at + done_at) // 2

    def interrupted(name: str) -> Path:
        root = hub_vault(tmp_path / name / "vault", notes=20, linking=12)
        assert killed_at(root, kill_at, "mv", "Hub", "Center") == -9
        return root

    expected = snapshot(hub_vault(tmp_path / "expected" / "vault", notes=20, linking=12))
    if completes:
        run(tmp_path / "expected" / "vault", "mv", "Hub", "Center")
        expected = snapshot(tmp_path / "expected" / "vault")
    steps = operations_of(interrupted("count"), "list")
    assert steps > 3
    print(f"\nrecovery ({'completion' if completes else 'rollback'}) killed at each of its "
          f"{steps} file operations")
    for point in range(1, steps + 1):
        root = interrupted(f"k{point}")
        assert killed_at(root, point, "list") == -signal.SIGKILL
        journal_left = CacheFiles.of(root).journal.exists()
        result = run(root, "list")
        assert result.exit_code == 0
        assert result.stderr.startswith("note: an interrupted rename") == journal_left
        assert snapshot(root) == expected, f"recovery killed before operation {point}"
        assert cache_left(root) == []


def test_a_kill_midway_is_rolled_back_by_the_next_command(tmp_path: Path) -> None:
    root = hub_vault(tmp_path / "vault", notes=20, linking=12)
    before = snapshot(root)
    code = ("import os, signal, sys\nfrom lemma.authoring import apply as authoring_apply\n"
            "from lemma.cli import main\n"
            "real = authoring_apply._commit\ncount = []\n"
            "def commit(*args):\n    count.append(1)\n"
            "    if len(count) == 6:\n        os.kill(os.getpid(), signal.SIGKILL)\n"
            "    real(*args)\n"
            "authoring_apply._commit = commit\nmain(sys.argv[1:])\n")
    killed = subprocess.run([sys.executable, "-c", code, "--notes", str(root), "mv", "Hub",
                             "Center"], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(root) != before  # half renamed: five files rewritten, temp files around
    assert any(p.name.startswith(".") for p in root.rglob("*"))
    result = run(root, "lint")
    assert result.stderr.splitlines()[0] == (
        f"note: an interrupted rename of {RENAMED} was rolled back; the notes are as before")
    assert snapshot(root) == before
    assert cache_left(root) == []
    assert run(root, "lint").stderr == ""  # said once


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_and_sigterm_roll_back_at_once(tmp_path: Path, sig: signal.Signals) -> None:
    root = hub_vault(tmp_path / "vault", notes=20, linking=12)
    before = snapshot(root)
    code = ("import os, sys\nfrom lemma.authoring import apply as authoring_apply\n"
            "from lemma.cli import main\n"
            "real = authoring_apply._commit\ncount = []\n"
            "def commit(*args):\n    count.append(1)\n"
            f"    if len(count) == 6:\n        os.kill(os.getpid(), {int(sig)})\n"
            "    real(*args)\n"
            "authoring_apply._commit = commit\nmain(sys.argv[1:])\n")
    done = subprocess.run([sys.executable, "-c", code, "--notes", str(root), "mv", "Hub",
                           "Center"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        130, "error: interrupted; nothing was changed")
    assert snapshot(root) == before
    assert cache_left(root) == []


def test_no_recovery_while_a_running_command_holds_the_lock(vault: Path, monkeypatch) -> None:
    import fcntl

    files = CacheFiles.of(vault)
    files.folder.mkdir(exist_ok=True)
    files.journal.write_text("{}", encoding="utf-8")  # as a running apply would have it
    fd = os.open(files.lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert recover_interrupted(vault) is None
        assert files.journal.exists()
        monkeypatch.setattr(authoring_lock, "LOCK_TIMEOUT", 0.2)
        result = run(vault, "new", "concept", "Blocked")
        assert (result.exit_code, result.stderr) == (1, (
            f"error: another lemma command is changing the notes (it holds {files.lock}); "
            "try again once it is done\n"))
    finally:
        os.close(fd)
    files.journal.unlink()


def test_an_unreadable_journal_is_reported_not_guessed(vault: Path) -> None:
    files = CacheFiles.of(vault)
    files.folder.mkdir(exist_ok=True)
    files.journal.write_text("{not json", encoding="utf-8")
    message = (f"cannot read {files.journal} (Expecting property name enclosed in double "
               "quotes: line 1 column 2 (char 1)): it records an interrupted change to the "
               "notes; check them, then delete it")
    listed = run(vault, "list")
    assert (listed.exit_code, listed.stderr) == (0, f"warning: {message}\n")
    moved = run(vault, "mv", "Hub", "Center")
    assert (moved.exit_code, moved.stderr) == (1, f"warning: {message}\nerror: {message}\n")
    assert (vault / "concepts/hub.md").exists()


# -- concurrent `lemma new` ------------------------------------------------------------------

def parallel_new(root: Path, titles: list[str]) -> list[subprocess.CompletedProcess]:
    command = [sys.executable, "-c", "import sys; from lemma.cli import main; main()",
               "--notes", str(root), "new", "take"]
    processes = [subprocess.Popen([*command, title], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for title in titles]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.slow
def test_ten_parallel_new_with_one_title_make_exactly_one_note(vault: Path) -> None:
    results = parallel_new(vault, ["Same claim"] * 10)
    codes = sorted(r.returncode for r in results)
    assert codes == [0] + [1] * 9, [r.stderr for r in results]
    assert [p.name for p in (vault / "takes").iterdir()] == ["same-claim.md"]
    refused = {r.stderr for r in results if r.returncode == 1}
    assert refused == {"error: a note titled 'Same claim' already exists: "
                       "takes/same-claim.md\n"}
    assert cache_left(vault) == []


@pytest.mark.slow
def test_ten_parallel_new_with_different_titles_all_succeed(vault: Path) -> None:
    results = parallel_new(vault, [f"Claim {i}" for i in range(10)])
    assert [r.returncode for r in results] == [0] * 10, [r.stderr for r in results]
    assert sorted(p.name for p in (vault / "takes").iterdir()) == \
        sorted(f"claim-{i}.md" for i in range(10))


# -- file modes, read-only notes, targets outside the vault ----------------------------------

def test_mv_keeps_each_file_mode_and_new_uses_the_umask(vault: Path) -> None:
    os.chmod(vault / "a/n000.md", 0o640)
    os.chmod(vault / "concepts/hub.md", 0o604)
    assert run(vault, "mv", "Hub", "Center").exit_code == 0
    assert oct(os.stat(vault / "a/n000.md").st_mode & 0o777) == oct(0o640)
    assert oct(os.stat(vault / "concepts/center.md").st_mode & 0o777) == oct(0o604)
    assert oct(os.stat(vault / "b/n001.md").st_mode & 0o777) == oct(0o644)
    previous = os.umask(0o027)
    try:
        assert run(vault, "new", "concept", "Private").exit_code == 0
    finally:
        os.umask(previous)
    assert oct(os.stat(vault / "concepts/private.md").st_mode & 0o777) == oct(0o640)


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["mv", "dry-run"])
def test_mv_refuses_a_read_only_note(vault: Path, dry_run: list[str]) -> None:
    os.chmod(vault / "b/n001.md", 0o444)
    before = snapshot(vault)
    result = run(vault, "mv", "Hub", "Center", *dry_run)
    assert result.stdout == ""  # refused before the plan is printed
    assert (result.exit_code, result.stderr) == (1, (
        "error: b/n001.md is read-only; nothing was changed (make it writable, e.g. "
        "chmod u+w 'b/n001.md', and run the command again)\n"))
    assert snapshot(vault) == before


@pytest.mark.parametrize(("target", "message"), [
    ("/templates/hub.md", "cannot move concepts/hub.md to templates/hub.md: templates/ holds "
     "note templates, not notes of the vault"),
    ("/Templates/sub/hub.md", "cannot move concepts/hub.md to Templates/sub/hub.md: "
     "Templates/ holds note templates, not notes of the vault"),
    (".hub.md", "cannot move concepts/hub.md to concepts/.hub.md: a name starting with '.' "
     "is hidden, and hidden files are not part of the vault"),
    ("/.hidden/hub.md", "cannot move concepts/hub.md to .hidden/hub.md: a name starting with "
     "'.' is hidden, and hidden files are not part of the vault"),
    ("a/.b/hub.md", "cannot move concepts/hub.md to a/.b/hub.md: a name starting with '.' is "
     "hidden, and hidden files are not part of the vault"),
])
def test_mv_refuses_targets_outside_the_published_vault(vault: Path, target: str,
                                                        message: str) -> None:
    before = snapshot(vault)
    result = run(vault, "mv", "Hub", target)
    assert (result.exit_code, result.stderr) == (2, f"error: {message}\n")
    assert snapshot(vault) == before


def test_an_upper_case_md_suffix_still_makes_a_note(vault: Path) -> None:
    result = run(vault, "mv", "Hub", "Center.MD")
    assert result.exit_code == 0, result.output
    assert (vault / "concepts/Center.md").is_file()
    assert run(vault, "lint").exit_code == 0


@pytest.mark.parametrize("fail_midway", [False, True], ids=["works", "rolls-back"])
def test_mv_without_hard_links_or_atomic_swap(vault: Path, monkeypatch,
                                              fail_midway: bool) -> None:
    def no_links(src, dst) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(authoring_apply, "exchange", lambda first, second: False)
    if fail_midway:
        edit_after_its_rename(monkeypatch, vault, save_in_place)
    before = snapshot(vault)
    result = run(vault, "mv", "Hub", "Center")
    if fail_midway:
        assert (result.exit_code, result.stderr) == (1, f"error: {VICTIM} {CHANGED}\n")
        assert snapshot(vault) == {**before, VICTIM: b"EDIT\n"}
    else:
        assert result.exit_code == 0, result.output
        assert not (vault / "concepts/hub.md").exists()
        assert "[[Center]]" in (vault / "a/n000.md").read_text(encoding="utf-8")
        assert [p for p in vault.rglob(".*")] == []
    assert cache_left(vault) == []


def test_apply_refuses_a_note_made_read_only_after_the_plan(vault: Path) -> None:
    from lemma.authoring.rename import apply_rename, plan_rename
    from lemma.model import LemmaError
    from lemma.vault import load_vault

    plan = plan_rename(load_vault(vault), "Hub", "Center")
    os.chmod(vault / "b/n001.md", 0o400)
    before = snapshot(vault)
    with pytest.raises(LemmaError, match=r"^b/n001\.md is read-only; nothing was changed"):
        apply_rename(vault, plan)
    assert snapshot(vault) == before
    assert cache_left(vault) == []
