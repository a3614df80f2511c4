"""Citations in `lemma lsp`: citekey completion after `[@` and go-to-definition to the paper
note or the `.bib` line — as plain data on the committed test vault, then over stdio."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lemma.citations import Citations
from lemma.lsp.citations import BibliographySource, citation_definition, complete_citekey
from lemma.vault import load_vault
from tests.lsp_client import StdioClient

VAULT = Path(__file__).parent / "citations_vault"
CONCEPT = "concepts/kernel-regime.md"


@pytest.fixture(scope="module")
def citations() -> Citations:
    source = BibliographySource([VAULT / "refs.bib", VAULT / "biblatex.bib"], VAULT)
    return Citations(load_vault(VAULT / "notes"), source.get())


CONTEXTS = [  # (id, text before the cursor, labels expected; None: not a citekey)
    ("after-bracket", "see [@ja", ["jacot2018"]),
    ("empty-key", "see [@", ["erdos1959", "goodfellow2016", "jacot2018", "mueller2020",
                             "power2022"]),
    ("second-in-group", "[@jacot2018; @go", ["goodfellow2016"]),
    ("suppress-author", "[-@mu", ["mueller2020"]),
    ("in-text-prefix-first", "as @er", ["erdos1959", "mueller2020", "power2022"]),
    ("substring", "[@2016", ["goodfellow2016"]),
    ("e-mail", "mail me at someone@ex", None),
    ("wikilink", "[[Gro", None),
]


@pytest.mark.parametrize(("before", "labels"), [c[1:] for c in CONTEXTS],
                         ids=[c[0] for c in CONTEXTS])
def test_citekey_completion(citations: Citations, before: str, labels: list[str] | None) -> None:
    items = complete_citekey(citations, 3, before)
    assert (None if items is None else [i.label for i in items]) == labels


def test_completion_details_and_span(citations: Citations) -> None:
    (item,) = complete_citekey(citations, 3, "see [@erd")
    assert (item.detail, item.kind) == ("Erdős & Rényi, 1959 — On Random Graphs I", "citekey")
    assert (item.span.line, item.span.col, item.span.end_col) == (3, 6, 9)


@pytest.mark.parametrize(("line", "col", "expected"), [
    (3, 28, ("papers/neural-tangent-kernel.md", 0)),  # [@jacot2018]: the paper note
    (4, 29, (str((VAULT / "refs.bib").resolve()), 22)),  # [@goodfellow2016, …]: refs.bib:23
    (3, 82, (str((VAULT / "biblatex.bib").resolve()), 9)),  # @mueller2020: biblatex.bib:10
    (10, 13, None),  # [@jacto2018]: unknown
], ids=["paper-note", "bibtex-entry", "biblatex-entry", "unknown"])
def test_citation_definition(citations: Citations, line: int, col: int, expected) -> None:
    place = citation_definition(citations, citations.vault, CONCEPT, line, col)
    assert (None if place is None else (place.path, place.span.line)) == expected


def test_the_bibliography_is_read_again_when_a_file_changes(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={A}, year=2001}\n", "utf-8")
    source = BibliographySource([bib], tmp_path)
    assert sorted(source.get().entries) == ["a"]
    assert source.get() is source.get()  # unchanged: not parsed again
    bib.write_text("@misc{a, title={A}, year=2001}\n@misc{b, title={B}, year=2002}\n", "utf-8")
    assert sorted(source.get().entries) == ["a", "b"]


def test_over_stdio(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(VAULT, project, ignore=shutil.ignore_patterns(".lemma-cache", "site"))
    notes = project / "notes"
    client = StdioClient(notes, cwd=project, timeout=30)
    try:
        client.initialize(notes)
        path = notes / CONCEPT
        text = path.read_text("utf-8")
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "markdown", "version": 1, "text": text}})
        shown = client.diagnostics(path.as_uri())
        assert [(d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"])
                for d in shown] == [(3, 68, "duplicate-citekey"), (10, 11, "unknown-citekey"),
                                    (10, 34, "unknown-citekey"), (12, 74, "undefined-macro")]
        listed = client.request("textDocument/completion", {
            "textDocument": {"uri": path.as_uri()}, "position": {"line": 4, "character": 32}})
        assert [i["label"] for i in listed["items"]] == ["goodfellow2016"]
        found = client.request("textDocument/definition", {
            "textDocument": {"uri": path.as_uri()}, "position": {"line": 4, "character": 30}})
        assert found["uri"] == (project / "refs.bib").resolve().as_uri()
        assert found["range"]["start"]["line"] == 22
    finally:
        client.close()
