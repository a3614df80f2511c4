"""The graph views and link previews in a real browser, on the corpus site served from localhost.

Uses the browser fixtures of `conftest.py` (the corpus built once, served on 127.0.0.1, pages
that record every request and block any that would leave the machine). Screenshots of the
global and local graph (light and dark) go to `test-artifacts/`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DNFA = "papers/mechanism-of-feature-learning.md"

pytestmark = pytest.mark.browser


@pytest.fixture
def recorded(visit) -> Iterator[object]:
    """A light-mode page; after the test, no script error and no request off localhost."""
    v = visit("light")
    yield v
    assert v.errors == []
    assert v.remote_requests() == []


@pytest.fixture
def page(recorded):
    return recorded.page


@pytest.fixture(scope="module")
def corpus_graph():
    from lemma.graph.concept import build_graph
    from lemma.vault import load_vault

    vault = load_vault(REPO / "notes")
    return vault, build_graph(vault)


def open_graph(page, base: str) -> None:
    page.goto(base + "graph/")
    page.wait_for_selector("[data-lemma-graph='global'][data-ready]", state="attached")


def test_global_graph_draws_one_node_per_note(recorded, base_url, corpus_graph) -> None:
    page = recorded.page
    vault, _ = corpus_graph
    open_graph(page, base_url)
    host = page.locator("[data-lemma-graph='global']")
    assert int(host.get_attribute("data-drawn")) == len(vault.notes)
    assert page.evaluate("document.querySelector('[data-lemma-graph]').lemmaGraph.m.n") == len(
        vault.notes)
    assert any(u.endswith("assets/lemma/graph.json") for u in recorded.requests)


def test_search_focuses_a_node_and_clicking_it_opens_the_note(page, base_url,
                                                              corpus_graph) -> None:
    vault, _ = corpus_graph
    title = vault.notes[DNFA].title
    open_graph(page, base_url)
    search = page.get_by_role("combobox", name="Find a note in the graph")
    search.fill(title[:20])
    page.get_by_role("option", name=title).wait_for()
    search.press("Enter")
    panel = page.locator(".lemma-graph-panel")
    panel.get_by_role("link", name=title).wait_for()
    page.wait_for_timeout(500)  # the camera glides to the node (unless motion is reduced)
    point = page.evaluate("""title => {
        const g = document.querySelector('[data-lemma-graph]').lemmaGraph;
        return g.view.screenOf(g.m.title.indexOf(title));
    }""", title)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function("t => document.querySelector('[data-lemma-graph]')"
                           ".getAttribute('data-hover') === t", arg=title)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/papers/mechanism-of-feature-learning/")
    assert page.locator("article h1").first.inner_text().startswith(title[:20])


def test_kind_and_tag_filters_hide_notes(page, base_url, corpus_graph) -> None:
    vault, _ = corpus_graph
    open_graph(page, base_url)
    concepts = sum(1 for n in vault.notes.values() if n.kind.value == "concept")
    page.locator(".lemma-graph-kind-concept").click()
    host = page.locator("[data-lemma-graph='global']")
    assert int(host.get_attribute("data-drawn")) == len(vault.notes) - concepts
    assert "of" in page.locator(".lemma-graph-status").inner_text()
    page.locator(".lemma-graph-kind-concept").click()
    tag = "interpretability"
    tagged = sum(1 for n in vault.notes.values() if tag in n.tags)
    page.get_by_label("Show notes with a tag").select_option(label=f"#{tag}")
    assert 0 < int(host.get_attribute("data-drawn")) == tagged


def test_local_graph_of_the_dnfa_note_holds_its_neighbours(recorded, base_url,
                                                           corpus_graph) -> None:
    page = recorded.page
    vault, graph = corpus_graph
    expected = {vault.notes[p].title for p in graph.neighbors(DNFA)}
    page.goto(base_url + "papers/mechanism-of-feature-learning/")
    page.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    host = page.locator("[data-lemma-graph='local']")
    data = json.loads(host.locator("script.lemma-graph-data").text_content())
    drawn = page.evaluate("document.querySelector('[data-lemma-graph=local]').lemmaGraph.view.m"
                          ".title.slice()")
    assert drawn[0] == vault.notes[DNFA].title
    assert set(drawn[1:]) == expected
    assert {row[0] for row in data["n"] if row[3] == 1} == expected
    listed = page.locator(".lemma-graph-alt a").all_text_contents()
    assert set(listed) == expected
    page.get_by_role("button", name="Show notes two links away").click()
    assert int(host.get_attribute("data-drawn")) > len(expected) + 1
    assert not any("graph.json" in u for u in recorded.requests)  # never the global data


def test_hover_and_focus_show_a_link_preview(page, base_url, corpus_graph) -> None:
    vault, _ = corpus_graph
    page.goto(base_url + "papers/mechanism-of-feature-learning/")
    link = page.locator("article a.lemma-wikilink").first
    href = link.get_attribute("href")
    before = page.locator("article").bounding_box()
    link.hover()
    preview = page.locator(".lemma-preview[data-shown]")
    preview.wait_for()
    title = preview.locator(".lemma-preview-title").inner_text()
    assert title in {n.title for n in vault.notes.values()}
    assert len(preview.locator(".lemma-preview-body").inner_text()) > 20
    assert page.locator("article").bounding_box() == before  # no layout shift
    page.mouse.move(5, 5)
    preview.wait_for(state="detached")
    link.focus()
    preview.wait_for()
    assert link.get_attribute("aria-describedby") == "lemma-preview"
    page.keyboard.press("Escape")
    preview.wait_for(state="detached")
    assert href


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(visit, base_url, scheme: str) -> None:
    """Screenshots for a person to look at (the global and the DNFA local graph)."""
    ARTIFACTS.mkdir(exist_ok=True)
    v = visit(scheme)
    pg = v.page
    open_graph(pg, base_url)
    pg.wait_for_timeout(200)
    pg.screenshot(path=str(ARTIFACTS / f"graph-global-{scheme}.png"))
    pg.goto(base_url + "papers/mechanism-of-feature-learning/")
    pg.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    section = pg.locator(".lemma-local")
    section.scroll_into_view_if_needed()
    pg.wait_for_timeout(200)
    section.screenshot(path=str(ARTIFACTS / f"graph-local-{scheme}.png"))
    assert v.errors == []
    assert (ARTIFACTS / f"graph-local-{scheme}.png").stat().st_size > 5000


def test_views_start_again_when_instant_navigation_swaps_the_page(recorded, base_url) -> None:
    """Material's instant navigation swaps the content and emits `document$` without running
    scripts again; the same swap is done here by hand, so the test holds however the theme
    decides whether a link is eligible for instant loading."""
    page = recorded.page
    page.goto(base_url + "papers/mechanism-of-feature-learning/")
    page.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    page.evaluate("""async () => {
        window.__sameDocument = true;
        const url = new URL("../../concepts/feature-learning/", location.href);
        const html = await (await fetch(url)).text();
        const next = new DOMParser().parseFromString(html, "text/html");
        history.pushState({}, "", url);
        document.querySelector(".md-content").replaceWith(next.querySelector(".md-content"));
        document$.next(document);
    }""")
    page.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    assert page.evaluate("window.__sameDocument === true")
    assert "Feature learning" in page.locator("[data-lemma-graph='local']").evaluate(
        "el => el.lemmaGraph.view.m.title[0]")
    page.locator("article a.lemma-wikilink").first.hover()
    page.locator(".lemma-preview[data-shown]").wait_for()


def test_keyboard_steps_through_notes_and_opens_one(recorded, base_url) -> None:
    page = recorded.page
    page.goto(base_url + "papers/mechanism-of-feature-learning/")
    page.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    canvas = page.locator(".lemma-graph-local canvas")
    canvas.focus()
    page.keyboard.press("n")
    live = page.locator(".lemma-graph-local [aria-live]")
    assert "Enter opens it" in live.text_content()
    chosen = live.text_content().split(",")[0]
    page.keyboard.press("Enter")
    page.wait_for_function("t => document.querySelector('article h1') &&"
                           " document.querySelector('article h1').textContent.includes(t)",
                           arg=chosen[:20])


def test_reduced_motion_moves_the_view_at_once(browser, base_url, corpus_graph) -> None:
    vault, _ = corpus_graph
    context = browser.new_context(viewport={"width": 1280, "height": 860},
                                  reduced_motion="reduce")
    page = context.new_page()
    open_graph(page, base_url)
    search = page.get_by_role("combobox", name="Find a note in the graph")
    search.fill(vault.notes[DNFA].title[:20])
    search.press("Enter")
    offset = page.evaluate("""() => {
        const g = document.querySelector('[data-lemma-graph]').lemmaGraph, v = g.view;
        const p = v.screenOf(v.selected), box = v.canvas.getBoundingClientRect();
        return Math.hypot(p.x - box.left - v.w / 2, p.y - box.top - v.h / 2);
    }""")
    context.close()
    assert offset < 1  # centred with no glide
