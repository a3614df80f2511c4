"""Browser fixtures: the corpus site built once, served from localhost, driven by chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip browser tests only when there is no browser on the machine."""
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"no browser at {CHROMIUM}")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's notes built with the repository's mkdocs.yml (strict) into a tmp dir."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("corpus-site")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_site(site: Path) -> Iterator[str]:
    """A static server for a built site on 127.0.0.1, in a thread: its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(corpus_site: Path) -> Iterator[str]:
    """The corpus site, served."""
    with serve_site(corpus_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module: Playwright's sync API runs an event loop in this thread
    while it is open, which must be over before the asyncio tests (pytest-lsp) run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page whose every request is recorded (and any non-local one blocked)."""

    def __init__(self, browser: object, scheme: str = "light",
                 size: tuple[int, int] = (1280, 900)) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": size[0], "height": size[1]}, color_scheme=scheme)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        self.requests.append(url)
        if urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]


@pytest.fixture
def visit(browser: object) -> Iterator[object]:
    """`visit(scheme, size)` opens a fresh recorded page; contexts are closed after the test."""
    opened: list[Visit] = []

    def make(scheme: str = "light", size: tuple[int, int] = (1280, 900)) -> Visit:
        v = Visit(browser, scheme, size)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.context.close()
