"""The site's renderers on their own: wikilinks, embeds, cards, sections, indexes, source math."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from lemma.model import NoteKind, SourcePos
from lemma.site import indexes, render_notes
from lemma.site.render_derivations import block_spans, unexpected_failures
from lemma.site.render_links import LinkRenderer, relative_url

FILES = {
    "papers/dnfa.md": "---\ntitle: DNFA paper\nauthors: [A. Rad]\nyear: 2023\n"
                      "source: https://arxiv.org/abs/2212.13881\nstatus: read\ntags: [ml]\n---\n"
                      "## Summary\nThe ansatz. ^claim\n\n"
                      "## The reduction to a tight frame\nText.\n",
    "concepts/tight-frame.md": "---\ntitle: Tight frame\naliases: [TF]\n---\n"
                               "See [[DNFA paper#The reduction to a tight frame|the reduction]], "
                               "[[dnfa]], [[Nope]] and [[dnfa#^claim]].\n",
    "concepts/loop-a.md": "---\ntitle: Loop A\n---\n![[Loop B]]\n",
    "concepts/loop-b.md": "---\ntitle: Loop B\n---\nB text ![[Loop A]]\n",
    "takes/t.md": "---\ntitle: A take\ndate: 2024-05-01\nconfidence: 70%\n---\nbody\n",
    "img/fig.png": b"\x89PNG",
}


@pytest.fixture
def vault(make_vault):
    return make_vault(FILES)


def render(vault, path: str, problems: list | None = None) -> str:
    found = [] if problems is None else problems
    renderer = LinkRenderer(vault, lambda pos, msg: found.append((pos, msg)))
    note = vault.notes[path]
    return renderer.render(note.body, note, note.body_line)


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("concepts/a.md", "concepts/b.md", "b.md"),
    ("concepts/a.md", "papers/b.md", "../papers/b.md"),
    ("a.md", "papers/b.md", "papers/b.md"),
    ("papers/x/a.md", "img/f.png", "../../img/f.png"),
])
def test_relative_url_between_vault_files(source, target, expected):
    assert relative_url(source, target) == expected


def test_wikilinks_become_relative_markdown_links_with_heading_anchors(vault):
    out = render(vault, "concepts/tight-frame.md")
    assert "[the reduction](../papers/dnfa.md#the-reduction-to-a-tight-frame)" in out
    assert "[dnfa](../papers/dnfa.md)" in out  # the label as written
    assert r"[dnfa \> ^claim](../papers/dnfa.md#claim)" in out


def test_broken_link_is_reported_with_its_line_and_rendered_visibly(vault):
    problems: list = []
    out = render(vault, "concepts/tight-frame.md", problems)
    assert [(pos.path, pos.line) for pos, _ in problems] == [("concepts/tight-frame.md", 5)]
    assert "Nope" in problems[0][1]
    assert '<span class="lemma-broken"' in out and ">Nope</span>" in out


def test_block_ids_become_anchors(vault):
    out = render(vault, "papers/dnfa.md")
    assert 'The ansatz. <a id="claim" class="lemma-block-id"></a>' in out


def test_embed_cycle_is_cut_and_reported(vault):
    problems: list = []
    out = render(vault, "concepts/loop-a.md", problems)
    assert "B text" in out  # Loop B is transcluded once
    assert len(problems) == 1 and "embed cycle" in problems[0][1]
    assert "concepts/loop-a.md -> concepts/loop-b.md -> concepts/loop-a.md" in problems[0][1]
    assert 'class="lemma-broken"' in out


def test_embedded_section_is_transcluded_with_links_relative_to_the_host(make_vault):
    v = make_vault({
        "a.md": "---\ntitle: A\n---\n![[deep/b#Part]]\n",
        "deep/b.md": "---\ntitle: B\n---\n## Part\nSee [[c]] and ![[fig.png]].\n## Other\nno\n",
        "deep/c.md": "C\n",
        "deep/fig.png": b"\x89PNG",
    })
    out = render(v, "a.md")
    assert "[c](deep/c.md)" in out and "![fig.png](deep/fig.png)" in out
    assert "no" not in out.split("</div>")[-2]  # the next section is not included
    assert '<div class="lemma-embed"' in out


def test_paper_card_shows_authors_year_source_status_and_tags(vault):
    urls = {"tags/ml.md": "../../tags/ml/", "papers/index.md": "../", "index.md": "../../"}
    card = render_notes.header_card(vault.notes["papers/dnfa.md"], urls.get)
    for text in ("A. Rad", "2023", "arxiv.org ↗", "lemma-status-read", 'href="../../tags/ml/"',
                 'Breadcrumb" data-search-exclude><a href="../../">Home</a>',
                 'href="../" class="lemma-kind-name">Paper</a>',
                 "<dt>Reading time</dt> <dd>1 min</dd>"):
        assert text in card


def test_take_card_shows_confidence(vault):
    card = render_notes.header_card(vault.notes["takes/t.md"], lambda p: None)
    assert 'value="70"' in card and "2024-05-01" in card


def test_summary_and_opinion_sections_are_wrapped():
    html = '<p>x</p><h2 id="summary">Summary</h2><p>a</p><h2 id="opinion">Opinion</h2><p>b</p>'
    out = render_notes.style_sections(html)
    assert '<section class="lemma-section lemma-summary"><h2 id="summary">' in out
    assert '<section class="lemma-section lemma-opinion"><h2 id="opinion">' in out
    assert out.startswith("<p>x</p>")


def test_lists_right_after_a_paragraph_get_a_blank_line_but_code_is_untouched():
    text = "Intro:\n- a\n- b\n\n```\nx:\n- y\n```\n"
    assert render_notes.separate_lists(text) == "Intro:\n\n- a\n- b\n\n```\nx:\n- y\n```\n"


def test_backlinks_group_sentences_by_source():
    links = [SimpleNamespace(source="b.md", title="B", line=1, sentence="One."),
             SimpleNamespace(source="b.md", title="B", line=2, sentence="One."),
             SimpleNamespace(source="c.md", title="C", line=3, sentence="Two.")]
    html = render_notes.backlinks_html(links, lambda p: p.replace(".md", "/"),
                                       {"b.md": NoteKind.PAPER})
    assert html.count("<blockquote>One.</blockquote>") == 1
    assert '<a href="b/">B</a>' in html and '<a href="c/">C</a>' in html
    assert '<span class="lemma-count">2</span>' in html


def test_index_pages_list_notes_by_year_author_date_and_usage(vault):
    data = indexes.IndexInput(vault, {"papers/dnfa.md": 3, "concepts/tight-frame.md": 0})
    pages = indexes.generate_pages(data)
    assert set(pages) >= {"index.md", "papers/index.md", "papers/authors.md", "takes/index.md",
                          "concepts/index.md", "tags/index.md", "tags/ml.md"}
    assert "- [#ml](ml.md) <span class=\"lemma-meta\">1 note</span>" in pages["tags/index.md"][1]
    assert "[DNFA paper](../papers/dnfa.md)" in pages["tags/ml.md"][1]
    assert "## 2023" in pages["papers/index.md"][1]
    assert "[DNFA paper](dnfa.md)" in pages["papers/index.md"][1]
    assert "## A. Rad" in pages["papers/authors.md"][1]
    assert "## May 2024" in pages["takes/index.md"][1]
    assert "used by 0 notes" in pages["concepts/index.md"][1]
    assert "[A take](takes/t.md)" in pages["index.md"][1]


def test_checked_knowledge_counts_link_statuses(vault):
    link = SimpleNamespace
    results = [SimpleNamespace(id="d1", path="papers/dnfa.md", line=9, title="T", verdict="tested",
                               expected="valid", passed=True,
                               links=[link(status="proved"), link(status="verified")]),
               SimpleNamespace(id="d2", path="papers/dnfa.md", line=20, title="Slip",
                               verdict="invalid", expected="invalid@1", passed=True,
                               links=[link(status="failed")])]
    text = indexes.checked_knowledge(results, vault)
    assert "1 derivation in the notes, with 2 checked links: **1** proved, **1** verified." in text
    assert "(papers/dnfa.md#d1)" in text
    assert 'lemma-badge-verified" title="no counterexample' in text
    assert ("Also 1 teaching example, each a common slip that the checker rejects as intended: "
            "[Slip](papers/dnfa.md#d2).") in text


def test_unexpected_failure_points_at_the_failing_link():
    r = SimpleNamespace(id="x", path="p.md", line=3, passed=False, verdict="invalid",
                        expected="valid", first_failure=2, error=None,
                        links=[SimpleNamespace(index=1, line=6), SimpleNamespace(index=2, line=7)])
    ok = SimpleNamespace(passed=True)
    assert unexpected_failures([r, ok]) == [
        (SourcePos("p.md", 7), "derivation 'x': link 2 fails (verdict invalid, expected valid)")]


def test_block_spans_skip_other_fences():
    lines = ["```python", "```derivation", "```", "", "```derivation id=a", "x", "```"]
    assert block_spans("\n".join(lines), first_line=7) == [(4, 6)]
    assert block_spans("text\n~~~~derivation id=b\nx\ny", first_line=1) == [(1, 3)]  # unclosed


def test_dates_and_years():
    note = SimpleNamespace(meta={"date": dt.date(2024, 1, 2)})
    assert render_notes.note_date(note) == dt.date(2024, 1, 2)
    assert render_notes.note_year(SimpleNamespace(meta={"year": 2020})) == 2020


def test_extensions_that_do_not_exist_are_skipped_and_hooks_are_collected(tmp_path, monkeypatch):
    from lemma.site.extensions import load_extensions

    (tmp_path / "fake_ext.py").write_text(
        "def pages(state):\n    return {'x.md': ('X', '# X')}\n"
        "def page_html(state, path, url):\n    return '<p>extra</p>'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = load_extensions(("no_such_extension_module", "fake_ext"))
    assert [f(None) for f in found.pages] == [{"x.md": ("X", "# X")}]
    assert [f(None, "a.md", "a/") for f in found.page_html] == ["<p>extra</p>"]
    assert found.files == []


def test_one_line_display_math_gets_its_own_paragraph():
    from lemma.site.math import separate_display_math

    assert separate_display_math("text\n$$x$$\nmore") == "text\n\n$$x$$\n\nmore"
    assert separate_display_math("```\n$$x$$\n```") == "```\n$$x$$\n```"
