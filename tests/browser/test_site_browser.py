"""The corpus site in headless chromium: navigation, backlinks, derivations, search, no network."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lemma.vault import load_vault
from tests.browser.conftest import ARTIFACTS, REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vault():
    return load_vault(REPO / "notes")


def url_of(path: str) -> str:
    """The site URL (relative to the root) of a vault note."""
    return "" if path == "index.md" else path.removesuffix(".md") + "/"


def dnfa_path(vault) -> str:
    return vault.find("DNFA paper").path


def test_home_loads_without_console_errors_or_remote_requests(visit, base_url):
    for scheme in ("light", "dark"):
        v = visit(scheme)
        v.page.goto(base_url, wait_until="networkidle")
        assert v.page.locator("h1").first.inner_text().strip()
        assert v.page.locator("text=Checked derivations").count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        v.page.screenshot(path=str(ARTIFACTS / f"site-home-{scheme}.png"), full_page=False)
        assert v.errors == []
        assert v.remote_requests() == []


def test_clicking_a_wikilink_opens_the_note_at_its_heading(visit, base_url, vault):
    source, link = next((p, r) for p, links in vault.resolved.items() for r in links
                        if r.ok and r.anchor and not r.is_attachment and not r.link.embed
                        and r.target != p and not r.link.heading.startswith("^"))
    v = visit()
    v.page.goto(base_url + url_of(source), wait_until="networkidle")
    anchor = v.page.locator(f'article a.lemma-wikilink[href$="#{link.anchor}"]').first
    anchor.click()
    v.page.wait_for_url(re.compile(re.escape(url_of(link.target)) + "#" + re.escape(link.anchor)))
    heading = v.page.locator(f'[id="{link.anchor}"]')
    heading.wait_for()
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled to the heading
    assert v.remote_requests() == []


def test_backlinks_list_the_notes_that_link_here(visit, base_url, vault):
    from lemma.graph.concept import build_graph

    path = dnfa_path(vault)
    expected = sorted({b.title for b in build_graph(vault).backlinks(path)})
    assert expected, "the DNFA note should be linked from other notes"
    v = visit()
    v.page.goto(base_url + url_of(path), wait_until="networkidle")
    shown = v.page.locator(".lemma-backlinks li.lemma-backlink > a").all_inner_texts()
    assert sorted(shown) == expected


def test_dnfa_note_shows_checked_derivations_with_typeset_math(visit, base_url, vault):
    v = visit()
    v.page.goto(base_url + url_of(dnfa_path(vault)), wait_until="networkidle")
    blocks = v.page.locator(".lemma-derivation")
    assert blocks.count() >= 3
    statuses = Counter()
    for badge in v.page.locator(".lemma-calc .lemma-badge").all():
        statuses[(badge.get_attribute("class") or "").split("lemma-badge-")[-1]] += 1
    assert statuses["proved"] + statuses["verified"] > 0
    teaching = v.page.locator(".lemma-derivation:has(.lemma-badge-teaching)").count()
    assert statuses["failed"] == teaching  # only teaching examples fail, one link each
    assert v.page.locator(".lemma-derivation .katex").count() > 10  # typeset by KaTeX
    assert v.page.locator(".lemma-derivation .lemma-math-error, .katex-error").count() == 0
    assert v.page.locator(".lemma-d-checks .lemma-ok").count() >= 1
    assert v.errors == [] and v.remote_requests() == []
    for scheme in ("light", "dark"):
        shot = visit(scheme)
        shot.page.goto(base_url + url_of(dnfa_path(vault)), wait_until="networkidle")
        shot.page.locator(".lemma-derivation").first.scroll_into_view_if_needed()
        shot.page.screenshot(path=str(ARTIFACTS / f"site-dnfa-{scheme}.png"))


def body_word(vault) -> tuple[str, str]:
    """A long word that occurs in exactly one note's body (and not in its title)."""
    seen: dict[str, set[str]] = {}
    for note in vault:
        text = re.sub(r"```.*?```|\$[^$]*\$|\[\[[^\]]*\]\]", " ", note.body, flags=re.S)
        for word in set(re.findall(r"\b[a-z]{10,}\b", text)):
            seen.setdefault(word, set()).add(note.path)
    word, paths = min(((w, p) for w, p in seen.items() if len(p) == 1
                       and w not in vault.notes[next(iter(p))].title.lower()),
                      key=lambda item: item[0])
    return word, next(iter(paths))


def test_search_finds_a_note_by_a_word_in_its_body(visit, base_url, vault):
    word, path = body_word(vault)
    v = visit()
    v.page.goto(base_url, wait_until="networkidle")
    v.page.locator("input.md-search__input").click()
    v.page.keyboard.type(word)
    result = v.page.locator(f'.md-search-result__item a[href*="{url_of(path)}"]').first
    result.wait_for(timeout=15000)
    assert result.is_visible()
    assert v.remote_requests() == []
