"""The citations test vault in chromium: a citation's hover text is the formatted reference,
the References section links the paper notes; the site search finds Chinese, Japanese and
Korean text and folds accents."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ARTIFACTS, serve_site
from tests.test_site_citations import build_vault, copy_vault

EXTRA = {
    "concepts/zheng-qie-he.md": "---\ntitle: 神经正切核\n---\n神经网络的正切核的定义与性质。\n",
    "concepts/gaiyou.md": "---\ntitle: 見出し\n---\nカーネル法の概要とニューラルネットワーク。\n",
    "concepts/keoneol.md": "---\ntitle: 커널 방법\n---\n신경망 접선 커널의 정의.\n",
    "concepts/ueberblick.md": "---\ntitle: Überblick\n---\n"
                              "Ein Überblick über Kernmethoden in Łódź.\n",
}


@pytest.fixture(scope="module")
def citations_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    root = copy_vault(tmp_path_factory.mktemp("citations-browser") / "p")
    for rel, text in EXTRA.items():
        (root / "notes" / rel).write_text(text, "utf-8")
    yml = (root / "mkdocs.yml").read_text("utf-8").replace("plugins:\n", "plugins:\n  - search\n")
    (root / "mkdocs.yml").write_text(yml, "utf-8")
    site = build_vault(root)
    with serve_site(site) as url:
        yield url


def test_citation_hover_text_and_references(visit, citations_url: str) -> None:
    v = visit()
    v.page.goto(citations_url + "concepts/kernel-regime/", wait_until="networkidle")
    cite = v.page.locator(".lemma-cite a", has_text="Erdős and Rényi (1959)")
    assert cite.get_attribute("title") == (
        "Erdős, P., & Rényi, A. (1959). On Random Graphs I. Publicationes Mathematicae, 6, "
        "290–297.")
    cite.click()
    assert v.page.url.endswith("#ref-erdos1959")
    entry = v.page.locator("#ref-erdos1959")
    assert entry.is_visible() and entry.inner_text().startswith("Erdős, P., & Rényi, A.")
    macros = v.page.locator("p", has_text="Macros:")
    assert macros.locator(".katex").count() == 2  # \RR, \norm and \grad are katex_macros
    assert macros.locator(".katex-error").count() == 0
    assert macros.locator(".katex .mathbb").count() == 2 and "∥∇f∥≤1" in macros.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    v.page.goto(citations_url + "concepts/kernel-regime/", wait_until="networkidle")
    v.page.screenshot(path=str(ARTIFACTS / "citations-page.png"), full_page=True)
    v.page.locator(".lemma-references a.lemma-ref-note").first.click()
    v.page.wait_for_url("**/papers/neural-tangent-kernel/")
    assert v.errors == []


@pytest.mark.parametrize(("query", "title"), [
    ("正切核", "神经正切核"),
    ("概要", "見出し"),
    ("접선", "커널 방법"),
    ("uberblick", "Überblick"),
    ("lodz", "Überblick"),
], ids=["chinese", "japanese", "korean", "umlaut", "stroke-l"])
def test_site_search_in_any_script(visit, citations_url: str, query: str, title: str) -> None:
    v = visit()
    v.page.goto(citations_url, wait_until="networkidle")
    box = v.page.locator("input.md-search__input")
    box.click()
    box.fill(query)  # as an input method enters text (typing key by key skips CJK)
    box.press("End")  # the search reacts to a key
    first = v.page.locator(".md-search-result__item").first
    first.wait_for(timeout=15000)
    v.page.wait_for_timeout(300)
    assert title in first.inner_text()
    assert v.errors == []
