"""The index seen from the command line: `lemma search`, notices about a bad or unwritable
index, and shell completion of note names read from the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lemma.cli import main
from lemma.index import store
from tests.conftest import REPO, write_files
from tests.index_vaults import (
    spoil_blob,
    spoil_fingerprint,
    spoil_foreign,
    spoil_garbage,
    spoil_old_version,
)

FILLER = {f"misc/filler-{k}.md": f"# Filler {k}\n\nCooking, gardening and walking, day {k}.\n"
          for k in range(8)}
NOTES = {
    **FILLER,
    "concepts/gradient-flow.md": "---\ntitle: Gradient flow\ntags: [ml/optim]\n---\n"
                                 "A continuous-time limit of descent.\n",
    "papers/sharpness.md": "---\ntitle: Sharpness paper\nauthors: [A]\nyear: 2020\n"
                           "source: https://e.org\ntags: [ml/optim/sharp]\n---\n"
                           "We measure the gradient of the loss near minima.\n",
    "concepts/curvature.md": "---\ntitle: Curvature\naliases: [Hessian spectrum]\n"
                             "tags: [maths]\n---\nCurvature controls the step sizes of "
                             "gradient methods, see [[Gradient flow]].\n",
    "takes/kernel.md": "---\ntitle: Kernel regime take\ntags: [ml]\ndate: 2024-01-01\n---\n"
                       "Two words matter here: wide networks behave like kernels in the kernel "
                       "regime, with [[Curvature]] fixed. Gradients barely move.\n",
    "takes/words.md": "---\ntitle: On words\ndate: 2024-01-02\n---\n"
                      "Words two at a time; words, two.\n",
}


def lemma(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--notes", str(root), *args])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", NOTES)


def found(result: Result) -> list[str]:
    """The paths of a text-format search result, in rank order."""
    assert result.exit_code == 0, result.output
    return [line.split("(")[1].split(",")[0] for line in result.stdout.splitlines()
            if line[:3].strip().rstrip(".").isdigit()]


# -- lemma search --------------------------------------------------------------------------------


def test_search_prints_ranked_hits_with_snippets(root: Path) -> None:
    result = lemma(root, "search", "gradient")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        " 1. Gradient flow  (concepts/gradient-flow.md, concept)\n"
        "    A continuous-time limit of descent.\n"
        " 2. Curvature  (concepts/curvature.md, concept)\n"
        "    Curvature controls the step sizes of gradient methods, see Gradient flow.\n"
        " 3. Sharpness paper  (papers/sharpness.md, paper)\n"
        "    We measure the gradient of the loss near minima.\n"
    )


@pytest.mark.parametrize(("args", "paths"), [
    # a title match outranks body-only ones (curvature says "gradient" twice, sharpness once)
    (("gradient",), ["concepts/gradient-flow.md", "concepts/curvature.md",
                     "papers/sharpness.md"]),
    (("hessian",), ["concepts/curvature.md"]),  # an alias is searched too
    (("grad*",), ["concepts/gradient-flow.md", "concepts/curvature.md", "papers/sharpness.md",
                  "takes/kernel.md"]),
    (("GRADIENT", "loss"), ["papers/sharpness.md"]),  # every word must appear, any case
    (("gradient", "loss"), ["papers/sharpness.md"]),
    (('"two words"',), ["takes/kernel.md"]),  # a phrase: not words.md's "Words two"
    (("two", "words"), ["takes/words.md", "takes/kernel.md"]),
    (("cooking", "OR", "curvature"), None),  # checked below: the fillers and two notes
    (("gradient -curvature",), ["concepts/gradient-flow.md", "papers/sharpness.md"]),
    (("gradient -curvature -descent",), ["papers/sharpness.md"]),
    (("gradient", "--", "-curvature"), ["concepts/gradient-flow.md", "papers/sharpness.md"]),
    (("gradient", "--kind", "concept"), ["concepts/gradient-flow.md", "concepts/curvature.md"]),
    (("gradient", "--tag", "ml"), ["concepts/gradient-flow.md", "papers/sharpness.md"]),
    (("gradient", "--tag", "#ML/optim"), ["concepts/gradient-flow.md", "papers/sharpness.md"]),
    (("gradient", "--tag", "ml/optim/sharp"), ["papers/sharpness.md"]),
    (("gradient", "--tag", "ml/opt"), []),  # a tag, not a prefix of one
    (("grad*", "--limit", "2"), ["concepts/gradient-flow.md", "concepts/curvature.md"]),
    (("grad*", "-n", "1", "--kind", "take"), ["takes/kernel.md"]),
], ids=["title-first", "alias", "prefix", "case", "all-words", "phrase", "words", "or",
        "exclude", "exclude-two", "exclude-after-dashes", "kind", "tag-and-sub-tags",
        "tag-hash-case", "sub-tag", "tag-not-prefix", "limit", "limit-kind"])
def test_search_finds_and_filters(root: Path, args: tuple[str, ...],
                                  paths: list[str] | None) -> None:
    result = lemma(root, "search", *args)
    if paths == []:
        assert (result.exit_code, result.stdout) == (1, "")
        return
    got = found(result)
    if paths is None:
        assert sorted(got) == sorted(["concepts/curvature.md", "takes/kernel.md", *FILLER])
        return
    assert got == paths


@pytest.mark.parametrize(("args", "paths"), [
    pytest.param(("--", "-curvature", "gradient"),
                 ["concepts/gradient-flow.md", "papers/sharpness.md"],
                 id="leading-word"),
    pytest.param(("--", '-"two words"', "kernel*"), [],
                 id="leading-phrase"),
    pytest.param(('kernel* -"two words"',), [], id="trailing-phrase"),
    pytest.param(('words -"two words"',), ["takes/words.md"], id="phrase-excluded"),
])
def test_search_exclusions_anywhere_in_the_query(root: Path, args: tuple[str, ...],
                                                 paths: list[str]) -> None:
    result = lemma(root, "search", *args)
    if not paths:
        assert (result.exit_code, result.stderr) == (
            1, f"error: no note matches '{' '.join(a for a in args if a != '--')}'\n")
    else:
        assert found(result) == paths


def test_search_json_gives_every_field(root: Path) -> None:
    result = lemma(root, "search", "gradient", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    hits = json.loads(result.stdout)
    assert [list(h) for h in hits] == [["path", "title", "kind", "score", "snippet",
                                        "matches"]] * 3
    assert [(h["path"], h["title"], h["kind"]) for h in hits] == [
        ("concepts/gradient-flow.md", "Gradient flow", "concept"),
        ("concepts/curvature.md", "Curvature", "concept"),
        ("papers/sharpness.md", "Sharpness paper", "paper")]
    scores = [h["score"] for h in hits]
    assert all(isinstance(s, float) for s in scores)
    assert scores[0] > scores[1] > scores[2] > 0
    assert [h["snippet"] for h in hits] == [
        "A continuous-time limit of descent.",  # a title match: the body's start
        "Curvature controls the step sizes of gradient methods, see Gradient flow.",
        "We measure the gradient of the loss near minima."]
    assert [h["matches"] for h in hits] == [[], ["gradient", "Gradient"], ["gradient"]]


def test_search_json_prefix_matches_name_the_words_found(root: Path) -> None:
    hits = json.loads(lemma(root, "search", "kern*", "--format", "json").stdout)
    assert [(h["path"], h["matches"]) for h in hits] == [
        ("takes/kernel.md", ["kernels", "kernel"])]


@pytest.mark.parametrize(("tag", "paths"), [
    ("ml_x", ["extra/deeper.md", "extra/underscore.md"]),  # `_` is no wildcard: not mlax
    ("ml%", ["extra/lookalike.md"]),  # `%` neither: only the tag written so
    ("ml_x/deep", ["extra/deeper.md"]),
    ("#ML_X", ["extra/deeper.md", "extra/underscore.md"]),
    ("ml_", []),
], ids=["underscore", "percent", "sub-tag", "hash-case", "not-a-prefix"])
def test_search_tag_filter_takes_tags_literally(root: Path, tag: str, paths: list[str]) -> None:
    write_files(root, {"extra/underscore.md": "---\ntags: [ml_x]\n---\ngradient a\n",
                       "extra/lookalike.md": "---\ntags: [mlax, 'ml%']\n---\ngradient b\n",
                       "extra/deeper.md": "---\ntags: [ml_x/deep]\n---\ngradient c\n"})
    result = lemma(root, "search", "gradient", "--tag", tag, "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(h["path"] for h in json.loads(result.stdout)) == paths


def test_note_text_cannot_forge_a_match(root: Path) -> None:
    (root / "forged.md").write_text("Some \x02fake\x03 word and a gradient.\n")
    hits = json.loads(lemma(root, "search", "gradient", "--format", "json").stdout)
    forged = next(h for h in hits if h["path"] == "forged.md")
    assert forged["matches"] == ["gradient"]


def test_search_with_no_match_says_so(root: Path) -> None:
    result = lemma(root, "search", "zebra", "crossing")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: no note matches 'zebra crossing'\n")
    result = lemma(root, "search", "zebra", "--format", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_search_of_only_exclusions_is_refused(root: Path) -> None:
    result = lemma(root, "search", "--", "-gradient", "-curvature")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "error: a search needs at least one word that must appear\n")


@pytest.mark.parametrize("query", ["...", "*", '"', "-", "?!", '"" -'])
def test_search_of_only_punctuation_is_a_clear_error(root: Path, query: str) -> None:
    result = lemma(root, "search", "--", query)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"error: '{query}' has no word to search for (letters or digits)\n")


@pytest.mark.parametrize("query", [
    '"unclosed phrase', "NEAR(kernel", "title:kernel", "a AND", "kernel OR", "OR kernel",
    "(kernel)", "^kernel", "kernel +", "kernel AND NOT regime", "kernel OR -curvature",
    "kernel OR OR regime",
])
def test_search_syntax_of_fts5_is_never_passed_through(root: Path, query: str) -> None:
    """Whatever is typed, the result is hits or one error line: no traceback, no FTS error."""
    result = lemma(root, "search", "--", query)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    assert "fts5" not in result.stderr and "Traceback" not in result.output


def test_search_sees_edits_made_after_the_first_search(root: Path) -> None:
    assert found(lemma(root, "search", "gradient")) == [
        "concepts/gradient-flow.md", "concepts/curvature.md", "papers/sharpness.md"]
    (root / "misc/filler-3.md").write_text("# Filler 3\n\nNow about the gradient too.\n")
    os.remove(root / "papers/sharpness.md")
    os.rename(root / "concepts/curvature.md", root / "concepts/bend.md")
    (root / "new.md").write_text("---\ntitle: Natural gradient\n---\nFisher metric.\n")
    (root / "concepts/gradient-flow.md").write_text("---\ntitle: Flow\n---\nContinuous.\n")
    assert found(lemma(root, "search", "gradient")) == [
        "new.md", "concepts/bend.md", "misc/filler-3.md"]
    assert found(lemma(root, "search", "continuous")) == ["concepts/gradient-flow.md"]
    result = lemma(root, "search", "sharpness")
    assert (result.exit_code, result.stderr) == (1, "error: no note matches 'sharpness'\n")


# -- a bad or unwritable index, seen from the CLI ------------------------------------------------

COMMANDS = {
    "list": ("list",),
    "list-json": ("list", "--format", "json"),
    "backlinks": ("graph", "backlinks", "Gradient flow"),
    "search": ("search", "gradient"),
    "stats": ("graph", "stats"),
    "lint": ("lint",),
}

BAD_INDEXES = {
    "garbage": (spoil_garbage, "it is damaged", []),
    "old-schema": (spoil_old_version, f"its schema is version {store.SCHEMA_VERSION + 41}", []),
    "fingerprint": (spoil_fingerprint, "it was built by another Lemma version", []),
    "foreign": (spoil_foreign, "it was not made by Lemma", []),
}


def bad_index_cases() -> list:
    cases = []
    for spoil_id, (spoil, reason, marks) in BAD_INDEXES.items():
        for command_id, command in COMMANDS.items():
            cases.append(pytest.param(spoil, reason, command, marks=marks,
                                      id=f"{spoil_id}-{command_id}"))
    cases.append(pytest.param(spoil_words_blob, "it holds unreadable data", COMMANDS["lint"],
                              id="disallowed-pickle-lint"))
    return cases


def spoil_words_blob(file: Path) -> None:
    """A note that links to Gradient flow stored as a pickle the unpickler must refuse."""
    spoil_blob(file, "takes/words.md")


def two_vaults(tmp_path: Path) -> tuple[Path, Path]:
    """The same notes twice, each with its own index: one kept sound, one to spoil."""
    good = write_files(tmp_path / "good" / "vault", NOTES)
    bad = write_files(tmp_path / "bad" / "vault", NOTES)
    (bad / "takes/words.md").write_text(NOTES["takes/words.md"] + "Also [[Gradient flow]].\n")
    (good / "takes/words.md").write_text(NOTES["takes/words.md"] + "Also [[Gradient flow]].\n")
    return good, bad


@pytest.mark.parametrize(("spoil", "reason", "command"), bad_index_cases())
def test_a_bad_index_gives_one_notice_and_the_same_output(
        tmp_path: Path, spoil: Callable[[Path], None], reason: str,
        command: tuple[str, ...]) -> None:
    good, bad = two_vaults(tmp_path)
    want = lemma(good, *command)
    assert (want.exit_code in (0, 1) and want.exception is None) or isinstance(
        want.exception, SystemExit), want.output
    assert lemma(bad, "list").exit_code == 0  # builds the index (no search table yet)
    file = store.index_file(bad)
    spoil(file)
    got = lemma(bad, *command)
    assert (got.exit_code, got.stdout) == (want.exit_code, want.stdout.replace(
        str(good), str(bad)))
    notice = got.stderr.replace(want.stderr, "")
    assert notice.startswith(f"note: rebuilding the index {file}: {reason}"), got.stderr
    assert notice.count("\n") == 1 and notice.endswith("\n")
    again = lemma(bad, *command)  # rebuilt: quiet from now on
    assert (again.exit_code, again.stdout, again.stderr) == (got.exit_code, got.stdout,
                                                             want.stderr)


@pytest.mark.parametrize("command", ["backlinks", "search", "stats", "list"])
def test_a_query_meeting_a_refused_record_answers_without_the_index(
        tmp_path: Path, command: str) -> None:
    """Commands that answer from the tables alone read a note's pickle only for a backlink's
    sentence: when that record is refused, the index is removed with one notice, the command
    answers as the sound index does (from an index in memory), and the next run rebuilds it."""
    good, bad = two_vaults(tmp_path)
    want = lemma(good, *COMMANDS[command])
    assert lemma(bad, "list").exit_code == 0
    file = store.index_file(bad)
    spoil_words_blob(file)
    got = lemma(bad, *COMMANDS[command])
    if command != "backlinks":  # no pickle read: the answer is right as it is
        assert (got.exit_code, got.stdout, got.stderr) == (want.exit_code, want.stdout, "")
        return
    assert (got.exit_code, got.stdout, got.stderr) == (
        want.exit_code, want.stdout, f"note: the index {file} is damaged (unexpected object "
        "posix.getcwd); it was removed (the next command rebuilds it) and this one works "
        "without it\n")
    assert not file.exists()
    again = lemma(bad, *COMMANDS[command])
    assert (again.exit_code, again.stdout, again.stderr) == (want.exit_code, want.stdout, "")


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_an_unwritable_cache_folder_gives_a_notice_and_the_same_output(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    good, bad = two_vaults(tmp_path)
    want = lemma(good, *command)
    (bad.parent / ".lemma-cache").write_text("not a folder")  # fails for root too
    got = lemma(bad, *command)
    assert (got.exit_code, got.stdout) == (want.exit_code, want.stdout)
    assert got.stderr.replace(want.stderr, "") == (
        f"note: the index {bad.parent / '.lemma-cache' / 'vault.index.sqlite'} cannot be "
        f"written ([Errno 17] File exists: '{bad.parent / '.lemma-cache'}'); "
        "working without it\n")


# -- shell completion through click's protocol --------------------------------------------------


def complete(cwd: Path, words: str, cword: int) -> subprocess.CompletedProcess:
    """Ask the console script for completions as bash does (click's protocol)."""
    env = {**os.environ, "_LEMMA_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(cword), "PYTHONPATH": str(REPO / "tools")}
    code = "import sys; sys.argv[0] = 'lemma'; from lemma.cli import entry; entry()"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize(("typed", "names"), [
    ("Gra", ["Gradient flow"]),
    ("cu", ["Curvature"]),
    ("hess", ["Hessian spectrum"]),  # aliases too
    ("Filler", [f"Filler {k}" for k in range(8)]),
    ("", None),  # everything: checked below
    ("zz", []),
], ids=["title", "any-case", "alias", "many", "empty", "none"])
def test_completion_of_note_names_reads_the_index(root: Path, typed: str,
                                                  names: list[str] | None) -> None:
    done = complete(root.parent, f"lemma --notes {root} mv {typed}", 4)
    assert (done.returncode, done.stderr) == (0, "")
    got = [line.removeprefix("plain,") for line in done.stdout.splitlines() if line]
    if names is None:
        assert len(got) == len(NOTES) + 1  # every title, and Curvature's alias
        return
    assert got == names


def test_completion_follows_edits_and_needs_no_mkdocs_yml(root: Path) -> None:
    assert complete(root.parent, f"lemma --notes {root} mv Gra", 4).stdout == (
        "plain,Gradient flow\n")
    (root / "grading.md").write_text("---\ntitle: Grading rubric\naliases: [Grades]\n---\n")
    os.remove(root / "concepts/gradient-flow.md")
    done = complete(root.parent, f"lemma --notes {root} mv gra", 4)
    assert done.stdout == "plain,Grades\nplain,Grading rubric\n"


def test_completion_with_an_unwritable_cache_is_quiet(root: Path) -> None:
    (root.parent / ".lemma-cache").write_text("not a folder")
    done = complete(root.parent, f"lemma --notes {root} mv Gra", 4)
    assert (done.returncode, done.stdout, done.stderr) == (0, "plain,Gradient flow\n", "")


# -- the console script leaves at once: the index must be complete by then ----------------------


@pytest.mark.parametrize("command", [("graph", "stats"), ("lint",), ("list",),
                                     ("graph", "backlinks", "Curvature"), ("search", "kernel")],
                         ids=["stats", "lint", "list", "backlinks", "search"])
def test_a_cold_run_of_the_console_script_leaves_a_complete_index(
        root: Path, command: tuple[str, ...]) -> None:
    from lemma.index.refresh import VaultIndex
    from lemma.vault import load_vault
    from tests.index_vaults import assert_same_vault

    done = subprocess.run([sys.executable, "-c", "from lemma.cli import entry; entry()",
                           "--notes", str(root), *command], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO / "tools")})
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    assert lemma(root, *command).stdout == done.stdout
    with VaultIndex(root) as index:
        report = index.refresh()
        assert (report.parsed, report.resolved, index.notice) == ([], set(), None)
        assert_same_vault(index.vault(), load_vault(root))


