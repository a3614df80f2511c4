"""`lemma lint`: exact text, JSON shape, exit codes, and a fast CLI start-up."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from lemma.cli import main
from tests.conftest import CORPUS, write_files


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_lint_reports_exact_diagnostics_and_exits_1(tmp_path) -> None:
    root = write_files(tmp_path, {"a.md": "line\nsee [[Nope]]\n", "b.md": "---\ntitle: [x\n---\n"})
    result = run("--notes", str(root), "lint")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "a.md:2:5: error broken-link: [[Nope]]: no note named 'Nope' "
        "(create the note or fix the name)",
        "b.md:2:1: error frontmatter-invalid: frontmatter is not valid YAML: did not find "
        "expected ',' or ']' (quote values that contain ':' or '#', and indent lists "
        "consistently)",
        "2 notes: 2 errors",
    ]


def test_lint_clean_vault_exits_0(tmp_path) -> None:
    root = write_files(tmp_path, {"a.md": "[[b]]", "b.md": "# B"})
    result = run("--notes", str(root), "lint")
    assert (result.exit_code, result.output) == (0, "2 notes: no problems\n")


def test_lint_json_shape(tmp_path) -> None:
    root = write_files(tmp_path, {"a.md": "[[b]] [[zzz]]", "b.md": "# B"})
    result = run("--notes", str(root), "lint", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert (report["notes"], report["links"]) == (2, 2)
    assert report["diagnostics"] == [{
        "path": "a.md", "line": 1, "col": 7, "severity": "error", "code": "broken-link",
        "message": "[[zzz]]: no note named 'zzz'", "hint": "create the note or fix the name"}]


def test_missing_notes_folder_is_a_usage_error(tmp_path) -> None:
    result = run("--notes", str(tmp_path / "nope"), "lint")
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_notes_default_comes_from_mkdocs_yml(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, {"mkdocs.yml": "docs_dir: kb\nmarkdown_extensions:\n"
                           "  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n",
                           "kb/a.md": "[[missing]]"})
    monkeypatch.chdir(tmp_path)
    result = run("lint")
    assert result.exit_code == 1 and "a.md:1:1: error broken-link" in result.output


def test_corpus_lints_clean() -> None:
    result = run("--notes", str(CORPUS), "lint")
    assert result.exit_code == 0, result.output
    assert "error" not in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from lemma.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sympy', 'networkx', 'mkdocs', 'yaml') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
