"""The script that defers Material's search index: where it goes in a page."""

from __future__ import annotations

import pytest

from lemma.site.search_defer import MARK, defer_search_index, minify

PAGE = ('<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>'
        '<form class="md-search__form" name="search"></form></body></html>')


def test_the_script_comes_first_in_the_head_once() -> None:
    out = defer_search_index(PAGE)
    assert out.startswith(f'<!doctype html><html><head><script id="{MARK}">')
    assert out.count(MARK) == 1 and defer_search_index(out) == out
    assert "XMLHttpRequest" in out and "/*" not in out.split("</script>")[0]


@pytest.mark.parametrize("page", [
    PAGE.replace(' name="search"', ""),
    PAGE.replace("<head>", "<heading>"),
], ids=["no-search-box", "no-head"])
def test_pages_without_search_or_head_are_left_alone(page: str) -> None:
    assert defer_search_index(page) == page


def test_minify_drops_comments_and_blank_lines_only() -> None:
    assert minify("/* a\n b */\n  var x = 1; /* kept */\n\n/* c */\nf();\n") == \
        "var x = 1; /* kept */\nf();"
