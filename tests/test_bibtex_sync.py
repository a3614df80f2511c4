"""Re-importing a Better BibTeX export: notes an import made follow their entries, fields the
user edited and the body are kept, `--dry-run` writes nothing; `--arxiv` from recorded
answers of arXiv's API, and a clear error offline."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.error import URLError

import pytest
from click.testing import CliRunner

from lemma import arxiv
from lemma.bibtex_sync import set_keys
from lemma.cli import main
from lemma.vault import load_vault
from tests.conftest import write_files

ENTRY = """@article{{power2022,
  title = {{{title}}},
  author = {{Power, Alethea and Burda, Yuri}},
  journal = {{{venue}}},
  year = {{{year}}},
  eprint = {{2201.02177}}, archivePrefix = {{arXiv}}
}}
"""
NOTE = "papers/grokking-generalization-beyond-overfitting.md"
RECORDED = Path(__file__).parent / "arxiv"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", {"concepts/x.md": "---\ntitle: X\n---\nSee "
                                            "[[Grokking: Generalization Beyond Overfitting]].\n"})


def export(tmp_path: Path, title: str = "Grokking: Generalization Beyond Overfitting",
           venue: str = "arXiv preprint", year: str = "2022") -> Path:
    bib = tmp_path / "library.bib"
    bib.write_text(ENTRY.format(title=title, venue=venue, year=year), encoding="utf-8")
    return bib


def test_a_re_import_updates_untouched_fields_and_keeps_edits_and_body(vault: Path,
                                                                       tmp_path: Path) -> None:
    bib = export(tmp_path)
    assert run(vault, "new", "paper", "--from-bibtex", str(bib)).exit_code == 0
    note = vault / NOTE
    text = note.read_text("utf-8").replace("*What the paper claims", "My summary. *What")
    note.write_text(text.replace("venue: arXiv preprint", "venue: my own venue"), "utf-8")
    export(tmp_path, title="Grokking: Generalization Beyond Overfitting on Small Datasets",
           venue="ICLR workshop", year="2023")
    result = run(vault, "new", "paper", "--from-bibtex", str(bib))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"updated {NOTE} (power2022): title: \"Grokking: Generalization Beyond Overfitting\" → "
        "\"Grokking: Generalization Beyond Overfitting on Small Datasets\"; year: 2022 → 2023; "
        "aliases: + \"Grokking: Generalization Beyond Overfitting\"",
        f"kept {NOTE} (power2022): venue (edited here: \"my own venue\"; the entry says "
        "\"ICLR workshop\")",
        "0 created, 1 updated, 0 up to date, 0 skipped as existing, 0 failed"]
    after = note.read_text("utf-8")
    assert after.split("\n---\n", 1)[1] == text.split("\n---\n", 1)[1]  # the body, untouched
    meta = load_vault(vault).notes[NOTE].meta
    assert (meta["title"], meta["year"], meta["venue"]) == (
        "Grokking: Generalization Beyond Overfitting on Small Datasets", 2023, "my own venue")
    assert load_vault(vault).diagnostics == []  # the old title, now an alias, still links
    again = run(vault, "new", "paper", "--from-bibtex", str(bib))
    assert again.stdout.splitlines()[-1] == \
        "0 created, 0 updated, 1 up to date, 0 skipped as existing, 0 failed"


def test_dry_run_shows_the_plan_and_writes_nothing(vault: Path, tmp_path: Path) -> None:
    bib = export(tmp_path)
    dry = run(vault, "new", "paper", "--from-bibtex", str(bib), "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == [
        f"would create {vault / NOTE} (power2022)",
        "dry run: 1 to create, 0 to update, 0 up to date, 0 skipped as existing, 0 failed; "
        "nothing written"]
    assert not (vault / NOTE).exists()
    run(vault, "new", "paper", "--from-bibtex", str(bib))
    before = (vault / NOTE).read_text("utf-8")
    export(tmp_path, year="2023")
    dry = run(vault, "new", "paper", "--from-bibtex", str(bib), "--dry-run")
    assert dry.stdout.splitlines()[0] == f"would update {NOTE} (power2022): year: 2022 → 2023"
    assert (vault / NOTE).read_text("utf-8") == before


def test_a_note_not_made_by_an_import_is_left_alone(tmp_path: Path) -> None:
    root = write_files(tmp_path / "vault", {"papers/mine.md": (
        "---\ntitle: Mine\ncitekey: power2022\nauthors: [A]\nyear: 2020\n"
        "source: https://e.org\n---\n## Summary\nx\n## Opinion\ny\n")})
    result = run(root, "new", "paper", "--from-bibtex", str(export(tmp_path)))
    assert result.stdout.splitlines()[0] == (
        "skipped power2022: papers/mine.md has this citekey and was not made by an import: "
        "left alone")


@pytest.mark.parametrize(("text", "updates", "expected"), [
    ("---\na: 1\nb: [x,\n  y]\nc: 3\n---\nbody\n", {"b": ["z"]},
     "---\na: 1\nb: [z]\nc: 3\n---\nbody\n"),
    ("---\na: 1\n---\n---\n", {"new": {"t": "0a1b2c3d", "y": "12345678"}},
     "---\na: 1\nnew: {t: 0a1b2c3d, y: \"12345678\"}\n---\n---\n"),
    ("---\nlist:\n  - a\n  - b\nafter: 2\n---\n", {"list": "one"},
     "---\nlist: one\nafter: 2\n---\n"),
], ids=["flow-list-over-lines", "new-mapping-quotes-digits", "block-list"])
def test_set_keys(text: str, updates: dict, expected: str) -> None:
    assert set_keys(text, updates) == expected


class Recorded(io.BytesIO):
    def __enter__(self) -> Recorded:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """arXiv's API answered from tests/arxiv/ (the test never uses the network)."""
    asked: list[str] = []

    def urlopen(url: str, timeout: float) -> Recorded:
        asked.append(url)
        name = "2201.02177.xml" if url.endswith("2201.02177") else "error.xml"
        return Recorded((RECORDED / name).read_bytes())

    monkeypatch.setattr(arxiv, "urlopen", urlopen)
    return asked


