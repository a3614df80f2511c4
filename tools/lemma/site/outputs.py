"""The site-wide files written beside the pages once every URL is known: the Atom feed, the
redirect pages of `/` aliases and the extensions' files (`assets/lemma/graph.json`). Engine-free:
the MkDocs plugin writes them after its build, `lemma site prepare` into its folder."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from . import feed, file_dates, locations
from .context import SiteContext

log = logging.getLogger("mkdocs.plugins.lemma")


@dataclass(frozen=True)
class SiteInfo:
    """What the outputs need of the site's own settings."""

    name: str
    url: str = ""
    use_directory_urls: bool = True


def site_outputs(site: SiteContext, info: SiteInfo, taken: Iterable[str],
                 site_wide: bool = True) -> dict[str, str | bytes]:
    """Site-relative path -> content of every site-wide file (`taken`: the HTML files the
    pages occupy, which redirects never replace; `site_wide`: False leaves out the feed and
    the extensions' files, e.g. the graph data, which a preview writes in its next build). In
    the order they are written."""
    state = site.site_state
    out: dict[str, str | bytes] = {}
    if site_wide and site.options.indexes and state.vault is not None:
        out[feed.FEED] = feed_text(site, info)
    if state.vault is not None:
        out.update(locations.redirect_pages(state.vault, site.urls, set(taken),
                                            info.use_directory_urls))
    for hook in site.extensions.files if site_wide else ():
        out.update(sorted(hook(state).items()))
    return out


def feed_text(site: SiteContext, info: SiteInfo) -> str:
    """The Atom feed of recent notes (undated notes dated by git or file times, as configured);
    made again only when a note, URL or setting changed (not on every `serve` rebuild)."""
    state = site.site_state
    assert state.vault is not None
    mode = site.options.file_dates
    key = (info, site.options, tuple(state.vault.notes.values()), site.urls,
           os.environ.get("SOURCE_DATE_EPOCH"), mode != "off" and file_dates.head(state.root),
           mode == "mtime" and state.mtimes)
    memo = state.views.setdefault(__name__, {})
    if memo.get("feed_of") != key:
        memo.update(feed_of=key, feed=_feed_text(site, info))
    return memo["feed"]


def _feed_text(site: SiteContext, info: SiteInfo) -> str:
    state = site.site_state
    assert state.vault is not None
    mode = site.options.file_dates
    undated = [n.path for n in state.vault if feed.dated(n) is None]
    times = {} if mode == "off" or not undated else \
        file_dates.last_changed(state.root, undated, mode == "mtime")
    if len(times) < len(undated):
        log.info("feed.xml: %d notes have no date (frontmatter date, or a git commit "
                 "when the vault is in a repository; file_dates: mtime uses file "
                 "times)", len(undated) - len(times))
    built = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return feed.atom(state.vault, site.urls, info.name, info.url or "",
                     file_times=times, built=built)


def feed_link(page_url: str) -> str:
    """The `<link>` by which feed readers find the feed from the page at `page_url`."""
    from .urls import relative_url

    href = relative_url(feed.FEED, page_url)
    return f'<link rel="alternate" type="application/atom+xml" title="Recent notes" href="{href}">'
