"""Citations against the committed test vault (tests/citations_vault): resolution, references,
lint lines, graph edges, `lemma list --cites`, `lemma graph backlinks @key` and `lemma mv`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.bibliography import load_bibliography
from lemma.citations import Citations
from lemma.cite_style import narrative, parenthetical, reference_html, reference_text
from lemma.cli import main
from lemma.graph.concept import build_graph
from lemma.vault import load_vault

VAULT = Path(__file__).parent / "citations_vault"
LINT = """\
concepts/kernel-regime.md:4:69: error duplicate-citekey: @power2022: citekey 'power2022' is claimed by several notes: papers/grokking-copy.md, papers/grokking.md (give each paper note its own citekey)
concepts/kernel-regime.md:11:12: error unknown-citekey: @jacto2018: no paper note or bibliography entry has this citekey (did you mean @jacot2018?)
concepts/kernel-regime.md:11:35: warning unknown-citekey: @nosuchkey: no paper note or bibliography entry has this citekey (add the entry to a bibliography file, or set `citekey:` in its paper note)
concepts/kernel-regime.md:13:75: warning undefined-macro: \\nrom is not a KaTeX command nor one of the katex_macros (did you mean \\norm? or define it under katex_macros in the lemma block of mkdocs.yml)
papers/grokking.md:3:1: error duplicate-citekey: citekey 'power2022' is also claimed by papers/grokking-copy.md (give each paper note its own citekey)
papers/grokking.md:10:68: error duplicate-citekey: @power2022: citekey 'power2022' is claimed by several notes: papers/grokking-copy.md, papers/grokking.md (give each paper note its own citekey)
refs.bib:31:1: warning duplicate-citekey: citekey 'jacot2018' is also defined at refs.bib:4 (the first definition is used; remove or rename one)
takes/lazy-is-not-enough.md:10:23: error duplicate-citekey: @power2022: citekey 'power2022' is claimed by several notes: papers/grokking-copy.md, papers/grokking.md (give each paper note its own citekey)
5 notes: 5 errors, 3 warnings
"""  # noqa: E501


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the test vault, the current directory (the CLI reads ./mkdocs.yml)."""
    root = tmp_path / "project"
    shutil.copytree(VAULT, root, ignore=shutil.ignore_patterns(".lemma-cache", "site"))
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def bibliography(root: Path = VAULT):
    return load_bibliography([root / "refs.bib", root / "biblatex.bib"], root)


def test_bibtex_and_biblatex_entries_are_read_with_accents_and_braces() -> None:
    bib = bibliography()
    assert sorted(bib.entries) == ["erdos1959", "goodfellow2016", "jacot2018", "mueller2020",
                                   "power2022"]
    assert reference_text(bib.get("erdos1959")) == (
        "Erdős, P., & Rényi, A. (1959). On Random Graphs I. Publicationes Mathematicae, 6, "
        "290–297.")
    assert reference_text(bib.get("mueller2020")) == (
        "Müller, J., & de la Fuente, A. (2020). Überblick über Kernmethoden. Zeitschrift für "
        "Lernen, 3(2).")
    assert reference_text(bib.get("power2022")).endswith(
        "(2022). Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets. "
        "https://arxiv.org/abs/2201.02177")
    assert reference_html(bib.get("goodfellow2016")) == (
        "Goodfellow, I., Bengio, Y., &amp; Courville, A. (2016). <em>Deep Learning</em>. MIT "
        'Press. <a href="https://www.deeplearningbook.org">https://www.deeplearningbook.org</a>')


@pytest.mark.parametrize(("key", "suffix", "suppress", "expected"), [
    ("erdos1959", "", False, "Erdős & Rényi, 1959"),
    ("goodfellow2016", "chap. 6", False, "Goodfellow et al., 2016, chap. 6"),
    ("mueller2020", "", True, "2020"),
], ids=["two-authors", "locator", "suppress-author"])
def test_parenthetical_forms(key: str, suffix: str, suppress: bool, expected: str) -> None:
    assert parenthetical(bibliography().get(key), suffix, suppress_author=suppress) == expected


def test_narrative_form() -> None:
    assert narrative(bibliography().get("erdos1959"), "p. 2") == "Erdős and Rényi (1959, p. 2)"


