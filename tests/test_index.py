"""The persistent index (`lemma.index`) against the reference, a fresh `load_vault`.

A seeded random sequence of edits (create, edit, rename, delete, names, headings, block ids,
attachments, unreadable files, bad frontmatter, symlinks, a rewrite within the same mtime) is
applied to a small vault; after each step the index-backed vault, graph, diagnostics, tables and
the SQL-only queries must equal what a fresh load (and a cold index) gives. Then: parsing in
workers, incrementality, settings and the index's location.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lemma.config import configured_slugify
from lemma.index import queries, store
from lemma.index.refresh import VaultIndex
from lemma.synth import write_synthetic_vault
from lemma.vault import load_vault
from tests.conftest import REPO, write_files
from tests.index_vaults import (
    HAND_MADE,
    PNG,
    SETTINGS,
    SMALL,
    Editor,
    assert_queries_agree,
    assert_same_vault,
    index_tables,
    make_random_vault,
    vault_rows,
)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_random_edits_keep_the_index_equal_to_a_fresh_load(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "vault"
    make_random_vault(root)
    rng = random.Random(seed)
    editor = Editor(root, rng)
    settings = SETTINGS.get(seed, {})
    kept = VaultIndex(root, **settings)  # one long-lived instance, like an editor session
    history = []
    try:
        for step in range(25):
            history.append(editor.step())
            fresh = load_vault(root, **settings)
            reuse = rng.random() < 0.4
            index = kept if reuse else VaultIndex(root, **settings)  # else a new "process"
            try:
                got = index.vault()
                assert index.notice is None, index.notice
                context = f"seed {seed} step {step}: " + " / ".join(history[-3:])
                try:
                    assert_same_vault(got, fresh)
                    assert_queries_agree(index.db, fresh, rng)
                    with VaultIndex(root, file=tmp_path / f"cold-{step}.sqlite",
                                    **settings) as cold:
                        cold.refresh()
                        assert index_tables(index.db) == index_tables(cold.db)
                except AssertionError as error:
                    raise AssertionError(f"{context}\n{error}") from None
            finally:
                if not reuse:
                    index.close()
    finally:
        kept.close()


def test_a_same_mtime_rewrite_right_after_indexing_is_seen(tmp_path: Path) -> None:
    """The racy case: the file changes in the clock tick it was indexed in, same size, and
    its mtime is put back; the next refresh must still parse it."""
    root = write_files(tmp_path / "vault", {"a.md": "Link to [[bbb]].\n", "bbb.md": "B\n",
                                            "ccc.md": "C\n"})
    with VaultIndex(root) as index:
        index.vault()
    file = root / "a.md"
    info = file.stat()
    file.write_text("Link to [[ccc]].\n")
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))
    with VaultIndex(root) as index:
        report = index.refresh()
        assert report.parsed == ["a.md"]
        got = index.vault()
    assert [r.target for r in got.resolved["a.md"]] == ["ccc.md"]
    assert_same_vault(got, load_vault(root))


IN_WORKERS = textwrap.dedent("""
    import multiprocessing, sys
    from pathlib import Path
    from lemma.index.refresh import VaultIndex
    pools = []
    real = multiprocessing.get_context
    multiprocessing.get_context = lambda method=None: pools.append(method) or real(method)
    with VaultIndex(Path(sys.argv[1]), jobs=2) as index:
        report = index.refresh()
    print(len(report.parsed), report.removed, pools)
