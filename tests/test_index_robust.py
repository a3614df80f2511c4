"""The index under stress: two processes at once, a refresh killed midway, corrupt, old and
foreign index files, an unwritable cache folder, and the restricted unpickler."""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lemma.index import queries, store
from lemma.index.refresh import VaultIndex
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault
from tests.conftest import REPO, write_files
from tests.index_vaults import SMALL, SPOILERS, assert_same_vault, spoil_fingerprint

# -- two processes at once ------------------------------------------------------------------------

WORKER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    from lemma.index.refresh import VaultIndex
    from lemma.index import queries
    root, go, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    Path(f"{go}.ready.{os.getpid()}").touch()
    while not go.exists():
        time.sleep(0.002)
    start = time.time()
    if mode == "refresh":
        with VaultIndex(root) as index:
            vault = index.vault()
        print(json.dumps({"notes": len(vault.notes), "notice": index.notice,
                          "during": [start, time.time()]}))
    else:  # a reader: list the stored notes over and over until the writer's are there
        seen, wanted = set(), int(mode.split(":")[1])
        with VaultIndex(root) as index:
            while wanted not in seen and time.time() < start + 30:
                seen.add(len(queries.note_rows(index.db)))
                time.sleep(0.002)
        print(json.dumps({"seen": sorted(seen), "notice": index.notice,
                          "during": [start, time.time()]}))
""")


def run_together(root: Path, tmp_path: Path, modes: list[str]) -> list[dict]:
    """Start one process per mode, release them at the same instant, wait for all."""
    import json

    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(go), mode],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for mode in modes]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob(f"{go.name}.ready.*"))) < len(procs):  # all at the gate
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.005)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert err == "", err
        results.append(json.loads(out))
    return results


@pytest.mark.slow
def test_two_processes_refreshing_at_once_leave_a_sound_index(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_synthetic_vault(root, 300)
    rng = random.Random(7)
    notes = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    for round_ in ("cold", "edits", "more edits", "index of another version"):
        if "edits" in round_:  # 40 bodies, a new note, a deletion, a rename
            for path in rng.sample(notes, 40):
                with open(root / path, "a") as file:
                    file.write(f"\n{round_}: [[{rng.choice(notes)[:-3]}]] [[Gone]]\n")
            (root / f"new {round_}.md").write_text(f"# New {round_}\n[[paper-00002]]\n")
            os.remove(root / notes.pop(rng.randrange(len(notes))))
            moved = notes.pop(rng.randrange(len(notes)))
            os.rename(root / moved, root / f"moved {round_}.md")
        if round_ == "index of another version":
            spoil_fingerprint(store.index_file(root))
        results = run_together(root, tmp_path, ["refresh", "refresh"])
        starts, ends = zip(*(r["during"] for r in results), strict=True)
        assert max(starts) < min(ends)  # they did run at the same time
        fresh = load_vault(root)
        assert [r["notes"] for r in results] == [len(fresh.notes)] * 2
        notices = sorted(r["notice"] or "" for r in results)
        if round_ == "index of another version":  # one rebuilds; the other finds it rebuilt
            assert notices == ["", f"note: rebuilding the index {store.index_file(root)}: "
                               "it was built by another Lemma version or with other settings"]
        else:
            assert notices == ["", ""]
        with VaultIndex(root) as index:
            assert not index.refresh().changed  # the last writer left everything current
            assert_same_vault(index.vault(), fresh)


UNCLOSED = textwrap.dedent("""
    import sys
    from lemma.index.refresh import VaultIndex
    vault = VaultIndex(sys.argv[1]).vault()  # never closed: its writer must still finish
    print(len(vault.notes))
""")


def test_a_process_that_never_closes_its_index_exits_with_the_index_written(
        tmp_path: Path) -> None:
    """A first build writes the index in a thread; a script that drops its VaultIndex
    without closing it must neither hang at exit nor leave the index half written."""
    root = tmp_path / "vault"
    write_synthetic_vault(root, 500)  # above PARALLEL_MIN: the forked-worker path
    done = subprocess.run([sys.executable, "-c", UNCLOSED, str(root)], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert (done.returncode, done.stdout, done.stderr) == (0, "500\n", "")
    with VaultIndex(root) as index:
        assert not index.refresh().changed
        assert_same_vault(index.vault(), load_vault(root))


@pytest.mark.slow
def test_a_reader_during_a_refresh_sees_the_old_or_the_new_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_synthetic_vault(root, 300)
    with VaultIndex(root) as index:
        index.vault()
    before = len(load_vault(root).notes)
    for k in range(150):
        (root / f"added-{k}.md").write_text(f"New note {k} links [[paper-00001]].\n")
    reader, writer = run_together(root, tmp_path, [f"read:{before + 150}", "refresh"])
    assert writer["notes"] == before + 150
    assert reader["seen"] in ([before, before + 150], [before + 150])  # never a half-written one
    assert reader["notice"] is None
    with VaultIndex(root) as index:
        assert_same_vault(index.vault(), load_vault(root))


KILLED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from lemma.index.refresh import VaultIndex
    Path(sys.argv[2]).touch()
    with VaultIndex(Path(sys.argv[1]), jobs=2) as index:
        index.vault()
""")


