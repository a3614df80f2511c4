"""Reading bibliographies: names, missing files, duplicate keys, and the JSON cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lemma import bibliography_cache
from lemma.bibliography import Name, load_bibliography
from lemma.bibliography_cache import cached_bibliography

VAULT = Path(__file__).parent / "citations_vault"


@pytest.mark.parametrize(("text", "given", "family", "initials"), [
    ("Arthur Jacot", "Arthur", "Jacot", "A."),
    ("Jacot, Arthur", "Arthur", "Jacot", "A."),
    ("Ludwig van Beethoven", "Ludwig", "van Beethoven", "L."),
    ("Jean-Pierre Serre", "Jean-Pierre", "Serre", "J.-P."),
    ("M. K. Cohen", "M. K.", "Cohen", "M. K."),
    ("Plato", "", "Plato", ""),
], ids=["given-family", "family-comma", "von", "hyphen", "initials", "one-name"])
def test_names(text: str, given: str, family: str, initials: str) -> None:
    name = Name.parse(text)
    assert (name.given, name.family, name.initials) == (given, family, initials)


def test_a_missing_file_is_one_diagnostic(tmp_path: Path) -> None:
    bib = load_bibliography([tmp_path / "gone.bib"], tmp_path)
    assert [d.format() for d in bib.problems] == [
        "gone.bib:1:1: error bibliography: cannot read gone.bib: no such file (fix "
        "`bibliography:` in the lemma block of mkdocs.yml)"]


def test_the_cache_answers_until_a_file_changes(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    files = [tmp_path / "refs.bib", tmp_path / "biblatex.bib"]
    for name in ("refs.bib", "biblatex.bib"):
        (tmp_path / name).write_text((VAULT / name).read_text("utf-8"), "utf-8")
    first = cached_bibliography(files, tmp_path, tmp_path / ".lemma-cache")
    parsed = []
    monkeypatch.setattr(bibliography_cache, "load_bibliography",
                        lambda *args: parsed.append(args) or load_bibliography(*args))
    again = cached_bibliography(files, tmp_path, tmp_path / ".lemma-cache")
    assert parsed == [] and again == first
    assert again.get("erdos1959").authors[0] == Name("Paul", "Erdős")
    stat = os.stat(files[0])
    with files[0].open("a", encoding="utf-8") as out:
        out.write("@misc{new2024, title={New}, author={A, B}, year=2024}\n")
    os.utime(files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    changed = cached_bibliography(files, tmp_path, tmp_path / ".lemma-cache")
    assert len(parsed) == 1 and changed.get("new2024") is not None
    (tmp_path / ".lemma-cache" / "bibliography.json").write_text("{not json", "utf-8")
    assert cached_bibliography(files, tmp_path, tmp_path / ".lemma-cache") == changed
    assert len(parsed) == 2