# -- after random edits, every command answers from the warm index as from a cold one ------------

WARM_COMMANDS = [
    ("list", "--format", "json"), ("list", "--orphans"), ("list", "--broken"),
    ("list", "--tag", "ml"), ("graph", "stats", "--format", "json"), ("graph", "orphans"),
    ("graph", "hubs"), ("graph", "communities"), ("lint",), ("search", "gradient"),
    ("search", "kern*", "--format", "json"),
]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12])
def test_commands_on_a_warm_index_print_what_a_cold_run_prints(tmp_path: Path,
                                                               seed: int) -> None:
    import random
    import shutil

    from tests.index_vaults import Editor, make_random_vault

    root = tmp_path / "warm" / "vault"
    make_random_vault(root)
    editor = Editor(root, random.Random(seed))
    editor.EDITS = tuple(e for e in Editor.EDITS if e != "special_file")  # copytree: no FIFOs
    for step in range(6):
        history = [editor.step() for _ in range(3)]
        cold = tmp_path / f"cold-{step}" / "vault"
        shutil.copytree(root, cold, symlinks=True)
        some = sorted(p for p in editor.notes() if (root / p).is_file())
        commands = [*WARM_COMMANDS, ("graph", "backlinks", editor.rng.choice(some)),
                    ("graph", "neighbors", editor.rng.choice(some))]
        for command in commands:
            want, got = lemma(cold, *command), lemma(root, *command)
            context = f"seed {seed} step {step} {command}: {history}"
            assert got.exit_code == want.exit_code, context
            assert got.stdout == want.stdout.replace(str(cold), str(root)), context
            assert got.stderr == want.stderr.replace(str(cold), str(root)), context


