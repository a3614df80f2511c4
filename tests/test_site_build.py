"""Whole-site builds of small vaults through MkDocs itself: strictness, determinism, output."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.conftest import write_files

MKDOCS_YML = """site_name: Test KB
docs_dir: notes
site_dir: site
theme:
  name: material
plugins:
  - search
  - lemma
"""

GOOD = {
    "papers/dnfa.md": "---\ntitle: DNFA paper\nauthors: [A. Rad, M. Belkin]\nyear: 2023\n"
                      "source: https://arxiv.org/abs/2212.13881\nstatus: read\ntags: [ml]\n---\n"
                      "## Summary\nThe ansatz, with $x^2$ and\n\n$$\\sum_i w_i = 1$$\n\n"
                      "## Opinion\nGood.\n",
    "concepts/tight-frame.md": "---\ntitle: Tight frame\n---\n"
                               "Used in [[DNFA paper#Summary|the summary]]. ![[fig.png]]\n",
    "takes/t.md": "---\ntitle: A take\ndate: 2024-05-01\nconfidence: 0.7\n---\n"
                  "See [[Tight frame]].\n",
    "fig.png": b"\x89PNG\r\n\x1a\n",
}


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build_site(project: Path, files: dict, strict: bool = True, yml: str = MKDOCS_YML) -> Path:
    """Write a project (mkdocs.yml + notes/) and build it in-process; return the site dir."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(yml, encoding="utf-8")
    write_files(project / "notes", files)
    config = load_config(config_file=str(project / "mkdocs.yml"), strict=strict)
    build(config)
    return project / "site"


def tree_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_build_renders_links_cards_backlinks_indexes_and_math(tmp_path):
    site = build_site(tmp_path / "p", GOOD)
    concept = (site / "concepts/tight-frame/index.html").read_text()
    assert 'href="../../papers/dnfa/#summary"' in concept and ">the summary</a>" in concept
    assert '<img alt="fig.png" src="../../fig.png"' in concept
    assert (site / "fig.png").is_file()
    paper = (site / "papers/dnfa/index.html").read_text()
    assert ('<a href="../authors/#author-a-rad">A. Rad</a>, '
            '<a href="../authors/#author-m-belkin">M. Belkin</a>') in paper
    assert "lemma-status-read" in paper
    assert '<link rel="alternate" type="application/atom+xml" title="Recent notes" ' \
           'href="../../feed.xml">' in paper
    assert "<title>DNFA paper</title>" in (site / "feed.xml").read_text()
    assert (site / "tags/ml/index.html").is_file()
    assert '<section class="lemma-section lemma-summary">' in paper
    assert ('<span class="arithmatex"><lemma-math data-search-exclude>'
            '<span class="katex">') in paper
    assert "\\(x^2\\)" not in paper  # typeset when built, not in the reader's browser
    assert '<span class="lemma-search-text" hidden>x²</span>' in paper
    assert "lemma-backlinks" in paper and 'href="../../concepts/tight-frame/"' in paper
    for page in ("index.html", "papers/index.html", "papers/authors/index.html",
                 "takes/index.html", "concepts/index.html", "tags/index.html"):
        assert (site / page).is_file(), page
    assert (site / "assets/lemma/katex/katex.min.css").is_file()
    assert not (site / "assets/lemma/katex/katex.min.js").exists()  # no KaTeX script shipped
    home = (site / "index.html").read_text()
    assert "katex.min.css" in home and "katex.min.js" not in home
    assert "fonts.googleapis" not in home


def test_no_page_references_a_remote_script_or_stylesheet(tmp_path):
    site = build_site(tmp_path / "p", GOOD)
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert '<script src="http' not in text and 'rel="stylesheet" href="http' not in text


