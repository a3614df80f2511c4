"""What a page downloads: the search index and worker only when the search box is first used
(search still works from the keyboard, a click, a phone's icon), the DNFA page under 200 KB
gzipped with KaTeX's fonts cut to the site's characters."""

from __future__ import annotations

import gzip

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
DNFA = "papers/mechanism-of-feature-learning/"


def searched(requests: list[str]) -> list[str]:
    return [u for u in requests if "search_index.json" in u or "/workers/search" in u]


@pytest.mark.parametrize("opener", ["slash-key", "click", "phone-icon"])
def test_search_loads_its_index_only_when_used(visit, base_url, opener) -> None:
    v = visit("light", (390, 844) if opener == "phone-icon" else (1280, 900))
    v.page.goto(base_url + DNFA, wait_until="networkidle")
    v.page.wait_for_timeout(300)
    assert searched(v.requests) == []
    if opener == "slash-key":
        v.page.keyboard.press("/")
        v.page.keyboard.type("nabla")
    elif opener == "phone-icon":
        v.page.locator("label.md-header__button[for=__search]").click()
        v.page.locator("input.md-search__input").fill("nabla")
        v.page.keyboard.press("End")
    else:
        v.page.locator("input.md-search__input").click()
        v.page.locator("input.md-search__input").fill("nabla")
        v.page.keyboard.press("End")
    v.page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert len(searched(v.requests)) == 2  # the index and the worker, once each
    assert v.errors == []


def test_a_link_with_a_query_loads_the_index_at_once(visit, base_url) -> None:
    v = visit()
    v.page.goto(base_url + DNFA + "?q=nabla", wait_until="networkidle")
    assert len(searched(v.requests)) == 2
    assert v.errors == []


def test_the_dnfa_page_weighs_under_200_kb_gzipped_with_its_fonts_whole(visit, base_url) -> None:
    """Every response of the page load, gzipped as a server would; the subset KaTeX fonts load
    and draw every formula (no font falls back, none fails)."""
    v = visit()
    sizes: list[int] = []
    v.page.on("response", lambda r: sizes.append(len(gzip.compress(r.body(), 6))))
    v.page.goto(base_url + DNFA, wait_until="networkidle")
    v.page.evaluate("document.fonts.ready")
    fonts = v.page.evaluate("[...document.fonts].filter(f => f.family.includes('KaTeX'))"
                            ".map(f => [f.family, f.status])")
    assert ("KaTeX_Main", "loaded") in [tuple(f) for f in fonts]
    assert all(status != "error" for _, status in fonts)
    assert sum(sizes) <= 200_000, sum(sizes)
    ARTIFACTS.mkdir(exist_ok=True)
    v.page.locator(".lemma-derivation").first.screenshot(path=str(ARTIFACTS / "dnfa-math.png"))