@pytest.mark.slow
def test_lemma_new_and_mv_keep_the_warm_index_equal_to_a_cold_run(tmp_path: Path) -> None:
    """Lemma's own writing commands (new, mv by title and by path, a rename that rewrites
    links in many notes) followed by reading commands on the warm index."""
    import shutil

    root = write_files(tmp_path / "warm" / "vault", NOTES)
    edits = [
        ("new", "concept", "Natural gradient"),
        ("mv", "Gradient flow", "Gradient flows"),  # rewrites the links in curvature, words
        ("mv", "concepts/curvature.md", "maths/curvature.md"),
        ("mv", "Natural gradient", "concepts/fisher.md"),
        ("new", "take", "Gradient flows are fast"),
        ("mv", "Kernel regime take", "Kernel take"),
    ]
    reads = [("list", "--format", "json"), ("list", "--orphans"), ("graph", "stats"),
             ("graph", "backlinks", "Gradient flows"), ("lint",), ("search", "gradient"),
             ("search", "kern*", "--format", "json")]
    lemma(root, "list")  # a warm index from the start
    for step, edit in enumerate(edits):
        done = lemma(root, *edit)
        assert done.exit_code == 0, done.output
        cold = tmp_path / f"cold-{step}" / "vault"
        shutil.copytree(root, cold, symlinks=True)
        for command in reads:
            want, got = lemma(cold, *command), lemma(root, *command)
            assert (got.exit_code, got.stdout) == (want.exit_code, want.stdout), (edit, command)
        done = complete(root.parent, f"lemma --notes {root} mv Gra", 4)
        titles = ["Gradient flow" if step == 0 else "Gradient flows"]
        titles += ["Gradient flows are fast"] if step >= 4 else []
        assert done.stdout == "".join(f"plain,{n}\n" for n in titles)


@pytest.mark.parametrize("command", [("list",), ("search", "x"), ("graph", "stats"),
                                     ("graph", "backlinks", "x"), ("lint",)],
                         ids=["list", "search", "stats", "backlinks", "lint"])
def test_a_missing_notes_folder_is_one_error_and_makes_no_cache(tmp_path: Path,
                                                                command: tuple[str, ...]) -> None:
    result = lemma(tmp_path / "missing", *command)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"error: notes folder '{tmp_path / 'missing'}' does not exist\n")
    assert list(tmp_path.iterdir()) == []