@pytest.mark.parametrize(("extra", "expected"), [
    ({"takes/bad.md": "---\ntitle: Bad\ndate: 2024-01-01\n---\nline\nSee [[Missing note]].\n"},
     "takes/bad.md:6: broken-link"),
    ({"a/x.md": "x\n", "b/x.md": "x\n", "takes/amb.md": "---\ntitle: Amb\ndate: 2024-01-01\n"
      "---\n[[x]]\n"}, "takes/amb.md:5: ambiguous-link"),
    ({"takes/h.md": "---\ntitle: H\ndate: 2024-01-01\n---\n[[DNFA paper#Nowhere]]\n"},
     "takes/h.md:5: missing-heading"),
])
def test_bad_links_fail_strict_builds_with_path_and_line(tmp_path, caplog, extra, expected):
    caplog.set_level(logging.WARNING)
    with pytest.raises(Abort):
        build_site(tmp_path / "p", {**GOOD, **extra})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(expected in w for w in warnings), warnings


def test_broken_link_renders_visibly_in_a_lenient_build(tmp_path):
    files = {**GOOD, "takes/bad.md": "---\ntitle: Bad\ndate: 2024-01-01\n---\n[[Missing]]\n"}
    site = build_site(tmp_path / "p", files, strict=False)
    assert 'class="lemma-broken"' in (site / "takes/bad/index.html").read_text()


def test_two_builds_are_byte_identical(tmp_path):
    first = tree_digest(build_site(tmp_path / "a", GOOD))
    second = tree_digest(build_site(tmp_path / "b", GOOD))
    assert first == second
    assert "sitemap.xml.gz" in first