""")


@pytest.mark.slow
def test_parsing_in_worker_processes_gives_the_same_vault(tmp_path: Path) -> None:
    """Enough changed notes (PARALLEL_MIN) to parse in forked workers, cold then warm. The
    refresh runs in a fresh process: a test process may hold threads (then Lemma rightly
    parses without forking)."""
    from lemma.index.parse import PARALLEL_MIN

    def refresh_in_workers() -> str:
        done = subprocess.run([sys.executable, "-c", IN_WORKERS, str(root)], text=True,
                              capture_output=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
        assert done.returncode == 0, done.stderr
        return done.stdout

    def assert_sound() -> None:
        with VaultIndex(root) as index, VaultIndex(root, file=tmp_path / f"serial-{n}.sqlite",
                                                   jobs=1) as serial:
            assert not index.refresh().changed
            assert_same_vault(index.vault(), load_vault(root))
            serial.refresh()
            assert index_tables(index.db) == index_tables(serial.db)

    root = tmp_path / "vault"
    paths = write_synthetic_vault(root, PARALLEL_MIN + 40)
    write_files(root, {**HAND_MADE, "bad.md": b"\xff\xfe not UTF-8", "papers/x.md":
                       "---\ntitle: [unclosed\n---\n[[Hub]]\n"})
    n = len(paths) + 2 + sum(p.endswith(".md") for p in HAND_MADE)
    assert refresh_in_workers() == f"{n} [] ['fork']\n"
    assert_sound()
    for path in paths[:PARALLEL_MIN + 10]:
        with open(root / path, "a") as file:
            file.write("\nNow also [[Hub#Overview]] and [[Gradient notes#^grad-1]].\n")
    os.remove(root / "hub.md")
    assert refresh_in_workers() == f"{PARALLEL_MIN + 10} ['hub.md'] ['fork']\n"
    n += 1
    assert_sound()


@pytest.mark.parametrize("when", ["before-reading", "after-reading"])
def test_a_file_changed_while_it_is_parsed_is_parsed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """An editor saving during a refresh, after the file's stat and before or after its bytes
    are read: the stored stat must not hide the newer content."""
    from lemma import vault_fs

    root = write_files(tmp_path / "vault", SMALL)
    real = vault_fs._read_bytes
    file = root / "a.md"

    def save_meanwhile(full: str, max_bytes: int) -> bytes:
        if full.endswith("a.md") and when == "before-reading":
            info = file.stat()
            file.write_text(file.read_text().replace("Beta", "Gamm"))  # same size
            os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))
        found = real(full, max_bytes)
        if full.endswith("a.md") and when == "after-reading":
            info = file.stat()
            file.write_text(file.read_text().replace("Beta", "Gamm"))
            os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))
        return found

    monkeypatch.setattr(vault_fs, "_read_bytes", save_meanwhile)
    with VaultIndex(root) as index:
        index.vault()
    monkeypatch.setattr(vault_fs, "_read_bytes", real)
    assert "[[Gamm]]" in file.read_text()
    with VaultIndex(root) as index:
        got = index.vault()
    assert_same_vault(got, load_vault(root))
    assert got.resolved["a.md"][0].status == "broken"



# -- incrementality -------------------------------------------------------------------------------

INCREMENTAL = {
    "a.md": "---\ntitle: Alpha\n---\nSee [[Beta]] and [[gamma]].\n",
    "b.md": "---\ntitle: Beta\naliases: [Bee]\n---\n## Part\nSee [[Alpha]].\n",
    "gamma.md": "Links [[Bee]] and [[New name]].\n",
    "d.md": "Only [[a]] by path.\n",
    "e.md": "No links at all.\n",
    "f.md": "Heading link [[b#Part]].\n",
}


@pytest.fixture
def warm(tmp_path: Path) -> tuple[Path, VaultIndex]:
    root = write_files(tmp_path / "vault", INCREMENTAL)
    index = VaultIndex(root)
    first = index.refresh()
    assert first.rebuilt is False and sorted(first.parsed) == sorted(INCREMENTAL)
    yield root, index
    index.close()


def test_an_unchanged_vault_refreshes_nothing(warm: tuple[Path, VaultIndex]) -> None:
    root, index = warm
    time.sleep(0.06)  # past the racy window, so nothing needs hashing either
    for _ in range(2):
        report = index.refresh()
        assert (report.changed, report.parsed, report.removed, report.resolved) == (
            False, [], [], set())
    with VaultIndex(root) as other:
        assert other.refresh().changed is False


@pytest.mark.parametrize(("path", "text", "parsed", "resolved"), [
    ("e.md", "Now with [[Alpha]].\n", ["e.md"], {"e.md"}),
    ("a.md", "---\ntitle: Alpha\n---\nSee [[Beta]] only.\n", ["a.md"], {"a.md"}),
    # a new title: the notes whose links name the old title (b) or the new one (gamma) redo
    ("a.md", "---\ntitle: New name\n---\nSee [[Beta]] and [[gamma]].\n", ["a.md"],
     {"a.md", "b.md", "gamma.md"}),
    # an alias dropped (same line count, so the heading's line stays): only gamma names it
    ("b.md", "---\ntitle: Beta\naliases: []\n---\n## Part\nSee [[Alpha]].\n", ["b.md"],
     {"b.md", "gamma.md"}),
    # a heading renamed: the links into b (a, gamma by alias, f by heading) redo
    ("b.md", "---\ntitle: Beta\naliases: [Bee]\n---\n## Piece\nSee [[Alpha]].\n", ["b.md"],
     {"a.md", "b.md", "f.md", "gamma.md"}),
], ids=["body-edit", "link-removed", "title-change", "alias-removed", "heading-renamed"])
def test_one_edit_parses_one_note_and_redoes_only_affected_links(
        warm: tuple[Path, VaultIndex], path: str, text: str, parsed: list[str],
        resolved: set[str]) -> None:
    root, index = warm
    (root / path).write_text(text)
    report = index.refresh()
    assert (report.parsed, report.removed, report.resolved) == (parsed, [], resolved)
    assert_same_vault(index.vault(), load_vault(root))


def test_a_new_note_and_a_deletion_redo_only_links_naming_them(
        warm: tuple[Path, VaultIndex]) -> None:
    root, index = warm
    (root / "new name.md").write_text("Hello.\n")  # gamma's [[New name]] now resolves
    report = index.refresh()
    assert (report.parsed, report.resolved) == (["new name.md"], {"new name.md", "gamma.md"})
    os.remove(root / "d.md")  # nobody links to d
    report = index.refresh()
    assert (report.parsed, report.removed, report.resolved) == ([], ["d.md"], set())
    assert_same_vault(index.vault(), load_vault(root))




def test_other_settings_rebuild_the_index(tmp_path: Path) -> None:
    """The size limit and the toc slugify decide what a parse gives: changing either rebuilds."""
    root = tmp_path / "vault"
    make_random_vault(root)
    (root / "anchors.md").write_text("[[hub#Overview]] [[#Two words]]\n\n## Two words\n")
    underscore = configured_slugify({"separator": "_"})
    rebuilt = (f"note: rebuilding the index {store.index_file(root)}: it was built by another "
               "Lemma version or with other settings")
    for step, settings in enumerate(({}, {"max_bytes": 2000}, {"slugify": underscore}, {})):
        with VaultIndex(root, **settings) as index:
            got = index.vault()
            notice = index.notice
        assert_same_vault(got, load_vault(root, **settings))
        assert notice == (rebuilt if step else None)
    assert {r.anchor for r in got.resolved["anchors.md"]} == {"overview", "two-words"}


def test_every_spelling_of_the_vault_path_shares_one_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "vault", SMALL)
    (tmp_path / "link").symlink_to(root)
    with VaultIndex(root) as index:
        index.vault()
    spellings = [(tmp_path, s) for s in ("vault", "vault/", "./vault", str(root), "link",
                                         str(tmp_path / "link"), "vault/../vault")]
    spellings += [(root, "."), (root, "../vault"), (root / "misc", "..")]
    (root / "misc").mkdir()
    for cwd, spelling in spellings:
        monkeypatch.chdir(cwd)
        with VaultIndex(spelling) as index:
            assert index.file == store.index_file(root), (cwd, spelling)
            assert (index.refresh().changed, index.notice) == (False, None), (cwd, spelling)
            assert_same_vault(index.vault(), load_vault(spelling), graph=False)
    assert sorted(tmp_path.rglob("*.index.sqlite")) == [store.index_file(root)]


def test_a_deleted_cache_folder_is_rebuilt_quietly(tmp_path: Path) -> None:
    import shutil

    root = write_files(tmp_path / "vault", SMALL)
    with VaultIndex(root) as index:
        index.vault()
    shutil.rmtree(tmp_path / ".lemma-cache")
    with VaultIndex(root) as index:
        assert_same_vault(index.vault(), load_vault(root))
        index.db  # noqa: B018 - the first build's writing done, its file is in place
        assert (index.notice, index.file.exists()) == (None, True)




def test_an_empty_vault_and_one_emptied_again(tmp_path: Path) -> None:
    """No notes, only an attachment, only unreadable notes, none again: each is a vault."""
    root = tmp_path / "vault"
    root.mkdir()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("empty", lambda: None),
        ("attachment only", lambda: (root / "img.png").write_bytes(PNG)),
        ("one note", lambda: (root / "a.md").write_text("[[b]] ![[img.png]]\n")),
        ("unreadable b", lambda: (root / "b.md").write_bytes(b"\xff\xfe")),
        ("only unreadable", lambda: os.remove(root / "a.md")),
        ("nothing", lambda: (os.remove(root / "b.md"), os.remove(root / "img.png"))),
        ("two again", lambda: write_files(root, {"b.md": "[[a]]\n", "a.md": "# A\n"})),
    ]
    for name, edit in steps:
        edit()
        with VaultIndex(root) as index:
            got = index.vault()
            assert index.notice is None, name
            assert queries.note_rows(index.db) == vault_rows(got), name
        assert_same_vault(got, load_vault(root))