@pytest.mark.slow
def test_a_refresh_killed_midway_leaves_a_sound_index(tmp_path: Path) -> None:
    """SIGKILL at various moments of a cold build and of a large refresh: the next process
    finds either the old index or none, and gives a vault equal to a fresh load."""
    import shutil
    import signal

    root = tmp_path / "vault"
    paths = write_synthetic_vault(root, 600)
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    codes = []
    rounds = [("cold", 0.005), ("cold", 0.03), ("cold", 0.08), ("warm", 0.0), ("warm", 0.02),
              ("warm", 0.05)]
    for round_, (state, delay) in enumerate(rounds):
        if state == "cold":
            shutil.rmtree(tmp_path / ".lemma-cache", ignore_errors=True)
        else:  # a complete index, then most notes edited
            with VaultIndex(root) as index:
                index.refresh()
            for path in paths[round_ % 2::2]:
                with open(root / path, "a") as file:
                    file.write(f"\nRound {round_} links [[concept-0000{round_}]].\n")
        started = tmp_path / f"started-{round_}"
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(root), str(started)],
                                env=env, start_new_session=True, stderr=subprocess.PIPE)
        while not started.exists() and proc.poll() is None:
            time.sleep(0.001)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the process and its parsing workers
        codes.append(proc.wait(timeout=60))
        with VaultIndex(root) as index:
            got = index.vault()
            assert index.notice is None, index.notice
            assert not index.refresh().changed
            assert len(queries.note_rows(index.db)) == len(got.notes)
        assert_same_vault(got, load_vault(root), graph=False)  # the graph: tested above
    assert codes.count(-signal.SIGKILL) >= 3, codes  # most were killed before they finished



@pytest.mark.parametrize(("spoiler", "reason"), SPOILERS.values(), ids=SPOILERS.keys())
def test_a_bad_index_is_rebuilt_with_a_one_line_notice(tmp_path: Path, spoiler: Callable,
                                                       reason: str) -> None:
    root = write_files(tmp_path / "vault", SMALL)
    with VaultIndex(root) as index:
        index.vault()
        file = index.file
    spoiler(file)
    with VaultIndex(root) as index:
        got = index.vault()
        notice = index.notice
    assert notice is not None and "\n" not in notice
    assert notice.startswith(f"note: rebuilding the index {file}: {reason}"), notice
    assert_same_vault(got, load_vault(root))
    with VaultIndex(root) as index:  # and the rebuilt index is good: no notice the next time
        assert_same_vault(index.vault(), load_vault(root))
        assert index.notice is None


def test_an_unwritable_cache_folder_still_gives_the_vault(tmp_path: Path) -> None:
    """A `.lemma-cache` that cannot be a folder (a plain file there: fails even for root)."""
    root = write_files(tmp_path / "vault", SMALL)
    (tmp_path / ".lemma-cache").write_text("a file, not a folder")
    with VaultIndex(root) as index:
        got = index.vault()
        notice = index.notice
    assert notice is not None and "\n" not in notice
    assert notice.startswith("note: the index "), notice
    assert notice.endswith("cannot be written ([Errno 17] File exists: "
                           f"'{tmp_path / '.lemma-cache'}'); working without it"), notice
    assert_same_vault(got, load_vault(root))


READ_ONLY_PARENT = textwrap.dedent("""
    import sys
    from lemma.index.refresh import VaultIndex
    with VaultIndex(sys.argv[1]) as index:
        vault = index.vault()
    print(len(vault.notes))
    print(index.notice)
""")


def test_a_read_only_parent_folder_still_gives_the_vault() -> None:
    """The folder holding the notes is read-only: no `.lemma-cache/` can be made beside them.
    Run as user nobody when the tests run as root (root ignores permissions)."""
    base = Path(tempfile.mkdtemp(prefix="lemma-ro-"))
    try:
        base.chmod(0o755)
        parent = base / "ro"
        root = write_files(parent / "vault", SMALL)
        for folder, _dirs, files in os.walk(parent):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(Path(folder, name), 0o644)
        parent.chmod(0o555)
        prefix = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                  if os.geteuid() == 0 else [])
        done = subprocess.run([*prefix, sys.executable, "-c", READ_ONLY_PARENT, str(root)],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
        assert done.returncode == 0, done.stderr
        count, notice = done.stdout.splitlines()
        assert int(count) == len(load_vault(root).notes)
        assert notice.startswith(f"note: the index {parent / '.lemma-cache'}"), notice
        assert notice.endswith("Permission denied: "
                               f"'{parent / '.lemma-cache'}'); working without it"), notice
        assert not (parent / ".lemma-cache").exists()
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)


