"""An Obsidian vault published by the site: private text never leaves the vault, and everyday
Obsidian Markdown renders as Obsidian shows it (checked on the built HTML)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_site_build import MKDOCS_YML, build_site

#: Words that appear only in private places: comments, private notes, what only they embed.
SECRETS = ("INLINESECRET", "BLOCKSECRET", "PRIVATEBODY", "PRIVATETITLE", "PRIVATEALIAS",
           "privatetag", "DRAFTBODY", "secret-figure", "SECRETPIXELS", "EMBEDSECRET",
           "BACKLINKSECRET", "SECRETDERIV")

VAULT = {
    "Welcome.md": (
        "# Welcome\n\nTagged #obsidian and #project/alpha. A %%INLINESECRET [[Hidden]]%% remark.\n"
        "\n%%\nBLOCKSECRET over\nlines [[Other]]\n"
        "```derivation id=SECRETDERIV\ngiven:\n  x: real\ncalc:\n  x + x\n  = 2*x\n```\n%%\n\n"
        "Links to [[plan|our plan]], [the draft](draft.md) and [[Other#Überblick]] "
        "%%BACKLINKSECRET%%too.\n\n"
        "==marked== ~~gone~~ and a note^[Inline **footnote** text.] at https://example.org/x\n\n"
        "- [ ] open task\n- [x] done task\n\n"
        "> [!note] A note callout\n> Body with [[Other]].\n\n"
        "> [!tip]- Folded tip\n> Hidden.\n> > [!warning] Nested warning\n> > Inner.\n\n"
        "![[pic.png|120x60]]\n\n"
        '<div class="box">\nRaw HTML with [[Other]] and #htmltag.\n![[pic.png|40]]\n</div>\n\n'
        "```mermaid\ngraph TD\n  A[Start] --> B[Done]\n```\n\n"
        "![[Other#^blk]]\n\n![[Other#^blk]]\n"
    ),
    "Other.md": "# Other\n\n## Überblick\n\nA block to embed. %%EMBEDSECRET%% ^blk\n\n"
                "Back to [[Welcome]].\n",
    "plan.md": "---\ntitle: PRIVATETITLE\npublish: false\naliases: [PRIVATEALIAS]\n"
               "tags: [privatetag]\n---\nPRIVATEBODY links [[Welcome]] #privatetag\n"
               "![[secret-figure.png]]\n",
    "draft.md": "---\ndraft: true\n---\nDRAFTBODY [[Other]]\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
    "secret-figure.png": b"\x89PNG\r\n\x1a\nSECRETPIXELS",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    yml = MKDOCS_YML + "site_url: https://example.org/kb/\n"  # so the sitemap lists pages
    return build_site(tmp_path_factory.mktemp("obsidian"), VAULT, strict=False, yml=yml)


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def article(site: Path, name: str) -> str:
    html = page(site, name)
    return html[html.index("<article"): html.index("</article>")]


def test_no_private_text_in_any_output_file(site: Path) -> None:
    leaks = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        leaks += [f"{path.relative_to(site)}: {s}" for s in SECRETS if s.encode() in data]
    assert leaks == []


def test_private_notes_have_no_page_and_links_to_them_are_plain_text(site: Path) -> None:
    assert not (site / "plan").exists() and not (site / "draft").exists()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/kb/Welcome/" in sitemap
    assert "/plan/" not in sitemap and "/draft/" not in sitemap
    html = article(site, "Welcome")
    assert "Links to our plan, the draft and" in html and " too.</p>" in html
    assert "lemma-broken" not in html.split("Links to")[1].split("</p>")[0]


def test_backlinks_and_graph_leave_private_notes_out(site: Path) -> None:
    welcome = page(site, "Welcome")
    backlinks = welcome[welcome.index('class="lemma-backlinks'):]
    assert "Other" in backlinks and "plan" not in backlinks
    graph = (site / "assets/lemma/graph.json").read_text(encoding="utf-8")
    assert "plan" not in graph and "draft" not in graph


RENDERED = [
    ("inline-tag", '<a class="lemma-tag lemma-inline-tag" href="../tags/project/alpha/">'
                   "#project/alpha</a>"),
    ("highlight", "<mark>marked</mark>"),
    ("strike", "<del>gone</del>"),
    ("task", '<input type="checkbox" disabled checked/>'),
    ("bare-url", '<a href="https://example.org/x">https://example.org/x</a>'),
    ("inline-footnote", "<p>Inline <strong>footnote</strong> text.&#160;"),
    ("callout", '<div class="admonition note">\n<p class="admonition-title">A note callout</p>'),
    ("foldable-nested", '<details class="tip">\n<summary>Folded tip</summary>\n<p>Hidden.</p>\n'
                        '<div class="admonition warning">'),
    ("image-size", 'height="60" src="../pic.png" width="120"'),
    ("link-in-raw-html", 'Raw HTML with <a class="lemma-wikilink" href="../Other/">Other</a> and '
                         '<a class="lemma-tag lemma-inline-tag" href="../tags/htmltag/">'
                         "#htmltag</a>."),
    ("image-in-raw-html", '<img src="../pic.png" alt="pic.png" width="40">'),
    ("mermaid-source", '<pre class="lemma-mermaid" data-label="Mermaid diagram (source)"><code>'
                       "graph TD\n  A[Start] --&gt; B[Done]</code></pre>"),
    ("heading-link", 'href="../Other/#uberblick"'),
]


@pytest.mark.parametrize("expected", [c[1] for c in RENDERED], ids=[c[0] for c in RENDERED])
def test_obsidian_markdown_renders(site: Path, expected: str) -> None:
    assert expected in article(site, "Welcome")


def test_nothing_obsidian_stays_raw(site: Path) -> None:
    html = article(site, "Welcome")
    for raw in ("[!note]", "[!tip]", "==marked", "~~gone", "^[", "[ ]", "{: .lemma", "%%"):
        assert raw not in html


def test_ids_are_unique_when_a_block_is_embedded_twice(site: Path) -> None:
    ids = re.findall(r'\sid="([^"]+)"', article(site, "Welcome"))
    assert len(ids) == len(set(ids))
    assert article(site, "Welcome").count('class="lemma-embed"') == 2


def test_inline_tags_are_on_the_tags_page(site: Path) -> None:
    tags = article(site, "tags")
    assert 'href="project/alpha/"' in tags and 'href="obsidian/"' in tags
    assert "Welcome" in (site / "tags" / "project" / "alpha" / "index.html").read_text("utf-8")


def test_mermaid_library_is_loaded_only_by_pages_with_a_diagram(site: Path) -> None:
    assert (site / "assets/lemma/mermaid/mermaid.min.js").stat().st_size > 1_000_000
    for html in (page(site, "Welcome"), page(site, "Other")):
        assert "mermaid.min.js" not in html  # the small loader fetches it on demand
    assert "pre.lemma-mermaid" in (site / "assets/lemma/lemma-mermaid.js").read_text()


def test_unicode_slugify_gives_heading_links_the_page_ids(tmp_path: Path) -> None:
    yml = ("site_name: T\ndocs_dir: notes\nsite_dir: site\ntheme:\n  name: material\n"
           "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:"
           "pymdownx.slugs.slugify {kwds: {case: lower}}\nplugins:\n  - lemma\n")
    files = {"a.md": "# A\n\n## Überblick\n\n## 概要\n\n[[#Überblick]] [[#概要]] [[b#Überblick]]\n",
             "b.md": "# B\n\n## Überblick\n"}
    site = build_site(tmp_path, files, yml=yml)
    html = article(site, "a")
    assert 'id="überblick"' in html and 'id="概要"' in html
    assert 'href="#überblick"' in html and 'href="#概要"' in html
    assert 'href="../b/#überblick"' in html


def test_a_note_may_embed_its_own_section_and_warnings_name_file_lines(tmp_path: Path,
                                                                       caplog) -> None:
    files = {"a.md": "---\ntitle: A\n---\n\n\n## One\n\nFirst part.\n\n## Two\n\n![[#One]]\n"
                     "[[Nowhere]]\n"}
    site = build_site(tmp_path, files, strict=False)
    html = article(site, "a")
    assert '<div class="lemma-embed">' in html and html.count("First part.") == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [w for w in warnings if "cycle" in w] == []
    assert any(w.startswith("a.md:13: broken-link: [[Nowhere]]") for w in warnings)
