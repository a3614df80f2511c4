"""The search index and worker load when the search box is first used, not with every page,
and search still works when it is opened from the keyboard."""

from __future__ import annotations

import pytest

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
