"""The committed Obsidian vault in chromium at phone and desktop width, light and dark: lists
nest and number as in Obsidian, audio plays in an <audio> element, the canvas board and the
base table show, the feed's ids come from site_url. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import ARTIFACTS, serve_site
from tests.test_site_publish_vault import build_vault_site

pytestmark = pytest.mark.browser
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

#: The deepest list nesting inside the article, and each ordered list's numbers as shown.
LISTS_JS = """() => {
  const art = document.querySelector('article');
  const depth = el => { let d = 0; for (let p = el; p && p !== art; p = p.parentElement)
    if (p.tagName === 'UL' || p.tagName === 'OL') d++; return d; };
  const lists = [...art.querySelectorAll('ul, ol')].filter(l => !l.closest('nav'));
  return {
    depth: Math.max(...lists.map(depth)),
    ordered: [...art.querySelectorAll('ol')].map(ol =>
      [...ol.children].map((li, i) => (ol.start || 1) + i)),
    styles: [...art.querySelectorAll('ol')].map(ol => getComputedStyle(ol).listStyleType),
    visible: lists.every(l => l.getBoundingClientRect().width > 0),
  };
}"""


@pytest.fixture(scope="module")
def vault_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_vault_site(tmp_path_factory.mktemp("publish-browser"))
    with serve_site(site) as url:
        yield url


def shot(v, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / f"publish-{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_lists_nest_and_number_as_in_obsidian(visit, vault_url: str, size: str,
                                              scheme: str) -> None:
    v = visit(scheme, SIZES[size])
    v.page.goto(vault_url + "steps/")
    found = v.page.evaluate(LISTS_JS)
    assert found["depth"] == 3 and found["visible"]
    assert found["ordered"] == [[1, 2, 3], [1, 2]]  # steps, and the sub-steps of step 1
    assert found["styles"] == ["decimal", "decimal"]  # 1. 2., not a. b., as in Obsidian
    sub = v.page.locator("article ol > li").first.locator("ol > li")
    assert sub.all_inner_texts()[0].startswith("Pick your platform")
    home = visit(scheme, SIZES[size])
    home.page.goto(vault_url)
    assert home.page.locator("article ol > li").all_inner_texts() == ["first", "second", "third"]
    assert home.page.locator("article p br").count() >= 1  # a single line break shows
    shot(v, f"steps-{size}-{scheme}")
    assert v.errors == [] and v.remote_requests() == []


@pytest.mark.parametrize("size", SIZES)
def test_media_embeds_are_players(visit, vault_url: str, size: str) -> None:
    v = visit("light", SIZES[size])
    v.page.goto(vault_url + "Guides/Media/")
    audio = v.page.locator("article audio[controls]")
    assert audio.count() == 1 and audio.bounding_box()["width"] > 150
    assert v.page.locator("article video[controls]").count() == 1
    assert v.page.locator('article object[type="application/pdf"]').count() == 1
    title = v.page.locator(".lemma-embed-title").inner_text()
    assert title == "Steps"  # a block embed is titled with its note
    shot(v, f"media-{size}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_canvas_and_base_pages(visit, vault_url: str, size: str, scheme: str) -> None:
    v = visit(scheme, SIZES[size])
    v.page.goto(vault_url + "Map.canvas/")
    board = v.page.locator(".lemma-canvas-board svg")
    assert board.bounding_box()["width"] > (600 if size == "desktop" else 300)
    assert v.page.locator(".lemma-canvas-board .lemma-canvas-node").count() == 4
    assert v.page.locator(".lemma-canvas-card a", has_text="Steps").count() == 1
    shot(v, f"canvas-{size}-{scheme}")
    v.page.goto(vault_url + "Library.base/")
    rows = v.page.locator(".lemma-base-table tbody tr")
    assert [r.split("\t")[0] for r in rows.all_inner_texts()] == ["Dune", "Emma"]
    assert v.page.locator(".lemma-base-card").count() == 1
    shot(v, f"base-{size}-{scheme}")
    assert v.errors == []


def test_feed_ids_from_site_url(visit, vault_url: str) -> None:
    v = visit()
    v.page.goto(vault_url)
    feed = v.page.evaluate("() => fetch('feed.xml').then(r => r.text())")
    assert "<id>https://vault.example.org/docs/feed.xml</id>" in feed