def test_an_index_file_path_that_cannot_exist_works_in_memory(tmp_path: Path) -> None:
    root = write_files(tmp_path / "vault", SMALL)
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    with VaultIndex(root, file=blocker / "index.sqlite") as index:
        got = index.vault()
        assert index.notice is not None and "cannot be written" in index.notice
        assert queries.find_note(index.db, "beta") == "b.md"
    assert_same_vault(got, load_vault(root))


# -- the restricted unpickler ---------------------------------------------------------------------


def global_pickle(module: str, name: str, *args: str) -> bytes:
    """A protocol-0 pickle that looks up module.name and calls it with string args."""
    call = "(" + "".join(f"V{a}\n" for a in args) + "tR" if args else ""
    return f"c{module}\n{name}\n{call}.".encode()


@pytest.mark.parametrize(("module", "name"), [
    ("os", "system"), ("posix", "system"), ("builtins", "eval"), ("builtins", "open"),
    ("subprocess", "Popen"), ("lemma.vault", "load_vault"), ("lemma.model", "LemmaError"),
    ("lemma.model", "pickled_by_fields"), ("datetime", "sys"), ("pathlib", "Path"),
    ("builtins", "getattr"), ("copyreg", "_reconstructor"),
], ids=lambda v: v)
def test_the_unpickler_refuses_anything_but_model_and_datetime(
        tmp_path: Path, module: str, name: str) -> None:
    marker = tmp_path / "ran"
    blob = global_pickle(module, name, f"touch {marker}")
    with pytest.raises(store.IndexCorrupt, match=f"unexpected object {module}.{name}"):
        store.load(blob)
    assert not marker.exists()


def test_the_unpickler_refuses_a_callable_that_would_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with pytest.raises(store.IndexCorrupt):
        store.load(pickle.dumps(Evil()))
    with pytest.raises(store.IndexCorrupt):
        store.load(pickle.dumps(os.getcwd))
    assert not marker.exists()


def _note_from_fields_call(*args: object) -> bytes:
    """A record calling `note_from_fields` with these arguments, as a tampered one could."""
    from lemma.model import note_from_fields

    class Call:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (note_from_fields, args)

    return pickle.dumps(Call())


@pytest.mark.parametrize("blob", [
    b"", b"\x80\x05garbage", pickle.dumps(list(range(5)))[:-3], _note_from_fields_call(1, 2),
    _note_from_fields_call("a.md", "note", "T", {}, "", 1, (), (), ((1,),), frozenset(), ()),
    _note_from_fields_call("a.md", "note", "T", {}, "", 1, (), (), (), frozenset(), 5)],
    ids=["empty", "garbled", "truncated", "too-few-fields", "short-heading", "links-not-a-list"])
def test_an_unreadable_record_is_index_corrupt(blob: bytes) -> None:
    with pytest.raises(store.IndexCorrupt, match=r"unreadable note record \(\w+\)"):
        store.load(blob)


def test_the_unpickler_admits_notes_diagnostics_and_dates(tmp_path: Path) -> None:
    root = write_files(tmp_path / "vault", {
        "papers/p.md": "---\ntitle: P\ndate: 2024-01-02\nwhen: 2024-01-02T10:00:00+02:00\n"
                       "authors: [A]\nyear: 2020\nsource: https://e.org\n---\n"
                       "## Head\n[[q#^blk]] ![[img.png]] [[q#Nope]]\n",
        "q.md": "---\naliases: [Q]\ntitle: [bad\n---\nBody ^blk\n",
        "c.md": "# Cited\nAs [see @kw20, p. 3; -@b19] and @c21 say, [q](q.md#Body) and "
                "![[p#Head|shown]].\n## Über ^x\n",
    })
    vault = load_vault(root)
    assert any(link.cite for link in vault.notes["c.md"].links)
    assert any(link.markdown for link in vault.notes["c.md"].links)
    for note in vault:
        back = store.load(store.dump(note))
        assert back == note
        assert [(type(k), type(k.pos), type(k.cite)) for k in back.links] == [
            (type(k), type(k.pos), type(k.cite)) for k in note.links]
        assert store.dump(back) == store.dump(note)  # the same bytes again
    problems = [d for path in vault.notes for d in vault.problems_of(path)]
    assert problems, "the fixture should have frontmatter problems"
    assert store.load(store.dump(problems)) == problems
    assert store.load(store.dump(vault.diagnostics)) == vault.diagnostics


