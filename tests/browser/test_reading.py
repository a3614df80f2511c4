"""What a reader meets on the corpus site, at phone (390×844) and desktop (1280×800) sizes.

Fails on: the page body overflowing sideways, a hub of the graph without a label, raw LaTeX
(`$…$`, `\\(`, `\\command`) visible in backlinks, link previews or search results, and any
serious or critical axe-core violation (axe is vendored under `tests/browser/vendor/`).
Screenshots (light/dark, desktop/phone) of home, the DNFA page, the graph and a search go to
`test-artifacts/reading-*.png`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lemma.vault import load_vault
from tests.browser.conftest import ARTIFACTS, REPO

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
DNFA = "papers/mechanism-of-feature-learning.md"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Raw TeX a reader should never see: a `$` not before a digit, `\(`, `\[`, or `\word`.
RAW_TEX = re.compile(r"\$(?!\d)|\\[(\[]|\\[A-Za-z]{2,}")

# Text nodes a reader sees, outside typeset formulas, hidden parts and code.
VISIBLE_TEXT = """(root) => {
  const out = [];
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('.katex, [hidden], script, code, pre, .lemma-search-text')) continue;
    if (!el.getClientRects().length) continue;
    out.push(n.textContent);
  }
  return out.join(' ');
}"""

# Elements of the article wider than the window that no scrolling box of their own contains.
OVERFLOW = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  for (const el of document.querySelectorAll('.md-content *, .md-header *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1) continue;
    let p = el.parentElement, held = false;
    for (; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      const scrolls = o === 'auto' || o === 'scroll' || o === 'hidden';
      if (scrolls && p.getBoundingClientRect().right <= W + 1) { held = true; break; }
    }
    if (!held) bad.push(el.tagName.toLowerCase() + '.' + (el.className.baseVal ?? el.className));
  }
  return {scroll: document.documentElement.scrollWidth, width: W, bad: bad.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def vault():
    return load_vault(REPO / "notes")


def url_of(path: str) -> str:
    return "" if path == "index.md" else path.removesuffix(".md") + "/"


def wide_pages(vault) -> list[str]:
    """Pages most likely to overflow: generated ones, one note per kind, every note with a
    derivation or display math."""
    pages = ["", "graph/", "tags/", "papers/", "concepts/", "papers/authors/"]
    pages += [f"tags/{t}/" for t in sorted({t for n in vault for t in n.tags})[:2]]
    kinds: dict[str, str] = {}
    for note in sorted(vault, key=lambda n: n.path):
        kinds.setdefault(note.kind.value, note.path)
        if "```derivation" in note.body or "$$" in note.body:
            pages.append(url_of(note.path))
    return sorted(set(pages) | {url_of(p) for p in kinds.values()})


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_no_page_overflows_the_window_sideways(visit, base_url, vault, size):
    v = visit("light", SIZES[size])
    failures = {}
    for url in wide_pages(vault):
        v.page.goto(base_url + url, wait_until="networkidle")
        v.page.wait_for_timeout(150)
        found = v.page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"] or found["bad"]:
            failures[url or "home"] = found
    assert failures == {}
    v.page.goto(base_url, wait_until="networkidle")  # the home table's verdicts in view
    verdicts = v.page.locator(".lemma-checked td:last-child .lemma-badge").all()
    assert verdicts and all(b.bounding_box()["x"] + b.bounding_box()["width"] <= SIZES[size][0]
                            for b in verdicts)
    assert v.errors == []


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_graph_labels_every_hub(visit, base_url, vault, size):
    from lemma.graph.concept import build_graph

    ranks = build_graph(vault).pagerank()
    hubs = {vault.notes[p].title for p in sorted(ranks, key=lambda p: (-ranks[p], p))[:8]}
    v = visit("light", SIZES[size])
    v.page.goto(base_url + "graph/")
    v.page.wait_for_selector("[data-lemma-graph='global'][data-ready]", state="attached")
    v.page.wait_for_timeout(300)
    labelled = set(v.page.evaluate("""() => { const g = document.querySelector(
        '[data-lemma-graph]').lemmaGraph; return g.view.labelled.map(i => g.m.title[i]); }"""))
    assert hubs - labelled == set()
    if size == "phone":  # the drawing fills the portrait frame: taller than wide
        extent = v.page.evaluate("""() => { const g = document.querySelector(
            '[data-lemma-graph]').lemmaGraph, m = g.m; let x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
            for (let i = 0; i < m.n; i++) { x0 = Math.min(x0, m.x[i]); x1 = Math.max(x1, m.x[i]);
              y0 = Math.min(y0, m.y[i]); y1 = Math.max(y1, m.y[i]); }
            return [(x1 - x0) * g.view.k, (y1 - y0) * g.view.k, g.view.w, g.view.h]; }""")
        width, height, stage_width, stage_height = extent
        # turned upright, and scaled until it meets the frame (less its 28 px padding) on one side
        assert height > width
        assert width >= 0.95 * (stage_width - 56) or height >= 0.95 * (stage_height - 56)
    assert v.errors == []


def test_the_local_graph_labels_its_note_and_keys_its_colours(visit, base_url):
    v = visit("light", SIZES["desktop"])
    v.page.goto(base_url + url_of(DNFA))
    v.page.wait_for_selector("[data-lemma-graph='local'][data-ready]", state="attached")
    v.page.wait_for_timeout(300)
    assert v.page.evaluate("document.querySelector('[data-lemma-graph=local]')"
                           ".lemmaGraph.view.labelled.includes(0)")
    side = v.page.locator(".md-sidebar--secondary .lemma-local-side [data-lemma-graph=local]")
    assert side.count() == 1 and side.is_visible()  # beside the text on a wide screen
    assert "Concept" in v.page.locator(".lemma-graph-legend").inner_text()
    toggle = v.page.locator(".lemma-graph-depth")
    toggle.click()
    assert toggle.inner_text() == "Show direct links only"
    toggle.click()
    assert toggle.inner_text() == "Show notes two links away"
    v.page.set_viewport_size({"width": 390, "height": 844})  # narrow: back under the text
    v.page.wait_for_selector("section.lemma-local [data-lemma-graph=local]", state="visible")
    assert v.page.locator(".lemma-local-side").is_hidden()
    assert v.errors == []


@pytest.mark.slow
def test_backlinks_typeset_their_math_and_name_the_kind_of_their_source(visit, base_url, vault):
    from lemma.graph.concept import build_graph

    graph = build_graph(vault)
    pages = sorted(p for p in vault.notes if any("$" in b.sentence for b in graph.backlinks(p)))
    assert pages  # the corpus has backlink sentences with formulas
    v = visit()
    for path in pages:
        v.page.goto(base_url + url_of(path), wait_until="networkidle")
        box = v.page.locator(".lemma-backlinks")
        text = v.page.evaluate(VISIBLE_TEXT, box.element_handle())
        assert not RAW_TEX.search(text), (path, RAW_TEX.search(text))
        assert box.locator(".katex").count() > 0
        kinds = {c.inner_text().strip().lower()
                 for c in box.locator(".lemma-chip").all()}
        expected = {vault.notes[b.source].kind.value for b in graph.backlinks(path)}
        assert kinds == {k.replace("take", "quick take") for k in expected}
    assert v.errors == []


def test_a_link_preview_shows_math_typeset(visit, base_url, vault):
    from lemma.graph.concept import build_graph

    graph = build_graph(vault)
    target = next(p for p in sorted(vault.notes) if "$" in first_paragraph(vault.notes[p].body)
                  and graph.backlinks(p))
    source = graph.backlinks(target)[0].source
    v = visit()
    v.page.goto(base_url + url_of(source), wait_until="networkidle")
    link = v.page.locator(f'article a[href*="{url_of(target).rstrip("/").rsplit("/", 1)[-1]}/"]')
    link.first.hover()
    preview = v.page.locator(".lemma-preview[data-shown]")
    preview.wait_for(timeout=5000)
    assert preview.locator(".katex").count() > 0
    text = v.page.evaluate(VISIBLE_TEXT, preview.element_handle())
    assert not RAW_TEX.search(text), text
    assert v.errors == []


def first_paragraph(body: str) -> str:
    return next((p for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith("#")),
                "")


DNFA_TITLE = "Mechanism of feature learning"


def search(v, base_url: str, query: str) -> None:
    """Open the site, type `query` in the search box and wait for its results."""
    v.page.goto(base_url, wait_until="networkidle")
    box = v.page.locator("input.md-search__input")
    box.click()
    box.fill(query)  # Material searches on keyup; fill types notation keys cannot
    v.page.keyboard.press("End")
    v.page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    v.page.wait_for_timeout(400)


@pytest.mark.parametrize(("query", "first"), [
    ("W^\\top", DNFA_TITLE), ("Wᵀ", DNFA_TITLE), ("W^T", DNFA_TITLE), ("∇", DNFA_TITLE),
    ("nabla", DNFA_TITLE), ("pseudoinverse", DNFA_TITLE), ("transpose", DNFA_TITLE),
    ("λ", None), ("lambda", None),
], ids=["tex-top", "unicode-t", "caret-t", "nabla-symbol", "nabla-word", "pseudoinverse",
        "transpose-word", "lambda-symbol", "lambda-word"])
def test_search_reads_notation_and_quotes_prose(visit, base_url, query, first):
    v = visit()
    search(v, base_url, query)
    pages = v.page.locator(".md-search-result__item > a:first-child h1")
    titles = [t.strip() for t in pages.all_inner_texts()]
    if first:
        assert titles[0].startswith(first), titles[:3]
    else:
        assert any(t.startswith(DNFA_TITLE) for t in titles), titles
    shown = v.page.locator(".md-search-result")
    text = v.page.evaluate(VISIBLE_TEXT, shown.element_handle())
    assert not RAW_TEX.search(text), RAW_TEX.search(text)
    assert "Linked from" not in text and "Also called" not in text  # prose, not the card
    assert "calc:" not in text and "given:" not in text  # nor a derivation's source
    assert v.errors == []


def test_a_symbol_and_its_name_find_the_same_pages(visit, base_url):
    found = {}
    for query in ("λ", "lambda"):
        v = visit()
        search(v, base_url, query)
        found[query] = sorted(v.page.locator(".md-search-result__item > a:first-child h1")
                              .all_inner_texts())
    assert found["λ"] == found["lambda"]


AXE_PAGES = {"home": "", "paper": url_of(DNFA), "take": "takes/publish-your-notes/",
             "concept": "concepts/tight-frame/", "graph": "graph/"}


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_with_the_search_open(visit, base_url, scheme):
    v = visit(scheme, SIZES["desktop"])
    search(v, base_url, "tight frame")
    v.page.add_script_tag(path=str(AXE))
    violations = v.page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})
        .then(r => r.violations.filter(x => x.impact === 'serious' || x.impact === 'critical')
        .map(x => x.id + ': ' + x.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))
        """)
    assert violations == []


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(visit, base_url, scheme):
    v = visit(scheme, SIZES["desktop"])
    found = {}
    for name, url in AXE_PAGES.items():
        v.page.goto(base_url + url, wait_until="networkidle")
        v.page.wait_for_timeout(300)
        v.page.add_script_tag(path=str(AXE))
        violations = v.page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})
            .then(r => r.violations.filter(x => x.impact === 'serious' || x.impact === 'critical')
            .map(x => x.id + ': ' + x.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))
            """)
        if violations:
            found[name] = violations
    assert found == {}


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_home_dnfa_graph_and_a_search(visit, base_url, scheme):
    ARTIFACTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        v = visit(scheme, (width, height))
        for name, url in (("home", ""), ("dnfa", url_of(DNFA)), ("graph", "graph/")):
            v.page.goto(base_url + url, wait_until="networkidle")
            v.page.wait_for_timeout(300)
            v.page.screenshot(path=str(ARTIFACTS / f"reading-{name}-{size}-{scheme}.png"))
        v.page.goto(base_url, wait_until="networkidle")
        if size == "phone":
            v.page.locator("label.md-header__button[for=__search]").click()
        v.page.locator("input.md-search__input").click()
        v.page.keyboard.type("tight frame")
        v.page.locator(".md-search-result__item").first.wait_for(timeout=15000)
        v.page.screenshot(path=str(ARTIFACTS / f"reading-search-{size}-{scheme}.png"))
        assert v.errors == []
        assert v.remote_requests() == []


class _VisibleText(HTMLParser):
    """Text a reader sees without JavaScript: outside script, style, code, pre, MathML's
    annotation and hidden elements."""

    SKIP = frozenset({"script", "style", "code", "pre", "annotation", "template", "textarea"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        hidden = tag in self.SKIP or any(k == "hidden" for k, _ in attrs)
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(hidden for _, hidden in self.stack):
            self.text.append(data)


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr", "path", "line", "rect", "circle", "use"})


def test_no_page_shows_a_katex_error_or_raw_tex_without_javascript(corpus_site):
    """Every page of the built site: formulas arrive typeset, so no script is needed."""
    bad = {}
    for page in sorted(corpus_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        parser = _VisibleText()
        parser.feed(html)
        text = " ".join(parser.text)
        problems = [p for p in ("katex-error", "lemma-math-error") if p in html]
        problems += re.findall(r"\\[(\[].{0,30}", text)[:2]
        if "katex.min.js" in html:
            problems.append("loads katex.min.js")
        if problems:
            bad[str(page.relative_to(corpus_site))] = problems
    assert bad == {}


@pytest.mark.parametrize("path", [DNFA, "papers/updating-the-lottery-ticket-hypothesis.md"],
                         ids=["dnfa", "lottery-ticket"])
def test_math_is_typeset_with_javascript_disabled(browser, base_url, path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + url_of(path), wait_until="load")
    assert page.locator(".arithmatex .katex").count() > 10
    assert page.locator(".lemma-derivation .katex").count() > 0
    assert page.locator(".arithmatex .arithmatex").count() == 0  # none nested
    text = page.evaluate(VISIBLE_TEXT, page.locator("article").element_handle())
    assert not re.search(r"\\[(\[]", text)
    context.close()


def test_a_phone_reaches_the_sections_from_on_this_page(visit, base_url):
    v = visit("light", SIZES["phone"])
    v.page.goto(base_url + url_of(DNFA), wait_until="networkidle")
    toc = v.page.locator("details.lemma-toc-phone")
    assert toc.is_visible() and toc.bounding_box()["y"] < 2 * SIZES["phone"][1]
    toc.locator("summary").click()
    link = toc.locator("a", has_text="Opinion")
    link.click()
    v.page.wait_for_timeout(500)
    box = v.page.locator("h2#opinion").bounding_box()
    assert 0 <= box["y"] < SIZES["phone"][1] / 2
    title = v.page.locator("article h1").bounding_box()
    assert title is not None
    v.page.goto(base_url + url_of(DNFA), wait_until="networkidle")
    assert v.page.locator("article h1").bounding_box()["height"] < 5 * 36  # at most 4 lines
    v.page.set_viewport_size({"width": 1280, "height": 800})  # wide: Material's own sidebar
    assert v.page.locator("details.lemma-toc-phone").is_hidden()
    assert v.errors == []
