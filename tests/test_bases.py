"""Obsidian Bases at build time: expressions evaluated by a whitelist (never eval), filters,
formulas, sort, limit, views; a page per base, private notes left out."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest

from lemma.bases.base import parse_base, run_view
from lemma.bases.expr import ExprError, Scope, evaluate, read_expression
from lemma.note_parse import parse_note
from tests.test_site_build import build_site

NOTE = parse_note("Books/Dune.md", "---\ntags: [book, sci/fi]\nprice: 12.5\nage: 5\n"
                  "status: reading\n---\n# Dune\n")[0]


def value(source: str, formulas: dict | None = None):
    from lemma.bases.base import FileInfo

    formulas = formulas or {}
    scope = Scope(FileInfo(NOTE, ["Books/Emma.md"]), NOTE.meta,
                  lambda name: evaluate(read_expression(formulas[name]), scope)
                  if name in formulas else None, dt.date(2024, 5, 1))
    return evaluate(read_expression(source), scope)


CASES = [
    ("arithmetic", "(price / age).toFixed(2)", "2.50"),
    ("precedence", "1 + 2 * 3 - 4 % 3", 6),
    ("comparison-and", 'price > 10 && status != "done"', True),
    ("or-short-circuit", "age > 100 || 7", 7),
    ("not", "!file.hasTag('poetry')", True),
    ("nested-tag", 'file.hasTag("sci")', True),
    ("if", 'if(status == "done", "read", "open")', "open"),
    ("string-concat", 'file.basename + " (" + age + ")"', "Dune (5)"),
    ("note-prefix-and-index", 'note.price + note["age"]', 17.5),
    ("file-props", "[file.name, file.folder, file.ext]", ["Dune.md", "Books", "md"]),
    ("has-link", 'file.hasLink("Emma")', True),
    ("in-folder", 'file.inFolder("Books")', True),
    ("list-methods", 'file.tags.contains("book") && file.tags.length == 2', True),
    ("string-methods", '"A b".lower().replace(" ", "-")', "a-b"),
    ("missing-property", "missing", None),
    ("divide-by-zero", "price / 0", None),
    ("date-compare", 'date("2024-01-02") < today()', True),
    ("formula", "formula.double * 2", 50.0),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_expressions(source: str, expected) -> None:
    assert value(source, {"double": "price * 2"}) == expected


@pytest.mark.parametrize(("source", "message"), [
    ('__import__("os")', "unsupported function '__import__()'"),
    ("price.__class__()", "unsupported method '.__class__()'"),
    ("file.evil", "unsupported file property 'file.evil'"),
    ('"x".format()', "unsupported method '.format()'"),
    ("eval('1')", "unsupported function 'eval()'"),
    ("(1", "expected ')'"),
    ("1 +", "expression ends too early"),
    ("a ; b", "cannot read '; b'"),
    ("(" * 50 + "1" + ")" * 50, "expression nested too deeply"),
], ids=["import", "dunder", "file-property", "format", "eval", "unclosed", "dangling",
        "bad-char", "too-deep"])
def test_outside_the_whitelist_is_an_error(source: str, message: str) -> None:
    with pytest.raises(ExprError, match="^" + __import__("re").escape(message)):
        value(source)


BASE = """\
filters:
  and:
    - file.hasTag("book")
formulas:
  ppu: "(price / age).toFixed(2)"
properties:
  formula.ppu:
    displayName: Price per year
views:
  - type: table
    name: All books
    order: [file.name, price, formula.ppu]
    sort:
      - property: price
        direction: DESC
  - type: cards
    name: Unread
    filters: 'status != "done"'
    order: [file.name, status]
    limit: 1
  - type: list
    name: Unsafe
    filters: '__import__("os")'
"""
VAULT = {
    "Books/Dune.md": "---\ntags: [book]\nprice: 12.5\nage: 5\nstatus: reading\n---\n# Dune\n",
    "Books/Emma.md": "---\ntags: [book]\nprice: 3\nage: 2\nstatus: done\n---\n# Emma\n",
    "Books/Zola.md": "---\ntags: [book]\nprice: 1\nage: 1\nstatus: new\n---\n# Zola\n",
    "Books/Secret.md": "---\ntags: [book]\nprice: 99\npublish: false\n---\nSECRETBOOK\n",
    "Home.md": "# Home\n\n![[Library.base]]\n",
    "Library.base": BASE,
}


def test_run_view_filters_sorts_and_limits() -> None:
    base = parse_base("Library.base", BASE)
    notes = [parse_note(p, t)[0] for p, t in VAULT.items() if p.endswith(".md")]
    table, cards, unsafe = base.views
    rows = run_view(base, table, [n for n in notes if "Secret" not in n.path], {},
                    dt.date(2024, 1, 1))
    assert [(r.note.path, r.values["formula.ppu"]) for r in rows] == [
        ("Books/Dune.md", "2.50"), ("Books/Emma.md", "1.50"), ("Books/Zola.md", "1.00")]
    assert [r.note.path for r in run_view(base, cards, notes, {}, dt.date(2024, 1, 1))] == [
        "Books/Dune.md"]
    assert run_view(base, unsafe, notes, {}, dt.date(2024, 1, 1)) == []
    assert [d.message for d in base.problems] == [
        "unsupported function '__import__()' (the expression counts as empty)"]
    assert base.problems[0].pos.line == 23


def test_bad_yaml_is_one_problem() -> None:
    base = parse_base("b.base", "views:\n  - type: table\n   name: x\n")
    assert [(d.code, d.pos.line) for d in base.problems] == [("base-invalid", 3)]


def test_base_page_shows_views_without_private_notes(tmp_path: Path) -> None:
    site = build_site(tmp_path / "p", VAULT, strict=False)
    page = html.unescape((site / "Library.base" / "index.html").read_text(encoding="utf-8"))
    table = page[page.index('class="lemma-base-table"'): page.index("</table>")]
    assert table.index(">Dune<") < table.index(">Emma<") < table.index(">Zola<")
    assert "<th>Price per year</th>" in table and "<td>2.50</td>" in table
    assert page.count('class="lemma-base-card"') == 1
    assert "No notes match this view." in page
    assert "Secret" not in page and not (site / "Library.base").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="lemma-wikilink lemma-base-link lemma-embed-link" href="Library.base/"' in home