def test_arxiv_fills_a_paper_note(vault: Path, answers: list[str]) -> None:
    result = run(vault, "new", "paper", "--arxiv", "arXiv:2201.02177")
    assert result.exit_code == 0, result.output
    path = "papers/grokking-generalization-beyond-overfitting-on-small.md"
    assert result.stdout == f"created {vault / path} (power2022grokking)\n"
    assert answers == ["https://export.arxiv.org/api/query?id_list=2201.02177"]
    meta = load_vault(vault).notes[path].meta
    assert {k: meta[k] for k in ("title", "authors", "year", "source", "citekey", "status")} \
        == {"title": "Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets",
            "authors": ["Alethea Power", "Yuri Burda", "Harri Edwards", "Igor Babuschkin",
                        "Vedant Misra"],
            "year": 2022, "source": "https://arxiv.org/abs/2201.02177",
            "citekey": "power2022grokking", "status": "to-read"}
    again = run(vault, "new", "paper", "--arxiv", "2201.02177")
    assert (again.exit_code, again.stderr) == (
        1, f"error: {path} already has the source https://arxiv.org/abs/2201.02177\n")


@pytest.mark.parametrize(("given", "message"), [
    ("9999.99999", "error: arXiv has no paper '9999.99999'\n"),
    ("not-an-id", "error: 'not-an-id' is not an arXiv id (such as 2201.02177 or "
                  "hep-th/9901001)\n"),
], ids=["unknown-paper", "malformed-id"])
def test_arxiv_errors(vault: Path, answers: list[str], given: str, message: str) -> None:
    result = run(vault, "new", "paper", "--arxiv", given)
    assert (result.exit_code, result.stderr) == (2, message)


def test_arxiv_offline(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(url: str, timeout: float) -> None:
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(arxiv, "urlopen", offline)
    result = run(vault, "new", "paper", "--arxiv", "2201.02177", "--dry-run")
    assert (result.exit_code, result.stderr) == (
        2, "error: cannot reach arXiv ([Errno -3] Temporary failure in name resolution): "
           "check the network connection, or add the paper with --from-bibtex or by hand\n")
