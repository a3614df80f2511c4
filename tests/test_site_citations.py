"""Citations on the site: the committed test vault built with MkDocs (author–year links whose
title is the reference, a References section per citing page, unknown keys failing --strict)."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

VAULT = Path(__file__).parent / "citations_vault"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def copy_vault(root: Path, clean: bool = True) -> Path:
    """The test vault; `clean`: without its deliberate mistakes (duplicate and unknown keys)."""
    shutil.copytree(VAULT, root, ignore=shutil.ignore_patterns(".lemma-cache", "site"))
    if clean:
        (root / "notes/papers/grokking-copy.md").unlink()
        concept = root / "notes/concepts/kernel-regime.md"
        text = concept.read_text("utf-8").replace(", and an undefined $\\nrom{x}$", "")
        concept.write_text(re.sub(r"Mistyped: .*\n", "", text), "utf-8")
    return root


def build_vault(root: Path, strict: bool = True) -> Path:
    build(load_config(config_file=str(root / "mkdocs.yml"), strict=strict))
    return root / "site"


def paragraph_of(page: str, words: str) -> str:
    return next(p for p in re.findall(r"<p>.*?</p>", page, re.DOTALL) if words in p)


def test_citation_groups_render_as_author_year_links(tmp_path: Path) -> None:
    site = build_vault(copy_vault(tmp_path / "p"))
    page = (site / "concepts/kernel-regime/index.html").read_text("utf-8")
    first = paragraph_of(page, "lazy) regime")
    assert ('<span class="lemma-cite">(see <a href="../../papers/grokking/" title="Power, A., '
            '&amp; Burda, Y., Edwards, H., Babuschkin, I., &amp; Misra, V. (2022).') not in first
    assert ('(see <a href="../../papers/grokking/" title="Power, A., Burda, Y., Edwards, H., '
            'Babuschkin, I., &amp; Misra, V. (2022). Grokking: Generalization Beyond '
            'Overfitting on Small Algorithmic Datasets. https://arxiv.org/abs/2201.02177">'
            'Power et al., 2022</a>; <a href="#ref-mueller2020" title="Müller, J., &amp; de la '
            'Fuente, A. (2020). Überblick über Kernmethoden. Zeitschrift für Lernen, 3(2).">'
            'Müller &amp; de la Fuente, 2020, p. 12</a>)</span>') in first
    assert ">Erdős and Rényi (1959)</a></span>" in first
    assert ">Jacot et al. (2018, p. 3)</a></span>" in first
    assert "<code>@jacot2018</code>" in page and "social.example/@jacot2018</a>" in page
    ids = re.findall(r'<li id="(ref-[^"]+)">', page)
    assert ids == ["ref-erdos1959", "ref-goodfellow2016", "ref-jacot2018", "ref-mueller2020",
                   "ref-power2022"]
    assert '<h2 id="references">References</h2>' in page
    assert '<a class="lemma-ref-note" href="../../papers/neural-tangent-kernel/">(note)</a>' \
        in page


def test_suppressed_author_and_the_cited_notes_backlinks(tmp_path: Path) -> None:
    site = build_vault(copy_vault(tmp_path / "p"))
    take = (site / "takes/lazy-is-not-enough/index.html").read_text("utf-8")
    assert ">2022</a>)</span>" in take
    assert "Jacot et al., 2018</a>; <a href=\"#ref-goodfellow2016\"" in take
    paper = (site / "papers/neural-tangent-kernel/index.html").read_text("utf-8")
    backlinks = paper[paper.index('<section class="lemma-backlinks"'):]
    assert "Lazy training is not enough" in backlinks and "Kernel regime" in backlinks


def test_a_page_that_cites_nothing_has_no_references(tmp_path: Path) -> None:
    site = build_vault(copy_vault(tmp_path / "p"))
    page = (site / "papers/grokking/index.html").read_text("utf-8")
    assert "lemma-references" in page  # it cites itself and @jacot2018
    (tmp_path / "p/site").rename(tmp_path / "old")
    note = tmp_path / "p/notes/papers/grokking.md"
    note.write_text(re.sub(r"\[@power2022, fig\. 1\]|@jacot2018", "", note.read_text("utf-8")),
                    "utf-8")
    page = (build_vault(tmp_path / "p") / "papers/grokking/index.html").read_text("utf-8")
    assert "lemma-references" not in page and 'id="references"' not in page


def test_an_unknown_citekey_fails_a_strict_build_with_its_place(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING)
    root = copy_vault(tmp_path / "p")
    (root / "notes/papers/grokking-copy.md").unlink(missing_ok=True)
    concept = root / "notes/concepts/kernel-regime.md"
    concept.write_text(concept.read_text("utf-8") + "\nMistyped: [@jacto2018].\n", "utf-8")
    with pytest.raises(Abort):
        build_vault(root)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("concepts/kernel-regime.md:14") and "@jacto2018" in w
               for w in warnings), warnings
    page = (build_vault(root, strict=False) / "concepts/kernel-regime/index.html").read_text()
    assert ('<span class="lemma-broken" title="unknown citekey" data-target="@jacto2018">'
            '@jacto2018</span>') in page


def test_katex_macros_reach_the_typesetting_and_the_search_words(tmp_path: Path) -> None:
    site = build_vault(copy_vault(tmp_path / "p"))
    page = (site / "concepts/kernel-regime/index.html").read_text("utf-8")
    assert "katex-error" not in page and '<span class="mord mathbb">R</span>' in page
    words = re.findall(r'<span class="lemma-search-text" hidden>([^<]*)</span>', page)
    assert "f: ℝⁿ → ℝ" in words and "‖ ∇ f ‖ ≤ 1" in words  # macros expanded


def test_without_the_macros_their_commands_are_typesetting_errors(tmp_path: Path,
                                                                 caplog) -> None:
    caplog.set_level(logging.WARNING)
    root = copy_vault(tmp_path / "p")
    yml = root / "mkdocs.yml"
    yml.write_text(re.sub(r"      katex_macros:\n(        .*\n)+", "", yml.read_text("utf-8")),
                   "utf-8")
    site = build_vault(root, strict=False)
    page = (site / "concepts/kernel-regime/index.html").read_text("utf-8")
    assert '<mtext>\\RR</mtext>' in page and '<span class="mord mathbb">R</span>' not in page
    assert any(r.getMessage().startswith("concepts/kernel-regime.md:12: KaTeX cannot typeset")
               and "Undefined control sequence: \\RR" in r.getMessage() for r in caplog.records)
