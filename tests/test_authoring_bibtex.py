"""`lemma new paper --from-bibtex`: entries become paper notes; existing ones are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.bibtex import read_bibtex
from lemma.bibtex_sync import fingerprint
from lemma.cli import main
from lemma.vault import load_vault
from tests.conftest import write_files

BIB = r"""@string{neurips = "Advances in Neural Information Processing Systems"}
@article{power2022,
  title = {Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets},
  author = {Power, Alethea and Burda, Yuri},
  journal = {arXiv preprint},
  year = {2022},
  eprint = {2201.02177}, archivePrefix = {arXiv}
}
@inproceedings{jacot2018,
  title = {Neural Tangent Kernel: Convergence and Generalization in {N}eural Networks},
  author = {Jacot, Arthur and Gabriel, Franck and Hongler, Cl{\'e}ment},
  booktitle = neurips,
  year = 2018,
  doi = {https://doi.org/10.5555/3327757.3327948}
}
@misc{existing, title = {Attention is all you need}, author = {Vaswani, A.}, year = 2017,
  url = {https://arxiv.org/abs/1706.03762}}
@misc{samesource, title = {Attention (preprint)}, author = {Vaswani, A.}, year = 2017,
  url = {https://arxiv.org/abs/1706.03762}}
"""
ATTENTION = ("---\ntitle: Attention is all you need\nauthors: [A. Vaswani]\nyear: 2017\n"
             "source: https://arxiv.org/abs/1706.03762\n---\n## Summary\nx\n## Opinion\ny\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "vault", {"papers/attention.md": ATTENTION})


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--notes", str(root), *args])


def test_import_creates_paper_notes_and_skips_existing(root: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = run(root, "new", "paper", "--from-bibtex", str(bib))
    assert result.exit_code == 0, result.output
    grok = "papers/grokking-generalization-beyond-overfitting-on-small.md"
    ntk = "papers/neural-tangent-kernel-convergence-and-generalization-in.md"
    assert result.stdout.splitlines() == [
        f"created {root / grok} (power2022)",
        f"created {root / ntk} (jacot2018)",
        "skipped existing: a note titled 'Attention is all you need' already exists: "
        "papers/attention.md",
        "skipped samesource: papers/attention.md has the same source "
        "https://arxiv.org/abs/1706.03762",
        "2 created, 0 updated, 0 up to date, 2 skipped as existing, 0 failed",
    ]
    vault = load_vault(root)
    values = {
        "title": "Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
        "authors": ["Arthur Jacot", "Franck Gabriel", "Clément Hongler"], "year": 2018,
        "source": "https://doi.org/10.5555/3327757.3327948",
        "venue": "Advances in Neural Information Processing Systems"}
    assert dict(vault.notes[ntk].meta) == {
        **values, "status": "to-read", "citekey": "jacot2018",
        "imported": {name: fingerprint(value) for name, value in values.items()}}
    assert vault.notes[grok].meta["source"] == "https://arxiv.org/abs/2201.02177"
    assert vault.diagnostics == []
    again = run(root, "new", "paper", "--from-bibtex", str(bib))  # idempotent
    assert again.exit_code == 0
    assert again.stdout.splitlines()[-1] == \
        "0 created, 0 updated, 2 up to date, 2 skipped as existing, 0 failed"


def test_import_one_key(root: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = run(root, "new", "paper", "--from-bibtex", str(bib), "--key", "jacot2018")
    assert result.exit_code == 0
    assert len(list((root / "papers").iterdir())) == 2
    missing = run(root, "new", "paper", "--from-bibtex", str(bib), "--key", "nope")
    assert (missing.exit_code, missing.stderr) == (2, f"error: no entry with key 'nope' in {bib}\n")


def test_broken_and_incomplete_entries_are_reported_with_lines(root: Path,
                                                               tmp_path: Path) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text("@article{ok, title={Fine}, author={Doe, Jane}, year=2001,\n"
                   "  url={https://e.org/fine}}\n"
                   "@article{broken,\n  title = {Broken {Entry},\n  year = 2020\n}\n"
                   "@misc{nourl, title={No {URL} here}, author={Doe, J.}, year={2001}}\n",
                   encoding="utf-8")
    result = run(root, "new", "paper", "--from-bibtex", str(bib))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"created {root / 'papers/fine.md'} (ok)",
                                          "1 created, 0 updated, 0 up to date, 0 skipped as "
                                          "existing, 2 failed"]
    assert result.stderr.splitlines() == [
        f"error: {bib}:3: could not parse this BibTeX block (check its braces and commas)",
        f"error: {bib}:7: entry 'nourl' has no url or doi; add it to create a paper note"]


def test_duplicate_titles_within_one_file_create_one_note(root: Path, tmp_path: Path) -> None:
    entry = ("@misc{{{key}, title={{Same}}, author={{X, Y}}, year=2000, "
             "url={{https://e.org/{key}}}}}\n")
    bib = tmp_path / "dup.bib"
    bib.write_text(entry.format(key="a") + entry.format(key="b"), encoding="utf-8")
    result = run(root, "new", "paper", "--from-bibtex", str(bib))
    assert result.stdout.splitlines()[1:] == [
        "skipped b: an earlier entry of this file has the same title",
        "1 created, 0 updated, 0 up to date, 1 skipped as existing, 0 failed"]


def test_from_bibtex_needs_the_paper_kind(root: Path, tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("", encoding="utf-8")
    result = run(root, "new", "concept", "--from-bibtex", str(bib))
    assert (result.exit_code, result.stderr) == (
        2, "error: --from-bibtex creates paper notes: use 'lemma new paper --from-bibtex FILE'\n")


def test_read_bibtex_names_and_latex(tmp_path: Path) -> None:
    path = tmp_path / "one.bib"
    path.write_text("@book{k, title={{\\\"U}ber {A}lles}, author={von Neumann, John and "
                    "Ada Lovelace}, year={c. 1843}}", encoding="utf-8")
    entries, problems = read_bibtex(path)
    assert problems == []
    assert (entries[0].title, entries[0].authors, entries[0].year, entries[0].source) == (
        "Über Alles", ("John von Neumann", "Ada Lovelace"), 1843, None)
