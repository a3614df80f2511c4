"""The authoring lint rules: sections per kind, take confidence, near-duplicates, suggestions."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lemma.cli import main
from lemma.lint_rules import (
    extra_diagnostics,
    is_search_url,
    lead_paragraph,
    near_duplicates,
    phrase_pattern,
    title_key,
)
from lemma.vault import load_vault
from tests.conftest import write_files

PAPER = "---\ntitle: {title}\nauthors: [A]\nyear: 2020\nsource: https://e.org\n---\n{body}"


def codes(vault, suggest: bool = False) -> list[str]:
    return [f"{d.pos.path}:{d.pos.line} {d.severity.value} {d.code}"
            for d in extra_diagnostics(vault, suggest)]


@pytest.mark.parametrize(("body", "expected"), [
    ("## Summary\nx\n## Opinion\ny\n", []),
    ("## summary\nx\n### OPINION\ny\n", []),
    ("## Summary\nx\n", ["papers/p.md:7 warning missing-section"]),
    ("Just text.\n", ["papers/p.md:7 warning missing-section"] * 2),
])
def test_paper_needs_summary_and_opinion(make_vault, body: str, expected: list) -> None:
    vault = make_vault({"papers/p.md": PAPER.format(title="P", body=body)})
    assert codes(vault) == expected


@pytest.mark.parametrize(("body", "lead"), [
    ("The claim.\n\n## Why\n", "The claim."),
    ("\n\n<!-- note -->\n# Title\n\nThe claim,\nover two lines.\n", "The claim,\nover two lines."),
    ("# Title\nThe claim right under it.\n", "The claim right under it."),
    ("## Why I believe it\nText.\n", None),
    ("- a list\n- first\n", None),
    ("> a quote\n", None),
    ("```\ncode\n```\n", None),
    ("$$\nx\n$$\n", None),
    ("", None),
])
def test_lead_paragraph(body: str, lead: str | None) -> None:
    assert lead_paragraph(body) == lead


def test_take_and_concept_need_their_lead_paragraph(make_vault) -> None:
    vault = make_vault({
        "takes/good.md": "---\ntitle: Good\ndate: 2024-01-01\nconfidence: 0.9\n---\nClaim.\n",
        "takes/bad.md": "---\ntitle: Bad\ndate: 2024-01-01\nconfidence: 90%\n---\n## Why\nx\n",
        "concepts/good.md": "---\ntitle: Fine\n---\n# Fine\n\nFine is a definition.\n",
        "concepts/bad.md": "---\ntitle: Listy\n---\n- not a definition\n",
    })
    assert codes(vault) == ["concepts/bad.md:4 warning missing-definition",
                            "takes/bad.md:6 warning missing-claim"]
    messages = [d.format() for d in extra_diagnostics(vault)]
    assert messages[1] == ("takes/bad.md:6:1: warning missing-claim: take note does not open "
                           "with a claim paragraph (start the body with a claim paragraph, "
                           "before any '##' heading)")


def test_take_without_confidence_is_info(make_vault) -> None:
    vault = make_vault({"takes/t.md": "---\ntitle: T\ndate: 2024-01-01\n---\nClaim.\n"})
    assert [d.format() for d in extra_diagnostics(vault)] == [
        "takes/t.md:1:1: info no-confidence: take has no confidence (say how sure you are: "
        "'confidence: 0.8' in the frontmatter)"]


@pytest.mark.parametrize("url", [
    pytest.param("https://www.lesswrong.com/search?query=Low-stakes", id="forum-search"),
    pytest.param("https://www.google.com/search?q=grokking", id="google"),
    pytest.param("https://www.google.co.uk/?q=grokking", id="google-country-query"),
    pytest.param("https://scholar.google.com/scholar?q=lottery+ticket", id="scholar"),
    pytest.param("https://duckduckgo.com/?q=semi-informative+priors", id="duckduckgo"),
    pytest.param("https://www.bing.com/search?q=ntk", id="bing"),
    pytest.param("https://search.yahoo.com/search?p=ntk", id="yahoo"),
    pytest.param("https://www.baidu.com/s?wd=ntk", id="baidu"),
    pytest.param("https://yandex.ru/search/?text=ntk", id="yandex-trailing-slash"),
    pytest.param("https://arxiv.org/search/?query=grokking&searchtype=all", id="arxiv-search"),
    pytest.param("https://www.youtube.com/results?search_query=ntk", id="youtube-results"),
    pytest.param("  HTTPS://www.google.com/search?q=x  ", id="spaces-and-case"),
])
def test_search_result_pages_are_search_urls(url: str) -> None:
    assert is_search_url(url)


@pytest.mark.parametrize("url", [
    pytest.param("https://arxiv.org/abs/2212.13881", id="arxiv-abstract"),
    pytest.param("https://www.alignmentforum.org/posts/TPan9sQFuPP6jgEJo/low-stakes-alignment",
                 id="forum-post"),
    pytest.param("https://www.openphilanthropy.org/research/semi-informative-priors-over-ai-"
                 "timelines/", id="research-is-not-search"),
    pytest.param("https://en.wikipedia.org/wiki/Search", id="article-titled-search"),
    pytest.param("https://books.google.com/books?id=abc", id="google-books"),
    pytest.param("https://docs.google.com/document/d/abc/edit", id="google-doc"),
    pytest.param("https://example.org/2020/results", id="results-without-a-query"),
    pytest.param("ftp://example.org/search", id="not-http"),
    pytest.param("https://[::1/search", id="malformed"),
    pytest.param("search?q=x", id="relative"),
])
def test_documents_are_not_search_urls(url: str) -> None:
    assert not is_search_url(url)


def test_search_page_as_source_is_a_warning(make_vault) -> None:
    vault = make_vault({
        "takes/t.md": "---\ntitle: T\ndate: 2024-01-01\nconfidence: 0.9\n"
                      "source: https://www.google.com/search?q=t\n---\nClaim.\n",
        "papers/p.md": PAPER.format(title="P", body="## Summary\nx\n## Opinion\ny\n"),
        "digests/d.md": "---\ntitle: D\nsource: [not, a, string]\n---\nText.\n",
    })
    assert [d.format() for d in extra_diagnostics(vault)] == [
        "takes/t.md:1:1: warning search-url-source: 'source' is a search-results page, not the "
        "work itself: https://www.google.com/search?q=t (link the work's own page (its arXiv "
        "abstract, forum post or report), or omit 'source:' and name where you read it in the "
        "note)"]


@pytest.mark.parametrize(("first", "second", "duplicate"), [
    ("Loss landscape", "Loss landscapes", True),
    ("Low-stakes setting", "Low stakes setting", True),
    ("Neural tangent kernel", "Neural tangnet kernel", True),
    ("Neural tangent kernel", "Neural tangent kernels: a survey", False),
    ("Intermittent distillations 3", "Intermittent distillations 4", False),
    ("SVD", "SGD", False),
    ("Grokking", "grokking", True),
])
def test_near_duplicate_titles(make_vault, first: str, second: str, duplicate: bool) -> None:
    vault = make_vault({"a.md": f"# {first}\n", "b.md": f"# {second}\n"})
    found = near_duplicates(vault)
    assert bool(found) is duplicate
    if duplicate:
        assert found[0].format() == (
            f"b.md:1:1: warning near-duplicate-title: title '{second}' is nearly the same as "
            f"'{first}' (a.md) (merge the two notes, or make the titles clearly different)")


def test_exact_duplicate_titles_are_left_to_the_duplicate_name_error(make_vault) -> None:
    vault = make_vault({"concepts/a.md": "---\ntitle: Same\n---\n",
                        "concepts/b.md": "---\ntitle: same\n---\n"})
    assert near_duplicates(vault) == []
    assert [d.code for d in vault.errors] == ["duplicate-name"]


def test_title_key() -> None:
    assert title_key("The Lottery-Tickets, Revisited!") == title_key("the lottery ticket revisited")
    assert title_key("Tickets") == "ticket" and title_key("Class") == "class"


CONCEPTS = {
    "concepts/loss-landscape.md": "---\ntitle: Loss landscape\naliases: [loss surface]\n---\n"
                                  "The loss landscape is the loss as a function of weights.\n",
    "concepts/ntk.md": "---\ntitle: Neural tangent kernel\naliases: [NTK]\n---\nA kernel.\n",
    "concepts/lth.md": "---\ntitle: Lottery ticket hypothesis\n---\nSparse subnetworks.\n",
}


def test_suggestions_find_unlinked_concept_names(make_vault) -> None:
    vault = make_vault({**CONCEPTS, "n.md": (
        "# N\n"
        "The loss\nlandscape is rugged; the Loss-Landscape again (reported once).\n"
        "Skip `loss surface` in code, [[Lottery|loss surface]]-style labels, and\n"
        "$ntk + loss surface$ math, [loss surface](https://x.org) links, <i title=\"NTK\">x</i>.\n"
        "In the ntk regime (lower case is not the acronym) the NTK is fixed.\n"
        "## Loss surface in a heading is skipped\n"
        "A lottery ticket hypothesis test; the lottery tickets are not the phrase.\n")})
    assert [d.format() for d in extra_diagnostics(vault, suggest=True)] == [
        "n.md:2:5: info unlinked-concept: 'loss landscape' names the concept 'Loss landscape' "
        "(link it: [[Loss landscape|loss landscape]])",
        "n.md:6:55: info unlinked-concept: 'NTK' names the concept 'Neural tangent kernel' "
        "(link it: [[Neural tangent kernel|NTK]])",
        "n.md:8:3: info unlinked-concept: 'lottery ticket hypothesis' names the concept "
        "'Lottery ticket hypothesis' (link it: [[Lottery ticket hypothesis|lottery ticket "
        "hypothesis]])",
    ]
    assert extra_diagnostics(vault, suggest=False) == []


def test_no_suggestion_when_the_note_already_links_the_concept(make_vault) -> None:
    vault = make_vault({**CONCEPTS, "n.md": "See [[NTK]]. The neural tangent kernel is fixed.\n"
                                            "The loss surface too.\n"})
    assert [d.message for d in extra_diagnostics(vault, suggest=True)] == [
        "'loss surface' names the concept 'Loss landscape'"]


def test_a_concept_does_not_suggest_linking_itself(make_vault) -> None:
    vault = make_vault(CONCEPTS)
    assert extra_diagnostics(vault, suggest=True) == []


def test_phrase_pattern_is_one_trie_regex_that_prefers_the_longest_phrase() -> None:
    pattern = phrase_pattern(["loss", "loss landscape", "lossy", "NTK"])
    assert [m.group(0) for m in pattern.finditer(
        "loss landscape, loss, lossy, losses, NTK, ntk, xNTK")] == [
        "loss landscape", "loss", "lossy", "NTK"]
    assert pattern.pattern.count("loss") == 1  # shared prefixes are written once


def test_suggestions_scale_to_thousands_of_concepts() -> None:
    phrases = [f"concept number {i} of {w}" for i in range(3000) for w in ("a", "b")]
    text = ("A line of prose that mentions concept number 2999 of b and nothing else. " * 2000)
    start = time.perf_counter()
    pattern = phrase_pattern(phrases)
    matches = sum(1 for _ in pattern.finditer(text))
    elapsed = time.perf_counter() - start
    assert matches == 2000
    assert elapsed < 10, elapsed  # a loop per concept would take minutes; the trie takes ~1 s


def test_lint_cli_adds_the_rules_and_keeps_the_exit_code(tmp_path: Path) -> None:
    root = write_files(tmp_path / "v", {**CONCEPTS,
                                        "takes/t.md": "---\ntitle: T\ndate: 2024-01-01\n---\n"
                                                      "## Why\nThe NTK.\n"})
    result = CliRunner().invoke(main, ["--notes", str(root), "lint"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "takes/t.md:1:1: info no-confidence: take has no confidence (say how sure you are: "
        "'confidence: 0.8' in the frontmatter)",
        "takes/t.md:5:1: warning missing-claim: take note does not open with a claim paragraph "
        "(start the body with a claim paragraph, before any '##' heading)",
        "4 notes: 1 warning, 1 info"]
    suggest = CliRunner().invoke(main, ["--notes", str(root), "lint", "--suggest"])
    assert suggest.exit_code == 0
    assert suggest.output.splitlines()[-2:] == [
        "takes/t.md:6:5: info unlinked-concept: 'NTK' names the concept 'Neural tangent "
        "kernel' (link it: [[Neural tangent kernel|NTK]])", "4 notes: 1 warning, 2 infos"]
    write_files(root, {"b.md": "[[nowhere]]\n"})
    broken = CliRunner().invoke(main, ["--notes", str(root), "lint", "--suggest"])
    assert broken.exit_code == 1
    assert re.search(r"5 notes: 1 error, 1 warning, 2 infos\n$", broken.output)


def test_corpus_has_no_authoring_errors() -> None:
    corpus = Path(__file__).resolve().parent.parent / "notes"
    vault = load_vault(corpus)
    found = extra_diagnostics(vault, suggest=True)
    assert all(d.severity.value != "error" for d in found)
    assert [d.pos.path for d in found if d.code == "search-url-source"] == []