def test_citations_resolve_to_the_note_claiming_the_key_else_the_entry() -> None:
    vault = load_vault(VAULT / "notes")
    citations = Citations(vault, bibliography())
    by_key = {(r.source, r.link.target): (r.status, r.target) for r in citations.links()}
    assert by_key[("concepts/kernel-regime.md", "jacot2018")] == (
        "ok", "papers/neural-tangent-kernel.md")
    assert by_key[("concepts/kernel-regime.md", "erdos1959")] == ("entry", None)
    assert by_key[("concepts/kernel-regime.md", "power2022")][0] == "ambiguous"
    ref = citations.reference("jacot2018")  # the entry's fields, the note's page
    assert (ref.title, ref.note) == (
        "Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
        "papers/neural-tangent-kernel.md")
    assert citations.cited_keys("concepts/kernel-regime.md") == [
        "jacot2018", "power2022", "mueller2020", "goodfellow2016", "erdos1959"]


def test_citations_are_graph_edges_and_backlinks() -> None:
    graph = build_graph(load_vault(VAULT / "notes"))
    edges = sorted((u, v) for u, v in graph.note_graph().edges())
    assert edges == [
        ("concepts/kernel-regime.md", "papers/neural-tangent-kernel.md"),
        ("papers/grokking.md", "papers/neural-tangent-kernel.md"),
        ("takes/lazy-is-not-enough.md", "concepts/kernel-regime.md"),
        ("takes/lazy-is-not-enough.md", "papers/grokking.md"),
        ("takes/lazy-is-not-enough.md", "papers/neural-tangent-kernel.md"),
    ]
    sources = [b.source for b in graph.backlinks("papers/neural-tangent-kernel.md")]
    assert sources == ["papers/grokking.md", "concepts/kernel-regime.md",
                       "concepts/kernel-regime.md", "takes/lazy-is-not-enough.md"]


def test_lint_reports_unknown_and_duplicate_keys(project: Path) -> None:
    result = run("lint")
    assert result.exit_code == 1
    assert result.output == LINT


def test_list_cites(project: Path) -> None:
    result = run("list", "--cites", "@goodfellow2016")
    assert result.exit_code == 0, result.output
    assert result.output == ("concepts/kernel-regime.md    concept  Kernel regime\n"
                             "takes/lazy-is-not-enough.md  take     Lazy training is not enough\n")


def test_list_cites_an_unknown_key_says_did_you_mean(project: Path) -> None:
    result = run("list", "--cites", "goodfelow2016")
    assert result.exit_code == 2
    assert result.output == ("error: no paper note or bibliography entry has the citekey "
                             "'goodfelow2016' (did you mean @goodfellow2016?)\n")


def test_list_cites_an_entry_nobody_cites_is_empty(project: Path) -> None:
    (project / "notes/concepts/kernel-regime.md").write_text("No citations.\n", "utf-8")
    result = run("list", "--cites", "erdos1959")
    assert (result.exit_code, result.output) == (0, "")


def test_graph_backlinks_of_a_citekey(project: Path) -> None:
    result = run("graph", "backlinks", "@erdos1959")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "@erdos1959 — 1 citation\n\nKernel regime  (concepts/kernel-regime.md:5)\n"
        "    Textbook background is in [@goodfellow2016, chap. 6] and random graphs go back "
        "to @erdos1959.\n")
    owned = run("graph", "backlinks", "@jacot2018").output.splitlines()[0]
    assert owned == "@jacot2018 (Neural tangent kernel, papers/neural-tangent-kernel.md) — " \
                    "5 citations"


def test_a_changed_citekey_re_resolves_the_citing_notes_in_the_index(project: Path) -> None:
    (project / "notes/concepts/kernel-regime.md").write_text("See [@ntk].\n", "utf-8")
    assert run("list", "--cites", "ntk").output == "concepts/kernel-regime.md  concept  " \
                                                   "kernel-regime\n"
    assert run("lint").output.count("@ntk: no paper note") == 1
    note = project / "notes/papers/neural-tangent-kernel.md"
    note.write_text(note.read_text("utf-8").replace("citekey: jacot2018", "citekey: ntk"),
                    "utf-8")  # only the cited note changes: the citing note is re-resolved
    result = run("graph", "backlinks", "Neural tangent kernel")
    assert "kernel-regime  (concepts/kernel-regime.md:1)" in result.output
    assert "Grokking" not in result.output  # @jacot2018 there is now the bibliography's


def test_mv_keeps_citations_intact(project: Path) -> None:
    before = (project / "notes/concepts/kernel-regime.md").read_text("utf-8")
    result = run("mv", "Neural tangent kernel", "Neural tangent kernel (Jacot et al.)")
    assert result.exit_code == 0, result.output
    assert (project / "notes/concepts/kernel-regime.md").read_text("utf-8") == before
    citations = Citations(load_vault(project / "notes"), bibliography(project))
    targets = {r.target for r in citations.citing("jacot2018")}
    assert targets == {"papers/neural-tangent-kernel-jacot-et-al.md"}