def test_builds_of_the_same_notes_in_two_clones_are_identical(tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH the build date comes from the notes' text, not file times."""
    sites = []
    for name, mtime in (("a", 1_700_000_000), ("b", 1_800_000_000)):  # two checkouts
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        project = tmp_path / name
        project.mkdir()
        yml = MKDOCS_YML + "site_url: https://kb.example.org/\n"  # so the sitemap has dates
        (project / "mkdocs.yml").write_text(yml, encoding="utf-8")
        for note in write_files(project / "notes", GOOD).rglob("*"):
            os.utime(note, (mtime, mtime))
        build(load_config(config_file=str(project / "mkdocs.yml"), strict=True))
        sites.append(project / "site")
    assert tree_digest(sites[0]) == tree_digest(sites[1])
    assert "<lastmod>2024-05-01</lastmod>" in (sites[0] / "sitemap.xml").read_text()


def test_navigation_lists_index_pages_not_every_note(tmp_path):
    files = dict(GOOD)
    for i in range(30):
        files[f"concepts/c{i:02d}.md"] = f"---\ntitle: Concept {i}\n---\nText [[Tight frame]].\n"
    site = build_site(tmp_path / "p", files)
    page = (site / "concepts/c00/index.html").read_text()
    assert page.count('href="../c29/"') == 0  # the sidebar does not list sibling notes
    concepts = (site / "concepts/index.html").read_text()
    assert 'href="c29/"' in concepts  # the index does
    assert "used by 31 notes" in concepts  # 30 concepts and the take link to Tight frame


def test_templates_folder_is_not_published(tmp_path):
    files = {**GOOD, "templates/paper.md": "---\ntitle: \"{{title}}\"\n---\n[[{{link}}]]\n"}
    site = build_site(tmp_path / "p", files)
    assert not (site / "templates").exists()


DERIVATIONS = {
    "papers/algebra.md": "---\ntitle: Algebra\nauthors: [Al Khwarizmi]\nyear: 1820\n"
                         "source: https://example.org/a\n---\n## Square\n\n"
                         "```derivation id=square\ntitle: Square of a sum\ngiven:\n  a, b: real\n"
                         "calc:\n     (a + b)**2\n  =  a**2 + 2*a*b + b**2   # expand\n"
                         "check:\n  a=1, b=1/2 => 9/4\n```\n\n"
                         "```derivation id=slip expect=invalid@1\ntitle: A slip\ngiven:\n"
                         "  a, b: real\ncalc:\n     (a + b)**2\n  =  a**2 + b**2\n```\n",
}
WRONG = ("```derivation id=wrong\ntitle: Wrong\ngiven:\n  a, b: real\ncalc:\n     (a - b)**2\n"
         "  =  a**2 - b**2\n```\n")


def _lemma_yml(cache: Path) -> str:
    return MKDOCS_YML.replace("  - lemma\n", f"  - lemma:\n      cache_dir: {cache}\n")


def test_derivations_render_with_badges_checks_and_counterexamples(tmp_path):
    site = build_site(tmp_path / "p", {**GOOD, **DERIVATIONS},
                      yml=_lemma_yml(tmp_path / "cache"))
    page = (site / "papers/algebra/index.html").read_text()
    assert 'id="square"' in page and "Square of a sum" in page
    assert "lemma-badge-proved" in page or "lemma-badge-verified" in page
    assert "\\frac{9}{4}" in page and "2.25" in page  # exact check value and its decimal
    assert "fails as intended" in page and "Counterexample" in page
    home = (site / "index.html").read_text()
    assert "1 derivation in the notes" in home and "Also 1 teaching example" in home


def test_unexpected_derivation_failure_fails_strict_with_path_and_line(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    files = {**GOOD, "takes/wrong.md": "---\ntitle: W\ndate: 2024-01-01\n---\n\n" + WRONG}
    with pytest.raises(Abort):
        build_site(tmp_path / "p", files, yml=_lemma_yml(tmp_path / "cache"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("takes/wrong.md:12: derivation 'wrong': link 1 fails")
               for w in warnings), warnings


def test_a_warm_build_reuses_the_checker_cache(tmp_path, monkeypatch):
    yml = _lemma_yml(tmp_path / "cache")
    build_site(tmp_path / "p", {**GOOD, **DERIVATIONS}, yml=yml)
    import lemma.derive.running.check

    def refuse(*args, **kwargs):
        raise AssertionError("a warm build must not check derivations again")

    monkeypatch.setattr(lemma.derive.running.check, "check_derivation", refuse)
    site = build_site(tmp_path / "q", {**GOOD, **DERIVATIONS}, yml=yml)
    assert "Square of a sum" in (site / "papers/algebra/index.html").read_text()


def test_display_math_on_one_line_and_align_environments(tmp_path):
    files = {**GOOD, "concepts/math.md": "---\ntitle: Math\n---\nText before\n$$a = b$$\n"
             "and after.\n\n\\begin{align}\nx &= 1 \\\\\ny &= 2\n\\end{align}\n"}
    page = (build_site(tmp_path / "p", files) / "concepts/math/index.html").read_text()
    typeset = '<div class="arithmatex"><lemma-math data-search-exclude><span class="katex-display">'
    assert page.count(typeset) == 2  # typeset when built: `$$a = b$$` and the align environment
    assert '<mtable' in page and "\\[a = b\\]" not in page


def test_serve_rebuild_reuses_the_vault_and_renders_the_edited_note(tmp_path):
    project = tmp_path / "p"
    build_site(project, GOOD)
    config = load_config(config_file=str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config)
    state = config.plugins["lemma"].state
    vault = state.vault
    take = project / "notes/takes/t.md"
    take.write_text(take.read_text() + "Edited: see [[DNFA paper]].\n", encoding="utf-8")
    os.utime(take, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    again = load_config(config_file=str(project / "mkdocs.yml"))
    build(again, dirty=True)
    assert again.plugins["lemma"].state is state and state.vault is vault  # caches reused
    assert state.changed == ["takes/t.md"]
    page = (project / "site/takes/t/index.html").read_text()
    assert "Edited: see" in page and 'href="../../papers/dnfa/"' in page
    assert state.graph is None or "takes/t.md" in {b.source for b in
                                                  state.backlinks("papers/dnfa.md")}
    # MkDocs keeps plugins that define on_startup for the whole process, with what it told
    # them: a later test's build is a plain build again (Material's search would stay dirty)
    again.plugins.on_startup(command="build", dirty=False)
