"""An Obsidian vault's page in chromium, light and dark: callouts, mermaid drawn offline by the
vendored library (fetched only by the page that has a diagram), no console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, serve_site
from tests.test_site_build import MKDOCS_YML, build_site
from tests.test_site_obsidian import VAULT

pytestmark = pytest.mark.browser
#: The light and dark palettes of the project's mkdocs.yml, following the browser's preference.
PALETTE = """  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
"""


@pytest.fixture(scope="module")
def obsidian_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yml = MKDOCS_YML.replace("  name: material\n", "  name: material\n" + PALETTE)
    site = build_site(tmp_path_factory.mktemp("obsidian-browser"), VAULT, strict=False, yml=yml)
    with serve_site(site) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_obsidian_page_renders_offline(visit, obsidian_url: str, scheme: str) -> None:
    v = visit(scheme)
    v.page.goto(obsidian_url + "Welcome/")
    v.page.wait_for_selector(".lemma-mermaid-figure svg", timeout=20000)
    assert v.page.locator("pre.lemma-mermaid").is_hidden()
    assert "Start" in v.page.locator(".lemma-mermaid-figure").inner_text()
    assert v.page.locator(".admonition.note .admonition-title").inner_text() == "A note callout"
    assert v.page.locator("details.tip").get_attribute("open") is None
    assert v.page.locator("mark").inner_text() == "marked"
    assert v.remote_requests() == [] and v.errors == []
    scheme_attr = v.page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme_attr == {"light": "default", "dark": "slate"}[scheme]
    Path(ARTIFACTS).mkdir(exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / f"obsidian-{scheme}.png"), full_page=True)


def test_mermaid_library_is_fetched_only_where_a_diagram_is(visit, obsidian_url: str) -> None:
    v = visit()
    v.page.goto(obsidian_url + "Other/")
    v.page.wait_for_load_state("networkidle")
    assert not any("mermaid.min.js" in url for url in v.requests)
    v.page.goto(obsidian_url + "Welcome/")
    v.page.wait_for_selector(".lemma-mermaid-figure svg", timeout=20000)
    assert any("mermaid.min.js" in url for url in v.requests)
